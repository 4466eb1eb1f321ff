/**
 * Helm Release arguments for one of our pinned charts: fixed release name, exact version, the chart's
 * repository (or an OCI path, or a mirror), and a readiness timeout sized for a cold cluster.
 *
 * `helm.v3.Release` (not `helm.v4.Chart`) because kube-prometheus-stack's admission-webhook
 * certificate Job and the OpenTelemetry Operator's webhook Secret are chart hooks, which only a
 * Release runs.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ObserverConfig } from "./config";
import { type ChartKey, type ChartPin, resolveChart } from "./versions";

/**
 * Seconds Helm waits for a release's workloads to be ready. Sized for a cold cluster pulling every
 * image for the first time (pulumi-kubernetes' default, 300 s, is too short: pulumi-kubernetes#2921).
 */
export const RELEASE_TIMEOUTS: Readonly<Record<ChartKey, number>> = {
  prometheusOperatorCrds: 300,
  kubePrometheusStack: 900,
  loki: 900,
  tempo: 600,
  tempoDistributed: 900,
  opentelemetryOperator: 600,
};

/** Where Helm fetches a chart from: `chart` + `repositoryOpts`, or one `oci://…/<chart>` reference. */
export function chartSource(pin: ChartPin): { chart: string; repositoryOpts?: { repo: string } } {
  if (pin.repo.startsWith("oci://")) return { chart: `${pin.repo.replace(/\/+$/, "")}/${pin.chart}` };
  return { chart: pin.chart, repositoryOpts: { repo: pin.repo } };
}

export function releaseArgs(
  key: ChartKey,
  releaseName: string,
  cfg: ObserverConfig,
  values: pulumi.Input<Record<string, unknown>>,
  extra: Partial<k8s.helm.v3.ReleaseArgs> = {},
): k8s.helm.v3.ReleaseArgs {
  const pin = resolveChart(key, cfg.charts[key], cfg.charts.mirror);
  return {
    name: releaseName,
    namespace: cfg.namespace,
    ...chartSource(pin),
    version: pin.version,
    values,
    createNamespace: false,
    timeout: RELEASE_TIMEOUTS[key],
    waitForJobs: true,
    atomic: false,
    cleanupOnFail: false,
    maxHistory: 5,
    ...extra,
  };
}
