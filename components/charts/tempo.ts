/**
 * Values for the single-binary tempo chart 2.2.4 (Tempo 2.10.8), pure: dev, and prod without a Kafka
 * queue (then on object storage, with its WAL on a persistent volume).
 *
 * HTTP on 3200, OTLP on 4317/4318, retention in hours from `observer:retention.traces`, usage reporting
 * off. The metrics-generator block (service graphs, span metrics, remote write to Prometheus) comes from
 * components/grafana/metrics-generator.ts and is deep-merged.
 */
import type { ObserverConfig } from "../config";
import { durationHours } from "../forms";
import { RELEASES, tempoMode } from "../endpoints";
import { tempoMetricsGeneratorValues } from "../grafana/metrics-generator";
import { replicas, resources } from "../sizing";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../security/pod-security";
import { monitorLabels, VOLUME_SIZES } from "./common";
import { deepMerge } from "./merge";
import { OBJECT_STORAGE_KEYS, OBJECT_STORAGE_SECRET } from "./secrets";
import type { ChartSpec } from "./spec";

/** The non-root ids of its pods: the chart's own defaults for each image (volumes keep their ownership). */
const IDS = {
  /** tempo `securityContext` (the image's `tempo` user). */
  tempo: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
} as const;

/** Tempo's S3 block (`storage.trace.s3`), credentials as `${VAR}` references expanded from the environment. */
export function tempoS3(cfg: ObserverConfig): Record<string, unknown> {
  const os = cfg.objectStorage;
  if (os === undefined) throw new Error("tempo: object storage is not configured");
  return {
    bucket: os.buckets.tempo,
    endpoint: os.endpoint,
    ...(os.region !== undefined ? { region: os.region } : {}),
    ...(os.credentials !== undefined
      ? { access_key: `\${${OBJECT_STORAGE_KEYS.accessKeyId}}`, secret_key: `\${${OBJECT_STORAGE_KEYS.secretAccessKey}}` }
      : {}),
    insecure: os.insecure,
    forcepathstyle: os.forcePathStyle,
  };
}

export function tempo(cfg: ObserverConfig): Record<string, unknown> {
  const p = cfg.profile;
  const m = cfg.images.mirror;
  const objectStore = p === "prod";
  const creds = objectStore && cfg.objectStorage?.credentials !== undefined;
  const values: Record<string, unknown> = {
    fullnameOverride: RELEASES.tempo.fullname,
    ...(m !== undefined ? { global: { imageRegistry: m } } : {}),
    replicas: replicas(p, "tempo"),
    // Pod and container contexts; Tempo writes only to /var/tempo (PVC) and /tmp (the chart's emptyDir).
    securityContext: restrictedPodSecurityContext(IDS.tempo),
    tempo: {
      resources: resources(p, "tempo/tempo"),
      securityContext: restrictedContainerSecurityContext(),
      reportingEnabled: false,
      retention: `${durationHours(cfg.retention.traces)}h`,
      ...(objectStore
        ? {
            storage: {
              trace: { backend: "s3", s3: tempoS3(cfg), wal: { path: "/var/tempo/wal" } },
            },
          }
        : {}),
      ...(creds
        ? { extraArgs: { "config.expand-env": "true" }, extraEnvFrom: [{ secretRef: { name: OBJECT_STORAGE_SECRET } }] }
        : {}),
    },
    persistence: {
      enabled: true,
      size: VOLUME_SIZES[p].tempo,
      ...(cfg.storageClassName !== undefined ? { storageClassName: cfg.storageClassName } : {}),
    },
    serviceMonitor: { enabled: true, additionalLabels: monitorLabels() },
  };
  return deepMerge(values, tempoMetricsGeneratorValues(cfg));
}

export const tempoChart: ChartSpec = {
  stage: 2,
  values: tempo,
  installed: (cfg) => tempoMode(cfg) === "single",
  installedWhen: "in dev, and in prod without `tempo.kafka`",
  timeoutSeconds: 600,
  secrets: ["objectStorage"],
};
