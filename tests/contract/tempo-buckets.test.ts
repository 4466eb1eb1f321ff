/**
 * Every `le` a latency rule reads is a bucket bound the metrics generator really emits, per Tempo chart.
 *
 * Oracle: the Tempo configs the pinned charts render with our values (tests/fixtures/rendered-facts.json, made by
 * `helm template` of tempo 2.2.4 for dev and prod and of tempo-distributed 3.3.0 for prod with Kafka), not our
 * bucket constant. Tempo writes one `le` series per configured bound, its label value formatted with Go's
 * `strconv.FormatFloat(bound, 'f', -1, 64)` (tempo modules/generator/registry/histogram.go), plus `+Inf`.
 * The rules are built for a config whose per-service SLOs use every threshold the config schema accepts, so
 * every `le` any configuration can make a rule read is covered.
 */
import { prometheusRuleBodies } from "../../components/alerting/index";
import { parseConfig } from "../../components/config";
import { SPAN_METRICS } from "../../components/grafana/metrics-generator";
import { loadFacts, VARIANT_RAW, type VariantName } from "../fixtures/facts";

const FACTS = loadFacts();
const VARIANTS: readonly VariantName[] = ["dev", "prod", "prod-kafka"];

/** Go's FormatFloat(x, 'f', -1, 64) for the plain decimals bucket bounds are (no exponent form). */
function goFormatFloat(x: number): string {
  const s = String(x);
  if (/e/i.test(s)) throw new Error(`bucket bound ${s} needs exponent handling`);
  return s;
}

/** The `le` values of the span-metrics latency histogram selected anywhere in a rule expression. */
function latencyLes(expr: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`${SPAN_METRICS.latencyBucket}\\{([^}]*)\\}`, "g");
  for (const m of expr.matchAll(re)) {
    const le = /(?:^|,)\s*le="([^"]*)"/.exec(m[1]!);
    if (le) out.push(le[1]!);
  }
  return out;
}

/**
 * Every threshold the config schema accepts among: the bounds any rendered config carries, the doubling series
 * from 2 ms, and near misses. Inputs for the rules, kept when parseConfig accepts them; the oracle stays the
 * rendered config.
 */
function acceptedThresholds(): number[] {
  const rendered = VARIANTS.flatMap((v) => FACTS.variants[v].tempoGenerator?.spanMetricsBuckets ?? []);
  const doubling = Array.from({ length: 16 }, (_, k) => 0.002 * 2 ** k);
  const candidates = [...new Set([...rendered, ...doubling, 0.001, 0.5, 1, 1.02, 2.05, 4.1])];
  return candidates.filter((t) => {
    try {
      parseConfig({ alerting: { slo: { services: { probe: { latency: { threshold: t } } } } } });
      return true;
    } catch {
      return false;
    }
  });
}

describe.each(VARIANTS)("%s: Tempo's rendered config", (v) => {
  const gen = FACTS.variants[v].tempoGenerator;
  const chart = v === "prod-kafka" ? "tempo-distributed" : "tempo";

  it(`comes from the ${chart} chart and states the span-metrics and service-graph buckets`, () => {
    expect(gen).toBeDefined();
    expect(gen!.release).toBe(chart);
    // Left unset, each Tempo version and chart picks its own (tempo-distributed 3.3.0 ships 1.02/2.05/4.10).
    expect(gen!.spanMetricsBuckets).not.toBeNull();
    expect(gen!.serviceGraphBuckets).not.toBeNull();
  });

  it("every `le` a latency SLO rule reads is a bucket the generator emits", () => {
    const emitted = new Set([...(gen?.spanMetricsBuckets ?? []).map(goFormatFloat), "+Inf"]);
    const thresholds = acceptedThresholds();
    expect(thresholds.length).toBeGreaterThan(0);
    const services = Object.fromEntries(thresholds.map((t, i) => [`svc-${i}`, { latency: { threshold: t } }]));
    const cfg = parseConfig({ ...VARIANT_RAW[v], alerting: { slo: { services } } });
    const read = new Set(
      prometheusRuleBodies(cfg, {}).flatMap((r) => r.spec.groups.flatMap((g) => g.rules.flatMap((rule) => latencyLes(String(rule.expr))))),
    );
    // The default SLO and one per accepted threshold.
    expect(read.size).toBeGreaterThanOrEqual(thresholds.length);
    expect([...read].filter((le) => !emitted.has(le)).sort()).toEqual([]);
  });
});

it("both Tempo charts emit the same buckets (one list, so a rule and a dashboard mean the same in every mode)", () => {
  const lists = VARIANTS.map((v) => FACTS.variants[v].tempoGenerator);
  expect(new Set(lists.map((g) => JSON.stringify(g?.spanMetricsBuckets ?? null))).size).toBe(1);
  expect(new Set(lists.map((g) => JSON.stringify(g?.serviceGraphBuckets ?? null))).size).toBe(1);
});
