/**
 * Labels we put on everything we create, and the labels Prometheus selects monitors by.
 */

/** Marks our objects. The finalizer cleanup hook only touches objects that carry both. */
export const MANAGED_BY = { key: "app.kubernetes.io/managed-by", value: "observer" } as const;
export const STACK_LABEL = "observer.datalayer.io/stack";
const PART_OF = { key: "app.kubernetes.io/part-of", value: "observer" } as const;

/**
 * The namespace label the OpenTelemetry Operator's admission webhooks exclude (their `namespaceSelector`,
 * components/charts/opentelemetry-operator.ts). The destroy hooks set it only for the moment a finalizer patch
 * would otherwise be rejected by an unreachable webhook, then remove it (components/lifecycle/finalizers.ts).
 */
export const WEBHOOK_BYPASS_LABEL = "observer.datalayer.io/bypass-opentelemetry-webhooks";

/** Labels set on every object this program creates directly (and passed to charts as common labels). */
export function commonLabels(stack: string): Record<string, string> {
  return {
    [MANAGED_BY.key]: MANAGED_BY.value,
    [PART_OF.key]: PART_OF.value,
    [STACK_LABEL]: stackLabelValue(stack),
  };
}

/** A label-safe form of the stack identity (`<project>.<stack>`, at most 63 characters). */
export function stackLabelValue(stack: string): string {
  const v = stack.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return v.slice(0, 63).replace(/[^A-Za-z0-9]+$/, "") || "default";
}

/** Prometheus selects ServiceMonitors carrying both labels (and nothing else). */
export const SERVICE_MONITOR_LABELS = {
  "monitoring.datalayer.io/instance": "observer",
  "monitoring.datalayer.io/enabled": "true",
} as const;

/** PodMonitors are selected by the `app` label, value in `observer:podMonitorApps`. */
export const POD_MONITOR_LABEL = "app";

/** Label the Grafana sidecar collects dashboards by. */
export const DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;

/**
 * `app` label of the remote-kernels PodMonitor. Prometheus' PodMonitor selector always includes it
 * besides `observer:podMonitorApps`, so the kernels are scraped whatever the user lists.
 */
export const KERNELS_POD_MONITOR_APP = "datalayer-kernels";
