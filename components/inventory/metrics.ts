/**
 * The metric inventory: every metric name that rules and dashboards may use, each citing the
 * upstream file and tag that defines it (read at the pinned versions). Tests elsewhere check that
 * every metric a rule or dashboard queries is listed here.
 *
 * Prometheus names of the collector's own metrics: our collectors' Prometheus reader is set to add suffixes
 * (components/collectors/common.ts selfTelemetry: `without_type_suffix: false`, `without_units: false`, which
 * otelconf maps to NoUTF8EscapingWithSuffixes; the collector's own default drops them): the unit suffix for `s`
 * (`_seconds`) and `By` (`_bytes`, unless already there) and `_total` to monotonic sums; `{…}` units add nothing.
 * tests/tools/metrics-roundtrip.test.ts checks the names the real Prometheus stores when it scrapes the gateway.
 */

export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricEntry {
  /** The name as stored in Prometheus. */
  readonly name: string;
  readonly type: MetricType;
  /** Who emits it. */
  readonly source: "otelcol" | "loki" | "tempo" | "prometheus" | "kube-state-metrics";
  /** Upstream repository (owner/name). */
  readonly repo: string;
  /** Tag the name was read at. */
  readonly tag: string;
  /** File defining the metric at that tag (for otelcol: the generated documentation.md). */
  readonly file: string;
  /** For collector self-metrics: the OpenTelemetry instrument name in that file. */
  readonly otelName?: string;
}

const COLLECTOR = { repo: "open-telemetry/opentelemetry-collector", tag: "v0.158.0" } as const;
const LOKI = { repo: "grafana/loki", tag: "v3.7.6" } as const;
const TEMPO = { repo: "grafana/tempo", tag: "v2.10.8" } as const;
/** kube-prometheus-stack 88.5.3 values.yaml: prometheus.prometheusSpec.image.tag v3.14.0. */
const PROMETHEUS = { repo: "prometheus/prometheus", tag: "v3.14.0" } as const;
/** kube-state-metrics chart 8.4.0 (subchart of kube-prometheus-stack 88.5.3): appVersion 2.20.0. */
const KSM = { repo: "kubernetes/kube-state-metrics", tag: "v2.20.0" } as const;

function otel(otelName: string, type: MetricType, file: string, name: string): MetricEntry {
  return { name, type, source: "otelcol", ...COLLECTOR, file, otelName };
}

const EXPORTER = "exporter/exporterhelper/documentation.md";
const RECEIVER = "receiver/receiverhelper/documentation.md";
const PROCESSOR = "processor/processorhelper/documentation.md";
const MEMLIMIT = "processor/memorylimiterprocessor/documentation.md";
const BATCH = "processor/batchprocessor/documentation.md";
const SERVICE = "service/documentation.md";

export const METRICS: readonly MetricEntry[] = [
  // --- OpenTelemetry Collector self-metrics (both collectors) ---
  ...(["spans", "metric_points", "log_records"] as const).flatMap((s) => [
    otel(`otelcol_exporter_sent_${s}`, "counter", EXPORTER, `otelcol_exporter_sent_${s}_total`),
    otel(`otelcol_exporter_send_failed_${s}`, "counter", EXPORTER, `otelcol_exporter_send_failed_${s}_total`),
    otel(`otelcol_exporter_enqueue_failed_${s}`, "counter", EXPORTER, `otelcol_exporter_enqueue_failed_${s}_total`),
    otel(`otelcol_receiver_accepted_${s}`, "counter", RECEIVER, `otelcol_receiver_accepted_${s}_total`),
    otel(`otelcol_receiver_refused_${s}`, "counter", RECEIVER, `otelcol_receiver_refused_${s}_total`),
    otel(`otelcol_receiver_failed_${s}`, "counter", RECEIVER, `otelcol_receiver_failed_${s}_total`),
    otel(`otelcol_processor_memory_limiter_refused_${s}`, "counter", MEMLIMIT, `otelcol_processor_memory_limiter_refused_${s}_total`),
  ]),
  otel("otelcol_exporter_queue_size", "gauge", EXPORTER, "otelcol_exporter_queue_size"),
  otel("otelcol_exporter_queue_capacity", "gauge", EXPORTER, "otelcol_exporter_queue_capacity"),
  otel("otelcol_processor_incoming_items", "counter", PROCESSOR, "otelcol_processor_incoming_items_total"),
  otel("otelcol_processor_outgoing_items", "counter", PROCESSOR, "otelcol_processor_outgoing_items_total"),
  otel("otelcol_processor_batch_batch_send_size", "histogram", BATCH, "otelcol_processor_batch_batch_send_size"),
  otel("otelcol_processor_batch_timeout_trigger_send", "counter", BATCH, "otelcol_processor_batch_timeout_trigger_send_total"),
  otel("otelcol_process_uptime", "counter", SERVICE, "otelcol_process_uptime_seconds_total"),
  otel("otelcol_process_cpu_seconds", "counter", SERVICE, "otelcol_process_cpu_seconds_total"),
  otel("otelcol_process_memory_rss", "gauge", SERVICE, "otelcol_process_memory_rss_bytes"),
  otel("otelcol_process_runtime_heap_alloc_bytes", "gauge", SERVICE, "otelcol_process_runtime_heap_alloc_bytes"),

  // --- Loki ---
  { name: "loki_distributor_bytes_received_total", type: "counter", source: "loki", ...LOKI, file: "pkg/loghttp/push/push.go" },
  { name: "loki_distributor_lines_received_total", type: "counter", source: "loki", ...LOKI, file: "pkg/loghttp/push/push.go" },
  {
    name: "loki_distributor_structured_metadata_bytes_received_total",
    type: "counter",
    source: "loki",
    ...LOKI,
    file: "pkg/loghttp/push/push.go",
  },
  { name: "loki_discarded_samples_total", type: "counter", source: "loki", ...LOKI, file: "pkg/validation/validate.go" },
  { name: "loki_discarded_bytes_total", type: "counter", source: "loki", ...LOKI, file: "pkg/validation/validate.go" },
  { name: "loki_ingester_memory_streams", type: "gauge", source: "loki", ...LOKI, file: "pkg/ingester/instance.go" },
  { name: "loki_ingester_streams_created_total", type: "counter", source: "loki", ...LOKI, file: "pkg/ingester/instance.go" },
  { name: "loki_ingester_chunks_flushed_total", type: "counter", source: "loki", ...LOKI, file: "pkg/ingester/metrics.go" },
  { name: "loki_panic_total", type: "counter", source: "loki", ...LOKI, file: "pkg/util/server/recovery.go" },
  {
    // dskit server metric; Loki sets Server.MetricsNamespace = "loki" (pkg/loki/loki.go).
    name: "loki_request_duration_seconds",
    type: "histogram",
    source: "loki",
    ...LOKI,
    file: "vendor/github.com/grafana/dskit/server/metrics.go",
  },

  // --- Tempo ---
  { name: "tempo_receiver_accepted_spans", type: "counter", source: "tempo", ...TEMPO, file: "modules/distributor/receiver/metrics_provider.go" },
  { name: "tempo_receiver_refused_spans", type: "counter", source: "tempo", ...TEMPO, file: "modules/distributor/receiver/metrics_provider.go" },
  // --- Tempo metrics generator (remote-written into Prometheus) ---
  { name: "traces_spanmetrics_calls_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/generator/processor/spanmetrics/spanmetrics.go" },
  { name: "traces_spanmetrics_latency", type: "histogram", source: "tempo", ...TEMPO, file: "modules/generator/processor/spanmetrics/spanmetrics.go" },
  { name: "traces_spanmetrics_size_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/generator/processor/spanmetrics/spanmetrics.go" },
  { name: "traces_service_graph_request_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/generator/processor/servicegraphs/servicegraphs.go" },
  { name: "traces_service_graph_request_failed_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/generator/processor/servicegraphs/servicegraphs.go" },
  { name: "traces_service_graph_request_server_seconds", type: "histogram", source: "tempo", ...TEMPO, file: "modules/generator/processor/servicegraphs/servicegraphs.go" },
  { name: "traces_service_graph_request_client_seconds", type: "histogram", source: "tempo", ...TEMPO, file: "modules/generator/processor/servicegraphs/servicegraphs.go" },
  { name: "tempo_distributor_spans_received_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/distributor/distributor.go" },
  { name: "tempo_distributor_bytes_received_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/distributor/distributor.go" },
  { name: "tempo_discarded_spans_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/overrides/discarded_spans.go" },
  { name: "tempo_ingester_traces_created_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/ingester/instance.go" },
  { name: "tempo_ingester_live_traces", type: "gauge", source: "tempo", ...TEMPO, file: "modules/ingester/instance.go" },
  { name: "tempo_ingester_blocks_flushed_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/ingester/flush.go" },
  { name: "tempo_ingester_failed_flushes_total", type: "counter", source: "tempo", ...TEMPO, file: "modules/ingester/flush.go" },
  { name: "tempodb_compaction_errors_total", type: "counter", source: "tempo", ...TEMPO, file: "tempodb/compactor.go" },
  {
    name: "tempo_metrics_generator_spans_received_total",
    type: "counter",
    source: "tempo",
    ...TEMPO,
    file: "modules/generator/instance.go",
  },
  {
    // dskit server metric; Tempo sets Server.MetricsNamespace = "tempo" (cmd/tempo/app/app.go, modules.go).
    name: "tempo_request_duration_seconds",
    type: "histogram",
    source: "tempo",
    ...TEMPO,
    file: "cmd/tempo/app/modules.go",
  },

  // --- Prometheus ---
  { name: "prometheus_config_last_reload_successful", type: "gauge", source: "prometheus", ...PROMETHEUS, file: "cmd/prometheus/main.go" },
  { name: "prometheus_tsdb_head_series", type: "gauge", source: "prometheus", ...PROMETHEUS, file: "tsdb/head.go" },
  { name: "prometheus_tsdb_head_samples_appended_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "tsdb/head.go" },
  { name: "prometheus_tsdb_out_of_order_samples_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "tsdb/head.go" },
  { name: "prometheus_tsdb_wal_corruptions_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "tsdb/head.go" },
  { name: "prometheus_tsdb_compactions_failed_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "tsdb/db.go" },
  { name: "prometheus_tsdb_reloads_failures_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "tsdb/db.go" },
  { name: "prometheus_rule_evaluation_failures_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "rules/group.go" },
  { name: "prometheus_rule_group_iterations_missed_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "rules/group.go" },
  { name: "prometheus_notifications_dropped_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "notifier/metric.go" },
  { name: "prometheus_notifications_errors_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "notifier/metric.go" },
  { name: "prometheus_notifications_queue_length", type: "gauge", source: "prometheus", ...PROMETHEUS, file: "notifier/metric.go" },
  { name: "prometheus_notifications_queue_capacity", type: "gauge", source: "prometheus", ...PROMETHEUS, file: "notifier/metric.go" },
  { name: "prometheus_http_requests_total", type: "counter", source: "prometheus", ...PROMETHEUS, file: "web/web.go" },
  {
    name: "prometheus_target_scrapes_exceeded_sample_limit_total",
    type: "counter",
    source: "prometheus",
    ...PROMETHEUS,
    file: "scrape/metrics.go",
  },
  {
    name: "prometheus_api_otlp_translation_warnings_total",
    type: "counter",
    source: "prometheus",
    ...PROMETHEUS,
    file: "storage/remote/write_otlp_handler.go",
  },
  // Synthetic per-target series written by every scrape.
  { name: "up", type: "gauge", source: "prometheus", ...PROMETHEUS, file: "scrape/scrape.go" },

  // --- kube-state-metrics ---
  { name: "kube_pod_container_status_restarts_total", type: "counter", source: "kube-state-metrics", ...KSM, file: "internal/store/pod.go" },
  { name: "kube_pod_container_status_waiting_reason", type: "gauge", source: "kube-state-metrics", ...KSM, file: "internal/store/pod.go" },
  { name: "kube_pod_status_ready", type: "gauge", source: "kube-state-metrics", ...KSM, file: "internal/store/pod.go" },
  { name: "kube_daemonset_status_number_unavailable", type: "gauge", source: "kube-state-metrics", ...KSM, file: "internal/store/daemonset.go" },
  { name: "kube_deployment_status_replicas_available", type: "gauge", source: "kube-state-metrics", ...KSM, file: "internal/store/deployment.go" },
  { name: "kube_statefulset_status_replicas_ready", type: "gauge", source: "kube-state-metrics", ...KSM, file: "internal/store/statefulset.go" },
  {
    name: "kube_persistentvolumeclaim_status_phase",
    type: "gauge",
    source: "kube-state-metrics",
    ...KSM,
    file: "internal/store/persistentvolumeclaim.go",
  },
];

/** Every inventoried name. */
export const METRIC_NAMES: ReadonlySet<string> = new Set(METRICS.map((m) => m.name));

/** Base names of a metric as PromQL may use them (histograms: `_bucket`, `_sum`, `_count`). */
export function isInventoried(series: string): boolean {
  if (METRIC_NAMES.has(series)) return true;
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  return m !== null && METRICS.some((e) => e.name === m[1] && e.type === "histogram");
}
