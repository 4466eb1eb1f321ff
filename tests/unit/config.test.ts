import * as pulumi from "@pulumi/pulumi";
import {
  ConfigError,
  configSchema,
  decodeRawValue,
  parseConfig,
  rawFromPulumiConfig,
} from "../../components/config";
import { durationHours, durationSeconds } from "../../components/forms";
import { PROD_RAW } from "../helpers/fixtures";
import { keyPathOf, nest, schemaLeaves } from "../helpers/schema-leaves";

/** Parses and returns the ConfigError (fails the test if parsing succeeds). */
function errorOf(raw: Record<string, unknown>, env = {}): ConfigError {
  try {
    parseConfig(raw, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(raw)}`);
}

const PROD_OK = PROD_RAW;

describe("defaults", () => {
  test("an empty dev config resolves to the documented defaults", () => {
    const c = parseConfig({});
    expect(c.profile).toBe("dev");
    expect(c.namespace).toBe("datalayer-observer");
    expect(c.clusterName).toBe("local");
    expect(c.runUrl).toBeUndefined();
    expect(c.kubeContext).toBeUndefined();
    expect(c.grafana).toEqual({
      adminUser: "admin",
      ingress: { enabled: false, path: "/grafana", annotations: {} },
      https: false,
      plugins: [],
    });
    expect(c.charts).toEqual({});
    expect(c.crds).toEqual({ prometheus: "managed" });
    expect(c.loki).toEqual({});
    expect(c.operator).toEqual({ webhookCertificate: { source: "self-signed" } });
    expect(c.kernels).toEqual({
      namespace: "datalayer-runtimes",
      metricsPort: 2300,
      path: "/metrics",
      selector: { matchExpressions: [{ key: "jupyterpool.datalayer.io/name", operator: "Exists" }] },
    });
    expect(c.podMonitorApps).toEqual(["pulsar"]);
    expect(c.retention).toEqual({ metrics: "7d", logs: "7d", traces: "3d" });
  });

  test("prod defaults: longer retention", () => {
    const c = parseConfig(PROD_OK);
    expect(c.profile).toBe("prod");
    expect(c.clusterName).toBe("prod-eu-1");
    expect(c.kubeContext).toBe("prod-eu-1");
    expect(c.retention).toEqual({ metrics: "30d", logs: "30d", traces: "14d" });
  });

  test("environment fallbacks: $DATALAYER_RUN_HOST and $DATALAYER_RUN_URL", () => {
    const c = parseConfig({ grafana: { ingress: { className: "nginx" } } }, { DATALAYER_RUN_HOST: "run-7", DATALAYER_RUN_URL: "https://run.example.com/" });
    expect(c.clusterName).toBe("run-7");
    expect(c.runUrl).toBe("https://run.example.com");
    expect(c.grafana.ingress).toEqual({ enabled: true, host: "run.example.com", path: "/grafana", className: "nginx", annotations: {} });
    expect(c.grafana.rootUrl).toBe("https://run.example.com/grafana/");
    expect(c.grafana.https).toBe(true);
  });

  test("config wins over the environment", () => {
    const c = parseConfig({ clusterName: "cfg", runUrl: "http://a.example.com", grafana: { ingress: { className: "traefik" } } }, { DATALAYER_RUN_HOST: "env", DATALAYER_RUN_URL: "https://b.example.com" });
    expect(c.clusterName).toBe("cfg");
    expect(c.runUrl).toBe("http://a.example.com");
    expect(c.grafana.https).toBe(false);
  });

  test("a runUrl with a path serves Grafana under <path>/grafana", () => {
    const c = parseConfig({ runUrl: "https://x.example.com/run-1/", grafana: { ingress: { className: "nginx" } } });
    expect(c.grafana.ingress.path).toBe("/run-1/grafana");
    expect(c.grafana.rootUrl).toBe("https://x.example.com/run-1/grafana/");
  });

  test("the ingress can be turned off even with a runUrl", () => {
    const c = parseConfig({ runUrl: "https://x.example.com", grafana: { ingress: { enabled: false } } });
    expect(c.grafana.ingress.enabled).toBe(false);
    expect(c.grafana.rootUrl).toBeUndefined();
    expect(c.grafana.ingress.host).toBeUndefined();
  });

  test("durations convert exactly", () => {
    expect(durationSeconds("1w2d")).toBe(777600);
    expect(durationSeconds("90m")).toBe(5400);
    expect(durationHours("3d")).toBe(72);
    expect(durationHours("90m")).toBe(2);
  });
});

describe("raw Pulumi config decoding", () => {
  test("only the observer namespace is read; structured values are JSON; some keys stay strings", () => {
    const raw = rawFromPulumiConfig({
      "observer:profile": "prod",
      "observer:clusterName": "12345",
      "observer:kernels": '{"metricsPort":2400}',
      "observer:podMonitorApps": '["pulsar","kafka"]',
      "kubernetes:context": "x",
      "pulumi:disable-default-providers": '["kubernetes"]',
    });
    expect(raw).toEqual({ profile: "prod", clusterName: "12345", kernels: { metricsPort: 2400 }, podMonitorApps: ["pulsar", "kafka"] });
  });
  test("scalars decode to booleans and numbers", () => {
    expect(decodeRawValue("true")).toBe(true);
    expect(decodeRawValue("false")).toBe(false);
    expect(decodeRawValue("42")).toBe(42);
    expect(decodeRawValue("{not json")).toBe("{not json");
    expect(decodeRawValue("dev")).toBe("dev");
  });
});

describe("one generated wrong-type case per schema leaf", () => {
  const leaves = schemaLeaves(configSchema);
  test("the schema has leaves for every documented area", () => {
    // A floor, not an exact count: areas add keys. Guards against the walker silently finding nothing.
    expect(leaves.length).toBeGreaterThanOrEqual(30);
  });
  test.each(leaves.map((l) => [keyPathOf(l.path), l] as const))("%s rejects a wrong type", (path, leaf) => {
    const err = errorOf(nest(leaf.path, leaf.wrong));
    const paths = err.problems.map((p) => p.path);
    // The exact key path of the bad leaf is named (or, for unions, the path itself).
    expect(paths).toContain(path);
    expect(err.message).toContain(`${path}: `);
    expect(err.message.startsWith("Invalid Observer configuration")).toBe(true);
  });
});

describe("named semantic cases", () => {
  const cases: [string, Record<string, unknown>, Record<string, string>, string, RegExp][] = [
    ["unknown top-level key (typo)", { profle: "dev" }, {}, "observer:profle", /unknown key .*profile/],
    ["unknown nested key", { grafana: { ingres: {} } }, {}, "observer:grafana.ingres", /unknown key .*ingress/],
    ["profile not dev/prod", { profile: "staging" }, {}, "observer:profile", /'dev' or 'prod'/],
    ["namespace with upper case", { namespace: "Observer" }, {}, "observer:namespace", /DNS-1123 label/],
    ["namespace too long", { namespace: "a".repeat(64) }, {}, "observer:namespace", /at most 63/],
    ["namespace ending with a dash", { namespace: "obs-" }, {}, "observer:namespace", /DNS-1123 label/],
    ["runUrl not a URL", { runUrl: "datalayer.example.com" }, {}, "observer:runUrl", /http\(s\) URL/],
    ["runUrl with another scheme", { runUrl: "ftp://x.example.com" }, {}, "observer:runUrl", /http\(s\) URL/],
    ["runUrl with a query", { runUrl: "https://x.example.com/?a=b" }, {}, "observer:runUrl", /http\(s\) URL/],
    ["runUrl with credentials", { runUrl: "https://u:p@x.example.com" }, {}, "observer:runUrl", /http\(s\) URL/],
    ["bad $DATALAYER_RUN_URL", {}, { DATALAYER_RUN_URL: "not a url" }, "observer:runUrl", /DATALAYER_RUN_URL/],
    ["bad $DATALAYER_RUN_HOST", {}, { DATALAYER_RUN_HOST: "has spaces in it" }, "observer:clusterName", /DATALAYER_RUN_HOST/],
    ["prod without clusterName", { profile: "prod", kubeContext: "c" }, {}, "observer:clusterName", /required in prod/],
    ["prod without kubeContext", { profile: "prod", clusterName: "c" }, {}, "observer:kubeContext", /required in prod/],
    ["empty kubeContext", { kubeContext: "" }, {}, "observer:kubeContext", /context name/],
    ["clusterName not a label value", { clusterName: "eu west" }, {}, "observer:clusterName", /label value/],
    ["ingress on without a host", { grafana: { ingress: { enabled: true } } }, {}, "observer:grafana.ingress.enabled", /needs a host/],
    ["TLS secret on an http runUrl", { runUrl: "http://x.example.com", grafana: { ingress: { tlsSecretName: "tls" } } }, {}, "observer:grafana.ingress.tlsSecretName", /https/],
    ["bad TLS secret name", { grafana: { ingress: { tlsSecretName: "TLS_Secret" } } }, {}, "observer:grafana.ingress.tlsSecretName", /DNS-1123 subdomain/],
    ["bad annotation key", { grafana: { ingress: { annotations: { "bad key!": "x" } } } }, {}, "observer:grafana.ingress.annotations.bad key!", /label key/],
    ["admin user with spaces", { grafana: { adminUser: "the admin" } }, {}, "observer:grafana.adminUser", /user name/],
    ["chart version not semver", { charts: { loki: { version: "latest" } } }, {}, "observer:charts.loki.version", /chart version/],
    ["chart repo neither https nor oci", { charts: { tempo: { repo: "git@github.com:x/y" } } }, {}, "observer:charts.tempo.repo", /oci:\/\//],
    ["unknown chart", { charts: { mimir: { version: "1.0.0" } } }, {}, "observer:charts.mimir", /unknown key/],
    ["crds mode unknown", { crds: { prometheus: "skip" } }, {}, "observer:crds.prometheus", /'managed' or 'external'/],
    ["Loki tenant with a slash", { loki: { tenant: "a/b" } }, {}, "observer:loki.tenant", /tenant ID/],
    ["Loki tenant '..'", { loki: { tenant: ".." } }, {}, "observer:loki.tenant", /cannot be/],
    ["cert-manager issuer kind", { operator: { webhookCertificate: { issuer: { name: "ca", kind: "Certificate" } } } }, {}, "observer:operator.webhookCertificate.issuer.kind", /ClusterIssuer/],
    ["webhook certificate source", { operator: { webhookCertificate: { source: "vault" } } }, {}, "observer:operator.webhookCertificate.source", /'self-signed' or 'cert-manager'/],
    ["an issuer with the self-signed source", { operator: { webhookCertificate: { source: "self-signed", issuer: { name: "ca" } } } }, {}, "observer:operator.webhookCertificate.issuer", /only used with source 'cert-manager'/],
    ["a rotation label with cert-manager", { operator: { webhookCertificate: { source: "cert-manager", rotation: "2" } } }, {}, "observer:operator.webhookCertificate.rotation", /cmctl renew/],
    ["a rotation label that is no label", { operator: { webhookCertificate: { rotation: "Now!" } } }, {}, "observer:operator.webhookCertificate.rotation", /short label/],
    ["the moved cert-manager key", { operator: { certManagerIssuer: { name: "ca" } } }, {}, "observer:operator.certManagerIssuer", /moved: set observer:operator.webhookCertificate.issuer.name/],
    ["kernels port 0", { kernels: { metricsPort: 0 } }, {}, "observer:kernels.metricsPort", /1 to 65535/],
    ["kernels port 70000", { kernels: { metricsPort: 70000 } }, {}, "observer:kernels.metricsPort", /1 to 65535/],
    ["kernels port fractional", { kernels: { metricsPort: 2300.5 } }, {}, "observer:kernels.metricsPort", /1 to 65535/],
    ["kernels path without slash", { kernels: { path: "metrics" } }, {}, "observer:kernels.path", /starting with '\/'/],
    ["kernels selector operator", { kernels: { selector: { matchExpressions: [{ key: "a", operator: "Has" }] } } }, {}, "observer:kernels.selector.matchExpressions[0].operator", /Exists/],
    ["empty podMonitorApps entry", { podMonitorApps: [""] }, {}, "observer:podMonitorApps[0]", /non-empty/],
    ["retention with spaces", { retention: { logs: "5 days" } }, {}, "observer:retention.logs", /Prometheus duration/],
    ["retention zero", { retention: { metrics: "0d" } }, {}, "observer:retention.metrics", /positive/],
    ["retention empty", { retention: { traces: "" } }, {}, "observer:retention.traces", /duration/],
    // Areas' keys: hostile and contradictory input.
    ["prod without object storage (scalable Loki needs it)", { ...PROD_RAW, objectStorage: undefined }, {}, "observer:objectStorage", /required in prod/],
    ["empty object-store secret", { ...PROD_RAW, objectStorage: { ...(PROD_RAW.objectStorage as object), secretAccessKey: "" } }, {}, "observer:objectStorage.secretAccessKey", /non-empty secret/],
    ["white-space secret", { ...PROD_RAW, objectStorage: { ...(PROD_RAW.objectStorage as object), accessKeyId: "   " } }, {}, "observer:objectStorage.accessKeyId", /non-empty secret/],
    ["bucket name with upper case", { ...PROD_RAW, objectStorage: { ...(PROD_RAW.objectStorage as object), buckets: { lokiChunks: "Chunks", lokiRuler: "ruler-b", tempo: "tempo-b" } } }, {}, "observer:objectStorage.buckets.lokiChunks", /S3 bucket name/],
    ["negative Prometheus replicas", { prometheus: { replicas: -2 } }, {}, "observer:prometheus.replicas", /1 to 5/],
    ["absurd Prometheus replicas", { prometheus: { replicas: 1000 } }, {}, "observer:prometheus.replicas", /1 to 5/],
    ["volume size without a unit form", { prometheus: { storageSize: "fifty gigs" } }, {}, "observer:prometheus.storageSize", /volume size/],
    ["retention size in the wrong unit", { prometheus: { retentionSize: "45Gi" } }, {}, "observer:prometheus.retentionSize", /Prometheus size/],
    ["Kafka address without a port", { tempo: { kafka: { address: "kafka.streaming" } } }, {}, "observer:tempo.kafka.address", /host:port/],
    ["remote write to a non-URL", { prometheus: { remoteWrite: { url: "mimir:9009" } } }, {}, "observer:prometheus.remoteWrite.url", /http\(s\) URL/],
    ["gateway max below min", { collectors: { gateway: { replicas: 4, maxReplicas: 2 } } }, {}, "observer:collectors.gateway.maxReplicas", /at least/],
    ["duplicate instrumentation namespace", { instrumentation: { namespaces: ["a", "a"] } }, {}, "observer:instrumentation.namespaces[1]", /duplicate/],
    ["job label mode unknown", { metrics: { jobLabel: "custom" } }, {}, "observer:metrics.jobLabel", /otel|legacy/],
    ["network policy API port 0", { networkPolicy: { apiServer: { ports: [0] } } }, {}, "observer:networkPolicy.apiServer.ports[0]", /port/],
    ["route to a missing receiver", { alerting: { routes: { default: "nobody" } } }, {}, "observer:alerting.routes.default", /nobody|receiver/],
    ["unknown receiver type", { alerting: { receivers: { ops: { type: "teams", url: "https://x.example.com" } } } }, {}, "observer:alerting.receivers.ops.type", /slack|webhook|email|pagerduty/],
  ];
  test.each(cases)("%s", (_name, raw, env, path, message) => {
    const err = errorOf(raw, env);
    const problem = err.problems.find((p) => p.path === path);
    expect(problem).toBeDefined();
    expect(problem!.message).toMatch(message);
  });

  test("every problem is reported at once, one line each", () => {
    const err = errorOf({ profile: "qa", namespace: "Bad", kernels: { metricsPort: -1 }, typo: true });
    expect(err.problems.map((p) => p.path).sort()).toEqual(
      ["observer:kernels.metricsPort", "observer:namespace", "observer:profile", "observer:typo"].sort(),
    );
    expect(err.message.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(4);
  });

  test("the error is a RunError, so the CLI prints the message without a stack trace", () => {
    const err = errorOf({ profile: "qa" });
    expect(pulumi.RunError.isInstance(err)).toBe(true);
  });
});

describe("typo messages list the keys allowed at that place", () => {
  test("inside a record of unions (an alerting receiver)", () => {
    const err = errorOf({ alerting: { receivers: { ops: { type: "slack", channel: "#ops", apiUrl: "https://hooks.slack.com/x", chanel: "#x" } } } });
    const p = err.problems.find((x) => x.path === "observer:alerting.receivers.ops.chanel");
    expect(p?.message).toMatch(/^unknown key \(a typo\?\); known keys here: .*\bchannel\b/);
  });
  test("inside a list element", () => {
    const err = errorOf({ kernels: { selector: { matchExpressions: [{ key: "a", operator: "Exists", valeus: [] }] } } });
    const p = err.problems.find((x) => x.path === "observer:kernels.selector.matchExpressions[0].valeus");
    expect(p?.message).toBe("unknown key (a typo?); known keys here: key, operator, values");
  });
});
