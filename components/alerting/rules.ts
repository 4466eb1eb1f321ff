/**
 * Alert rules as pure builders: each returns the `spec` of a PrometheusRule (its `groups:`), which is
 * also a plain Prometheus rules file (tests hand it to `promtool check rules` / `promtool test rules`).
 *
 * Two rule sets:
 * - {@link stackHealthRules}: the telemetry pipeline itself — collectors refusing, dropping or failing to
 *   export spans/metric points/log records, sending queues filling up, collectors down, Loki and Tempo
 *   ingestion errors and request failures, Prometheus rejecting remote-write/OTLP pushes, and scrape
 *   targets of Datalayer services and remote kernels down.
 * - {@link serviceSloRules}: per-service SLOs from Tempo span metrics (error ratio, and latency as the
 *   share of requests slower than a threshold), as multi-window multi-burn-rate alerts (Google SRE
 *   workbook, ch. 5): page on a fast burn (2% of a 30-day budget in 1 h, 5% in 6 h), ticket on a slow
 *   one (10% in 1 d, 10% in 3 d).
 *
 * Checked and unit-tested with promtool 3.14.0, the deployed Prometheus's own (tests/tools). Every alert
 * carries `severity`, `summary`, `description` and a `runbook_url` into docs/runbooks.md.
 */
import type { ObserverConfig } from "../config";
import { COLLECTORS } from "../endpoints";
import { SPAN_METRICS } from "../grafana/metrics-generator";
import { type Severity, type SloTarget } from "./config";

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}
export type Rule = AlertingRule | RecordingRule;
export interface RuleGroup {
  name: string;
  rules: Rule[];
}
/** `spec` of a monitoring.coreos.com/v1 PrometheusRule; also a valid Prometheus rules file. */
export interface PrometheusRuleSpec {
  groups: RuleGroup[];
}

/** Names of the PrometheusRule objects (fixed) and of their rule groups. */
export const RULE_OBJECTS = {
  stackHealth: "observer-stack-health",
  serviceSlos: "observer-service-slos",
} as const;

/** Alert names this program authors (each is a section of docs/runbooks.md). */
export const ALERTS = {
  collectorDown: "ObserverCollectorDown",
  collectorRefusing: "ObserverCollectorRefusingData",
  collectorDropping: "ObserverCollectorDroppingData",
  collectorExportFailing: "ObserverCollectorExportFailing",
  collectorQueueNearlyFull: "ObserverCollectorQueueNearlyFull",
  lokiIngestionErrors: "ObserverLokiIngestionErrors",
  lokiDiscardingLogs: "ObserverLokiDiscardingLogs",
  lokiRequestErrors: "ObserverLokiRequestErrors",
  tempoIngestionErrors: "ObserverTempoIngestionErrors",
  tempoDiscardingSpans: "ObserverTempoDiscardingSpans",
  tempoRequestErrors: "ObserverTempoRequestErrors",
  prometheusIngestionErrors: "ObserverPrometheusIngestionErrors",
  serviceTargetDown: "ObserverServiceTargetDown",
  kernelTargetsDown: "ObserverKernelTargetsDown",
  serviceErrorBudgetBurn: "ObserverServiceErrorBudgetBurn",
  serviceLatencyBudgetBurn: "ObserverServiceLatencyBudgetBurn",
} as const;
export type AlertName = (typeof ALERTS)[keyof typeof ALERTS];

/** Alerts that {@link ALERTS.collectorDown} inhibits (same `namespace` and `job`). */
export const COLLECTOR_SYMPTOM_ALERTS: readonly AlertName[] = [
  ALERTS.collectorRefusing,
  ALERTS.collectorDropping,
  ALERTS.collectorExportFailing,
  ALERTS.collectorQueueNearlyFull,
];

/**
 * `job` label of each collector's self-metrics targets: the ServiceMonitors scrape the operator's
 * `<collector>-collector-monitoring` Service, and the Prometheus Operator names the job after the Service.
 */
export const COLLECTOR_JOBS = {
  gateway: `${COLLECTORS.gateway}-collector-monitoring`,
  agent: `${COLLECTORS.agent}-collector-monitoring`,
} as const;

/** Telemetry signals as the collector names them in its self-metrics (`otelcol_*_<signal>_total`). */
export const SIGNALS = ["spans", "metric_points", "log_records"] as const;

/** Prometheus' push endpoints (remote write; native OTLP ingestion). */
const PROMETHEUS_PUSH_HANDLERS = ["/api/v1/write", "/api/v1/otlp/v1/metrics"] as const;

/** Loki's push routes (`route` label): the Loki push API and OTLP logs. */
const LOKI_PUSH_ROUTES = ["loki_api_v1_push", "otlp_v1_logs"] as const;

/** Span kinds that are a service's own requests (what its SLO is about). */
const SLO_SPAN_KINDS = ["SPAN_KIND_SERVER", "SPAN_KIND_CONSUMER"] as const;

/** Labels every SLO alert is aggregated by (metadata-contract Prometheus label names). */
export const SLO_LABELS = ["cluster", "service_namespace", "namespace", "service_name"] as const;

/** Burn-rate windows: [long, short, burn-rate factor], per severity (SRE workbook, table 5-8). */
const BURN_WINDOWS: Readonly<Record<"critical" | "warning", readonly (readonly [string, string, number])[]>> = {
  critical: [
    ["1h", "5m", 14.4],
    ["6h", "30m", 6],
  ],
  warning: [
    ["1d", "2h", 3],
    ["3d", "6h", 1],
  ],
};

/** `runbook_url` of an alert: its section (`## <AlertName>`) in docs/runbooks.md. */
function runbookUrl(cfg: Pick<ObserverConfig, "alerting">, alert: AlertName): string {
  return `${cfg.alerting.runbookBaseUrl}#${runbookAnchor(alert)}`;
}

/** GitHub's heading anchor of `## <AlertName>` (lower case; alert names have no spaces or punctuation). */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/** Rules on the health of the telemetry stack. */
export function stackHealthRules(cfg: ObserverConfig): PrometheusRuleSpec {
  const ns = cfg.namespace;
  const rb = (a: AlertName): string => runbookUrl(cfg, a);
  const jobs = `${COLLECTOR_JOBS.gateway}|${COLLECTOR_JOBS.agent}`;
  const collectorSel = `{namespace="${ns}", job=~"${jobs}"}`;

  const collector: AlertingRule[] = [
    ...(["gateway", "agent"] as const).map(
      (c): AlertingRule => ({
        alert: ALERTS.collectorDown,
        // A pod that cannot be scraped, or no target at all (not running, or no longer selected by its ServiceMonitor).
        expr: `up{namespace="${ns}", job="${COLLECTOR_JOBS[c]}"} == 0 or absent(up{namespace="${ns}", job="${COLLECTOR_JOBS[c]}"})`,
        for: "5m",
        labels: { severity: "critical", collector: c },
        annotations: {
          summary: `The ${c} collector is down.`,
          description: `Collector ${COLLECTOR_JOBS[c]} in namespace ${ns} has not been scraped for 5 minutes{{ if $labels.pod }} (pod {{ $labels.pod }}){{ else }} (no target at all){{ end }}: the telemetry it carries is being lost or backing up in the senders.`,
          runbook_url: rb(ALERTS.collectorDown),
        },
      }),
    ),
    ...SIGNALS.map(
      (s): AlertingRule => ({
        alert: ALERTS.collectorRefusing,
        expr: `sum by (cluster, namespace, job, receiver) (rate(otelcol_receiver_refused_${s}_total${collectorSel}[5m])) > 0`,
        for: "10m",
        labels: { severity: "warning", signal: s },
        annotations: {
          summary: `A collector is refusing ${s.replace("_", " ")}.`,
          description: `Collector {{ $labels.job }} (receiver {{ $labels.receiver }}) has refused {{ $value | humanize }} ${s.replace("_", " ")}/s for 10 minutes, usually the memory limiter pushing back; senders retry, then drop.`,
          runbook_url: rb(ALERTS.collectorRefusing),
        },
      }),
    ),
    ...SIGNALS.map(
      (s): AlertingRule => ({
        alert: ALERTS.collectorDropping,
        expr: `sum by (cluster, namespace, job, exporter) (rate(otelcol_exporter_enqueue_failed_${s}_total${collectorSel}[5m])) > 0`,
        for: "5m",
        labels: { severity: "critical", signal: s },
        annotations: {
          summary: `A collector is dropping ${s.replace("_", " ")}: its sending queue is full.`,
          description: `Collector {{ $labels.job }} drops {{ $value | humanize }} ${s.replace("_", " ")}/s because the sending queue of exporter {{ $labels.exporter }} is full; that data is lost.`,
          runbook_url: rb(ALERTS.collectorDropping),
        },
      }),
    ),
    ...SIGNALS.map(
      (s): AlertingRule => ({
        alert: ALERTS.collectorExportFailing,
        expr: `sum by (cluster, namespace, job, exporter) (rate(otelcol_exporter_send_failed_${s}_total${collectorSel}[5m])) > 0`,
        for: "10m",
        labels: { severity: "warning", signal: s },
        annotations: {
          summary: `A collector exporter fails to send ${s.replace("_", " ")}.`,
          description: `Exporter {{ $labels.exporter }} of collector {{ $labels.job }} has failed to send {{ $value | humanize }} ${s.replace("_", " ")}/s for 10 minutes after its retries; the backend is unreachable or rejecting data.`,
          runbook_url: rb(ALERTS.collectorExportFailing),
        },
      }),
    ),
    {
      alert: ALERTS.collectorQueueNearlyFull,
      expr: `max by (cluster, namespace, job, exporter) (otelcol_exporter_queue_size${collectorSel} / otelcol_exporter_queue_capacity${collectorSel}) > 0.8`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: {
        summary: "A collector's sending queue is above 80% of its capacity.",
        description:
          "The sending queue of exporter {{ $labels.exporter }} in collector {{ $labels.job }} is {{ $value | humanizePercentage }} full for 10 minutes; when it is full, data is dropped.",
        runbook_url: rb(ALERTS.collectorQueueNearlyFull),
      },
    },
  ];

  const errorRatio = (metric: string, sel: string, by: string, bad: string): string =>
    `(sum by (${by}) (rate(${metric}{${sel}, ${bad}}[5m])) / sum by (${by}) (rate(${metric}{${sel}}[5m])))`;
  const nsSel = `namespace="${ns}"`;
  const lokiPush = `${nsSel}, route=~"${LOKI_PUSH_ROUTES.join("|")}"`;
  const lokiAll = `${nsSel}, route!~"${LOKI_PUSH_ROUTES.join("|")}"`;
  const fiveXX = `status_code=~"5.."`;

  const backends: AlertingRule[] = [
    {
      alert: ALERTS.lokiIngestionErrors,
      expr: `${errorRatio("loki_request_duration_seconds_count", lokiPush, "cluster, namespace, job, route", fiveXX)} > 0.05`,
      for: "10m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Loki fails to ingest logs.",
        description: "{{ $value | humanizePercentage }} of pushes to Loki ({{ $labels.route }}) fail with 5xx for 10 minutes; the log agent retries, then drops.",
        runbook_url: rb(ALERTS.lokiIngestionErrors),
      },
    },
    {
      alert: ALERTS.lokiDiscardingLogs,
      expr: `sum by (cluster, namespace, reason) (rate(loki_discarded_samples_total{${nsSel}}[5m])) > 0`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Loki is discarding log lines.",
        description: "Loki discards {{ $value | humanize }} lines/s for reason {{ $labels.reason }} (limits, too old, too long) for 15 minutes; those lines are lost.",
        runbook_url: rb(ALERTS.lokiDiscardingLogs),
      },
    },
    {
      alert: ALERTS.lokiRequestErrors,
      expr: `${errorRatio("loki_request_duration_seconds_count", lokiAll, "cluster, namespace, job, route", fiveXX)} > 0.05`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Loki requests are failing.",
        description: "{{ $value | humanizePercentage }} of Loki requests on route {{ $labels.route }} fail with 5xx for 15 minutes; log queries and dashboards are affected.",
        runbook_url: rb(ALERTS.lokiRequestErrors),
      },
    },
    {
      alert: ALERTS.tempoIngestionErrors,
      // Tempo receives OTLP through embedded collector receivers, outside its HTTP server: their refusals are the signal.
      expr: `(sum by (cluster, namespace, job, receiver, transport) (rate(tempo_receiver_refused_spans{${nsSel}}[5m])) / (sum by (cluster, namespace, job, receiver, transport) (rate(tempo_receiver_accepted_spans{${nsSel}}[5m])) + sum by (cluster, namespace, job, receiver, transport) (rate(tempo_receiver_refused_spans{${nsSel}}[5m])))) > 0.05`,
      for: "10m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Tempo fails to ingest traces.",
        description: "Tempo refuses {{ $value | humanizePercentage }} of the spans pushed to receiver {{ $labels.receiver }} ({{ $labels.transport }}) for 10 minutes; the gateway retries, then drops spans.",
        runbook_url: rb(ALERTS.tempoIngestionErrors),
      },
    },
    {
      alert: ALERTS.tempoDiscardingSpans,
      expr: `sum by (cluster, namespace, reason) (rate(tempo_discarded_spans_total{${nsSel}}[5m])) > 0`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Tempo is discarding spans.",
        description: "Tempo discards {{ $value | humanize }} spans/s for reason {{ $labels.reason }} (rate or trace-size limits) for 15 minutes; those spans are lost.",
        runbook_url: rb(ALERTS.tempoDiscardingSpans),
      },
    },
    {
      alert: ALERTS.tempoRequestErrors,
      expr: `${errorRatio("tempo_request_duration_seconds_count", nsSel, "cluster, namespace, job, route", fiveXX)} > 0.05`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Tempo requests are failing.",
        description: "{{ $value | humanizePercentage }} of Tempo requests on route {{ $labels.route }} fail with 5xx for 15 minutes; trace search and lookups are affected.",
        runbook_url: rb(ALERTS.tempoRequestErrors),
      },
    },
    {
      alert: ALERTS.prometheusIngestionErrors,
      expr: `${errorRatio(
        "prometheus_http_requests_total",
        `${nsSel}, handler=~"${PROMETHEUS_PUSH_HANDLERS.join("|")}"`,
        "cluster, namespace, job, pod, handler",
        `code=~"5.."`,
      )} > 0.05`,
      for: "10m",
      labels: { severity: "critical" },
      annotations: {
        summary: "Prometheus rejects pushed metrics.",
        description:
          "{{ $value | humanizePercentage }} of pushes to {{ $labels.handler }} on {{ $labels.pod }} fail with 5xx for 10 minutes; metrics from the gateway (OTLP) or Tempo's span metrics (remote write) are being lost.",
        runbook_url: rb(ALERTS.prometheusIngestionErrors),
      },
    },
  ];

  const kernels = cfg.kernels.namespace;
  const targets: AlertingRule[] = [
    {
      alert: ALERTS.serviceTargetDown,
      // Datalayer services carry the contract's `app` label (pod label datalayer.io/app, set by the default scrape class).
      expr: `up{app!="", namespace!="${kernels}"} == 0`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: {
        summary: "A Datalayer service's metrics target is down.",
        description: "Prometheus cannot scrape {{ $labels.app }} ({{ $labels.job }}, pod {{ $labels.pod }}) in namespace {{ $labels.namespace }} for 10 minutes.",
        runbook_url: rb(ALERTS.serviceTargetDown),
      },
    },
    {
      alert: ALERTS.kernelTargetsDown,
      expr: `(count by (cluster, namespace, job) (up{namespace="${kernels}"} == 0) / count by (cluster, namespace, job) (up{namespace="${kernels}"})) > 0.1`,
      for: "15m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Remote kernels' metrics endpoints are down.",
        description: "{{ $value | humanizePercentage }} of remote-kernel targets of {{ $labels.job }} in namespace {{ $labels.namespace }} cannot be scraped for 15 minutes.",
        runbook_url: rb(ALERTS.kernelTargetsDown),
      },
    },
  ];

  return {
    groups: [
      { name: "observer.collectors", rules: collector },
      { name: "observer.backends", rules: backends },
      { name: "observer.targets", rules: targets },
    ],
  };
}

/** A PromQL regex alternation matching exactly these strings. */
function alternation(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\/-]/g, (c) => `\\\\${c}`)).join("|");
}

/** Formats a ratio without binary noise (0.072, not 0.07200000000000001). */
function num(n: number): string {
  return String(Number(n.toPrecision(6)));
}

/** The `le` value Tempo writes for a bucket bound (Go's FormatFloat 'f', -1). */
function leLabel(bound: number): string {
  return String(bound);
}

interface SloClass {
  /** Series selector for the services of this class (without span kind). */
  readonly services: string;
  readonly target: SloTarget;
  /** `default`, or the service name of an override (the `slo_class` label). */
  readonly who: string;
}

/** Service SLO rules from Tempo span metrics. */
export function serviceSloRules(cfg: ObserverConfig): PrometheusRuleSpec {
  const slo = cfg.alerting.slo;
  const overridden = Object.keys(slo.services);
  const excluded = [...overridden, ...slo.disabled].sort();
  const classes: SloClass[] = [
    {
      services: excluded.length > 0 ? `service_name!~"${alternation(excluded)}"` : `service_name!=""`,
      target: slo.default,
      who: "default",
    },
    ...overridden.map((s) => ({ services: `service_name="${s}"`, target: slo.services[s]!, who: s })),
  ];
  const by = SLO_LABELS.filter((l) => l !== "namespace").join(", ");
  const kinds = `span_kind=~"${SLO_SPAN_KINDS.join("|")}"`;
  // Alertmanager routes by `namespace`: take it from `service_namespace` (the contract's Kubernetes namespace).
  const withNamespace = (e: string): string => `label_replace(${e}, "namespace", "$1", "service_namespace", "(.+)")`;

  const errorRatio = (c: SloClass, w: string): string =>
    `(sum by (${by}) (rate(${SPAN_METRICS.calls}{${c.services}, ${kinds}, status_code="STATUS_CODE_ERROR"}[${w}])) / sum by (${by}) (rate(${SPAN_METRICS.calls}{${c.services}, ${kinds}}[${w}])))`;
  const slowRatio = (c: SloClass, w: string): string =>
    `(1 - (sum by (${by}) (rate(${SPAN_METRICS.latencyBucket}{${c.services}, ${kinds}, le="${leLabel(c.target.latency.threshold)}"}[${w}])) / sum by (${by}) (rate(${SPAN_METRICS.latencyBucket}{${c.services}, ${kinds}, le="+Inf"}[${w}]))))`;

  const burnExpr = (ratio: (w: string) => string, budget: number, sev: "critical" | "warning"): string =>
    withNamespace(
      BURN_WINDOWS[sev]
        .map(([long, short, factor]) => `(${ratio(long)} > ${num(factor * budget)} and ${ratio(short)} > ${num(factor * budget)})`)
        .join(" or "),
    );

  const rules: AlertingRule[] = [];
  for (const c of classes) {
    const errBudget = 1 - c.target.availability;
    const latBudget = 1 - c.target.latency.target;
    for (const sev of ["critical", "warning"] as const) {
      const fast = sev === "critical";
      rules.push({
        alert: ALERTS.serviceErrorBudgetBurn,
        expr: burnExpr((w) => errorRatio(c, w), errBudget, sev),
        for: fast ? "2m" : "15m",
        labels: { severity: sev, slo: "availability", slo_class: c.who },
        annotations: {
          summary: `Service {{ $labels.service_name }} burns its error budget ${fast ? "fast" : "steadily"}.`,
          description: `{{ $labels.service_name }} in {{ $labels.namespace }}: {{ $value | humanizePercentage }} of its requests fail, against an availability SLO of ${num(c.target.availability * 100)}% (${c.who} target); at this rate the 30-day error budget is gone ${fast ? "within days" : "before the month ends"}.`,
          runbook_url: runbookUrl(cfg, ALERTS.serviceErrorBudgetBurn),
        },
      });
      rules.push({
        alert: ALERTS.serviceLatencyBudgetBurn,
        expr: burnExpr((w) => slowRatio(c, w), latBudget, sev),
        for: fast ? "2m" : "15m",
        labels: { severity: sev, slo: "latency", slo_class: c.who },
        annotations: {
          summary: `Service {{ $labels.service_name }} is too slow ${fast ? "and burning its latency budget fast" : "for its latency SLO"}.`,
          description: `{{ $labels.service_name }} in {{ $labels.namespace }}: {{ $value | humanizePercentage }} of its requests take longer than ${c.target.latency.threshold}s, against an SLO of ${num(c.target.latency.target * 100)}% under that (${c.who} target).`,
          runbook_url: runbookUrl(cfg, ALERTS.serviceLatencyBudgetBurn),
        },
      });
    }
  }
  return { groups: [{ name: "observer.service-slos", rules }] };
}
