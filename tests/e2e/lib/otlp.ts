/**
 * OTLP/JSON payloads (one span, one gauge point, one log record) with ids chosen by the test, and
 * log lines in the OpenTelemetry Python logging format. Pure.
 *
 * OTLP/JSON encoding rules followed here (opentelemetry-proto, "JSON Protobuf Encoding"): trace and
 * span ids are lower-case hex strings (not base64), 64-bit integers (timestamps) are decimal strings,
 * enums are integers, field names are lowerCamelCase.
 */

export type AttributeValue = string | number | boolean;

export interface OtlpKeyValue {
  key: string;
  value: { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
}

/** `{a: "x"}` -> `[{key: "a", value: {stringValue: "x"}}]` (integers become `intValue` strings). */
export function otlpAttributes(attrs: Readonly<Record<string, AttributeValue>>): OtlpKeyValue[] {
  return Object.entries(attrs).map(([key, v]) => {
    if (typeof v === "string") return { key, value: { stringValue: v } };
    if (typeof v === "boolean") return { key, value: { boolValue: v } };
    if (Number.isInteger(v)) return { key, value: { intValue: String(v) } };
    return { key, value: { doubleValue: v } };
  });
}

/** Milliseconds since the epoch -> OTLP nanosecond timestamp (decimal string). */
export function msToUnixNano(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`expected a non-negative integer of milliseconds, got ${ms}`);
  return (BigInt(ms) * 1_000_000n).toString();
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

export function assertTraceId(id: string): string {
  if (!HEX32.test(id) || /^0+$/.test(id)) throw new Error(`invalid trace id ${JSON.stringify(id)}: expected 32 lower-case hex digits, not all zero`);
  return id;
}

export function assertSpanId(id: string): string {
  if (!HEX16.test(id) || /^0+$/.test(id)) throw new Error(`invalid span id ${JSON.stringify(id)}: expected 16 lower-case hex digits, not all zero`);
  return id;
}

/** Lower-case hex of `bytes`, e.g. from `crypto.randomBytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** Scope name on everything the suite sends. */
export const E2E_SCOPE = { name: "observer-e2e", version: "1" } as const;

/** OTLP span kind SERVER and status OK (enum numbers of opentelemetry-proto). */
const SPAN_KIND_SERVER = 2;
const STATUS_CODE_OK = 1;
/** OTLP severity number INFO. */
const SEVERITY_INFO = 9;

export interface TraceArgs {
  readonly resource: Readonly<Record<string, AttributeValue>>;
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

/** ExportTraceServiceRequest with one SERVER span. */
export function otlpTraces(a: TraceArgs) {
  return {
    resourceSpans: [
      {
        resource: { attributes: otlpAttributes(a.resource) },
        scopeSpans: [
          {
            scope: { ...E2E_SCOPE },
            spans: [
              {
                traceId: assertTraceId(a.traceId),
                spanId: assertSpanId(a.spanId),
                name: a.name,
                kind: SPAN_KIND_SERVER,
                startTimeUnixNano: msToUnixNano(a.startMs),
                endTimeUnixNano: msToUnixNano(a.endMs),
                attributes: otlpAttributes(a.attributes ?? {}),
                status: { code: STATUS_CODE_OK },
              },
            ],
          },
        ],
      },
    ],
  };
}

export interface GaugeArgs {
  readonly resource: Readonly<Record<string, AttributeValue>>;
  /** Use a name that Prometheus keeps as is: `[a-z_][a-z0-9_]*`, no unit, so no suffix is added. */
  readonly name: string;
  readonly value: number;
  readonly timeMs: number;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

/** ExportMetricsServiceRequest with one gauge data point (double). */
export function otlpGauge(a: GaugeArgs) {
  if (!/^[a-z_][a-z0-9_]*$/.test(a.name)) throw new Error(`metric name ${JSON.stringify(a.name)} would be rewritten by Prometheus`);
  return {
    resourceMetrics: [
      {
        resource: { attributes: otlpAttributes(a.resource) },
        scopeMetrics: [
          {
            scope: { ...E2E_SCOPE },
            metrics: [
              {
                name: a.name,
                description: "Observer end-to-end probe",
                gauge: {
                  dataPoints: [
                    { asDouble: a.value, timeUnixNano: msToUnixNano(a.timeMs), attributes: otlpAttributes(a.attributes ?? {}) },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

export interface LogArgs {
  readonly resource: Readonly<Record<string, AttributeValue>>;
  readonly body: string;
  readonly timeMs: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

/** ExportLogsServiceRequest with one INFO record correlated to a span. */
export function otlpLogs(a: LogArgs) {
  return {
    resourceLogs: [
      {
        resource: { attributes: otlpAttributes(a.resource) },
        scopeLogs: [
          {
            scope: { ...E2E_SCOPE },
            logRecords: [
              {
                timeUnixNano: msToUnixNano(a.timeMs),
                observedTimeUnixNano: msToUnixNano(a.timeMs),
                severityNumber: SEVERITY_INFO,
                severityText: "INFO",
                body: { stringValue: a.body },
                attributes: otlpAttributes(a.attributes ?? {}),
                traceId: assertTraceId(a.traceId),
                spanId: assertSpanId(a.spanId),
                flags: 1,
              },
            ],
          },
        ],
      },
    ],
  };
}

// -------------------------------------------------------------------------------------------------
// OpenTelemetry Python logging format (opentelemetry-instrumentation-logging's default format):
// %(asctime)s %(levelname)s [%(name)s] [%(filename)s:%(lineno)d] [trace_id=%(otelTraceID)s
// span_id=%(otelSpanID)s resource.service.name=%(otelServiceName)s trace_sampled=%(otelTraceSampled)s] - %(message)s
// -------------------------------------------------------------------------------------------------

/** Python's default `asctime`: `2026-08-22 10:11:12,345` (UTC here). */
export function pythonAsctime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-08-22T10:11:12.345Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

export interface PythonLogLine {
  readonly timeMs: number;
  readonly level: "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";
  readonly logger: string;
  readonly file: string;
  readonly line: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly serviceName: string;
  readonly sampled: boolean;
  readonly message: string;
}

export function pythonLogLine(l: PythonLogLine): string {
  return (
    `${pythonAsctime(l.timeMs)} ${l.level} [${l.logger}] [${l.file}:${l.line}] ` +
    `[trace_id=${assertTraceId(l.traceId)} span_id=${assertSpanId(l.spanId)} resource.service.name=${l.serviceName} ` +
    `trace_sampled=${l.sampled ? "True" : "False"}] - ${l.message}`
  );
}

export interface FileLogLines {
  /** The whole output, one line per array element. */
  readonly lines: readonly string[];
  /** Text only the marker record contains. */
  readonly markerText: string;
  /** Text only the traceback record contains (its first line). */
  readonly tracebackText: string;
  /** Every line of the traceback record, in order: the recombined record must contain them all. */
  readonly tracebackLines: readonly string[];
}

/**
 * What the logger pod prints: an INFO marker line, then an ERROR line followed by a Python traceback
 * (the log agent must recombine these five lines into one record). Every line except the fixed
 * `Traceback (most recent call last):` header contains `runId`, so a line filter on it also finds the
 * pieces of a badly recombined traceback.
 */
export function fileLogLines(a: {
  runId: string;
  timeMs: number;
  traceId: string;
  spanId: string;
  serviceName: string;
}): FileLogLines {
  const common = { logger: "e2e_app", traceId: a.traceId, spanId: a.spanId, serviceName: a.serviceName, sampled: true };
  const markerText = `e2e marker ${a.runId}`;
  const tracebackText = `e2e failure ${a.runId}`;
  const marker = pythonLogLine({ ...common, timeMs: a.timeMs, level: "INFO", file: "app.py", line: 12, message: markerText });
  const tracebackLines = [
    pythonLogLine({ ...common, timeMs: a.timeMs + 1, level: "ERROR", file: "app.py", line: 20, message: tracebackText }),
    "Traceback (most recent call last):",
    `  File "/app/e2e_${a.runId}.py", line 18, in handler`,
    `    raise ValueError("e2e boom ${a.runId}")`,
    `ValueError: e2e boom ${a.runId}`,
  ];
  return { lines: [marker, ...tracebackLines], markerText, tracebackText, tracebackLines };
}
