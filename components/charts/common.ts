/**
 * Small helpers shared by the chart values builders (pure).
 */
import type { ObserverConfig } from "../config";
import { SERVICE_MONITOR_LABELS } from "../labels";
import type { Profile } from "../forms";

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
