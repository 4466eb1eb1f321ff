/**
 * The lane's own cluster, before any Observer stack: loopback-only nodes, claims bound, and the API server's
 * calls to webhook Services (admission and CRD conversion) going through the lane's egress proxy, which never
 * dials the requested address.
 */
import { EngineCluster, NODE_COUNT } from "./lib/cluster";
import { KubeError } from "./lib/kube";
import { waitFor } from "./lib/proc";

let cluster: EngineCluster;

beforeAll(async () => {
  cluster = await EngineCluster.start({ name: "basics" });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

test("three kwok nodes, every address loopback", async () => {
  const nodes = await cluster.kube.list("/api/v1/nodes");
  expect(nodes).toHaveLength(NODE_COUNT);
  for (const n of nodes) {
    for (const a of n.status.addresses as Array<{ type: string; address: string }>) {
      if (a.type === "InternalIP") expect(a.address).toMatch(/^127\./);
    }
  }
  expect(cluster.kube.server.hostname).toBe("127.0.0.1");
});

test("a claim of the default StorageClass is bound to a hostPath volume", async () => {
  await cluster.kube.create("/api/v1/namespaces/default/persistentvolumeclaims", {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "probe" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  });
  const bound = await waitFor(
    "the claim to be bound",
    async () => {
      const pvc = await cluster.kube.get("/api/v1/namespaces/default/persistentvolumeclaims/probe");
      return pvc?.status?.phase === "Bound" ? pvc : undefined;
    },
    30_000,
  );
  expect(bound.spec.storageClassName).toBe("standard");
});

test("an admission webhook with failurePolicy Fail is called through the proxy, refused, and the request fails; nothing is dialled", async () => {
  await cluster.kube.create("/api/v1/namespaces/default/services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "probe-webhook" },
    spec: { ports: [{ port: 443, targetPort: 9443 }], selector: { app: "nothing" } },
  });
  const svc = await cluster.kube.get("/api/v1/namespaces/default/services/probe-webhook");
  expect(svc!.spec.clusterIP).toMatch(/^10\.96\./);
  await cluster.kube.create("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: "probe" },
    webhooks: [
      {
        name: "probe.observer.test",
        admissionReviewVersions: ["v1"],
        sideEffects: "None",
        failurePolicy: "Fail",
        clientConfig: { service: { namespace: "default", name: "probe-webhook", path: "/validate" } },
        rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }],
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "default" } },
      },
    ],
  });
  // The API server's webhook manager picks the configuration up within a second or so.
  const err = await waitFor(
    "the webhook to be enforced",
    async () => {
      try {
        await cluster.kube.create("/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "probe-" } });
        return undefined;
      } catch (e) {
        return e as KubeError;
      }
    },
    30_000,
  );
  expect(err.status).toBe(500);
  expect(err.message).toMatch(/failed calling webhook "probe\.observer\.test"/);
  const refused = cluster.proxy.records.filter((r) => r.service === "default/probe-webhook:443");
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((r) => r.outcome === "refused" && r.target === `${svc!.spec.clusterIP}:443`)).toBe(true);
  expect(cluster.proxy.forwardedTargets()).toEqual([]);
});
