/**
 * `crds.prometheus: external` on a real engine: the Prometheus Operator CRDs belong to someone else (a
 * prometheus-operator-crds release in another namespace, installed with the lane's helm).
 *   1. CRDs that lack a field Observer sets (a served schema without `scrapeClasses`, as an older operator's) are
 *      refused on preview, naming the minimum operator version; nothing is created
 *   2. with the current CRDs: one `up` in one pass, then `preview --expect-no-changes`
 *   3. `destroy --run-program`: one pass; the CRDs, which are not Observer's, stay
 */
import * as path from "node:path";

import { CHARTS } from "../../components/versions";
import { EngineCluster, SHARED_CHARTS } from "./lib/cluster";
import { runOk } from "./lib/proc";
import { LaneStack } from "./lib/stack";
import { steps } from "./lib/steps";
import { engineBin } from "./lib/toolchain";

const NS = "datalayer-observer";
const PROMETHEUSES = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/prometheuses.monitoring.coreos.com";
let cluster: EngineCluster;
let stack: LaneStack;

beforeAll(async () => {
  cluster = await EngineCluster.start({ name: "ext" });
  const pkg = path.join(SHARED_CHARTS, `${CHARTS.prometheusOperatorCrds.chart}-${CHARTS.prometheusOperatorCrds.version}.tgz`);
  await runOk(engineBin("helm"), ["install", "platform-crds", pkg, "--namespace", "platform", "--create-namespace", "--wait"], { env: cluster.env(), timeoutMs: 180_000 });
  stack = new LaneStack({ cluster, profile: "dev", id: "ext", config: { "observer:crds": { prometheus: "external" } } });
}, 300_000);

afterAll(async () => {
  stack?.dispose();
  await cluster?.stop();
});

const step = steps();

step(1, "CRDs older than Observer needs (no scrapeClasses in the served schema) are refused on preview, naming the minimum version; nothing created", [], async () => {
  const crd = (await cluster.kube.get(PROMETHEUSES))!;
  const original = structuredClone(crd.spec.versions);
  const version = crd.spec.versions.find((v: { storage: boolean }) => v.storage);
  delete version.schema.openAPIV3Schema.properties.spec.properties.scrapeClasses;
  await cluster.kube.request("PUT", PROMETHEUSES, crd);
  try {
    const r = await stack.preview(false);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/scrapeClasses/);
    expect(r.error).toMatch(/prometheus-operator/i);
    expect(r.error).toMatch(/0\.80\.0/);
    expect(await cluster.kube.get(`/api/v1/namespaces/${NS}`)).toBeNull();
  } finally {
    const now = (await cluster.kube.get(PROMETHEUSES))!;
    now.spec.versions = original;
    await cluster.kube.request("PUT", PROMETHEUSES, now);
  }
});

step(2, "with the current CRDs: one up in one pass, then no change on a second preview", [1], async () => {
  const up = await stack.up();
  if (!up.ok) throw new Error(`up with external CRDs failed:\n${up.error}\n${stack.tail()}`);
  const r = await stack.preview(true);
  if (!r.ok) throw new Error(`a second preview wants changes:\n${r.error}\n${JSON.stringify(r.steps, null, 1)}`);
  expect(r.steps).toEqual([]);
  // The CRDs still belong to their release.
  expect((await cluster.kube.get(PROMETHEUSES))!.metadata.annotations?.["meta.helm.sh/release-name"]).toBe("platform-crds");
});

step(3, "destroy --run-program in one pass; the CRDs, not Observer's, stay", [2], async () => {
  const r = await stack.destroy(true);
  if (!r.ok) throw new Error(`destroy failed:\n${r.error}\n${stack.tail()}`);
  expect(await cluster.kube.get(PROMETHEUSES)).not.toBeNull();
  expect(await cluster.kube.get(`/api/v1/namespaces/${NS}`)).toBeNull();
});
