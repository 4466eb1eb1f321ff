/**
 * The telemetry metadata contract: one set of names for Prometheus, Loki and Tempo alike.
 *
 * Every row is an OpenTelemetry resource attribute written by the collectors (or the SDK) and the
 * name it has in each backend. Collector pipelines, Tempo's metrics-generator dimensions, Loki's
 * index labels, Prometheus' scrape-class relabelings, dashboards and alert rules all read this
 * table, so the attribute written is always the one read (the chart this replaces wrote `app.name`
 * and read `datalayer.app.name`, so `app` was never set).
 */

export type LokiPlacement = "index" | "structured-metadata";

export interface ContractRow {
  /** OpenTelemetry resource attribute (Tempo shows this name). */
  readonly attribute: string;
  /** Prometheus label name (dots become underscores). */
  readonly promLabel: string;
  /** Loki: index label or structured metadata (Loki stores the attribute with dots as underscores). */
  readonly loki: LokiPlacement;
  /** Where the value comes from. */
  readonly source: string;
  /** The Kubernetes pod label read, when the value comes from one. */
  readonly podLabel?: string;
}

/** Pod label carrying the Datalayer app name. */
export const APP_POD_LABEL = "datalayer.io/app";

/** Pod labels of remote kernels (Jupyter pools), by contract attribute. */
export const POOL_POD_LABELS = {
  "datalayer.pool.name": "jupyterpool.datalayer.io/name",
  "datalayer.pool.status": "jupyterpool.datalayer.io/pod-status",
  "datalayer.pool.user": "jupyterpool.datalayer.io/user-uid",
  "datalayer.pool.type": "jupyterpool.datalayer.io/kernel-type",
  "datalayer.pool.reservation": "jupyterpool.datalayer.io/reservation-id",
} as const;

export const CONTRACT: readonly ContractRow[] = [
  {
    attribute: "service.name",
    promLabel: "service_name",
    loki: "index",
    source: "the service's SDK; for file logs, `resource.service.name=` in the line, else the container name",
  },
  { attribute: "service.namespace", promLabel: "service_namespace", loki: "structured-metadata", source: "Kubernetes namespace" },
  { attribute: "service.instance.id", promLabel: "service_instance_id", loki: "structured-metadata", source: "Kubernetes pod UID" },
  { attribute: "app", promLabel: "app", loki: "index", source: "pod label `datalayer.io/app`", podLabel: APP_POD_LABEL },
  { attribute: "namespace", promLabel: "namespace", loki: "index", source: "Kubernetes namespace" },
  { attribute: "pod", promLabel: "pod", loki: "structured-metadata", source: "Kubernetes pod name" },
  { attribute: "cluster", promLabel: "cluster", loki: "index", source: "config `observer:clusterName`" },
  { attribute: "instance", promLabel: "instance", loki: "structured-metadata", source: "same as `service.instance.id` (pod UID)" },
  ...Object.entries(POOL_POD_LABELS).map(([attribute, podLabel]) => ({
    attribute,
    promLabel: attribute.replace(/\./g, "_"),
    loki: "structured-metadata" as const,
    source: `pod label \`${podLabel}\``,
    podLabel,
  })),
];

/**
 * OTLP resource attributes Prometheus promotes to labels (kube-prometheus-stack `otlp.promoteResourceAttributes`): the
 * contract's, except `instance`, which Prometheus' OTLP receiver already sets from `service.instance.id` (as it
 * sets `job` from `service.namespace`/`service.name`).
 */
export const PROMETHEUS_PROMOTED_ATTRIBUTES: readonly string[] = CONTRACT.map((r) => r.attribute).filter((a) => a !== "instance");

/** OTLP resource attributes Loki indexes as stream labels (the `index` rows); the rest is structured metadata. */
export const LOKI_INDEX_ATTRIBUTES: readonly string[] = CONTRACT.filter((r) => r.loki === "index").map((r) => r.attribute);
