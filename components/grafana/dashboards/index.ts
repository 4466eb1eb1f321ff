/**
 * The dashboards we provision, each with its fixed ConfigMap name and file name. Pure.
 */
import type { DashboardJson } from "./builder";
import { observerHealth } from "./observer-health";
import { serviceDetail } from "./service-detail";
import { servicesOverview } from "./services-overview";

export interface DashboardFile {
  /** Fixed ConfigMap name. */
  readonly configMapName: string;
  /** Key in the ConfigMap (the file the sidecar writes). */
  readonly fileName: string;
  readonly dashboard: DashboardJson;
}

/** Every dashboard, in a fixed order. */
export function dashboardFiles(): DashboardFile[] {
  return [
    { configMapName: "observer-dashboard-services-overview", fileName: "services-overview.json", dashboard: servicesOverview() },
    { configMapName: "observer-dashboard-service-detail", fileName: "service-detail.json", dashboard: serviceDetail() },
    { configMapName: "observer-dashboard-observer-health", fileName: "observer-health.json", dashboard: observerHealth() },
  ];
}

/** Stable JSON text of a dashboard (key order as built; no timestamps), so an unchanged dashboard shows no diff. */
export function dashboardJson(d: DashboardJson): string {
  return JSON.stringify(d, null, 2);
}

export * from "./builder";
export { SERVICES_OVERVIEW_UID } from "./services-overview";
export { SERVICE_DETAIL_UID } from "./service-detail";
export { OBSERVER_HEALTH_UID, COLLECTOR_METRICS, LOKI_METRICS, TEMPO_METRICS, PROMETHEUS_METRICS } from "./observer-health";
