/**
 * Whole-program tests across configurations: credentials never leave Secrets, air-gapped installs
 * switch every chart and image, a version bump touches only its release, and the profile matrix
 * installs the right releases.
 */
import { type Recorded, byType, one, runProgram, unwrapSecrets } from "../helpers/mocks";
import { scanForCredentials } from "../helpers/credential-scan";
import { DEV_CONFIG, PROD_CONFIG, PROD_RAW, PROD_SECRETS } from "../helpers/fixtures";
import { chartValues } from "../../components/charts/index";
import { parseConfig } from "../../components/config";
import { RELEASES } from "../../components/endpoints";
import { CHARTS, type ChartKey } from "../../components/versions";

type Exports = Record<string, unknown>;
const RELEASE = "kubernetes:helm.sh/v3:Release";
const load = () => require("../../index") as Exports;

/** Every credential kind the config accepts, each with a recognisable value. */
const CREDENTIALS = {
  slackUrl: "https://hooks.slack.com/services/T000/B000/slack-secret-123456",
  webhookUrl: "https://hooks.example.com/alerts/webhook-path-token-3c2d1e0f",
  webhookToken: "webhook-bearer-token-7a6b5c4d",
  smtpPassword: "smtp-password-9f8e7d6c",
  pagerdutyKey: "pagerduty-routing-key-0a1b2c3d",
  remoteWritePassword: "remote-write-password-5e4f3a2b",
  ...PROD_SECRETS,
};

const FULL_PROD: Record<string, string> = {
  ...PROD_CONFIG,
  "observer:loki": JSON.stringify({ tenant: "datalayer" }),
  "observer:alerting": JSON.stringify({
    receivers: {
      "ops-slack": { type: "slack", channel: "#ops", apiUrl: CREDENTIALS.slackUrl },
      "team-hook": { type: "webhook", url: CREDENTIALS.webhookUrl, token: CREDENTIALS.webhookToken },
      "team-mail": {
        type: "email",
        to: "team@example.com",
        from: "alertmanager@example.com",
        smarthost: "smtp.example.com:587",
        authUsername: "alertmanager",
        authPassword: CREDENTIALS.smtpPassword,
      },
      "ops-pager": { type: "pagerduty", routingKey: CREDENTIALS.pagerdutyKey },
    },
    routes: { default: "ops-slack", severity: { critical: "ops-pager" }, namespaces: [{ namespaces: ["billing"], receiver: "team-mail" }] },
  }),
  "observer:prometheus": JSON.stringify({
    remoteWrite: { url: "https://mimir.example.com/api/v1/push", username: "observer", password: CREDENTIALS.remoteWritePassword },
  }),
};

describe("credentials", () => {
  let resources: Recorded[];
  beforeAll(async () => {
    ({ resources } = await runProgram<Exports>(FULL_PROD, load, { stack: "prod" }));
  });

  test("the Grafana password and every configured credential appear only inside Kubernetes Secrets", () => {
    const secrets = ["mock-password-observer-grafana-admin-password", ...Object.values(CREDENTIALS)];
    const scanned = resources.map((r) => ({ type: r.type, name: r.name, inputs: unwrapSecrets(r.inputs) }));
    expect(scanForCredentials(scanned, secrets)).toEqual([]);
    // ...and each one is really stored somewhere (else the scan above proves nothing).
    const inSecrets = JSON.stringify(scanned.filter((r) => r.type === "kubernetes:core/v1:Secret").map((r) => r.inputs));
    for (const s of secrets) expect([s.slice(0, 12), inSecrets.includes(s)]).toEqual([s.slice(0, 12), true]);
  });

  test("every Secret carrying a credential is marked secret in Pulumi", () => {
    const found: string[] = [];
    for (const r of byType(resources, "kubernetes:core/v1:Secret")) {
      unwrapSecrets(r.inputs, "", found);
    }
    const secretNames = byType(resources, "kubernetes:core/v1:Secret").map((r) => (r.inputs.metadata as { name: string }).name).sort();
    expect(secretNames).toEqual(["observer-alertmanager-receivers", "observer-grafana-admin", "observer-object-storage", "observer-prometheus-remote-write"]);
    // stringData of each is a secret (wrapped) value.
    expect(found.filter((p) => p === "stringData" || p.startsWith("stringData")).length).toBeGreaterThanOrEqual(4);
  });

  test("releases that read a Secret depend on it", () => {
    const dependsOnSecret = (release: string, secretName: string) => {
      const rel = one(resources, RELEASE, release);
      const sec = byType(resources, "kubernetes:core/v1:Secret").find((r) => (r.inputs.metadata as { name: string }).name === secretName)!;
      return rel.dependencies.includes(sec.urn);
    };
    expect(dependsOnSecret("observer-kube-prometheus-stack", "observer-grafana-admin")).toBe(true);
    expect(dependsOnSecret("observer-kube-prometheus-stack", "observer-alertmanager-receivers")).toBe(true);
    expect(dependsOnSecret("observer-kube-prometheus-stack", "observer-prometheus-remote-write")).toBe(true);
    expect(dependsOnSecret("observer-loki", "observer-object-storage")).toBe(true);
    expect(dependsOnSecret("observer-tempo", "observer-object-storage")).toBe(true);
  });
});

describe("air-gapped install", () => {
  const MIRROR = "registry.internal.example:5000/mirror";
  const CHARTS = "oci://registry.internal.example:5000/charts";
  let resources: Recorded[];
  beforeAll(async () => {
    ({ resources } = await runProgram<Exports>(
      { ...PROD_CONFIG, "observer:images": JSON.stringify({ mirror: MIRROR }), "observer:charts": JSON.stringify({ mirror: CHARTS }) },
      load,
      { stack: "prod" },
    ));
  });

  test("every release comes from the chart mirror", () => {
    const releases = byType(resources, RELEASE);
    // One release per chart the config installs (the registry, components/charts/index.ts).
    const installed = chartValues(parseConfig({ ...PROD_RAW }), { grafanaAdminChecksum: "0", now: new Date() });
    expect(releases.map((r) => r.inputs.name).sort()).toEqual(
      (Object.keys(installed) as ChartKey[]).filter((k) => installed[k] !== undefined).map((k) => RELEASES[k].name).sort(),
    );
    for (const r of releases) {
      expect(r.inputs.chart).toMatch(new RegExp(`^${CHARTS}/`));
      expect(r.inputs.repositoryOpts).toBeUndefined();
    }
  });

  test("no input of any resource names a public registry", () => {
    const publicRegistry = /(^|[^.\w-])(ghcr\.io|docker\.io|quay\.io|registry\.k8s\.io|gcr\.io|public\.ecr\.aws|mirror\.gcr\.io)\b/;
    const offenders: string[] = [];
    const walk = (v: unknown, path: string, name: string) => {
      if (typeof v === "string") {
        if (publicRegistry.test(v)) offenders.push(`${name}: ${path} = ${v}`);
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, name));
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, name);
    };
    for (const r of resources) walk(unwrapSecrets(r.inputs), "", `${r.type}::${r.name}`);
    expect(offenders).toEqual([]);
  });

  test("the collectors and the auto-instrumentation pull from the image mirror", () => {
    for (const c of byType(resources, "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector")) {
      expect((c.inputs.spec as { image: string }).image).toBe(`${MIRROR}/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.158.0`);
    }
    for (const i of byType(resources, "kubernetes:opentelemetry.io/v1alpha1:Instrumentation")) {
      const spec = i.inputs.spec as Record<string, { image?: string }>;
      for (const lang of ["python", "nodejs", "java"]) expect(spec[lang]!.image!.startsWith(`${MIRROR}/`)).toBe(true);
    }
  });
});

describe("upgrades: one version bump changes one release", () => {
  const inputsOf = (resources: Recorded[]) =>
    new Map(resources.map((r) => [`${r.type}::${r.name}`, JSON.stringify([r.inputs, [...r.dependencies].sort(), r.options])]));
  const diff = (a: Map<string, string>, b: Map<string, string>) =>
    [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();

  let base: Map<string, string>;
  beforeAll(async () => {
    base = inputsOf((await runProgram<Exports>(DEV_CONFIG, load)).resources);
  });

  // Every chart the dev config installs (the registry, components/charts/index.ts), with its release's resource name.
  const DEV_CHARTS = (Object.keys(CHARTS) as ChartKey[])
    .filter((k) => chartValues(parseConfig({}), { grafanaAdminChecksum: "0", now: new Date() })[k] !== undefined)
    .map((k) => [k, `observer-${RELEASES[k].name}`] as const);
  test.each(DEV_CHARTS)("charts.%s.version", async (key, release) => {
    const bumped = inputsOf(
      (await runProgram<Exports>({ ...DEV_CONFIG, "observer:charts": JSON.stringify({ [key]: { version: "99.0.0" } }) }, load)).resources,
    );
    expect(diff(base, bumped)).toEqual([`${RELEASE}::${release}`]);
  });
});

describe("profile matrix", () => {
  test("prod with a Kafka address installs tempo-distributed instead of the single binary", async () => {
    const { resources } = await runProgram<Exports>(
      { ...PROD_CONFIG, "observer:tempo": JSON.stringify({ kafka: { address: "kafka.streaming:9092" } }) },
      load,
      { stack: "prod" },
    );
    const names = byType(resources, RELEASE).map((r) => [r.inputs.name, r.inputs.chart, r.inputs.version]);
    expect(names).toContainEqual(["tempo-distributed", "tempo-distributed", "3.3.0"]);
    expect(names.map((n) => n[0])).not.toContain("tempo");
  });

  test("external Prometheus CRDs: no CRD release, the CRDs are read (checked) instead, and stage 2 waits on them", async () => {
    const { resources } = await runProgram<Exports>({ ...DEV_CONFIG, "observer:crds": JSON.stringify({ prometheus: "external" }) }, load);
    expect(byType(resources, RELEASE).map((r) => r.inputs.name)).not.toContain("prometheus-operator-crds");
    const kps = one(resources, RELEASE, "observer-kube-prometheus-stack");
    const read = resources.filter((r) => r.readId !== undefined);
    expect(read.map((r) => [r.type, r.readId]).sort()).toEqual(
      [
        "alertmanagerconfigs", "alertmanagers", "podmonitors", "probes", "prometheuses", "prometheusrules", "scrapeconfigs", "servicemonitors",
      ].map((k) => ["kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", `${k}.monitoring.coreos.com`]),
    );
    const crdUrns = read.map((r) => r.urn);
    for (const u of crdUrns) expect(kps.dependencies).toContain(u);
    // Every stage-2 release writes monitoring.coreos.com objects: each checks the served CRD schemas first.
    const check = "observer-prometheus-crds-external-check";
    for (const name of ["observer-kube-prometheus-stack", "observer-loki", "observer-tempo", "observer-opentelemetry-operator"]) {
      const hooks = one(resources, RELEASE, name).options.hooks;
      expect([name, hooks.beforeCreate, hooks.beforeUpdate]).toEqual([name, [check], [check]]);
    }
    expect(one(resources, RELEASE, "observer-opentelemetry-operator").options.hooks.beforeDelete).toEqual(["observer-otel-operator-finalizers"]);
  });

  test.each([
    ["dev", DEV_CONFIG, 1, "deployment"],
    ["prod", PROD_CONFIG, 2, "statefulset"],
  ] as const)("%s: gateway mode and Prometheus replicas", async (_p, config, replicas, mode) => {
    const { resources } = await runProgram<Exports>(config, load, { stack: _p });
    const gw = byType(resources, "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector").find(
      (c) => (c.inputs.metadata as { name: string }).name === "datalayer-collector",
    )!;
    expect((gw.inputs.spec as { mode: string }).mode).toBe(mode);
    const kps = one(resources, RELEASE, "observer-kube-prometheus-stack");
    expect((kps.inputs.values as { prometheus: { prometheusSpec: { replicas: number } } }).prometheus.prometheusSpec.replicas).toBe(replicas);
  });
});
