/**
 * Values for tempo-distributed 3.3.0 (Tempo 3.0.3), pure. Used only in prod when `observer:tempo.kafka`
 * names a Kafka-compatible queue (Tempo 3's write path: distributors write to Kafka, live-stores and
 * block-builders consume it). Object storage with credentials as environment variables from a Secret.
 *
 * The metrics generator is configured from the same block the single-binary chart gets
 * (components/grafana/metrics-generator.ts), translated to this chart's layout by {@link generatorFromSingleBinary}.
 */
import type { ObserverConfig } from "../config";
import { durationHours } from "../forms";
import { RELEASES, tempoMode } from "../endpoints";
import { tempoMetricsGeneratorValues } from "../grafana/metrics-generator";
import { replicas, resources, TEMPO_CACHE_MB } from "../sizing";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../security/pod-security";
import { monitorLabels } from "./common";
import { deepMerge, isPlainObject } from "./merge";
import { OBJECT_STORAGE_SECRET } from "./secrets";
import type { ChartSpec } from "./spec";
import { tempoS3 } from "./tempo";

/** The non-root ids of its pods: the chart's own defaults for each image (volumes keep their ownership). */
const IDS = {
  /** tempo-distributed `tempo.securityContext` / `tempo.podSecurityContext` (also its memcached). */
  tempoDistributed: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
} as const;

/**
 * Maps the single-binary chart's generator values (`tempo.metricsGenerator.{enabled,processor,registry,
 * storage.remote_write,remoteWriteUrl}`, `tempo.overrides`) to tempo-distributed's
 * (`metricsGenerator.{enabled,config.*}`, `overrides`).
 */
export function generatorFromSingleBinary(single: Record<string, unknown>): Record<string, unknown> {
  const t = isPlainObject(single.tempo) ? single.tempo : {};
  const g = isPlainObject(t.metricsGenerator) ? t.metricsGenerator : {};
  const storage = isPlainObject(g.storage) ? g.storage : {};
  const remoteWrite = Array.isArray(storage.remote_write) && storage.remote_write.length > 0
    ? storage.remote_write
    : typeof g.remoteWriteUrl === "string"
      ? [{ url: g.remoteWriteUrl }]
      : undefined;
  const config: Record<string, unknown> = {
    ...(isPlainObject(g.processor) ? { processor: g.processor } : {}),
    ...(isPlainObject(g.registry) ? { registry: g.registry } : {}),
    ...(remoteWrite !== undefined ? { storage: { remote_write: remoteWrite } } : {}),
  };
  return {
    ...(typeof g.enabled === "boolean" || Object.keys(config).length > 0
      ? { metricsGenerator: { ...(typeof g.enabled === "boolean" ? { enabled: g.enabled } : {}), ...(Object.keys(config).length > 0 ? { config } : {}) } }
      : {}),
    ...(isPlainObject(t.overrides) ? { overrides: t.overrides } : {}),
  };
}

export function tempoDistributed(cfg: ObserverConfig): Record<string, unknown> {
  const p = cfg.profile;
  const kafka = cfg.tempo.kafka;
  if (kafka === undefined) throw new Error("tempo-distributed: needs observer:tempo.kafka.address");
  const m = cfg.images.mirror;
  const creds = cfg.objectStorage?.credentials !== undefined;
  // Credentials reach the Tempo components (not memcached) only as environment variables from the Secret,
  // substituted into the config by `-config.expand-env=true`.
  const env = creds
    ? { extraArgs: ["-config.expand-env=true"], extraEnvFrom: [{ secretRef: { name: OBJECT_STORAGE_SECRET } }] }
    : {};
  const sized = (workload: Parameters<typeof replicas>[1], container: Parameters<typeof resources>[1]) => ({
    ...env,
    replicas: replicas(p, workload),
    resources: resources(p, container),
  });
  const values: Record<string, unknown> = {
    fullnameOverride: RELEASES.tempoDistributed.fullname,
    ...(m !== undefined ? { global: { image: { registry: m } } } : {}),
    reportingEnabled: false,
    // Every component and the memcached cache (templates/_pod.tpl, memcached/statefulset-memcached.yaml):
    // `tempo.podSecurityContext` for the pods, `tempo.securityContext` for the containers. Writes go to /var/tempo (emptyDir or PVC).
    tempo: { podSecurityContext: restrictedPodSecurityContext(IDS.tempoDistributed), securityContext: restrictedContainerSecurityContext() },
    ingest: { kafka: { address: kafka.address, topic: kafka.topic } },
    traces: { otlp: { grpc: { enabled: true }, http: { enabled: true } } },
    storage: { trace: { backend: "s3", s3: tempoS3(cfg) } },
    distributor: sized("tempo-distributed/distributor", "tempo-distributed/distributor"),
    liveStore: sized("tempo-distributed/live-store", "tempo-distributed/live-store"),
    blockBuilder: sized("tempo-distributed/block-builder", "tempo-distributed/block-builder"),
    querier: sized("tempo-distributed/querier", "tempo-distributed/querier"),
    queryFrontend: sized("tempo-distributed/query-frontend", "tempo-distributed/query-frontend"),
    backendScheduler: {
      ...env,
      resources: resources(p, "tempo-distributed/backend-scheduler"),
      config: { provider: { compaction: { compaction: { block_retention: `${durationHours(cfg.retention.traces)}h` } } } },
    },
    backendWorker: {
      ...sized("tempo-distributed/backend-worker", "tempo-distributed/backend-worker"),
      // The chart reads these for more than one replica but has no defaults for them (nil pointer otherwise):
      // templates/backend-worker/poddisruptionbudget-backend-worker.yaml.
      podDisruptionBudget: { enabled: true },
      maxUnavailable: 1,
    },
    metricsGenerator: { enabled: true, ...sized("tempo-distributed/metrics-generator", "tempo-distributed/metrics-generator") },
    memcached: {
      replicas: replicas(p, "tempo-distributed/memcached"),
      resources: resources(p, "tempo-distributed/memcached"),
      extraArgs: [`-m ${TEMPO_CACHE_MB}`],
    },
    metaMonitoring: { serviceMonitor: { enabled: true, labels: monitorLabels() } },
  };
  return deepMerge(values, generatorFromSingleBinary(tempoMetricsGeneratorValues(cfg)));
}

export const tempoDistributedChart: ChartSpec = {
  stage: 2,
  values: tempoDistributed,
  installed: (cfg) => tempoMode(cfg) === "distributed",
  installedWhen: "in prod with `tempo.kafka`",
  timeoutSeconds: 900,
  secrets: ["objectStorage"],
};
