/**
 * `destroy --run-program` with the OpenTelemetry Operator's finalizer on every OpenTelemetry CR, in the operator
 * states the dev and prod suites do not cover (there: healthy, and wedged), each on a fresh dev stack, with the
 * operator's `failurePolicy: Fail` admission webhooks and its CRD conversion webhook still registered but
 * unreachable (the lane's egress proxy refuses them, as a cluster does when no pod serves them):
 *   - not installed (its Deployment deleted out of band)
 *   - scaled to zero
 *   - wedged: its Deployment reports ready, it reconciles nothing, and its webhooks do not answer
 * Each destroy must complete in one pass within 2 minutes and leave nothing of ours.
 */
import { COLLECTOR_FINALIZER } from "../helpers/opentelemetry-operator";
import { RELEASES } from "../../components/endpoints";
import { WEBHOOK_BYPASS_LABEL } from "../../components/labels";
import { clusterScopedLeftovers } from "./lib/assertions";
import { EngineCluster } from "./lib/cluster";
import { LaneStack } from "./lib/stack";

const NS = "datalayer-observer";
const OPERATOR = `/apis/apps/v1/namespaces/${NS}/deployments/${RELEASES.opentelemetryOperator.fullname}`;
let cluster: EngineCluster;

beforeAll(async () => {
  cluster = await EngineCluster.start({ name: "fin" });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

async function addFinalizers(): Promise<number> {
  let n = 0;
  for (const [plural, version] of [["opentelemetrycollectors", "v1beta1"], ["instrumentations", "v1alpha1"]] as const) {
    for (const o of await cluster.kube.list(`/apis/opentelemetry.io/${version}/${plural}`)) {
      await cluster.kube.patch(`/apis/opentelemetry.io/${version}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`, { metadata: { finalizers: [COLLECTOR_FINALIZER] } });
      n++;
    }
  }
  return n;
}

const STATES: Array<[string, () => Promise<void>]> = [
  ["not installed", async () => void (await cluster.kube.delete(OPERATOR))],
  ["scaled to zero", async () => void (await cluster.kube.patch(`${OPERATOR}/scale`, { spec: { replicas: 0 } }))],
  ["wedged (ready, reconciling nothing) with its webhooks unreachable", async () => undefined],
];

test.each(STATES)("operator %s, its Fail webhooks and conversion webhook unreachable: destroy in one pass within 2 minutes, nothing left", async (state, setState) => {
  cluster.operator.mode = "healthy";
  cluster.webhooks.mode = "reachable";
  const stack = new LaneStack({ cluster, profile: "dev", id: `fin-${STATES.findIndex(([s]) => s === state)}` });
  try {
    const up = await stack.up();
    if (!up.ok) throw new Error(`up failed:\n${up.error}\n${stack.tail()}`);
    expect(await addFinalizers()).toBeGreaterThanOrEqual(2);
    cluster.operator.mode = "wedged";
    cluster.webhooks.mode = "unreachable";
    await cluster.webhooks.tick();
    await setState();
    // The webhooks really reject an update now (the state the hook must get through).
    const [gw] = await cluster.kube.list(`/apis/opentelemetry.io/v1beta1/namespaces/${NS}/opentelemetrycollectors`);
    await expect(
      cluster.kube.request("PATCH", `/apis/opentelemetry.io/v1beta1/namespaces/${NS}/opentelemetrycollectors/${gw!.metadata.name}`, { metadata: { labels: { probe: "1" } } }, { contentType: "application/merge-patch+json" }),
    ).rejects.toThrow(/failed calling webhook/);

    const started = Date.now();
    const r = await stack.destroy(true);
    const seconds = (Date.now() - started) / 1000;
    if (!r.ok) throw new Error(`destroy failed (${state}):\n${r.error}\n${stack.tail()}`);
    expect(seconds).toBeLessThan(120);
    // The kernels' namespace is kept by design (created only if absent, never ours to delete: docs/lifecycle.md "What is kept").
    expect(await clusterScopedLeftovers(cluster.kube, NS, ["observer-"])).toEqual([]);
    expect(await cluster.names("/apis/opentelemetry.io/v1alpha1/instrumentations")).toEqual([]);
    expect(await cluster.kube.get(`/api/v1/namespaces/${NS}`)).toBeNull();
    // The bypass label never outlives the patch (the namespace is gone here; the kernels' namespaces stay).
    for (const ns of await cluster.kube.list("/api/v1/namespaces")) expect([ns.metadata.name, ns.metadata.labels?.[WEBHOOK_BYPASS_LABEL]]).toEqual([ns.metadata.name, undefined]);
  } finally {
    // A failed case must not leave its stack for the next one (same namespace, another field manager).
    cluster.operator.mode = "healthy";
    cluster.webhooks.mode = "reachable";
    if ((await cluster.kube.get(`/api/v1/namespaces/${NS}`)) !== null) await stack.destroy(true).catch(() => undefined);
    stack.dispose();
  }
});
