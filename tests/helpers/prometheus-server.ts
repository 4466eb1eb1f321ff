/**
 * Runs the real Prometheus (tests/helpers/tools.ts) on 127.0.0.1 the way the Prometheus Operator v0.93.1 runs it
 * for our Prometheus CR: the CR is `prometheus.prometheusSpec` of our kube-prometheus-stack values (the chart
 * copies these fields to the CR unchanged: checked with `helm template` of kube-prometheus-stack 88.5.3), and
 * {@link operatorConfig} / {@link operatorArgs} translate it as the operator does
 * (pkg/prometheus/promcfg.go at v0.93.1):
 * - `global`: `scrape_interval` and `evaluation_interval` (30s unless the CR says otherwise), `external_labels`
 *   = `prometheus: <namespace>/<name>`, `prometheus_replica: <pod name>` and the CR's `externalLabels`
 *   (buildExternalLabels);
 * - `storage.exemplars.max_exemplars` from `exemplars.maxSize`, `storage.tsdb.out_of_order_time_window` from
 *   `tsdb.outOfOrderTimeWindow` (appendStorageSettingsConfig);
 * - `otlp`: `promote_resource_attributes`, `translation_strategy`, `keep_identifying_resource_attributes`,
 *   `convert_histograms_to_nhcb`, `promote_all_resource_attributes`, `ignore_resource_attributes`,
 *   `promote_scope_metadata` from the CR's `otlp` (appendOTLPConfig);
 * - `alerting`: `alert_relabel_configs` dropping `prometheus_replica`, then the Alertmanagers
 *   (appendAlertingConfig; the operator finds them with Kubernetes service discovery, here a static loopback
 *   target with the CR's `apiVersion` and `pathPrefix`);
 * - flags: `--web.enable-lifecycle`, `--web.enable-remote-write-receiver` (enableRemoteWriteReceiver),
 *   `--web.enable-otlp-receiver` (enableOTLPReceiver, Prometheus 3), `--enable-feature=<enableFeatures>`,
 *   `--web.route-prefix=/` (BuildCommonPrometheusArgs).
 * What differs from a pod, and why: listen address and storage path (loopback, a temporary directory), scrape
 * configurations only where a test adds one (static loopback targets instead of ServiceMonitor discovery), and a
 * test may shorten `evaluation_interval` (it says so).
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { kubePrometheusStack } from "../../components/charts/kube-prometheus-stack";
import type { ObserverConfig } from "../../components/config";
import { RELEASES } from "../../components/endpoints";
import type { PrometheusRuleSpec } from "../../components/alerting/rules";
import { httpJson, LOOPBACK, waitFor, type Proc, type Processes } from "./processes";
import { requireTool, toolPath } from "./tools";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The fields of our Prometheus CR `spec` these tests translate. */
export interface PrometheusCrSpec {
  replicas: number;
  externalLabels?: Record<string, string>;
  evaluationInterval?: string;
  scrapeInterval?: string;
  enableRemoteWriteReceiver?: boolean;
  enableOTLPReceiver?: boolean;
  enableFeatures?: string[];
  exemplars?: { maxSize?: number };
  tsdb?: { outOfOrderTimeWindow?: string };
  otlp?: {
    promoteResourceAttributes?: string[];
    translationStrategy?: string;
    keepIdentifyingResourceAttributes?: boolean;
    convertHistogramsToNHCB?: boolean;
    promoteAllResourceAttributes?: boolean;
    ignoreResourceAttributes?: string[];
    promoteScopeMetadata?: boolean;
  };
  alerting?: { alertmanagers: { name: string; namespace: string; apiVersion?: string; pathPrefix?: string }[] };
}

/** Our Prometheus CR's spec, from the kube-prometheus-stack values builder. */
export function prometheusCrSpec(cfg: ObserverConfig): PrometheusCrSpec {
  const values = kubePrometheusStack(cfg, { grafanaAdminChecksum: "0".repeat(64) }) as any;
  const spec = structuredClone(values.prometheus.prometheusSpec) as PrometheusCrSpec;
  // The chart adds the Alertmanager of the release (templates/prometheus/prometheus.yaml).
  spec.alerting ??= { alertmanagers: [{ name: `${RELEASES.kubePrometheusStack.fullname}-alertmanager`, namespace: cfg.namespace, apiVersion: "v2", pathPrefix: "/" }] };
  return spec;
}

/** The Prometheus CR's name (kube-prometheus-stack: `<fullname>-prometheus`). */
export const PROMETHEUS_CR_NAME = `${RELEASES.kubePrometheusStack.fullname}-prometheus`;

/** prometheus.yml as the operator generates it for replica `replica` (scrape configs left out). */
export function operatorConfig(
  spec: PrometheusCrSpec,
  opts: {
    namespace: string;
    replica: number;
    ruleFiles?: string[];
    alertmanagers?: string[];
    evaluationInterval?: string;
    /** Scrape jobs (the operator would generate them from ServiceMonitors). @default none */
    scrapeConfigs?: Record<string, unknown>[];
  },
): Record<string, unknown> {
  const o = spec.otlp ?? {};
  const otlp: Record<string, unknown> = {
    ...(o.promoteResourceAttributes?.length ? { promote_resource_attributes: o.promoteResourceAttributes } : {}),
    ...(o.translationStrategy !== undefined ? { translation_strategy: o.translationStrategy } : {}),
    ...(o.keepIdentifyingResourceAttributes !== undefined ? { keep_identifying_resource_attributes: o.keepIdentifyingResourceAttributes } : {}),
    ...(o.convertHistogramsToNHCB !== undefined ? { convert_histograms_to_nhcb: o.convertHistogramsToNHCB } : {}),
    ...(o.promoteAllResourceAttributes !== undefined ? { promote_all_resource_attributes: o.promoteAllResourceAttributes } : {}),
    ...(o.ignoreResourceAttributes?.length ? { ignore_resource_attributes: o.ignoreResourceAttributes } : {}),
    ...(o.promoteScopeMetadata !== undefined ? { promote_scope_metadata: o.promoteScopeMetadata } : {}),
  };
  const am = spec.alerting?.alertmanagers[0];
  return {
    global: {
      scrape_interval: spec.scrapeInterval ?? "30s",
      external_labels: {
        prometheus: `${opts.namespace}/${PROMETHEUS_CR_NAME}`,
        prometheus_replica: `prometheus-${PROMETHEUS_CR_NAME}-${opts.replica}`,
        ...(spec.externalLabels ?? {}),
      },
      evaluation_interval: opts.evaluationInterval ?? spec.evaluationInterval ?? "30s",
    },
    ...(opts.ruleFiles ? { rule_files: opts.ruleFiles } : {}),
    scrape_configs: opts.scrapeConfigs ?? [],
    storage: {
      ...(spec.exemplars?.maxSize !== undefined ? { exemplars: { max_exemplars: spec.exemplars.maxSize } } : {}),
      ...(spec.tsdb?.outOfOrderTimeWindow !== undefined ? { tsdb: { out_of_order_time_window: spec.tsdb.outOfOrderTimeWindow } } : {}),
    },
    ...(am && opts.alertmanagers
      ? {
          alerting: {
            alert_relabel_configs: [{ action: "labeldrop", regex: "prometheus_replica" }],
            alertmanagers: [{ api_version: am.apiVersion ?? "v2", path_prefix: am.pathPrefix ?? "/", static_configs: [{ targets: opts.alertmanagers }] }],
          },
        }
      : {}),
    ...(Object.keys(otlp).length > 0 ? { otlp } : {}),
  };
}

/** The command-line flags the operator gives Prometheus 3 for these CR fields. */
export function operatorArgs(spec: PrometheusCrSpec): string[] {
  return [
    "--web.enable-lifecycle",
    ...(spec.enableRemoteWriteReceiver ? ["--web.enable-remote-write-receiver"] : []),
    ...(spec.enableOTLPReceiver || (spec.enableOTLPReceiver === undefined && spec.otlp) ? ["--web.enable-otlp-receiver"] : []),
    ...(spec.enableFeatures?.length ? [`--enable-feature=${spec.enableFeatures.join(",")}`] : []),
    "--web.route-prefix=/",
  ];
}

export interface PrometheusServer {
  readonly url: string;
  readonly proc: Proc;
  readonly dataDir: string;
  readonly configFile: string;
}

/**
 * Writes the config and starts one Prometheus replica; resolves when it is ready (/-/ready). `dataDir` may be
 * reused (a restart keeps the TSDB).
 */
export async function startPrometheus(
  procs: Processes,
  spec: PrometheusCrSpec,
  opts: {
    dir: string;
    name: string;
    port: number;
    namespace: string;
    replica: number;
    dataDir?: string;
    ruleFiles?: PrometheusRuleSpec[];
    alertmanagers?: string[];
    evaluationInterval?: string;
    scrapeConfigs?: Record<string, unknown>[];
    extraArgs?: string[];
  },
): Promise<PrometheusServer> {
  requireTool("prometheus");
  const dataDir = opts.dataDir ?? path.join(opts.dir, `${opts.name}-data`);
  fs.mkdirSync(dataDir, { recursive: true });
  const ruleFiles = (opts.ruleFiles ?? []).map((r, i) => {
    const f = path.join(opts.dir, `${opts.name}-rules-${i}.yaml`);
    fs.writeFileSync(f, stringify(r, { lineWidth: 0 }));
    return f;
  });
  const configFile = path.join(opts.dir, `${opts.name}.yml`);
  const config = operatorConfig(spec, {
    namespace: opts.namespace,
    replica: opts.replica,
    ...(opts.ruleFiles ? { ruleFiles } : {}),
    ...(opts.alertmanagers ? { alertmanagers: opts.alertmanagers } : {}),
    ...(opts.evaluationInterval ? { evaluationInterval: opts.evaluationInterval } : {}),
    ...(opts.scrapeConfigs ? { scrapeConfigs: opts.scrapeConfigs } : {}),
  });
  fs.writeFileSync(configFile, stringify(config, { lineWidth: 0 }));
  const url = `http://${LOOPBACK}:${opts.port}`;
  const proc = procs.start(
    opts.name,
    toolPath("prometheus"),
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=${LOOPBACK}:${opts.port}`,
      ...operatorArgs(spec),
      ...(opts.extraArgs ?? []),
    ],
    { logFile: path.join(opts.dir, `${opts.name}.log`) },
  );
  await waitFor(
    `${opts.name} ready on ${url}`,
    async () => {
      if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}`);
      const r = await fetch(`${url}/-/ready`);
      return r.ok ? true : undefined;
    },
    { context: () => proc.output().slice(-3000) },
  );
  return { url, proc, dataDir, configFile };
}

/** An instant query; the result vector. */
export async function query(p: { url: string }, promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await httpJson<{ data: { result: { metric: Record<string, string>; value: [number, string] }[] } }>(
    `${p.url}/api/v1/query?query=${encodeURIComponent(promql)}`,
  );
  return r.data.result;
}
