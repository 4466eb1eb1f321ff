import { alertmanagerValues, defaultRulesValues } from "../../../components/alerting/values";
import {
  contractRelabelings,
  GRAFANA_ADMIN_SECRET,
  kubePrometheusStack,
  RULE_SELECTOR_LABELS,
} from "../../../components/charts/kube-prometheus-stack";
import { deepMerge } from "../../../components/charts/merge";
import { grafanaValues } from "../../../components/grafana/values";
import { cfg, CTX } from "./fixtures";
import { withoutSecurity } from "./security-paths";

type V = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const LABELS = { "monitoring.datalayer.io/instance": "observer", "monitoring.datalayer.io/enabled": "true" };
const RELABELINGS_LOCAL = [
  { action: "replace", targetLabel: "cluster", replacement: "local" },
  { action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_datalayer_io_app"], regex: "(.+)", targetLabel: "app", replacement: "$1" },
  { action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_jupyterpool_datalayer_io_name"], regex: "(.+)", targetLabel: "datalayer_pool_name", replacement: "$1" },
  { action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_jupyterpool_datalayer_io_pod_status"], regex: "(.+)", targetLabel: "datalayer_pool_status", replacement: "$1" },
  { action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_jupyterpool_datalayer_io_user_uid"], regex: "(.+)", targetLabel: "datalayer_pool_user", replacement: "$1" },
  { action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_jupyterpool_datalayer_io_kernel_type"], regex: "(.+)", targetLabel: "datalayer_pool_type", replacement: "$1" },
  { action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_jupyterpool_datalayer_io_reservation_id"], regex: "(.+)", targetLabel: "datalayer_pool_reservation", replacement: "$1" },
];

const SELECTION = {
  serviceMonitorSelectorNilUsesHelmValues: false,
  serviceMonitorSelector: { matchLabels: LABELS },
  serviceMonitorNamespaceSelector: {},
  podMonitorSelectorNilUsesHelmValues: false,
  podMonitorSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["pulsar", "datalayer-kernels"] }] },
  podMonitorNamespaceSelector: {},
  probeSelectorNilUsesHelmValues: false,
  probeSelector: { matchLabels: LABELS },
  probeNamespaceSelector: {},
  scrapeConfigSelectorNilUsesHelmValues: false,
  scrapeConfigSelector: { matchLabels: LABELS },
  scrapeConfigNamespaceSelector: {},
  ruleSelectorNilUsesHelmValues: false,
  ruleSelector: { matchLabels: { "monitoring.datalayer.io/instance": "observer" } },
  ruleNamespaceSelector: {},
};

describe("kubePrometheusStack", () => {
  it("dev: Prometheus spec exactly (security contexts: security.test.ts)", () => {
    const v = withoutSecurity("kubePrometheusStack", kubePrometheusStack(cfg("dev"), CTX)) as V;
    expect(v.prometheus.prometheusSpec).toEqual({
      replicas: 1,
      resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { memory: "1536Mi" } },
      retention: "7d",
      tsdb: { outOfOrderTimeWindow: "10m" },
      storageSpec: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } } },
      externalLabels: { cluster: "local" },
      enableRemoteWriteReceiver: true,
      enableOTLPReceiver: true,
      otlp: {
        promoteResourceAttributes: [
          "service.name", "service.namespace", "service.instance.id", "app", "namespace", "pod", "cluster",
          "datalayer.pool.name", "datalayer.pool.status", "datalayer.pool.user", "datalayer.pool.type", "datalayer.pool.reservation",
        ],
        translationStrategy: "UnderscoreEscapingWithSuffixes",
        keepIdentifyingResourceAttributes: true,
      },
      enableFeatures: ["exemplar-storage"],
      exemplars: { maxSize: 100000 },
      scrapeClasses: [{ name: "observer-contract", default: true, relabelings: RELABELINGS_LOCAL }],
      ...SELECTION,
    });
    expect(v.prometheus.servicePerReplica).toEqual({ enabled: false });
    expect(v.prometheus.podDisruptionBudget).toEqual({ enabled: false, minAvailable: 1 });
    expect(v.crds).toEqual({ enabled: false });
    expect(v.fullnameOverride).toBe("observer");
    expect(v.global).toBeUndefined();
  });

  it("prod: HA Prometheus (per-replica Services, PDB, anti-affinity), size retention, out-of-order window, remote write with secret refs", () => {
    const v = kubePrometheusStack(cfg("prodFull"), CTX) as V;
    const spec = v.prometheus.prometheusSpec;
    expect({
      replicas: spec.replicas,
      podAntiAffinity: spec.podAntiAffinity,
      podAntiAffinityTopologyKey: spec.podAntiAffinityTopologyKey,
      retention: spec.retention,
      retentionSize: spec.retentionSize,
      tsdb: spec.tsdb,
      storageSpec: spec.storageSpec,
      remoteWrite: spec.remoteWrite,
      externalLabels: spec.externalLabels,
    }).toEqual({
      replicas: 3,
      podAntiAffinity: "soft",
      podAntiAffinityTopologyKey: "kubernetes.io/hostname",
      retention: "30d",
      retentionSize: "45GB",
      tsdb: { outOfOrderTimeWindow: "20m" },
      storageSpec: {
        volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } }, storageClassName: "fast-ssd" } },
      },
      remoteWrite: [
        {
          url: "https://mimir.example.com/api/v1/push",
          basicAuth: {
            username: { name: "observer-prometheus-remote-write", key: "username" },
            password: { name: "observer-prometheus-remote-write", key: "password" },
          },
        },
      ],
      externalLabels: { cluster: "prod-eu-1" },
    });
    expect(v.prometheus.servicePerReplica).toEqual({ enabled: true });
    expect(v.prometheus.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
    expect(v.alertmanager.alertmanagerSpec.replicas).toBe(3);
    expect(v.alertmanager.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
    expect(v.global).toEqual({ imageRegistry: "registry.example.com/mirror" });
    expect(JSON.stringify(v)).not.toContain('"p"'); // the remote-write password never reaches values
  });

  it("prod: bearer-token remote write references the Secret", () => {
    const v = kubePrometheusStack(cfg("prodBearer"), CTX) as V;
    expect(v.prometheus.prometheusSpec.remoteWrite).toEqual([
      {
        url: "https://mimir.example.com/api/v1/push",
        authorization: { type: "Bearer", credentials: { name: "observer-prometheus-remote-write", key: "bearer-token" } },
      },
    ]);
  });

  it("Grafana: admin from the Secret, checksum annotation, nothing phones home, merged with the Grafana area's block", () => {
    const c = cfg("dev");
    const v = withoutSecurity("kubePrometheusStack", kubePrometheusStack(c, CTX)) as V;
    const mine = {
      fullnameOverride: "observer-grafana",
      image: { registry: "docker.io", repository: "grafana/grafana", tag: "13.2.0" },
      admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
      podAnnotations: { "checksum/admin-secret": "0123abcd" },
      resources: { requests: { cpu: "50m", memory: "160Mi" }, limits: { memory: "384Mi" } },
      sidecar: { resources: { requests: { cpu: "10m", memory: "48Mi" }, limits: { memory: "128Mi" } } },
      "grafana.ini": {
        analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false, feedback_links_enabled: false },
        news: { news_feed_enabled: false },
      },
      testFramework: { enabled: false },
      initChownData: { enabled: false },
      persistence: { enabled: false },
      serviceMonitor: { labels: LABELS },
    };
    expect(v.grafana).toEqual(deepMerge(mine, grafanaValues(c)));
    expect(GRAFANA_ADMIN_SECRET).toBe("observer-grafana-admin");
    const prod = (kubePrometheusStack(cfg("prod"), CTX) as V).grafana;
    // Kept on destroy like the StatefulSets' claims (proved on a live API server by tests/engine/prod.engine.test.ts).
    expect(prod.persistence).toEqual({ enabled: true, size: "5Gi", annotations: { "helm.sh/resource-policy": "keep" } });
    expect(prod.deploymentStrategy).toEqual({ type: "Recreate" });
    expect(prod.extraInitContainers.map((c: { name: string }) => c.name)).toEqual(["observer-admin-password"]);
    expect(prod.image).toEqual({ registry: "docker.io", repository: "grafana/grafana", tag: "13.2.0" });
    expect((kubePrometheusStack(cfg("prodFull"), CTX) as V).grafana.image.registry).toBe("registry.example.com/mirror");
    expect([v.grafana.deploymentStrategy, v.grafana.extraInitContainers]).toEqual([undefined, undefined]);
  });

  it("Alertmanager and default rules: the alerting area's blocks merged over ours", () => {
    const c = cfg("dev");
    const v = withoutSecurity("kubePrometheusStack", kubePrometheusStack(c, CTX)) as V;
    expect(v.alertmanager).toEqual(
      deepMerge(
        {
          serviceMonitor: { additionalLabels: LABELS },
          podDisruptionBudget: { enabled: false, minAvailable: 1 },
          alertmanagerSpec: {
            replicas: 1,
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
            storage: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } } },
          },
        },
        alertmanagerValues(c),
      ),
    );
    expect(v.defaultRules).toEqual(deepMerge({ labels: { ...RULE_SELECTOR_LABELS } }, defaultRulesValues()));
  });

  it("every ServiceMonitor the chart creates carries both selection labels", () => {
    const v = kubePrometheusStack(cfg("dev"), CTX) as V;
    for (const block of ["alertmanager", "prometheus", "prometheusOperator", "kubeApiServer", "kubelet", "kubeControllerManager", "coreDns", "kubeDns", "kubeEtcd", "kubeScheduler", "kubeProxy"]) {
      expect({ block, labels: v[block].serviceMonitor.additionalLabels }).toEqual({ block, labels: LABELS });
    }
    expect(v["kube-state-metrics"].prometheus.monitor.additionalLabels).toEqual(LABELS);
    expect(v["prometheus-node-exporter"].prometheus.monitor.additionalLabels).toEqual(LABELS);
    expect(v.grafana.serviceMonitor.labels).toEqual(LABELS);
  });

  it("operator, config reloaders, webhook jobs, exporters sized from the table", () => {
    const v = withoutSecurity("kubePrometheusStack", kubePrometheusStack(cfg("prod"), CTX)) as V;
    expect(v.prometheusOperator).toEqual({
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      prometheusConfigReloader: { resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } } },
      admissionWebhooks: { patch: { resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } } } },
      serviceMonitor: { additionalLabels: LABELS },
    });
    expect(v["kube-state-metrics"].fullnameOverride).toBe("observer-kube-state-metrics");
    expect(v["prometheus-node-exporter"]).toEqual({
      fullnameOverride: "observer-node-exporter",
      resources: { requests: { cpu: "50m", memory: "48Mi" }, limits: { memory: "128Mi" } },
      prometheus: { monitor: { additionalLabels: LABELS } },
    });
  });

  it("PodMonitor apps: the configured list plus the kernels' PodMonitor, without duplicates", () => {
    const c = { ...cfg("dev"), podMonitorApps: ["pulsar", "datalayer-kernels", "spark"] };
    const v = kubePrometheusStack(c, CTX) as V;
    expect(v.prometheus.prometheusSpec.podMonitorSelector).toEqual({
      matchExpressions: [{ key: "app", operator: "In", values: ["pulsar", "datalayer-kernels", "spark"] }],
    });
  });

  // What pushed metrics really get from these settings is checked with a real Prometheus: tests/tools/prometheus-otlp.test.ts.
  it("the default scrape class writes the cluster first", () => {
    expect(contractRelabelings({ clusterName: "c1" })[0]).toEqual({ action: "replace", targetLabel: "cluster", replacement: "c1" });
  });
});
