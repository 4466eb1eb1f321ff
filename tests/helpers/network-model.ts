/**
 * Whether traffic between two endpoints is allowed under a set of NetworkPolicies (networking.k8s.io/v1) and
 * CiliumNetworkPolicies (cilium.io/v2), as two kinds of CNI enforce them. The model is written from the
 * projects' own definitions, not from our builders:
 *
 * - `reference`: the NetworkPolicy API as documented (k8s.io/api networking/v1 types.go) and as Calico, Antrea or
 *   the AWS VPC CNI enforce it: selectors match pods, an `ipBlock` matches addresses that are not pod addresses,
 *   including the nodes' and the API server's. CiliumNetworkPolicies do not exist there.
 * - `cilium`: Cilium's translation and identities (cilium/cilium pkg/k8s/network_policy.go ParseNetworkPolicy,
 *   pkg/policy/api/entity.go): a rule without peers becomes the wildcard selector (every identity); selectors
 *   match pods; an `ipBlock` becomes a CIDR rule, which selects only `world` (addresses outside the cluster):
 *   never the local node (`host`), other nodes (`remote-node`), pods on the host network, or the API server when it
 *   runs on the nodes (`kube-apiserver` on top of host/remote-node), unless the agent runs with
 *   `policy-cidr-match-mode: nodes` (cilium/cilium#14724, the default being off). Entities select identities:
 *   `host`, `remote-node`, `kube-apiserver`, `world`, `cluster`, `all`, and `ingress` (Cilium's own Ingress proxy).
 *
 * An endpoint's traffic is denied in a direction when at least one policy selects it for that direction and no
 * rule of any selecting policy allows the peer and port (the two kinds are additive on Cilium). Policies apply to
 * pods of their namespace that are not on the host network.
 */
import type { CiliumNetworkPolicyObject, LabelSelector, NetworkPolicyObject, PolicyPeer } from "../../components/security/network-policies";

export type CniModel = "reference" | "cilium";

/** A pod (not on the host network). */
export interface PodEndpoint {
  readonly kind: "pod";
  readonly id: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}
/**
 * An address of a cluster node: the node itself, a pod on the host network, or the API server running on a
 * control-plane node (kubeadm, k3s, RKE2, Talos, kind). `local`: the same node as the pod at the other end.
 */
export interface NodeEndpoint {
  readonly kind: "node";
  readonly id: string;
  readonly ip: string;
  readonly local: boolean;
  readonly apiServer?: boolean;
}
/** An address outside the cluster: a managed API server (EKS, GKE, AKS), S3, a load balancer, a SaaS receiver. */
export interface ExternalEndpoint {
  readonly kind: "external";
  readonly id: string;
  readonly ip: string;
  readonly apiServer?: boolean;
}
/** Cilium's own Ingress (its Envoy): connects to backends with Cilium's reserved `ingress` identity. */
export interface CiliumIngressEndpoint {
  readonly kind: "cilium-ingress";
  readonly id: string;
  readonly ip: string;
}
export type Endpoint = PodEndpoint | NodeEndpoint | ExternalEndpoint | CiliumIngressEndpoint;

export interface Policies {
  readonly networkPolicies: readonly NetworkPolicyObject[];
  readonly ciliumPolicies: readonly CiliumNetworkPolicyObject[];
}

/** Label selector semantics (k8s.io/apimachinery LabelSelector). */
export function selects(sel: LabelSelector | { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const val = labels[e.key];
    if (e.operator === "In" && !(has && (e.values ?? []).includes(val!))) return false;
    if (e.operator === "NotIn" && has && (e.values ?? []).includes(val!)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

/** IPv4 or IPv6 address in a CIDR block. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bitsS] = cidr.split("/");
  const bits = Number(bitsS);
  const v6 = ip.includes(":");
  if (v6 !== base!.includes(":")) return false;
  const toBits = (a: string): string => {
    if (!v6) return a.split(".").map((o) => Number(o).toString(2).padStart(8, "0")).join("");
    const [head, tail] = a.includes("::") ? a.split("::") : [a, undefined];
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
    return groups.map((g) => parseInt(g || "0", 16).toString(2).padStart(16, "0")).join("");
  };
  return toBits(ip).slice(0, bits) === toBits(base!).slice(0, bits);
}

const NAMESPACE_LABEL = "kubernetes.io/metadata.name";

function npPeerMatches(model: CniModel, peer: PolicyPeer, policyNs: string, other: Endpoint): boolean {
  if (peer.ipBlock) {
    if (other.kind === "pod") return false;
    if (model === "cilium" && other.kind !== "external") return false; // CIDR rules select `world` only
    return ipInCidr(other.ip, peer.ipBlock.cidr);
  }
  if (other.kind !== "pod") return false; // selectors never select nodes, host-network pods or addresses
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector, { [NAMESPACE_LABEL]: other.namespace })) return false;
  } else if (other.namespace !== policyNs) return false;
  return peer.podSelector ? selects(peer.podSelector, other.labels) : true;
}

function entityMatches(entity: string, other: Endpoint): boolean {
  switch (entity) {
    case "all":
      return true;
    case "world":
      return other.kind === "external";
    case "cluster":
      return other.kind !== "external";
    case "ingress":
      return other.kind === "cilium-ingress";
    case "host":
      return other.kind === "node" && other.local;
    case "remote-node":
      return other.kind === "node" && !other.local;
    case "kube-apiserver":
      return (other.kind === "node" || other.kind === "external") && other.apiServer === true;
    default:
      return false;
  }
}

type CnpPeers = { entities?: readonly string[]; endpoints?: readonly LabelSelector[]; cidrs?: readonly string[] };

function cnpPeerMatches(peers: CnpPeers, policyNs: string, other: Endpoint): boolean {
  const { entities, endpoints, cidrs } = peers;
  if (entities === undefined && endpoints === undefined && cidrs === undefined) return true; // no L3 part: every peer
  if ((entities ?? []).some((e) => entityMatches(e, other))) return true;
  if (other.kind === "pod" && (endpoints ?? []).some((s) => other.namespace === policyNs && selects(s, other.labels))) return true;
  if (other.kind === "external" && (cidrs ?? []).some((c) => ipInCidr(other.ip, c))) return true;
  return false;
}

function npPortMatches(ports: readonly { protocol: string; port: number }[] | undefined, port: number, protocol: string): boolean {
  return ports === undefined || ports.length === 0 || ports.some((p) => p.port === port && p.protocol === protocol);
}

function cnpPortMatches(toPorts: readonly { ports?: readonly { port: string; protocol?: string }[] }[] | undefined, port: number, protocol: string): boolean {
  if (toPorts === undefined || toPorts.length === 0) return true;
  return toPorts.some((pr) => (pr.ports ?? []).some((p) => Number(p.port) === port && (p.protocol === undefined || p.protocol === "ANY" || p.protocol === protocol)));
}

/** The pods a policy of namespace `ns` can apply to: pods of that namespace, not on the host network. */
function governed(ep: Endpoint, ns: string): ep is PodEndpoint {
  return ep.kind === "pod" && ep.namespace === ns;
}

function directionAllowed(model: CniModel, ns: string, policies: Policies, self: Endpoint, peer: Endpoint, port: number, protocol: string, dir: "Ingress" | "Egress"): boolean {
  if (!governed(self, ns)) return true;
  let selected = false;
  let allowed = false;
  for (const p of policies.networkPolicies) {
    if (p.metadata.namespace !== ns || !p.spec.policyTypes.includes(dir) || !selects(p.spec.podSelector, self.labels)) continue;
    selected = true;
    const rules = dir === "Ingress" ? (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
    for (const r of rules) {
      const peerOk = r.peers === undefined || r.peers.length === 0 || r.peers.some((x) => npPeerMatches(model, x, ns, peer));
      if (peerOk && npPortMatches(r.ports, port, protocol)) allowed = true;
    }
  }
  if (model === "cilium") {
    for (const p of policies.ciliumPolicies) {
      if (p.metadata.namespace !== ns || !selects(p.spec.endpointSelector, self.labels)) continue;
      const rules =
        dir === "Ingress"
          ? (p.spec.ingress ?? []).map((r) => ({ peers: { entities: r.fromEntities, endpoints: r.fromEndpoints, cidrs: r.fromCIDR }, toPorts: r.toPorts }))
          : (p.spec.egress ?? []).map((r) => ({ peers: { entities: r.toEntities, endpoints: r.toEndpoints, cidrs: r.toCIDR }, toPorts: r.toPorts }));
      if (rules.length === 0) continue; // "If omitted or empty, this rule does not apply" in that direction
      selected = true;
      for (const r of rules) if (cnpPeerMatches(r.peers, ns, peer) && cnpPortMatches(r.toPorts, port, protocol)) allowed = true;
    }
  }
  return !selected || allowed;
}

/**
 * Whether `src` may open `port/protocol` on `dst` under `policies` (all in namespace `ns`) on a CNI of kind
 * `model`: the egress side of `src` and the ingress side of `dst` must both allow it.
 */
export function flowAllowed(model: CniModel, ns: string, policies: Policies, src: Endpoint, dst: Endpoint, port: number, protocol = "TCP"): boolean {
  return directionAllowed(model, ns, policies, src, dst, port, protocol, "Egress") && directionAllowed(model, ns, policies, dst, src, port, protocol, "Ingress");
}
