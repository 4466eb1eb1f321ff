import { deepMerge } from "../../../components/charts/merge";
import { tempo } from "../../../components/charts/tempo";
import { generatorFromSingleBinary, tempoDistributed } from "../../../components/charts/tempo-distributed";
import { tempoMetricsGeneratorValues } from "../../../components/grafana/metrics-generator";
import { cfg } from "./fixtures";
import { withoutSecurity } from "./security-paths";

type V = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const LABELS = { "monitoring.datalayer.io/instance": "observer", "monitoring.datalayer.io/enabled": "true" };
const S3 = {
  bucket: "obs-tempo",
  endpoint: "s3.eu-west-1.amazonaws.com",
  region: "eu-west-1",
  access_key: "${AWS_ACCESS_KEY_ID}",
  secret_key: "${AWS_SECRET_ACCESS_KEY}",
  insecure: false,
  forcepathstyle: false,
};

describe("tempo (single binary)", () => {
  it("dev exactly (the metrics-generator block merged from the Grafana area)", () => {
    const c = cfg("dev");
    expect(withoutSecurity("tempo", tempo(c))).toEqual(
      deepMerge(
        {
          fullnameOverride: "observer-tempo",
          replicas: 1,
          tempo: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } }, reportingEnabled: false, retention: "72h" },
          persistence: { enabled: true, size: "10Gi" },
          serviceMonitor: { enabled: true, additionalLabels: LABELS },
        },
        tempoMetricsGeneratorValues(c),
      ),
    );
  });

  it("prod without Kafka: object storage, WAL on a volume, credentials from env", () => {
    const v = tempo(cfg("prod")) as V;
    expect(v.tempo.storage).toEqual({ trace: { backend: "s3", s3: S3, wal: { path: "/var/tempo/wal" } } });
    expect(v.tempo.extraArgs).toEqual({ "config.expand-env": "true" });
    expect(v.tempo.extraEnvFrom).toEqual([{ secretRef: { name: "observer-object-storage" } }]);
    expect(v.tempo.retention).toBe("336h");
    expect(v.persistence).toEqual({ enabled: true, size: "50Gi" });
  });

  it("mirror and StorageClass", () => {
    const v = tempo(cfg("devTenantMirror")) as V;
    expect(v.global).toEqual({ imageRegistry: "registry.example.com/mirror" });
    expect((tempo(cfg("devCertManager")) as V).persistence).toEqual({ enabled: true, size: "10Gi", storageClassName: "standard" });
  });
});

describe("tempoDistributed", () => {
  it("prod with Kafka: ingest, OTLP receivers, S3, retention in the backend scheduler, env only on Tempo components", () => {
    const v = tempoDistributed(cfg("prodKafka")) as V;
    expect(v.fullnameOverride).toBe("observer-tempo-distributed");
    expect(v.ingest).toEqual({ kafka: { address: "kafka-0.kafka:9092,kafka-1.kafka:9092", topic: "tempo-traces" } });
    expect(v.traces).toEqual({ otlp: { grpc: { enabled: true }, http: { enabled: true } } });
    expect(v.storage).toEqual({ trace: { backend: "s3", s3: S3 } });
    expect(v.reportingEnabled).toBe(false);
    expect(v.backendScheduler.config).toEqual({ provider: { compaction: { compaction: { block_retention: "336h" } } } });
    expect(v.memcached).toEqual({ replicas: 1, resources: { requests: { cpu: "200m", memory: "1280Mi" }, limits: { memory: "1280Mi" } }, extraArgs: ["-m 1024"] });
    expect(v.distributor).toEqual({
      extraArgs: ["-config.expand-env=true"],
      extraEnvFrom: [{ secretRef: { name: "observer-object-storage" } }],
      replicas: 2,
      resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } },
    });
    expect(v.backendWorker.podDisruptionBudget).toEqual({ enabled: true });
    expect(v.metaMonitoring).toEqual({ serviceMonitor: { enabled: true, labels: LABELS } });
    expect(v.global).toBeUndefined();
  });

  it("mirror goes to global.image.registry", () => {
    expect((tempoDistributed(cfg("prodFull")) as V).global).toEqual({ image: { registry: "registry.example.com/mirror" } });
  });

  it("refuses to build without Kafka", () => {
    expect(() => tempoDistributed(cfg("prod"))).toThrow("needs observer:tempo.kafka.address");
  });

  it("translates the single-binary generator block", () => {
    expect(
      generatorFromSingleBinary({
        tempo: {
          metricsGenerator: { enabled: true, processor: { span_metrics: {} }, registry: { external_labels: { cluster: "c" } }, storage: { remote_write: [{ url: "u" }] } },
          overrides: { defaults: { metrics_generator: { processors: ["span-metrics"] } } },
        },
      }),
    ).toEqual({
      metricsGenerator: { enabled: true, config: { processor: { span_metrics: {} }, registry: { external_labels: { cluster: "c" } }, storage: { remote_write: [{ url: "u" }] } } },
      overrides: { defaults: { metrics_generator: { processors: ["span-metrics"] } } },
    });
    expect(generatorFromSingleBinary({ tempo: { metricsGenerator: { remoteWriteUrl: "http://p/api/v1/write" } } })).toEqual({
      metricsGenerator: { config: { storage: { remote_write: [{ url: "http://p/api/v1/write" }] } } },
    });
    expect(generatorFromSingleBinary({})).toEqual({});
  });
});
