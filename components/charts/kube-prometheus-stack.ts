/**
 * Values for kube-prometheus-stack 88.5.3 (pure): Prometheus, Alertmanager, Grafana, the Prometheus
 * Operator, kube-state-metrics and node exporter. The chart's own CRDs are off (stage 1 installs them
 * through prometheus-operator-crds).
 *
 * Blocks owned by other areas are deep-merged in: `grafana:` ← components/grafana/values.ts,
 * `alertmanager:` ← components/alerting/values.ts, `defaultRules:` ← the same file.
 */
import { alertmanagerValues, defaultRulesValues } from "../alerting/values";
import type { ObserverConfig } from "../config";
import { APP_POD_LABEL, POOL_POD_LABELS, PROMETHEUS_PROMOTED_ATTRIBUTES } from "../contract";
import { RELEASES } from "../endpoints";
import { GRAFANA_PLUGINS_PATH, GRAFANA_PLUGINS_VOLUME, grafanaPluginInitContainers } from "../grafana/plugins";
import { grafanaValues } from "../grafana/values";
import { KERNELS_POD_MONITOR_APP, POD_MONITOR_LABEL, SERVICE_MONITOR_LABELS } from "../labels";
import { REPLICAS, resources } from "../sizing";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../security/pod-security";
import { monitorLabels, pvcSpec, VOLUME_SIZES } from "./common";
import { deepMerge } from "./merge";
import { GRAFANA_ADMIN_KEYS, GRAFANA_ADMIN_SECRET, REMOTE_WRITE_KEYS, REMOTE_WRITE_SECRET } from "./secrets";
import { IMAGES } from "../versions";
import { grafanaAdminPasswordInitContainer } from "./grafana-admin";
import { GRAFANA_TMP_VOLUMES } from "./security";
import type { ChartContext, ChartSpec, ClusterScopedObject } from "./spec";

export { GRAFANA_ADMIN_SECRET, GRAFANA_ADMIN_KEYS };

/** The non-root ids of its pods: the chart's own defaults for each image (volumes keep their ownership). */
const IDS = {
  /** grafana chart `securityContext` (the image's `grafana` user). */
  grafana: { runAsUser: 472, runAsGroup: 472, fsGroup: 472 },
  /** `prometheus.prometheusSpec.securityContext` / `alertmanager.alertmanagerSpec.securityContext`. */
  prometheus: { runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
  alertmanager: { runAsUser: 1000, runAsGroup: 2000, fsGroup: 2000 },
  /** `prometheusOperator.securityContext` (nobody). */
  prometheusOperator: { runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
  /** `prometheusOperator.admissionWebhooks.patch.securityContext` (no volume: no fsGroup). */
  admissionJobs: { runAsUser: 2000, runAsGroup: 2000 },
  /** kube-state-metrics and prometheus-node-exporter `securityContext` (nobody). */
  kubeStateMetrics: { runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
  nodeExporter: { runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534 },
} as const;

/** Prometheus selects PrometheusRules carrying this label (ours and the chart's default rules). */
export const RULE_SELECTOR_LABELS = { "monitoring.datalayer.io/instance": "observer" } as const;

/** Name of Prometheus' default scrape class (adds the contract labels to every scraped target). */
const CONTRACT_SCRAPE_CLASS = "observer-contract";

/** Pod label → Prometheus meta label of a target's pod (`datalayer.io/app` → `__meta_kubernetes_pod_label_datalayer_io_app`). */
function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/**
 * The default scrape class' relabelings: `cluster` on every target; `app` and the Jupyter-pool labels from
 * the pod labels the contract names, when the target's pod has them (the regex skips absent ones).
 * `namespace` and `pod` are already set by the operator's Kubernetes service discovery.
 */
export function contractRelabelings(cfg: Pick<ObserverConfig, "clusterName">): Record<string, unknown>[] {
  const fromPodLabel = (podLabel: string, target: string) => ({
    action: "replace",
    sourceLabels: [podLabelMeta(podLabel)],
    regex: "(.+)",
    targetLabel: target,
    replacement: "$1",
  });
  return [
    { action: "replace", targetLabel: "cluster", replacement: cfg.clusterName },
    fromPodLabel(APP_POD_LABEL, "app"),
    ...Object.entries(POOL_POD_LABELS).map(([attribute, podLabel]) => fromPodLabel(podLabel, attribute.replace(/\./g, "_"))),
  ];
}

export function kubePrometheusStack(cfg: ObserverConfig, ctx: Pick<ChartContext, "grafanaAdminChecksum">): Record<string, unknown> {
  const p = cfg.profile;
  const kps = RELEASES.kubePrometheusStack.fullname;
  const promReplicas = cfg.prometheus.replicas;
  const amReplicas = REPLICAS.alertmanager[p];
  const sm = () => ({ additionalLabels: monitorLabels() });
  const m = cfg.images.mirror;
  const rw = cfg.prometheus.remoteWrite;
  // Container security contexts: the restricted defaults, a fresh copy per key (components/charts/security.ts).
  const restricted = () => restrictedContainerSecurityContext();
  // prod keeps Grafana's database (users, preferences, annotations) on a volume.
  const grafanaPersistent = p === "prod";
  const grafanaInit = [...(grafanaPersistent ? [grafanaAdminPasswordInitContainer(cfg)] : []), ...grafanaPluginInitContainers(cfg)];

  const values: Record<string, unknown> = {
    fullnameOverride: kps,
    crds: { enabled: false },
    ...(m !== undefined ? { global: { imageRegistry: m } } : {}),

    prometheusOperator: {
      resources: resources(p, "prometheus-operator/operator"),
      securityContext: restrictedPodSecurityContext(IDS.prometheusOperator),
      containerSecurityContext: restricted(),
      prometheusConfigReloader: { resources: resources(p, "prometheus/config-reloader") },
      // The certificate Jobs (hooks): `patch.securityContext` is both Jobs' pod context.
      admissionWebhooks: {
        patch: { resources: resources(p, "prometheus-operator/webhook-job"), securityContext: restrictedPodSecurityContext(IDS.admissionJobs) },
        createSecretJob: { securityContext: restricted() },
        patchWebhookJob: { securityContext: restricted() },
      },
      serviceMonitor: sm(),
    },

    prometheus: {
      serviceMonitor: sm(),
      servicePerReplica: { enabled: promReplicas > 1 },
      podDisruptionBudget: { enabled: promReplicas > 1, minAvailable: 1 },
      prometheusSpec: {
        replicas: promReplicas,
        resources: resources(p, "prometheus/prometheus"),
        // Pod context of the operator-built StatefulSet; the operator gives every container (prometheus,
        // config-reloader, init-config-reloader) the restricted container context itself.
        securityContext: restrictedPodSecurityContext(IDS.prometheus),
        ...(promReplicas > 1 ? { podAntiAffinity: "soft", podAntiAffinityTopologyKey: "kubernetes.io/hostname" } : {}),
        retention: cfg.retention.metrics,
        ...(cfg.prometheus.retentionSize !== "" ? { retentionSize: cfg.prometheus.retentionSize } : {}),
        tsdb: { outOfOrderTimeWindow: cfg.prometheus.outOfOrderTimeWindow },
        storageSpec: { volumeClaimTemplate: { spec: pvcSpec(cfg, cfg.prometheus.storageSize) } },
        externalLabels: { cluster: cfg.clusterName },
        // Pushed data: the gateway (OTLP) and Tempo's metrics generator (remote write).
        enableRemoteWriteReceiver: true,
        enableOTLPReceiver: true,
        // The translation is pinned (Prometheus 3's default today): metric and label names with dots become
        // underscores and units/`_total` are appended (`http.server.request.duration` in s →
        // `http_server_request_duration_seconds`), the names the contract labels, rules and dashboards use; a
        // default that changes with a Prometheus upgrade would rename every pushed series.
        otlp: {
          promoteResourceAttributes: [...PROMETHEUS_PROMOTED_ATTRIBUTES],
          translationStrategy: "UnderscoreEscapingWithSuffixes",
          keepIdentifyingResourceAttributes: true,
        },
        enableFeatures: ["exemplar-storage"],
        exemplars: { maxSize: 100000 },
        scrapeClasses: [{ name: CONTRACT_SCRAPE_CLASS, default: true, relabelings: contractRelabelings(cfg) }],
        // Selection: one label pair for ServiceMonitors (and Probes/ScrapeConfigs), `app` for PodMonitors,
        // our rule label for PrometheusRules; in any namespace.
        serviceMonitorSelectorNilUsesHelmValues: false,
        serviceMonitorSelector: { matchLabels: { ...SERVICE_MONITOR_LABELS } },
        serviceMonitorNamespaceSelector: {},
        podMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelector: {
          matchExpressions: [
            { key: POD_MONITOR_LABEL, operator: "In", values: [...new Set([...cfg.podMonitorApps, KERNELS_POD_MONITOR_APP])] },
          ],
        },
        podMonitorNamespaceSelector: {},
        probeSelectorNilUsesHelmValues: false,
        probeSelector: { matchLabels: { ...SERVICE_MONITOR_LABELS } },
        probeNamespaceSelector: {},
        scrapeConfigSelectorNilUsesHelmValues: false,
        scrapeConfigSelector: { matchLabels: { ...SERVICE_MONITOR_LABELS } },
        scrapeConfigNamespaceSelector: {},
        ruleSelectorNilUsesHelmValues: false,
        ruleSelector: { matchLabels: { ...RULE_SELECTOR_LABELS } },
        ruleNamespaceSelector: {},
        ...(rw !== undefined
          ? {
              remoteWrite: [
                {
                  url: rw.url,
                  ...(rw.basicAuth
                    ? {
                        basicAuth: {
                          username: { name: REMOTE_WRITE_SECRET, key: REMOTE_WRITE_KEYS.username },
                          password: { name: REMOTE_WRITE_SECRET, key: REMOTE_WRITE_KEYS.password },
                        },
                      }
                    : {}),
                  ...(rw.bearerToken
                    ? { authorization: { type: "Bearer", credentials: { name: REMOTE_WRITE_SECRET, key: REMOTE_WRITE_KEYS.bearerToken } } }
                    : {}),
                },
              ],
            }
          : {}),
      },
    },

    alertmanager: {
      serviceMonitor: sm(),
      podDisruptionBudget: { enabled: amReplicas > 1, minAvailable: 1 },
      alertmanagerSpec: {
        replicas: amReplicas,
        resources: resources(p, "alertmanager/alertmanager"),
        securityContext: restrictedPodSecurityContext(IDS.alertmanager),
        ...(amReplicas > 1 ? { podAntiAffinity: "soft", podAntiAffinityTopologyKey: "kubernetes.io/hostname" } : {}),
        storage: { volumeClaimTemplate: { spec: pvcSpec(cfg, VOLUME_SIZES[p].alertmanager) } },
      },
    },

    grafana: {
      fullnameOverride: RELEASES.grafana.fullname,
      // The chart's default (its appVersion), pinned in versions.ts: the admin-password init container runs the same.
      image: { registry: cfg.images.mirror ?? IMAGES.grafana.registry, repository: IMAGES.grafana.repository, tag: IMAGES.grafana.tag },
      admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: GRAFANA_ADMIN_KEYS.user, passwordKey: GRAFANA_ADMIN_KEYS.password },
      podAnnotations: { "checksum/admin-secret": ctx.grafanaAdminChecksum },
      resources: resources(p, "grafana/grafana"),
      securityContext: restrictedPodSecurityContext(IDS.grafana),
      containerSecurityContext: restricted(),
      // Writable /tmp for Grafana and for each sidecar (read-only root filesystem; see GRAFANA_TMP_VOLUMES), and the
      // plugins installed from a mirror (components/grafana/plugins.ts), when any is configured.
      extraEmptyDirMounts: [
        { name: GRAFANA_TMP_VOLUMES.grafana, mountPath: "/tmp" },
        ...(cfg.grafana.plugins.length > 0 ? [{ name: GRAFANA_PLUGINS_VOLUME, mountPath: GRAFANA_PLUGINS_PATH }] : []),
      ],
      extraVolumes: [
        { name: GRAFANA_TMP_VOLUMES.dashboardsSidecar, emptyDir: {} },
        { name: GRAFANA_TMP_VOLUMES.datasourcesSidecar, emptyDir: {} },
      ],
      sidecar: {
        resources: resources(p, "grafana/sidecar"),
        securityContext: restricted(),
        dashboards: { extraMounts: [{ name: GRAFANA_TMP_VOLUMES.dashboardsSidecar, mountPath: "/tmp" }] },
        datasources: { extraMounts: [{ name: GRAFANA_TMP_VOLUMES.datasourcesSidecar, mountPath: "/tmp" }] },
      },
      // No helm-test pod (it pulls an extra image). Nothing phones home: `grafana.ini` is the Grafana area's.
      testFramework: { enabled: false },
      // Ownership of the volume comes from the pod's fsGroup (472): no root init container (the chart's runs as
      // UID 0 with CHOWN and DAC_OVERRIDE).
      initChownData: { enabled: false },
      // The chart renders Grafana's claim as a release object, which `helm uninstall` deletes (unlike the
      // StatefulSets' claims): `helm.sh/resource-policy: keep` keeps it on destroy with the other prod volumes,
      // and the next install of the same release adopts it (found by the real-engine lane).
      persistence: grafanaPersistent
        ? {
            enabled: true,
            size: VOLUME_SIZES.prod.grafana,
            annotations: { "helm.sh/resource-policy": "keep" },
            ...(cfg.storageClassName ? { storageClassName: cfg.storageClassName } : {}),
          }
        : { enabled: false },
      // A ReadWriteOnce volume cannot follow a rolling update to another node (the new pod waits for the volume the
      // old pod holds, the old pod waits for the new one): replace the pod instead. And Grafana reads the admin
      // password only when it creates its database: on a persistent one, the Secret's is written in before it
      // starts (components/charts/grafana-admin.ts), so a rotated password opens Grafana.
      ...(grafanaPersistent ? { deploymentStrategy: { type: "Recreate" } } : {}),
      ...(grafanaInit.length > 0 ? { extraInitContainers: grafanaInit } : {}),
      serviceMonitor: { labels: monitorLabels() },
    },

    "kube-state-metrics": {
      fullnameOverride: RELEASES.kubeStateMetrics.fullname,
      resources: resources(p, "kube-state-metrics/kube-state-metrics"),
      // `enabled` is the chart's switch; the rest is the pod's securityContext.
      securityContext: { enabled: true, ...restrictedPodSecurityContext(IDS.kubeStateMetrics) },
      containerSecurityContext: restricted(),
      prometheus: { monitor: { additionalLabels: monitorLabels() } },
    },

    "prometheus-node-exporter": {
      fullnameOverride: RELEASES.nodeExporter.fullname,
      resources: resources(p, "node-exporter/node-exporter"),
      securityContext: restrictedPodSecurityContext(IDS.nodeExporter),
      containerSecurityContext: restricted(),
      // The documented exception (HARDENING_EXCEPTIONS): host network and PID namespaces for node metrics, the
      // host's /proc, /sys and / mounted read-only (the chart mounts them `readOnly: true`).
      hostNetwork: true,
      hostPID: true,
      prometheus: { monitor: { additionalLabels: monitorLabels() } },
    },

    // Every other ServiceMonitor the chart creates carries both selection labels too (nothing lost, nothing twice).
    kubeApiServer: { serviceMonitor: sm() },
    kubelet: { serviceMonitor: sm() },
    kubeControllerManager: { serviceMonitor: sm() },
    coreDns: { serviceMonitor: sm() },
    kubeDns: { serviceMonitor: sm() },
    kubeEtcd: { serviceMonitor: sm() },
    kubeScheduler: { serviceMonitor: sm() },
    kubeProxy: { serviceMonitor: sm() },
  };

  return deepMerge(values, {
    grafana: grafanaValues(cfg),
    alertmanager: alertmanagerValues(cfg),
    defaultRules: defaultRulesValues(RULE_SELECTOR_LABELS),
  });
}

const both = (name: string): ClusterScopedObject[] => [
  { kind: "ClusterRole", name },
  { kind: "ClusterRoleBinding", name },
];

export const kubePrometheusStackChart: ChartSpec = {
  stage: 2,
  values: kubePrometheusStack,
  timeoutSeconds: 900,
  secrets: ["grafanaAdmin", "alertingReceivers", "remoteWrite"],
  // Our CRDs come from stage 1 (Helm never upgrades a chart's crds/ directory).
  skipCrds: true,
  clusterScoped: [
    ...both(`${RELEASES.kubePrometheusStack.fullname}-admission`),
    ...both(`${RELEASES.kubePrometheusStack.fullname}-kube-state-metrics`),
    ...both(`${RELEASES.kubePrometheusStack.fullname}-operator`),
    ...both(`${RELEASES.kubePrometheusStack.fullname}-prometheus`),
    { kind: "ClusterRole", name: `${RELEASES.grafana.fullname}-clusterrole` },
    { kind: "ClusterRoleBinding", name: `${RELEASES.grafana.fullname}-clusterrolebinding` },
    { kind: "MutatingWebhookConfiguration", name: `${RELEASES.kubePrometheusStack.fullname}-admission` },
    { kind: "ValidatingWebhookConfiguration", name: `${RELEASES.kubePrometheusStack.fullname}-admission` },
  ],
};
