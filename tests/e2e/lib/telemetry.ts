/**
 * Reading what the backends return (Prometheus vectors, Loki streams, Tempo traces and searches,
 * Grafana derived fields) and checking it against the metadata contract. Pure.
 */
import { APP_POD_LABEL, CONTRACT, POOL_POD_LABELS, type ContractRow } from "../../../components/contract";

// ------------------------------------------------------------------------------------------------
// The metadata contract, as expected for one pod
// ------------------------------------------------------------------------------------------------

export interface PodIdentity {
  /** `service.name` the telemetry should carry (from the SDK, or parsed from the log line). */
  readonly serviceName: string;
  readonly namespace: string;
  readonly podName: string;
  readonly podUid: string;
  /** Config `observer:clusterName`. */
  readonly cluster: string;
  /** The pod's labels (`datalayer.io/app`, `jupyterpool.datalayer.io/*`). */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** Every contract attribute (OpenTelemetry name) with the value expected for this pod. */
export function expectedContract(p: PodIdentity): Record<string, string> {
  const byAttribute: Record<string, string> = {
    "service.name": p.serviceName,
    "service.namespace": p.namespace,
    "service.instance.id": p.podUid,
    app: label(p, APP_POD_LABEL),
    namespace: p.namespace,
    pod: p.podName,
    cluster: p.cluster,
    instance: p.podUid,
  };
  for (const [attribute, podLabel] of Object.entries(POOL_POD_LABELS)) byAttribute[attribute] = label(p, podLabel);
  // Same keys as the table, in table order; a row added to the contract without a value here fails loudly.
  return Object.fromEntries(
    CONTRACT.map((row) => {
      const v = byAttribute[row.attribute];
      if (v === undefined) throw new Error(`e2e: no expected value for contract attribute ${row.attribute}; extend expectedContract`);
      return [row.attribute, v];
    }),
  );
}

function label(p: PodIdentity, key: string): string {
  const v = p.podLabels[key];
  if (v === undefined) throw new Error(`e2e: the test pod must carry label ${key}`);
  return v;
}

export type Backend = "prometheus" | "loki" | "tempo";

/** The name a contract row has in a backend: Tempo keeps the attribute; Prometheus and Loki use underscores. */
export function backendName(row: ContractRow, backend: Backend): string {
  return backend === "tempo" ? row.attribute : row.promLabel;
}

/** Contract expectations renamed for a backend: `{service_name: "x", ...}` for Prometheus and Loki. */
export function expectedFor(backend: Backend, expected: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(CONTRACT.map((row) => [backendName(row, backend), expected[row.attribute] ?? ""]));
}

/** One line per mismatch: `app: expected "e2e-app", got (absent)`. Empty when everything matches. */
export function labelMismatches(expected: Readonly<Record<string, string>>, actual: Readonly<Record<string, string>>): string[] {
  return Object.entries(expected)
    .filter(([k, v]) => actual[k] !== v)
    .map(([k, v]) => `${k}: expected ${JSON.stringify(v)}, got ${k in actual ? JSON.stringify(actual[k]) : "(absent)"}`);
}

// ------------------------------------------------------------------------------------------------
// Prometheus
// ------------------------------------------------------------------------------------------------

export interface PromSample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses `/api/v1/query` JSON of result type vector. */
export function parsePromVector(body: unknown): PromSample[] {
  const b = body as { status?: string; error?: string; data?: { resultType?: string; result?: unknown[] } };
  if (b?.status !== "success") throw new Error(`Prometheus query failed: ${b?.error ?? JSON.stringify(body).slice(0, 500)}`);
  if (b.data?.resultType !== "vector") throw new Error(`expected a vector result, got ${b.data?.resultType}`);
  return (b.data.result ?? []).map((r) => {
    const s = r as { metric?: Record<string, string>; value?: [number, string] };
    return { labels: { ...(s.metric ?? {}) }, value: Number(s.value?.[1]) };
  });
}

// ------------------------------------------------------------------------------------------------
// Loki
// ------------------------------------------------------------------------------------------------

export interface LokiEntry {
  readonly tsNs: string;
  readonly line: string;
  /**
   * Stream labels. Without the `categorize-labels` encoding flag, Loki 3 merges index labels,
   * structured metadata and parsed labels into each result stream's labels, so all are here.
   */
  readonly labels: Record<string, string>;
}

/** Parses `/loki/api/v1/query_range` JSON of result type streams into entries. */
export function parseLokiStreams(body: unknown): LokiEntry[] {
  const b = body as { status?: string; error?: string; data?: { resultType?: string; result?: unknown[] } };
  if (b?.status !== "success") throw new Error(`Loki query failed: ${b?.error ?? JSON.stringify(body).slice(0, 500)}`);
  if (b.data?.resultType !== "streams") throw new Error(`expected a streams result, got ${b.data?.resultType}`);
  const out: LokiEntry[] = [];
  for (const r of b.data.result ?? []) {
    const s = r as { stream?: Record<string, string>; values?: unknown[][] };
    for (const v of s.values ?? []) {
      // [ts, line] or, with categorize-labels, [ts, line, {structuredMetadata, parsed}]
      const extra = (v[2] ?? {}) as { structuredMetadata?: Record<string, string>; parsed?: Record<string, string> };
      out.push({
        tsNs: String(v[0]),
        line: String(v[1]),
        labels: { ...(s.stream ?? {}), ...(extra.structuredMetadata ?? {}), ...(extra.parsed ?? {}) },
      });
    }
  }
  return out.sort((a, b) => (BigInt(a.tsNs) < BigInt(b.tsNs) ? -1 : BigInt(a.tsNs) > BigInt(b.tsNs) ? 1 : 0));
}

// ------------------------------------------------------------------------------------------------
// Tempo
// ------------------------------------------------------------------------------------------------

/**
 * A trace or span id as lower-case hex. Tempo's JSON carries ids base64-encoded (protobuf bytes in
 * JSON) on `/api/traces`, hex on OTLP/JSON, and hex without leading zeros in search results.
 */
export function idToHex(id: string, bytes: 8 | 16): string {
  const digits = bytes * 2;
  if (/^[0-9a-fA-F]+$/.test(id) && id.length <= digits) {
    // Hex, possibly with leading zeros stripped. (Padded base64 of 8 or 16 bytes always ends in '='.)
    return id.toLowerCase().padStart(digits, "0");
  }
  const buf = Buffer.from(id, "base64");
  if (buf.length !== bytes) throw new Error(`cannot read id ${JSON.stringify(id)} as ${bytes} bytes (hex or base64)`);
  return buf.toString("hex");
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
};

function anyValueToString(v: AnyValue | undefined): string {
  if (v === undefined) return "";
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.arrayValue !== undefined) return JSON.stringify((v.arrayValue.values ?? []).map(anyValueToString));
  return JSON.stringify(v);
}

/** OTLP `[{key, value: {stringValue}}]` -> `{key: "value"}`. */
export function attributesToRecord(kvs: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of (kvs as { key: string; value?: AnyValue }[] | undefined) ?? []) out[kv.key] = anyValueToString(kv.value);
  return out;
}

export interface TempoSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
  readonly resource: Record<string, string>;
  readonly attributes: Record<string, string>;
}

/**
 * Parses Tempo's trace JSON: `/api/traces/<id>` (`{batches: [...]}`), `/api/v2/traces/<id>`
 * (`{trace: {resourceSpans: [...]}}`) or plain OTLP (`{resourceSpans: [...]}`); scope spans under
 * `scopeSpans` (or the older `instrumentationLibrarySpans`).
 */
export function parseTempoTrace(body: unknown): TempoSpan[] {
  const b = body as { batches?: unknown[]; resourceSpans?: unknown[]; trace?: { resourceSpans?: unknown[] } };
  const batches = b?.batches ?? b?.resourceSpans ?? b?.trace?.resourceSpans ?? [];
  const out: TempoSpan[] = [];
  for (const batch of batches) {
    const rs = batch as { resource?: { attributes?: unknown }; scopeSpans?: unknown[]; instrumentationLibrarySpans?: unknown[] };
    const resource = attributesToRecord(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? rs.instrumentationLibrarySpans ?? []) {
      for (const sp of (ss as { spans?: unknown[] }).spans ?? []) {
        const span = sp as { traceId: string; spanId: string; name?: string; attributes?: unknown };
        out.push({
          traceId: idToHex(span.traceId, 16),
          spanId: idToHex(span.spanId, 8),
          name: span.name ?? "",
          resource,
          attributes: attributesToRecord(span.attributes),
        });
      }
    }
  }
  return out;
}

/** Trace ids (hex, 32 digits) in a Tempo `/api/search` response. */
export function parseTempoSearch(body: unknown): string[] {
  const b = body as { traces?: { traceID?: string }[] };
  return (b?.traces ?? []).filter((t) => typeof t.traceID === "string").map((t) => idToHex(t.traceID as string, 16));
}

// ------------------------------------------------------------------------------------------------
// Grafana: the Loki datasource's derived fields (log -> trace links)
// ------------------------------------------------------------------------------------------------

export interface DerivedField {
  readonly name?: string;
  readonly matcherRegex?: string;
  /** `label` (structured metadata / label named `matcherRegex`) or `regex` (on the line; the default). */
  readonly matcherType?: string;
  readonly datasourceUid?: string;
  readonly url?: string;
}

export interface TraceLink {
  readonly field: string;
  readonly datasourceUid: string;
  readonly traceId: string;
}

/**
 * The trace links Grafana shows on a log entry: for each derived field pointing at a datasource, the
 * value it extracts (a label's value, or the regex's first capture group on the line, else the whole
 * match). Internal links (`datasourceUid` set) open `url` with `${__value.raw}` = that value.
 */
export function traceLinks(fields: readonly DerivedField[], entry: Pick<LokiEntry, "line" | "labels">): TraceLink[] {
  const links: TraceLink[] = [];
  for (const f of fields) {
    if (!f.datasourceUid || !f.matcherRegex) continue;
    let value: string | undefined;
    if (f.matcherType === "label") value = entry.labels[f.matcherRegex];
    else {
      const m = new RegExp(f.matcherRegex).exec(entry.line);
      value = m ? (m[1] ?? m[0]) : undefined;
    }
    if (value !== undefined && value !== "") links.push({ field: f.name ?? f.matcherRegex, datasourceUid: f.datasourceUid, traceId: value });
  }
  return links;
}
