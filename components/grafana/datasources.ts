/**
 * Grafana datasources, provisioned with fixed UIDs so dashboards, derived fields and trace links can
 * name each other. Pure.
 *
 * kube-prometheus-stack would provision its own `Prometheus` and `Alertmanager` datasources; we turn
 * both off (`sidecar.datasources.defaultDatasourceEnabled: false`, `sidecar.datasources.alertmanager.enabled:
 * false`) and provision all four here through `grafana.additionalDataSources`, which the chart writes into
 * the same sidecar-collected ConfigMap. One list, one owner: nothing is duplicated and every UID is ours.
 *
 * Two layers of templating touch these values before Grafana reads them, and both are handled here:
 * - Helm: kube-prometheus-stack passes `additionalDataSources` through `tpl`, so no string may contain
 *   `{{` (a test checks it).
 * - Grafana provisioning expands environment variables (`$VAR`, `${VAR}`) in every string value and
 *   turns `$$` into a literal `$`. Grafana's own link variables (`${__value.raw}`, `${__trace.traceId}`,
 *   `$__tags`) must therefore be written `$$…`: {@link provisioningEscape} does that for the whole list,
 *   so the builders below are written with the variables exactly as Grafana interprets them.
 */
import type { ObserverConfig } from "../config";
import { endpoints } from "../endpoints";
import { EXEMPLAR_TRACE_ID_LABEL, SPAN_METRICS } from "./metrics-generator";

/** Fixed datasource UIDs (dashboards and links reference these). */
export const DATASOURCE_UIDS = {
  prometheus: "prometheus",
  loki: "loki",
  tempo: "tempo",
  alertmanager: "alertmanager",
} as const;

export type DatasourceKey = keyof typeof DATASOURCE_UIDS;

/** Grafana plugin type of each datasource. */
export const DATASOURCE_TYPES: Readonly<Record<DatasourceKey, string>> = {
  prometheus: "prometheus",
  loki: "loki",
  tempo: "tempo",
  alertmanager: "alertmanager",
};

/** `{ type, uid }` reference used by panels and targets. */
export function datasourceRef(key: DatasourceKey): { type: string; uid: string } {
  return { type: DATASOURCE_TYPES[key], uid: DATASOURCE_UIDS[key] };
}

export { EXEMPLAR_TRACE_ID_LABEL };

/** Loki derived fields: structured metadata `trace_id` (OTLP logs) and `trace_id=<hex>` in the line. */
export const LOKI_TRACE_ID_FIELD = "trace_id";
export const LOKI_TRACE_ID_LINE_REGEX = "trace_id=(\\w+)";

/** Tenant header Loki reads when multi-tenant. */
const LOKI_TENANT_HEADER = "X-Scope-OrgID";

/** One Grafana datasource provisioning entry (the subset of keys we use). */
export interface DatasourceProvisioning {
  name: string;
  type: string;
  uid: string;
  url: string;
  access: "proxy";
  isDefault: boolean;
  editable: boolean;
  jsonData: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

/** Trace-to-metrics queries offered on every span (Tempo datasource). `$__tags` is Grafana's mapped-tags matcher. */
export const TRACES_TO_METRICS_QUERIES: readonly { name: string; query: string }[] = [
  {
    name: "Request rate",
    query: `sum by (span_name) (rate(${SPAN_METRICS.calls}{$__tags}[5m]))`,
  },
  {
    name: "Error rate",
    query: `sum by (span_name) (rate(${SPAN_METRICS.calls}{$__tags, status_code="STATUS_CODE_ERROR"}[5m]))`,
  },
  {
    name: "p95 latency",
    query: `histogram_quantile(0.95, sum by (le) (rate(${SPAN_METRICS.latencyBucket}{$__tags}[5m])))`,
  },
];

/**
 * Traces-to-logs query: the span's service and namespace select the Loki streams (index labels
 * `service_name` and `namespace`), then the `trace_id` structured metadata filters the lines. A line
 * filter on the trace id would miss OTLP log records, whose body does not contain it.
 */
export const TRACES_TO_LOGS_QUERY = `{\${__tags}} | ${LOKI_TRACE_ID_FIELD}="\${__trace.traceId}"`;

/** The four datasources, as Grafana should interpret them (before provisioning escapes). */
export function datasourceList(cfg: ObserverConfig): DatasourceProvisioning[] {
  // The read paths of the shapes that run (Loki/Tempo query frontends in their distributed modes).
  const ep = endpoints(cfg);
  const tenant = cfg.loki.tenant;
  const traceLink = { datasourceUid: DATASOURCE_UIDS.tempo, url: "${__value.raw}", urlDisplayLabel: "View trace" };
  return [
    {
      name: "Prometheus",
      type: DATASOURCE_TYPES.prometheus,
      uid: DATASOURCE_UIDS.prometheus,
      url: ep.prometheus.url,
      access: "proxy",
      isDefault: true,
      editable: false,
      jsonData: {
        httpMethod: "POST",
        timeInterval: "30s",
        prometheusType: "Prometheus",
        exemplarTraceIdDestinations: [
          { name: EXEMPLAR_TRACE_ID_LABEL, datasourceUid: DATASOURCE_UIDS.tempo, urlDisplayLabel: "View trace" },
        ],
      },
    },
    {
      name: "Loki",
      type: DATASOURCE_TYPES.loki,
      uid: DATASOURCE_UIDS.loki,
      url: ep.loki.url,
      access: "proxy",
      isDefault: false,
      editable: false,
      jsonData: {
        maxLines: 1000,
        timeout: 60,
        derivedFields: [
          { name: "TraceID", matcherType: "label", matcherRegex: LOKI_TRACE_ID_FIELD, ...traceLink },
          { name: "TraceID (line)", matcherType: "regex", matcherRegex: LOKI_TRACE_ID_LINE_REGEX, ...traceLink },
        ],
        ...(tenant !== undefined ? { httpHeaderName1: LOKI_TENANT_HEADER } : {}),
      },
      // The tenant id is not a secret; Grafana only sends custom headers from secureJsonData.
      ...(tenant !== undefined ? { secureJsonData: { httpHeaderValue1: tenant } } : {}),
    },
    {
      name: "Tempo",
      type: DATASOURCE_TYPES.tempo,
      uid: DATASOURCE_UIDS.tempo,
      url: ep.tempo.url,
      access: "proxy",
      isDefault: false,
      editable: false,
      jsonData: {
        tracesToLogsV2: {
          datasourceUid: DATASOURCE_UIDS.loki,
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          tags: [
            { key: "service.name", value: "service_name" },
            { key: "service.namespace", value: "namespace" },
          ],
          filterByTraceID: false,
          filterBySpanID: false,
          customQuery: true,
          query: TRACES_TO_LOGS_QUERY,
        },
        tracesToMetrics: {
          datasourceUid: DATASOURCE_UIDS.prometheus,
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          tags: [{ key: "service.name", value: "service_name" }],
          queries: TRACES_TO_METRICS_QUERIES.map((q) => ({ ...q })),
        },
        serviceMap: { datasourceUid: DATASOURCE_UIDS.prometheus },
        nodeGraph: { enabled: true },
        lokiSearch: { datasourceUid: DATASOURCE_UIDS.loki },
        search: { hide: false },
        traceQuery: { timeShiftEnabled: true, spanStartTimeShift: "-30m", spanEndTimeShift: "30m" },
        // Tempo's stream-over-HTTP endpoints are off in the chart (tempo.streamOverHttpEnabled: false).
        streamingEnabled: { search: false, metrics: false },
      },
    },
    {
      name: "Alertmanager",
      type: DATASOURCE_TYPES.alertmanager,
      uid: DATASOURCE_UIDS.alertmanager,
      url: ep.alertmanager.url,
      access: "proxy",
      isDefault: false,
      editable: false,
      jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
    },
  ];
}

/**
 * Escapes a value for Grafana provisioning: every `$` becomes `$$`, so Grafana's environment
 * expansion yields the literal text back (`${__value.raw}` stays a link variable).
 */
export function provisioningEscape<T>(value: T): T {
  if (typeof value === "string") return value.replace(/\$/g, "$$$$") as T;
  if (Array.isArray(value)) return value.map((v) => provisioningEscape(v)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, provisioningEscape(v)])) as T;
  }
  return value;
}

/** The list as it goes into `grafana.additionalDataSources` (escaped for provisioning). */
export function provisionedDatasources(cfg: ObserverConfig): DatasourceProvisioning[] {
  return provisioningEscape(datasourceList(cfg));
}
