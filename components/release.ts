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
import { CHART_SPECS } from "./charts";
import type { ObserverConfig } from "./config";
import { RELEASES } from "./endpoints";
import { type ChartKey, type ChartPin, resolveChart } from "./versions";

/** Where Helm fetches a chart from: `chart` + `repositoryOpts`, or one `oci://…/<chart>` reference. */
function chartSource(pin: ChartPin): { chart: string; repositoryOpts?: { repo: string } } {
  if (pin.repo.startsWith("oci://")) return { chart: `${pin.repo.replace(/\/+$/, "")}/${pin.chart}` };
  return { chart: pin.chart, repositoryOpts: { repo: pin.repo } };
}

export function releaseArgs(key: ChartKey, cfg: ObserverConfig, values: pulumi.Input<Record<string, unknown>>): k8s.helm.v3.ReleaseArgs {
  const pin = resolveChart(key, cfg.charts[key], cfg.charts.mirror);
  const spec = CHART_SPECS[key];
  return {
    name: RELEASES[key].name,
    namespace: cfg.namespace,
    ...chartSource(pin),
    version: pin.version,
    values,
    createNamespace: false,
    timeout: spec.timeoutSeconds,
    waitForJobs: true,
    atomic: false,
    cleanupOnFail: false,
    maxHistory: 5,
    ...(spec.skipCrds ? { skipCrds: true } : {}),
  };
}
