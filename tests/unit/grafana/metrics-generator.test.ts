/**
 * Tempo metrics generator values: exact values, keys where the tempo chart (2.2.4) reads them, processors
 * listed in the overrides too, and labels that follow the metadata contract.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseConfig } from "../../../components/config";
import { CONTRACT } from "../../../components/contract";
import { CONTRACT_PROM_LABELS } from "../../helpers/contract";
import { endpoints } from "../../../components/endpoints";
import {
  GENERATOR_PROCESSORS,
  SERVICE_GRAPH_DIMENSIONS,
  SPAN_METRICS_DIMENSIONS,
  tempoMetricsGeneratorValues,
} from "../../../components/grafana/metrics-generator";
import { SPAN_METRICS_LABELS } from "../../fixtures/metrics";
import { EXEMPLAR_TRACE_ID_LABEL } from "../../../components/grafana/datasources";

const TEMPO_VALUES = path.resolve(__dirname, "../../../../shared/reference/charts/tempo/values.yaml");

const CFG = parseConfig({ clusterName: "prod-eu-1", namespace: "obs" });
/** A valid prod config (prod requires these keys). */
const PROD = {
  profile: "prod",
  clusterName: "prod-eu-1",
  kubeContext: "prod-eu-1",
  objectStorage: { endpoint: "https://s3.example.com", region: "eu-west-1", buckets: { lokiChunks: "logs-chunks", lokiRuler: "logs-ruler", tempo: "traces" } },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe("tempoMetricsGeneratorValues", () => {
  const v = tempoMetricsGeneratorValues(CFG) as Any;

  it("has the exact values", () => {
    expect(v).toEqual({
      tempo: {
        metricsGenerator: {
          enabled: true,
          remoteWriteUrl: "http://observer-prometheus.obs.svc.cluster.local:9090/api/v1/write",
          processor: {
            service_graphs: {
              dimensions: ["service.namespace", "namespace"],
              enable_client_server_prefix: true,
              histogram_buckets: [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8],
            },
            span_metrics: {
              intrinsic_dimensions: { service: true, span_name: true, span_kind: true, status_code: true },
              dimension_mappings: [{ name: "service_name", source_labels: ["service.name"], join: "" }],
              dimensions: ["service.namespace", "app", "namespace"],
              histogram_buckets: [0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384],
              enable_target_info: false,
            },
          },
          registry: { collection_interval: "15s", external_labels: { cluster: "prod-eu-1" } },
          storage: {
            remote_write: [{ url: "http://observer-prometheus.obs.svc.cluster.local:9090/api/v1/write", send_exemplars: true }],
          },
        },
        overrides: {
          defaults: { metrics_generator: { processors: ["service-graphs", "span-metrics"], trace_id_label_name: "trace_id" } },
        },
      },
    });
  });

  it("remote-writes into Prometheus' receiver, with exemplars", () => {
    const rw = v.tempo.metricsGenerator.storage.remote_write;
    expect(rw).toEqual([{ url: `${endpoints(CFG).prometheus.url}/api/v1/write`, send_exemplars: true }]);
    expect(v.tempo.metricsGenerator.remoteWriteUrl).toBe(rw[0].url);
  });

  it("lists every configured processor in the overrides (Tempo runs only those) and nothing else", () => {
    const configured = Object.keys(v.tempo.metricsGenerator.processor).map((k) => k.replace(/_/g, "-")).sort();
    expect(v.tempo.overrides.defaults.metrics_generator.processors).toEqual(configured);
    expect([...GENERATOR_PROCESSORS].sort()).toEqual(configured);
  });

  it("writes exemplars under the label the Prometheus datasource links to Tempo", () => {
    expect(v.tempo.overrides.defaults.metrics_generator.trace_id_label_name).toBe(EXEMPLAR_TRACE_ID_LABEL);
  });

  it("names the service `service_name` (as the contract) besides Tempo's own `service`", () => {
    const sm = v.tempo.metricsGenerator.processor.span_metrics;
    const serviceName = CONTRACT.find((r) => r.attribute === "service.name")!;
    expect(sm.dimension_mappings).toEqual([{ name: serviceName.promLabel, source_labels: [serviceName.attribute], join: "" }]);
    expect(sm.intrinsic_dimensions.service).toBe(true);
  });

  it("copies only contract attributes as dimensions, and the labels they become are the contract's", () => {
    for (const dim of [...SPAN_METRICS_DIMENSIONS, ...SERVICE_GRAPH_DIMENSIONS]) {
      const row = CONTRACT.find((r) => r.attribute === dim);
      expect(row).toBeDefined();
      // Tempo sanitises attribute names into label names the same way (dots → underscores).
      expect(dim.replace(/[^A-Za-z0-9_]/g, "_")).toBe(row!.promLabel);
    }
  });

  it("declares exactly the labels span metrics carry", () => {
    const sm = v.tempo.metricsGenerator.processor.span_metrics;
    const intrinsic = Object.entries(sm.intrinsic_dimensions as Record<string, boolean>)
      .filter(([, on]) => on)
      .map(([k]) => k);
    const fromConfig = [
      ...intrinsic,
      ...sm.dimension_mappings.map((m: { name: string }) => m.name),
      ...sm.dimensions.map((d: string) => d.replace(/[^A-Za-z0-9_]/g, "_")),
      ...Object.keys(v.tempo.metricsGenerator.registry.external_labels),
      "le",
    ].sort();
    expect([...SPAN_METRICS_LABELS].sort()).toEqual(fromConfig);
    for (const l of fromConfig.filter((l) => !["service", "span_name", "span_kind", "status_code", "le"].includes(l))) {
      expect(CONTRACT_PROM_LABELS).toContain(l);
    }
  });

  it("remote-writes to every Prometheus replica when Prometheus runs HA (replicas share no data)", () => {
    const ha = parseConfig({ ...PROD, prometheus: { replicas: 2 } });
    const g = (tempoMetricsGeneratorValues(ha) as Any).tempo.metricsGenerator;
    expect(g.storage.remote_write).toEqual([
      { url: "http://observer-prometheus-0.datalayer-observer.svc.cluster.local:9090/api/v1/write", send_exemplars: true },
      { url: "http://observer-prometheus-1.datalayer-observer.svc.cluster.local:9090/api/v1/write", send_exemplars: true },
    ]);
    expect(g.remoteWriteUrl).toBe(g.storage.remote_write[0].url);
  });

  it("sets the cluster from config", () => {
    const other = tempoMetricsGeneratorValues(parseConfig({ clusterName: "kind" })) as Any;
    expect(other.tempo.metricsGenerator.registry.external_labels).toEqual({ cluster: "kind" });
  });

  it("puts every key where the tempo chart reads it", () => {
    if (!fs.existsSync(TEMPO_VALUES)) throw new Error(`Reference chart values missing: ${TEMPO_VALUES} (../shared/reference beside the repo)`);
    const chart = parse(fs.readFileSync(TEMPO_VALUES, "utf8")) as Any;
    const mg = chart.tempo.metricsGenerator;
    for (const key of Object.keys(v.tempo.metricsGenerator)) expect(Object.keys(mg)).toContain(key);
    expect(Object.keys(chart.tempo.overrides)).toContain("defaults");
    // The chart's config template renders these blocks into tempo.yaml.
    const template: string = chart.config;
    for (const ref of [
      ".Values.tempo.metricsGenerator.enabled",
      ".Values.tempo.metricsGenerator.processor",
      ".Values.tempo.metricsGenerator.registry",
      ".Values.tempo.metricsGenerator.storage.remote_write",
      ".Values.tempo.overrides",
    ]) {
      expect(template).toContain(ref);
    }
  });
});
