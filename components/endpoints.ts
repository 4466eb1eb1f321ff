/**
 * Fixed names and in-cluster addresses. Every Helm release has a fixed name and, where the chart
 * supports it, a `fullnameOverride`, so the Services below are predictable. All wiring (datasources,
 * exporters, remote write, NetworkPolicies, docs) goes through {@link endpoints}; nothing else spells
 * a host name or a port.
 */

/** Helm release names (and the `fullnameOverride` each chart gets). */
export const RELEASES = {
  prometheusOperatorCrds: { name: "prometheus-operator-crds" },
  kubePrometheusStack: { name: "kube-prometheus-stack", fullname: "observer" },
  grafana: { fullname: "observer-grafana" },
  kubeStateMetrics: { fullname: "observer-kube-state-metrics" },
  nodeExporter: { fullname: "observer-node-exporter" },
  loki: { name: "loki", fullname: "observer-loki" },
  tempo: { name: "tempo", fullname: "observer-tempo" },
  opentelemetryOperator: { name: "opentelemetry-operator", fullname: "observer-otel-operator" },
} as const;

/** Names of the OpenTelemetry CRs (the operator appends `-collector` to the Service names). */
export const COLLECTORS = {
  gateway: "datalayer-collector",
  agent: "datalayer-log-agent",
} as const;

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

/** Every service the stack wires to, in `namespace`. */
export function endpoints(namespace: string) {
  const kps = RELEASES.kubePrometheusStack.fullname;
  return {
    prometheus: ep(`${kps}-prometheus`, namespace, PORTS.prometheus),
    alertmanager: ep(`${kps}-alertmanager`, namespace, PORTS.alertmanager),
    grafana: ep(RELEASES.grafana.fullname, namespace, PORTS.grafanaService),
    loki: ep(RELEASES.loki.fullname, namespace, PORTS.loki),
    tempo: ep(RELEASES.tempo.fullname, namespace, PORTS.tempoHttp),
    tempoOtlpGrpc: ep(RELEASES.tempo.fullname, namespace, PORTS.otlpGrpc),
    gatewayGrpc: ep(`${COLLECTORS.gateway}-collector`, namespace, PORTS.otlpGrpc),
    gatewayHttp: ep(`${COLLECTORS.gateway}-collector`, namespace, PORTS.otlpHttp),
  } as const;
}

export type Endpoints = ReturnType<typeof endpoints>;
