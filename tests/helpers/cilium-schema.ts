/**
 * Structural check of a CiliumNetworkPolicy (cilium.io/v2) body against the CRD's schema, for the members we
 * write. There is no Cilium CRD in ../shared/reference, so the constraints are transcribed from the CRD's sources
 * in cilium/cilium (read through the project's search tool, 2026-11):
 * - pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml, `spec`: `anyOf` one of ingress, ingressDeny,
 *   egress, egressDeny is present; `oneOf` endpointSelector / nodeSelector;
 * - pkg/policy/api/rule.go `Rule` (the `spec` members), ingress.go `IngressRule`, egress.go `EgressRule` (their
 *   members; "ToEndpoints, ToCIDR, ToCIDRSet, ToEntities, ToServices and ToGroups are mutually exclusive", likewise
 *   the From* members);
 * - pkg/policy/api/entity.go: `+kubebuilder:validation:Enum=all;world;cluster;host;init;ingress;unmanaged;remote-node;health;none;kube-apiserver`;
 * - pkg/policy/api/l4.go `PortProtocol`: `port` a string matching
 *   `^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$`,
 *   `protocol` one of TCP, UDP, ANY (newer versions add SCTP; we write TCP and UDP only, valid in every version);
 * - the EndpointSelector's `matchLabels` values: at most 63 characters, `^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`;
 *   `matchExpressions[].operator` In, NotIn, Exists, DoesNotExist.
 * Returns every violation as `path: problem` (empty: valid).
 */
const ENTITIES = ["all", "world", "cluster", "host", "init", "ingress", "unmanaged", "remote-node", "health", "none", "kube-apiserver"];
const PORT = /^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const RULE_KEYS = ["description", "endpointSelector", "nodeSelector", "ingress", "ingressDeny", "egress", "egressDeny", "labels", "enableDefaultDeny", "log"];
const INGRESS_PEERS = ["fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities", "fromGroups", "fromNodes"];
const INGRESS_KEYS = [...INGRESS_PEERS, "fromRequires", "toPorts", "icmps", "authentication"];
const EGRESS_PEERS = ["toEndpoints", "toCIDR", "toCIDRSet", "toEntities", "toServices", "toGroups", "toNodes", "toFQDNs"];
const EGRESS_KEYS = [...EGRESS_PEERS, "toRequires", "toPorts", "icmps", "authentication"];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function selector(path: string, sel: unknown, out: string[]): void {
  if (!isObject(sel)) return void out.push(`${path}: expected an object`);
  for (const k of Object.keys(sel)) if (k !== "matchLabels" && k !== "matchExpressions") out.push(`${path}.${k}: unknown member`);
  for (const [k, v] of Object.entries((sel.matchLabels ?? {}) as Json)) {
    if (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v)) out.push(`${path}.matchLabels.${k}: not a label value`);
  }
  for (const [i, e] of ((sel.matchExpressions ?? []) as Json[]).entries()) {
    if (typeof e.key !== "string") out.push(`${path}.matchExpressions[${i}].key: required string`);
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(String(e.operator))) out.push(`${path}.matchExpressions[${i}].operator: not an operator`);
  }
}

function portRules(path: string, toPorts: unknown, out: string[]): void {
  if (!Array.isArray(toPorts)) return void out.push(`${path}: expected a list`);
  for (const [i, pr] of toPorts.entries()) {
    if (!isObject(pr)) {
      out.push(`${path}[${i}]: expected an object`);
      continue;
    }
    for (const k of Object.keys(pr)) if (!["ports", "rules", "terminatingTLS", "originatingTLS", "listener", "serverNames"].includes(k)) out.push(`${path}[${i}].${k}: unknown member`);
    for (const [j, p] of ((pr.ports ?? []) as Json[]).entries()) {
      if (typeof p.port !== "string" || !PORT.test(p.port)) out.push(`${path}[${i}].ports[${j}].port: expected a port number or name as a string`);
      if (p.protocol !== undefined && !["TCP", "UDP", "ANY"].includes(String(p.protocol))) out.push(`${path}[${i}].ports[${j}].protocol: expected TCP, UDP or ANY`);
      for (const k of Object.keys(p)) if (!["port", "endPort", "protocol"].includes(k)) out.push(`${path}[${i}].ports[${j}].${k}: unknown member`);
    }
  }
}

function rules(path: string, list: unknown, keys: string[], peers: string[], out: string[]): void {
  if (!Array.isArray(list)) return void out.push(`${path}: expected a list`);
  for (const [i, r] of list.entries()) {
    const at = `${path}[${i}]`;
    if (!isObject(r)) {
      out.push(`${at}: expected an object`);
      continue;
    }
    for (const k of Object.keys(r)) if (!keys.includes(k)) out.push(`${at}.${k}: unknown member`);
    const present = peers.filter((k) => r[k] !== undefined);
    if (present.length > 1) out.push(`${at}: ${present.join(" and ")} are mutually exclusive`);
    for (const k of ["fromEntities", "toEntities"]) {
      if (r[k] === undefined) continue;
      if (!Array.isArray(r[k])) out.push(`${at}.${k}: expected a list`);
      else for (const e of r[k] as unknown[]) if (!ENTITIES.includes(String(e))) out.push(`${at}.${k}: ${String(e)} is not an entity`);
    }
    for (const k of ["fromEndpoints", "toEndpoints"]) for (const [j, s] of ((r[k] ?? []) as unknown[]).entries()) selector(`${at}.${k}[${j}]`, s, out);
    if (r.toPorts !== undefined) portRules(`${at}.toPorts`, r.toPorts, out);
  }
}

export function ciliumNetworkPolicyProblems(obj: unknown): string[] {
  const out: string[] = [];
  if (!isObject(obj)) return ["(root): expected an object"];
  if (obj.apiVersion !== "cilium.io/v2") out.push("apiVersion: expected cilium.io/v2");
  if (obj.kind !== "CiliumNetworkPolicy") out.push("kind: expected CiliumNetworkPolicy");
  const meta = obj.metadata;
  if (!isObject(meta) || typeof meta.name !== "string" || !DNS1123_SUBDOMAIN.test(meta.name) || meta.name.length > 253) out.push("metadata.name: expected a DNS-1123 subdomain");
  if (isObject(meta) && typeof meta.namespace !== "string") out.push("metadata.namespace: a CiliumNetworkPolicy is namespaced");
  const spec = obj.spec;
  if (!isObject(spec)) return [...out, "spec: expected an object"];
  for (const k of Object.keys(spec)) if (!RULE_KEYS.includes(k)) out.push(`spec.${k}: unknown member`);
  if ((spec.endpointSelector === undefined) === (spec.nodeSelector === undefined)) out.push("spec: exactly one of endpointSelector and nodeSelector (oneOf)");
  if (spec.nodeSelector !== undefined) out.push("spec.nodeSelector: only in CiliumClusterwideNetworkPolicies");
  if (!["ingress", "ingressDeny", "egress", "egressDeny"].some((k) => spec[k] !== undefined)) out.push("spec: one of ingress, ingressDeny, egress, egressDeny is required (anyOf)");
  if (spec.description !== undefined && typeof spec.description !== "string") out.push("spec.description: expected a string");
  if (spec.endpointSelector !== undefined) selector("spec.endpointSelector", spec.endpointSelector, out);
  if (spec.ingress !== undefined) rules("spec.ingress", spec.ingress, INGRESS_KEYS, INGRESS_PEERS, out);
  if (spec.egress !== undefined) rules("spec.egress", spec.egress, EGRESS_KEYS, EGRESS_PEERS, out);
  return out;
}
