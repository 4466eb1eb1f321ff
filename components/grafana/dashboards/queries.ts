/**
 * Query fragments shared by the dashboards. Labels are the metadata contract's Prometheus/Loki names
 * (components/contract.ts) and the Tempo generator's own (../metrics-generator.ts). Pure.
 */
import { SERVICE_GRAPH_METRICS, SPAN_METRICS } from "../metrics-generator";

/** Matcher on the dashboard's `cluster` variable ("All" is `.*`, which also matches series without the label). */
export const CLUSTER = `cluster=~"$cluster"`;

/** Inbound work only (server and consumer spans), so a call is not counted once per hop. */
const INBOUND = `span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"`;

const ERROR_STATUS = `status_code="STATUS_CODE_ERROR"`;

/** Loki levels counted as errors (`detected_level` is Loki's normalised level). */
export const ERROR_LEVELS = `detected_level=~"error|critical|fatal"`;

/** `metric{m1, m2, …}` */
export function sel(metric: string, ...matchers: string[]): string {
  return matchers.length ? `${metric}{${matchers.join(", ")}}` : metric;
}

/** `sum by (<by>) (rate(<selector>[$__rate_interval]))` (no `by` when empty). */
export function sumRate(selector: string, by: readonly string[] = []): string {
  const grouping = by.length ? ` by (${by.join(", ")})` : "";
  return `sum${grouping} (rate(${selector}[$__rate_interval]))`;
}

/** Request rate from span metrics. */
export function requestRate(by: readonly string[], ...matchers: string[]): string {
  return sumRate(sel(SPAN_METRICS.calls, CLUSTER, INBOUND, ...matchers), by);
}

/** Error ratio (0..1) from span metrics. */
export function errorRatio(by: readonly string[], ...matchers: string[]): string {
  return `${requestRate(by, ...matchers, ERROR_STATUS)} / ${requestRate(by, ...matchers)}`;
}

/** Latency quantile (seconds) from the span-metrics histogram. */
export function latencyQuantile(q: number, by: readonly string[], ...matchers: string[]): string {
  return `histogram_quantile(${q}, ${sumRate(sel(SPAN_METRICS.latencyBucket, CLUSTER, INBOUND, ...matchers), ["le", ...by])})`;
}

/** Service-graph request rate. */
export function edgeRate(by: readonly string[], ...matchers: string[]): string {
  return sumRate(sel(SERVICE_GRAPH_METRICS.requests, CLUSTER, ...matchers), by);
}
