/** Services overview: RED per service from Tempo's span metrics, log volume and error-log rate from Loki. Pure. */
import { dashboard, labelValuesVariable, loki, prom, row, table, timeseries, type DashboardJson } from "./builder";
import { CLUSTER, ERROR_LEVELS, errorRatio, latencyQuantile, requestRate } from "./queries";

const SERVICES_OVERVIEW_UID = "observer-services-overview";

const BY_SERVICE = ["service_name"] as const;

export function servicesOverview(): DashboardJson {
  return dashboard({
    uid: SERVICES_OVERVIEW_UID,
    title: "Services overview",
    description:
      "Every traced service: request rate, error ratio and latency (Tempo span metrics, inbound spans), log volume and error-log rate (Loki).",
    tags: ["observer", "services"],
    variables: [labelValuesVariable("cluster", "Cluster", "up", "cluster", { includeAll: true, multi: true })],
    panels: [
      row("Requests (from traces)"),
      table(
        "Services",
        [
          prom(requestRate(BY_SERVICE), "rate", { instant: true, table: true }),
          prom(errorRatio(BY_SERVICE), "error ratio", { instant: true, table: true }),
          prom(latencyQuantile(0.95, BY_SERVICE), "p95", { instant: true, table: true }),
        ],
        { merge: true, description: "Current request rate (req/s), error ratio and p95 latency (s) per service." },
      ),
      timeseries("Request rate", [prom(requestRate(BY_SERVICE), "{{service_name}}")], { unit: "reqps", min: 0 }),
      timeseries("Error ratio", [prom(errorRatio(BY_SERVICE), "{{service_name}}")], { unit: "percentunit", min: 0, max: 1 }),
      timeseries("p50 latency", [prom(latencyQuantile(0.5, BY_SERVICE), "{{service_name}}")], { unit: "s", min: 0, w: 8 }),
      timeseries("p95 latency", [prom(latencyQuantile(0.95, BY_SERVICE), "{{service_name}}", { exemplar: true })], {
        unit: "s",
        min: 0,
        w: 8,
      }),
      timeseries("p99 latency", [prom(latencyQuantile(0.99, BY_SERVICE), "{{service_name}}")], { unit: "s", min: 0, w: 8 }),
      row("Logs"),
      timeseries(
        "Log volume",
        [loki(`sum by (service_name) (count_over_time({${CLUSTER}, service_name=~".+"} [$__auto]))`, "{{service_name}}")],
        { unit: "short", min: 0, description: "Log lines per interval, per service." },
      ),
      timeseries(
        "Error-log rate",
        [loki(`sum by (service_name) (rate({${CLUSTER}, service_name=~".+"} | ${ERROR_LEVELS} [$__auto]))`, "{{service_name}}")],
        { unit: "short", min: 0, description: "Error, critical and fatal log lines per second, per service." },
      ),
    ],
  });
}
