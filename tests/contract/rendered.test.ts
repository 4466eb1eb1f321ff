/**
 * Contract with what the pinned charts REALLY render (tests/fixtures/rendered-facts.json, made by
 * tests/fixtures/generate-rendered-facts.ts with helm; CI has no helm, so the facts are checked in) and with what the
 * operators build from our CRs. Every name, port, label and selector the program relies on is computed here with the
 * program's own builders (endpoints, NetworkPolicies, collectors, ServiceMonitors, Grafana, Alertmanager) and must
 * resolve against those facts:
 * 1. every Service name and port of components/endpoints.ts exists and reaches a container port of a pod it selects;
 * 2. every NetworkPolicy selects the pods it is meant for, its ports are container ports, and every flow the stack
 *    needs (DNS, API server, webhooks, writes, queries, scrapes, gossip, Kafka, object storage) is allowed both ways,
 *    evaluated as a reference CNI and as Cilium enforce them (tests/helpers/network-model.ts). Who must reach the API
 *    server and which webhooks it calls come from the rendered charts (RBAC bindings, webhook configurations), and the
 *    API server is where it really runs: the host network of a control-plane node, or outside the cluster;
 * 3. ServiceMonitors select Services with the ports they name and carry the labels Prometheus selects; the Prometheus
 *    CR's selectors are ours and select our monitors and rules;
 * 4. Grafana: datasources, admin Secret keys, dashboards sidecar label and namespace, probes and /metrics under the
 *    sub-path;
 * 5. Alertmanager: every *_file of the generated config is a key of the receivers Secret at the operator's mount path;
 * 6. Loki/Tempo: object-storage Secret and keys; collectors' exporters reach the write paths in every mode.
 */
import type { LabelSelector } from "../../components/forms";
import { parseConfig, type ObserverConfig } from "../../components/config";
import { alertmanagerConfig, receiverSecretData, RECEIVERS_SECRET_NAME, SECRETS_MOUNT_DIR } from "../../components/alerting/alertmanager";
import { prometheusRuleBodies } from "../../components/alerting/index";
import { chartValues } from "../../components/charts/index";
import { RULE_SELECTOR_LABELS } from "../../components/charts/kube-prometheus-stack";
import { GRAFANA_ADMIN_KEYS, GRAFANA_ADMIN_SECRET, OBJECT_STORAGE_KEYS, OBJECT_STORAGE_SECRET } from "../../components/charts/secrets";
import { agentCollectorSpec } from "../../components/collectors/agent";
import { collectorCRBody } from "../../components/collectors/bodies";
import { MONITORING_PORT_NAME } from "../../components/collectors/common";
import { gatewayCollectorSpec } from "../../components/collectors/gateway";
import { collectorServiceMonitorBody } from "../../components/collectors/monitors";
import { COLLECTORS, endpoints, RELEASES, type Endpoint } from "../../components/endpoints";
import { datasourceList } from "../../components/grafana/datasources";
import { DASHBOARD_FOLDER_ANNOTATION, grafanaSubPath } from "../../components/grafana/values";
import { commonLabels, DASHBOARD_LABEL, KERNELS_POD_MONITOR_APP, SERVICE_MONITOR_LABELS } from "../../components/labels";
import { kernelsPodMonitor } from "../../components/monitors";
import { REPLICAS } from "../../components/sizing";
import { pluginMirrorEgress } from "../../components/grafana/plugins";
import { clusterRoleBindingBody } from "../../components/collectors/rbac";
import {
  buildCiliumNetworkPolicies,
  buildNetworkPolicies,
  kafkaEgress,
  objectStorageEgress,
  workloads,
  type NetworkPolicyObject,
  type WorkloadKey,
} from "../../components/security/network-policies";
import { flowAllowed, type CniModel, type Endpoint as NetEndpoint, type Policies } from "../helpers/network-model";
import {
  loadFacts,
  RENDER_CONTEXT,
  RENDER_NAMESPACE,
  VARIANT_RAW,
  wiringValues,
  type ContainerFacts,
  type FactsVariant,
  type ServiceFacts,
  type VariantName,
} from "../fixtures/facts";

const FACTS = loadFacts();
const VARIANTS = ["dev", "prod", "prod-kafka"] as const;
const LABELS = commonLabels("observer.dev");

function config(v: VariantName): ObserverConfig {
  return parseConfig(JSON.parse(JSON.stringify(VARIANT_RAW[v])) as Record<string, unknown>);
}

// ---------------------------------------------------------------------------------------------------------------
// Label selectors, pods and Services
// ---------------------------------------------------------------------------------------------------------------

type Selector = LabelSelector | { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

function matches(sel: Selector, labels: Record<string, string>): boolean {
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

interface Pod {
  id: string;
  namespace: string;
  labels: Record<string, string>;
  containers: ContainerFacts[];
  hostNetwork?: boolean;
  release?: string;
  /** The pod's ServiceAccount and whether it mounts its token (from the rendered chart, the CR, or our collector CRs). */
  serviceAccount?: string;
  automountToken?: boolean;
}
/** A pod of ours or of another namespace, or a non-pod endpoint of the network model (node, API server, outside address). */
type Endpointish = Pod | NetEndpoint;
const isPod = (p: Endpointish): p is Pod => "containers" in p;

/**
 * The OpenTelemetry Operator v0.158.0's view of one collector CR: pod labels (manifestutils.Labels: the CR's labels,
 * then SelectorLabels over them, version from the image tag, name `<cr>-collector` unless the CR sets one), container
 * ports (otelconfig.GetAllPorts: receivers' endpoints; `metrics` from MetricsEndpoint), and the three Services
 * (service.go: `<cr>-collector`, `-collector-headless`, `-collector-monitoring` with port `monitoring`).
 */
function collectorObjects(body: ReturnType<typeof collectorCRBody>): { pod: Pod; services: Record<string, ServiceFacts> } {
  const name = body.metadata.name;
  const ns = body.metadata.namespace;
  const spec = body.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const selector = {
    "app.kubernetes.io/managed-by": "opentelemetry-operator",
    "app.kubernetes.io/instance": operatorTruncate(ns, name),
    "app.kubernetes.io/part-of": "opentelemetry",
    "app.kubernetes.io/component": "opentelemetry-collector",
  };
  const labelsFor = (objName: string) => {
    const l: Record<string, string> = { ...body.metadata.labels, ...selector, "app.kubernetes.io/version": String(spec.image).split(":").pop()! };
    if (!("app.kubernetes.io/name" in body.metadata.labels)) l["app.kubernetes.io/name"] = objName;
    return l;
  };
  const receiverPorts: { name: string; containerPort: number; protocol: string }[] = [];
  for (const [recv, rc] of Object.entries((spec.config.receivers ?? {}) as Record<string, any>)) { // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const [proto, pc] of Object.entries((rc?.protocols ?? {}) as Record<string, { endpoint?: string }>)) {
      const port = Number(/:(\d+)$/.exec(pc.endpoint ?? "")?.[1]);
      if (port) receiverPorts.push({ name: `${recv}-${proto}`, containerPort: port, protocol: "TCP" });
    }
  }
  const reader = spec.config.service.telemetry.metrics.readers[0].pull.exporter.prometheus;
  const metricsPort = Number(reader.port);
  const pod: Pod = {
    id: `collector/${name}`,
    namespace: ns,
    labels: labelsFor(`${name}-collector`),
    containers: [{ name: "otc-container", ports: [...receiverPorts, { name: "metrics", containerPort: metricsPort, protocol: "TCP" }] }],
    // The operator runs the pods under spec.serviceAccount, token mounted (it sets no automount field).
    serviceAccount: String(spec.serviceAccount),
    automountToken: true,
  };
  const services: Record<string, ServiceFacts> = {};
  const svcPorts = receiverPorts.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.containerPort, protocol: "TCP" }));
  if (svcPorts.length > 0) {
    services[`${name}-collector`] = { release: "operator", namespace: ns, labels: { ...labelsFor(`${name}-collector`), "operator.opentelemetry.io/collector-service-type": "base" }, selector, ports: svcPorts };
    services[`${name}-collector-headless`] = {
      release: "operator",
      namespace: ns,
      labels: { ...labelsFor(`${name}-collector`), "operator.opentelemetry.io/collector-headless-service": "Exists", "operator.opentelemetry.io/collector-service-type": "headless" },
      selector,
      headless: true,
      ports: svcPorts,
    };
  }
  services[`${name}-collector-monitoring`] = {
    release: "operator",
    namespace: ns,
    labels: {
      ...labelsFor(`${name}-collector-monitoring`),
      "operator.opentelemetry.io/collector-monitoring-service": "Exists",
      "operator.opentelemetry.io/collector-service-type": "monitoring",
    },
    selector,
    ports: [{ name: MONITORING_PORT_NAME, port: metricsPort, targetPort: metricsPort, protocol: "TCP" }],
  };
  return { pod, services };
}

/** opentelemetry-operator v0.158.0 internal/naming/triming.go Truncate("%s.%s", 63, ns, name), transcribed. */
function operatorTruncate(ns: string, name: string): string {
  const values = [ns, name];
  let result = `${values[0]}.${values[1]}`;
  let excess = result.length - 63;
  if (excess > 0) {
    const truncated = values.map((v) => {
      if (excess === 0) return v;
      if (v.length > excess) {
        const out = v.slice(0, v.length - excess);
        excess = 0;
        return out;
      }
      excess -= v.length;
      return "";
    });
    result = `${truncated[0]}.${truncated[1]}`;
  }
  if (result.length > 63) return result.slice(0, 63);
  return result.replace(/[^A-Za-z0-9]+$/, "").replace(/^[^A-Za-z0-9]+/, "");
}

/** One set of our policies as one kind of CNI enforces them. */
interface PolicySet {
  label: string;
  model: CniModel;
  policies: Policies;
}

interface World {
  v: VariantName;
  cfg: ObserverConfig;
  f: FactsVariant;
  pods: Pod[];
  services: Record<string, ServiceFacts>;
  gateway: Pod;
  agent: Pod;
  /** The NetworkPolicies of the default (`cni: generic`) config. */
  policies: NetworkPolicyObject[];
  /** Every (config, CNI) pair the flows must hold under. */
  policySets: PolicySet[];
  /** ServiceAccounts (`namespace/name`) some RBAC binding grants to: the charts' and our collectors'. */
  rbacServiceAccounts: Set<string>;
}

/** Our policies (both kinds) for one config, as the program builds them. */
function policiesFor(cfg: ObserverConfig): Policies {
  const inputs = {
    namespace: cfg.namespace,
    config: cfg.networkPolicy,
    grafanaIngress: cfg.grafana.ingress.enabled,
    ...(cfg.objectStorage ? { objectStorage: objectStorageEgress(cfg.objectStorage) } : {}),
    ...(kafkaEgress(cfg) ? { kafka: kafkaEgress(cfg)! } : {}),
    ...(pluginMirrorEgress(cfg) ? { pluginMirror: pluginMirrorEgress(cfg)! } : {}),
    labels: LABELS,
  };
  return { networkPolicies: buildNetworkPolicies(inputs), ciliumPolicies: buildCiliumNetworkPolicies(inputs) };
}

/** `raw` with `networkPolicy.<key>` set (other networkPolicy keys kept; a key set to undefined removed). */
function withNetworkPolicy(raw: Readonly<Record<string, unknown>>, np: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  return { ...copy, networkPolicy: { ...((copy.networkPolicy as Record<string, unknown> | undefined) ?? {}), ...np } };
}

/**
 * The (config, CNI) pairs: the default config on a reference CNI and on Cilium, and `networkPolicy.cni: cilium`
 * on Cilium (its CiliumNetworkPolicies exist only there).
 */
function policySets(raw: Readonly<Record<string, unknown>>, only?: "generic" | "cilium"): PolicySet[] {
  const sets: PolicySet[] = [];
  if (only !== "cilium") {
    const generic = policiesFor(parseConfig(withNetworkPolicy(raw, { cni: "generic" })));
    sets.push({ label: "cni=generic on a reference CNI", model: "reference", policies: generic }, { label: "cni=generic on Cilium", model: "cilium", policies: generic });
  }
  if (only !== "generic") sets.push({ label: "cni=cilium on Cilium", model: "cilium", policies: policiesFor(parseConfig(withNetworkPolicy(raw, { cni: "cilium" }))) });
  return sets;
}

/**
 * Ingress controllers as they really run, and the config that declares (or derives) them. Pod labels are the
 * controllers' charts' (kubernetes/ingress-nginx `ingress-nginx.selectorLabels` + `component: controller`, with the
 * chart name RKE2 packages it under; traefik/traefik-helm-chart as k3s installs it in kube-system with its release
 * `traefik-kube-system`); load balancers connect from their own addresses (GKE's front ends in 130.211.0.0/22 and
 * 35.191.0.0/16; an ALB's interfaces in the VPC); a host-network controller from the nodes; Cilium's Ingress with
 * its `ingress` identity.
 */
interface IngressSetup {
  name: string;
  className?: string;
  networkPolicy?: Record<string, unknown>;
  cni?: "generic" | "cilium";
  models: CniModel[];
  sources: Endpointish[];
}
const INGRESS_SETUPS: IngressSetup[] = [
  {
    name: "ingress-nginx in its own namespace (class nginx)",
    className: "nginx",
    models: ["reference", "cilium"],
    sources: [{ id: "ingress-nginx/controller", namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/component": "controller" }, containers: [] }],
  },
  {
    name: "RKE2's rke2-ingress-nginx in kube-system (class nginx)",
    className: "nginx",
    models: ["reference", "cilium"],
    sources: [{ id: "kube-system/rke2-ingress-nginx-controller", namespace: "kube-system", labels: { "app.kubernetes.io/name": "rke2-ingress-nginx", "app.kubernetes.io/instance": "rke2-ingress-nginx", "app.kubernetes.io/component": "controller" }, containers: [] }],
  },
  {
    name: "k3s's Traefik in kube-system (class traefik)",
    className: "traefik",
    models: ["reference", "cilium"],
    sources: [{ id: "kube-system/traefik", namespace: "kube-system", labels: { "app.kubernetes.io/name": "traefik", "app.kubernetes.io/instance": "traefik-kube-system" }, containers: [] }],
  },
  {
    name: "a controller declared by namespace and labels",
    networkPolicy: { ingressController: { namespace: "edge", podSelector: { app: "haproxy-ingress" } } },
    models: ["reference", "cilium"],
    sources: [{ id: "edge/haproxy-ingress", namespace: "edge", labels: { app: "haproxy-ingress" }, containers: [] }],
  },
  {
    name: "GKE container-native load balancing (class gce)",
    className: "gce",
    models: ["reference", "cilium"],
    sources: [
      { kind: "external", id: "Google front end 35.191.7.8", ip: "35.191.7.8" },
      { kind: "external", id: "Google health checker 130.211.1.2", ip: "130.211.1.2" },
    ],
  },
  {
    name: "AWS ALB in IP mode (class alb, the VPC's CIDR)",
    className: "alb",
    networkPolicy: { ingressController: { cidrs: ["10.0.0.0/16"] } },
    models: ["reference", "cilium"],
    sources: [{ kind: "external", id: "ALB interface 10.0.12.34", ip: "10.0.12.34" }],
  },
  {
    name: "a controller on the host network, by the nodes' CIDR (CNIs that match nodes by address)",
    networkPolicy: { ingressController: { hostNetwork: true, cidrs: ["172.18.0.0/16"] } },
    cni: "generic",
    models: ["reference"],
    sources: [
      { kind: "node", id: "controller on this node", ip: "172.18.0.5", local: true },
      { kind: "node", id: "controller on another node", ip: "172.18.0.6", local: false },
    ],
  },
  {
    name: "a controller on the host network, on Cilium (cni: cilium)",
    networkPolicy: { cni: "cilium", ingressController: { hostNetwork: true } },
    cni: "cilium",
    models: ["cilium"],
    sources: [
      { kind: "node", id: "controller on this node", ip: "172.18.0.5", local: true },
      { kind: "node", id: "controller on another node", ip: "172.18.0.6", local: false },
    ],
  },
  {
    name: "Cilium's Ingress (class cilium, cni: cilium)",
    className: "cilium",
    networkPolicy: { cni: "cilium" },
    cni: "cilium",
    models: ["cilium"],
    sources: [{ kind: "cilium-ingress", id: "cilium ingress proxy", ip: "10.244.1.7" }],
  },
];

function world(v: VariantName): World {
  const cfg = config(v);
  const f = FACTS.variants[v];
  const pods: Pod[] = Object.entries(f.workloads)
    .filter(([, w]) => w.namespace === RENDER_NAMESPACE)
    .map(([id, w]) => ({
      id,
      namespace: w.namespace,
      labels: w.podLabels,
      containers: w.containers,
      release: w.release,
      serviceAccount: w.serviceAccount,
      automountToken: w.automountToken,
      ...(w.hostNetwork ? { hostNetwork: true } : {}),
    }));
  // Operator-built StatefulSets: one pod per replica, with the StatefulSet controller's pod-name label
  // (kube-prometheus-stack's per-replica Services select on it). The operator mounts the token (no automount field).
  for (const cr of [f.prometheus!, f.alertmanager!]) {
    for (let i = 0; i < cr.replicas; i++) {
      const pn = `${cr.pod.statefulSet}-${i}`;
      pods.push({
        id: `Pod/${pn}`,
        namespace: RENDER_NAMESPACE,
        labels: { ...cr.pod.labels, "statefulset.kubernetes.io/pod-name": pn },
        containers: cr.pod.containers,
        release: "operator",
        serviceAccount: cr.pod.serviceAccount,
        automountToken: true,
      });
    }
  }
  const gw = collectorObjects(collectorCRBody(COLLECTORS.gateway, cfg, gatewayCollectorSpec(cfg), LABELS));
  const ag = collectorObjects(collectorCRBody(COLLECTORS.agent, cfg, agentCollectorSpec(cfg), LABELS));
  pods.push(gw.pod, ag.pod);
  const policies = [...policiesFor(cfg).networkPolicies];
  const rbac = new Set([
    ...f.rbacServiceAccounts,
    ...clusterRoleBindingBody(cfg.namespace, LABELS).subjects.map((s) => `${s.namespace}/${s.name}`),
  ]);
  return {
    v,
    cfg,
    f,
    pods,
    services: { ...f.services, ...gw.services, ...ag.services },
    gateway: gw.pod,
    agent: ag.pod,
    policies,
    policySets: policySets(VARIANT_RAW[v]),
    rbacServiceAccounts: rbac,
  };
}

const WORLDS = Object.fromEntries(VARIANTS.map((v) => [v, world(v)])) as Record<(typeof VARIANTS)[number], World>;

function selectedPods(w: World, svc: ServiceFacts): Pod[] {
  if (!svc.selector) return [];
  return w.pods.filter((p) => p.namespace === svc.namespace && matches({ matchLabels: svc.selector }, p.labels));
}

/** Container port a Service port lands on, for one pod (named targetPorts resolve per pod). */
function containerPort(pod: Pod, target: number | string, protocol = "TCP"): number | undefined {
  for (const c of pod.containers) {
    for (const p of c.ports) {
      if ((p.protocol ?? "TCP") !== protocol) continue;
      if (typeof target === "number" ? p.containerPort === target : p.name === target) return p.containerPort;
    }
  }
  return undefined;
}

/** The pods and container ports behind `service:port`, or a message saying what does not resolve. */
function backends(w: World, service: string, port: number | string): { pod: Pod; port: number }[] | string {
  const svc = w.services[service];
  if (!svc) return `Service ${service} is not rendered (${w.v})`;
  const sp = svc.ports.find((p) => (typeof port === "number" ? p.port === port : p.name === port));
  if (!sp) return `Service ${service} has no port ${port} (has ${svc.ports.map((p) => `${p.name}:${p.port}`).join(", ")})`;
  const pods = selectedPods(w, svc);
  if (pods.length === 0) return `Service ${service} selects no pod`;
  const out: { pod: Pod; port: number }[] = [];
  for (const pod of pods) {
    const cp = containerPort(pod, sp.targetPort, sp.protocol);
    if (cp === undefined) return `Service ${service} port ${port} → targetPort ${sp.targetPort}: no such container port on ${pod.id}`;
    out.push({ pod, port: cp });
  }
  return out;
}

function resolved(w: World, service: string, port: number | string): { pod: Pod; port: number }[] {
  const b = backends(w, service, port);
  if (typeof b === "string") throw new Error(b);
  return b;
}

function hostPort(url: string): { service: string; namespace: string; port: number; path: string } {
  const u = new URL(url.includes("://") ? url : `grpc://${url}`);
  const [service, namespace] = u.hostname.split(".");
  return { service: service!, namespace: namespace!, port: Number(u.port), path: u.pathname };
}

// ---------------------------------------------------------------------------------------------------------------
// Flows: evaluated with tests/helpers/network-model.ts for every (config, CNI) pair of the world
// ---------------------------------------------------------------------------------------------------------------

/** A pod as the network model sees it: host-network pods are node addresses, which no policy governs. */
function endpointOf(p: Endpointish): NetEndpoint {
  if (!isPod(p)) return p;
  if (p.hostNetwork) return { kind: "node", id: p.id, ip: "172.18.0.9", local: false };
  return { kind: "pod", id: p.id, namespace: p.namespace, labels: p.labels };
}

/** The (config, CNI) pairs under which `src` → `dst` is blocked (empty: allowed everywhere). */
function blockedUnder(sets: readonly PolicySet[], ns: string, src: Endpointish, dst: Endpointish, port: number, protocol = "TCP"): string[] {
  return sets.filter((s) => !flowAllowed(s.model, ns, s.policies, endpointOf(src), endpointOf(dst), port, protocol)).map((s) => s.label);
}

function expectFlow(w: World, src: Endpointish, dst: Endpointish, port: number, protocol = "TCP", sets: readonly PolicySet[] = w.policySets): void {
  const blocked = blockedUnder(sets, w.cfg.namespace, src, dst, port, protocol);
  if (blocked.length > 0) throw new Error(`${w.v}: NetworkPolicies block ${src.id} → ${dst.id} ${port}/${protocol} (${blocked.join("; ")})`);
}

/**
 * Where the API server runs, as pods and CNIs see it, and the port it listens on there (after the `kubernetes`
 * Service's translation): a static pod on the host network of a control-plane node (kubeadm, k3s, RKE2, Talos,
 * kind: 6443), the same node as the pod or another; or an address outside the cluster (EKS, GKE, AKS: 443).
 */
const API_SERVERS: readonly (NetEndpoint & { port: number })[] = [
  { kind: "node", id: "API server on this node's host network", ip: "172.18.0.2", local: true, apiServer: true, port: 6443 },
  { kind: "node", id: "API server on another control-plane node", ip: "172.18.0.3", local: false, apiServer: true, port: 6443 },
  { kind: "external", id: "managed API server outside the cluster", ip: "52.94.10.20", apiServer: true, port: 443 },
];

const STORAGE_RELEASES: string[] = [RELEASES.loki.name, RELEASES.tempo.name, RELEASES.tempoDistributed.name];
const KUBE_DNS: Pod = { id: "kube-system/coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, containers: [] };
/** NodeLocal DNSCache: a host-network pod on every node, on a link-local address. */
const NODE_LOCAL_DNS: NetEndpoint = { kind: "node", id: "node-local-dns (169.254.20.10)", ip: "169.254.20.10", local: true };

// ---------------------------------------------------------------------------------------------------------------

describe("rendered facts file", () => {
  it("says how it was produced and covers every variant", () => {
    expect(FACTS.header.command).toContain("helm template");
    expect(FACTS.header.helm).toMatch(/^v4\.1\.4/);
    expect(FACTS.header.charts).toEqual({
      prometheusOperatorCrds: "prometheus-operator-crds-31.0.1",
      kubePrometheusStack: "kube-prometheus-stack-88.5.3",
      loki: "loki-18.11.0",
      tempo: "tempo-2.2.4",
      tempoDistributed: "tempo-distributed-3.3.0",
      opentelemetryOperator: "opentelemetry-operator-0.122.0",
    });
    expect(Object.keys(FACTS.variants).sort()).toEqual(["alerting", "dev", "prod", "prod-kafka"]);
  });

  it.each(["dev", "prod", "prod-kafka", "alerting"] as const)("%s: today's chart values decide the same wiring as the rendered ones (else regenerate the facts)", (v) => {
    const now = wiringValues(chartValues(config(v), { ...RENDER_CONTEXT }));
    expect(now).toEqual(FACTS.header.wiringValues[v]);
  });
});

describe.each(VARIANTS)("%s", (v) => {
  const w = WORLDS[v];
  const ep = endpoints(w.cfg);

  // 1 ----------------------------------------------------------------------------------------------------------
  describe("1. endpoints.ts against the rendered Services", () => {
    const named: [string, Endpoint][] = [
      ["prometheus", ep.prometheus],
      ...ep.prometheusReplicas.map((e, i): [string, Endpoint] => [`prometheusReplicas[${i}]`, e]),
      ["alertmanager", ep.alertmanager],
      ["grafana", ep.grafana],
      ["kubeStateMetrics", ep.kubeStateMetrics],
      ["nodeExporter", ep.nodeExporter],
      ["loki", ep.loki],
      ["lokiWrite", ep.lokiWrite],
      ["tempo", ep.tempo],
      ["tempoOtlpGrpc", ep.tempoOtlpGrpc],
      ["tempoOtlpHttp", ep.tempoOtlpHttp],
      ["gatewayGrpc", ep.gatewayGrpc],
      ["gatewayHttp", ep.gatewayHttp],
      ["operatorWebhook", ep.operatorWebhook],
    ];
    // The collector Services come from the operator's naming rules transcribed in collectorObjects; that the gateway
    // really answers each endpoint's protocol on its port is checked with the real collector (tests/tools/otelcol.test.ts).
    it.each(named)("%s: the Service and port exist and reach a container port of the pods they select", (_k, e) => {
      expect(e.host).toBe(`${e.service}.${w.cfg.namespace}.svc.cluster.local`);
      expect(backends(w, e.service, e.port)).toEqual(expect.any(Array));
    });

    it("per-replica Prometheus Services exist exactly for the configured replicas", () => {
      const perReplica = Object.keys(w.f.services).filter((s) => /^observer-prometheus-\d+$/.test(s)).sort();
      expect(w.f.prometheus!.replicas).toBe(w.cfg.prometheus.replicas);
      expect(perReplica).toEqual(w.cfg.prometheus.replicas > 1 ? ep.prometheusReplicas.map((e) => e.service) : []);
    });

    it("the write and read paths are the intended components", () => {
      const component = (s: string) => w.services[s]!.selector!["app.kubernetes.io/component"];
      if (w.cfg.profile === "prod") {
        expect([component(ep.lokiWrite.service), component(ep.loki.service)]).toEqual(["distributor", "query-frontend"]);
      } else {
        expect([component(ep.lokiWrite.service), component(ep.loki.service)]).toEqual(["single-binary", "single-binary"]);
      }
      if (v === "prod-kafka") {
        expect([component(ep.tempoOtlpGrpc.service), component(ep.tempo.service)]).toEqual(["distributor", "query-frontend"]);
        expect(w.services[ep.tempo.service]!.release).toBe(RELEASES.tempoDistributed.name);
      } else {
        expect(w.services[ep.tempo.service]!.release).toBe(RELEASES.tempo.name);
      }
    });
  });

  // 2 ----------------------------------------------------------------------------------------------------------
  describe("2. NetworkPolicies against the rendered pods", () => {
    const byId = (ids: string[]) => ids.sort();
    const podsOf = (sel: LabelSelector) => w.pods.filter((p) => matches(sel, p.labels)).map((p) => p.id).sort();
    const replicaPods = (sts: string, n: number) => Array.from({ length: n }, (_, i) => `Pod/${sts}-${i}`);
    const releasePods = (...releases: string[]) => w.pods.filter((p) => releases.includes(p.release ?? "")).map((p) => p.id);

    it("every workload selector selects exactly the intended pods", () => {
      const wl = workloads(w.cfg.namespace);
      const expected: Record<WorkloadKey, string[]> = {
        otelOperator: [`Deployment/${RELEASES.opentelemetryOperator.fullname}`],
        prometheusOperator: [`Deployment/${RELEASES.kubePrometheusStack.fullname}-operator`],
        prometheusOperatorJobs: [`Job/${RELEASES.kubePrometheusStack.fullname}-admission-create`, `Job/${RELEASES.kubePrometheusStack.fullname}-admission-patch`],
        prometheus: replicaPods(`prometheus-${RELEASES.kubePrometheusStack.fullname}-prometheus`, w.cfg.prometheus.replicas),
        alertmanager: replicaPods(`alertmanager-${RELEASES.kubePrometheusStack.fullname}-alertmanager`, w.f.alertmanager!.replicas),
        grafana: [`Deployment/${RELEASES.grafana.fullname}`],
        kubeStateMetrics: [`Deployment/${RELEASES.kubeStateMetrics.fullname}`],
        loki: releasePods(RELEASES.loki.name),
        tempo: releasePods(RELEASES.tempo.name, RELEASES.tempoDistributed.name),
        gateway: [w.gateway.id],
        logAgent: [w.agent.id],
        collectors: [w.gateway.id, w.agent.id],
      };
      const actual = Object.fromEntries(Object.entries(wl).map(([k, x]) => [k, podsOf(x.selector)]));
      expect(actual).toEqual(Object.fromEntries(Object.entries(expected).map(([k, ids]) => [k, byId(ids)])));
    });

    it("every policy and every pod peer selects at least one pod", () => {
      const empty: string[] = [];
      for (const p of w.policies) {
        if (Object.keys(p.spec.podSelector).length > 0 && podsOf(p.spec.podSelector).length === 0) empty.push(`${p.metadata.name} podSelector`);
        const peers = [...(p.spec.ingress ?? []).flatMap((r) => r.from ?? []), ...(p.spec.egress ?? []).flatMap((r) => r.to ?? [])];
        for (const peer of peers) {
          if (peer.podSelector && !peer.namespaceSelector && podsOf(peer.podSelector).length === 0) empty.push(`${p.metadata.name} peer ${JSON.stringify(peer.podSelector)}`);
        }
      }
      expect(empty).toEqual([]);
    });

    it("every port of a rule is a container port of the pods it lands on", () => {
      const bad: string[] = [];
      const hasPort = (pods: Pod[], port: number, protocol: string) => pods.some((pod) => pod.containers.some((c) => c.ports.some((cp) => cp.containerPort === port && cp.protocol === protocol)));
      for (const p of w.policies) {
        const targets = w.pods.filter((pod) => matches(p.spec.podSelector, pod.labels));
        for (const r of p.spec.ingress ?? []) {
          for (const port of r.ports ?? []) if (!hasPort(targets, port.port, port.protocol)) bad.push(`${p.metadata.name} ingress ${port.port}/${port.protocol}`);
        }
        for (const r of p.spec.egress ?? []) {
          const podPeers = (r.to ?? []).filter((peer) => peer.podSelector && !peer.namespaceSelector && !peer.ipBlock);
          if (podPeers.length === 0) continue;
          const dst = w.pods.filter((pod) => podPeers.some((peer) => matches(peer.podSelector!, pod.labels)));
          for (const port of r.ports ?? []) if (!hasPort(dst, port.port, port.protocol)) bad.push(`${p.metadata.name} egress ${port.port}/${port.protocol}`);
        }
      }
      expect(bad).toEqual([]);
    });

    it("every pod of the namespace resolves names (DNS egress, UDP and TCP, to CoreDNS and to NodeLocal DNSCache)", () => {
      const blocked = w.pods
        .filter((p) => !p.hostNetwork)
        .flatMap((p) => [KUBE_DNS, NODE_LOCAL_DNS].flatMap((dns) => ["UDP", "TCP"].flatMap((proto) => blockedUnder(w.policySets, w.cfg.namespace, p, dns, 53, proto).map((s) => `${p.id} → ${dns.id} 53/${proto}: ${s}`))));
      expect(blocked).toEqual([]);
    });

    it("the API server reaches every webhook the charts register (admission and CRD conversion), wherever it runs", () => {
      // From the rendered Mutating/ValidatingWebhookConfigurations and CRDs: each webhook's Service and port, and
      // through the Service the pods and container ports the API server really connects to.
      expect(w.f.webhooks.length).toBeGreaterThan(0);
      const blocked: string[] = [];
      for (const wh of w.f.webhooks) {
        expect(wh.namespace).toBe(w.cfg.namespace);
        for (const b of resolved(w, wh.service, wh.port)) {
          for (const api of API_SERVERS) for (const s of blockedUnder(w.policySets, w.cfg.namespace, api, b.pod, b.port)) blocked.push(`${wh.name} (${b.pod.id}:${b.port}) from ${api.id}: ${s}`);
        }
      }
      expect(blocked).toEqual([]);
    });

    it("every pod the charts (or our collector RBAC) grant API permissions reaches the API server, wherever it runs", () => {
      // A pod that mounts a token of a ServiceAccount some RoleBinding/ClusterRoleBinding grants to is an API client.
      const clients = w.pods.filter((p) => !p.hostNetwork && p.automountToken === true && w.rbacServiceAccounts.has(`${p.namespace}/${p.serviceAccount}`));
      expect(clients.map((p) => p.id)).toEqual(expect.arrayContaining([`Deployment/${RELEASES.opentelemetryOperator.fullname}`, w.gateway.id, w.agent.id]));
      const blocked: string[] = [];
      for (const pod of clients) {
        for (const api of API_SERVERS) for (const s of blockedUnder(w.policySets, w.cfg.namespace, pod, api, api.port)) blocked.push(`${pod.id} → ${api.id}:${api.port}: ${s}`);
      }
      expect(blocked).toEqual([]);
    });

    it("collectors write to Tempo, Prometheus (every replica) and Loki's write path", () => {
      const targets: [Pod, Endpoint][] = [
        [w.gateway, ep.tempoOtlpGrpc],
        [w.gateway, ep.tempoOtlpHttp],
        [w.gateway, ep.lokiWrite],
        [w.agent, ep.lokiWrite],
        ...ep.prometheusReplicas.map((e): [Pod, Endpoint] => [w.gateway, e]),
      ];
      for (const [src, e] of targets) for (const b of resolved(w, e.service, e.port)) expectFlow(w, src, b.pod, b.port);
    });

    it("services in other namespaces reach the gateway's OTLP ports", () => {
      const kernel: Pod = { id: `${w.cfg.kernels.namespace}/kernel`, namespace: w.cfg.kernels.namespace, labels: { "jupyterpool.datalayer.io/name": "p" }, containers: [] };
      for (const e of [ep.gatewayGrpc, ep.gatewayHttp]) for (const b of resolved(w, e.service, e.port)) expectFlow(w, kernel, b.pod, b.port);
    });

    it("Grafana reaches every datasource", () => {
      const grafana = w.pods.find((p) => p.id === `Deployment/${RELEASES.grafana.fullname}`)!;
      for (const ds of datasourceList(w.cfg)) {
        const hp = hostPort(ds.url);
        expect(hp.namespace).toBe(w.cfg.namespace);
        for (const b of resolved(w, hp.service, hp.port)) expectFlow(w, grafana, b.pod, b.port);
      }
      expect(Object.values(w.f.ingresses).length).toBe(w.cfg.grafana.ingress.enabled ? 1 : 0);
    });

    // The rendered Ingress's backends (Service → Grafana's pods and container port) must admit each controller, as
    // its own chart labels its pods or as the network sees its connections, and nothing else.
    // Only the variants with the ingress on (runUrl set) render an Ingress; dev's has none (checked above).
    if (w.cfg.grafana.ingress.enabled) it.each(INGRESS_SETUPS.map((c) => [c.name, c] as const))("the ingress controller reaches Grafana: %s", (_name, setup) => {
      const raw = JSON.parse(JSON.stringify(VARIANT_RAW[v])) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      raw.networkPolicy = setup.networkPolicy;
      raw.grafana = { ...(raw.grafana ?? {}), ingress: { ...(raw.grafana?.ingress ?? {}), ...(setup.className ? { className: setup.className } : {}) } };
      const sets = policySets(raw, setup.cni).filter((s) => setup.models.includes(s.model));
      expect(sets.length).toBeGreaterThan(0);
      const bystander: Pod = { id: "default/curious-pod", namespace: "default", labels: { "app.kubernetes.io/name": "curious" }, containers: [] };
      const blocked: string[] = [];
      const admitted: string[] = [];
      for (const ing of Object.values(w.f.ingresses)) {
        for (const r of ing.rules) {
          for (const b of resolved(w, r.service, r.port)) {
            for (const src of setup.sources) for (const s of blockedUnder(sets, w.cfg.namespace, src, b.pod, b.port)) blocked.push(`${src.id} → ${b.pod.id}:${b.port}: ${s}`);
            const through = sets.filter((s) => !blockedUnder([s], w.cfg.namespace, bystander, b.pod, b.port).length).map((s) => s.label);
            admitted.push(...through);
          }
        }
      }
      expect(blocked).toEqual([]);
      expect(admitted).toEqual([]);
    });

    it("Tempo's metrics generator remote-writes to every Prometheus replica", () => {
      const urls = Object.values(w.f.remoteWriteUrls ?? {}).flat();
      expect([...new Set(urls)].sort()).toEqual([...ep.prometheusRemoteWriteUrls].sort());
      const generators = w.pods.filter((p) => (p.release === RELEASES.tempo.name || p.release === RELEASES.tempoDistributed.name) && ["metrics-generator", undefined].includes(p.labels["app.kubernetes.io/component"]));
      expect(generators.length).toBeGreaterThan(0);
      for (const url of urls) {
        const hp = hostPort(url);
        for (const g of generators) for (const b of resolved(w, hp.service, hp.port)) expectFlow(w, g, b.pod, b.port);
      }
    });

    it("Prometheus reaches Alertmanager, and Alertmanager replicas gossip", () => {
      const prom = w.pods.find((p) => p.id.startsWith("Pod/prometheus-"))!;
      for (const am of w.f.prometheus!.alertmanagers) for (const b of resolved(w, am.name, am.port)) expectFlow(w, prom, b.pod, b.port);
      const ams = w.pods.filter((p) => p.id.startsWith("Pod/alertmanager-"));
      expect(ams.length).toBe(REPLICAS.alertmanager[w.cfg.profile]);
      for (const a of ams) for (const b of ams) for (const proto of ["TCP", "UDP"]) expectFlow(w, a, b, containerPort(b, "mesh-tcp".replace("tcp", proto.toLowerCase()), proto)!, proto);
    });

    it("Loki and Tempo components talk to each other (gRPC, memberlist, caches)", () => {
      for (const releases of [[RELEASES.loki.name], [RELEASES.tempo.name, RELEASES.tempoDistributed.name]] as string[][]) {
        const group = w.pods.filter((p) => releases.includes(p.release ?? ""));
        for (const a of group) for (const b of group) for (const c of b.containers) for (const port of c.ports) expectFlow(w, a, b, port.containerPort, port.protocol);
      }
    });

    it("Loki and Tempo reach object storage in prod, in the cloud or in the cluster (MinIO), and Tempo reaches Kafka with tempo.kafka", () => {
      const group = w.pods.filter((p) => STORAGE_RELEASES.includes(p.release ?? "") && !p.id.includes("cache") && !p.id.includes("memcached"));
      const storagePolicies = w.policies.filter((p) => p.metadata.name.endsWith("-to-object-storage")).map((p) => p.metadata.name);
      if (w.cfg.objectStorage) {
        expect(storagePolicies).toEqual(["observer-allow-loki-to-object-storage", "observer-allow-tempo-to-object-storage"]);
        // The configured endpoint (s3.<region>.amazonaws.com: outside the cluster, https).
        const s3: NetEndpoint = { kind: "external", id: w.cfg.objectStorage.endpoint, ip: "52.95.150.1" };
        for (const p of group) expectFlow(w, p, s3, 443);
        // The same stack on an in-cluster MinIO: a pod behind a Service in another namespace, plain HTTP on 9000.
        const minioRaw = { ...VARIANT_RAW[v], objectStorage: { ...(VARIANT_RAW[v].objectStorage as Record<string, unknown>), endpoint: "http://minio.minio.svc.cluster.local:9000" } };
        const minio: Pod = { id: "minio/minio-0", namespace: "minio", labels: { "app.kubernetes.io/name": "minio" }, containers: [] };
        for (const p of group) expectFlow(w, p, minio, 9000, "TCP", policySets(minioRaw));
      } else expect(storagePolicies).toEqual([]);
      const tempoPods = w.pods.filter((p) => p.release === RELEASES.tempoDistributed.name && p.labels["app.kubernetes.io/component"] !== "memcached");
      if (v === "prod-kafka") {
        expect(tempoPods.length).toBeGreaterThan(0);
        // tempo.kafka.address is kafka.kafka:9092: a broker pod in the cluster (Strimzi), or one outside it.
        const broker: Pod = { id: "kafka/kafka-0", namespace: "kafka", labels: { "strimzi.io/kind": "Kafka" }, containers: [] };
        const external: NetEndpoint = { kind: "external", id: "kafka outside the cluster", ip: "10.20.0.5" };
        for (const p of tempoPods) for (const dst of [broker, external]) expectFlow(w, p, dst, 9092);
      } else {
        expect(kafkaEgress(w.cfg)).toBeUndefined();
      }
    });

    it("Grafana (whose pod runs the plugin init containers) reaches the plugin mirror on the port of each plugin URL", () => {
      const mirror: NetEndpoint = { kind: "external", id: "plugin-mirror", ip: "10.30.0.7" };
      const grafana = w.pods.filter((p) => p.labels["app.kubernetes.io/name"] === "grafana");
      expect(grafana.length).toBe(1);
      const urls = w.cfg.grafana.plugins.map((p) => new URL(p.url));
      for (const u of urls) expectFlow(w, grafana[0]!, mirror, u.port !== "" ? Number(u.port) : u.protocol === "https:" ? 443 : 80);
      expect(urls.length > 0).toBe(v === "prod-kafka");
      // Without plugins there is no such egress (443 stays open to the API server addresses, 8443 is not).
      if (urls.length === 0) expect(blockedUnder(w.policySets, w.cfg.namespace, grafana[0]!, mirror, 8443, "TCP")).not.toEqual([]);
    });
  });

  // 3 ----------------------------------------------------------------------------------------------------------
  describe("3. ServiceMonitors, PodMonitors, rules and the Prometheus CR's selectors", () => {
    const prom = w.f.prometheus!;

    it("the Prometheus CR selects monitors and rules by our labels, in every namespace", () => {
      expect(prom.serviceMonitorSelector).toEqual({ matchLabels: { ...SERVICE_MONITOR_LABELS } });
      expect(prom.serviceMonitorNamespaceSelector).toEqual({});
      expect(prom.podMonitorSelector).toEqual({ matchExpressions: [{ key: "app", operator: "In", values: [...new Set([...w.cfg.podMonitorApps, KERNELS_POD_MONITOR_APP])] }] });
      expect(prom.podMonitorNamespaceSelector).toEqual({});
      expect(prom.ruleSelector).toEqual({ matchLabels: { ...RULE_SELECTOR_LABELS } });
      expect(prom.ruleNamespaceSelector).toEqual({});
      expect([prom.remoteWriteReceiver, prom.otlpReceiver]).toEqual([true, true]);
      expect(prom.alertmanagers).toEqual([{ namespace: w.cfg.namespace, name: ep.alertmanager.service, port: "http-web" }]);
    });

    it("every chart ServiceMonitor carries both selection labels", () => {
      const missing = Object.entries(w.f.serviceMonitors).filter(([, sm]) => !matches(prom.serviceMonitorSelector!, sm.ourLabels)).map(([n]) => n);
      expect(missing).toEqual([]);
      expect(Object.keys(w.f.serviceMonitors).length).toBeGreaterThan(10);
    });

    it("every chart ServiceMonitor selects rendered Services that have the ports it names", () => {
      // Selected elsewhere: the API server's `kubernetes` Service (default) and the kubelet Service the operator manages.
      const external = new Set([`${RELEASES.kubePrometheusStack.fullname}-apiserver`, `${RELEASES.kubePrometheusStack.fullname}-kubelet`]);
      const bad: string[] = [];
      for (const [name, sm] of Object.entries(w.f.serviceMonitors)) {
        if (external.has(name)) continue;
        const nss = sm.namespaceSelector?.matchNames ?? [sm.namespace];
        const svcs = Object.entries(w.services).filter(([, s]) => nss.includes(s.namespace) && matches(sm.selector, s.labels));
        if (svcs.length === 0) bad.push(`${name}: selects no Service`);
        for (const e of sm.endpoints) {
          // A selected Service without the port yields no target (fine); at least one must have it.
          const withPort = svcs.filter(([, s]) => s.ports.some((p) => p.name === e.port));
          if (e.port && withPort.length === 0) bad.push(`${name}: no selected Service has port ${e.port}`);
          // No pod is scraped twice through two Services (headless twins carry prometheus.io/service-monitor=false).
          const targets = withPort.flatMap(([, s]) => selectedPods(w, s).map((pod) => pod.id));
          if (new Set(targets).size !== targets.length) bad.push(`${name} ${e.port}: a pod is selected through several Services`);
        }
      }
      expect(bad).toEqual([]);
    });

    it("Prometheus may scrape every ServiceMonitor target of the namespace", () => {
      const promPod = w.pods.find((p) => p.id.startsWith("Pod/prometheus-"))!;
      for (const sm of Object.values(w.f.serviceMonitors)) {
        for (const s of Object.values(w.services).filter((x) => x.namespace === w.cfg.namespace && matches(sm.selector, x.labels))) {
          for (const e of sm.endpoints) {
            const sp = s.ports.find((p) => p.name === e.port);
            if (!sp) continue;
            for (const pod of selectedPods(w, s).filter((p) => !p.hostNetwork)) {
              const cp = containerPort(pod, sp!.targetPort, sp!.protocol);
              expect([pod.id, e.port, cp !== undefined]).toEqual([pod.id, e.port, true]);
              expectFlow(w, promPod, pod, cp!);
            }
          }
        }
      }
    });

    it.each([COLLECTORS.gateway, COLLECTORS.agent])("the %s ServiceMonitor selects only the operator's monitoring Service, on its metrics port", (collector) => {
      const sm = collectorServiceMonitorBody(collector, w.cfg.namespace, LABELS);
      expect(matches(prom.serviceMonitorSelector!, sm.metadata.labels)).toBe(true);
      const scope = sm.spec.namespaceSelector.matchNames;
      const selected = Object.entries(w.services).filter(([, s]) => scope.includes(s.namespace) && matches(sm.spec.selector, s.labels)).map(([n]) => n);
      expect(selected).toEqual([`${collector}-collector-monitoring`]);
      const svc = w.services[selected[0]!]!;
      for (const e of sm.spec.endpoints) {
        const b = resolved(w, selected[0]!, e.port);
        expect(b.map((x) => x.pod.id)).toEqual([`collector/${collector}`]);
        const promPod = w.pods.find((p) => p.id.startsWith("Pod/prometheus-"))!;
        for (const x of b) expectFlow(w, promPod, x.pod, x.port);
      }
      expect(svc.ports.map((p) => p.name)).toEqual([MONITORING_PORT_NAME]);
    });

    it("the kernels PodMonitor is selected", () => {
      expect(matches(prom.podMonitorSelector!, kernelsPodMonitor(w.cfg, LABELS).metadata.labels)).toBe(true);
    });

    it("our PrometheusRules and every chart default rule are selected", () => {
      // components/observer.ts gives Alerting `ruleSelectorLabels: RULE_SELECTOR_LABELS`, merged over the common labels.
      for (const r of prometheusRuleBodies(w.cfg, { ...LABELS, ...RULE_SELECTOR_LABELS })) expect([r.metadata.name, matches(prom.ruleSelector!, r.metadata.labels)]).toEqual([r.metadata.name, true]);
      const unselected = w.f.prometheusRules.filter((g) => !matches(prom.ruleSelector!, g.ourLabels)).flatMap((g) => g.names);
      expect(unselected).toEqual([]);
      expect(w.f.prometheusRules.flatMap((g) => g.names).length).toBeGreaterThan(20);
    });
  });

  // 4 ----------------------------------------------------------------------------------------------------------
  describe("4. Grafana", () => {
    const grafana = w.f.workloads[`Deployment/${RELEASES.grafana.fullname}`]!;
    const container = (n: string) => grafana.containers.find((c) => c.name === n)!;
    const sub = grafanaSubPath(w.cfg);

    it("reads the admin user and password from our Secret's keys", () => {
      expect(container("grafana").secretEnv).toEqual(
        expect.arrayContaining([
          { env: "GF_SECURITY_ADMIN_USER", secret: GRAFANA_ADMIN_SECRET, key: GRAFANA_ADMIN_KEYS.user },
          { env: "GF_SECURITY_ADMIN_PASSWORD", secret: GRAFANA_ADMIN_SECRET, key: GRAFANA_ADMIN_KEYS.password },
        ]),
      );
    });

    it("the dashboards sidecar collects our ConfigMaps (label, value, namespace, folder annotation)", () => {
      const env = container("grafana-sc-dashboard").env!;
      // components/grafana/index.ts Dashboards: ConfigMaps in config.namespace labelled DASHBOARD_LABEL, folder annotation.
      expect([env.LABEL, env.LABEL_VALUE, env.NAMESPACE, env.FOLDER_ANNOTATION]).toEqual([DASHBOARD_LABEL.key, DASHBOARD_LABEL.value, w.cfg.namespace, DASHBOARD_FOLDER_ANNOTATION]);
      expect(env.REQ_URL).toBe(`http://localhost:3000${sub}/api/admin/provisioning/dashboards/reload`);
      expect(container("grafana-sc-datasources").env!.REQ_URL).toBe(`http://localhost:3000${sub}/api/admin/provisioning/datasources/reload`);
    });

    it("probes and the ServiceMonitor use the sub-path, on Grafana's port", () => {
      const g = container("grafana");
      expect([g.readinessProbe, g.livenessProbe]).toEqual([{ path: `${sub}/api/health`, port: "grafana" }, { path: `${sub}/api/health`, port: "grafana" }]);
      expect(containerPort({ id: "g", namespace: "", labels: {}, containers: [g] }, "grafana")).toBe(3000);
      expect(w.f.serviceMonitors[RELEASES.grafana.fullname]!.endpoints).toEqual([{ port: "http-web", path: `${sub}/metrics` }]);
      expect(sub).toBe(w.cfg.grafana.ingress.enabled ? "/grafana" : "");
    });

    it("the ingress serves the sub-path from the Grafana Service, and Grafana serves from it", () => {
      if (!w.cfg.grafana.ingress.enabled) {
        expect(w.f.ingresses).toEqual({});
        expect(w.f.grafanaIniServer!.serve_from_sub_path).toBeUndefined();
        return;
      }
      expect(w.f.ingresses[RELEASES.grafana.fullname]!.rules).toEqual([{ host: w.cfg.grafana.ingress.host, path: sub, service: ep.grafana.service, port: ep.grafana.port }]);
      expect(w.f.grafanaIniServer).toMatchObject({ root_url: w.cfg.grafana.rootUrl, serve_from_sub_path: "true" });
    });

    it("every datasource URL is a rendered Service port in our namespace", () => {
      for (const ds of datasourceList(w.cfg)) {
        const hp = hostPort(ds.url);
        expect([ds.name, typeof backends(w, hp.service, hp.port)]).toEqual([ds.name, "object"]);
      }
    });
  });

  // 6 ----------------------------------------------------------------------------------------------------------
  describe("6. Loki and Tempo: object storage credentials and the collectors' exporters", () => {
    const storagePods = () =>
      Object.entries(w.f.workloads).filter(
        ([, x]) => STORAGE_RELEASES.includes(x.release) && !/memcached|cache/.test(x.podLabels["app.kubernetes.io/component"] ?? ""),
      );

    it("every Loki/Tempo container reads the object-storage Secret as environment, with env expansion on", () => {
      const creds = w.cfg.objectStorage?.credentials !== undefined;
      expect(storagePods().length).toBeGreaterThan(0);
      for (const [id, x] of storagePods()) {
        for (const c of x.containers.filter((c) => !c.init)) {
          expect([id, c.name, c.envFrom ?? []]).toEqual([id, c.name, creds ? [{ secret: OBJECT_STORAGE_SECRET }] : []]);
          if (creds) expect([id, (c.args ?? []).some((a) => /-?-config\.expand-env(=true)?$/.test(a))]).toEqual([id, true]);
        }
      }
      const refs = [...new Set(Object.values(w.f.configEnvRefs).flat())].sort();
      expect(refs).toEqual(creds ? Object.values(OBJECT_STORAGE_KEYS).sort() : []);
    });

    it("the collectors' exporters point at the rendered write Services (Loki OTLP path, Tempo OTLP gRPC)", () => {
      const gw = gatewayCollectorSpec(w.cfg) as { config: { exporters: Record<string, Record<string, string>> } };
      const agent = agentCollectorSpec(w.cfg) as { config: { exporters: Record<string, Record<string, string>> } };
      const tempo = hostPort(gw.config.exporters["otlp_grpc/tempo"]!.endpoint!);
      expect(resolved(w, tempo.service, tempo.port).map((b) => b.port)).toEqual(expect.arrayContaining([4317]));
      const tempoSvc = w.services[tempo.service]!;
      expect(tempoSvc.ports.find((p) => p.port === tempo.port)!.name).toMatch(/grpc/);
      for (const exp of [gw.config.exporters["otlp_http/loki"]!, agent.config.exporters["otlp_http/loki"]!]) {
        const loki = hostPort(exp.logs_endpoint!);
        expect([loki.service, loki.port, loki.path]).toEqual([ep.lokiWrite.service, 3100, "/otlp/v1/logs"]);
        expect(resolved(w, loki.service, loki.port).every((b) => b.port === 3100)).toBe(true);
      }
      const promUrls = Object.entries(gw.config.exporters).filter(([k]) => k.startsWith("otlp_http/prometheus")).map(([, e]) => hostPort(e.metrics_endpoint!));
      expect(promUrls.map((u) => u.service)).toEqual(ep.prometheusReplicas.map((e) => e.service));
      for (const u of promUrls) {
        expect(u.path).toBe("/api/v1/otlp/v1/metrics");
        expect(resolved(w, u.service, u.port).every((b) => b.port === 9090)).toBe(true);
      }
    });
  });
});

// 5 ------------------------------------------------------------------------------------------------------------
describe("5. Alertmanager mounts the receivers Secret where the configuration reads it", () => {
  const cfg = config("alerting");
  const f = FACTS.variants.alerting;

  it("the rendered CR lists the receivers Secret, mounted by the operator at /etc/alertmanager/secrets/<secret>", () => {
    expect(f.alertmanager!.secrets).toEqual([RECEIVERS_SECRET_NAME]);
    expect(SECRETS_MOUNT_DIR).toBe(`${f.alertmanager!.pod.secretsMountDir}/${RECEIVERS_SECRET_NAME}`);
  });

  it("every *_file of the rendered configuration is a key of that Secret", () => {
    const keys = Object.keys(receiverSecretData(cfg));
    const refs = f.alertmanagerConfigSecret!.fileRefs;
    expect(refs.length).toBe(keys.length);
    expect(refs.map((r) => r.replace(`${f.alertmanager!.pod.secretsMountDir}/${RECEIVERS_SECRET_NAME}/`, "")).sort()).toEqual([...keys].sort());
    // The rendered file references are exactly the builder's (the chart passes the config through unchanged).
    const built: string[] = [];
    JSON.stringify(alertmanagerConfig(cfg), (k, val: unknown) => {
      if (k.endsWith("_file") && typeof val === "string") built.push(val);
      return val;
    });
    expect([...refs].sort()).toEqual(built.sort());
  });
});

describe("collector selectors with a namespace long enough for the operator to shorten the instance label", () => {
  const ns = "a-very-long-namespace-name-for-observability-stack-0123456789ab"; // 63 characters
  const cfg = parseConfig({ namespace: ns });

  it.each([COLLECTORS.gateway, COLLECTORS.agent])("%s: the NetworkPolicy selector and the ServiceMonitor select what the operator labels", (collector) => {
    const spec = collector === COLLECTORS.gateway ? gatewayCollectorSpec(cfg) : agentCollectorSpec(cfg);
    const { pod, services } = collectorObjects(collectorCRBody(collector, cfg, spec, LABELS));
    expect(pod.labels["app.kubernetes.io/instance"]!.length).toBeLessThanOrEqual(63);
    const wl = workloads(ns);
    expect(matches((collector === COLLECTORS.gateway ? wl.gateway : wl.logAgent).selector, pod.labels)).toBe(true);
    expect(matches(wl.collectors.selector, pod.labels)).toBe(true);
    const sm = collectorServiceMonitorBody(collector, ns, LABELS);
    expect(Object.entries(services).filter(([, s]) => matches(sm.spec.selector, s.labels)).map(([n]) => n)).toEqual([`${collector}-collector-monitoring`]);
  });
});
