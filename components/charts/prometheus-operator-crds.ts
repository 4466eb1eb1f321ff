/**
 * Values for prometheus-operator-crds 31.0.1 (Prometheus Operator v0.93.1 CRDs, rendered as templates so
 * they upgrade with the release), pure. Every CRD on; in prod every CRD carries
 * `helm.sh/resource-policy: keep`, so uninstalling the release (or `pulumi destroy`) never deletes a CRD and
 * with it every ServiceMonitor, PrometheusRule… in the cluster.
 */
import type { ObserverConfig } from "../config";
import { keepAnnotations } from "./common";

/** The CRDs the chart can install (each has an `enabled` toggle). */
export const PROMETHEUS_OPERATOR_CRDS = [
  "alertmanagerconfigs",
  "alertmanagers",
  "podmonitors",
  "probes",
  "prometheusagents",
  "prometheuses",
  "prometheusrules",
  "scrapeconfigs",
  "servicemonitors",
  "thanosrulers",
] as const;

export function prometheusOperatorCrds(cfg: Pick<ObserverConfig, "profile">): Record<string, unknown> {
  return {
    crds: {
      annotations: keepAnnotations(cfg.profile),
      ...Object.fromEntries(PROMETHEUS_OPERATOR_CRDS.map((c) => [c, { enabled: true }])),
    },
  };
}
