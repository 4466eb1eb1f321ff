/**
 * The prod profile on a real engine (object storage configured; nothing reaches it, since no container runs):
 *   1. one `up` in one pass; Prometheus (2 replicas) and Alertmanager (3) reconciled by the real operator
 *   2. `preview --expect-no-changes` right after
 *   3. every receiver type configured (credentials as secrets): one `up`, then `preview --expect-no-changes`
 *   4. `destroy --run-program` with the operator's finalizer on every OpenTelemetry CR and the operator wedged
 *      (ready, not reconciling): one pass within 2 minutes; the namespace, the CRDs and every PVC are kept
 *   5. a new `up` of the stack adopts what was kept, in one pass, with the same volumes
 */
import { COLLECTOR_FINALIZER } from "../helpers/opentelemetry-operator";
import { conditions } from "./lib/assertions";
import { recordBench } from "./lib/bench";
import { EngineCluster } from "./lib/cluster";
import { waitFor } from "./lib/proc";
import { LaneStack } from "./lib/stack";
import { steps } from "./lib/steps";

const NS = "datalayer-observer";
let cluster: EngineCluster;
let stack: LaneStack;

beforeAll(async () => {
  cluster = await EngineCluster.start({ name: "prod" });
  stack = new LaneStack({
    cluster,
    profile: "prod",
    id: "prod",
    config: {
      "observer:clusterName": "lane-prod",
      "observer:kubeContext": "kwok-prod",
      "observer:objectStorage": {
        endpoint: "s3.eu-west-1.amazonaws.com",
        region: "eu-west-1",
        buckets: { lokiChunks: "observer-loki-chunks", lokiRuler: "observer-loki-ruler", tempo: "observer-tempo" },
      },
    },
  });
}, 180_000);

afterAll(async () => {
  stack?.dispose();
  await cluster?.stop();
});

const step = steps();

step(1, "prod with object storage: one up in one pass; Prometheus ×2 and Alertmanager ×3 reconciled", [], async () => {
  await stack.setConfig("observer:objectStorage.accessKeyId", "AKIALANETESTKEY00001", true);
  await stack.setConfig("observer:objectStorage.secretAccessKey", "lane-test-secret-access-key", true);
  const r = await stack.up();
  if (!r.ok) throw new Error(`the first prod up failed (it must succeed in one pass):\n${r.error}\n--- engine output ---\n${stack.tail()}`);
  recordBench("prod", "up", r.seconds, r.summary?.resourceChanges?.create ?? 0);
  for (const [plural, replicas] of [["prometheuses", 2], ["alertmanagers", 3]] as const) {
    await waitFor(
      `${plural} Reconciled and Available with ${replicas} replicas`,
      async () => {
        const [x] = await cluster.kube.list(`/apis/monitoring.coreos.com/v1/namespaces/${NS}/${plural}`);
        return x && x.spec.replicas === replicas && conditions(x).Reconciled === "True" && conditions(x).Available === "True" ? true : undefined;
      },
      180_000,
      1000,
    );
  }
});

step(2, "preview --expect-no-changes right after", [1], async () => {
  const r = await stack.preview(true);
  if (!r.ok) throw new Error(`a second preview wants changes:\n${r.error}\n${JSON.stringify(r.steps, null, 1)}`);
  expect(r.steps).toEqual([]);
  // The first up converged: one pass.
  recordBench("prod", "converge", 0, 1);
});

step(3, "every receiver type configured: one up, then no change on a second preview", [1], async () => {
  const set = (k: string, v: string, secret = false) => stack.setConfig(`observer:alerting.receivers.${k}`, v, secret);
  await set("ops-slack.type", "slack");
  await set("ops-slack.apiUrl", "https://hooks.slack.example/services/T000/B000/XXXX", true);
  await set("ops-pager.type", "pagerduty");
  await set("ops-pager.routingKey", "0123456789abcdef0123456789abcdef", true);
  await set("team-mail.type", "email");
  await set("team-mail.to", "team@example.com");
  await set("team-mail.from", "alertmanager@example.com");
  await set("team-mail.smarthost", "smtp.example.com:587");
  await set("team-mail.authUsername", "alertmanager");
  await set("team-mail.authPassword", "lane-smtp-password", true);
  await set("team-hook.type", "webhook");
  await set("team-hook.url", "https://hooks.example.com/alerts");
  await set("team-hook.token", "lane-webhook-token", true);
  await stack.setConfig("observer:alerting.routes.default", "ops-slack");
  await stack.setConfig("observer:alerting.routes.severity.critical", "ops-pager");
  const up = await stack.up();
  if (!up.ok) throw new Error(`up with every receiver failed:\n${up.error}\n${stack.tail()}`);
  const r = await stack.preview(true);
  if (!r.ok) throw new Error(`a preview after it wants changes:\n${r.error}\n${JSON.stringify(r.steps, null, 1)}`);
  expect(r.steps).toEqual([]);
});

step(4, "destroy --run-program, operator wedged, finalizers on every OpenTelemetry CR: one pass within 2 minutes; namespace, CRDs and PVCs kept", [1], async () => {
  const pvcs = await cluster.names(`/api/v1/namespaces/${NS}/persistentvolumeclaims`);
  expect(pvcs.length).toBeGreaterThan(0);
  cluster.operator.mode = "wedged";
  for (const [plural, version] of [["opentelemetrycollectors", "v1beta1"], ["instrumentations", "v1alpha1"]] as const) {
    for (const o of await cluster.kube.list(`/apis/opentelemetry.io/${version}/${plural}`)) {
      await cluster.kube.patch(`/apis/opentelemetry.io/${version}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`, { metadata: { finalizers: [COLLECTOR_FINALIZER] } });
    }
  }
  const started = Date.now();
  const r = await stack.destroy(true);
  const seconds = (Date.now() - started) / 1000;
  if (!r.ok) throw new Error(`destroy failed:\n${r.error}\n${stack.tail()}`);
  recordBench("prod", "destroy", r.seconds, 0);
  expect(seconds).toBeLessThan(120);
  const ns = await cluster.kube.get(`/api/v1/namespaces/${NS}`);
  expect(ns?.status?.phase).toBe("Active");
  expect(await cluster.names(`/api/v1/namespaces/${NS}/persistentvolumeclaims`)).toEqual(pvcs);
  const crds = (await cluster.kube.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")).map((c) => c.metadata.name);
  expect(crds).toEqual(expect.arrayContaining(["prometheuses.monitoring.coreos.com", "servicemonitors.monitoring.coreos.com", "opentelemetrycollectors.opentelemetry.io", "instrumentations.opentelemetry.io"]));
  // No CR is stuck: none of ours is left anywhere.
  expect(await cluster.names("/apis/opentelemetry.io/v1beta1/opentelemetrycollectors")).toEqual([]);
  expect(await cluster.names("/apis/opentelemetry.io/v1alpha1/instrumentations")).toEqual([]);
});

step(5, "a new up adopts the kept namespace, CRDs and volumes in one pass", [4], async () => {
  const before = await cluster.names(`/api/v1/namespaces/${NS}/persistentvolumeclaims`);
  cluster.operator.mode = "healthy";
  const r = await stack.up();
  if (!r.ok) throw new Error(`the up after a prod destroy failed:\n${r.error}\n${stack.tail()}`);
  const after = await cluster.names(`/api/v1/namespaces/${NS}/persistentvolumeclaims`);
  expect(after).toEqual(before);
  const claims = await cluster.kube.list(`/api/v1/namespaces/${NS}/persistentvolumeclaims`);
  expect(claims.filter((c) => c.status?.phase !== "Bound").map((c) => c.metadata.name)).toEqual([]);
  const again = await stack.preview(true);
  if (!again.ok) throw new Error(`a preview after it wants changes:\n${again.error}`);
});
