/**
 * ServiceMonitors for the collectors' own metrics. They select the operator-made
 * `<name>-collector-monitoring` Service (labels from opentelemetry-operator v0.158.0
 * internal/manifests/collector/service.go and manifestutils/labels.go), port `monitoring`, and carry
 * both labels Prometheus selects monitors by. The operator's own monitors and prometheus.io pod
 * annotations are off (common.ts), so each target is scraped once. Pure builders.
 */
import { collectorInstanceLabel } from "../endpoints";
import { SERVICE_MONITOR_LABELS } from "../labels";
import { MONITORING_PORT_NAME } from "./common";

function serviceMonitorName(collector: string): string {
  return `${collector}-collector-self`;
}

export function collectorServiceMonitorBody(collector: string, namespace: string, labels: Record<string, string>) {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: serviceMonitorName(collector), namespace, labels: { ...labels, ...SERVICE_MONITOR_LABELS } },
    spec: {
      selector: {
        matchLabels: {
          "app.kubernetes.io/instance": collectorInstanceLabel(namespace, collector),
          "operator.opentelemetry.io/collector-monitoring-service": "Exists",
        },
      },
      namespaceSelector: { matchNames: [namespace] },
      endpoints: [{ port: MONITORING_PORT_NAME, path: "/metrics", interval: "30s", scheme: "http" }],
    },
  };
}
