import {
  gatewayCollectorSpec,
  gatewayConfig,
  legacyJobTransform,
  prometheusExporters,
} from "../../../components/collectors/gateway";
import { contractStatements } from "../../../components/collectors/contract";
import { devConfig, prodConfig } from "./fixtures";

const NS = "datalayer-observer";
const K8S_LABELS = [
  { tag_name: "app", key: "datalayer.io/app", from: "pod" },
  { tag_name: "datalayer.pool.name", key: "jupyterpool.datalayer.io/name", from: "pod" },
  { tag_name: "datalayer.pool.status", key: "jupyterpool.datalayer.io/pod-status", from: "pod" },
  { tag_name: "datalayer.pool.user", key: "jupyterpool.datalayer.io/user-uid", from: "pod" },
  { tag_name: "datalayer.pool.type", key: "jupyterpool.datalayer.io/kernel-type", from: "pod" },
  { tag_name: "datalayer.pool.reservation", key: "jupyterpool.datalayer.io/reservation-id", from: "pod" },
];
const CONTRACT_STATEMENTS = [
  'set(resource.attributes["service.name"], resource.attributes["k8s.container.name"]) where (resource.attributes["service.name"] == nil or IsMatch(resource.attributes["service.name"], "^unknown_service")) and resource.attributes["k8s.container.name"] != nil',
  'set(resource.attributes["service.namespace"], resource.attributes["k8s.namespace.name"]) where resource.attributes["k8s.namespace.name"] != nil',
  'set(resource.attributes["service.instance.id"], resource.attributes["k8s.pod.uid"]) where resource.attributes["k8s.pod.uid"] != nil',
  'set(resource.attributes["namespace"], resource.attributes["k8s.namespace.name"]) where resource.attributes["k8s.namespace.name"] != nil',
  'set(resource.attributes["pod"], resource.attributes["k8s.pod.name"]) where resource.attributes["k8s.pod.name"] != nil',
  'set(resource.attributes["cluster"], "local")',
  'set(resource.attributes["instance"], resource.attributes["k8s.pod.uid"]) where resource.attributes["k8s.pod.uid"] != nil',
];
const DEV_DELIVERY = {
  retry_on_failure: { enabled: true, initial_interval: "5s", max_interval: "30s", max_elapsed_time: "300s" },
  sending_queue: { enabled: true, num_consumers: 4, queue_size: 2000 },
};

describe("gateway (dev golden)", () => {
  it("builds the exact spec", () => {
    expect(gatewayCollectorSpec(devConfig())).toEqual({
      mode: "deployment",
      replicas: 1,
      resources: { requests: { cpu: "100m", memory: "192Mi" }, limits: { memory: "512Mi" } },
      image: "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.158.0",
      upgradeStrategy: "none",
      managementState: "managed",
      serviceAccount: "observer-gateway",
      networkPolicy: { enabled: false },
      observability: { metrics: { enableMetrics: false, disablePrometheusAnnotations: true } },
      securityContext: {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      },
      podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      config: {
        receivers: { otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } } },
        processors: {
          memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
          k8s_attributes: {
            auth_type: "serviceAccount",
            passthrough: false,
            extract: {
              metadata: ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.node.name", "k8s.container.name"],
              labels: K8S_LABELS,
            },
            pod_association: [
              { sources: [{ from: "resource_attribute", name: "k8s.pod.ip" }] },
              { sources: [{ from: "resource_attribute", name: "k8s.pod.uid" }] },
              { sources: [{ from: "connection" }] },
            ],
          },
          "transform/contract": {
            error_mode: "ignore",
            trace_statements: CONTRACT_STATEMENTS,
            metric_statements: CONTRACT_STATEMENTS,
            log_statements: CONTRACT_STATEMENTS,
          },
          batch: { send_batch_size: 8192, send_batch_max_size: 16384, timeout: "1s" },
        },
        exporters: {
          "otlp_grpc/tempo": { endpoint: `observer-tempo.${NS}.svc.cluster.local:4317`, tls: { insecure: true }, ...DEV_DELIVERY },
          "otlp_http/prometheus": {
            metrics_endpoint: `http://observer-prometheus.${NS}.svc.cluster.local:9090/api/v1/otlp/v1/metrics`,
            ...DEV_DELIVERY,
          },
          "otlp_http/loki": { logs_endpoint: `http://observer-loki.${NS}.svc.cluster.local:3100/otlp/v1/logs`, ...DEV_DELIVERY },
        },
        extensions: { health_check: { endpoint: "0.0.0.0:13133" } },
        service: {
          extensions: ["health_check"],
          telemetry: {
            metrics: { level: "normal", readers: [{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: 8889, without_type_suffix: false, without_units: false, without_scope_info: true } } } }] },
            logs: { level: "info", encoding: "json" },
          },
          pipelines: {
            traces: { receivers: ["otlp"], processors: ["memory_limiter", "k8s_attributes", "transform/contract", "batch"], exporters: ["otlp_grpc/tempo"] },
            metrics: { receivers: ["otlp"], processors: ["memory_limiter", "k8s_attributes", "transform/contract", "batch"], exporters: ["otlp_http/prometheus"] },
            logs: { receivers: ["otlp"], processors: ["memory_limiter", "k8s_attributes", "transform/contract", "batch"], exporters: ["otlp_http/loki"] },
          },
        },
      },
    });
  });

  it("contract statements match the golden list", () => {
    expect(contractStatements("local")).toEqual(CONTRACT_STATEMENTS);
  });

  it("self-metrics avoid 8888 (opentelemetry-operator#5416)", () => {
    const c = gatewayConfig(devConfig()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(c.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port).not.toBe(8888);
    expect(c.service.telemetry.metrics.address).toBeUndefined();
  });
});

describe("gateway (prod)", () => {
  const cfg = prodConfig({}, "datalayer");
  const spec = gatewayCollectorSpec(cfg) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  it("pushes metrics to every Prometheus replica of the config (prod has 2), one exporter each", () => {
    const prom = Object.entries<{ metrics_endpoint?: string }>(spec.config.exporters).filter(([k]) => k.startsWith("otlp_http/prometheus"));
    expect(prom.map(([k, e]) => [k, e.metrics_endpoint])).toEqual([0, 1].map((i) => [
      `otlp_http/prometheus-${i}`,
      `http://observer-prometheus-${i}.${NS}.svc.cluster.local:9090/api/v1/otlp/v1/metrics`,
    ]));
  });

  it("is a StatefulSet with a queue volume per replica, autoscaler and PDB", () => {
    expect(spec.mode).toBe("statefulset");
    expect(spec.replicas).toBe(2);
    expect(spec.autoscaler).toEqual({
      minReplicas: 2,
      maxReplicas: 6,
      targetCPUUtilization: 70,
      targetMemoryUtilization: 70,
      behavior: { scaleDown: { selectPolicy: "Disabled" } },
    });
    expect(spec.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    expect(spec.volumeClaimTemplates).toEqual([
      { metadata: { name: "queue" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "4Gi" } } } },
    ]);
    expect(spec.volumeMounts).toEqual([{ name: "queue", mountPath: "/var/lib/otelcol/queue" }]);
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
    expect(spec.podSecurityContext).toEqual({ runAsNonRoot: true, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } });
  });

  it("no scale-down strands a persistent queue: the autoscaler never removes a replica whose volume holds one", () => {
    // A StatefulSet scale-down removes the highest ordinals; their volumes stay (whenScaled: Retain) but nothing reads
    // them until those ordinals return, and the collector keeps a file-backed queue on disk at shutdown instead of
    // draining it. So when a volumeClaimTemplate holds the directory of a file_storage extension that a sending queue
    // uses, the HorizontalPodAutoscaler (which the operator builds from spec.autoscaler, behavior included) must not
    // scale down.
    const queueDirs = Object.entries<any>(spec.config.extensions) // eslint-disable-line @typescript-eslint/no-explicit-any
      .filter(([id]) => id.startsWith("file_storage"))
      .filter(([id]) => Object.values<any>(spec.config.exporters).some((e) => e.sending_queue?.storage === id)) // eslint-disable-line @typescript-eslint/no-explicit-any
      .map(([, ext]) => ext.directory as string);
    const claimed = (spec.volumeMounts as { name: string; mountPath: string }[]).filter((m) =>
      (spec.volumeClaimTemplates as { metadata: { name: string } }[]).some((t) => t.metadata.name === m.name),
    );
    const persistentQueue = queueDirs.some((d) => claimed.some((m) => d === m.mountPath || d.startsWith(`${m.mountPath}/`)));
    expect(persistentQueue).toBe(true);
    expect(spec.mode).toBe("statefulset");
    expect(spec.autoscaler?.behavior?.scaleDown?.selectPolicy).toBe("Disabled");
  });

  it("every exporter uses the file-backed persistent queue", () => {
    expect(spec.config.extensions["file_storage/queue"]).toEqual({
      directory: "/var/lib/otelcol/queue",
      timeout: "10s",
      compaction: { on_start: true, on_rebound: true, directory: "/var/lib/otelcol/queue" },
    });
    expect(spec.config.service.extensions).toEqual(["health_check", "file_storage/queue"]);
    for (const [name, e] of Object.entries<any>(spec.config.exporters)) { // eslint-disable-line @typescript-eslint/no-explicit-any
      expect([name, e.sending_queue]).toEqual([name, { enabled: true, num_consumers: 4, queue_size: 10000, storage: "file_storage/queue" }]);
      expect([name, e.retry_on_failure]).toEqual([name, { enabled: true, initial_interval: "5s", max_interval: "30s", max_elapsed_time: "900s" }]);
    }
  });

  it("sends metrics to every Prometheus replica", () => {
    expect(spec.config.service.pipelines.metrics.exporters).toEqual(["otlp_http/prometheus-0", "otlp_http/prometheus-1"]);
    expect(spec.config.exporters["otlp_http/prometheus-1"].metrics_endpoint).toBe(
      `http://observer-prometheus-1.${NS}.svc.cluster.local:9090/api/v1/otlp/v1/metrics`,
    );
  });

  it("sends the Loki tenant header", () => {
    expect(spec.config.exporters["otlp_http/loki"].headers).toEqual({ "X-Scope-OrgID": "datalayer" });
  });

  it("uses the configured storage class and sizes", () => {
    const c = prodConfig({ collectors: { gateway: { replicas: 3, maxReplicas: 9, queueStorage: "10Gi", storageClassName: "fast" } } });
    const s = gatewayCollectorSpec(c) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(s.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "10Gi" } },
      storageClassName: "fast",
    });
    expect([s.autoscaler.minReplicas, s.autoscaler.maxReplicas]).toEqual([3, 9]);
  });
});

describe("Prometheus exporters", () => {
  it("requires at least one URL", () => {
    expect(() => prometheusExporters(devConfig(), [])).toThrow(/at least one Prometheus URL/);
  });
  it("strips a trailing slash", () => {
    expect(prometheusExporters(devConfig(), ["http://p:9090/"]).exporters["otlp_http/prometheus"]!["metrics_endpoint"]).toBe(
      "http://p:9090/api/v1/otlp/v1/metrics",
    );
  });
});

describe("metrics.jobLabel", () => {
  it("otel (default): no job rewrite; Prometheus derives job = service.namespace/service.name", () => {
    const c = gatewayConfig(devConfig()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(c.processors["transform/prometheus-job-legacy"]).toBeUndefined();
  });
  it("legacy: a metrics-only step before batch", () => {
    const c = gatewayConfig(devConfig({ metrics: { jobLabel: "legacy" } })) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(c.service.pipelines.metrics.processors).toEqual([
      "memory_limiter",
      "k8s_attributes",
      "transform/contract",
      "transform/prometheus-job-legacy",
      "batch",
    ]);
    expect(c.service.pipelines.traces.processors).toEqual(["memory_limiter", "k8s_attributes", "transform/contract", "batch"]);
    expect(c.processors["transform/prometheus-job-legacy"]).toEqual(legacyJobTransform());
    expect(legacyJobTransform()).toEqual({
      error_mode: "ignore",
      metric_statements: [
        {
          context: "datapoint",
          statements: [
            'set(datapoint.attributes["service.name"], resource.attributes["service.name"]) where resource.attributes["service.name"] != nil',
            'set(datapoint.attributes["service.namespace"], resource.attributes["service.namespace"]) where resource.attributes["service.namespace"] != nil',
          ],
        },
        {
          context: "resource",
          statements: [
            'set(resource.attributes["service.name"], resource.attributes["service.namespace"]) where resource.attributes["service.namespace"] != nil',
            'delete_key(resource.attributes, "service.namespace")',
          ],
        },
      ],
    });
  });
});

describe("the operator's collector NetworkPolicy", () => {
  it("is off while our NetworkPolicies govern the namespace, and the fallback isolation when they are off", () => {
    expect((gatewayCollectorSpec(devConfig()) as { networkPolicy: unknown }).networkPolicy).toEqual({ enabled: false });
    expect((gatewayCollectorSpec(devConfig({ networkPolicy: { enabled: false } })) as { networkPolicy: unknown }).networkPolicy).toEqual({ enabled: true });
  });
});
