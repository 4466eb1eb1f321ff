/**
 * Contract tests: CR bodies against the upstream CRD schemas (tests/helpers/crd-schema.ts), and the
 * harness itself (it must reject what the API server would reject or silently prune).
 */
import { COLLECTORS } from "../../components/endpoints";
import { agentCollectorSpec } from "../../components/collectors/agent";
import { gatewayCollectorSpec } from "../../components/collectors/gateway";
import { instrumentationBodies } from "../../components/collectors/instrumentation";
import { collectorServiceMonitorBody } from "../../components/collectors/monitors";
import { collectorCRBody } from "../../components/collectors/bodies";
import { devConfig, prodConfig } from "../unit/collectors/fixtures";
import { expectValidCR, knownKinds, toStrictJsonSchema, validateCR } from "../helpers/crd-schema";

const dev = devConfig();
const prod = prodConfig({}, "datalayer");
const legacy = devConfig({ metrics: { jobLabel: "legacy" } });
const labels = { "app.kubernetes.io/managed-by": "observer", "app.kubernetes.io/part-of": "observer" };

describe("the CRD harness", () => {
  it("indexes every reference CRD version it needs", () => {
    expect(knownKinds()).toEqual(
      expect.arrayContaining([
        "opentelemetry.io/v1beta1/OpenTelemetryCollector",
        "opentelemetry.io/v1alpha1/OpenTelemetryCollector",
        "opentelemetry.io/v1alpha1/Instrumentation",
        "monitoring.coreos.com/v1/ServiceMonitor",
        "monitoring.coreos.com/v1/PodMonitor",
        "monitoring.coreos.com/v1/PrometheusRule",
      ]),
    );
  });

  const minimal = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: "x", namespace: "ns" },
    spec: { selector: { matchLabels: { a: "b" } }, endpoints: [{ port: "http" }] },
  };

  it("accepts a minimal valid body", () => {
    expect(validateCR("monitoring.coreos.com/v1", "ServiceMonitor", minimal)).toEqual({ valid: true, errors: [] });
  });

  it("rejects an unknown key (the API server would prune it silently)", () => {
    const r = validateCR("monitoring.coreos.com/v1", "ServiceMonitor", {
      ...minimal,
      spec: { ...minimal.spec, endpoints: [{ port: "http", intervall: "30s" }] },
    });
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual(["/spec/endpoints/0: must NOT have additional properties 'intervall'"]);
  });

  it("rejects a wrong type and a bad enum", () => {
    const r = validateCR("monitoring.coreos.com/v1", "ServiceMonitor", {
      ...minimal,
      spec: { ...minimal.spec, endpoints: [{ port: 8080, scheme: "ftp" }] },
    });
    expect(r.valid).toBe(false);
    expect(r.errors).toContain("/spec/endpoints/0/port: must be string");
    expect(r.errors.some((e) => e.startsWith("/spec/endpoints/0/scheme: must be equal to one of the allowed values"))).toBe(true);
  });

  it("accepts both forms of int-or-string and rejects other types", () => {
    const body = (v: unknown) => ({ ...minimal, spec: { ...minimal.spec, endpoints: [{ targetPort: v }] } });
    expect(validateCR("monitoring.coreos.com/v1", "ServiceMonitor", body(8080)).valid).toBe(true);
    expect(validateCR("monitoring.coreos.com/v1", "ServiceMonitor", body("http")).valid).toBe(true);
    expect(validateCR("monitoring.coreos.com/v1", "ServiceMonitor", body(true)).valid).toBe(false);
  });

  it("leaves x-kubernetes-preserve-unknown-fields objects open (collector config)", () => {
    const body = {
      apiVersion: "opentelemetry.io/v1beta1",
      kind: "OpenTelemetryCollector",
      metadata: { name: "c", namespace: "ns" },
      spec: { config: { receivers: { anything: { goes: 1 } }, exporters: {}, service: { pipelines: {} } } },
    };
    expect(validateCR("opentelemetry.io/v1beta1", "OpenTelemetryCollector", body)).toEqual({ valid: true, errors: [] });
  });

  it("checks apiVersion, kind and metadata", () => {
    const r = validateCR("monitoring.coreos.com/v1", "ServiceMonitor", {
      ...minimal,
      kind: "PodMonitor",
      metadata: { name: "Bad_Name", labels: { a: "not valid!" } },
    });
    expect(r.errors).toEqual([
      '/kind: expected ServiceMonitor, got "PodMonitor"',
      '/metadata/name: "Bad_Name" is not a DNS-1123 subdomain',
      '/metadata/labels/a: invalid label value "not valid!"',
    ]);
  });

  it("throws for a kind no reference CRD defines", () => {
    expect(() => validateCR("example.com/v1", "Nope", {})).toThrow(/No reference CRD defines example.com\/v1 Nope/);
  });

  it("strips x-kubernetes keywords and closes declared objects", () => {
    expect(
      toStrictJsonSchema({
        type: "object",
        "x-kubernetes-validations": [{ rule: "true" }],
        properties: { a: { "x-kubernetes-int-or-string": true }, b: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: {} } },
      }),
    ).toEqual({
      type: "object",
      additionalProperties: false,
      properties: { a: { anyOf: [{ type: "integer" }, { type: "string" }] }, b: { type: "object", properties: {} } },
    });
  });
});

describe("our CR bodies are valid against the upstream CRDs", () => {
  it.each([
    ["dev gateway", () => collectorCRBody(COLLECTORS.gateway, dev, gatewayCollectorSpec(dev), labels)],
    ["legacy-job gateway", () => collectorCRBody(COLLECTORS.gateway, legacy, gatewayCollectorSpec(legacy), labels)],
    ["prod gateway (two Prometheus replicas)", () => collectorCRBody(COLLECTORS.gateway, prod, gatewayCollectorSpec(prod), labels)],
    ["dev agent", () => collectorCRBody(COLLECTORS.agent, dev, agentCollectorSpec(dev), labels)],
    ["prod agent", () => collectorCRBody(COLLECTORS.agent, prod, agentCollectorSpec(prod), labels)],
  ])("%s", (_name, build) => {
    expectValidCR(build());
  });

  it.each([
    ["dev", dev],
    ["prod", prod],
  ])("Instrumentations (%s)", (_p, cfg) => {
    const bodies = instrumentationBodies(cfg, labels);
    expect(bodies).toHaveLength(2);
    bodies.forEach(expectValidCR);
  });

  it.each([COLLECTORS.gateway, COLLECTORS.agent])("ServiceMonitor of %s", (collector) => {
    expectValidCR(collectorServiceMonitorBody(collector, dev.namespace, labels));
  });
});

describe("Go inline case-insensitive patterns", () => {
  test("(?i) becomes explicit letter classes", () => {
    const { caseInsensitivePattern } = require("../helpers/crd-schema") as typeof import("../helpers/crd-schema");
    const re = new RegExp(caseInsensitivePattern("^(?i)(abort|warn)?$"));
    expect(caseInsensitivePattern("^(?i)(abort|warn)?$")).toBe("^([aA][bB][oO][rR][tT]|[wW][aA][rR][nN])?$");
    expect(["abort", "WARN", "Abort", ""].every((s) => re.test(s))).toBe(true);
    expect(re.test("partial")).toBe(false);
    expect(caseInsensitivePattern("(?i)[a-z]\\d+x")).toBe("[a-z]\\d+[xX]");
  });
});
