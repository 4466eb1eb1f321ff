/**
 * The values paths the chart builders set for hardening (security contexts, host namespaces, the writable
 * /tmp volumes), per chart. security.test.ts asserts the exact value at every one of them in every scenario
 * (and that no other security key exists); the other builder tests compare their blocks with these removed
 * ({@link withoutSecurity}), so each fact is asserted once.
 */
import { isPlainObject } from "../../../components/charts/merge";
import type { ChartKey } from "../../../components/versions";

export const SECURITY_PATHS: Record<ChartKey, readonly string[]> = {
  prometheusOperatorCrds: [],
  kubePrometheusStack: [
    "prometheusOperator.securityContext",
    "prometheusOperator.containerSecurityContext",
    "prometheusOperator.admissionWebhooks.patch.securityContext",
    "prometheusOperator.admissionWebhooks.createSecretJob",
    "prometheusOperator.admissionWebhooks.patchWebhookJob",
    "prometheus.prometheusSpec.securityContext",
    "alertmanager.alertmanagerSpec.securityContext",
    "grafana.securityContext",
    "grafana.containerSecurityContext",
    "grafana.extraEmptyDirMounts",
    "grafana.extraVolumes",
    "grafana.sidecar.securityContext",
    "grafana.sidecar.dashboards.extraMounts",
    "grafana.sidecar.datasources.extraMounts",
    "kube-state-metrics.securityContext",
    "kube-state-metrics.containerSecurityContext",
    "prometheus-node-exporter.securityContext",
    "prometheus-node-exporter.containerSecurityContext",
    "prometheus-node-exporter.hostNetwork",
    "prometheus-node-exporter.hostPID",
  ],
  loki: [
    "loki.podSecurityContext",
    "loki.containerSecurityContext",
    "memcached",
    "memcachedExporter.containerSecurityContext",
  ],
  tempo: ["securityContext", "tempo.securityContext"],
  tempoDistributed: ["tempo"],
  opentelemetryOperator: ["securityContext", "manager.securityContext", "testFramework.securityContext"],
};

/** The value at a dotted path (undefined when absent). */
export function at(values: Record<string, unknown>, path: string): unknown {
  let cur: unknown = values;
  for (const seg of path.split(".")) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/** A deep copy of `values` without the chart's {@link SECURITY_PATHS} (objects left empty are dropped too). */
export function withoutSecurity<T extends Record<string, unknown>>(key: ChartKey, values: T): T {
  const copy = JSON.parse(JSON.stringify(values)) as Record<string, unknown>;
  for (const path of SECURITY_PATHS[key]) {
    const segs = path.split(".");
    const parents: Record<string, unknown>[] = [copy];
    for (const seg of segs.slice(0, -1)) {
      const next = parents[parents.length - 1]![seg];
      if (!isPlainObject(next)) break;
      parents.push(next);
    }
    if (parents.length !== segs.length) continue;
    delete parents[parents.length - 1]![segs[segs.length - 1]!];
    for (let i = parents.length - 1; i > 0; i--) {
      if (Object.keys(parents[i]!).length > 0) break;
      delete parents[i - 1]![segs[i - 1]!];
    }
  }
  return copy as T;
}
