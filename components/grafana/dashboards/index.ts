/**
 * The dashboards we provision. Pure. Adding one: a file beside this one whose builder returns the dashboard (from
 * ./builder.ts), and one line in {@link DASHBOARDS}; the ConfigMap, its file name and the tests follow from the
 * registry (docs/development.md).
 */
import type { DashboardJson } from "./builder";
import { observerHealth } from "./observer-health";
import { serviceDetail } from "./service-detail";
import { servicesOverview } from "./services-overview";

/**
 * Every dashboard, by name, in a fixed order: `<name>` is its file (`<name>.json`) in the ConfigMap
 * `observer-dashboard-<name>`, which the Grafana sidecar loads into the `Observer` folder.
 */
export const DASHBOARDS: Readonly<Record<string, () => DashboardJson>> = {
  "services-overview": servicesOverview,
  "service-detail": serviceDetail,
  "observer-health": observerHealth,
};

export interface DashboardFile {
  /** Fixed ConfigMap name. */
  readonly configMapName: string;
  /** Key in the ConfigMap (the file the sidecar writes). */
  readonly fileName: string;
  readonly dashboard: DashboardJson;
}

/** Every dashboard of {@link DASHBOARDS} with its ConfigMap and file name. */
export function dashboardFiles(): DashboardFile[] {
  return Object.entries(DASHBOARDS).map(([name, build]) => ({
    configMapName: `observer-dashboard-${name}`,
    fileName: `${name}.json`,
    dashboard: build(),
  }));
}

/** Stable JSON text of a dashboard (key order as built; no timestamps), so an unchanged dashboard shows no diff. */
export function dashboardJson(d: DashboardJson): string {
  return JSON.stringify(d, null, 2);
}

export * from "./builder";
