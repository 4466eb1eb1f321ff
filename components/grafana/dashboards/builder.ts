/**
 * Small typed builders for Grafana dashboard JSON (classic v1 dashboard model, which Grafana 13 still
 * provisions from files). Pure.
 *
 * Why not `@grafana/grafana-foundation-sdk`: its released versions are `0.0.x` (no compatibility promise)
 * and Grafana-version builds only up to 11.6 (`11.6.0-cogv…`, checked with `npm view` against the pinned
 * Grafana 13.2); these builders cover the few panel kinds we use and keep the JSON readable in tests.
 *
 * Panels are written without ids or positions; {@link dashboard} numbers them (unique ids) and lays them
 * out left to right on Grafana's 24-column grid.
 */
import { datasourceRef, type DatasourceKey } from "../datasources";

export interface DatasourceRef {
  type: string;
  uid: string;
}

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export interface PromTarget {
  refId: string;
  datasource: DatasourceRef;
  expr: string;
  legendFormat?: string;
  range: boolean;
  instant: boolean;
  format?: "time_series" | "table";
  exemplar?: boolean;
}

export interface LokiTarget {
  refId: string;
  datasource: DatasourceRef;
  expr: string;
  queryType: "range" | "instant";
  legendFormat?: string;
}

export interface TempoTarget {
  refId: string;
  datasource: DatasourceRef;
  queryType: "traceql";
  query: string;
  limit: number;
  tableType: "traces";
}

export type Target = PromTarget | LokiTarget | TempoTarget;

/** A target before its panel assigns the refId. */
export type TargetSpec = Omit<PromTarget, "refId"> | Omit<LokiTarget, "refId"> | Omit<TempoTarget, "refId">;

export type PanelType = "timeseries" | "stat" | "table" | "logs" | "row";

export interface PanelJson {
  id: number;
  type: PanelType;
  title: string;
  description?: string;
  gridPos: GridPos;
  datasource?: DatasourceRef;
  targets?: Target[];
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
  transformations?: unknown[];
  collapsed?: boolean;
  panels?: PanelJson[];
}

export interface VariableJson {
  name: string;
  label: string;
  type: "query";
  datasource: DatasourceRef;
  query: { qryType: 1; query: string; refId: string };
  definition: string;
  refresh: 2;
  includeAll: boolean;
  allValue?: string;
  multi: boolean;
  sort: 1;
  current: Record<string, never>;
  options: never[];
  hide: 0;
}

export interface DashboardJson {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: "browser";
  editable: false;
  graphTooltip: 1;
  schemaVersion: number;
  version: 1;
  refresh: string;
  time: { from: string; to: string };
  templating: { list: VariableJson[] };
  annotations: { list: unknown[] };
  links: unknown[];
  panels: PanelJson[];
}

/** Schema version of the dashboard model we write (Grafana migrates older ones on load). */
const SCHEMA_VERSION = 41;

/** A panel before layout: everything but `id` and `gridPos.x/y`. */
export type PanelSpec = Omit<PanelJson, "id" | "gridPos"> & { w: number; h: number };

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

/** A PromQL target (refId assigned by the panel). */
export function prom(
  expr: string,
  legendFormat?: string,
  opts: { instant?: boolean; table?: boolean; exemplar?: boolean } = {},
): Omit<PromTarget, "refId"> {
  return {
    datasource: datasourceRef("prometheus"),
    expr,
    ...(legendFormat !== undefined ? { legendFormat } : {}),
    range: !opts.instant,
    instant: !!opts.instant,
    ...(opts.table ? { format: "table" as const } : {}),
    ...(opts.exemplar ? { exemplar: true } : {}),
  };
}

/** A LogQL target. */
export function loki(expr: string, legendFormat?: string, opts: { instant?: boolean } = {}): Omit<LokiTarget, "refId"> {
  return {
    datasource: datasourceRef("loki"),
    expr,
    queryType: opts.instant ? "instant" : "range",
    ...(legendFormat !== undefined ? { legendFormat } : {}),
  };
}

/** A TraceQL search target (a table of matching traces). */
export function traceql(query: string, limit = 20): Omit<TempoTarget, "refId"> {
  return { datasource: datasourceRef("tempo"), queryType: "traceql", query, limit, tableType: "traces" };
}

function withRefIds(targets: readonly TargetSpec[]): Target[] {
  return targets.map((t, i) => ({ ...t, refId: String.fromCharCode(65 + i) }));
}

function dsOf(targets: readonly TargetSpec[]): DatasourceRef {
  const first = targets[0];
  if (!first) throw new Error("a panel needs at least one target");
  const mixed = targets.some((t) => t.datasource.uid !== first.datasource.uid);
  return mixed ? { type: "datasource", uid: "-- Mixed --" } : first.datasource;
}

// ---------------------------------------------------------------------------------------------
// Panels
// ---------------------------------------------------------------------------------------------

export interface PanelOpts {
  description?: string;
  unit?: string;
  min?: number;
  max?: number;
  w?: number;
  h?: number;
}

function defaults(o: PanelOpts, extra: Record<string, unknown> = {}): { defaults: Record<string, unknown>; overrides: unknown[] } {
  return {
    defaults: {
      ...(o.unit !== undefined ? { unit: o.unit } : {}),
      ...(o.min !== undefined ? { min: o.min } : {}),
      ...(o.max !== undefined ? { max: o.max } : {}),
      ...extra,
    },
    overrides: [],
  };
}

export function timeseries(title: string, targets: readonly TargetSpec[], o: PanelOpts = {}): PanelSpec {
  return {
    type: "timeseries",
    title,
    ...(o.description !== undefined ? { description: o.description } : {}),
    datasource: dsOf(targets),
    targets: withRefIds(targets),
    fieldConfig: defaults(o, { custom: { drawStyle: "line", lineWidth: 1, fillOpacity: 10, showPoints: "never" } }),
    options: { legend: { displayMode: "table", placement: "bottom", calcs: ["mean", "max"] }, tooltip: { mode: "multi", sort: "desc" } },
    w: o.w ?? 12,
    h: o.h ?? 8,
  };
}

export function stat(title: string, targets: readonly TargetSpec[], o: PanelOpts = {}): PanelSpec {
  return {
    type: "stat",
    title,
    ...(o.description !== undefined ? { description: o.description } : {}),
    datasource: dsOf(targets),
    targets: withRefIds(targets),
    fieldConfig: defaults(o),
    options: { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value", graphMode: "area" },
    w: o.w ?? 6,
    h: o.h ?? 4,
  };
}

export function table(
  title: string,
  targets: readonly TargetSpec[],
  o: PanelOpts & { merge?: boolean } = {},
): PanelSpec {
  return {
    type: "table",
    title,
    ...(o.description !== undefined ? { description: o.description } : {}),
    datasource: dsOf(targets),
    targets: withRefIds(targets),
    fieldConfig: defaults(o),
    options: { showHeader: true, cellHeight: "sm" },
    ...(o.merge ? { transformations: [{ id: "merge", options: {} }] } : {}),
    w: o.w ?? 24,
    h: o.h ?? 8,
  };
}

export function logs(title: string, target: Omit<LokiTarget, "refId">, o: PanelOpts = {}): PanelSpec {
  return {
    type: "logs",
    title,
    ...(o.description !== undefined ? { description: o.description } : {}),
    datasource: target.datasource,
    targets: withRefIds([target]),
    options: {
      showTime: true,
      wrapLogMessage: true,
      sortOrder: "Descending",
      enableLogDetails: true,
      dedupStrategy: "none",
      prettifyLogMessage: false,
    },
    w: o.w ?? 24,
    h: o.h ?? 10,
  };
}

export function row(title: string): PanelSpec {
  return { type: "row", title, collapsed: false, panels: [], w: 24, h: 1 };
}

// ---------------------------------------------------------------------------------------------
// Variables and the dashboard
// ---------------------------------------------------------------------------------------------

/** A query variable over `label_values(<selector>, <label>)`. */
export function labelValuesVariable(
  name: string,
  label: string,
  selector: string,
  labelName: string,
  opts: { includeAll?: boolean; multi?: boolean; datasource?: DatasourceKey } = {},
): VariableJson {
  const definition = `label_values(${selector}, ${labelName})`;
  return {
    name,
    label,
    type: "query",
    datasource: datasourceRef(opts.datasource ?? "prometheus"),
    query: { qryType: 1, query: definition, refId: `${name}-query` },
    definition,
    refresh: 2,
    includeAll: !!opts.includeAll,
    ...(opts.includeAll ? { allValue: ".*" } : {}),
    multi: !!opts.multi,
    sort: 1,
    current: {},
    options: [],
    hide: 0,
  };
}

/** Lays panels out on the 24-column grid, in order, and numbers them from 1. */
export function layout(specs: readonly PanelSpec[]): PanelJson[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((spec, i) => {
    const { w, h, ...panel } = spec;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { h, w, x, y };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return { id: i + 1, gridPos, ...panel };
  });
}

export function dashboard(d: {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: VariableJson[];
  panels: readonly PanelSpec[];
  refresh?: string;
  from?: string;
}): DashboardJson {
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: d.tags,
    timezone: "browser",
    editable: false,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: d.refresh ?? "1m",
    time: { from: d.from ?? "now-1h", to: "now" },
    templating: { list: d.variables },
    annotations: { list: [] },
    links: [],
    panels: layout(d.panels),
  };
}
