/**
 * Rule builders: exact expressions, the annotations every alert must carry, runbook sections that exist,
 * metric names in the inventory, and the PrometheusRule bodies against the upstream CRD.
 */
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../../../components/config";
import {
  ALERTS,
  COLLECTOR_JOBS,
  RULE_OBJECTS,
  runbookAnchor,
  serviceSloRules,
  stackHealthRules,
  type AlertingRule,
  type PrometheusRuleSpec,
} from "../../../components/alerting/rules";
import { prometheusRuleBodies } from "../../../components/alerting/index";
import { defaultRulesValues } from "../../../components/alerting/values";
import { isInventoried } from "../../fixtures/metrics";
import { CONTRACT_PROM_LABELS } from "../../helpers/contract";
import { SPAN_METRICS_LABELS } from "../../fixtures/metrics";
import { expectValidCR } from "../../helpers/crd-schema";

const cfg = parseConfig({ alerting: { slo: { services: { "billing.api": { availability: 0.999, latency: { threshold: 0.512 } }, noisy: { enabled: false } } } } });
const specs: PrometheusRuleSpec[] = [stackHealthRules(cfg), serviceSloRules(cfg)];
const alerts = (spec: PrometheusRuleSpec): AlertingRule[] => spec.groups.flatMap((g) => g.rules) as AlertingRule[];
const all = specs.flatMap(alerts);

describe("every alert", () => {
  it("authors exactly the documented alert names", () => {
    expect([...new Set(all.map((a) => a.alert))].sort()).toEqual(Object.values(ALERTS).sort());
  });

  it.each(all.map((a, i) => [`${a.alert} #${i}`, a] as const))("%s has severity, summary, description and runbook_url", (_n, a) => {
    expect(["critical", "warning", "info"]).toContain(a.labels.severity);
    expect(Object.keys(a.annotations).sort()).toEqual(["description", "runbook_url", "summary"]);
    expect(a.annotations.summary.length).toBeGreaterThan(10);
    expect(a.annotations.description.length).toBeGreaterThan(20);
    expect(a.annotations.runbook_url).toBe(`https://github.com/datalayer/observer/blob/main/docs/runbooks.md#${a.alert.toLowerCase()}`);
  });

  it("links to a section of docs/runbooks.md that exists", () => {
    const md = fs.readFileSync(path.resolve(__dirname, "../../../docs/runbooks.md"), "utf8");
    // GitHub's anchors: lower case, spaces to '-', punctuation dropped.
    const anchors = new Set(
      [...md.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-")),
    );
    const missing = [...new Set(all.map((a) => a.annotations.runbook_url.split("#")[1]!))].filter((x) => !anchors.has(x));
    expect(missing).toEqual([]);
    expect(runbookAnchor("ObserverCollectorDown")).toBe("observercollectordown");
  });

  it("follows a configured runbook base URL", () => {
    const c = parseConfig({ alerting: { runbookBaseUrl: "https://docs.example.com/observer/runbooks" } });
    expect(alerts(stackHealthRules(c))[0]!.annotations.runbook_url).toBe("https://docs.example.com/observer/runbooks#observercollectordown");
  });
});

/** Metric names in a PromQL expression (identifiers that are not functions, keywords, labels or strings). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, "") // label matchers
    .replace(/\[[^\]]*\]/g, "") // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ""); // label lists
  const keywords = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right"]);
  const names: string[] = [];
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = stripped.slice(m.index! + m[0].length).trimStart();
    if (after.startsWith("(") || keywords.has(m[0])) continue;
    names.push(m[0]);
  }
  return [...new Set(names)];
}

describe("metric names", () => {
  it("extracts names the way the inventory check needs", () => {
    expect(metricNames('sum by (a, b) (rate(x_total{l="y{z}"}[5m])) / on (a) group_left (c) y > 0.5 and absent(up{job="j"})')).toEqual(["x_total", "y", "up"]);
  });

  it("uses only metrics in the inventory (tests/fixtures/metrics.ts)", () => {
    const used = [...new Set(all.flatMap((a) => metricNames(a.expr)))].sort();
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((n) => !isInventoried(n))).toEqual([]);
  });

  it("aggregates SLO alerts by contract labels the span metrics carry", () => {
    for (const a of alerts(serviceSloRules(cfg))) {
      for (const m of a.expr.matchAll(/sum by \(([^)]*)\)/g)) {
        const labels = m[1]!.split(",").map((l) => l.trim());
        expect(labels).toEqual(["cluster", "service_namespace", "service_name"]);
        for (const l of labels) {
          expect(CONTRACT_PROM_LABELS).toContain(l);
          expect(SPAN_METRICS_LABELS as readonly string[]).toContain(l);
        }
      }
    }
  });
});

describe("stack health rules, exactly", () => {
  const spec = stackHealthRules(cfg);
  const find = (alert: string, labels: Record<string, string> = {}) =>
    alerts(spec).filter((a) => a.alert === alert && Object.entries(labels).every(([k, v]) => a.labels[k] === v));

  it("has three groups in a fixed order", () => {
    expect(spec.groups.map((g) => [g.name, g.rules.length])).toEqual([
      ["observer.collectors", 12],
      ["observer.backends", 7],
      ["observer.targets", 2],
    ]);
  });

  it("collector down: no target or a target down, per collector", () => {
    expect(find(ALERTS.collectorDown).map((a) => [a.expr, a.for, a.labels])).toEqual([
      [
        `up{namespace="datalayer-observer", job="${COLLECTOR_JOBS.gateway}"} == 0 or absent(up{namespace="datalayer-observer", job="${COLLECTOR_JOBS.gateway}"})`,
        "5m",
        { severity: "critical", collector: "gateway" },
      ],
      [
        `up{namespace="datalayer-observer", job="${COLLECTOR_JOBS.agent}"} == 0 or absent(up{namespace="datalayer-observer", job="${COLLECTOR_JOBS.agent}"})`,
        "5m",
        { severity: "critical", collector: "agent" },
      ],
    ]);
    expect(COLLECTOR_JOBS).toEqual({ gateway: "datalayer-collector-collector-monitoring", agent: "datalayer-log-agent-collector-monitoring" });
  });

  it("drops, refusals, export failures per signal", () => {
    const sel = `{namespace="datalayer-observer", job=~"datalayer-collector-collector-monitoring|datalayer-log-agent-collector-monitoring"}`;
    expect(find(ALERTS.collectorDropping, { signal: "log_records" })[0]!.expr).toBe(
      `sum by (cluster, namespace, job, exporter) (rate(otelcol_exporter_enqueue_failed_log_records_total${sel}[5m])) > 0`,
    );
    expect(find(ALERTS.collectorRefusing, { signal: "metric_points" })[0]!.expr).toBe(
      `sum by (cluster, namespace, job, receiver) (rate(otelcol_receiver_refused_metric_points_total${sel}[5m])) > 0`,
    );
    expect(find(ALERTS.collectorExportFailing).map((a) => a.labels.signal)).toEqual(["spans", "metric_points", "log_records"]);
    expect(find(ALERTS.collectorQueueNearlyFull)[0]!.expr).toBe(
      `max by (cluster, namespace, job, exporter) (otelcol_exporter_queue_size${sel} / otelcol_exporter_queue_capacity${sel}) > 0.8`,
    );
  });

  it("targets: Datalayer services by the contract's app label, kernels by namespace", () => {
    expect(find(ALERTS.serviceTargetDown)[0]!.expr).toBe(`up{app!="", namespace!="datalayer-runtimes"} == 0`);
    const k = parseConfig({ kernels: { namespace: "kernels" } });
    expect(alerts(stackHealthRules(k)).find((a) => a.alert === ALERTS.kernelTargetsDown)!.expr).toBe(
      `(count by (cluster, namespace, job) (up{namespace="kernels"} == 0) / count by (cluster, namespace, job) (up{namespace="kernels"})) > 0.1`,
    );
  });
});

describe("service SLO rules, exactly", () => {
  const spec = serviceSloRules(cfg);

  it("one rule per SLO class, alert and severity", () => {
    expect(alerts(spec).map((a) => [a.alert, a.labels.severity, a.labels.slo_class, a.for])).toEqual([
      [ALERTS.serviceErrorBudgetBurn, "critical", "default", "2m"],
      [ALERTS.serviceLatencyBudgetBurn, "critical", "default", "2m"],
      [ALERTS.serviceErrorBudgetBurn, "warning", "default", "15m"],
      [ALERTS.serviceLatencyBudgetBurn, "warning", "default", "15m"],
      [ALERTS.serviceErrorBudgetBurn, "critical", "billing.api", "2m"],
      [ALERTS.serviceLatencyBudgetBurn, "critical", "billing.api", "2m"],
      [ALERTS.serviceErrorBudgetBurn, "warning", "billing.api", "15m"],
      [ALERTS.serviceLatencyBudgetBurn, "warning", "billing.api", "15m"],
    ]);
  });

  it("the default class's fast error burn, exactly", () => {
    const ratio = (w: string) =>
      `(sum by (cluster, service_namespace, service_name) (rate(traces_spanmetrics_calls_total{service_name!~"billing\\\\.api|noisy", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER", status_code="STATUS_CODE_ERROR"}[${w}])) / sum by (cluster, service_namespace, service_name) (rate(traces_spanmetrics_calls_total{service_name!~"billing\\\\.api|noisy", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}[${w}])))`;
    expect(alerts(spec)[0]!.expr).toBe(
      `label_replace((${ratio("1h")} > 0.072 and ${ratio("5m")} > 0.072) or (${ratio("6h")} > 0.03 and ${ratio("30m")} > 0.03), "namespace", "$1", "service_namespace", "(.+)")`,
    );
  });

  it("per-service thresholds: 99.9% and a 0.512s latency bound", () => {
    const billing = alerts(spec).filter((a) => a.labels.slo_class === "billing.api");
    expect(billing[0]!.expr).toContain('service_name="billing.api"');
    expect(billing[0]!.expr).toContain("> 0.0144 and");
    expect(billing[1]!.expr).toContain('le="0.512"');
    expect(billing[1]!.expr).toContain("> 0.144 and");
    expect(billing[2]!.expr).toContain("> 0.003 and");
    expect(billing[2]!.expr).toContain("> 0.001)");
  });

  it("with no per-service SLO, the default class covers every service", () => {
    const e = alerts(serviceSloRules(parseConfig({})))[0]!.expr;
    expect(e).toContain('service_name!=""');
    expect(alerts(serviceSloRules(parseConfig({})))).toHaveLength(4);
  });
});

describe("PrometheusRule objects", () => {
  it("have fixed names, the selector labels, and validate against the upstream CRD", () => {
    const bodies = prometheusRuleBodies(cfg, { "app.kubernetes.io/part-of": "observer", release: "kube-prometheus-stack" });
    expect(bodies.map((b) => [b.metadata.name, b.metadata.namespace, b.metadata.labels])).toEqual([
      [RULE_OBJECTS.stackHealth, "datalayer-observer", { "app.kubernetes.io/part-of": "observer", release: "kube-prometheus-stack" }],
      [RULE_OBJECTS.serviceSlos, "datalayer-observer", { "app.kubernetes.io/part-of": "observer", release: "kube-prometheus-stack" }],
    ]);
    for (const b of bodies) expectValidCR(b);
  });
});

describe("kube-prometheus-stack default rules", () => {
  it("keeps every default group, the Alertmanager one included, with the selector labels", () => {
    expect(defaultRulesValues({ release: "observer" })).toEqual({ create: true, rules: { alertmanager: true }, labels: { release: "observer" } });
    expect(defaultRulesValues()).toEqual({ create: true, rules: { alertmanager: true } });
  });
});
