/**
 * Pushed metrics end in Prometheus as the rendered Prometheus CR (tests/fixtures/rendered-facts.json: kube-prometheus-stack
 * 88.5.3 rendered with our values) says, not as our values object says.
 *
 * Late samples: an SDK exports a data point after its export interval (the OpenTelemetry specification's default
 * `OTEL_METRIC_EXPORT_INTERVAL`, 60 s), the gateway batches it (its `batch` timeout) and its exporter retries it until
 * `retry_on_failure.max_elapsed_time`; meanwhile newer points of the same series reach Prometheus through the
 * exporter's other consumers. Prometheus takes an older point only inside `tsdb.outOfOrderTimeWindow` (with 0s it
 * rejects every retried point as out of order), so the window must cover that whole delay.
 */
import { parseConfig } from "../../components/config";
import { durationSeconds } from "../../components/forms";
import { gatewayConfig } from "../../components/collectors/gateway";
import { loadFacts, VARIANT_RAW, type VariantName } from "../fixtures/facts";

const FACTS = loadFacts();
const VARIANTS: readonly VariantName[] = ["dev", "prod", "prod-kafka"];
/** OpenTelemetry specification, SDK environment variables: OTEL_METRIC_EXPORT_INTERVAL defaults to 60000 ms. */
const SDK_EXPORT_INTERVAL_S = 60;

/** A collector duration (`5s`, `300s`, `15m`) in seconds. */
function goDurationSeconds(d: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (!m) throw new Error(`unsupported duration ${d}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as "ms" | "s" | "m" | "h"];
}

describe.each(VARIANTS)("%s", (v) => {
  const cfg = parseConfig(JSON.parse(JSON.stringify(VARIANT_RAW[v])) as Record<string, unknown>);
  const prom = FACTS.variants[v].prometheus!;

  it("every point the gateway retries still lands inside Prometheus' out-of-order window", () => {
    const gw = gatewayConfig(cfg) as { exporters: Record<string, { retry_on_failure?: { max_elapsed_time: string } }>; processors: { batch: { timeout: string } } };
    const toPrometheus = Object.entries(gw.exporters).filter(([name]) => name.startsWith("otlp_http/prometheus"));
    expect(toPrometheus.length).toBe(cfg.prometheus.replicas);
    const window = prom.outOfOrderTimeWindow === null ? 0 : durationSeconds(prom.outOfOrderTimeWindow);
    for (const [name, e] of toPrometheus) {
      const latest = SDK_EXPORT_INTERVAL_S + goDurationSeconds(gw.processors.batch.timeout) + goDurationSeconds(e.retry_on_failure!.max_elapsed_time);
      expect([name, window >= latest]).toEqual([name, true]);
    }
  });
});
