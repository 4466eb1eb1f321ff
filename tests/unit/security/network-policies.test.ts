/**
 * NetworkPolicy builders: config, default deny, the policy set, how the API server and other non-pod peers are
 * written per mode, the Cilium mode, and the flows table of docs/network-policies.md. Whether the policies select the right pods, on the right
 * container ports, and allow every flow the stack needs on each kind of CNI is checked against the rendered charts
 * in tests/contract/rendered.test.ts; here the builders are compared with each other across modes, not with
 * restated selectors and ports.
 */
import { parseConfig, type ObserverConfig } from "../../../components/config";
import {
  ALLOW_PREFIX,
  API_SERVER_ENTITIES,
  DEFAULT_DENY_NAME,
  buildCiliumNetworkPolicies,
  buildNetworkPolicies,
  flowsMarkdownTable,
  isCiliumFlow,
  kafkaEgress,
  networkFlows,
  objectStorageEgress,
  type FlowInputs,
  type NetworkPolicyObject,
} from "../../../components/security/network-policies";
import { INGRESS_CLASSES, resolveSecurity } from "../../../components/security/config";
import { ciliumNetworkPolicyProblems } from "../../helpers/cilium-schema";
import type { BaseConfig, ConfigProblem } from "../../../components/forms";

const NS = "datalayer-observer";
/** A config with the Grafana ingress on, served by ingress-nginx (class nginx) unless `raw` says otherwise. */
const cfg = (raw: Record<string, unknown> = {}): ObserverConfig => parseConfig({ runUrl: "https://run.example.com", grafana: { ingress: { className: "nginx" } }, ...raw });

function inputs(c: ObserverConfig, extra: Partial<FlowInputs> = {}): FlowInputs & { labels: Record<string, string> } {
  return { namespace: c.namespace, config: c.networkPolicy, grafanaIngress: c.grafana.ingress.enabled, labels: { a: "b" }, ...extra };
}
function build(raw: Record<string, unknown> = {}, extra: Partial<FlowInputs> = {}): NetworkPolicyObject[] {
  return buildNetworkPolicies(inputs(cfg(raw), extra));
}
function policy(list: NetworkPolicyObject[], id: string): NetworkPolicyObject {
  const p = list.find((x) => x.metadata.name === `${ALLOW_PREFIX}${id}`);
  if (!p) throw new Error(`no policy ${id}; have ${list.map((x) => x.metadata.name).join(", ")}`);
  return p;
}
const API_FLOWS = (list: { metadata: { name: string } }[]) => list.map((p) => p.metadata.name).filter((n) => n.includes("apiserver"));

describe("config", () => {
  test("defaults: on, generic CNI, any API server address on 443/6443, the ingress controller derived from the class", () => {
    expect(cfg().networkPolicy).toEqual({
      enabled: true,
      cni: "generic",
      ingressController: { origin: "ingress class nginx", description: `${INGRESS_CLASSES.nginx!.controller} (ingress class nginx)`, ...INGRESS_CLASSES.nginx!.source },
      apiServer: { cidrs: ["0.0.0.0/0", "::/0"], ports: [443, 6443] },
    });
    // No ingress, nothing to admit.
    expect(parseConfig({}).networkPolicy.ingressController).toBeUndefined();
  });

  test("overrides; a declared source wins over the class", () => {
    const c = cfg({
      networkPolicy: { enabled: false, ingressController: { namespace: "traefik", podSelector: { "app.kubernetes.io/name": "traefik" } }, apiServer: { cidrs: ["10.0.0.1/32"], ports: [6443] } },
    });
    expect(c.networkPolicy).toEqual({
      enabled: false,
      cni: "generic",
      ingressController: {
        origin: "observer:networkPolicy.ingressController",
        description: "ingress controller: pods app.kubernetes.io/name=traefik in namespace traefik",
        pods: { namespace: "traefik", selector: { matchLabels: { "app.kubernetes.io/name": "traefik" } } },
      },
      apiServer: { cidrs: ["10.0.0.1/32"], ports: [6443] },
    });
    expect(cfg({ networkPolicy: { cni: "cilium" } }).networkPolicy.cni).toBe("cilium");
  });

  test("every class with a derivable source derives it; declared CIDRs and host network are kept", () => {
    for (const [name, known] of Object.entries(INGRESS_CLASSES)) {
      if (!known.source) continue;
      const c = cfg({ grafana: { ingress: { className: name } }, ...(known.ciliumOnly ? { networkPolicy: { cni: "cilium" } } : {}) });
      expect(c.networkPolicy.ingressController).toEqual({ origin: `ingress class ${name}`, description: `${known.controller} (ingress class ${name})`, ...known.source });
    }
    expect(cfg({ grafana: { ingress: { className: "alb" } }, networkPolicy: { ingressController: { cidrs: ["10.0.0.0/16"] } } }).networkPolicy.ingressController).toEqual({
      origin: "observer:networkPolicy.ingressController",
      description: "ingress controller: 10.0.0.0/16",
      cidrs: ["10.0.0.0/16"],
    });
    expect(cfg({ networkPolicy: { cni: "cilium", ingressController: { hostNetwork: true } } }).networkPolicy.ingressController).toEqual({
      origin: "observer:networkPolicy.ingressController",
      description: "ingress controller: the nodes (host network)",
      entities: ["host", "remote-node"],
    });
  });

  test("an ingress whose source is neither declared nor derivable is rejected, saying what to set", () => {
    const message = (raw: Record<string, unknown>) => {
      try {
        parseConfig({ runUrl: "https://run.example.com", ...raw });
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    const noClass = message({});
    expect(noClass).toContain("observer:networkPolicy.ingressController: the Grafana ingress is on (observer:runUrl is set) but nothing says where its controller's traffic comes from");
    for (const words of ["observer:grafana.ingress.className to one of nginx, traefik, gce, cilium (with observer:networkPolicy.cni=cilium)", ".namespace and/or .podSelector", ".cidrs", ".hostNetwork", "observer:grafana.ingress.enabled=false"]) {
      expect(noClass).toContain(words);
    }
    expect(message({ grafana: { ingress: { className: "haproxy" } } })).toContain("Observer does not know where ingress class haproxy connects from: set observer:grafana.ingress.className");
    expect(message({ grafana: { ingress: { className: "alb" } } })).toContain("ingress class alb (AWS Load Balancer Controller): the ALB connects from its own addresses in the VPC");
    expect(message({ grafana: { ingress: { className: "alb" } } })).toContain("set observer:networkPolicy.ingressController.cidrs");
    expect(message({ grafana: { ingress: { className: "cilium" } } })).toContain("set observer:networkPolicy.cni to cilium");
    expect(message({ networkPolicy: { ingressController: { hostNetwork: true } } })).toContain(
      "observer:networkPolicy.ingressController.hostNetwork: a controller on the host network connects from the nodes' addresses: set observer:networkPolicy.ingressController.cidrs",
    );
    expect(message({ networkPolicy: { cni: "cilium", ingressController: { hostNetwork: true, namespace: "x" } } })).toContain("remove .namespace and .podSelector");
    // Not needed: policies off, or the ingress off.
    expect(() => parseConfig({ runUrl: "https://run.example.com", networkPolicy: { enabled: false } })).not.toThrow();
    expect(() => parseConfig({ runUrl: "https://run.example.com", grafana: { ingress: { enabled: false } } })).not.toThrow();
  });

  test.each([
    [{ enabled: "yes" }, "observer:networkPolicy.enabled", "expected true or false"],
    [{ cni: "calico" }, "observer:networkPolicy.cni", "expected 'generic' or 'cilium'"],
    [{ ingressController: { namespace: "Ingress_Nginx" } }, "observer:networkPolicy.ingressController.namespace", "DNS-1123 label"],
    [{ ingressController: { podSelector: { app: "a b" } } }, "observer:networkPolicy.ingressController.podSelector.app", "label value"],
    [{ ingressController: { cidrs: ["10.0.0.0"] } }, "observer:networkPolicy.ingressController.cidrs[0]", "CIDR block"],
    [{ ingressController: { cidrs: [] } }, "observer:networkPolicy.ingressController.cidrs", "at least one CIDR block"],
    [{ ingressController: { hostNetwork: "yes" } }, "observer:networkPolicy.ingressController.hostNetwork", "expected true or false"],
    [{ apiServer: { cidrs: ["10.0.0.1"] } }, "observer:networkPolicy.apiServer.cidrs[0]", "CIDR block"],
    [{ apiServer: { ports: [0] } }, "observer:networkPolicy.apiServer.ports[0]", "port number"],
    [{ apiServer: { ports: [] } }, "observer:networkPolicy.apiServer.ports", "at least one port"],
    [{ apiServer: { ports: [443, 443] } }, "observer:networkPolicy.apiServer.ports", "each port once"],
    [{ cni: "cilium", apiServer: { cidrs: ["10.0.0.1/32"] } }, "observer:networkPolicy.apiServer.cidrs", "not used with observer:networkPolicy.cni=cilium"],
    [{ egress: true }, "observer:networkPolicy.egress", "unknown key"],
  ])("%j is rejected at its key", (np, path, words) => {
    expect(() => cfg({ networkPolicy: np })).toThrow(new RegExp(`${path.replace(/[.[\]]/g, "\\$&")}: [^\\n]*${words.replace(/[.[\]=]/g, "\\$&")}`));
  });

  test("resolveSecurity pushes problems instead of throwing", () => {
    const problems: ConfigProblem[] = [];
    resolveSecurity({ networkPolicy: { apiServer: { ports: [1, 1] } } }, {} as BaseConfig, problems);
    expect(problems).toEqual([{ path: "observer:networkPolicy.apiServer.ports", message: "expected each port once" }]);
  });
});

describe("buildNetworkPolicies", () => {
  test("off switch: no policy of either kind", () => {
    expect(build({ networkPolicy: { enabled: false } })).toEqual([]);
    expect(buildCiliumNetworkPolicies(inputs(cfg({ networkPolicy: { enabled: false, cni: "cilium" } })))).toEqual([]);
  });

  test("default deny first: every pod, ingress and egress, no rule", () => {
    expect(build()[0]).toEqual({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: DEFAULT_DENY_NAME, namespace: NS, labels: { a: "b" } },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
  });

  test("one policy per flow, named after it, unique, valid names, all in our namespace with our labels", () => {
    const list = build();
    const flows = networkFlows(inputs(cfg()));
    expect(list.map((p) => p.metadata.name)).toEqual([DEFAULT_DENY_NAME, ...flows.map((f) => `${ALLOW_PREFIX}${f.id}`)]);
    expect(new Set(list.map((p) => p.metadata.name)).size).toBe(list.length);
    for (const p of list) {
      expect(p.metadata.namespace).toBe(NS);
      expect(p.metadata.labels).toEqual({ a: "b" });
      expect(p.metadata.name.length).toBeLessThanOrEqual(63);
      expect(p.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      // An allow policy's policyTypes name exactly the directions it has rules for (a listed direction without rules denies).
      if (p.metadata.name !== DEFAULT_DENY_NAME) expect(p.spec.policyTypes).toEqual([...(p.spec.ingress ? ["Ingress"] : []), ...(p.spec.egress ? ["Egress"] : [])]);
    }
  });

  test("DNS egress from every pod on 53 UDP and TCP, to any address (CoreDNS pods or NodeLocal DNSCache on the host network)", () => {
    expect(policy(build(), "dns").spec).toEqual({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }],
    });
  });
});

describe("the API server as a peer", () => {
  const generic = build();

  test("by default every API-server rule names ports only: no peer, so no CNI can fail to match the API server's address", () => {
    const apiFlows = networkFlows(inputs(cfg())).filter((f) => f.id.includes("apiserver"));
    expect(apiFlows.length).toBeGreaterThan(0);
    for (const f of apiFlows) {
      const p = policy(generic, f.id);
      const rules = [...(p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })), ...(p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }))];
      expect([f.id, rules.length]).toEqual([f.id, 1]);
      expect([f.id, rules[0]!.peers]).toEqual([f.id, undefined]);
      expect(rules[0]!.ports!.length).toBeGreaterThan(0);
    }
  });

  test("any /0 among the CIDRs means any address (ports only); narrowed CIDRs become ipBlocks in both directions, on the same ports", () => {
    expect(build({ networkPolicy: { apiServer: { cidrs: ["0.0.0.0/0"] } } })).toEqual(generic);
    const narrowed = build({ networkPolicy: { apiServer: { cidrs: ["172.18.0.2/32", "fd00::2/128"] } } });
    expect(API_FLOWS(narrowed)).toEqual(API_FLOWS(generic));
    for (const name of API_FLOWS(generic)) {
      const g = generic.find((p) => p.metadata.name === name)!;
      const n = narrowed.find((p) => p.metadata.name === name)!;
      const peers = [{ ipBlock: { cidr: "172.18.0.2/32" } }, { ipBlock: { cidr: "fd00::2/128" } }];
      expect(n.spec).toEqual({
        ...g.spec,
        ...(g.spec.ingress ? { ingress: g.spec.ingress.map((r) => ({ from: peers, ...r })) } : {}),
        ...(g.spec.egress ? { egress: g.spec.egress.map((r) => ({ to: peers, ...r })) } : {}),
      });
    }
  });

  test("networkPolicy.apiServer.ports sets the egress ports of every API client", () => {
    const list = build({ networkPolicy: { apiServer: { ports: [16443] } } });
    const egress = list.filter((p) => p.metadata.name.endsWith("-to-apiserver"));
    expect(egress.length).toBeGreaterThan(0);
    for (const p of egress) expect(p.spec.egress).toEqual([{ ports: [{ protocol: "TCP", port: 16443 }] }]);
  });
});

describe("cni: cilium", () => {
  const c = cfg({ networkPolicy: { cni: "cilium" } });
  const nps = buildNetworkPolicies(inputs(c));
  const cnps = buildCiliumNetworkPolicies(inputs(c));
  const generic = build();

  test("the API-server flows move from NetworkPolicies to CiliumNetworkPolicies; every other policy is the generic one", () => {
    expect(cnps.map((p) => p.metadata.name)).toEqual(API_FLOWS(generic));
    expect(nps).toEqual(generic.filter((p) => !API_FLOWS(generic).includes(p.metadata.name)));
    expect(buildCiliumNetworkPolicies(inputs(cfg()))).toEqual([]);
    expect(networkFlows(inputs(cfg())).filter(isCiliumFlow)).toEqual([]);
  });

  test("each CiliumNetworkPolicy selects the generic policy's pods, on its ports, from/to the kube-apiserver, host and remote-node entities", () => {
    expect(API_SERVER_ENTITIES).toEqual(["kube-apiserver", "host", "remote-node"]);
    for (const cnp of cnps) {
      const g = generic.find((p) => p.metadata.name === cnp.metadata.name)!;
      const toPorts = (ports: { protocol: string; port: number }[] | undefined) => [{ ports: ports!.map((p) => ({ port: String(p.port), protocol: p.protocol })) }];
      expect(cnp).toEqual({
        apiVersion: "cilium.io/v2",
        kind: "CiliumNetworkPolicy",
        metadata: { name: g.metadata.name, namespace: NS, labels: { a: "b" } },
        spec: {
          description: expect.stringContaining("Kubernetes API server"),
          endpointSelector: g.spec.podSelector,
          ...(g.spec.ingress ? { ingress: g.spec.ingress.map((r) => ({ fromEntities: [...API_SERVER_ENTITIES], toPorts: toPorts(r.ports) })) } : {}),
          ...(g.spec.egress ? { egress: g.spec.egress.map((r) => ({ toEntities: [...API_SERVER_ENTITIES], toPorts: toPorts(r.ports) })) } : {}),
        },
      });
    }
  });
});

describe("the ingress controller as a peer of Grafana", () => {
  const grafanaRules = (raw: Record<string, unknown>) => {
    const c = cfg(raw);
    return {
      np: buildNetworkPolicies(inputs(c)).find((p) => p.metadata.name === `${ALLOW_PREFIX}ingress-controller-to-grafana`),
      cnp: buildCiliumNetworkPolicies(inputs(c)).find((p) => p.metadata.name === `${ALLOW_PREFIX}ingress-controller-to-grafana`),
    };
  };
  const grafanaPort = () => policy(build(), "ingress-controller-to-grafana").spec.ingress![0]!.ports!;

  test("pods: in their namespace when one is declared, in any namespace when derived from the class", () => {
    const declared = grafanaRules({ networkPolicy: { ingressController: { namespace: "edge", podSelector: { app: "haproxy" } } } }).np!;
    expect(declared.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "edge" } }, podSelector: { matchLabels: { app: "haproxy" } } }], ports: grafanaPort() }]);
    const derived = grafanaRules({ grafana: { ingress: { className: "traefik" } } }).np!;
    expect(derived.spec.ingress).toEqual([{ from: [{ namespaceSelector: {}, podSelector: INGRESS_CLASSES.traefik!.source!.pods!.selector }], ports: grafanaPort() }]);
    expect(derived.spec.podSelector).toEqual(declared.spec.podSelector);
  });

  test("addresses: ipBlocks, or ports only when one is a /0", () => {
    expect(grafanaRules({ networkPolicy: { ingressController: { cidrs: ["10.0.0.0/16", "fd00::/8"] } } }).np!.spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: "10.0.0.0/16" } }, { ipBlock: { cidr: "fd00::/8" } }], ports: grafanaPort() },
    ]);
    expect(grafanaRules({ networkPolicy: { ingressController: { cidrs: ["0.0.0.0/0"] } } }).np!.spec.ingress).toEqual([{ ports: grafanaPort() }]);
  });

  test("Cilium entities go to a CiliumNetworkPolicy of the same name, other sources stay in the NetworkPolicy", () => {
    const hostOnly = grafanaRules({ networkPolicy: { cni: "cilium", ingressController: { hostNetwork: true } } });
    expect(hostOnly.np).toBeUndefined();
    expect(hostOnly.cnp!.spec.ingress).toEqual([{ fromEntities: ["host", "remote-node"], toPorts: [{ ports: grafanaPort().map((p) => ({ port: String(p.port), protocol: p.protocol })) }] }]);
    const both = grafanaRules({ networkPolicy: { cni: "cilium", ingressController: { hostNetwork: true, cidrs: ["10.0.0.0/16"] } } });
    expect(both.np!.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: grafanaPort() }]);
    expect(both.cnp!.spec.ingress).toEqual(hostOnly.cnp!.spec.ingress);
    expect(grafanaRules({ grafana: { ingress: { className: "cilium" } }, networkPolicy: { cni: "cilium" } }).cnp!.spec.ingress![0]!.fromEntities).toEqual(["ingress"]);
  });

  test("no ingress-controller flow when the Grafana ingress is off", () => {
    const c = parseConfig({});
    expect(buildNetworkPolicies(inputs(c)).map((p) => p.metadata.name)).not.toContain("observer-allow-ingress-controller-to-grafana");
  });
});

describe("destinations named by host name: any address on their ports", () => {
  test("object storage: the endpoint's port (443 for https, 80 for plain http, or the one it names), no peer (an in-cluster MinIO is a pod)", () => {
    expect(objectStorageEgress({ endpoint: "s3.eu-west-1.amazonaws.com", insecure: false })).toEqual({ ports: [443] });
    expect(objectStorageEgress({ endpoint: "http://minio.minio.svc.cluster.local", insecure: true })).toEqual({ ports: [80] });
    expect(objectStorageEgress({ endpoint: "http://minio.minio.svc.cluster.local:9000", insecure: true })).toEqual({ ports: [9000] });
    expect(objectStorageEgress({ endpoint: "https://storage.example.com:8443/", insecure: false })).toEqual({ ports: [8443] });
    const list = build({}, { objectStorage: { ports: [9000] } });
    for (const k of ["loki", "tempo"]) expect(policy(list, `${k}-to-object-storage`).spec.egress).toEqual([{ ports: [{ protocol: "TCP", port: 9000 }] }]);
    expect(build().map((p) => p.metadata.name).filter((n) => n.includes("object-storage"))).toEqual([]);
  });

  test("Kafka: Tempo's egress only with tempo.kafka in prod, on the brokers' ports (9092 when unnamed), no peer", () => {
    expect(kafkaEgress({ profile: "prod", tempo: { kafka: { address: "kafka-0.kafka:9093, kafka-1.kafka:9094,kafka-2.kafka" } } })).toEqual({ ports: [9092, 9093, 9094] });
    expect(kafkaEgress({ profile: "prod", tempo: { kafka: { address: "kafka.kafka:9092,kafka-b.kafka:9092" } } })).toEqual({ ports: [9092] });
    expect(kafkaEgress({ profile: "prod", tempo: {} })).toBeUndefined();
    expect(kafkaEgress({ profile: "dev", tempo: { kafka: { address: "kafka:9092" } } })).toBeUndefined();
    const list = build({}, { kafka: { ports: [9092, 9093] } });
    expect(policy(list, "tempo-to-kafka").spec.egress).toEqual([{ ports: [{ protocol: "TCP", port: 9092 }, { protocol: "TCP", port: 9093 }] }]);
    expect(build().map((p) => p.metadata.name)).not.toContain("observer-allow-tempo-to-kafka");
  });
});

describe("docs/network-policies.md table", () => {
  test("one row per flow, generated", () => {
    const i = inputs(cfg());
    const table = flowsMarkdownTable(i).split("\n");
    expect(table[0]).toBe("| Policy | From | To | Ports | Why |");
    expect(table).toHaveLength(2 + networkFlows(i).length);
  });

  test("docs/network-policies.md carries the generated flows table verbatim (it cannot drift)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const doc: string = require("node:fs").readFileSync(require("node:path").resolve(__dirname, "../../../docs/network-policies.md"), "utf8");
    expect(doc).toContain(flowsMarkdownTable(inputs(cfg())));
  });
});

describe("CiliumNetworkPolicy bodies against the CRD's schema (tests/helpers/cilium-schema.ts)", () => {
  test("every body the Cilium mode builds, in every profile, is valid", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PROD_RAW } = require("../../helpers/fixtures") as { PROD_RAW: Record<string, unknown> };
    const raws: Record<string, unknown>[] = [{}, PROD_RAW, { ...PROD_RAW, tempo: { kafka: { address: "kafka.kafka:9092" } } }];
    for (const raw of raws) {
      const c = parseConfig({ ...raw, networkPolicy: { ...((raw.networkPolicy as Record<string, unknown> | undefined) ?? {}), cni: "cilium" } });
      const list = buildCiliumNetworkPolicies(inputs(c));
      expect(list.length).toBeGreaterThan(0);
      for (const p of list) expect([p.metadata.name, ciliumNetworkPolicyProblems(p)]).toEqual([p.metadata.name, []]);
    }
  });

  test("the check can fail: unknown entity, numeric port, two peer kinds in one rule, no direction, no selector", () => {
    const [valid] = buildCiliumNetworkPolicies(inputs(cfg({ networkPolicy: { cni: "cilium" } })));
    const bad = JSON.parse(JSON.stringify(valid)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const rule = (bad.spec.egress ?? bad.spec.ingress)[0];
    const key = bad.spec.egress ? "toEntities" : "fromEntities";
    rule[key] = ["apiserver"];
    rule.toPorts[0].ports[0].port = 443;
    rule[bad.spec.egress ? "toCIDR" : "fromCIDR"] = ["10.0.0.0/8"];
    expect(ciliumNetworkPolicyProblems(bad)).toEqual(
      expect.arrayContaining([expect.stringContaining("apiserver is not an entity"), expect.stringContaining("expected a port number or name as a string"), expect.stringContaining("mutually exclusive")]),
    );
    expect(ciliumNetworkPolicyProblems({ ...valid, spec: { endpointSelector: {} } })).toEqual(["spec: one of ingress, ingressDeny, egress, egressDeny is required (anyOf)"]);
    expect(ciliumNetworkPolicyProblems({ ...valid, spec: { egress: [] } })).toEqual(["spec: exactly one of endpointSelector and nodeSelector (oneOf)"]);
  });
});
