/**
 * The one-Observer-per-cluster pre-flight: which existing cluster-wide objects count as someone else's, the exact
 * requests, and the refusal naming each conflict. That the table lists exactly what the charts render is checked in
 * tests/contract/cluster-scoped.test.ts; the real-engine lane runs it against a second stack on a live API server.
 */
import { apiPathOf, clusterScopedObjects, foreignOwner, installConflictMessage, runInstallConflictPreflight } from "../../../components/lifecycle/install-conflicts";
import { createHttpTransport, createKubeApiOverTransport } from "../../../components/lifecycle/kube-api";
import { FakeApiServer } from "./fake-apiserver";

const helm = (release: string, namespace: string) => ({
  labels: { "app.kubernetes.io/managed-by": "Helm" },
  annotations: { "meta.helm.sh/release-name": release, "meta.helm.sh/release-namespace": namespace },
});

test("an object our release in our namespace owns is ours; any other owner is foreign, in words", () => {
  const object = { kind: "ClusterRole" as const, name: "observer-operator", release: "kube-prometheus-stack" };
  expect(foreignOwner({ metadata: { name: "observer-operator", ...helm("kube-prometheus-stack", "ns-a") } }, object, "ns-a")).toBeUndefined();
  expect(foreignOwner({ metadata: { name: "observer-operator", ...helm("kube-prometheus-stack", "ns-b") } }, object, "ns-a")).toBe('Helm release "kube-prometheus-stack" in namespace "ns-b"');
  expect(foreignOwner({ metadata: { name: "observer-operator", ...helm("other", "ns-a") } }, object, "ns-a")).toBe('Helm release "other" in namespace "ns-a"');
  expect(foreignOwner({ metadata: { name: "observer-operator", labels: { "app.kubernetes.io/managed-by": "argocd" } } }, object, "ns-a")).toBe('"argocd" (no Helm release annotations)');
  expect(foreignOwner({ metadata: { name: "observer-operator" } }, object, "ns-a")).toBe("nobody known (no Helm release annotations)");
});

test("no conflict, no message; conflicts are each named with their owner and the way out", () => {
  expect(installConflictMessage([], "ns-a")).toBeUndefined();
  const msg = installConflictMessage(
    [
      { object: { kind: "ClusterRole", name: "observer-operator", release: "kube-prometheus-stack" }, owner: 'Helm release "kube-prometheus-stack" in namespace "datalayer-observer"' },
      { object: { kind: "CustomResourceDefinition", name: "opentelemetrycollectors.opentelemetry.io", release: "opentelemetry-operator" }, owner: 'Helm release "opentelemetry-operator" in namespace "datalayer-observer"' },
    ],
    "second",
  )!;
  expect(msg.split("\n").slice(0, 3)).toEqual([
    'Observer cannot be installed in namespace "second": 2 cluster-wide object(s) it would own already belong to someone else (another Observer or these charts in namespace "datalayer-observer"):',
    '  - ClusterRole observer-operator: owned by Helm release "kube-prometheus-stack" in namespace "datalayer-observer"',
    '  - CustomResourceDefinition opentelemetrycollectors.opentelemetry.io: owned by Helm release "opentelemetry-operator" in namespace "datalayer-observer"',
  ]);
  expect(msg).toContain("one Observer per cluster");
  expect(msg).toContain("Nothing was created.");
});

describe("runInstallConflictPreflight against a local API stand-in", () => {
  let server: FakeApiServer;
  beforeEach(async () => {
    server = new FakeApiServer();
    await server.start();
  });
  afterEach(async () => server.stop());
  const api = () => createKubeApiOverTransport(createHttpTransport({ server: server.url }));

  test("reads every object of the table by its API path; an empty cluster passes", async () => {
    await runInstallConflictPreflight(api(), "ns-a");
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(clusterScopedObjects().map((o) => `GET ${apiPathOf(o)}`));
  });

  test("our own objects (a second up, or a kept prod install) pass; another namespace's are refused, each named", async () => {
    for (const o of clusterScopedObjects()) server.byPath.set(apiPathOf(o), { metadata: { name: o.name, ...helm(o.release, "ns-a") } });
    await runInstallConflictPreflight(api(), "ns-a");
    await expect(runInstallConflictPreflight(api(), "ns-b")).rejects.toThrow(/cannot be installed in namespace "ns-b": 23 cluster-wide object\(s\)/);
    await expect(runInstallConflictPreflight(api(), "ns-b")).rejects.toThrow(/ValidatingWebhookConfiguration observer-otel-operator-validation: owned by Helm release "opentelemetry-operator" in namespace "ns-a"/);
  });
});
