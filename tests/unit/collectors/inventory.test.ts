import { isInventoried, METRICS } from "../../fixtures/metrics";

describe("metric inventory", () => {
  it("names are unique and Prometheus-valid, each citing a file and tag", () => {
    const names = METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const m of METRICS) {
      expect([m.name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(m.name)]).toEqual([m.name, true]);
      expect([m.name, /^[\w.-]+\/[\w.-]+$/.test(m.repo), /^v\d+\.\d+\.\d+$/.test(m.tag), m.file.length > 0]).toEqual([m.name, true, true, true]);
    }
  });

  it("collector names follow the Prometheus reader's suffix rules", () => {
    for (const m of METRICS.filter((e) => e.source === "otelcol")) {
      expect([m.name, m.name.startsWith(m.otelName!)]).toEqual([m.name, true]);
      expect([m.name, m.type === "counter" ? m.name.endsWith("_total") : !m.name.endsWith("_total")]).toEqual([m.name, true]);
    }
  });

  it("knows histogram series suffixes and nothing else", () => {
    expect(isInventoried("loki_request_duration_seconds_bucket")).toBe(true);
    expect(isInventoried("otelcol_exporter_queue_size")).toBe(true);
    expect(isInventoried("otelcol_exporter_queue_size_count")).toBe(false);
    expect(isInventoried("otelcol_exporter_sent_spans")).toBe(false);
  });
});
