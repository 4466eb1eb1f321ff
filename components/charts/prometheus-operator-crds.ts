/**
 * Values for prometheus-operator-crds 31.0.1 (Prometheus Operator v0.93.1 CRDs, rendered as templates so
 * they upgrade with the release), pure. Every CRD on; in prod every CRD carries
 * `helm.sh/resource-policy: keep`, so uninstalling the release (or `pulumi destroy`) never deletes a CRD and
 * with it every ServiceMonitor, PrometheusRule… in the cluster.
 */
import type { ObserverConfig } from "../config";
import { keepAnnotations } from "./common";
import type { ChartSpec } from "./spec";

/** The CRDs the chart can install (each has an `enabled` toggle). */
const PROMETHEUS_OPERATOR_CRDS = [
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

/**
 * Stage 1, when `crds.prometheus` is `managed`. Deleting a CRD deletes every object of that kind in the cluster: in
 * prod the CRDs carry `helm.sh/resource-policy: keep`, so destroy uninstalls the release and keeps them, and the next
 * install adopts them (retaining the release itself would leave its Helm record: "cannot re-use a name").
 */
export const prometheusOperatorCrdsChart: ChartSpec = {
  stage: 1,
  values: prometheusOperatorCrds,
  installed: (cfg) => cfg.crds.prometheus === "managed",
  installedWhen: "with `crds.prometheus: managed`",
  timeoutSeconds: 300,
};
