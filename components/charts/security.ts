/**
 * Pod and container security for the chart values builders (pure). Every workload a chart renders
 * gets the restricted defaults of components/security/pod-security.ts, set explicitly through the chart's
 * own keys instead of relying on chart defaults (which differ per chart and per version).
 *
 * Each chart's builder gives its pods the user and group ids the chart already uses for each image (so volumes
 * written by an earlier release keep their ownership), every one non-root, with `restrictedPodSecurityContext`. The
 * only deviation is node exporter's host namespaces (HARDENING_EXCEPTIONS in components/security/pod-security.ts).
 *
 * Writable paths under a read-only root filesystem: every write goes to an emptyDir or a PVC the chart
 * mounts (Loki /var/loki + /tmp, Tempo /var/tempo + /tmp, tempo-distributed /var/tempo, Prometheus and
 * Alertmanager their data volumes), plus the `/tmp` emptyDirs added here for Grafana and its two sidecars
 * ({@link GRAFANA_TMP_VOLUMES}).
 */
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
