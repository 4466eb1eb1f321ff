/**
 * Query builders for the end-to-end suite: PromQL, LogQL, TraceQL, the backends' HTTP API paths, and
 * Grafana's datasource proxy paths. Pure; every function returns exactly the string sent.
 */

/** A double-quoted string literal as PromQL, LogQL and TraceQL read it (Go string syntax). */
export function quoted(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t")}"`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function checkLabel(name: string): string {
  if (!LABEL_NAME.test(name)) throw new Error(`invalid label name ${JSON.stringify(name)}`);
  return name;
}

/** `{a="x",b="y"}` matchers in the given order (equality only). */
function matchers(labels: Readonly<Record<string, string>>, sep: string): string {
  return Object.entries(labels)
    .map(([k, v]) => `${checkLabel(k)}=${quoted(v)}`)
    .join(sep);
}

/** PromQL instant vector selector: `metric{a="x",b="y"}`. */
export function promSelector(metric: string, labels: Readonly<Record<string, string>> = {}): string {
  if (!METRIC_NAME.test(metric)) throw new Error(`invalid metric name ${JSON.stringify(metric)}`);
  const m = matchers(labels, ",");
  return m === "" ? metric : `${metric}{${m}}`;
}

/** `last_over_time(<selector>[<range>])`: the latest sample in the window, whatever the lookback delta. */
export function promLastOverTime(selector: string, range: string): string {
  if (!/^(\d+[smhdwy])+$/.test(range)) throw new Error(`invalid PromQL range ${JSON.stringify(range)}`);
  return `last_over_time(${selector}[${range}])`;
}

/** LogQL stream selector: `{a="x", b="y"}` (at least one matcher). */
export function logqlSelector(labels: Readonly<Record<string, string>>): string {
  const m = matchers(labels, ", ");
  if (m === "") throw new Error("a LogQL stream selector needs at least one label matcher");
  return `{${m}}`;
}

/** LogQL: selector and a line filter keeping the lines that contain `text`. */
export function logqlContains(labels: Readonly<Record<string, string>>, text: string): string {
  return `${logqlSelector(labels)} |= ${quoted(text)}`;
}

const TRACEQL_ATTR = /^(resource|span)\.[A-Za-z0-9_.-]+$/;

/** TraceQL spanset filter ANDing equality on scoped attributes: `{ resource.service.name = "x" && span.k = "v" }`. */
export function traceqlEquals(attrs: Readonly<Record<string, string>>): string {
  const parts = Object.entries(attrs).map(([k, v]) => {
    if (!TRACEQL_ATTR.test(k)) throw new Error(`TraceQL attribute ${JSON.stringify(k)} must be scoped: resource.<name> or span.<name>`);
    return `${k} = ${quoted(v)}`;
  });
  if (parts.length === 0) throw new Error("a TraceQL filter needs at least one attribute");
  return `{ ${parts.join(" && ")} }`;
}

function checkHex(id: string, digits: number, what: string): string {
  if (!new RegExp(`^[0-9a-f]{${digits}}$`).test(id)) throw new Error(`invalid ${what} ${JSON.stringify(id)}: expected ${digits} lower-case hex digits`);
  return id;
}

function withQuery(path: string, params: Readonly<Record<string, string | number>>): string {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return qs === "" ? path : `${path}?${qs}`;
}

// ------------------------------------------------------------------------------------------------
// Backend API paths (relative: the Grafana proxy path is prepended).
// ------------------------------------------------------------------------------------------------

/** Prometheus instant query: `api/v1/query?query=…&time=…` (time in Unix seconds). */
export function promQueryPath(query: string, timeS?: number): string {
  return withQuery("api/v1/query", timeS === undefined ? { query } : { query, time: timeS });
}

export interface LokiRange {
  readonly query: string;
  /** Unix nanoseconds, as a decimal string (beyond Number's exact range). */
  readonly startNs: string;
  readonly endNs: string;
  readonly limit: number;
  readonly direction: "forward" | "backward";
}

/** Loki range query: `loki/api/v1/query_range?query=…&start=…&end=…&limit=…&direction=…`. */
export function lokiQueryRangePath(r: LokiRange): string {
  return withQuery("loki/api/v1/query_range", {
    query: r.query,
    start: r.startNs,
    end: r.endNs,
    limit: r.limit,
    direction: r.direction,
  });
}

/** Tempo trace by id (JSON when asked with `Accept: application/json`): `api/traces/<32 hex>`. */
export function tempoTraceByIdPath(traceId: string): string {
  return `api/traces/${checkHex(traceId, 32, "trace id")}`;
}

/** Tempo TraceQL search: `api/search?q=…&start=…&end=…&limit=…` (Unix seconds). */
export function tempoSearchPath(q: string, startS: number, endS: number, limit = 20): string {
  return withQuery("api/search", { q, start: startS, end: endS, limit });
}

// ------------------------------------------------------------------------------------------------
// Grafana
// ------------------------------------------------------------------------------------------------

/** Grafana's datasource proxy: `/api/datasources/proxy/uid/<uid>/<path>` (the backend's own API behind it). */
export function grafanaProxyPath(uid: string, upstreamPath: string): string {
  if (!/^[a-zA-Z0-9._-]{1,40}$/.test(uid)) throw new Error(`invalid Grafana datasource uid ${JSON.stringify(uid)}`);
  return `/api/datasources/proxy/uid/${uid}/${upstreamPath.replace(/^\/+/, "")}`;
}

/**
 * Base URLs to try for Grafana behind a local port-forward, best first: the sub-path of the
 * `grafanaUrl` stack output (Grafana serves from `/grafana` when `serve_from_sub_path` is on), then
 * the root (when a proxy strips the prefix instead).
 */
export function grafanaBaseCandidates(grafanaUrl: string, localOrigin: string): string[] {
  const origin = localOrigin.replace(/\/+$/, "");
  const path = new URL(grafanaUrl).pathname.replace(/\/+$/, "");
  return path === "" ? [origin] : [`${origin}${path}`, origin];
}

/** `Authorization` header value for Grafana basic auth. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
}

