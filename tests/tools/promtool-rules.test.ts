/**
 * The generated rules, checked by the real tool: `promtool check rules` on every rule file, and
 * `promtool test rules` cases for each alert we author — at least one that fires with the exact labels
 * and annotations expected, and one that must not fire.
 *
 * promtool is the one of the Prometheus the stack deploys (3.14.0), built from the Go module proxy by
 * `tests/engine/toolchain/build.sh prometheus alertmanager` (`.ci/run` runs it; tests/helpers/tools.ts).
 * Missing tool → the tests fail with that command (never skip). Series use a 1m interval and
 * evaluation times well inside the series, away from range-window edges.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { parseConfig, type ObserverConfig } from "../../components/config";
import {
  ALERTS,
  COLLECTOR_JOBS,
  SIGNALS,
  serviceSloRules,
  stackHealthRules,
  type AlertingRule,
  type PrometheusRuleSpec,
} from "../../components/alerting/rules";
import { requireTool, runTool } from "../helpers/tools";

// ---------------------------------------------------------------------------------------------
// Tool plumbing
// ---------------------------------------------------------------------------------------------

let dir: string;
beforeAll(() => {
  const version = requireTool("promtool");
  console.log(`promtool under test: ${version}`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-promtool-"));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): { status: number; out: string } {
  return runTool("promtool", args, dir);
}

let fileCounter = 0;
function writeRules(spec: PrometheusRuleSpec): string {
  const file = `rules-${++fileCounter}.yml`;
  fs.writeFileSync(path.join(dir, file), stringify(spec, { lineWidth: 0 }));
  return file;
}

// ---------------------------------------------------------------------------------------------
// Expected annotations: the rule's templates expanded for the labels and $value we expect.
// ---------------------------------------------------------------------------------------------

function expand(tpl: string, labels: Record<string, string>, value: string): string {
  return tpl
    .replace(/\{\{ if \$labels\.(\w+) \}\}(.*?)\{\{ else \}\}(.*?)\{\{ end \}\}/g, (_m, l: string, a: string, b: string) =>
      labels[l] ? a : b,
    )
    .replace(/\{\{ \$value \| humanize(Percentage)? \}\}/g, value)
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l: string) => labels[l] ?? "");
}

interface Expected {
  /** Every label of the alert except alertname (static rule labels included). */
  labels: Record<string, string>;
  /** `$value` as rendered by the template (humanize / humanizePercentage). */
  value: string;
}

interface Case {
  name: string;
  alert: string;
  series: { series: string; values: string }[];
  evalTime: string;
  /** Empty: must not fire. */
  fires: Expected[];
}

/** The rule that produced an alert: same name and its static labels are a subset of the alert's labels. */
function ruleFor(spec: PrometheusRuleSpec, alert: string, labels: Record<string, string>): AlertingRule {
  const rules = spec.groups
    .flatMap((g) => g.rules)
    .filter((r): r is AlertingRule => "alert" in r && r.alert === alert)
    .filter((r) => Object.entries(r.labels).every(([k, v]) => labels[k] === v));
  if (rules.length !== 1) throw new Error(`expected one rule ${alert} for ${JSON.stringify(labels)}, found ${rules.length}`);
  return rules[0]!;
}

function runCase(spec: PrometheusRuleSpec, ruleFile: string, c: Case): void {
  const test = {
    rule_files: [ruleFile],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: c.series,
        alert_rule_test: [
          {
            eval_time: c.evalTime,
            alertname: c.alert,
            exp_alerts: c.fires.map((e) => {
              const rule = ruleFor(spec, c.alert, e.labels);
              const annotations = Object.fromEntries(
                Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, e.labels, e.value)]),
              );
              return { exp_labels: e.labels, exp_annotations: annotations };
            }),
          },
        ],
      },
    ],
  };
  const file = `test-${++fileCounter}.yml`;
  fs.writeFileSync(path.join(dir, file), stringify(test, { lineWidth: 0 }));
  const r = run(["test", "rules", file]);
  if (r.status !== 0) throw new Error(`promtool test rules failed for "${c.name}":\n${r.out}`);
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const cfg: ObserverConfig = parseConfig({});
const NS = cfg.namespace; // datalayer-observer
const KERNELS = cfg.kernels.namespace; // datalayer-runtimes
const GW = COLLECTOR_JOBS.gateway;
const AGENT = COLLECTOR_JOBS.agent;

const labelsText = (l: Record<string, string>): string =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ")}}`;
const s = (metric: string, l: Record<string, string>, values: string) => ({ series: `${metric}${labelsText(l)}`, values });

// ---------------------------------------------------------------------------------------------
// promtool check rules
// ---------------------------------------------------------------------------------------------

describe("promtool check rules", () => {
  const configs: [string, Record<string, unknown>][] = [
    ["defaults", {}],
    [
      "per-service SLOs, a disabled one, another namespace",
      {
        namespace: "obs",
        kernels: { namespace: "kernels" },
        alerting: { slo: { services: { "billing.api": { availability: 0.999, latency: { threshold: 0.512 } }, noisy: { enabled: false } } } },
      },
    ],
  ];
  it.each(configs)("accepts every generated rule file (%s)", (_name, raw) => {
    const c = parseConfig(raw);
    for (const spec of [stackHealthRules(c), serviceSloRules(c)]) {
      const file = writeRules(spec);
      const r = run(["check", "rules", file]);
      expect({ status: r.status, out: r.out }).toEqual({ status: 0, out: expect.stringContaining("SUCCESS") });
    }
  });

  it("rejects a broken rule file (the check can fail)", () => {
    const file = writeRules({ groups: [{ name: "x", rules: [{ alert: "X", expr: "rate(up[5m]", labels: { severity: "warning" }, annotations: { summary: "", description: "", runbook_url: "" } }] }] });
    expect(run(["check", "rules", file]).status).not.toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Stack health
// ---------------------------------------------------------------------------------------------

describe("promtool test rules: stack health", () => {
  const spec = stackHealthRules(cfg);
  let file: string;
  beforeAll(() => {
    file = writeRules(spec);
  });

  const gwUp = (v: string, pod = "gw-0") => s("up", { namespace: NS, job: GW, pod, cluster: "local" }, v);
  const agentUp = (v: string, pod = "agent-a") => s("up", { namespace: NS, job: AGENT, pod, cluster: "local" }, v);

  const cases: Case[] = [
    {
      name: "a gateway pod down for 10m",
      alert: ALERTS.collectorDown,
      series: [gwUp("0x30"), agentUp("1x30")],
      evalTime: "10m",
      fires: [{ labels: { severity: "critical", collector: "gateway", namespace: NS, job: GW, pod: "gw-0", cluster: "local" }, value: "0" }],
    },
    {
      name: "no agent target at all",
      alert: ALERTS.collectorDown,
      series: [gwUp("1x30")],
      evalTime: "10m",
      fires: [{ labels: { severity: "critical", collector: "agent", namespace: NS, job: AGENT }, value: "1" }],
    },
    {
      name: "collectors up, or down shorter than 5m: nothing",
      alert: ALERTS.collectorDown,
      series: [gwUp("1x5 0x2 1x20"), agentUp("1x30")],
      evalTime: "10m",
      fires: [],
    },
    {
      name: "a collector of another namespace down: not ours",
      alert: ALERTS.collectorDown,
      series: [gwUp("1x30"), agentUp("1x30"), s("up", { namespace: "other", job: GW, pod: "x" }, "0x30")],
      evalTime: "10m",
      fires: [],
    },
    ...SIGNALS.flatMap((sig): Case[] => [
      {
        name: `refused ${sig} for 10m`,
        alert: ALERTS.collectorRefusing,
        series: [s(`otelcol_receiver_refused_${sig}_total`, { namespace: NS, job: GW, pod: "gw-0", receiver: "otlp", transport: "grpc", cluster: "local" }, "0+60x40")],
        evalTime: "25m",
        fires: [{ labels: { severity: "warning", signal: sig, cluster: "local", namespace: NS, job: GW, receiver: "otlp" }, value: "1" }],
      },
      {
        name: `no ${sig} refused`,
        alert: ALERTS.collectorRefusing,
        series: [s(`otelcol_receiver_refused_${sig}_total`, { namespace: NS, job: GW, pod: "gw-0", receiver: "otlp", transport: "grpc" }, "5x40")],
        evalTime: "25m",
        fires: [],
      },
      {
        name: `${sig} dropped on a full queue`,
        alert: ALERTS.collectorDropping,
        series: [s(`otelcol_exporter_enqueue_failed_${sig}_total`, { namespace: NS, job: AGENT, pod: "agent-a", exporter: "otlphttp/loki", cluster: "local" }, "0+120x40")],
        evalTime: "20m",
        fires: [{ labels: { severity: "critical", signal: sig, cluster: "local", namespace: NS, job: AGENT, exporter: "otlphttp/loki" }, value: "2" }],
      },
      {
        name: `no ${sig} dropped`,
        alert: ALERTS.collectorDropping,
        series: [s(`otelcol_exporter_enqueue_failed_${sig}_total`, { namespace: NS, job: AGENT, pod: "agent-a", exporter: "otlphttp/loki" }, "0x40")],
        evalTime: "20m",
        fires: [],
      },
      {
        name: `${sig} failing to export`,
        alert: ALERTS.collectorExportFailing,
        series: [s(`otelcol_exporter_send_failed_${sig}_total`, { namespace: NS, job: GW, pod: "gw-0", exporter: "otlp/tempo", cluster: "local" }, "0+60x40")],
        evalTime: "25m",
        fires: [{ labels: { severity: "warning", signal: sig, cluster: "local", namespace: NS, job: GW, exporter: "otlp/tempo" }, value: "1" }],
      },
      {
        name: `${sig} export failures that stopped`,
        alert: ALERTS.collectorExportFailing,
        series: [s(`otelcol_exporter_send_failed_${sig}_total`, { namespace: NS, job: GW, pod: "gw-0", exporter: "otlp/tempo" }, "0+60x10 600x30")],
        evalTime: "25m",
        fires: [],
      },
    ]),
    {
      name: "a queue 90% full for 10m",
      alert: ALERTS.collectorQueueNearlyFull,
      series: [
        s("otelcol_exporter_queue_size", { namespace: NS, job: GW, pod: "gw-0", exporter: "otlp/tempo", data_type: "traces", cluster: "local" }, "900x30"),
        s("otelcol_exporter_queue_capacity", { namespace: NS, job: GW, pod: "gw-0", exporter: "otlp/tempo", data_type: "traces", cluster: "local" }, "1000x30"),
      ],
      evalTime: "15m",
      fires: [{ labels: { severity: "warning", cluster: "local", namespace: NS, job: GW, exporter: "otlp/tempo" }, value: "90%" }],
    },
    {
      name: "a queue 70% full: nothing",
      alert: ALERTS.collectorQueueNearlyFull,
      series: [
        s("otelcol_exporter_queue_size", { namespace: NS, job: GW, pod: "gw-0", exporter: "otlp/tempo", data_type: "traces" }, "700x30"),
        s("otelcol_exporter_queue_capacity", { namespace: NS, job: GW, pod: "gw-0", exporter: "otlp/tempo", data_type: "traces" }, "1000x30"),
      ],
      evalTime: "15m",
      fires: [],
    },
    {
      name: "10% of Loki OTLP pushes fail",
      alert: ALERTS.lokiIngestionErrors,
      series: [
        s("loki_request_duration_seconds_count", { namespace: NS, job: "loki", route: "otlp_v1_logs", status_code: "500", cluster: "local" }, "0+6x40"),
        s("loki_request_duration_seconds_count", { namespace: NS, job: "loki", route: "otlp_v1_logs", status_code: "204", cluster: "local" }, "0+54x40"),
      ],
      evalTime: "20m",
      fires: [{ labels: { severity: "critical", cluster: "local", namespace: NS, job: "loki", route: "otlp_v1_logs" }, value: "10%" }],
    },
    {
      name: "1% of pushes fail and queries fail a lot: no ingestion alert",
      alert: ALERTS.lokiIngestionErrors,
      series: [
        s("loki_request_duration_seconds_count", { namespace: NS, job: "loki", route: "loki_api_v1_push", status_code: "500" }, "0+1x40"),
        s("loki_request_duration_seconds_count", { namespace: NS, job: "loki", route: "loki_api_v1_push", status_code: "204" }, "0+99x40"),
        s("loki_request_duration_seconds_count", { namespace: NS, job: "loki", route: "loki_api_v1_query_range", status_code: "500" }, "0+50x40"),
      ],
      evalTime: "20m",
      fires: [],
    },
    {
      name: "Loki discards lines",
      alert: ALERTS.lokiDiscardingLogs,
      series: [s("loki_discarded_samples_total", { namespace: NS, job: "loki", tenant: "fake", reason: "rate_limited", cluster: "local" }, "0+60x40")],
      evalTime: "25m",
      fires: [{ labels: { severity: "warning", cluster: "local", namespace: NS, reason: "rate_limited" }, value: "1" }],
    },
    {
      name: "Loki discarded lines long ago: nothing",
      alert: ALERTS.lokiDiscardingLogs,
      series: [s("loki_discarded_samples_total", { namespace: NS, job: "loki", tenant: "fake", reason: "rate_limited" }, "0+60x5 300x40")],
      evalTime: "30m",
      fires: [],
    },
    {
      name: "20% of Loki queries fail",
      alert: ALERTS.lokiRequestErrors,
      series: [
        s("loki_request_duration_seconds_count", { namespace: NS, job: "loki", route: "loki_api_v1_query_range", status_code: "500", cluster: "local" }, "0+12x40"),
        s("loki_request_duration_seconds_count", { namespace: NS, job: "loki", route: "loki_api_v1_query_range", status_code: "200", cluster: "local" }, "0+48x40"),
      ],
      evalTime: "25m",
      fires: [{ labels: { severity: "warning", cluster: "local", namespace: NS, job: "loki", route: "loki_api_v1_query_range" }, value: "20%" }],
    },
    {
      name: "failing pushes are not request errors",
      alert: ALERTS.lokiRequestErrors,
      series: [
        s("loki_request_duration_seconds_count", { namespace: NS, job: "loki", route: "otlp_v1_logs", status_code: "500" }, "0+12x40"),
        s("loki_request_duration_seconds_count", { namespace: NS, job: "loki", route: "loki_api_v1_query_range", status_code: "200" }, "0+48x40"),
      ],
      evalTime: "25m",
      fires: [],
    },
    {
      name: "Tempo refuses 10% of spans",
      alert: ALERTS.tempoIngestionErrors,
      series: [
        s("tempo_receiver_refused_spans", { namespace: NS, job: "tempo", receiver: "otlp", transport: "grpc", cluster: "local" }, "0+6x40"),
        s("tempo_receiver_accepted_spans", { namespace: NS, job: "tempo", receiver: "otlp", transport: "grpc", cluster: "local" }, "0+54x40"),
      ],
      evalTime: "20m",
      fires: [{ labels: { severity: "critical", cluster: "local", namespace: NS, job: "tempo", receiver: "otlp", transport: "grpc" }, value: "10%" }],
    },
    {
      name: "Tempo refuses nothing",
      alert: ALERTS.tempoIngestionErrors,
      series: [
        s("tempo_receiver_refused_spans", { namespace: NS, job: "tempo", receiver: "otlp", transport: "grpc" }, "0x40"),
        s("tempo_receiver_accepted_spans", { namespace: NS, job: "tempo", receiver: "otlp", transport: "grpc" }, "0+54x40"),
      ],
      evalTime: "20m",
      fires: [],
    },
    {
      name: "Tempo discards spans",
      alert: ALERTS.tempoDiscardingSpans,
      series: [s("tempo_discarded_spans_total", { namespace: NS, job: "tempo", tenant: "single-tenant", reason: "trace_too_large", cluster: "local" }, "0+120x40")],
      evalTime: "25m",
      fires: [{ labels: { severity: "warning", cluster: "local", namespace: NS, reason: "trace_too_large" }, value: "2" }],
    },
    {
      name: "Tempo discards nothing",
      alert: ALERTS.tempoDiscardingSpans,
      series: [s("tempo_discarded_spans_total", { namespace: NS, job: "tempo", reason: "trace_too_large" }, "3x40")],
      evalTime: "25m",
      fires: [],
    },
    {
      name: "20% of Tempo searches fail",
      alert: ALERTS.tempoRequestErrors,
      series: [
        s("tempo_request_duration_seconds_count", { namespace: NS, job: "tempo", route: "api_search", status_code: "500", cluster: "local" }, "0+12x40"),
        s("tempo_request_duration_seconds_count", { namespace: NS, job: "tempo", route: "api_search", status_code: "200", cluster: "local" }, "0+48x40"),
      ],
      evalTime: "25m",
      fires: [{ labels: { severity: "warning", cluster: "local", namespace: NS, job: "tempo", route: "api_search" }, value: "20%" }],
    },
    {
      name: "2% of Tempo searches fail: nothing",
      alert: ALERTS.tempoRequestErrors,
      series: [
        s("tempo_request_duration_seconds_count", { namespace: NS, job: "tempo", route: "api_search", status_code: "500" }, "0+1x40"),
        s("tempo_request_duration_seconds_count", { namespace: NS, job: "tempo", route: "api_search", status_code: "200" }, "0+49x40"),
      ],
      evalTime: "25m",
      fires: [],
    },
    {
      name: "Prometheus rejects 10% of OTLP pushes",
      alert: ALERTS.prometheusIngestionErrors,
      series: [
        s("prometheus_http_requests_total", { namespace: NS, job: "observer-prometheus", pod: "prometheus-0", handler: "/api/v1/otlp/v1/metrics", code: "500", cluster: "local" }, "0+6x40"),
        s("prometheus_http_requests_total", { namespace: NS, job: "observer-prometheus", pod: "prometheus-0", handler: "/api/v1/otlp/v1/metrics", code: "200", cluster: "local" }, "0+54x40"),
      ],
      evalTime: "20m",
      fires: [
        {
          labels: { severity: "critical", cluster: "local", namespace: NS, job: "observer-prometheus", pod: "prometheus-0", handler: "/api/v1/otlp/v1/metrics" },
          value: "10%",
        },
      ],
    },
    {
      name: "failing queries are not ingestion errors",
      alert: ALERTS.prometheusIngestionErrors,
      series: [
        s("prometheus_http_requests_total", { namespace: NS, job: "observer-prometheus", pod: "prometheus-0", handler: "/api/v1/query", code: "500" }, "0+6x40"),
        s("prometheus_http_requests_total", { namespace: NS, job: "observer-prometheus", pod: "prometheus-0", handler: "/api/v1/write", code: "204" }, "0+54x40"),
      ],
      evalTime: "20m",
      fires: [],
    },
    {
      name: "a Datalayer service target down",
      alert: ALERTS.serviceTargetDown,
      series: [s("up", { namespace: "datalayer-api", job: "iam", pod: "iam-0", app: "iam", cluster: "local" }, "0x30")],
      evalTime: "15m",
      fires: [{ labels: { severity: "warning", namespace: "datalayer-api", job: "iam", pod: "iam-0", app: "iam", cluster: "local" }, value: "0" }],
    },
    {
      name: "targets without the app label, or kernels: not service targets",
      alert: ALERTS.serviceTargetDown,
      series: [
        s("up", { namespace: "kube-system", job: "coredns", pod: "coredns-0" }, "0x30"),
        s("up", { namespace: KERNELS, job: "kernels", pod: "k-0", app: "kernel" }, "0x30"),
        s("up", { namespace: "datalayer-api", job: "iam", pod: "iam-0", app: "iam" }, "1x30"),
      ],
      evalTime: "15m",
      fires: [],
    },
    {
      name: "a quarter of the kernels unreachable",
      alert: ALERTS.kernelTargetsDown,
      series: [
        s("up", { namespace: KERNELS, job: "kernels", pod: "k-0", cluster: "local" }, "0x30"),
        s("up", { namespace: KERNELS, job: "kernels", pod: "k-1", cluster: "local" }, "1x30"),
        s("up", { namespace: KERNELS, job: "kernels", pod: "k-2", cluster: "local" }, "1x30"),
        s("up", { namespace: KERNELS, job: "kernels", pod: "k-3", cluster: "local" }, "1x30"),
      ],
      evalTime: "20m",
      fires: [{ labels: { severity: "warning", cluster: "local", namespace: KERNELS, job: "kernels" }, value: "25%" }],
    },
    {
      name: "one kernel of twenty unreachable: nothing",
      alert: ALERTS.kernelTargetsDown,
      series: Array.from({ length: 20 }, (_x, i) => s("up", { namespace: KERNELS, job: "kernels", pod: `k-${i}` }, i === 0 ? "0x30" : "1x30")),
      evalTime: "20m",
      fires: [],
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => runCase(spec, file, c));

  it("has a firing and a non-firing case for every stack-health rule", () => {
    for (const rule of spec.groups.flatMap((g) => g.rules) as AlertingRule[]) {
      const mine = cases.filter((c) => c.alert === rule.alert);
      const fired = mine.some((c) => c.fires.some((e) => Object.entries(rule.labels).every(([k, v]) => e.labels[k] === v)));
      expect({ rule: rule.alert, labels: rule.labels, fired, quiet: mine.some((c) => c.fires.length === 0) }).toEqual({
        rule: rule.alert,
        labels: rule.labels,
        fired: true,
        quiet: true,
      });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Service SLOs (multi-window burn rates over Tempo span metrics)
// ---------------------------------------------------------------------------------------------

describe("promtool test rules: service SLOs", () => {
  const sloCfg = parseConfig({
    alerting: {
      slo: {
        services: {
          billing: { availability: 0.999, latency: { threshold: 0.512 } },
          noisy: { enabled: false },
        },
      },
    },
  });
  const spec = serviceSloRules(sloCfg);
  let file: string;
  beforeAll(() => {
    file = writeRules(spec);
  });

  const svc = (name: string, ns = "datalayer-api") => ({ service_name: name, service_namespace: ns, namespace: ns, cluster: "local" });
  const calls = (name: string, status: string, values: string, kind = "SPAN_KIND_SERVER") =>
    s("traces_spanmetrics_calls_total", { ...svc(name), service: name, span_name: "GET /", span_kind: kind, status_code: status }, values);
  const bucket = (name: string, le: string, values: string) =>
    s("traces_spanmetrics_latency_bucket", { ...svc(name), service: name, span_name: "GET /", span_kind: "SPAN_KIND_SERVER", status_code: "STATUS_CODE_OK", le }, values);
  const sloLabels = (name: string, severity: string, slo: string, sloClass: string) => ({
    severity,
    slo,
    slo_class: sloClass,
    cluster: "local",
    service_namespace: "datalayer-api",
    namespace: "datalayer-api",
    service_name: name,
  });

  const cases: Case[] = [
    {
      name: "10% errors: fast burn pages, slow burn tickets",
      alert: ALERTS.serviceErrorBudgetBurn,
      series: [calls("iam", "STATUS_CODE_ERROR", "0+10x120"), calls("iam", "STATUS_CODE_OK", "0+90x120")],
      evalTime: "100m",
      fires: [
        { labels: sloLabels("iam", "critical", "availability", "default"), value: "10%" },
        { labels: sloLabels("iam", "warning", "availability", "default"), value: "10%" },
      ],
    },
    {
      name: "2% errors: above 3x but under 6x the default budget: ticket only",
      alert: ALERTS.serviceErrorBudgetBurn,
      series: [calls("iam", "STATUS_CODE_ERROR", "0+2x120"), calls("iam", "STATUS_CODE_OK", "0+98x120")],
      evalTime: "100m",
      fires: [{ labels: sloLabels("iam", "warning", "availability", "default"), value: "2%" }],
    },
    {
      name: "0.4% errors: within the 99.5% default target",
      alert: ALERTS.serviceErrorBudgetBurn,
      series: [calls("iam", "STATUS_CODE_ERROR", "0+4x120"), calls("iam", "STATUS_CODE_OK", "0+996x120")],
      evalTime: "100m",
      fires: [],
    },
    {
      name: "an error burst that ended: the short windows keep the page quiet",
      alert: ALERTS.serviceErrorBudgetBurn,
      series: [calls("iam", "STATUS_CODE_ERROR", "0+10x60 600x60"), calls("iam", "STATUS_CODE_OK", "0+90x120")],
      evalTime: "100m",
      fires: [{ labels: sloLabels("iam", "warning", "availability", "default"), value: "6.25%" }],
    },
    {
      name: "2% errors page a 99.9% service (per-service target)",
      alert: ALERTS.serviceErrorBudgetBurn,
      series: [calls("billing", "STATUS_CODE_ERROR", "0+2x120"), calls("billing", "STATUS_CODE_OK", "0+98x120")],
      evalTime: "100m",
      fires: [
        { labels: sloLabels("billing", "critical", "availability", "billing"), value: "2%" },
        { labels: sloLabels("billing", "warning", "availability", "billing"), value: "2%" },
      ],
    },
    {
      name: "a disabled service and client spans never alert",
      alert: ALERTS.serviceErrorBudgetBurn,
      series: [
        calls("noisy", "STATUS_CODE_ERROR", "0+50x120"),
        calls("noisy", "STATUS_CODE_OK", "0+50x120"),
        calls("iam", "STATUS_CODE_ERROR", "0+50x120", "SPAN_KIND_CLIENT"),
        calls("iam", "STATUS_CODE_OK", "0+100x120"),
      ],
      evalTime: "100m",
      fires: [],
    },
    {
      name: "20% of requests over 1.024s: latency pages and tickets",
      alert: ALERTS.serviceLatencyBudgetBurn,
      series: [bucket("iam", "0.512", "0+50x120"), bucket("iam", "1.024", "0+80x120"), bucket("iam", "+Inf", "0+100x120")],
      evalTime: "100m",
      fires: [
        { labels: sloLabels("iam", "critical", "latency", "default"), value: "20%" },
        { labels: sloLabels("iam", "warning", "latency", "default"), value: "20%" },
      ],
    },
    {
      name: "0.5% of requests over 1.024s: within the p99 target",
      alert: ALERTS.serviceLatencyBudgetBurn,
      series: [bucket("iam", "1.024", "0+995x120"), bucket("iam", "+Inf", "0+1000x120")],
      evalTime: "100m",
      fires: [],
    },
    {
      name: "a service with a 0.512s threshold is judged on that bucket",
      alert: ALERTS.serviceLatencyBudgetBurn,
      series: [
        bucket("billing", "0.512", "0+80x120"),
        bucket("billing", "1.024", "0+100x120"),
        bucket("billing", "+Inf", "0+100x120"),
        // The same shape for a default-target service: all under 1.024s, so nothing.
        bucket("iam", "0.512", "0+80x120"),
        bucket("iam", "1.024", "0+100x120"),
        bucket("iam", "+Inf", "0+100x120"),
      ],
      evalTime: "100m",
      fires: [
        { labels: sloLabels("billing", "critical", "latency", "billing"), value: "20%" },
        { labels: sloLabels("billing", "warning", "latency", "billing"), value: "20%" },
      ],
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))("%s", (_n, c) => runCase(spec, file, c));

  it("has a firing and a non-firing case for every SLO alert and severity", () => {
    for (const alert of [ALERTS.serviceErrorBudgetBurn, ALERTS.serviceLatencyBudgetBurn]) {
      for (const severity of ["critical", "warning"]) {
        const mine = cases.filter((c) => c.alert === alert);
        expect({ alert, severity, fired: mine.some((c) => c.fires.some((e) => e.labels.severity === severity)) }).toEqual({ alert, severity, fired: true });
        expect(mine.some((c) => c.fires.length === 0)).toBe(true);
      }
    }
  });
});
