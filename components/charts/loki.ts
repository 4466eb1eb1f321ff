/**
 * Values for the community Loki chart 18.11.0 (Loki 3.7.6), pure.
 *
 * - dev: `Monolithic` (one pod) on the filesystem, no memcached caches (the chart's default chunks cache
 *   asks 8 GiB: grafana/loki#15813), no gateway, no canary.
 * - prod: `Distributed` on S3-compatible object storage (SimpleScalable is deprecated and removed in Loki 4),
 *   caches sized in components/sizing.ts, credentials only as environment variables from a Secret
 *   (`-config.expand-env=true`), never in values or the rendered ConfigMap.
 * - Both: OTLP ingestion with the contract's index labels (everything else is structured metadata),
 *   retention enforced by the compactor, analytics off, multi-tenant exactly when `loki.tenant` is set.
 * - No gateway in either mode: writers use the distributor (or the single binary) and readers the
 *   query-frontend directly (components/endpoints.ts), which saves the nginx pod and its image.
 */
import type { ObserverConfig } from "../config";
import { LOKI_INDEX_ATTRIBUTES } from "../contract";
import { RELEASES } from "../endpoints";
import { LOKI_CACHE_MB, replicas, resources } from "../sizing";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../security/pod-security";
import { monitorLabels, VOLUME_SIZES } from "./common";
import { OBJECT_STORAGE_KEYS, OBJECT_STORAGE_SECRET } from "./secrets";
import type { ChartSpec } from "./spec";

/** The non-root ids of its pods: the chart's own defaults for each image (volumes keep their ownership). */
const IDS = {
  /** loki `loki.podSecurityContext` (the image's `loki` user). */
  loki: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
  /** loki `memcached.podSecurityContext` (the memcached image's user). */
  lokiMemcached: { runAsUser: 11211, runAsGroup: 11211, fsGroup: 11211 },
} as const;

/** TSDB schema v13 from this date (a fixed past date: changing it would rewrite the schema history). */
const LOKI_SCHEMA_FROM = "2024-04-01";

/**
 * Placeholder bucket names for filesystem storage: the chart requires `bucketNames` even when no bucket
 * is used (grafana/loki#14841); with `type: filesystem` they name nothing.
 */
const LOKI_FILESYSTEM_BUCKETS = { chunks: "chunks", ruler: "ruler", admin: "admin" } as const;

function limitsConfig(cfg: ObserverConfig): Record<string, unknown> {
  return {
    allow_structured_metadata: true,
    retention_period: cfg.retention.logs,
    otlp_config: {
      resource_attributes: {
        // Only the contract's index labels become stream labels (Loki's default list is replaced).
        ignore_defaults: true,
        attributes_config: [{ action: "index_label", attributes: [...LOKI_INDEX_ATTRIBUTES] }],
      },
    },
  };
}

/**
 * The `loki:` block of both modes; they differ only in the replication factor and the object store
 * (`filesystem` in dev, `s3` in prod) that the schema and the compactor's delete requests use.
 */
function lokiConfig(
  cfg: ObserverConfig,
  mode: { replicationFactor: number; objectStore: "filesystem" | "s3"; storage: Record<string, unknown> },
): Record<string, unknown> {
  return {
    podSecurityContext: restrictedPodSecurityContext(IDS.loki),
    containerSecurityContext: restrictedContainerSecurityContext(),
    auth_enabled: cfg.loki.tenant !== undefined,
    commonConfig: { replication_factor: mode.replicationFactor },
    storage: mode.storage,
    schemaConfig: {
      configs: [{ from: LOKI_SCHEMA_FROM, store: "tsdb", object_store: mode.objectStore, schema: "v13", index: { prefix: "index_", period: "24h" } }],
    },
    limits_config: limitsConfig(cfg),
    compactor: {
      working_directory: "/var/loki/compactor",
      compaction_interval: "10m",
      retention_enabled: true,
      retention_delete_delay: "2h",
      delete_request_store: mode.objectStore,
    },
    analytics: { reporting_enabled: false },
  };
}

export function loki(cfg: ObserverConfig): Record<string, unknown> {
  const p = cfg.profile;
  const m = cfg.images.mirror;
  const common = {
    fullnameOverride: RELEASES.loki.fullname,
    // Every Loki component (`loki.*SecurityContext`, templates/_pod.tpl) and both memcached caches with their
    // exporters. Loki writes only to /var/loki (PVC or emptyDir) and /tmp (the chart's emptyDir).
    memcached: { podSecurityContext: restrictedPodSecurityContext(IDS.lokiMemcached), containerSecurityContext: restrictedContainerSecurityContext() },
    memcachedExporter: { containerSecurityContext: restrictedContainerSecurityContext() },
    test: { enabled: false },
    lokiCanary: { enabled: false },
    gateway: { enabled: false },
    // Rules live in Prometheus; no rules sidecar (one container and image less).
    sidecar: { rules: { enabled: false } },
    monitoring: { serviceMonitor: { enabled: true, labels: monitorLabels() } },
    // The scalable targets are unused in both modes.
    write: { replicas: 0 },
    read: { replicas: 0 },
    backend: { replicas: 0 },
  };

  if (p === "dev") {
    return {
      ...common,
      ...(m !== undefined ? { global: { imageRegistry: m } } : {}),
      deploymentMode: "Monolithic",
      loki: lokiConfig(cfg, {
        replicationFactor: 1,
        objectStore: "filesystem",
        storage: { type: "filesystem", bucketNames: { ...LOKI_FILESYSTEM_BUCKETS } },
      }),
      singleBinary: {
        replicas: replicas(p, "loki/single-binary"),
        resources: resources(p, "loki/single-binary"),
        persistence: {
          enabled: true,
          size: VOLUME_SIZES.dev.loki,
          ...(cfg.storageClassName !== undefined ? { storageClass: cfg.storageClassName } : {}),
        },
      },
      chunksCache: { enabled: false },
      resultsCache: { enabled: false },
    };
  }

  const os = cfg.objectStorage;
  if (os === undefined) throw new Error("loki: prod needs observer:objectStorage (config validation should have caught this)");
  const creds = os.credentials !== undefined;
  const sc = cfg.storageClassName !== undefined ? { storageClass: cfg.storageClassName } : {};
  // Credentials reach the Loki components (not memcached) only as environment variables from the Secret; the
  // chart always runs Loki with `-config.expand-env=true` (templates/_pod.tpl), which substitutes them.
  const env = creds ? { extraEnvFrom: [{ secretRef: { name: OBJECT_STORAGE_SECRET } }] } : {};
  return {
    ...common,
    ...(m !== undefined ? { global: { imageRegistry: m } } : {}),
    deploymentMode: "Distributed",
    loki: lokiConfig(cfg, {
      replicationFactor: 3,
      objectStore: "s3",
      storage: {
        type: "s3",
        bucketNames: { chunks: os.buckets.lokiChunks, ruler: os.buckets.lokiRuler, admin: os.buckets.lokiChunks },
        s3: {
          endpoint: os.endpoint,
          ...(os.region !== undefined ? { region: os.region } : {}),
          ...(creds
            ? { accessKeyId: `\${${OBJECT_STORAGE_KEYS.accessKeyId}}`, secretAccessKey: `\${${OBJECT_STORAGE_KEYS.secretAccessKey}}` }
            : {}),
          s3ForcePathStyle: os.forcePathStyle,
          insecure: os.insecure,
        },
      },
    }),
    singleBinary: { replicas: 0 },
    ingester: {
      ...env,
      replicas: replicas(p, "loki/ingester"),
      resources: resources(p, "loki/ingester"),
      // Plain StatefulSet: zone-aware ingesters need the rollout-operator (another workload and image).
      zoneAwareReplication: { enabled: false },
      persistence: { enabled: true, claims: [{ name: "data", accessModes: ["ReadWriteOnce"], size: VOLUME_SIZES.prod.lokiIngester, ...sc }] },
    },
    distributor: { ...env, replicas: replicas(p, "loki/distributor"), resources: resources(p, "loki/distributor") },
    querier: { ...env, replicas: replicas(p, "loki/querier"), resources: resources(p, "loki/querier") },
    queryFrontend: { ...env, replicas: replicas(p, "loki/query-frontend"), resources: resources(p, "loki/query-frontend") },
    queryScheduler: { ...env, replicas: replicas(p, "loki/query-scheduler"), resources: resources(p, "loki/query-scheduler") },
    indexGateway: {
      ...env,
      replicas: replicas(p, "loki/index-gateway"),
      resources: resources(p, "loki/index-gateway"),
      persistence: { enabled: true, size: VOLUME_SIZES.prod.lokiIngester, ...sc },
    },
    compactor: {
      ...env,
      replicas: replicas(p, "loki/compactor"),
      resources: resources(p, "loki/compactor"),
      persistence: { enabled: true, claims: [{ name: "data", accessModes: ["ReadWriteOnce"], size: VOLUME_SIZES.prod.lokiIngester, ...sc }] },
    },
    ruler: { enabled: false, replicas: 0 },
    chunksCache: {
      enabled: true,
      replicas: replicas(p, "loki/chunks-cache"),
      allocatedMemory: LOKI_CACHE_MB.chunks,
      resources: resources(p, "loki/chunks-cache"),
    },
    resultsCache: {
      enabled: true,
      replicas: replicas(p, "loki/results-cache"),
      allocatedMemory: LOKI_CACHE_MB.results,
      resources: resources(p, "loki/results-cache"),
    },
    memcachedExporter: { ...common.memcachedExporter, resources: resources(p, "loki/memcached-exporter") },
  };
}

export const lokiChart: ChartSpec = {
  stage: 2,
  values: loki,
  timeoutSeconds: 900,
  secrets: ["objectStorage"],
  clusterScoped: [
    { kind: "ClusterRole", name: `${RELEASES.loki.fullname}-clusterrole` },
    { kind: "ClusterRoleBinding", name: `${RELEASES.loki.fullname}-clusterrolebinding` },
  ],
};
