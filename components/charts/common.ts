/**
 * Small helpers shared by the chart values builders (pure).
 */
import type { ObserverConfig } from "../config";
import { SERVICE_MONITOR_LABELS } from "../labels";
import type { Profile } from "../forms";

/** The registry mirror prefix (`observer:images.mirror`), or undefined. */
export function mirror(cfg: Pick<ObserverConfig, "images">): string | undefined {
  return cfg.images.mirror;
}

/** `registry` replaced by the mirror prefix when one is configured. */
export function registry(cfg: Pick<ObserverConfig, "images">, upstream: string): string {
  return cfg.images.mirror ?? upstream;
}

/**
 * For charts whose image field is one `repository` string that includes the registry
 * (`ghcr.io/org/image`): the same path with the registry host replaced by the mirror.
 */
export function mirroredRepository(cfg: Pick<ObserverConfig, "images">, repository: string): string {
  const m = cfg.images.mirror;
  if (m === undefined) return repository;
  const [first, ...rest] = repository.split("/");
  const hasRegistry = rest.length > 0 && first !== undefined && (first.includes(".") || first.includes(":") || first === "localhost");
  // Docker Hub official images (`busybox`) live under `library/` in a registry mirror.
  const path = hasRegistry ? rest.join("/") : rest.length === 0 ? `library/${repository}` : repository;
  return `${m}/${path}`;
}

/** The two labels Prometheus selects ServiceMonitors by (a fresh, mutable copy). */
export function monitorLabels(): Record<string, string> {
  return { ...SERVICE_MONITOR_LABELS };
}

/** `helm.sh/resource-policy: keep` in prod (CRDs survive `helm uninstall` / `pulumi destroy`). */
export function keepAnnotations(profile: Profile): Record<string, string> {
  return profile === "prod" ? { "helm.sh/resource-policy": "keep" } : {};
}

/** A PersistentVolumeClaim spec, with the configured StorageClass when set. */
export function pvcSpec(cfg: Pick<ObserverConfig, "storageClassName">, size: string): Record<string, unknown> {
  return {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: size } },
    ...(cfg.storageClassName !== undefined ? { storageClassName: cfg.storageClassName } : {}),
  };
}

/** Per-profile volume sizes (Prometheus' is `observer:prometheus.storageSize`). */
export const VOLUME_SIZES = {
  dev: { alertmanager: "1Gi", grafana: "1Gi", loki: "10Gi", tempo: "10Gi", lokiIngester: "10Gi", tempoComponent: "10Gi" },
  prod: { alertmanager: "2Gi", grafana: "5Gi", loki: "50Gi", tempo: "50Gi", lokiIngester: "20Gi", tempoComponent: "20Gi" },
} as const;

/** Soft pod anti-affinity across nodes for pods matching `labels` (HA replicas spread when they can). */
export function spreadAcrossNodes(labels: Record<string, string>): Record<string, unknown> {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } } },
      ],
    },
  };
}
