/**
 * Tempo metrics generator: the block deep-merged into the `tempo` single-binary chart's values (chart
 * 2.2.4, Tempo 2.10.8). Pure.
 *
 * The chart renders `tempo.metricsGenerator.{processor,registry,storage}` into the `metrics_generator:`
 * section of tempo.yaml and `tempo.overrides` verbatim into `overrides:` (templates/configmap-tempo.yaml,
 * the `config` value in the chart's values.yaml). Processors only run for a tenant when listed in the
 * overrides, hence `overrides.defaults.metrics_generator.processors`.
 *
 * Labels follow the metadata contract (components/contract.ts):
 * - span metrics name the service `service` (Tempo's intrinsic dimension); a `dimension_mappings` entry
 *   also writes `service.name` as `service_name`, so every query of ours says `service_name` as it does for
 *   pushed metrics and Loki. `service` is kept (same value, so no extra series) because Grafana's own
 *   Tempo service-graph view filters span metrics by `service`;
 * - `service.namespace`, `app` and `namespace` are copied as dimensions (`service_namespace`, `app`,
 *   `namespace`); per-pod labels (`pod`, `instance`) are left out on purpose: RED metrics per service stay
 *   bounded however many pods (remote kernels) come and go;
 * - `cluster` comes from the registry's external labels (written on every series, unlike Prometheus'
 *   own `externalLabels`, which are not stored locally).
 * Exemplars carry the trace id as `trace_id` (the Prometheus datasource links that label to Tempo).
 */
import { endpoints, type EndpointConfig } from "../endpoints";
import type { BaseConfig } from "../forms";

/** Metric names the generator writes (Tempo 2.10.8 modules/generator/processor/{spanmetrics,servicegraphs}). */
export const SPAN_METRICS = {
  calls: "traces_spanmetrics_calls_total",
  latencyBucket: "traces_spanmetrics_latency_bucket",
  latencyCount: "traces_spanmetrics_latency_count",
  latencySum: "traces_spanmetrics_latency_sum",
  size: "traces_spanmetrics_size_total",
} as const;

export const SERVICE_GRAPH_METRICS = {
  requests: "traces_service_graph_request_total",
  failed: "traces_service_graph_request_failed_total",
  serverSecondsBucket: "traces_service_graph_request_server_seconds_bucket",
  clientSecondsBucket: "traces_service_graph_request_client_seconds_bucket",
  unpairedSpans: "traces_service_graph_unpaired_spans_total",
  droppedSpans: "traces_service_graph_dropped_spans_total",
} as const;

/** Exemplar label carrying the trace id (OTLP-to-Prometheus uses the same name; the datasource links it to Tempo). */
export const EXEMPLAR_TRACE_ID_LABEL = "trace_id";

/**
 * Upper bounds (seconds) of the span-metrics latency histogram, written into BOTH Tempo charts' configs
 * (`metrics_generator.processor.span_metrics.histogram_buckets`). Tempo's own default (2.10.8 and 3.0.3:
 * `prometheus.ExponentialBuckets(0.002, 2, 14)`), stated explicitly because the charts disagree: tempo-distributed
 * 3.3.0's values.yaml replaces it with `[… 0.512, 1.02, 2.05, 4.10]`, so a rule reading `le="1.024"` never matched
 * there. A latency SLO threshold must be one of these bounds (components/alerting/config.ts), and every `le` a
 * rule reads is checked against the buckets the rendered Tempo configs really carry
 * (tests/contract/tempo-buckets.test.ts).
 */
export const SPAN_METRICS_BUCKETS: readonly number[] = [
  0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384,
];

/**
 * Upper bounds (seconds) of the service-graph request histograms, in both charts: Tempo's default
 * (`prometheus.ExponentialBuckets(0.1, 2, 8)`), stated for the same reason.
 */
const SERVICE_GRAPH_BUCKETS: readonly number[] = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8];

/** Processors enabled (Tempo names). */
export const GENERATOR_PROCESSORS = ["service-graphs", "span-metrics"] as const;

/** Span attributes copied onto span metrics as labels (contract attribute → label `a.b` → `a_b`). */
export const SPAN_METRICS_DIMENSIONS = ["service.namespace", "app", "namespace"] as const;

/** Contract attributes on service-graph edges (`client_<label>` / `server_<label>`). */
export const SERVICE_GRAPH_DIMENSIONS = ["service.namespace", "namespace"] as const;

/** Values for the tempo chart: `tempo.metricsGenerator` and `tempo.overrides`. */
export function tempoMetricsGeneratorValues(cfg: EndpointConfig & Pick<BaseConfig, "clusterName">): Record<string, unknown> {
  // Every Prometheus replica: HA replicas do not share data, so each must receive the generated series.
  const remoteWriteUrls = endpoints(cfg).prometheusRemoteWriteUrls;
  return {
    tempo: {
      metricsGenerator: {
        enabled: true,
        remoteWriteUrl: remoteWriteUrls[0],
        processor: {
          service_graphs: {
            dimensions: [...SERVICE_GRAPH_DIMENSIONS],
            enable_client_server_prefix: true,
            histogram_buckets: [...SERVICE_GRAPH_BUCKETS],
          },
          span_metrics: {
            intrinsic_dimensions: { service: true, span_name: true, span_kind: true, status_code: true },
            dimension_mappings: [{ name: "service_name", source_labels: ["service.name"], join: "" }],
            dimensions: [...SPAN_METRICS_DIMENSIONS],
            histogram_buckets: [...SPAN_METRICS_BUCKETS],
            enable_target_info: false,
          },
        },
        registry: {
          collection_interval: "15s",
          external_labels: { cluster: cfg.clusterName },
        },
        // `storage.path` and `traces_storage.path` keep the chart defaults (/tmp/tempo, /tmp/traces): the
        // chart mounts an emptyDir at /tmp whenever the generator is on, whatever the persistence setting.
        storage: { remote_write: remoteWriteUrls.map((url) => ({ url, send_exemplars: true })) },
      },
      overrides: {
        defaults: {
          metrics_generator: {
            processors: [...GENERATOR_PROCESSORS],
            trace_id_label_name: EXEMPLAR_TRACE_ID_LABEL,
          },
        },
      },
    },
  };
}
