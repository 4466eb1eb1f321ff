/**
 * The values of each release, gathered from the pure builders in components/charts/.
 * (Aggregation point: observer.ts imports values only from here.)
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ObserverConfig } from "./config";

export interface KubePrometheusStackContext {
  /** SHA-256 of the Grafana admin password: a pod annotation that restarts Grafana when it changes. */
  grafanaAdminChecksum: pulumi.Input<string>;
}

export function prometheusOperatorCrdsValues(_cfg: ObserverConfig): Record<string, unknown> {
  return {};
}
export function kubePrometheusStackValues(_cfg: ObserverConfig, _ctx: KubePrometheusStackContext): Record<string, unknown> {
  return {};
}
export function lokiValues(_cfg: ObserverConfig): Record<string, unknown> {
  return {};
}
export function tempoValues(_cfg: ObserverConfig): Record<string, unknown> {
  return {};
}
export function opentelemetryOperatorValues(_cfg: ObserverConfig): Record<string, unknown> {
  return {};
}
