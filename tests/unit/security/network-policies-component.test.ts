/** The NetworkPolicies component under mocks: type, child names, inputs, parent, dependsOn. */
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "../../../components/config";

const created: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        created.push({ type: a.type, name: a.name, inputs: a.inputs });
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: (a) => a.inputs,
    },
    "observer",
    "dev",
    false,
  );
});

test("creates one NetworkPolicy per built policy, named from the component, and nothing when disabled", async () => {
  const { NetworkPolicies } = await import("../../../components/security/network-policies-component");
  const { buildNetworkPolicies } = await import("../../../components/security/network-policies");
  const config = parseConfig({ runUrl: "https://run.example.com", grafana: { ingress: { className: "nginx" } } });
  const np = new NetworkPolicies("observer-netpol", { config, labels: { x: "y" } });
  const off = new NetworkPolicies("off", { config: parseConfig({ networkPolicy: { enabled: false } }) });
  await new Promise((r) => setTimeout(r, 50));
  const expected = buildNetworkPolicies({ namespace: config.namespace, config: config.networkPolicy, grafanaIngress: true, labels: { x: "y" } });
  const policies = created.filter((c) => c.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
  // registration order is asynchronous under mocks: compare as sets
  expect(policies.map((p) => p.name).sort()).toEqual(expected.map((p) => `observer-netpol-${p.metadata.name}`).sort());
  expect(policies.find((p) => p.name === "observer-netpol-observer-default-deny")!.inputs).toEqual({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: expected[0]!.metadata, spec: expected[0]!.spec });
  expect(np.policyNames).toEqual(expected.map((p) => p.metadata.name));
  expect(off.policyNames).toEqual([]);
  const urn = await new Promise<string>((r) => np.urn.apply(r));
  expect(urn).toBe("urn:pulumi:dev::observer::observer:security:NetworkPolicies::observer-netpol");
});

test("prod with tempo.kafka gets Tempo's egress to the brokers' ports from the whole config", async () => {
  const { NetworkPolicies } = await import("../../../components/security/network-policies-component");
  const { PROD_RAW } = await import("../../helpers/fixtures");
  const prod = parseConfig({ ...PROD_RAW, tempo: { kafka: { address: "kafka-0.kafka:9092,kafka-1.kafka:9093" } } });
  const kafka = new NetworkPolicies("kafka", { config: prod });
  const single = new NetworkPolicies("single", { config: parseConfig({ ...PROD_RAW }) });
  await new Promise((r) => setTimeout(r, 50));
  expect(kafka.policyNames).toContain("observer-allow-tempo-to-kafka");
  expect(single.policyNames).not.toContain("observer-allow-tempo-to-kafka");
  const p = created.find((c) => c.name === "kafka-observer-allow-tempo-to-kafka")!;
  expect((p.inputs.spec as { egress: unknown }).egress).toEqual([{ ports: [{ protocol: "TCP", port: 9092 }, { protocol: "TCP", port: 9093 }] }]);
});

test("cni: cilium creates the API-server flows as CiliumNetworkPolicy custom resources, the rest as NetworkPolicies", async () => {
  const { NetworkPolicies } = await import("../../../components/security/network-policies-component");
  const { buildCiliumNetworkPolicies, buildNetworkPolicies } = await import("../../../components/security/network-policies");
  const config = parseConfig({ runUrl: "https://run.example.com", grafana: { ingress: { className: "nginx" } }, networkPolicy: { cni: "cilium" } });
  const np = new NetworkPolicies("cilium", { config, labels: { x: "y" } });
  await new Promise((r) => setTimeout(r, 50));
  const inputs = { namespace: config.namespace, config: config.networkPolicy, grafanaIngress: true, labels: { x: "y" } };
  const cnps = buildCiliumNetworkPolicies(inputs);
  const created_ = created.filter((c) => c.name.startsWith("cilium-"));
  expect(created_.filter((c) => c.type === "kubernetes:cilium.io/v2:CiliumNetworkPolicy").map((c) => c.name).sort()).toEqual(cnps.map((p) => `cilium-cilium-${p.metadata.name}`).sort());
  expect(created_.filter((c) => c.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((c) => c.name).sort()).toEqual(buildNetworkPolicies(inputs).map((p) => `cilium-${p.metadata.name}`).sort());
  const first = created_.find((c) => c.name === `cilium-cilium-${cnps[0]!.metadata.name}`)!;
  expect(first.inputs).toEqual({ apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy", metadata: cnps[0]!.metadata, spec: cnps[0]!.spec });
  expect(np.policyNames).toEqual([...buildNetworkPolicies(inputs), ...cnps].map((p) => p.metadata.name));
});
