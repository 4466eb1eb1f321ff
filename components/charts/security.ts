/**
 * Pod and container security contexts for the chart values builders (pure). Every workload a chart renders
 * gets the restricted defaults of components/security/pod-security.ts, set explicitly through the chart's
 * own keys instead of relying on chart defaults (which differ per chart and per version).
 *
 * User and group ids are the ones the charts already use for each image (so volumes written by an earlier
 * release keep their ownership); every one is non-root. The only deviation is node exporter's host
 * namespaces (HARDENING_EXCEPTIONS in components/security/pod-security.ts).
 *
 * Writable paths under a read-only root filesystem: every write goes to an emptyDir or a PVC the chart
 * mounts (Loki /var/loki + /tmp, Tempo /var/tempo + /tmp, tempo-distributed /var/tempo, Prometheus and
 * Alertmanager their data volumes), plus the `/tmp` emptyDirs added here for Grafana and its two sidecars
 * ({@link GRAFANA_TMP_VOLUMES}).
 */
import { restrictedPodSecurityContext, type PodSecurityContext } from "../security/pod-security";

interface Ids {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
}

/** The non-root ids each workload runs as: the pinned charts' own defaults for that image. */
const WORKLOAD_IDS = {
  /** grafana chart `securityContext` (the image's `grafana` user). */
  grafana: { runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
  /** kube-prometheus-stack `prometheus.prometheusSpec.securityContext` / `alertmanager.alertmanagerSpec.securityContext`. */
  prometheus: { runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
  alertmanager: { runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
  /** kube-prometheus-stack `prometheusOperator.securityContext` (nobody). */
  prometheusOperator: { runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
  /** kube-prometheus-stack `prometheusOperator.admissionWebhooks.patch.securityContext` (no volume: no fsGroup). */
  admissionJobs: { runAsUser: 2000, runAsGroup: 2000 },
  /** kube-state-metrics and prometheus-node-exporter `securityContext` (nobody). */
  kubeStateMetrics: { runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
  nodeExporter: { runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
  /** loki `loki.podSecurityContext` (the image's `loki` user). */
  loki: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
  /** loki `memcached.podSecurityContext` (the memcached image's user). */
  lokiMemcached: { runAsUser: 11211, runAsGroup: 11211, fsGroup: 11211 },
  /** tempo `securityContext` (the image's `tempo` user). */
  tempo: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
  /** tempo-distributed `tempo.securityContext` / `tempo.podSecurityContext` (also its memcached). */
  tempoDistributed: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
  /** opentelemetry-operator `securityContext` (distroless nonroot). */
  opentelemetryOperator: { runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 },
} as const satisfies Record<string, Ids>;

export type Workload = keyof typeof WORKLOAD_IDS;

/**
 * Pod-level restricted context with the workload's ids. Containers get
 * `restrictedContainerSecurityContext()` (no ids: they inherit the pod's).
 */
export function podSecurity(w: Workload): PodSecurityContext {
  return restrictedPodSecurityContext(WORKLOAD_IDS[w]);
}

/**
 * Writable `/tmp` for Grafana and its sidecars (read-only root filesystem): Grafana stages plugin downloads
 * there (its background installer crash-loops without it, grafana-community/helm-charts#729), and the
 * kiwigrid k8s-sidecar (Python) needs a usable temporary directory since 1.30.11 (grafana/helm-charts#3936).
 * One emptyDir per container: nothing shared between them.
 */
export const GRAFANA_TMP_VOLUMES = {
  grafana: "tmp",
  dashboardsSidecar: "sc-dashboard-tmp",
  datasourcesSidecar: "sc-datasources-tmp",
} as const;
