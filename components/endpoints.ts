/**
 * Fixed names and in-cluster addresses. Every Helm release has a fixed name and, where the chart
 * supports it, a `fullnameOverride`, so the Services below are predictable. All wiring (datasources,
 * exporters, remote write, NetworkPolicies, docs) goes through {@link endpoints};
 * nothing else spells a host name or a port.
 *
 * Every Service name and port here was checked against the manifests the pinned charts render
 * (`helm template` with the values of components/charts/*.ts; see tests/fixtures/rendered-facts.json):
 * - kube-prometheus-stack 88.5.3 (fullnameOverride `observer`): `observer-prometheus` :9090 (http-web),
 *   `observer-prometheus-<i>` :9090 per replica (templates/prometheus/serviceperreplica.yaml),
 *   `observer-alertmanager` :9093, `observer-operator` :443; subcharts `observer-grafana` :80,
 *   `observer-kube-state-metrics` :8080, `observer-node-exporter` :9100.
 * - loki 18.11.0 (fullnameOverride `observer-loki`): Monolithic `observer-loki` :3100; Distributed
 *   `observer-loki-distributor` and `observer-loki-query-frontend` :3100 (no gateway in either mode).
 * - tempo 2.2.4 (fullnameOverride `observer-tempo`): `observer-tempo` :3200 (HTTP), :4317/:4318 (OTLP).
 * - tempo-distributed 3.3.0 (fullnameOverride `observer-tempo-distributed`): `…-query-frontend` :3200,
 *   `…-distributor` :4317/:4318.
 * - opentelemetry-operator 0.122.0 (fullnameOverride `observer-otel-operator`): `observer-otel-operator`
 *   :8443 (metrics), `observer-otel-operator-webhook` :443.
 */

import type { ChartKey } from "./versions";

/** Helm release names (and the `fullnameOverride` each chart gets). */
export const RELEASES = {
  prometheusOperatorCrds: { name: "prometheus-operator-crds" },
  kubePrometheusStack: { name: "kube-prometheus-stack", fullname: "observer" },
  grafana: { fullname: "observer-grafana" },
  kubeStateMetrics: { fullname: "observer-kube-state-metrics" },
  nodeExporter: { fullname: "observer-node-exporter" },
  loki: { name: "loki", fullname: "observer-loki" },
  tempo: { name: "tempo", fullname: "observer-tempo" },
  /**
   * Prod with `observer:tempo.kafka`: a different release and fullname than the single binary, so the two
   * never own the same object (ServiceAccount, ConfigMap) while one replaces the other.
   */
  tempoDistributed: { name: "tempo-distributed", fullname: "observer-tempo-distributed" },
  opentelemetryOperator: { name: "opentelemetry-operator", fullname: "observer-otel-operator" },
} as const satisfies Record<ChartKey, { name: string; fullname?: string }> & Record<string, { name?: string; fullname?: string }>;

/** Names of the OpenTelemetry CRs (the operator appends `-collector` to the Service names). */
export const COLLECTORS = {
  gateway: "datalayer-collector",
  agent: "datalayer-log-agent",
} as const;

/**
 * `app.kubernetes.io/instance` of everything the OpenTelemetry Operator makes for collector `name` in `namespace`
 * (pods, Services): `<namespace>.<name>`, shortened to 63 characters the operator's way (v0.158.0
 * manifestutils.SelectorLabels → naming.Truncate("%s.%s", 63, …): the excess comes off the namespace first, then
 * non-alphanumerics are trimmed from both ends). Selectors on collector pods and Services must use this.
 */
export function collectorInstanceLabel(namespace: string, name: string): string {
  let ns = namespace;
  let cr = name;
  let excess = ns.length + 1 + cr.length - 63;
  if (excess > 0) {
    const cut = Math.min(excess, ns.length);
    ns = ns.slice(0, ns.length - cut);
    excess -= cut;
    if (excess > 0) cr = excess < cr.length ? cr.slice(0, cr.length - excess) : "";
  }
  return `${ns}.${cr}`.slice(0, 63).replace(/[^A-Za-z0-9]+$/, "").replace(/^[^A-Za-z0-9]+/, "");
}

/** Well-known ports. */
export const PORTS = {
  otlpGrpc: 4317,
  otlpHttp: 4318,
  prometheus: 9090,
  alertmanager: 9093,
  grafanaService: 80,
  grafanaContainer: 3000,
  loki: 3100,
  tempoHttp: 3200,
  collectorMetrics: 8888,
  operatorWebhook: 9443,
  kubeStateMetrics: 8080,
  nodeExporter: 9100,
} as const;

export interface Endpoint {
  /** Service name. */
  readonly service: string;
  readonly port: number;
  /** Fully-qualified in-cluster host. */
  readonly host: string;
  /** `scheme://host:port` */
  readonly url: string;
}

function ep(service: string, namespace: string, port: number, scheme = "http"): Endpoint {
  const host = `${service}.${namespace}.svc.cluster.local`;
  return { service, port, host, url: `${scheme}://${host}:${port}` };
}

/** The config facts that decide which Services exist (a structural subset of ObserverConfig). */
export interface EndpointConfig {
  readonly namespace: string;
  readonly profile: "dev" | "prod";
  /** Above 1 replica, each has its own Service (`observer-prometheus-<i>`, kube-prometheus-stack servicePerReplica). */
  readonly prometheus: { readonly replicas: number };
  readonly tempo: { readonly kafka?: { readonly address: string } };
}

/** tempo-distributed only in prod with a Kafka address; otherwise the single binary. */
export function tempoMode(cfg: Pick<EndpointConfig, "profile" | "tempo">): "single" | "distributed" {
  return cfg.profile === "prod" && cfg.tempo.kafka !== undefined ? "distributed" : "single";
}

/**
 * Every service the stack wires to, for the shapes the config runs: Loki Distributed in prod (object storage),
 * Monolithic in dev; tempo-distributed in prod with Kafka ({@link tempoMode}); a Service per Prometheus replica.
 */
export function endpoints(cfg: EndpointConfig) {
  const namespace = cfg.namespace;
  const kps = RELEASES.kubePrometheusStack.fullname;
  const prometheus = ep(`${kps}-prometheus`, namespace, PORTS.prometheus);
  /** Where pushed data must go: every replica (HA pairs do not share data), else the one Service. */
  const prometheusReplicas =
    cfg.prometheus.replicas > 1
      ? Array.from({ length: cfg.prometheus.replicas }, (_, i) => ep(`${kps}-prometheus-${i}`, namespace, PORTS.prometheus))
      : [prometheus];
  const lokiName = RELEASES.loki.fullname;
  const lokiDistributed = cfg.profile === "prod";
  const tempoDistributed = tempoMode(cfg) === "distributed";
  const tempoName = tempoDistributed ? RELEASES.tempoDistributed.fullname : RELEASES.tempo.fullname;
  const tempoQuery = tempoDistributed ? `${tempoName}-query-frontend` : tempoName;
  const tempoIngest = tempoDistributed ? `${tempoName}-distributor` : tempoName;
  return {
    prometheus,
    prometheusReplicas,
    /** Remote-write URLs (`/api/v1/write`), one per replica. */
    prometheusRemoteWriteUrls: prometheusReplicas.map((e) => `${e.url}/api/v1/write`),
    /** OTLP metrics base URLs (`/api/v1/otlp`; exporters append `/v1/metrics`), one per replica. */
    prometheusOtlpUrls: prometheusReplicas.map((e) => `${e.url}/api/v1/otlp`),
    alertmanager: ep(`${kps}-alertmanager`, namespace, PORTS.alertmanager),
    grafana: ep(RELEASES.grafana.fullname, namespace, PORTS.grafanaService),
    kubeStateMetrics: ep(RELEASES.kubeStateMetrics.fullname, namespace, PORTS.kubeStateMetrics),
    nodeExporter: ep(RELEASES.nodeExporter.fullname, namespace, PORTS.nodeExporter),
    /** Loki read path (Grafana datasource, queries). */
    loki: ep(lokiDistributed ? `${lokiName}-query-frontend` : lokiName, namespace, PORTS.loki),
    /** Loki write path (`/otlp/v1/logs`, `/loki/api/v1/push`). */
    lokiWrite: ep(lokiDistributed ? `${lokiName}-distributor` : lokiName, namespace, PORTS.loki),
    /** Tempo query API (Grafana datasource). */
    tempo: ep(tempoQuery, namespace, PORTS.tempoHttp),
    tempoOtlpGrpc: ep(tempoIngest, namespace, PORTS.otlpGrpc),
    tempoOtlpHttp: ep(tempoIngest, namespace, PORTS.otlpHttp),
    gatewayGrpc: ep(`${COLLECTORS.gateway}-collector`, namespace, PORTS.otlpGrpc),
    gatewayHttp: ep(`${COLLECTORS.gateway}-collector`, namespace, PORTS.otlpHttp),
    operatorWebhook: ep(`${RELEASES.opentelemetryOperator.fullname}-webhook`, namespace, 443, "https"),
  } as const;
}
