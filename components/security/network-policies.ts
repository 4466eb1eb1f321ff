/**
 * NetworkPolicies for our namespace, as pure builders: default deny (ingress and egress) for every
 * pod, plus one allow-list entry per flow the stack needs. {@link NETWORK_FLOWS} is the single table
 * of those flows; the flows table of docs/network-policies.md is generated from it ({@link flowsMarkdownTable}, `npm run docs`).
 *
 * Pod selectors are the labels the charts and operators really put on pods (read in the chart
 * templates at the pinned versions; see {@link WORKLOADS}). NetworkPolicy ports are pod (container)
 * ports, not Service ports.
 *
 * The API server and other non-pod peers. NetworkPolicy selectors only ever match pods, so the API server (a
 * static pod on the control-plane nodes' host network on kubeadm, k3s, RKE2, Talos and kind; an address outside
 * the cluster on managed clusters) can only be named by `ipBlock`, and CNIs disagree on what an `ipBlock`
 * matches: Calico, Antrea and the AWS VPC CNI match node addresses, Cilium never does (its CIDR rules select only
 * the `world` identity, not `host`, `remote-node` or `kube-apiserver`: cilium/cilium#14724). So the API-server
 * flows ({@link apiServerRule}) are written:
 * - by default (`networkPolicy.cni: generic`, API server "anywhere"): with no peer at all, ports only, which every
 *   CNI enforces alike (Cilium translates a peerless rule to its wildcard selector, every identity included);
 * - with `networkPolicy.apiServer.cidrs` narrowed: as `ipBlock`s (CNIs that match node addresses);
 * - with `networkPolicy.cni: cilium`: as CiliumNetworkPolicies selecting the `kube-apiserver`, `host` and
 *   `remote-node` entities ({@link buildCiliumNetworkPolicies}).
 * Destinations that are host names (object storage, Kafka brokers) are any address on their ports, for the same
 * reason: an in-cluster MinIO or Kafka is a pod, which no `ipBlock` matches on Cilium.
 *
 * Not governed by NetworkPolicy, by design of most CNIs (Calico, Cilium, the AWS VPC CNI...):
 * - kubelet probes (liveness/readiness/startup): the node's own traffic to its pods is allowed;
 * - pods on the host network (node exporter);
 * - `kubectl port-forward` (goes through the kubelet into the pod's network namespace).
 * So no rule is written for them.
 *
 * The OpenTelemetry Operator's own policies: the operator chart leaves `operator.networkpolicy` off
 * (our policies cover the operator). For collectors, the operator's `operand.networkpolicy` gate is
 * on by default and creates, per collector with `spec.networkPolicy.enabled`, an Ingress-only policy
 * opening the collector's declared ports (receivers, self-metrics) to every source. Policies are
 * additive, so it can only widen ours: the collectors set `spec.networkPolicy.enabled: false` while ours are on
 * (components/collectors/common.ts `commonSpec`), so this file stays the one allow-list docs/network-policies.md documents.
 */
import { collectorInstanceLabel, COLLECTORS, PORTS, RELEASES } from "../endpoints";
import type { LabelSelector } from "../forms";
import type { CiliumEntity, IngressControllerSource, NetworkPolicyConfig } from "./config";

// ---------------------------------------------------------------------------------------------
// Plain NetworkPolicy shapes (networking.k8s.io/v1), no Pulumi types: tests build and read them.
// ---------------------------------------------------------------------------------------------

export interface PolicyPort {
  protocol: "TCP" | "UDP";
  port: number;
}
export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string };
}
export interface PolicyRule {
  /** Absent (and no `entities`): any source/destination. */
  peers?: PolicyPeer[];
  /**
   * Cilium entities instead of peers (`networkPolicy.cni: cilium`): the flow is written as a CiliumNetworkPolicy
   * ({@link buildCiliumNetworkPolicies}), never as a NetworkPolicy.
   */
  entities?: CiliumEntity[];
  /** Absent: every port. */
  ports?: PolicyPort[];
}
export interface NetworkPolicyObject {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    podSelector: LabelSelector;
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
    egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
  };
}

// ---------------------------------------------------------------------------------------------
// CiliumNetworkPolicy (cilium.io/v2), the part we write. Typed from cilium/cilium pkg/policy/api (rule.go Rule,
// ingress.go IngressRule, egress.go EgressRule, l4.go PortRule/PortProtocol, entity.go Entity) and the CRD
// pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml generated from them.
// ---------------------------------------------------------------------------------------------

/** `PortProtocol` (l4.go): `port` is a string (a number 0-65535 or a port name); protocol TCP, UDP or ANY. */
export interface CiliumPortProtocol {
  port: string;
  protocol?: "TCP" | "UDP" | "ANY";
}
/** `PortRule` (l4.go), without L7 rules. */
export interface CiliumPortRule {
  ports: CiliumPortProtocol[];
}
/** `IngressRule` (ingress.go): the peer members are mutually exclusive within one rule. */
export interface CiliumIngressRule {
  fromEntities?: CiliumEntity[];
  fromEndpoints?: LabelSelector[];
  fromCIDR?: string[];
  toPorts?: CiliumPortRule[];
}
/** `EgressRule` (egress.go): the peer members are mutually exclusive within one rule. */
export interface CiliumEgressRule {
  toEntities?: CiliumEntity[];
  toEndpoints?: LabelSelector[];
  toCIDR?: string[];
  toPorts?: CiliumPortRule[];
}
export interface CiliumNetworkPolicyObject {
  apiVersion: "cilium.io/v2";
  kind: "CiliumNetworkPolicy";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  /** `Rule` (rule.go): `endpointSelector` (namespaced: pods of the policy's namespace) and at least one direction. */
  spec: {
    description?: string;
    endpointSelector: LabelSelector;
    ingress?: CiliumIngressRule[];
    egress?: CiliumEgressRule[];
  };
}

// ---------------------------------------------------------------------------------------------
// Workloads: pod selectors as the charts/operators label the pods.
// ---------------------------------------------------------------------------------------------

export type WorkloadKey =
  | "otelOperator"
  | "prometheusOperator"
  | "prometheusOperatorJobs"
  | "prometheus"
  | "alertmanager"
  | "grafana"
  | "kubeStateMetrics"
  | "loki"
  | "tempo"
  | "gateway"
  | "logAgent"
  | "collectors";

export interface Workload {
  readonly title: string;
  readonly selector: LabelSelector;
  /** Where the labels come from (chart template or operator source at the pinned version). */
  readonly source: string;
}

const KPS = RELEASES.kubePrometheusStack;
/** kube-prometheus-stack's `kube-prometheus-stack.name` (the chart name; no nameOverride). */
const KPS_NAME = "kube-prometheus-stack";
const COLLECTOR_COMPONENT = "opentelemetry-collector";

/** Pod selectors of every workload in our namespace, by the labels the charts and operators set. */
export function workloads(namespace: string): Readonly<Record<WorkloadKey, Workload>> {
  const collector = (name: string): LabelSelector => ({
    matchLabels: {
      "app.kubernetes.io/component": COLLECTOR_COMPONENT,
      "app.kubernetes.io/instance": collectorInstanceLabel(namespace, name),
    },
  });
  return {
    otelOperator: {
      title: "OpenTelemetry Operator",
      selector: { matchLabels: { "app.kubernetes.io/name": "opentelemetry-operator", "app.kubernetes.io/component": "controller-manager" } },
      source: "opentelemetry-operator chart 0.122.0 templates/deployment.yaml (selectorLabels + component)",
    },
    prometheusOperator: {
      title: "Prometheus Operator",
      selector: { matchLabels: { app: `${KPS_NAME}-operator`, release: KPS.name } },
      source: "kube-prometheus-stack 88.5.3 templates/prometheus-operator/deployment.yaml (selector)",
    },
    prometheusOperatorJobs: {
      title: "Prometheus Operator webhook certificate jobs",
      selector: {
        matchLabels: { release: KPS.name },
        matchExpressions: [{ key: "app", operator: "In", values: [`${KPS_NAME}-admission-create`, `${KPS_NAME}-admission-patch`] }],
      },
      source: "kube-prometheus-stack 88.5.3 templates/prometheus-operator/admission-webhooks/job-patch/job-*.yaml",
    },
    prometheus: {
      title: "Prometheus",
      selector: { matchLabels: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": `${KPS.fullname}-prometheus` } },
      source: "Prometheus Operator v0.93 StatefulSet pod labels; CR name from kube-prometheus-stack.prometheus.crname",
    },
    alertmanager: {
      title: "Alertmanager",
      selector: { matchLabels: { "app.kubernetes.io/name": "alertmanager", alertmanager: `${KPS.fullname}-alertmanager` } },
      source: "Prometheus Operator v0.93 StatefulSet pod labels; CR name from kube-prometheus-stack.alertmanager.crname",
    },
    grafana: {
      title: "Grafana",
      selector: { matchLabels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": KPS.name } },
      source: "grafana chart 12.11.1 grafana.selectorLabels (subchart of kube-prometheus-stack: instance = its release)",
    },
    kubeStateMetrics: {
      title: "kube-state-metrics",
      selector: { matchLabels: { "app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/instance": KPS.name } },
      source: "kube-state-metrics chart 8.4.0 selectorLabels (subchart of kube-prometheus-stack)",
    },
    loki: {
      title: "Loki (every component, gateway, caches, canary)",
      selector: { matchLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": RELEASES.loki.name } },
      source: "loki chart 18.11.0 loki.selectorLabels (shared by all components, memcached and canary)",
    },
    tempo: {
      title: "Tempo (single binary, or every tempo-distributed component)",
      // The two modes are different releases (`tempo`, `tempo-distributed`), so `app.kubernetes.io/instance` differs.
      selector: {
        matchLabels: { "app.kubernetes.io/name": "tempo" },
        matchExpressions: [{ key: "app.kubernetes.io/instance", operator: "In", values: [RELEASES.tempo.name, RELEASES.tempoDistributed.name] }],
      },
      source: "tempo chart 2.2.4 / tempo-distributed 3.3.0 tempo.selectorLabels (instance = the release: tempo or tempo-distributed)",
    },
    gateway: {
      title: "OTLP gateway collector",
      selector: collector(COLLECTORS.gateway),
      source: "opentelemetry-operator v0.158.0 manifestutils.SelectorLabels: instance = <namespace>.<CR name>",
    },
    logAgent: {
      title: "log agent collector",
      selector: collector(COLLECTORS.agent),
      source: "opentelemetry-operator v0.158.0 manifestutils.SelectorLabels",
    },
    collectors: {
      title: "both collectors",
      selector: { matchLabels: { "app.kubernetes.io/component": COLLECTOR_COMPONENT, "app.kubernetes.io/managed-by": "opentelemetry-operator" } },
      source: "opentelemetry-operator v0.158.0 manifestutils.SelectorLabels",
    },
  };
}

/** Container ports the flows use (pod ports: NetworkPolicy never sees Service ports). */
const POD_PORTS = {
  otelOperatorWebhook: PORTS.operatorWebhook, // 9443
  /** Prometheus Operator's TLS listener: admission webhooks and metrics (`prometheusOperator.tls.internalPort`). */
  prometheusOperatorWebhook: 10250,
  prometheus: PORTS.prometheus, // 9090
  alertmanager: PORTS.alertmanager, // 9093
  alertmanagerCluster: 9094,
  grafana: PORTS.grafanaContainer, // 3000
  /** Loki's HTTP port in every component (no gateway: components/charts/loki.ts turns it off). */
  loki: PORTS.loki, // 3100
  tempo: PORTS.tempoHttp, // 3200
  otlpGrpc: PORTS.otlpGrpc,
  otlpHttp: PORTS.otlpHttp,
  dns: 53,
} as const;

const tcp = (...ports: number[]): PolicyPort[] => ports.map((port) => ({ protocol: "TCP" as const, port }));

// ---------------------------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------------------------

/** One allowed flow: a row of the documented table and the rules it adds. */
export interface NetworkFlow {
  /** Policy name suffix (`observer-allow-<id>`). */
  readonly id: string;
  /** "source → destination" for the documented table. */
  readonly from: string;
  readonly to: string;
  readonly ports: string;
  readonly why: string;
  /** Pods the policy applies to. */
  readonly podSelector: LabelSelector;
  readonly ingress?: PolicyRule[];
  readonly egress?: PolicyRule[];
}

export interface FlowInputs {
  readonly namespace: string;
  readonly config: NetworkPolicyConfig;
  /** Whether the Grafana ingress is on (the ingress-controller flow exists only then). */
  readonly grafanaIngress: boolean;
  /**
   * Object storage that Loki and Tempo write to in scalable modes (S3/GCS/Azure endpoints, or an in-cluster
   * MinIO): its ports, at any address ({@link objectStorageEgress}). Absent: no object-storage egress.
   */
  readonly objectStorage?: { readonly ports: readonly number[] };
  /**
   * The Kafka-compatible queue tempo-distributed (Tempo 3) reads and writes (prod with `observer:tempo.kafka`):
   * its brokers' ports ({@link kafkaEgress}). Absent: no Kafka egress.
   */
  readonly kafka?: { readonly ports: readonly number[] };
  /**
   * The mirror Grafana's init containers install plugins from (`observer:grafana.plugins`): its ports
   * (components/grafana/plugins.ts pluginMirrorEgress). Absent: no such egress.
   */
  readonly pluginMirror?: { readonly ports: readonly number[] };
}

/**
 * Egress tempo-distributed needs to its Kafka brokers (`observer:tempo.kafka.address`, `host:port[,host:port…]`),
 * or undefined when Tempo runs without Kafka. The brokers are host names (in or out of the cluster), so the
 * destination is any address on the brokers' ports (9092 when a broker names none).
 */
export function kafkaEgress(cfg: { readonly profile: "dev" | "prod"; readonly tempo: { readonly kafka?: { readonly address: string } } }): { ports: number[] } | undefined {
  const address = cfg.profile === "prod" ? cfg.tempo.kafka?.address : undefined;
  if (address === undefined) return undefined;
  const ports = address
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b !== "")
    .map((b) => Number(/:(\d{1,5})$/.exec(b)?.[1] ?? 9092));
  return { ports: [...new Set(ports.length > 0 ? ports : [9092])].sort((a, b) => a - b) };
}

/**
 * Egress Loki and Tempo need to reach object storage. Its address is a host name (an in-cluster MinIO Service or a
 * cloud endpoint), so the destination is any address on the endpoint's port (443, or 80 for plain HTTP, unless the
 * endpoint names one): a rule with ports and no peer, which matches pods as well as outside addresses on every CNI.
 */
export function objectStorageEgress(os: { readonly endpoint: string; readonly insecure: boolean }): { ports: number[] } {
  const port = /:(\d{1,5})\/?$/.exec(os.endpoint)?.[1];
  return { ports: [port ? Number(port) : os.insecure ? 80 : 443] };
}

/** A CIDR block that means "any address" (a `/0`). */
function isAnyAddress(cidr: string): boolean {
  return /\/0$/.test(cidr);
}

/** The entities the API server has on Cilium: its own, and the nodes' it runs on (same node: host; other: remote-node). */
export const API_SERVER_ENTITIES: readonly CiliumEntity[] = ["kube-apiserver", "host", "remote-node"];

/**
 * The rule that names the API server as a peer (egress to it, ingress from it to the admission webhooks), on
 * `ports`: entities with `cni: cilium`; ports only while the configured CIDRs include "any address" (the default:
 * matched by every CNI); `ipBlock`s of the configured CIDRs otherwise.
 */
function apiServerRule(config: NetworkPolicyConfig, ports: PolicyPort[]): PolicyRule {
  if (config.cni === "cilium") return { entities: [...API_SERVER_ENTITIES], ports };
  if (config.apiServer.cidrs.some(isAnyAddress)) return { ports };
  return { peers: config.apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports };
}

/**
 * The ingress rules admitting the ingress controller's connections on `ports`: its pods (in its namespace, or any),
 * the addresses it connects from (ports only when one is a `/0`), and its Cilium entities (a CiliumNetworkPolicy).
 */
function ingressSourceRules(source: IngressControllerSource, ports: PolicyPort[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  if (source.pods) {
    const namespaceSelector: LabelSelector = source.pods.namespace !== undefined ? { matchLabels: { "kubernetes.io/metadata.name": source.pods.namespace } } : {};
    rules.push({ peers: [{ namespaceSelector, podSelector: structuredClone(source.pods.selector) }], ports });
  }
  if (source.cidrs) {
    rules.push(source.cidrs.some(isAnyAddress) ? { ports } : { peers: source.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports });
  }
  if (source.entities) rules.push({ entities: [...source.entities], ports });
  return rules;
}

/** Every flow the stack needs, in the documented table's order. Pure. */
export function networkFlows(inputs: FlowInputs): NetworkFlow[] {
  const w = workloads(inputs.namespace);
  const { config } = inputs;
  const pod = (k: WorkloadKey): PolicyPeer => ({ podSelector: w[k].selector });
  const apiPorts = tcp(...config.apiServer.ports);
  const flows: NetworkFlow[] = [
    {
      id: "dns",
      from: "every pod of the namespace",
      to: "cluster DNS (any address)",
      ports: "53/UDP, 53/TCP",
      why: "name resolution (kube-dns/CoreDNS, or NodeLocal DNSCache on a link-local address)",
      podSelector: {},
      egress: [{ ports: [{ protocol: "UDP", port: POD_PORTS.dns }, { protocol: "TCP", port: POD_PORTS.dns }] }],
    },
    {
      id: "apiserver-to-otel-operator-webhook",
      from: "Kubernetes API server",
      to: w.otelOperator.title,
      ports: `${POD_PORTS.otelOperatorWebhook}/TCP`,
      why: "admission webhooks (defaulting, validation, collector conversion) — failurePolicy Fail, so blocking it blocks every OpenTelemetry CR",
      podSelector: w.otelOperator.selector,
      ingress: [apiServerRule(config, tcp(POD_PORTS.otelOperatorWebhook))],
    },
    {
      id: "apiserver-to-prometheus-operator-webhook",
      from: "Kubernetes API server",
      to: w.prometheusOperator.title,
      ports: `${POD_PORTS.prometheusOperatorWebhook}/TCP`,
      why: "PrometheusRule/AlertmanagerConfig admission webhooks (same TLS listener serves the operator's metrics)",
      podSelector: w.prometheusOperator.selector,
      ingress: [apiServerRule(config, tcp(POD_PORTS.prometheusOperatorWebhook))],
    },
  ];
  const apiClients: WorkloadKey[] = ["otelOperator", "prometheusOperator", "prometheusOperatorJobs", "grafana", "kubeStateMetrics", "loki", "collectors"];
  for (const k of apiClients) {
    flows.push({
      id: `${kebab(k)}-to-apiserver`,
      from: w[k].title,
      to: "Kubernetes API server",
      ports: config.apiServer.ports.map((p) => `${p}/TCP`).join(", "),
      why: API_REASONS[k] ?? "Kubernetes API access",
      podSelector: w[k].selector,
      egress: [apiServerRule(config, apiPorts)],
    });
  }
  const source = config.ingressController;
  if (inputs.grafanaIngress && source !== undefined) {
    flows.push({
      id: "ingress-controller-to-grafana",
      from: source.description,
      to: w.grafana.title,
      ports: `${POD_PORTS.grafana}/TCP`,
      why: "users reach Grafana at <runUrl>/grafana",
      podSelector: w.grafana.selector,
      ingress: ingressSourceRules(source, tcp(POD_PORTS.grafana)),
    });
  }
  flows.push(
    {
      id: "otlp-to-gateway",
      from: "any pod in any namespace",
      to: w.gateway.title,
      ports: `${POD_PORTS.otlpGrpc}/TCP, ${POD_PORTS.otlpHttp}/TCP`,
      why: "services send OTLP traces, metrics and logs to the gateway",
      podSelector: w.gateway.selector,
      ingress: [{ peers: [{ namespaceSelector: {} }], ports: tcp(POD_PORTS.otlpGrpc, POD_PORTS.otlpHttp) }],
    },
    {
      id: "collectors-to-backends",
      from: w.collectors.title,
      to: "Loki, Tempo, Prometheus, the gateway",
      ports: `Loki ${POD_PORTS.loki}, Tempo ${POD_PORTS.otlpGrpc}/${POD_PORTS.otlpHttp}, Prometheus ${POD_PORTS.prometheus}, gateway ${POD_PORTS.otlpGrpc}/${POD_PORTS.otlpHttp}`,
      why: "logs to Loki (OTLP), traces to Tempo (OTLP), metrics to Prometheus (OTLP/remote write); the agent may forward to the gateway",
      podSelector: w.collectors.selector,
      egress: [
        { peers: [pod("loki")], ports: tcp(POD_PORTS.loki) },
        { peers: [pod("tempo")], ports: tcp(POD_PORTS.otlpGrpc, POD_PORTS.otlpHttp) },
        { peers: [pod("prometheus")], ports: tcp(POD_PORTS.prometheus) },
        { peers: [pod("gateway")], ports: tcp(POD_PORTS.otlpGrpc, POD_PORTS.otlpHttp) },
      ],
    },
    {
      id: "collectors-into-loki",
      from: `${w.collectors.title}, ${w.grafana.title}`,
      to: w.loki.title,
      ports: `${POD_PORTS.loki}/TCP`,
      why: "log writes (collectors) and queries (Grafana datasource)",
      podSelector: w.loki.selector,
      ingress: [{ peers: [pod("collectors"), pod("grafana")], ports: tcp(POD_PORTS.loki) }],
    },
    {
      id: "collectors-into-tempo",
      from: w.collectors.title,
      to: w.tempo.title,
      ports: `${POD_PORTS.otlpGrpc}/TCP, ${POD_PORTS.otlpHttp}/TCP`,
      why: "trace writes over OTLP",
      podSelector: w.tempo.selector,
      ingress: [{ peers: [pod("collectors")], ports: tcp(POD_PORTS.otlpGrpc, POD_PORTS.otlpHttp) }],
    },
    {
      id: "writers-into-prometheus",
      from: `${w.collectors.title}, Tempo metrics generator, ${w.grafana.title}`,
      to: w.prometheus.title,
      ports: `${POD_PORTS.prometheus}/TCP`,
      why: "OTLP/remote-write metrics (collectors), span metrics and service graphs (Tempo's metrics generator, remote write), queries (Grafana)",
      podSelector: w.prometheus.selector,
      ingress: [{ peers: [pod("collectors"), pod("tempo"), pod("grafana")], ports: tcp(POD_PORTS.prometheus) }],
    },
    {
      id: "tempo-metrics-generator-to-prometheus",
      from: w.tempo.title,
      to: w.prometheus.title,
      ports: `${POD_PORTS.prometheus}/TCP`,
      why: "the metrics generator remote-writes span metrics and service graphs",
      podSelector: w.tempo.selector,
      egress: [{ peers: [pod("prometheus")], ports: tcp(POD_PORTS.prometheus) }],
    },
    {
      id: "clients-into-alertmanager",
      from: `${w.prometheus.title}, ${w.grafana.title}`,
      to: w.alertmanager.title,
      ports: `${POD_PORTS.alertmanager}/TCP`,
      why: "Prometheus sends alerts; Grafana's Alertmanager datasource reads and silences them",
      podSelector: w.alertmanager.selector,
      ingress: [{ peers: [pod("prometheus"), pod("grafana")], ports: tcp(POD_PORTS.alertmanager) }],
    },
    {
      id: "grafana-to-datasources",
      from: w.grafana.title,
      to: "Prometheus, Alertmanager, Loki, Tempo",
      ports: `${POD_PORTS.prometheus}, ${POD_PORTS.alertmanager}, ${POD_PORTS.loki}, ${POD_PORTS.tempo} (TCP)`,
      why: "Grafana datasources",
      podSelector: w.grafana.selector,
      egress: [
        { peers: [pod("prometheus")], ports: tcp(POD_PORTS.prometheus) },
        { peers: [pod("alertmanager")], ports: tcp(POD_PORTS.alertmanager) },
        { peers: [pod("loki")], ports: tcp(POD_PORTS.loki) },
        { peers: [pod("tempo")], ports: tcp(POD_PORTS.tempo) },
      ],
    },
    {
      id: "grafana-into-tempo",
      from: w.grafana.title,
      to: w.tempo.title,
      ports: `${POD_PORTS.tempo}/TCP`,
      why: "trace queries (Grafana datasource)",
      podSelector: w.tempo.selector,
      ingress: [{ peers: [pod("grafana")], ports: tcp(POD_PORTS.tempo) }],
    },
    {
      id: "prometheus-scrapes-everything",
      from: w.prometheus.title,
      to: "every pod of the namespace (and, by egress, anything)",
      ports: "all",
      why: "scraping: our pods on their metrics ports, ServiceMonitor/PodMonitor targets in any namespace, kubelet/cAdvisor and node exporter on node addresses, the API server; and alert delivery to Alertmanager",
      podSelector: {},
      ingress: [{ peers: [pod("prometheus")] }],
    },
    {
      id: "prometheus-egress",
      from: w.prometheus.title,
      to: "anywhere",
      ports: "all",
      why: "scrape targets live in any namespace and on node addresses with arbitrary ports; a narrower rule would silently drop targets",
      podSelector: w.prometheus.selector,
      egress: [{}],
    },
    {
      id: "alertmanager-egress",
      from: w.alertmanager.title,
      to: "anywhere",
      ports: "all",
      why: "notification receivers (webhooks, Slack, PagerDuty, e-mail) are outside the namespace, often outside the cluster",
      podSelector: w.alertmanager.selector,
      egress: [{}],
    },
    {
      id: "alertmanager-cluster",
      from: w.alertmanager.title,
      to: w.alertmanager.title,
      ports: `${POD_PORTS.alertmanagerCluster}/TCP, ${POD_PORTS.alertmanagerCluster}/UDP`,
      why: "gossip between Alertmanager replicas (prod runs several)",
      podSelector: w.alertmanager.selector,
      ingress: [
        {
          peers: [pod("alertmanager")],
          ports: [{ protocol: "TCP", port: POD_PORTS.alertmanagerCluster }, { protocol: "UDP", port: POD_PORTS.alertmanagerCluster }],
        },
      ],
      egress: [
        {
          peers: [pod("alertmanager")],
          ports: [{ protocol: "TCP", port: POD_PORTS.alertmanagerCluster }, { protocol: "UDP", port: POD_PORTS.alertmanagerCluster }],
        },
      ],
    },
    {
      id: "loki-internal",
      from: w.loki.title,
      to: w.loki.title,
      ports: "all",
      why: "scalable modes: gRPC between components, memberlist (7946), memcached caches, the gateway; the canary pushes and queries",
      podSelector: w.loki.selector,
      ingress: [{ peers: [pod("loki")] }],
      egress: [{ peers: [pod("loki")] }],
    },
    {
      id: "tempo-internal",
      from: w.tempo.title,
      to: w.tempo.title,
      ports: "all",
      why: "scalable mode (tempo-distributed): gRPC between components, memberlist",
      podSelector: w.tempo.selector,
      ingress: [{ peers: [pod("tempo")] }],
      egress: [{ peers: [pod("tempo")] }],
    },
  );
  if (inputs.kafka) {
    flows.push({
      id: "tempo-to-kafka",
      from: w.tempo.title,
      to: "Kafka brokers (any address)",
      ports: inputs.kafka.ports.map((p) => `${p}/TCP`).join(", "),
      why: "tempo-distributed (Tempo 3): distributors write spans to Kafka, live-stores, block-builders and metrics generators read them",
      podSelector: w.tempo.selector,
      egress: [{ ports: tcp(...inputs.kafka.ports) }],
    });
  }
  if (inputs.pluginMirror) {
    flows.push({
      id: "grafana-to-plugin-mirror",
      from: w.grafana.title,
      to: "the plugin mirror of `grafana.plugins` (any address)",
      ports: inputs.pluginMirror.ports.map((p) => `${p}/TCP`).join(", "),
      why: "Grafana's init containers download the configured plugins (nothing comes from grafana.com)",
      podSelector: w.grafana.selector,
      egress: [{ ports: tcp(...inputs.pluginMirror.ports) }],
    });
  }
  if (inputs.objectStorage) {
    const os = inputs.objectStorage;
    for (const k of ["loki", "tempo"] as const) {
      flows.push({
        id: `${k}-to-object-storage`,
        from: w[k].title,
        to: "object storage (any address: a cloud endpoint or an in-cluster MinIO)",
        ports: os.ports.map((p) => `${p}/TCP`).join(", "),
        why: "chunks, blocks and indexes in scalable modes",
        podSelector: w[k].selector,
        egress: [{ ports: tcp(...os.ports) }],
      });
    }
  }
  return flows;
}

const API_REASONS: Partial<Record<WorkloadKey, string>> = {
  otelOperator: "reconciles collectors and Instrumentations",
  prometheusOperator: "reconciles Prometheus, Alertmanager, monitors and rules",
  prometheusOperatorJobs: "create the webhook certificate Secret and patch the webhook configurations (Helm hooks)",
  grafana: "sidecars load dashboards and datasources from ConfigMaps/Secrets",
  kubeStateMetrics: "reads object state for its metrics",
  loki: "the rules sidecar loads alerting/recording rules from ConfigMaps",
  collectors: "k8sattributes enrichment (pods, namespaces, nodes, replicasets)",
};

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Whether a flow has rules naming Cilium entities (written as a CiliumNetworkPolicy of the same name). */
export function isCiliumFlow(f: NetworkFlow): boolean {
  return [...(f.ingress ?? []), ...(f.egress ?? [])].some((r) => r.entities !== undefined);
}

/** A flow's rules of one kind: those for a NetworkPolicy (no entities) or for a CiliumNetworkPolicy (entities). */
function rulesOf(rules: PolicyRule[] | undefined, cilium: boolean): PolicyRule[] | undefined {
  const out = (rules ?? []).filter((r) => (r.entities !== undefined) === cilium);
  return out.length > 0 ? out : undefined;
}

function peersOut(rule: PolicyRule): { peers?: PolicyPeer[]; ports?: PolicyPort[] } {
  return {
    ...(rule.peers !== undefined ? { peers: rule.peers.map((p) => structuredClone(p)) } : {}),
    ...(rule.ports !== undefined ? { ports: rule.ports.map((p) => ({ ...p })) } : {}),
  };
}

/** Name of the default-deny policy, and the prefix of the allow policies. */
export const DEFAULT_DENY_NAME = "observer-default-deny";
export const ALLOW_PREFIX = "observer-allow-";

/**
 * The NetworkPolicy objects for our namespace: default deny first, then one per flow. Empty when
 * `config.enabled` is false. Pure.
 */
export function buildNetworkPolicies(inputs: FlowInputs & { labels: Record<string, string> }): NetworkPolicyObject[] {
  if (!inputs.config.enabled) return [];
  const meta = (name: string) => ({ name, namespace: inputs.namespace, labels: { ...inputs.labels } });
  const out: NetworkPolicyObject[] = [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(DEFAULT_DENY_NAME),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    },
  ];
  for (const flow of networkFlows(inputs)) {
    const ingress = rulesOf(flow.ingress, false);
    const egress = rulesOf(flow.egress, false);
    if (!ingress && !egress) continue; // every rule names Cilium entities: a CiliumNetworkPolicy only
    const f = { ...flow, ingress, egress };
    const policyTypes: ("Ingress" | "Egress")[] = [];
    if (f.ingress) policyTypes.push("Ingress");
    if (f.egress) policyTypes.push("Egress");
    out.push({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(`${ALLOW_PREFIX}${f.id}`),
      spec: {
        podSelector: structuredClone(f.podSelector),
        policyTypes,
        ...(f.ingress
          ? {
              ingress: f.ingress.map((r) => {
                const { peers, ports } = peersOut(r);
                return { ...(peers ? { from: peers } : {}), ...(ports ? { ports } : {}) };
              }),
            }
          : {}),
        ...(f.egress
          ? {
              egress: f.egress.map((r) => {
                const { peers, ports } = peersOut(r);
                return { ...(peers ? { to: peers } : {}), ...(ports ? { ports } : {}) };
              }),
            }
          : {}),
      },
    });
  }
  return out;
}

const ciliumPorts = (ports: PolicyPort[] | undefined): { toPorts?: CiliumPortRule[] } =>
  ports === undefined ? {} : { toPorts: [{ ports: ports.map((p) => ({ port: String(p.port), protocol: p.protocol })) }] };

function entitiesOf(f: NetworkFlow, r: PolicyRule): CiliumEntity[] {
  if (r.entities === undefined || r.peers !== undefined) {
    throw new Error(`flow ${f.id}: a rule names either Cilium entities or NetworkPolicy peers, not both`);
  }
  return [...r.entities];
}

/**
 * The CiliumNetworkPolicies of our namespace (`networkPolicy.cni: cilium`): one per flow with rules that name Cilium
 * entities, holding those rules, with the flow's name, pods and ports (a flow's other rules stay in the NetworkPolicy
 * of the same name). Empty otherwise, and when `config.enabled` is false. Pure. The default deny stays a
 * NetworkPolicy (Cilium enforces both kinds together: a pod selected by either is in default deny, and a rule of
 * either kind allows).
 */
export function buildCiliumNetworkPolicies(inputs: FlowInputs & { labels: Record<string, string> }): CiliumNetworkPolicyObject[] {
  if (!inputs.config.enabled) return [];
  return networkFlows(inputs)
    .filter(isCiliumFlow)
    .map((f) => {
      const ingress = rulesOf(f.ingress, true);
      const egress = rulesOf(f.egress, true);
      return {
        apiVersion: "cilium.io/v2" as const,
        kind: "CiliumNetworkPolicy" as const,
        metadata: { name: `${ALLOW_PREFIX}${f.id}`, namespace: inputs.namespace, labels: { ...inputs.labels } },
        spec: {
          description: `${f.from} → ${f.to} (${f.ports}): ${f.why}`,
          endpointSelector: structuredClone(f.podSelector),
          ...(ingress ? { ingress: ingress.map((r) => ({ fromEntities: entitiesOf(f, r), ...ciliumPorts(r.ports) })) } : {}),
          ...(egress ? { egress: egress.map((r) => ({ toEntities: entitiesOf(f, r), ...ciliumPorts(r.ports) })) } : {}),
        },
      };
    });
}

/** The flows table of docs/network-policies.md (Markdown), generated from {@link networkFlows}. */
export function flowsMarkdownTable(inputs: FlowInputs): string {
  const rows = networkFlows(inputs).map((f) => `| \`${ALLOW_PREFIX}${f.id}\` | ${f.from} | ${f.to} | ${f.ports} | ${f.why} |`);
  return ["| Policy | From | To | Ports | Why |", "|---|---|---|---|---|", ...rows].join("\n");
}
