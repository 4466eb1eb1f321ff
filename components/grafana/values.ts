/**
 * Grafana values: the block deep-merged under `grafana:` of kube-prometheus-stack's values by the charts
 * helper (which sets `admin.existingSecret` and `fullnameOverride` itself). Pure.
 */
import type { ObserverConfig } from "../config";

/** Values for kube-prometheus-stack's `grafana:` block (datasources, sidecar, ingress, server settings). */
export function grafanaValues(_cfg: ObserverConfig): Record<string, unknown> {
  return {};
}
