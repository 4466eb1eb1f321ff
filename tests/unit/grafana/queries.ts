/**
 * Test helper: every query the Grafana area writes (dashboard targets, variable selectors, the Tempo
 * datasource's trace-to-metrics queries), with a small lexer for metric and label names, and the
 * substitution of Grafana variables that makes a PromQL text parseable by promtool.
 */
import { datasourceList, DATASOURCE_UIDS } from "../../../components/grafana/datasources";
import { dashboardFiles, type PanelJson, type Target } from "../../../components/grafana/dashboards";
import { parseConfig } from "../../../components/config";

export interface FoundQuery {
  /** Where it is: `<dashboard uid>/panel <id> "<title>"/<refId>`, `<uid>/variable <name>` or `datasource tempo/<name>`. */
  where: string;
  language: "promql" | "logql" | "traceql";
  /** As written (Grafana variables unexpanded). */
  expr: string;
  legendFormat?: string;
}

function panelsOf(panels: readonly PanelJson[]): PanelJson[] {
  return panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

function languageOf(t: Target): FoundQuery["language"] {
  if (t.datasource.uid === DATASOURCE_UIDS.prometheus) return "promql";
  if (t.datasource.uid === DATASOURCE_UIDS.loki) return "logql";
  return "traceql";
}

/** Every query of every dashboard, plus variable selectors and the Tempo datasource's metric queries. */
export function allQueries(): FoundQuery[] {
  const out: FoundQuery[] = [];
  for (const file of dashboardFiles()) {
    const d = file.dashboard;
    for (const p of panelsOf(d.panels)) {
      for (const t of p.targets ?? []) {
        const expr = "expr" in t ? t.expr : t.query;
        out.push({
          where: `${d.uid}/panel ${p.id} "${p.title}"/${t.refId}`,
          language: languageOf(t),
          expr,
          ...("legendFormat" in t && t.legendFormat !== undefined ? { legendFormat: t.legendFormat } : {}),
        });
      }
    }
    for (const v of d.templating.list) {
      const m = /^label_values\((.*), ([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(v.query.query);
      if (!m) throw new Error(`${d.uid}/variable ${v.name}: unexpected variable query ${v.query.query}`);
      out.push({ where: `${d.uid}/variable ${v.name}`, language: "promql", expr: m[1]! });
    }
  }
  const cfg = parseConfig({});
  const tempo = datasourceList(cfg).find((d) => d.uid === DATASOURCE_UIDS.tempo)!;
  const t2m = tempo.jsonData.tracesToMetrics as { queries: { name: string; query: string }[] };
  for (const q of t2m.queries) out.push({ where: `datasource tempo/tracesToMetrics "${q.name}"`, language: "promql", expr: q.query });
  return out;
}

/** Values promtool sees in place of Grafana's variables. */
export const GRAFANA_VARIABLES: Readonly<Record<string, string>> = {
  __rate_interval: "5m",
  __interval: "1m",
  __range: "1h",
  __auto: "1m",
  __tags: `service_name="checkout"`,
  cluster: ".*",
  service: "checkout",
};

/** Replaces `$name` and `${name}` by the values above; throws on any other variable. */
export function substituteVariables(expr: string): string {
  const out = expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_all, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const v = GRAFANA_VARIABLES[name];
    if (v === undefined) throw new Error(`unknown Grafana variable $${name} in ${expr}`);
    return v;
  });
  return out;
}

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan"]);

function stripStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

/** Label names used in matchers (`{a="b"}`) and grouping clauses (`by (a, b)`, `on (…)`, …). */
export function promLabels(expr: string): string[] {
  const text = stripStrings(substituteVariables(expr));
  const labels = new Set<string>();
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)/.exec(part);
      if (name) labels.add(name[1]!);
    }
  }
  for (const m of text.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) {
    for (const l of m[1]!.split(",").map((s) => s.trim()).filter(Boolean)) labels.add(l);
  }
  return [...labels].sort();
}

/** Labels a query's result can carry for legends: the outermost grouping, or every selector label. */
export function groupingLabels(expr: string): string[] {
  const text = stripStrings(substituteVariables(expr));
  const m = /\b(?:by)\s*\(([^)]*)\)/.exec(text);
  return m ? m[1]!.split(",").map((s) => s.trim()).filter(Boolean) : [];
}

/** Metric names in a PromQL expression. */
export function promMetrics(expr: string): string[] {
  let text = stripStrings(substituteVariables(expr));
  text = text.replace(/\{[^{}]*\}/g, " ").replace(/\[[^\]]*\]/g, " ");
  text = text.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = text.slice(m.index! + m[0].length);
    if (/^\s*\(/.test(after)) continue; // a function or aggregation
    const before = text.slice(0, m.index!);
    if (/[0-9.]$/.test(before)) continue; // part of a number (1e3)
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names].sort();
}

/** Stream-selector labels and label-filter/grouping labels of a LogQL query. */
export function logqlLabels(expr: string): { stream: string[]; other: string[] } {
  const text = stripStrings(substituteVariables(expr));
  const stream = new Set<string>();
  const other = new Set<string>();
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)/.exec(part);
      if (name) stream.add(name[1]!);
    }
  }
  for (const m of text.matchAll(/\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)/g)) other.add(m[1]!);
  for (const m of text.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    for (const l of m[1]!.split(",").map((s) => s.trim()).filter(Boolean)) other.add(l);
  }
  return { stream: [...stream].sort(), other: [...other].sort() };
}

/** `{{label}}` references in a legend format. */
export function legendLabels(legend: string | undefined): string[] {
  return [...(legend ?? "").matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
}
