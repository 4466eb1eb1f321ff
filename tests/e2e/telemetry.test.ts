/** Unit tests of reading backend responses and checking them against the metadata contract. */
import { CONTRACT } from "../../components/contract";
import { DATASOURCE_UIDS, LOKI_TRACE_ID_FIELD, LOKI_TRACE_ID_LINE_REGEX } from "../../components/grafana/datasources";
import { e2ePodLabels } from "./lib/manifests";
import {
  attributesToRecord,
  expectedContract,
  expectedFor,
  idToHex,
  labelMismatches,
  parseLokiStreams,
  parsePromVector,
  parseTempoSearch,
  parseTempoTrace,
  traceLinks,
  type PodIdentity,
} from "./lib/telemetry";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";
const UID = "0f7c1a52-9d0e-4a8e-8f21-5b7c3f4e2d10";

const sender: PodIdentity = {
  serviceName: "e2e-sender",
  namespace: "observer-e2e",
  podName: "e2e-otlp-sender-x7k2p",
  podUid: UID,
  cluster: "e2e-cluster",
  podLabels: { ...e2ePodLabels("a1b2c3d4e5"), "job-name": "e2e-otlp-sender" },
};

const EXPECTED = {
  "service.name": "e2e-sender",
  "service.namespace": "observer-e2e",
  "service.instance.id": UID,
  app: "e2e-app",
  namespace: "observer-e2e",
  pod: "e2e-otlp-sender-x7k2p",
  cluster: "e2e-cluster",
  instance: UID,
  "datalayer.pool.name": "e2e-pool",
  "datalayer.pool.status": "reserved",
  "datalayer.pool.user": "e2e-user",
  "datalayer.pool.type": "python",
  "datalayer.pool.reservation": "a1b2c3d4e5",
};

describe("the contract expected for a pod", () => {
  test("every contract row, from the pod's identity and labels", () => {
    expect(expectedContract(sender)).toEqual(EXPECTED);
    expect(Object.keys(expectedContract(sender))).toEqual(CONTRACT.map((r) => r.attribute));
  });

  test("a missing pod label is an error in the test, not an empty expectation", () => {
    expect(() => expectedContract({ ...sender, podLabels: {} })).toThrow("e2e: the test pod must carry label datalayer.io/app");
  });

  test("Prometheus and Loki names use underscores; Tempo keeps the attributes", () => {
    expect(expectedFor("prometheus", EXPECTED)).toEqual({
      service_name: "e2e-sender",
      service_namespace: "observer-e2e",
      service_instance_id: UID,
      app: "e2e-app",
      namespace: "observer-e2e",
      pod: "e2e-otlp-sender-x7k2p",
      cluster: "e2e-cluster",
      instance: UID,
      datalayer_pool_name: "e2e-pool",
      datalayer_pool_status: "reserved",
      datalayer_pool_user: "e2e-user",
      datalayer_pool_type: "python",
      datalayer_pool_reservation: "a1b2c3d4e5",
    });
    expect(expectedFor("loki", EXPECTED)).toEqual(expectedFor("prometheus", EXPECTED));
    expect(expectedFor("tempo", EXPECTED)).toEqual(EXPECTED);
  });

  test("mismatches name the key, the expected value and what was found", () => {
    expect(labelMismatches({ app: "e2e-app", pod: "p", cluster: "c" }, { app: "e2e-app", pod: "other", extra: "x" })).toEqual([
      'pod: expected "p", got "other"',
      'cluster: expected "c", got (absent)',
    ]);
    expect(labelMismatches({ a: "1" }, { a: "1", b: "2" })).toEqual([]);
  });
});

describe("Prometheus", () => {
  test("vector result", () => {
    const body = {
      status: "success",
      data: {
        resultType: "vector",
        result: [{ metric: { app: "e2e-app", job: "observer-e2e/e2e-sender" }, value: [1700000000.5, "42.5"] }],
      },
    };
    expect(parsePromVector(body)).toEqual([{ labels: { app: "e2e-app", job: "observer-e2e/e2e-sender" }, value: 42.5 }]);
    expect(parsePromVector({ status: "success", data: { resultType: "vector", result: [] } })).toEqual([]);
  });
  test("errors and other result types are reported", () => {
    expect(() => parsePromVector({ status: "error", errorType: "bad_data", error: "parse error at char 3" })).toThrow("Prometheus query failed: parse error at char 3");
    expect(() => parsePromVector({ status: "success", data: { resultType: "matrix", result: [] } })).toThrow("expected a vector result, got matrix");
  });
});

describe("Loki", () => {
  test("streams become entries sorted by time, with stream labels (incl. structured metadata)", () => {
    const body = {
      status: "success",
      data: {
        resultType: "streams",
        result: [
          { stream: { namespace: "observer-e2e", service_name: "e2e-svc", trace_id: TRACE }, values: [["1700000000200000000", "second"]] },
          { stream: { namespace: "observer-e2e", service_name: "e2e-sender" }, values: [["1700000000100000000", "first"]] },
        ],
      },
    };
    expect(parseLokiStreams(body)).toEqual([
      { tsNs: "1700000000100000000", line: "first", labels: { namespace: "observer-e2e", service_name: "e2e-sender" } },
      { tsNs: "1700000000200000000", line: "second", labels: { namespace: "observer-e2e", service_name: "e2e-svc", trace_id: TRACE } },
    ]);
  });
  test("categorized labels (third element) are merged too", () => {
    const body = {
      status: "success",
      data: {
        resultType: "streams",
        result: [{ stream: { namespace: "n" }, values: [["1", "l", { structuredMetadata: { trace_id: TRACE }, parsed: { level: "info" } }]] }],
      },
    };
    expect(parseLokiStreams(body)).toEqual([{ tsNs: "1", line: "l", labels: { namespace: "n", trace_id: TRACE, level: "info" } }]);
  });
  test("errors are reported", () => {
    expect(() => parseLokiStreams({ status: "error", error: "queries require at least one regexp or equality matcher" })).toThrow(
      "Loki query failed: queries require at least one regexp or equality matcher",
    );
  });
});

describe("Tempo", () => {
  test("ids: hex, hex without leading zeros, base64", () => {
    expect(idToHex(TRACE, 16)).toBe(TRACE);
    expect(idToHex(TRACE.toUpperCase(), 16)).toBe(TRACE);
    expect(idToHex("f067aa0ba902b7", 8)).toBe(SPAN);
    expect(idToHex(Buffer.from(TRACE, "hex").toString("base64"), 16)).toBe(TRACE);
    expect(Buffer.from(TRACE, "hex").toString("base64")).toBe("S/kvNXezTaajzpKdDg5HNg==");
    expect(idToHex("APBnqgupArc=", 8)).toBe(SPAN);
    expect(idToHex("aaaa", 16)).toBe("0000000000000000000000000000aaaa");
    expect(() => idToHex("QUJD", 16)).toThrow('cannot read id "QUJD" as 16 bytes (hex or base64)');
  });

  test("attributes of every value type", () => {
    expect(
      attributesToRecord([
        { key: "s", value: { stringValue: "x" } },
        { key: "i", value: { intValue: "7" } },
        { key: "d", value: { doubleValue: 1.5 } },
        { key: "b", value: { boolValue: false } },
        { key: "a", value: { arrayValue: { values: [{ stringValue: "p" }, { intValue: 2 }] } } },
      ]),
    ).toEqual({ s: "x", i: "7", d: "1.5", b: "false", a: '["p","2"]' });
    expect(attributesToRecord(undefined)).toEqual({});
  });

  const resourceAttrs = [
    { key: "service.name", value: { stringValue: "e2e-sender" } },
    { key: "app", value: { stringValue: "e2e-app" } },
  ];
  const span = { traceId: "S/kvNXezTaajzpKdDg5HNg==", spanId: "APBnqgupArc=", name: "e2e-request", attributes: [{ key: "e2e.run_id", value: { stringValue: "r1" } }] };
  const expected = [{ traceId: TRACE, spanId: SPAN, name: "e2e-request", resource: { "service.name": "e2e-sender", app: "e2e-app" }, attributes: { "e2e.run_id": "r1" } }];

  test("/api/traces (batches, base64 ids)", () => {
    expect(parseTempoTrace({ batches: [{ resource: { attributes: resourceAttrs }, scopeSpans: [{ spans: [span] }] }] })).toEqual(expected);
  });
  test("/api/v2/traces (trace.resourceSpans)", () => {
    expect(parseTempoTrace({ trace: { resourceSpans: [{ resource: { attributes: resourceAttrs }, scopeSpans: [{ spans: [span] }] }] } })).toEqual(expected);
  });
  test("older instrumentationLibrarySpans", () => {
    expect(parseTempoTrace({ batches: [{ resource: { attributes: resourceAttrs }, instrumentationLibrarySpans: [{ spans: [span] }] }] })).toEqual(expected);
  });
  test("an empty trace", () => {
    expect(parseTempoTrace({})).toEqual([]);
  });
  test("search results (trace ids without leading zeros)", () => {
    expect(parseTempoSearch({ traces: [{ traceID: "f92f3577b34da6a3ce929d0e0e4736", rootServiceName: "e2e-sender" }, { traceID: TRACE }] })).toEqual([
      "00f92f3577b34da6a3ce929d0e0e4736",
      TRACE,
    ]);
    expect(parseTempoSearch({ traces: [] })).toEqual([]);
    expect(parseTempoSearch({})).toEqual([]);
  });
});

describe("trace links from the Loki datasource's derived fields", () => {
  const line = `2023-11-14 22:13:20,123 INFO [e2e_app] [app.py:12] [trace_id=${TRACE} span_id=${SPAN} resource.service.name=e2e-svc trace_sampled=True] - hi`;

  test("the fields the Grafana component provisions link both OTLP records (label) and file lines (regex)", () => {
    const fields = [
      { name: "TraceID", matcherType: "label", matcherRegex: LOKI_TRACE_ID_FIELD, datasourceUid: DATASOURCE_UIDS.tempo, url: "${__value.raw}" },
      { name: "TraceID (line)", matcherType: "regex", matcherRegex: LOKI_TRACE_ID_LINE_REGEX, datasourceUid: DATASOURCE_UIDS.tempo, url: "${__value.raw}" },
    ];
    expect(traceLinks(fields, { line: "e2e otlp log r1", labels: { trace_id: TRACE } })).toEqual([{ field: "TraceID", datasourceUid: "tempo", traceId: TRACE }]);
    expect(traceLinks(fields, { line, labels: { trace_id: TRACE } })).toEqual([
      { field: "TraceID", datasourceUid: "tempo", traceId: TRACE },
      { field: "TraceID (line)", datasourceUid: "tempo", traceId: TRACE },
    ]);
  });

  test("regex without a group yields the whole match; default matcher type is regex", () => {
    expect(traceLinks([{ matcherRegex: "[0-9a-f]{32}", datasourceUid: "tempo" }], { line, labels: {} })).toEqual([
      { field: "[0-9a-f]{32}", datasourceUid: "tempo", traceId: TRACE },
    ]);
  });

  test("no link without a datasource, without a match, or with an empty value", () => {
    expect(traceLinks([{ matcherRegex: "trace_id=(\\w+)", url: "https://example.com/${__value.raw}" }], { line, labels: {} })).toEqual([]);
    expect(traceLinks([{ matcherType: "label", matcherRegex: "trace_id", datasourceUid: "tempo" }], { line: "x", labels: {} })).toEqual([]);
    expect(traceLinks([{ matcherType: "label", matcherRegex: "trace_id", datasourceUid: "tempo" }], { line: "x", labels: { trace_id: "" } })).toEqual([]);
  });
});
