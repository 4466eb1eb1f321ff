/**
 * The dev profile on a real engine, in order (a step that depends on a failed one says so and fails):
 *   1. a fresh dev stack with the default config: one `up` succeeds in one pass; outputs; readiness; the real
 *      prometheus-operator reconciles Prometheus and Alertmanager; the gateway Service serves 4317/4318
 *   2. `preview --expect-no-changes` right after
 *   8. a second Observer (another namespace) is refused before it creates anything, naming the conflicts
 *   3. `npm run check` (the checks `npm run up` runs) passes against this cluster
 *   4. the operator-generated Prometheus and Alertmanager configurations pass the real promtool and amtool
 *   5. updates touch only what they should: retention → only Loki; a chart version bump → only that release;
 *      a new receiver → only the receivers Secret changes, no workload restarts
 *   6. a plain `pulumi destroy` refuses and deletes nothing
 *   7. `destroy --run-program` with the operator's finalizer on every OpenTelemetry CR and a healthy operator:
 *      one pass, within 2 minutes; nothing of ours is left in the cluster
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { COLLECTORS, PORTS, RELEASES } from "../../components/endpoints";
import { RULE_OBJECTS } from "../../components/alerting/rules";
import { COLLECTOR_FINALIZER } from "../helpers/opentelemetry-operator";
import { changedKeys, clusterScopedLeftovers, conditions, podTemplates, unreadyWorkloads } from "./lib/assertions";
import { EngineCluster } from "./lib/cluster";
import { run, waitFor } from "./lib/proc";
import { LaneStack } from "./lib/stack";
import { steps } from "./lib/steps";
import { REPO, engineBin } from "./lib/toolchain";
import { recordBench } from "./lib/bench";

const NS = "datalayer-observer";
const BUMPED_TEMPO = "2.2.5";
let cluster: EngineCluster;
let stack: LaneStack;

beforeAll(async () => {
  cluster = await EngineCluster.start({ name: "dev", extraChartVersions: [{ chart: "tempo", from: "tempo-2.2.4.tgz", version: BUMPED_TEMPO }] });
  stack = new LaneStack({ cluster, profile: "dev", id: "dev" });
}, 180_000);

afterAll(async () => {
  stack?.dispose();
  await cluster?.stop();
});

const step = steps();

step(1, "fresh dev stack, default config: one up in one pass; outputs; every workload ready; Prometheus and Alertmanager reconciled; gateway Service on 4317/4318", [], async () => {
  const r = await stack.up();
  if (!r.ok) throw new Error(`the first up failed (it must succeed in one pass):\n${r.error}\n--- engine output ---\n${stack.tail()}`);
  recordBench("dev", "up", r.seconds, r.summary?.resourceChanges?.create ?? 0);
  expect(r.summary?.result).toBe("succeeded");
  const o = r.outputs!;
  expect(o.namespace).toEqual({ value: NS, secret: false });
  expect(o.otlpGrpcEndpoint!.value).toBe(`http://${COLLECTORS.gateway}-collector.${NS}.svc.cluster.local:${PORTS.otlpGrpc}`);
  expect(o.otlpHttpEndpoint!.value).toBe(`http://${COLLECTORS.gateway}-collector.${NS}.svc.cluster.local:${PORTS.otlpHttp}`);
  expect(o.grafanaAdminUser).toEqual({ value: "admin", secret: false });
  expect(o.grafanaAdminPassword!.secret).toBe(true);
  expect(String(o.grafanaAdminPassword!.value)).toMatch(/^[A-Za-z0-9]{32}$/);
  expect(o.grafanaPortForward!.value).toBe(`kubectl --namespace ${NS} port-forward service/${RELEASES.grafana.fullname} 3000:80`);
  // The password in the Secret Grafana reads is the output.
  const admin = await cluster.kube.get(`/api/v1/namespaces/${NS}/secrets/observer-grafana-admin`);
  expect(Buffer.from(admin!.data["admin-password"], "base64").toString()).toBe(o.grafanaAdminPassword!.value);

  // The real prometheus-operator reconciles both (a little after the release is ready).
  for (const [kind, plural] of [["Prometheus", "prometheuses"], ["Alertmanager", "alertmanagers"]] as const) {
    const items = await waitFor(
      `${kind} Reconciled and Available`,
      async () => {
        const list = await cluster.kube.list(`/apis/monitoring.coreos.com/v1/namespaces/${NS}/${plural}`);
        return list.length > 0 && list.every((x) => conditions(x).Reconciled === "True" && conditions(x).Available === "True") ? list : undefined;
      },
      120_000,
      1000,
    );
    expect([kind, items.length]).toEqual([kind, 1]);
  }
  await waitFor("every workload of the namespace ready", async () => ((await unreadyWorkloads(cluster.kube, NS)).length === 0 ? true : undefined), 120_000, 1000).catch(
    async (e: Error) => {
      throw new Error(`${e.message}\n${(await unreadyWorkloads(cluster.kube, NS)).join("\n")}`);
    },
  );
  const gateway = await cluster.kube.get(`/api/v1/namespaces/${NS}/services/${COLLECTORS.gateway}-collector`);
  expect((gateway!.spec.ports as Array<{ port: number }>).map((p) => p.port).sort()).toEqual(expect.arrayContaining([PORTS.otlpGrpc, PORTS.otlpHttp]));
  // Nothing left loopback: every call of the API server towards a Service was routed to a lane server or refused.
  for (const rec of cluster.proxy.records) expect(rec.outcome === "refused" || rec.service !== undefined).toBe(true);
});

step(2, "preview --expect-no-changes right after: no change", [1], async () => {
  const r = await stack.preview(true);
  if (!r.ok) throw new Error(`a second preview wants changes:\n${r.error}\n${JSON.stringify(r.steps, null, 1)}`);
  expect(r.steps).toEqual([]);
  // The first up converged: one pass.
  recordBench("dev", "converge", 0, 1);
});

step(8, "a second Observer in another namespace is refused before it creates anything, naming the conflicting objects", [1], async () => {
  const second = new LaneStack({ cluster, profile: "dev", id: "two", config: { "observer:namespace": "observer-two" } });
  try {
    const preview = await second.preview(false);
    expect(preview.ok).toBe(false);
    expect(preview.error).toMatch(/Observer cannot be installed in namespace "observer-two": \d+ cluster-wide object/);
    expect(preview.error).toContain(`ClusterRole observer-operator: owned by Helm release "kube-prometheus-stack" in namespace "${NS}"`);
    expect(preview.error).toContain(`CustomResourceDefinition opentelemetrycollectors.opentelemetry.io: owned by Helm release "opentelemetry-operator" in namespace "${NS}"`);
    const up = await second.up();
    expect(up.ok).toBe(false);
    expect(up.error).toMatch(/Observer cannot be installed in namespace "observer-two"/);
    expect(await cluster.kube.get("/api/v1/namespaces/observer-two")).toBeNull();
    // Nothing of the second stack exists anywhere (its objects would carry its stack label).
    const labelled = await cluster.kube.list(`/api/v1/secrets?labelSelector=${encodeURIComponent(`observer.datalayer.io/stack=observer.${second.stackName}`)}`);
    expect(labelled).toEqual([]);
  } finally {
    second.dispose();
  }
});

step(3, "npm run check (the checks npm run up makes first) passes against this cluster", [1], async () => {
  const r = await run(process.execPath, ["-r", path.join(REPO, "node_modules/ts-node/register/transpile-only"), path.join(REPO, "scripts/pulumi.ts"), "check"], {
    cwd: REPO,
    env: { ...process.env, PATH: `${path.dirname(engineBin("pulumi"))}:${process.env.PATH}`, KUBECONFIG: cluster.kubeconfig, PULUMI_SKIP_UPDATE_CHECK: "true" },
    timeoutMs: 120_000,
  });
  expect([r.code, r.stderr]).toEqual([0, expect.stringContaining("ok: Pulumi CLI v3.274.1")]);
  expect(r.stderr).toContain(`ok: Node ${process.version}`);
  expect(r.stderr).toMatch(new RegExp(`ok: cluster reachable: context "kwok-dev", server https://127\\.0\\.0\\.1:${cluster.kube.server.port}`));
});

step(4, "the configurations prometheus-operator generated from our CRs pass the real promtool and amtool", [1], async () => {
  const dir = path.join(cluster.dir, "generated");
  fs.mkdirSync(dir, { recursive: true });
  const secrets = await cluster.kube.list(`/api/v1/namespaces/${NS}/secrets`);
  const prom = secrets.find((s) => s.metadata.name.startsWith("prometheus-") && s.data?.["prometheus.yaml.gz"]);
  const am = secrets.find((s) => s.metadata.name.startsWith("alertmanager-") && s.metadata.name.endsWith("-generated") && s.data?.["alertmanager.yaml.gz"]);
  expect([prom?.metadata.name, am?.metadata.name]).toEqual([expect.any(String), expect.any(String)]);
  const zlib = await import("node:zlib");
  const promFile = path.join(dir, "prometheus.yaml");
  fs.writeFileSync(promFile, zlib.gunzipSync(Buffer.from(prom!.data["prometheus.yaml.gz"], "base64")));
  const amFile = path.join(dir, "alertmanager.yaml");
  fs.writeFileSync(amFile, zlib.gunzipSync(Buffer.from(am!.data["alertmanager.yaml.gz"], "base64")));
  // Rule files the operator generated (ConfigMaps prometheus-<name>-rulefiles-N), placed where the config expects them.
  const rulesDir = path.join(dir, "rules");
  fs.mkdirSync(rulesDir, { recursive: true });
  for (const cm of await cluster.kube.list(`/api/v1/namespaces/${NS}/configmaps`)) {
    if (!/^prometheus-.*-rulefiles-\d+$/.test(cm.metadata.name)) continue;
    for (const [f, text] of Object.entries(cm.data ?? {})) fs.writeFileSync(path.join(rulesDir, f), String(text));
  }
  const config = fs.readFileSync(promFile, "utf8").replace(/\/etc\/prometheus\/rules\/[^/\s"]+\//g, `${rulesDir}/`);
  fs.writeFileSync(promFile, config);
  const promtool = await run(engineBin("promtool"), ["check", "config", "--syntax-only", promFile]);
  expect([promtool.code, promtool.stdout + promtool.stderr]).toEqual([0, expect.stringContaining("SUCCESS")]);
  const rules = fs.readdirSync(rulesDir).sort();
  // Our rule files pass with no lint finding; the chart's default rules must pass (promtool 3.14 lints one
  // duplicate recording rule of kube-prometheus-stack's own kube-apiserver group, upstream's, not fatal).
  const ours = rules.filter((f) => Object.values(RULE_OBJECTS).some((name) => f.startsWith(`${NS}-${name}-`)));
  expect(ours).toHaveLength(Object.values(RULE_OBJECTS).length);
  for (const f of rules) {
    const check = await run(engineBin("promtool"), ["check", "rules", path.join(rulesDir, f)]);
    expect([f, check.code]).toEqual([f, 0]);
    if (ours.includes(f)) expect([f, check.stderr]).toEqual([f, ""]);
  }
  const amtool = await run(engineBin("amtool"), ["check-config", amFile]);
  expect([amtool.code, amtool.stdout + amtool.stderr]).toEqual([0, expect.stringContaining("SUCCESS")]);
});

step(5, "updates touch only what they should: retention → Loki; a chart bump → that release; a new receiver → its Secret, no restarts", [1], async () => {
  const preview = async () => {
    const r = await stack.preview(false);
    if (!r.ok) throw new Error(`preview failed:\n${r.error}`);
    return (r.steps ?? []).map((s) => `${s.op} ${s.urn.split("::").pop()}`).sort();
  };
  stack.writeConfig({ "observer:retention": { logs: "9d" } });
  expect(await preview()).toEqual(["update observer-loki"]);
  stack.writeConfig({ "observer:retention": {}, "observer:charts": { mirror: cluster.chartsUrl, tempo: { version: BUMPED_TEMPO } } });
  expect(await preview()).toEqual(["update observer-tempo"]);
  stack.writeConfig({ "observer:charts": { mirror: cluster.chartsUrl } });
  expect(await preview()).toEqual([]);

  const before = await podTemplates(cluster.kube, NS);
  await stack.setConfig("observer:alerting.receivers.ops-slack.type", "slack");
  await stack.setConfig("observer:alerting.receivers.ops-slack.apiUrl", "https://hooks.slack.example/services/T000/B000/XXXX", true);
  await stack.setConfig("observer:alerting.routes.default", "ops-slack");
  expect(await preview()).toEqual(["update observer-alerting-receivers", "update observer-kube-prometheus-stack"]);
  const r = await stack.up();
  if (!r.ok) throw new Error(`up with a receiver failed:\n${r.error}\n${stack.tail()}`);
  expect(r.summary?.resourceChanges).toEqual({ same: expect.any(Number), update: 2 });
  // The Alertmanager configuration the operator generated reads the credential from a file that the mounted
  // receivers Secret provides, under the path Alertmanager mounts it.
  const secret = await cluster.kube.get(`/api/v1/namespaces/${NS}/secrets/observer-alertmanager-receivers`);
  const keys = Object.keys(secret!.data ?? {});
  expect(keys).toHaveLength(1);
  expect(Buffer.from(secret!.data[keys[0]!], "base64").toString()).toBe("https://hooks.slack.example/services/T000/B000/XXXX");
  const generated = await waitFor(
    "the generated Alertmanager configuration to name the Slack receiver",
    async () => {
      const am = (await cluster.kube.list(`/api/v1/namespaces/${NS}/secrets`)).find((x) => /^alertmanager-.*-generated$/.test(x.metadata.name));
      const text = am ? (await import("node:zlib")).gunzipSync(Buffer.from(am.data["alertmanager.yaml.gz"], "base64")).toString() : "";
      return text.includes("ops-slack") ? text : undefined;
    },
    60_000,
  );
  expect(generated).toContain(`api_url_file: /etc/alertmanager/secrets/observer-alertmanager-receivers/${keys[0]}`);
  expect(changedKeys(before, await podTemplates(cluster.kube, NS))).toEqual([]);
});

step(6, "a plain pulumi destroy refuses before deleting anything", [1], async () => {
  const before = await cluster.names(`/apis/apps/v1/namespaces/${NS}/deployments`);
  const r = await stack.destroy(false);
  expect(r.ok).toBe(false);
  expect(r.error).toMatch(/delete hooks|--run-program/);
  expect(await cluster.names(`/apis/apps/v1/namespaces/${NS}/deployments`)).toEqual(before);
});

step(7, "destroy --run-program with the operator's finalizer on every OpenTelemetry CR, operator healthy: one pass within 2 minutes; nothing of ours left", [1], async () => {
  const crs = [
    ...(await cluster.kube.list("/apis/opentelemetry.io/v1beta1/opentelemetrycollectors")).map((o) => ["opentelemetrycollectors", "v1beta1", o] as const),
    ...(await cluster.kube.list("/apis/opentelemetry.io/v1alpha1/instrumentations")).map((o) => ["instrumentations", "v1alpha1", o] as const),
  ];
  expect(crs.length).toBeGreaterThanOrEqual(2);
  for (const [plural, version, o] of crs) {
    await cluster.kube.patch(`/apis/opentelemetry.io/${version}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`, { metadata: { finalizers: [COLLECTOR_FINALIZER] } });
  }
  const started = Date.now();
  const r = await stack.destroy(true);
  const seconds = (Date.now() - started) / 1000;
  if (!r.ok) throw new Error(`destroy failed:\n${r.error}\n${stack.tail()}`);
  recordBench("dev", "destroy", r.seconds, 0);
  expect(r.summary?.result).toBe("succeeded");
  expect(seconds).toBeLessThan(120);
  // The kernels' namespace (observer:instrumentation.namespaces) is not Observer's: it is created only if absent,
  // carries none of our labels and is kept; nothing of ours stays in it.
  expect(await clusterScopedLeftovers(cluster.kube, NS, ["observer-", "kube-prometheus-stack", "loki", "tempo", "opentelemetry-operator"])).toEqual([]);
  expect(await cluster.kube.get(`/api/v1/namespaces/${NS}`)).toBeNull();
  const runtimes = await cluster.kube.get("/api/v1/namespaces/datalayer-runtimes");
  expect(runtimes?.metadata.labels?.["app.kubernetes.io/managed-by"]).toBeUndefined();
  expect(await cluster.names("/apis/opentelemetry.io/v1alpha1/namespaces/datalayer-runtimes/instrumentations")).toEqual([]);
});

