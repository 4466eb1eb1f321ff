/**
 * Dashboards as code: fixed identities, the panels the issue asks for, unique panel ids, a layout that
 * fits the grid, datasource UIDs that exist, legends that name grouped labels, labels from the metadata
 * contract (or the Tempo generator's own), and deterministic JSON.
 */
import { LOKI_INDEX_LABELS, CONTRACT_PROM_LABELS } from "../../helpers/contract";
import { DATASOURCE_UIDS, TRACES_TO_METRICS_QUERIES } from "../../../components/grafana/datasources";
import { DASHBOARDS, dashboardFiles, dashboardJson, type DashboardJson, type PanelJson } from "../../../components/grafana/dashboards";
import { SERVICE_GRAPH_METRICS, SPAN_METRICS } from "../../../components/grafana/metrics-generator";
import { SERVICE_GRAPH_LABELS, SPAN_METRICS_LABELS } from "../../fixtures/metrics";
import { isInventoried } from "../../fixtures/metrics";
import { allQueries, groupingLabels, legendLabels, logqlLabels, promLabels, promMetrics } from "./queries";

const FILES = dashboardFiles();
const byUid = (uid: string): DashboardJson => {
  const f = FILES.find((x) => x.dashboard.uid === uid);
  if (!f) throw new Error(`no dashboard with uid ${uid}`);
  return f.dashboard;
};
const titles = (d: DashboardJson) => d.panels.filter((p) => p.type !== "row").map((p) => p.title);
const panel = (d: DashboardJson, title: string): PanelJson => {
  const p = d.panels.find((x) => x.title === title);
  if (!p) throw new Error(`${d.uid}: no panel "${title}"`);
  return p;
};
const exprs = (p: PanelJson) => (p.targets ?? []).map((t) => ("expr" in t ? t.expr : t.query));

describe("dashboard identities", () => {
  it("follow from the registry: ConfigMap observer-dashboard-<name>, file <name>.json, one per registered dashboard", () => {
    expect(FILES.map((f) => [f.configMapName, f.fileName])).toEqual(Object.keys(DASHBOARDS).map((n) => [`observer-dashboard-${n}`, `${n}.json`]));
    // ConfigMap names are DNS-1123 subdomains; the sidecar writes each file under its own name.
    for (const f of FILES) expect(f.configMapName).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("have unique, fixed uids and titles (links and bookmarks name them)", () => {
    const uids = FILES.map((f) => f.dashboard.uid);
    const titles = FILES.map((f) => f.dashboard.title);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(titles).size).toBe(titles.length);
    // Grafana's uid limit (40 characters; letters, digits, '-' and '_').
    for (const uid of uids) expect(uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
  });

  it("the first three keep their identities (ConfigMap, file, uid, title), wherever new ones are registered", () => {
    const first = ["observer-dashboard-services-overview", "observer-dashboard-service-detail", "observer-dashboard-observer-health"];
    expect(FILES.filter((f) => first.includes(f.configMapName)).map((f) => [f.configMapName, f.fileName, f.dashboard.uid, f.dashboard.title])).toEqual([
      ["observer-dashboard-services-overview", "services-overview.json", "observer-services-overview", "Services overview"],
      ["observer-dashboard-service-detail", "service-detail.json", "observer-service-detail", "Service detail"],
      ["observer-dashboard-observer-health", "observer-health.json", "observer-health", "Observer health"],
    ]);
  });

  it("render to the same JSON every time (no diff on a second `up`)", () => {
    const again = dashboardFiles();
    FILES.forEach((f, i) => expect(dashboardJson(again[i]!.dashboard)).toBe(dashboardJson(f.dashboard)));
    expect(JSON.parse(dashboardJson(FILES[0]!.dashboard))).toEqual(FILES[0]!.dashboard);
  });
});

describe("structure", () => {
  it.each(FILES.map((f) => [f.dashboard.uid, f.dashboard] as const))("%s: panel ids unique and positive", (_uid, d) => {
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
  });

  it.each(FILES.map((f) => [f.dashboard.uid, f.dashboard] as const))("%s: panels fit the 24-column grid and do not overlap", (_uid, d) => {
    const cells = new Set<string>();
    for (const p of d.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const key = `${i},${j}`;
          expect(cells.has(key)).toBe(false);
          cells.add(key);
        }
      }
    }
  });

  it.each(FILES.map((f) => [f.dashboard.uid, f.dashboard] as const))("%s: every datasource referenced exists", (_uid, d) => {
    const known = new Set<string>([...Object.values(DATASOURCE_UIDS), "-- Mixed --"]);
    const refs = [
      ...d.panels.flatMap((p) => [p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource.uid)]),
      ...d.templating.list.map((v) => v.datasource.uid),
    ].filter((u): u is string => u !== undefined);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((u) => !known.has(u))).toEqual([]);
    // A panel's datasource is the one its targets use.
    for (const p of d.panels.filter((x) => x.targets?.length)) {
      const uids = new Set(p.targets!.map((t) => t.datasource.uid));
      expect(p.datasource!.uid).toBe(uids.size === 1 ? [...uids][0] : "-- Mixed --");
    }
  });

  it("target refIds are unique within each panel", () => {
    for (const f of FILES) {
      for (const p of f.dashboard.panels) {
        const refs = (p.targets ?? []).map((t) => t.refId);
        expect(new Set(refs).size).toBe(refs.length);
      }
    }
  });
});

describe("Services overview", () => {
  const d = byUid("observer-services-overview");
  it("has per-service request rate, error ratio, p50/p95/p99 latency, log volume and error-log rate", () => {
    expect(titles(d)).toEqual(["Services", "Request rate", "Error ratio", "p50 latency", "p95 latency", "p99 latency", "Log volume", "Error-log rate"]);
  });
  it("computes RED from inbound span metrics per service_name", () => {
    expect(exprs(panel(d, "Request rate"))).toEqual([
      'sum by (service_name) (rate(traces_spanmetrics_calls_total{cluster=~"$cluster", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}[$__rate_interval]))',
    ]);
    expect(exprs(panel(d, "Error ratio"))).toEqual([
      'sum by (service_name) (rate(traces_spanmetrics_calls_total{cluster=~"$cluster", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER", status_code="STATUS_CODE_ERROR"}[$__rate_interval])) / sum by (service_name) (rate(traces_spanmetrics_calls_total{cluster=~"$cluster", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}[$__rate_interval]))',
    ]);
    expect(exprs(panel(d, "p99 latency"))).toEqual([
      'histogram_quantile(0.99, sum by (le, service_name) (rate(traces_spanmetrics_latency_bucket{cluster=~"$cluster", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}[$__rate_interval])))',
    ]);
  });
  it("counts logs and error logs per service from Loki", () => {
    expect(exprs(panel(d, "Log volume"))).toEqual(['sum by (service_name) (count_over_time({cluster=~"$cluster", service_name=~".+"} [$__auto]))']);
    expect(exprs(panel(d, "Error-log rate"))).toEqual([
      'sum by (service_name) (rate({cluster=~"$cluster", service_name=~".+"} | detected_level=~"error|critical|fatal" [$__auto]))',
    ]);
    expect(panel(d, "Log volume").datasource).toEqual({ type: "loki", uid: "loki" });
  });
});

describe("Service detail", () => {
  const d = byUid("observer-service-detail");
  it("has a `service` variable over span metrics' service_name", () => {
    const v = d.templating.list.find((x) => x.name === "service")!;
    expect(v.query.query).toBe(`label_values(${SPAN_METRICS.calls}{cluster=~"$cluster"}, service_name)`);
    expect(v.includeAll).toBe(false);
  });
  it("has RED panels, its dependencies, its pods, recent error logs and a trace search", () => {
    expect(titles(d)).toEqual([
      "Request rate",
      "Error ratio",
      "p95 latency",
      "Requests by operation",
      "Errors by operation",
      "Latency",
      "Calls to dependencies",
      "Callers",
      "Pods",
      "Log volume by level",
      "Recent error logs",
      "Recent traces",
      "Error traces",
    ]);
    expect(panel(d, "Recent error logs").type).toBe("logs");
    expect(exprs(panel(d, "Recent error logs"))).toEqual(['{cluster=~"$cluster", service_name="$service"} | detected_level=~"error|critical|fatal"']);
    expect(panel(d, "Recent traces").targets).toEqual([
      { refId: "A", datasource: { type: "tempo", uid: "tempo" }, queryType: "traceql", query: '{resource.service.name="$service"}', limit: 20, tableType: "traces" },
    ]);
    expect(exprs(panel(d, "Pods"))).toEqual(['sum by (namespace, pod) (count_over_time({cluster=~"$cluster", service_name="$service"} [$__range]))']);
  });
  it("filters every query by the selected service", () => {
    for (const p of d.panels.filter((x) => x.targets?.length)) {
      for (const e of exprs(p)) expect(e).toMatch(/\$service/);
    }
  });
  it("shows exemplars (links to traces) on the latency panel", () => {
    const t = panel(d, "Latency").targets!.find((x) => "exemplar" in x && x.exemplar);
    expect(t && "legendFormat" in t ? t.legendFormat : undefined).toBe("p95");
  });
});

describe("Observer health", () => {
  const d = byUid("observer-health");
  it("covers the collectors, Loki, Tempo and Prometheus", () => {
    expect(titles(d)).toEqual([
      "Accepted",
      "Refused",
      "Dropped",
      "Exporter queue fill",
      "Loki ingestion",
      "Loki discarded",
      "Tempo ingestion",
      "Tempo discarded spans",
      "Targets up",
      "Targets down",
      "Targets up per job",
      "Prometheus ingestion",
      "Pushed into Prometheus",
    ]);
    expect(exprs(panel(d, "Exporter queue fill"))).toEqual([
      'max by (exporter) (otelcol_exporter_queue_size{cluster=~"$cluster"} / otelcol_exporter_queue_capacity{cluster=~"$cluster"})',
    ]);
  });
});

describe("queries", () => {
  const queries = allQueries();

  it("are found: every target and variable of every registered dashboard, and the Tempo datasource's queries", () => {
    // Counted in the dashboards' JSON text, independently of the walk in ./queries.ts.
    const text = FILES.map((f) => dashboardJson(f.dashboard)).join("\n");
    const count = (re: RegExp) => (text.match(re) ?? []).length;
    const variables = FILES.reduce((n, f) => n + f.dashboard.templating.list.length, 0);
    const tempoDatasourceQueries = TRACES_TO_METRICS_QUERIES.length;
    expect(queries.filter((q) => q.language === "promql").length).toBe(count(/"uid": "prometheus"\s*\},\s*"expr"/g) + variables + tempoDatasourceQueries);
    expect(queries.filter((q) => q.language === "logql").length).toBe(count(/"uid": "loki"\s*\},\s*"expr"/g));
    expect(queries.filter((q) => q.language === "traceql").length).toBe(count(/"queryType": "traceql"/g));
    expect(queries.filter((q) => q.language === "logql").length).toBeGreaterThan(0);
    expect(queries.filter((q) => q.language === "traceql").length).toBeGreaterThan(0);
  });

  it("legends only name labels the query groups by", () => {
    const bad = queries
      .filter((q) => q.legendFormat !== undefined)
      .flatMap((q) => legendLabels(q.legendFormat).filter((l) => !groupingLabels(q.expr).includes(l)).map((l) => `${q.where}: {{${l}}}`));
    expect(bad).toEqual([]);
  });

  it("Tempo-generated metrics are queried only by the labels the generator writes", () => {
    const spanMetrics = new Set<string>(Object.values(SPAN_METRICS));
    const graphMetrics = new Set<string>(Object.values(SERVICE_GRAPH_METRICS));
    const bad: string[] = [];
    for (const q of queries.filter((x) => x.language === "promql")) {
      const metrics = promMetrics(q.expr);
      const allowed = new Set<string>();
      if (metrics.every((m) => spanMetrics.has(m))) SPAN_METRICS_LABELS.forEach((l) => allowed.add(l));
      else if (metrics.every((m) => graphMetrics.has(m))) SERVICE_GRAPH_LABELS.forEach((l) => allowed.add(l));
      else continue;
      for (const l of promLabels(q.expr)) if (!allowed.has(l)) bad.push(`${q.where}: ${l}`);
    }
    expect(bad).toEqual([]);
  });

  it("every metric name is in the inventory (tests/fixtures/metrics.ts)", () => {
    const missing = new Set<string>();
    for (const q of queries.filter((x) => x.language === "promql")) {
      for (const m of promMetrics(q.expr)) if (!isInventoried(m)) missing.add(m);
    }
    expect([...missing].sort()).toEqual([]);
  });

  it("other metrics are queried only by contract labels or labels their component writes", () => {
    // Labels outside the contract, by the metrics that carry them (upstream definitions in the inventory's files).
    const OWN_LABELS: Record<string, readonly string[]> = {
      // Prometheus sets `job` on every scraped series (target label).
      "*": ["job"],
      // receiverhelper / exporterhelper documentation.md (collector v0.158.0): attributes `receiver`, `exporter`.
      otelcol_receiver_: ["receiver"],
      otelcol_exporter_: ["exporter"],
      // pkg/validation/validate.go (Loki v3.7.6), modules/overrides/discarded_spans.go (Tempo v2.10.8): `reason`.
      loki_discarded_samples_total: ["reason"],
      tempo_discarded_spans_total: ["reason"],
      // web/web.go (Prometheus v3.14.0): `handler`, `code`.
      prometheus_http_requests_total: ["handler", "code"],
    };
    const generated = new Set<string>([...Object.values(SPAN_METRICS), ...Object.values(SERVICE_GRAPH_METRICS)]);
    const bad: string[] = [];
    for (const q of queries.filter((x) => x.language === "promql")) {
      const metrics = promMetrics(q.expr);
      if (metrics.some((m) => generated.has(m))) continue; // checked above against the generator's labels
      const allowed = new Set<string>([...CONTRACT_PROM_LABELS, ...OWN_LABELS["*"]!]);
      for (const m of metrics) {
        for (const [prefix, labels] of Object.entries(OWN_LABELS)) if (m.startsWith(prefix)) labels.forEach((l) => allowed.add(l));
      }
      for (const l of promLabels(q.expr)) if (!allowed.has(l)) bad.push(`${q.where}: ${l}`);
    }
    expect(bad).toEqual([]);
  });

  it("LogQL selects streams by Loki index labels and filters/groups by contract labels or Loki's detected_level", () => {
    const other = new Set<string>([...CONTRACT_PROM_LABELS, "detected_level"]);
    const bad: string[] = [];
    for (const q of queries.filter((x) => x.language === "logql")) {
      const { stream, other: rest } = logqlLabels(q.expr);
      expect(stream.length).toBeGreaterThan(0);
      for (const l of stream) if (!LOKI_INDEX_LABELS.includes(l)) bad.push(`${q.where}: stream label ${l}`);
      for (const l of rest) if (!other.has(l)) bad.push(`${q.where}: ${l}`);
    }
    expect(bad).toEqual([]);
  });

  it("TraceQL uses the contract's resource attributes", () => {
    for (const q of queries.filter((x) => x.language === "traceql")) expect(q.expr).toMatch(/^\{resource\.service\.name="\$service"/);
  });

  it("the lexer sees metric names and labels (so the checks above can fail)", () => {
    const e = 'histogram_quantile(0.95, sum by (le, service_name) (rate(traces_spanmetrics_latency_bucket{cluster=~"$cluster", bogus="x"}[$__rate_interval]))) / on (job) group_left up';
    expect(promMetrics(e)).toEqual(["traces_spanmetrics_latency_bucket", "up"]);
    expect(promLabels(e)).toEqual(["bogus", "cluster", "job", "le", "service_name"]);
    expect(logqlLabels('sum by (pod) (rate({app="a"} | level="x" [1m]))')).toEqual({ stream: ["app"], other: ["level", "pod"] });
  });
});
