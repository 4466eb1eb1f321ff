/** Service detail (variable `service`): RED, dependencies, pods, recent error logs and a trace search. Pure. */
import { dashboard, labelValuesVariable, logs, loki, prom, row, stat, table, timeseries, traceql, type DashboardJson } from "./builder";
import { CLUSTER, ERROR_LEVELS, edgeRate, errorRatio, latencyQuantile, requestRate } from "./queries";
import { SPAN_METRICS } from "../metrics-generator";

const SERVICE_DETAIL_UID = "observer-service-detail";

const SERVICE = `service_name="$service"`;
const LOKI_SERVICE = `{${CLUSTER}, service_name="$service"}`;

export function serviceDetail(): DashboardJson {
  return dashboard({
    uid: SERVICE_DETAIL_UID,
    title: "Service detail",
    description: "One service: RED by operation (Tempo span metrics), its dependencies (service graph), its pods, recent error logs and traces.",
    tags: ["observer", "services"],
    variables: [
      labelValuesVariable("cluster", "Cluster", "up", "cluster", { includeAll: true, multi: true }),
      labelValuesVariable("service", "Service", `${SPAN_METRICS.calls}{${CLUSTER}}`, "service_name"),
    ],
    panels: [
      row("RED"),
      stat("Request rate", [prom(requestRate([], SERVICE))], { unit: "reqps", w: 8 }),
      stat("Error ratio", [prom(errorRatio([], SERVICE))], { unit: "percentunit", w: 8 }),
      stat("p95 latency", [prom(latencyQuantile(0.95, [], SERVICE))], { unit: "s", w: 8 }),
      timeseries("Requests by operation", [prom(requestRate(["span_name"], SERVICE), "{{span_name}}")], { unit: "reqps", min: 0 }),
      timeseries("Errors by operation", [prom(requestRate(["span_name"], SERVICE, `status_code="STATUS_CODE_ERROR"`), "{{span_name}}")], {
        unit: "reqps",
        min: 0,
      }),
      timeseries(
        "Latency",
        [
          prom(latencyQuantile(0.5, [], SERVICE), "p50"),
          prom(latencyQuantile(0.95, [], SERVICE), "p95", { exemplar: true }),
          prom(latencyQuantile(0.99, [], SERVICE), "p99"),
        ],
        { unit: "s", min: 0, w: 24, description: "Exemplars on p95 link to the traces behind them." },
      ),
      row("Dependencies (service graph)"),
      timeseries("Calls to dependencies", [prom(edgeRate(["server"], `client="$service"`), "{{server}}")], { unit: "reqps", min: 0 }),
      timeseries("Callers", [prom(edgeRate(["client"], `server="$service"`), "{{client}}")], { unit: "reqps", min: 0 }),
      row("Pods and logs"),
      table(
        "Pods",
        [loki(`sum by (namespace, pod) (count_over_time(${LOKI_SERVICE} [$__range]))`, undefined, { instant: true })],
        { w: 12, description: "Pods that logged for this service in the time range, with their line counts." },
      ),
      timeseries("Log volume by level", [loki(`sum by (detected_level) (count_over_time(${LOKI_SERVICE} [$__auto]))`, "{{detected_level}}")], {
        unit: "short",
        min: 0,
      }),
      logs("Recent error logs", loki(`${LOKI_SERVICE} | ${ERROR_LEVELS}`)),
      row("Traces"),
      table("Recent traces", [traceql(`{resource.service.name="$service"}`)], { w: 12, h: 10 }),
      table("Error traces", [traceql(`{resource.service.name="$service" && status=error}`)], { w: 12, h: 10 }),
    ],
  });
}
