/**
 * The OTLP gateway (`datalayer-collector`): receives OTLP from services and remote kernels,
 * enriches it, writes the metadata contract, and sends traces to Tempo, metrics to Prometheus'
 * native OTLP endpoint and logs to Loki's. Pure builders: the full OpenTelemetryCollector
 * v1beta1 `spec`, config as an object.
 */
import type { ObserverConfig } from "../config";
import { endpoints, PORTS } from "../endpoints";
import { collectorResources } from "../sizing";
import {
  batch,
  commonSpec,
  delivery,
  healthCheck,
  k8sAttributes,
  lokiExporter,
  memoryLimiter,
  contractTransform,
  selfTelemetry,
  SERVICE_ACCOUNTS,
  type JsonObject,
  toJson,
} from "./common";

/** Storage extension backing the gateway's persistent sending queues (prod). */
const GATEWAY_QUEUE_STORAGE = "file_storage/queue";
/** Mount path of the per-replica queue volume (prod). */
const GATEWAY_QUEUE_PATH = "/var/lib/otelcol/queue";
/** Name of the StatefulSet volumeClaimTemplate holding the queue (prod). */
const GATEWAY_QUEUE_VOLUME = "queue";

/** Processor order of every gateway pipeline; the metrics pipeline may add the legacy job step before batch. */
const GATEWAY_PROCESSORS = ["memory_limiter", "k8s_attributes", "transform/contract", "batch"] as const;
/** Metrics-only processor giving `job = service.namespace` (config `metrics.jobLabel: legacy`). */
const LEGACY_JOB_PROCESSOR = "transform/prometheus-job-legacy";

/** Prometheus' OTLP ingestion path (needs `enableOTLPReceiver: true`). */
export const PROMETHEUS_OTLP_PATH = "/api/v1/otlp/v1/metrics";

/**
 * One `otlp_http` exporter per Prometheus (replica) base URL. Each has its own retry and queue,
 * so a slow or restarting replica never holds back the others. Returns the exporters and their
 * names in URL order.
 */
export function prometheusExporters(
  cfg: ObserverConfig,
  prometheusUrls: readonly string[],
  storage?: string,
): { exporters: Record<string, JsonObject>; names: string[] } {
  if (prometheusUrls.length === 0) throw new Error("prometheusExporters: at least one Prometheus URL is required");
  const exporters: Record<string, JsonObject> = {};
  const names = prometheusUrls.map((url, i) => {
    const name = prometheusUrls.length === 1 ? "otlp_http/prometheus" : `otlp_http/prometheus-${i}`;
    exporters[name] = {
      metrics_endpoint: `${url.replace(/\/+$/, "")}${PROMETHEUS_OTLP_PATH}`,
      ...delivery(cfg, storage),
    };
    return name;
  });
  return { exporters, names };
}

/**
 * `metrics.jobLabel: legacy`. Prometheus (otlptranslator, v3.14) sets `job` from the resource:
 * `service.namespace/service.name`, or `service.name` alone; and data-point attributes win over
 * promoted resource attributes. So, in the metrics pipeline only: copy the real `service.name` and
 * `service.namespace` onto every data point (they stay the `service_name`/`service_namespace`
 * labels), then make the resource's `service.name` the namespace and drop `service.namespace`,
 * which yields `job = <namespace>`. `instance` (from `service.instance.id`) is unchanged.
 * Two statement groups, run in order: data points first, then resources.
 */
export function legacyJobTransform(): JsonObject {
  const name = 'resource.attributes["service.name"]';
  const ns = 'resource.attributes["service.namespace"]';
  return {
    error_mode: "ignore",
    metric_statements: [
      {
        context: "datapoint",
        statements: [
          `set(datapoint.attributes["service.name"], ${name}) where ${name} != nil`,
          `set(datapoint.attributes["service.namespace"], ${ns}) where ${ns} != nil`,
        ],
      },
      {
        context: "resource",
        statements: [`set(${name}, ${ns}) where ${ns} != nil`, `delete_key(resource.attributes, "service.namespace")`],
      },
    ],
  };
}

/**
 * The gateway's collector `config`. Metrics go to every Prometheus replica: with more than one, each has its own
 * Service (components/endpoints.ts), and every replica must receive every sample (OTLP push is not replicated by
 * Prometheus itself).
 */
export function gatewayConfig(cfg: ObserverConfig): JsonObject {
  const ep = endpoints(cfg);
  const prod = cfg.profile === "prod";
  const storage = prod ? GATEWAY_QUEUE_STORAGE : undefined;
  const prom = prometheusExporters(cfg, ep.prometheusReplicas.map((e) => e.url), storage);
  const legacy = cfg.metrics.jobLabel === "legacy";
  const processors = [...GATEWAY_PROCESSORS];
  const metricsProcessors = legacy ? [...processors.slice(0, -1), LEGACY_JOB_PROCESSOR, "batch"] : processors;

  return {
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `0.0.0.0:${PORTS.otlpGrpc}` },
          http: { endpoint: `0.0.0.0:${PORTS.otlpHttp}` },
        },
      },
    },
    processors: {
      memory_limiter: memoryLimiter(),
      k8s_attributes: k8sAttributes({
        podAssociation: [
          [{ from: "resource_attribute", name: "k8s.pod.ip" }],
          [{ from: "resource_attribute", name: "k8s.pod.uid" }],
          [{ from: "connection" }],
        ],
      }),
      "transform/contract": contractTransform(cfg),
      ...(legacy ? { [LEGACY_JOB_PROCESSOR]: legacyJobTransform() } : {}),
      batch: batch(),
    },
    exporters: {
      "otlp_grpc/tempo": {
        endpoint: `${ep.tempoOtlpGrpc.host}:${ep.tempoOtlpGrpc.port}`,
        tls: { insecure: true },
        ...delivery(cfg, storage),
      },
      ...prom.exporters,
      "otlp_http/loki": lokiExporter(cfg, storage),
    },
    extensions: {
      health_check: healthCheck(),
      ...(prod
        ? {
            [GATEWAY_QUEUE_STORAGE]: {
              directory: GATEWAY_QUEUE_PATH,
              timeout: "10s",
              compaction: { on_start: true, on_rebound: true, directory: GATEWAY_QUEUE_PATH },
            },
          }
        : {}),
    },
    service: {
      extensions: ["health_check", ...(prod ? [GATEWAY_QUEUE_STORAGE] : [])],
      telemetry: selfTelemetry(),
      pipelines: {
        traces: { receivers: ["otlp"], processors: [...processors], exporters: ["otlp_grpc/tempo"] },
        metrics: { receivers: ["otlp"], processors: metricsProcessors, exporters: prom.names },
        logs: { receivers: ["otlp"], processors: [...processors], exporters: ["otlp_http/loki"] },
      },
    },
  };
}

/**
 * The full gateway `spec`. dev: one small Deployment replica with in-memory queues. prod:
 * StatefulSet with one volume per replica for persistent queues, an autoscaler that only scales up (HPA: needs
 * metrics-server) and a PodDisruptionBudget.
 */
export function gatewayCollectorSpec(cfg: ObserverConfig): JsonObject {
  const g = cfg.collectors.gateway;
  const base = {
    ...commonSpec(cfg, SERVICE_ACCOUNTS.gateway),
    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    config: gatewayConfig(cfg),
  };
  if (cfg.profile === "dev") {
    return {
      mode: "deployment",
      replicas: g.replicas,
      resources: toJson(collectorResources(cfg.profile).gateway),
      ...base,
    };
  }
  return {
    mode: "statefulset",
    replicas: g.replicas,
    autoscaler: {
      minReplicas: g.replicas,
      maxReplicas: g.maxReplicas,
      targetCPUUtilization: 70,
      targetMemoryUtilization: 70,
      // Scale up only. A scale-down removes the highest ordinals, and the collector keeps a file-backed queue on disk
      // at shutdown rather than draining it: whatever those replicas had queued (a backend outage's worth) would wait
      // on their retained volumes until the ordinals come back, and by then be too old for Prometheus' window. Lower
      // the replica count by hand once the highest ordinals' queues are empty (docs/production.md).
      behavior: { scaleDown: { selectPolicy: "Disabled" } },
    },
    podDisruptionBudget: { maxUnavailable: 1 },
    resources: toJson(collectorResources(cfg.profile).gateway),
    volumeClaimTemplates: [
      {
        metadata: { name: GATEWAY_QUEUE_VOLUME },
        spec: {
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: g.queueStorage } },
          ...(g.storageClassName !== undefined ? { storageClassName: g.storageClassName } : {}),
        },
      },
    ],
    // A manual scale-down keeps the volume (what is left in it drains when the replica returns); destroy removes it.
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
    volumeMounts: [{ name: GATEWAY_QUEUE_VOLUME, mountPath: GATEWAY_QUEUE_PATH }],
    // The queue directory must be writable by the non-root collector user.
    ...base,
    podSecurityContext: { runAsNonRoot: true, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
  };
}
