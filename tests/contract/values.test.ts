/**
 * Contract: every values object the builders produce, in every scenario, against the pinned charts'
 * own defaults (../shared/reference/charts/<chart>/values.yaml) and JSON schemas (values.schema.json,
 * where the chart has one: loki, opentelemetry-operator).
 *
 * No unknown keys: every key path we set must exist in the chart's defaults, except
 * - free-form maps (the chart passes them through with toYaml/tpl): FREE_FORM below, one entry per path,
 *   each citing the template that reads it;
 * - keys the chart reads but only mentions in a comment (or not at all) in values.yaml: UNDECLARED below,
 *   by exact path, each citing the template that reads it.
 * kube-prometheus-stack's subchart blocks are checked against the subcharts' values.yaml (merged with the
 * parent's own defaults for that block, which the parent's templates read).
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019";
import YAML from "yaml";
import { chartValues } from "../../components/charts/index";
import { deepMerge, isPlainObject } from "../../components/charts/merge";
import { cfg, CTX, SCENARIOS } from "../unit/charts/fixtures";
import { CHARTS as PINS, type ChartKey } from "../../components/versions";

const REPO_ROOT = path.resolve(__dirname, "../..");
const REFERENCE = path.resolve(REPO_ROOT, "../shared/reference");

function requireReference(): void {
  if (!fs.existsSync(path.join(REFERENCE, "charts"))) {
    throw new Error(
      `Chart reference data not found at ${REFERENCE}/charts. The contract tests need the shared reference ` +
        "directory beside the repository (../shared/reference, see its SOURCES.md); CI clones it there.",
    );
  }
}
requireReference();

function chartFile(chart: string, file: string): string {
  return path.join(REFERENCE, "charts", chart, file);
}

function defaultsOf(chart: string): Record<string, unknown> {
  return YAML.parse(fs.readFileSync(chartFile(chart, "values.yaml"), "utf8")) as Record<string, unknown>;
}


/**
 * Free-form subtrees: every key below these paths is passed through by the chart. `*` matches one segment.
 */
const FREE_FORM: Partial<Record<ChartKey, readonly string[]>> = {
  prometheusOperatorCrds: [
    // charts/crds/templates/crd-*.yaml: `{{- with .Values.annotations }}` toYaml'd into every CRD's metadata.
    "crds.annotations",
  ],
  kubePrometheusStack: [
    // grafana chart templates/pvc.yaml:12 `{{- with .Values.persistence.annotations }} annotations: {{ toYaml . }}`
    // (commented out in its values.yaml).
    "grafana.persistence.annotations",
    // templates/prometheus/prometheus.yaml: `resources: {{ toYaml .Values.prometheus.prometheusSpec.resources }}`.
    "prometheus.prometheusSpec.resources",
    // templates/prometheus/prometheus.yaml: storage `{{ tpl (toYaml .Values.prometheus.prometheusSpec.storageSpec) }}`.
    "prometheus.prometheusSpec.storageSpec",
    // templates/prometheus/prometheus.yaml: `externalLabels: {{ tpl (toYaml ...externalLabels) }}`.
    "prometheus.prometheusSpec.externalLabels",
    // templates/prometheus/prometheus.yaml: `otlp: {{ toYaml .Values.prometheus.prometheusSpec.otlp }}`.
    "prometheus.prometheusSpec.otlp",
    // templates/prometheus/prometheus.yaml: `exemplars: {{ toYaml ...exemplars }}`.
    "prometheus.prometheusSpec.exemplars",
    // templates/prometheus/prometheus.yaml: the selectors are toYaml'd when *NilUsesHelmValues is false.
    "prometheus.prometheusSpec.serviceMonitorSelector",
    "prometheus.prometheusSpec.serviceMonitorNamespaceSelector",
    "prometheus.prometheusSpec.podMonitorSelector",
    "prometheus.prometheusSpec.podMonitorNamespaceSelector",
    "prometheus.prometheusSpec.probeSelector",
    "prometheus.prometheusSpec.probeNamespaceSelector",
    "prometheus.prometheusSpec.scrapeConfigSelector",
    "prometheus.prometheusSpec.scrapeConfigNamespaceSelector",
    "prometheus.prometheusSpec.ruleSelector",
    "prometheus.prometheusSpec.ruleNamespaceSelector",
    // templates/alertmanager/alertmanager.yaml: `resources`, `storage` toYaml'd into the Alertmanager CR.
    "alertmanager.alertmanagerSpec.resources",
    "alertmanager.alertmanagerSpec.storage",
    // templates/prometheus-operator/deployment.yaml: `resources: {{ toYaml .Values.prometheusOperator.resources }}`.
    "prometheusOperator.resources",
    // templates/prometheus-operator/deployment.yaml: `--config-reloader-*` flags from `prometheusConfigReloader.resources.{requests,limits}`.
    "prometheusOperator.prometheusConfigReloader.resources",
    // templates/prometheus-operator/admission-webhooks/job-patch/job-{create,patch}.yaml: toYaml'd resources.
    "prometheusOperator.admissionWebhooks.patch.resources",
    // templates/*/servicemonitor.yaml (every exporter, operator, prometheus, alertmanager): `{{ toYaml .additionalLabels }}`.
    "*.serviceMonitor.additionalLabels",
    // templates/prometheus/rules-1.14/*.yaml: `{{ toYaml .Values.defaultRules.labels }}` on every PrometheusRule.
    "defaultRules.labels",
    // grafana chart templates/_pod.tpl and deployment.yaml: resources, podAnnotations toYaml'd.
    "grafana.resources",
    "grafana.podAnnotations",
    "grafana.sidecar.resources",
    // grafana chart templates/configmap.yaml: every section of `grafana.ini` is rendered as INI.
    "grafana.grafana.ini",
    // grafana chart templates/servicemonitor.yaml: `{{ toYaml .Values.serviceMonitor.labels }}`.
    "grafana.serviceMonitor.labels",
    // kube-state-metrics templates/deployment.yaml and prometheus-node-exporter templates/daemonset.yaml: resources.
    "kube-state-metrics.resources",
    "prometheus-node-exporter.resources",
    // kube-state-metrics / prometheus-node-exporter templates/servicemonitor.yaml: `additionalLabels` toYaml'd.
    "kube-state-metrics.prometheus.monitor.additionalLabels",
    "prometheus-node-exporter.prometheus.monitor.additionalLabels",
    // Security contexts (Kubernetes PodSecurityContext / SecurityContext objects, toYaml'd whole):
    // templates/prometheus-operator/deployment.yaml:179 (container) and :233 (pod).
    "prometheusOperator.securityContext",
    "prometheusOperator.containerSecurityContext",
    // templates/prometheus-operator/admission-webhooks/job-patch/job-{createSecret,patchWebhook}.yaml: the Jobs'
    // pod context (`patch.securityContext`) and each Job's container context.
    "prometheusOperator.admissionWebhooks.patch.securityContext",
    "prometheusOperator.admissionWebhooks.createSecretJob.securityContext",
    "prometheusOperator.admissionWebhooks.patchWebhookJob.securityContext",
    // templates/prometheus/prometheus.yaml:261 and templates/alertmanager/alertmanager.yaml:103: the CRs' pod context.
    "prometheus.prometheusSpec.securityContext",
    "alertmanager.alertmanagerSpec.securityContext",
    // grafana chart templates/_pod.tpl:13 (pod), :1266 (grafana container), `sidecar.securityContext` on every sidecar.
    "grafana.securityContext",
    "grafana.containerSecurityContext",
    "grafana.sidecar.securityContext",
    // kube-state-metrics templates/deployment.yaml:52 (`omit .Values.securityContext "enabled"`) and :254.
    "kube-state-metrics.securityContext",
    "kube-state-metrics.containerSecurityContext",
    // prometheus-node-exporter templates/daemonset.yaml:35 (pod) and :116 (container).
    "prometheus-node-exporter.securityContext",
    "prometheus-node-exporter.containerSecurityContext",
  ],
  loki: [
    // values.yaml `loki.config` template: `limits_config`, `compactor`, `analytics`, `commonConfig` are
    // rendered with `tpl (toYaml ...)` (their keys are Loki's own config, not the chart's).
    "loki.limits_config",
    "loki.compactor",
    "loki.analytics",
    "loki.commonConfig",
    // templates/_helpers.tpl `loki.commonStorageConfig`: bucket names and the S3 block go into `common.storage`.
    "loki.storage.bucketNames",
    "loki.storage.s3",
    // values.yaml `loki.config`: `schema_config: {{ toYaml .Values.loki.schemaConfig }}`.
    "loki.schemaConfig",
    // templates/_pod.tpl: `resources`, `extraEnvFrom` of each component toYaml'd.
    "*.resources",
    "*.extraEnvFrom",
    // templates/_pod.tpl / statefulsets: `persistence.claims` entries become volumeClaimTemplates.
    "*.persistence.claims",
    // templates/monitoring/servicemonitor.yaml: `{{ toYaml .labels }}`.
    "monitoring.serviceMonitor.labels",
    // templates/_pod.tpl:72 and :244: `coalesce <component> defaults loki` pod and container contexts, toYaml'd.
    "loki.podSecurityContext",
    "loki.containerSecurityContext",
    // templates/memcached/_memcached-statefulset.tpl:63, :134, :178: the caches' pod, memcached and exporter contexts.
    "memcached.podSecurityContext",
    "memcached.containerSecurityContext",
    "memcachedExporter.containerSecurityContext",
  ],
  tempo: [
    // templates/statefulset.yaml: `resources: {{ toYaml .Values.tempo.resources }}`.
    "tempo.resources",
    // values.yaml `config` template: `storage: {{ toYaml .Values.tempo.storage }}` (Tempo's own config).
    "tempo.storage",
    // templates/statefulset.yaml: `{{- range $key, $value := .Values.tempo.extraArgs }}` → `-key=value`.
    "tempo.extraArgs",
    // values.yaml `config` template: the metrics generator blocks and `overrides` are toYaml'd Tempo config.
    "tempo.metricsGenerator.processor",
    "tempo.metricsGenerator.registry",
    "tempo.metricsGenerator.storage",
    "tempo.overrides",
    // templates/servicemonitor.yaml: `{{ toYaml .Values.serviceMonitor.additionalLabels }}`.
    "serviceMonitor.additionalLabels",
    // templates/statefulset.yaml:171 (pod) and :102 (tempo container): toYaml'd security contexts.
    "securityContext",
    "tempo.securityContext",
  ],
  tempoDistributed: [
    // templates/*/deployment-*.yaml, statefulset-*.yaml: `resources` toYaml'd per component.
    "*.resources",
    // values.yaml `config` template: `s3: {{ toYaml .Values.storage.trace.s3 }}`.
    "storage.trace.s3",
    // values.yaml `config` template: metrics_generator processor/storage/registry and overrides toYaml'd.
    "metricsGenerator.config.processor",
    "metricsGenerator.config.registry",
    "metricsGenerator.config.storage",
    "overrides",
    // templates/metamonitoring/servicemonitor.yaml: `{{ toYaml .labels }}`.
    "metaMonitoring.serviceMonitor.labels",
    // templates/_pod.tpl:70 and :142, templates/memcached/statefulset-memcached.yaml:45 and :100: every
    // component's and memcached's pod and container security contexts, toYaml'd.
    "tempo.podSecurityContext",
    "tempo.securityContext",
  ],
  opentelemetryOperator: [
    // templates/deployment.yaml: `resources: {{ toYaml .Values.manager.resources }}`.
    "manager.resources",
    // conf/crds/*.yaml (rendered via tpl): `{{- with .Values.crds.annotations }}` on every CRD.
    "crds.annotations",
    // templates/servicemonitor.yaml: `{{ toYaml .Values.manager.serviceMonitor.extraLabels }}`.
    "manager.serviceMonitor.extraLabels",
    // templates/admission-webhooks/operator-webhook-with-cert-manager.yaml: `issuerRef` name/kind.
    "admissionWebhooks.certManager.issuerRef",
    // templates/deployment.yaml:233 (pod, also the helm-test pods'), :180 (manager container) and
    // templates/tests/*.yaml (`testFramework.securityContext`, the test containers'): toYaml'd.
    "securityContext",
    "manager.securityContext",
    "testFramework.securityContext",
    // templates/admission-webhooks/operator-webhook.yaml: `namespaceSelector: {{- toYaml .Values.admissionWebhooks.namespaceSelector }}` on every webhook.
    "admissionWebhooks.namespaceSelector",
  ],
};

/**
 * Keys the chart reads but whose values.yaml only mentions them in a comment (or not at all). Exact paths.
 */
const UNDECLARED: Partial<Record<ChartKey, readonly string[]>> = {
  prometheusOperatorCrds: [],
  kubePrometheusStack: [
    // grafana chart templates/_helpers.tpl:15 `{{- if .Values.fullnameOverride }}` (grafana.fullname); absent from its values.yaml.
    "grafana.fullnameOverride",
    // grafana chart templates/pvc.yaml `storageClassName: {{ .Values.persistence.storageClassName }}` (commented out in values.yaml).
    "grafana.persistence.storageClassName",
  ],
  loki: [],
  tempo: [
    // templates/statefulset.yaml:209 `storageClassName: {{ .Values.persistence.storageClassName }}` (commented out in values.yaml).
    "persistence.storageClassName",
  ],
  tempoDistributed: [
    // templates/backend-worker/poddisruptionbudget-backend-worker.yaml reads both for replicas > 1; values.yaml has neither.
    "backendWorker.podDisruptionBudget",
    "backendWorker.podDisruptionBudget.enabled",
    "backendWorker.maxUnavailable",
  ],
  opentelemetryOperator: [],
};

function matches(pattern: string, p: string): boolean {
  const a = pattern.split(".");
  const b = p.split(".");
  if (b.length < a.length) return false;
  return a.every((seg, i) => seg === "*" || seg === b[i]);
}

/** Subchart blocks of kube-prometheus-stack, validated against the subchart's values (plus the parent's block). */
const SUBCHARTS: Record<string, string> = {
  grafana: "grafana",
  "kube-state-metrics": "kube-state-metrics",
  "prometheus-node-exporter": "prometheus-node-exporter",
};

function defaultsFor(key: ChartKey): Record<string, unknown> {
  const own = defaultsOf(PINS[key].chart);
  if (key !== "kubePrometheusStack") return own;
  const merged: Record<string, unknown> = { ...own };
  for (const [block, chart] of Object.entries(SUBCHARTS)) {
    const parentBlock = isPlainObject(own[block]) ? own[block] : {};
    merged[block] = deepMerge(defaultsOf(chart), parentBlock);
  }
  return merged;
}

/** Key paths of `values` that the chart does not know. */
export function unknownKeys(key: ChartKey, values: Record<string, unknown>, defaults: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const walk = (v: Record<string, unknown>, d: unknown, prefix: string) => {
    for (const [k, child] of Object.entries(v)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if ((FREE_FORM[key] ?? []).some((pat) => matches(pat, p))) continue;
      const known = isPlainObject(d) && Object.prototype.hasOwnProperty.call(d, k);
      if (!known && !(UNDECLARED[key] ?? []).includes(p)) {
        problems.push(p);
        continue;
      }
      if (isPlainObject(child)) walk(child, isPlainObject(d) ? d[k] : undefined, p);
    }
  };
  walk(values, defaults, "");
  return problems;
}

const CHARTS = Object.keys(PINS) as ChartKey[];

describe("values against the charts' values.yaml (no unknown keys)", () => {
  const defaults = Object.fromEntries(CHARTS.map((k) => [k, defaultsFor(k)])) as Record<ChartKey, Record<string, unknown>>;
  for (const scenario of SCENARIOS) {
    const values = chartValues(cfg(scenario), CTX);
    for (const key of CHARTS) {
      const v = values[key];
      if (v === undefined) continue;
      it(`${scenario}: ${key}`, () => {
        expect(unknownKeys(key, v, defaults[key])).toEqual([]);
      });
    }
  }

  it("every allow-list entry is used by some scenario (no stale exemptions)", () => {
    const used = new Set<string>();
    for (const scenario of SCENARIOS) {
      const values = chartValues(cfg(scenario), CTX);
      for (const key of CHARTS) {
        const v = values[key];
        if (v === undefined) continue;
        const walk = (o: Record<string, unknown>, prefix: string) => {
          for (const [k, child] of Object.entries(o)) {
            const p = prefix ? `${prefix}.${k}` : k;
            for (const pat of FREE_FORM[key] ?? []) if (matches(pat, p)) used.add(`${key}:${pat}`);
            if ((UNDECLARED[key] ?? []).includes(p)) used.add(`${key}:${p}`);
            if (isPlainObject(child)) walk(child, p);
          }
        };
        walk(v, "");
      }
    }
    const all = CHARTS.flatMap((k) => [...(FREE_FORM[k] ?? []), ...(UNDECLARED[k] ?? [])].map((p) => `${k}:${p}`));
    expect(all.filter((e) => !used.has(e))).toEqual([]);
  });

  it("the walker rejects an unknown key (the harness can fail)", () => {
    expect(unknownKeys("loki", { loki: { storag: {} }, singleBinary: { replica: 1 } }, defaults.loki)).toEqual([
      "loki.storag",
      "singleBinary.replica",
    ]);
    expect(unknownKeys("kubePrometheusStack", { grafana: { adminPasword: "x" } }, defaults.kubePrometheusStack)).toEqual([
      "grafana.adminPasword",
    ]);
  });
});

/** Ajv for the schema's draft (`$schema`): draft-07 or 2019-09. */
function compileSchema(schema: object) {
  const draft = (schema as { $schema?: string }).$schema ?? "";
  const ajv = draft.includes("2019-09") ? new Ajv2019({ strict: false, allErrors: true }) : new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

describe("values against values.schema.json", () => {
  const SCHEMA_CHARTS: ChartKey[] = ["loki", "opentelemetryOperator"];
  for (const key of SCHEMA_CHARTS) {
    const schema = JSON.parse(fs.readFileSync(chartFile(PINS[key].chart, "values.schema.json"), "utf8")) as object;
    const validate = compileSchema(schema);
    const defaults = defaultsOf(PINS[key].chart);
    for (const scenario of SCENARIOS) {
      it(`${scenario}: ${key}`, () => {
        const v = chartValues(cfg(scenario), CTX)[key];
        expect(v).toBeDefined();
        // Helm validates the values merged over the defaults.
        const ok = validate(deepMerge(defaults, v!));
        expect(ok ? [] : validate.errors).toEqual([]);
      });
    }
  }

  it("the schema check can fail", () => {
    const schema = JSON.parse(fs.readFileSync(chartFile("loki", "values.schema.json"), "utf8")) as object;
    const validate = compileSchema(schema);
    expect(validate(deepMerge(defaultsOf("loki"), { deploymentMode: 3 }))).toBe(false);
  });
});
