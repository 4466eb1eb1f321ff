/**
 * The chart registry: every pinned chart (components/versions.ts) with its spec (./spec.ts), and every chart's
 * values for a config (pure). A chart whose spec says it is not installed with the config has `undefined` values.
 */
import type { ObserverConfig } from "../config";
import type { ChartKey } from "../versions";
import { kubePrometheusStackChart } from "./kube-prometheus-stack";
import { lokiChart } from "./loki";
import { opentelemetryOperatorChart } from "./opentelemetry-operator";
import { prometheusOperatorCrdsChart } from "./prometheus-operator-crds";
import type { ChartContext, ChartSpec } from "./spec";
import { tempoChart } from "./tempo";
import { tempoDistributedChart } from "./tempo-distributed";

export type { ChartContext, ChartSpec } from "./spec";

/** Every chart, in install order within its stage (a chart pinned in versions.ts without a spec fails to compile). */
export const CHART_SPECS: Readonly<Record<ChartKey, ChartSpec>> = {
  prometheusOperatorCrds: prometheusOperatorCrdsChart,
  kubePrometheusStack: kubePrometheusStackChart,
  loki: lokiChart,
  tempo: tempoChart,
  tempoDistributed: tempoDistributedChart,
  opentelemetryOperator: opentelemetryOperatorChart,
};

export type ChartValues = Record<ChartKey, Record<string, unknown> | undefined>;

export function chartValues(cfg: ObserverConfig, ctx: ChartContext): ChartValues {
  return Object.fromEntries(
    (Object.entries(CHART_SPECS) as [ChartKey, ChartSpec][]).map(([key, spec]) => [key, spec.installed?.(cfg) === false ? undefined : spec.values(cfg, ctx)]),
  ) as ChartValues;
}
