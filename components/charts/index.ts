/**
 * Every chart's values for a config, by chart key (pure). `undefined`: the chart is not installed with
 * this config (tempo-distributed unless prod with Kafka; the single-binary tempo when it is;
 * prometheus-operator-crds when `crds.prometheus` is `external`).
 */
import type { ObserverConfig } from "../config";
import { tempoMode } from "../endpoints";
import type { ChartKey } from "../versions";
import { kubePrometheusStack, type KubePrometheusStackContext } from "./kube-prometheus-stack";
import { loki } from "./loki";
import { opentelemetryOperator, type OpentelemetryOperatorContext } from "./opentelemetry-operator";
import { prometheusOperatorCrds } from "./prometheus-operator-crds";
import { tempo } from "./tempo";
import { tempoDistributed } from "./tempo-distributed";

export type ChartValues = Record<ChartKey, Record<string, unknown> | undefined>;

/** The inputs of the values that are not config: the Grafana admin checksum and the time of the deployment. */
export type ChartContext = KubePrometheusStackContext & OpentelemetryOperatorContext;

export function chartValues(cfg: ObserverConfig, ctx: ChartContext): ChartValues {
  const distributed = tempoMode(cfg) === "distributed";
  return {
    prometheusOperatorCrds: cfg.crds.prometheus === "managed" ? prometheusOperatorCrds(cfg) : undefined,
    kubePrometheusStack: kubePrometheusStack(cfg, ctx),
    loki: loki(cfg),
    tempo: distributed ? undefined : tempo(cfg),
    tempoDistributed: distributed ? tempoDistributed(cfg) : undefined,
    opentelemetryOperator: opentelemetryOperator(cfg, ctx),
  };
}
