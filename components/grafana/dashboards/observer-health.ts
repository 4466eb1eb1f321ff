/**
 * Observer health: the pipeline itself. Collectors' accepted/refused/dropped telemetry and exporter queue
 * fill, Loki and Tempo ingestion, Prometheus scrape health and ingestion. Pure.
 *
 * Metric names are the components' own (see the metric catalogue, tests/fixtures/metrics.ts);
 * every series is filtered by the contract's `cluster` label.
 */
import { dashboard, labelValuesVariable, prom, row, stat, table, timeseries, type DashboardJson } from "./builder";
import { CLUSTER, sel, sumRate } from "./queries";

const OBSERVER_HEALTH_UID = "observer-health";

/** Collector self-metrics (OpenTelemetry Collector internal telemetry, Prometheus names). */
const COLLECTOR_METRICS = {
  acceptedSpans: "otelcol_receiver_accepted_spans_total",
  acceptedMetricPoints: "otelcol_receiver_accepted_metric_points_total",
  acceptedLogRecords: "otelcol_receiver_accepted_log_records_total",
  refusedSpans: "otelcol_receiver_refused_spans_total",
  refusedMetricPoints: "otelcol_receiver_refused_metric_points_total",
  refusedLogRecords: "otelcol_receiver_refused_log_records_total",
  sendFailedSpans: "otelcol_exporter_send_failed_spans_total",
  sendFailedMetricPoints: "otelcol_exporter_send_failed_metric_points_total",
  sendFailedLogRecords: "otelcol_exporter_send_failed_log_records_total",
  enqueueFailedSpans: "otelcol_exporter_enqueue_failed_spans_total",
  enqueueFailedMetricPoints: "otelcol_exporter_enqueue_failed_metric_points_total",
  enqueueFailedLogRecords: "otelcol_exporter_enqueue_failed_log_records_total",
  queueSize: "otelcol_exporter_queue_size",
  queueCapacity: "otelcol_exporter_queue_capacity",
} as const;

const LOKI_METRICS = {
  linesReceived: "loki_distributor_lines_received_total",
  bytesReceived: "loki_distributor_bytes_received_total",
  discarded: "loki_discarded_samples_total",
} as const;

const TEMPO_METRICS = {
  spansReceived: "tempo_distributor_spans_received_total",
  bytesReceived: "tempo_distributor_bytes_received_total",
  discardedSpans: "tempo_discarded_spans_total",
  generatorSpansReceived: "tempo_metrics_generator_spans_received_total",
} as const;

const PROMETHEUS_METRICS = {
  up: "up",
  sampleLimitExceeded: "prometheus_target_scrapes_exceeded_sample_limit_total",
  samplesAppended: "prometheus_tsdb_head_samples_appended_total",
  headSeries: "prometheus_tsdb_head_series",
  httpRequests: "prometheus_http_requests_total",
} as const;

const C = COLLECTOR_METRICS;
const rate = (metric: string, by: readonly string[] = []) => sumRate(sel(metric, CLUSTER), by);

export function observerHealth(): DashboardJson {
  return dashboard({
    uid: OBSERVER_HEALTH_UID,
    title: "Observer health",
    description: "Is telemetry getting through? Collectors, Loki, Tempo and Prometheus, from their own metrics.",
    tags: ["observer", "health"],
    variables: [labelValuesVariable("cluster", "Cluster", "up", "cluster", { includeAll: true, multi: true })],
    panels: [
      row("Collectors"),
      timeseries(
        "Accepted",
        [
          prom(rate(C.acceptedSpans, ["receiver"]), "spans {{receiver}}"),
          prom(rate(C.acceptedMetricPoints, ["receiver"]), "metric points {{receiver}}"),
          prom(rate(C.acceptedLogRecords, ["receiver"]), "log records {{receiver}}"),
        ],
        { unit: "short", min: 0, w: 8, description: "Items per second the collectors' receivers accepted." },
      ),
      timeseries(
        "Refused",
        [
          prom(rate(C.refusedSpans, ["receiver"]), "spans {{receiver}}"),
          prom(rate(C.refusedMetricPoints, ["receiver"]), "metric points {{receiver}}"),
          prom(rate(C.refusedLogRecords, ["receiver"]), "log records {{receiver}}"),
        ],
        { unit: "short", min: 0, w: 8, description: "Items per second refused at the door (memory limiter, bad data): senders were told." },
      ),
      timeseries(
        "Dropped",
        [
          prom(rate(C.sendFailedSpans, ["exporter"]), "spans send failed {{exporter}}"),
          prom(rate(C.sendFailedMetricPoints, ["exporter"]), "metric points send failed {{exporter}}"),
          prom(rate(C.sendFailedLogRecords, ["exporter"]), "log records send failed {{exporter}}"),
          prom(rate(C.enqueueFailedSpans, ["exporter"]), "spans queue full {{exporter}}"),
          prom(rate(C.enqueueFailedMetricPoints, ["exporter"]), "metric points queue full {{exporter}}"),
          prom(rate(C.enqueueFailedLogRecords, ["exporter"]), "log records queue full {{exporter}}"),
        ],
        { unit: "short", min: 0, w: 8, description: "Items per second lost after acceptance: retries exhausted, or the sending queue was full." },
      ),
      timeseries(
        "Exporter queue fill",
        [prom(`max by (exporter) (${sel(C.queueSize, CLUSTER)} / ${sel(C.queueCapacity, CLUSTER)})`, "{{exporter}}")],
        { unit: "percentunit", min: 0, max: 1, w: 24, description: "Sending-queue size over capacity, fullest replica per exporter." },
      ),
      row("Loki"),
      timeseries(
        "Loki ingestion",
        [prom(rate(LOKI_METRICS.linesReceived), "lines/s"), prom(rate(LOKI_METRICS.bytesReceived), "bytes/s")],
        { unit: "short", min: 0 },
      ),
      timeseries("Loki discarded", [prom(rate(LOKI_METRICS.discarded, ["reason"]), "{{reason}}")], { unit: "short", min: 0 }),
      row("Tempo"),
      timeseries(
        "Tempo ingestion",
        [
          prom(rate(TEMPO_METRICS.spansReceived), "spans/s"),
          prom(rate(TEMPO_METRICS.generatorSpansReceived), "spans/s into the metrics generator"),
        ],
        { unit: "short", min: 0 },
      ),
      timeseries("Tempo discarded spans", [prom(rate(TEMPO_METRICS.discardedSpans, ["reason"]), "{{reason}}")], { unit: "short", min: 0 }),
      row("Prometheus"),
      stat(
        "Targets up",
        [prom(`sum(${sel(PROMETHEUS_METRICS.up, CLUSTER)}) / count(${sel(PROMETHEUS_METRICS.up, CLUSTER)})`)],
        { unit: "percentunit", min: 0, max: 1, w: 6 },
      ),
      table("Targets down", [prom(`${sel(PROMETHEUS_METRICS.up, CLUSTER)} == 0`, undefined, { instant: true, table: true })], { w: 18, h: 4 }),
      timeseries(
        "Targets up per job",
        [prom(`sum by (job) (${sel(PROMETHEUS_METRICS.up, CLUSTER)}) / count by (job) (${sel(PROMETHEUS_METRICS.up, CLUSTER)})`, "{{job}}")],
        { unit: "percentunit", min: 0, max: 1 },
      ),
      timeseries(
        "Prometheus ingestion",
        [
          prom(rate(PROMETHEUS_METRICS.samplesAppended), "samples/s"),
          prom(`sum(${sel(PROMETHEUS_METRICS.headSeries, CLUSTER)})`, "head series"),
          prom(rate(PROMETHEUS_METRICS.sampleLimitExceeded), "scrapes over sample limit/s"),
        ],
        { unit: "short", min: 0 },
      ),
      timeseries(
        "Pushed into Prometheus",
        [
          prom(
            sumRate(sel(PROMETHEUS_METRICS.httpRequests, CLUSTER, `handler=~"/api/v1/write|/api/v1/otlp/v1/metrics"`), ["handler", "code"]),
            "{{handler}} {{code}}",
          ),
        ],
        { unit: "reqps", min: 0, w: 24, description: "Remote-write (Tempo's generator) and OTLP (the gateway) requests by status code." },
      ),
    ],
  });
}
