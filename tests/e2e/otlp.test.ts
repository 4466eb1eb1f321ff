/** Unit tests of the e2e OTLP/JSON payload builders and the OpenTelemetry Python log lines. */
import {
  assertSpanId,
  assertTraceId,
  fileLogLines,
  msToUnixNano,
  otlpAttributes,
  otlpGauge,
  otlpLogs,
  otlpTraces,
  pythonAsctime,
  pythonLogLine,
  toHex,
} from "./lib/otlp";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";
// 2023-11-14T22:13:20.123Z
const T = 1_700_000_000_123;

describe("basics", () => {
  test("nanosecond timestamps are exact decimal strings", () => {
    expect(msToUnixNano(T)).toBe("1700000000123000000");
    expect(msToUnixNano(0)).toBe("0");
    expect(() => msToUnixNano(1.5)).toThrow("expected a non-negative integer of milliseconds, got 1.5");
  });
  test("attributes by type", () => {
    expect(otlpAttributes({ s: "x", i: 3, d: 2.5, b: true })).toEqual([
      { key: "s", value: { stringValue: "x" } },
      { key: "i", value: { intValue: "3" } },
      { key: "d", value: { doubleValue: 2.5 } },
      { key: "b", value: { boolValue: true } },
    ]);
  });
  test("ids: lower-case hex of the right length, not all zero", () => {
    expect(assertTraceId(TRACE)).toBe(TRACE);
    expect(assertSpanId(SPAN)).toBe(SPAN);
    expect(() => assertTraceId("0".repeat(32))).toThrow("expected 32 lower-case hex digits, not all zero");
    expect(() => assertTraceId(TRACE.toUpperCase())).toThrow("invalid trace id");
    expect(() => assertSpanId(TRACE)).toThrow("expected 16 lower-case hex digits");
    expect(toHex(new Uint8Array([0, 15, 255]))).toBe("000fff");
  });
});

describe("payloads", () => {
  const resource = { "service.name": "e2e-sender" };

  test("trace: one SERVER span with hex ids and string nanoseconds", () => {
    expect(otlpTraces({ resource, traceId: TRACE, spanId: SPAN, name: "e2e-request", startMs: T - 250, endMs: T, attributes: { "e2e.run_id": "r1" } })).toEqual({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "e2e-sender" } }] },
          scopeSpans: [
            {
              scope: { name: "observer-e2e", version: "1" },
              spans: [
                {
                  traceId: TRACE,
                  spanId: SPAN,
                  name: "e2e-request",
                  kind: 2,
                  startTimeUnixNano: "1699999999873000000",
                  endTimeUnixNano: "1700000000123000000",
                  attributes: [{ key: "e2e.run_id", value: { stringValue: "r1" } }],
                  status: { code: 1 },
                },
              ],
            },
          ],
        },
      ],
    });
  });

  test("metric: one gauge point", () => {
    expect(otlpGauge({ resource, name: "observer_e2e_probe", value: 42.5, timeMs: T, attributes: { "e2e.run_id": "r1" } })).toEqual({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "e2e-sender" } }] },
          scopeMetrics: [
            {
              scope: { name: "observer-e2e", version: "1" },
              metrics: [
                {
                  name: "observer_e2e_probe",
                  description: "Observer end-to-end probe",
                  gauge: {
                    dataPoints: [
                      { asDouble: 42.5, timeUnixNano: "1700000000123000000", attributes: [{ key: "e2e.run_id", value: { stringValue: "r1" } }] },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
  });

  test("metric names Prometheus would rewrite are refused", () => {
    expect(() => otlpGauge({ resource, name: "observer.e2e.probe", value: 1, timeMs: T })).toThrow('metric name "observer.e2e.probe" would be rewritten by Prometheus');
  });

  test("log: one INFO record with the trace context", () => {
    expect(otlpLogs({ resource, body: "e2e otlp log r1", timeMs: T, traceId: TRACE, spanId: SPAN })).toEqual({
      resourceLogs: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "e2e-sender" } }] },
          scopeLogs: [
            {
              scope: { name: "observer-e2e", version: "1" },
              logRecords: [
                {
                  timeUnixNano: "1700000000123000000",
                  observedTimeUnixNano: "1700000000123000000",
                  severityNumber: 9,
                  severityText: "INFO",
                  body: { stringValue: "e2e otlp log r1" },
                  attributes: [],
                  traceId: TRACE,
                  spanId: SPAN,
                  flags: 1,
                },
              ],
            },
          ],
        },
      ],
    });
  });

  test("payloads refuse bad ids", () => {
    expect(() => otlpLogs({ resource, body: "x", timeMs: T, traceId: "abc", spanId: SPAN })).toThrow('invalid trace id "abc"');
  });
});

describe("OpenTelemetry Python log lines", () => {
  test("asctime is Python's default format", () => {
    expect(pythonAsctime(T)).toBe("2023-11-14 22:13:20,123");
    expect(pythonAsctime(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe("2026-01-02 03:04:05,006");
  });

  test("the logging instrumentation's format", () => {
    expect(
      pythonLogLine({
        timeMs: T,
        level: "ERROR",
        logger: "e2e_app",
        file: "app.py",
        line: 12,
        traceId: TRACE,
        spanId: SPAN,
        serviceName: "e2e-svc",
        sampled: true,
        message: "boom",
      }),
    ).toBe(
      `2023-11-14 22:13:20,123 ERROR [e2e_app] [app.py:12] [trace_id=${TRACE} span_id=${SPAN} resource.service.name=e2e-svc trace_sampled=True] - boom`,
    );
  });

  test("the logger pod's lines: a marker record and a five-line traceback record", () => {
    const f = fileLogLines({ runId: "a1b2c3d4e5", timeMs: T, traceId: TRACE, spanId: SPAN, serviceName: "e2e-svc" });
    const ctx = `[trace_id=${TRACE} span_id=${SPAN} resource.service.name=e2e-svc trace_sampled=True]`;
    expect(f.lines).toEqual([
      `2023-11-14 22:13:20,123 INFO [e2e_app] [app.py:12] ${ctx} - e2e marker a1b2c3d4e5`,
      `2023-11-14 22:13:20,124 ERROR [e2e_app] [app.py:20] ${ctx} - e2e failure a1b2c3d4e5`,
      "Traceback (most recent call last):",
      '  File "/app/e2e_a1b2c3d4e5.py", line 18, in handler',
      '    raise ValueError("e2e boom a1b2c3d4e5")',
      "ValueError: e2e boom a1b2c3d4e5",
    ]);
    expect(f.markerText).toBe("e2e marker a1b2c3d4e5");
    expect(f.tracebackText).toBe("e2e failure a1b2c3d4e5");
    expect(f.tracebackLines).toEqual(f.lines.slice(1));
    // Only the two first lines start with an asctime timestamp: the agent's record boundaries.
    expect(f.lines.map((l) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} /.test(l))).toEqual([true, true, false, false, false, false]);
  });
});
