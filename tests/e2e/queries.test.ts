/** Unit tests of the e2e query builders (exact strings). */
import {
  basicAuth,
  grafanaBaseCandidates,
  grafanaProxyPath,
  logqlContains,
  logqlSelector,
  lokiQueryRangePath,
  promLastOverTime,
  promQueryPath,
  promSelector,
  quoted,
  tempoSearchPath,
  tempoTraceByIdPath,
  traceqlEquals,
} from "./lib/queries";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("quoted", () => {
  test.each([
    ["plain", '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["a\\b", '"a\\\\b"'],
    ["l1\nl2\tx\r", '"l1\\nl2\\tx\\r"'],
  ])("%p -> %s", (input, expected) => {
    expect(quoted(input)).toBe(expected);
  });
});

describe("PromQL", () => {
  test("selector with matchers in the given order", () => {
    expect(promSelector("observer_e2e_probe", { e2e_run_id: "a1b2c3d4e5", cluster: "e2e-cluster" })).toBe(
      'observer_e2e_probe{e2e_run_id="a1b2c3d4e5",cluster="e2e-cluster"}',
    );
  });
  test("selector without matchers is the bare name", () => {
    expect(promSelector("up")).toBe("up");
  });
  test("values are escaped", () => {
    expect(promSelector("m", { a: 'x"y' })).toBe('m{a="x\\"y"}');
  });
  test("bad metric or label names are refused", () => {
    expect(() => promSelector("service.name")).toThrow('invalid metric name "service.name"');
    expect(() => promSelector("m", { "service.name": "x" })).toThrow('invalid label name "service.name"');
  });
  test("last_over_time", () => {
    expect(promLastOverTime('m{a="b"}', "1h")).toBe('last_over_time(m{a="b"}[1h])');
    expect(promLastOverTime("m", "1h30m")).toBe("last_over_time(m[1h30m])");
    expect(() => promLastOverTime("m", "1 hour")).toThrow('invalid PromQL range "1 hour"');
  });
  test("instant query path", () => {
    expect(promQueryPath('last_over_time(m{a="b"}[1h])')).toBe("api/v1/query?query=last_over_time%28m%7Ba%3D%22b%22%7D%5B1h%5D%29");
    expect(promQueryPath("up", 1700000000)).toBe("api/v1/query?query=up&time=1700000000");
  });
});

describe("LogQL", () => {
  test("stream selector", () => {
    expect(logqlSelector({ namespace: "observer-e2e", service_name: "e2e-svc" })).toBe('{namespace="observer-e2e", service_name="e2e-svc"}');
  });
  test("line filter", () => {
    expect(logqlContains({ namespace: "observer-e2e" }, "a1b2c3d4e5")).toBe('{namespace="observer-e2e"} |= "a1b2c3d4e5"');
  });
  test("an empty selector is refused (Loki rejects it)", () => {
    expect(() => logqlSelector({})).toThrow("a LogQL stream selector needs at least one label matcher");
  });
  test("query_range path with nanosecond bounds", () => {
    expect(
      lokiQueryRangePath({
        query: '{namespace="x"} |= "y"',
        startNs: "1700000000000000000",
        endNs: "1700000600000000000",
        limit: 100,
        direction: "forward",
      }),
    ).toBe(
      "loki/api/v1/query_range?query=%7Bnamespace%3D%22x%22%7D+%7C%3D+%22y%22&start=1700000000000000000&end=1700000600000000000&limit=100&direction=forward",
    );
  });
});

describe("Tempo", () => {
  test("trace by id", () => {
    expect(tempoTraceByIdPath(TRACE)).toBe(`api/traces/${TRACE}`);
    expect(() => tempoTraceByIdPath("XYZ")).toThrow('invalid trace id "XYZ": expected 32 lower-case hex digits');
    expect(() => tempoTraceByIdPath(TRACE.toUpperCase())).toThrow("expected 32 lower-case hex digits");
  });
  test("TraceQL equality filter", () => {
    expect(traceqlEquals({ "resource.service.name": "e2e-sender", "span.e2e.run_id": "a1b2" })).toBe(
      '{ resource.service.name = "e2e-sender" && span.e2e.run_id = "a1b2" }',
    );
  });
  test("TraceQL attributes must be scoped", () => {
    expect(() => traceqlEquals({ "service.name": "x" })).toThrow('TraceQL attribute "service.name" must be scoped: resource.<name> or span.<name>');
    expect(() => traceqlEquals({})).toThrow("a TraceQL filter needs at least one attribute");
  });
  test("search path", () => {
    expect(tempoSearchPath('{ span.a = "b" }', 1700000000, 1700003600)).toBe(
      "api/search?q=%7B+span.a+%3D+%22b%22+%7D&start=1700000000&end=1700003600&limit=20",
    );
    expect(tempoSearchPath("{ }", 1, 2, 5)).toBe("api/search?q=%7B+%7D&start=1&end=2&limit=5");
  });
});

describe("Grafana", () => {
  test("datasource proxy path by uid", () => {
    expect(grafanaProxyPath("tempo", `api/traces/${TRACE}`)).toBe(`/api/datasources/proxy/uid/tempo/api/traces/${TRACE}`);
    expect(grafanaProxyPath("loki", "/loki/api/v1/query_range?query=x")).toBe("/api/datasources/proxy/uid/loki/loki/api/v1/query_range?query=x");
    expect(() => grafanaProxyPath("a/b", "x")).toThrow('invalid Grafana datasource uid "a/b"');
  });
  test("base URL candidates: the output's sub-path first, then the root", () => {
    expect(grafanaBaseCandidates("http://localhost:3000/grafana", "http://127.0.0.1:41234")).toEqual([
      "http://127.0.0.1:41234/grafana",
      "http://127.0.0.1:41234",
    ]);
    expect(grafanaBaseCandidates("https://run.example.com/base/grafana/", "http://127.0.0.1:41234/")).toEqual([
      "http://127.0.0.1:41234/base/grafana",
      "http://127.0.0.1:41234",
    ]);
    expect(grafanaBaseCandidates("http://localhost:3000", "http://127.0.0.1:41234")).toEqual(["http://127.0.0.1:41234"]);
  });
  test("basic auth header", () => {
    // base64("admin:s3cret") = YWRtaW46czNjcmV0
    expect(basicAuth("admin", "s3cret")).toBe("Basic YWRtaW46czNjcmV0");
  });
});
