import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseConfig } from "../../../components/config";
import { objectStorageSecretData, remoteWriteSecretData } from "../../../components/charts/secrets";
import { gatewayConfig } from "../../../components/collectors/gateway";
import { durationSeconds } from "../../../components/forms";
import { PROD_STORAGE, RAW } from "./fixtures";

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}
const PROD = { profile: "prod", clusterName: "c", kubeContext: "k" };

describe("issue-7 config keys", () => {
  it("defaults per profile", () => {
    const dev = parseConfig({});
    expect({ prometheus: dev.prometheus, images: dev.images, tempo: dev.tempo, objectStorage: dev.objectStorage }).toEqual({
      prometheus: { replicas: 1, retentionSize: "", storageSize: "10Gi", outOfOrderTimeWindow: "10m" },
      images: {},
      tempo: {},
      objectStorage: undefined,
    });
    const prod = parseConfig(JSON.parse(JSON.stringify(RAW.prod)));
    expect(prod.prometheus).toEqual({ replicas: 2, retentionSize: "45GB", storageSize: "50Gi", outOfOrderTimeWindow: "20m" });
    expect({ ...prod.objectStorage, credentials: undefined }).toEqual({
      endpoint: "s3.eu-west-1.amazonaws.com",
      region: "eu-west-1",
      buckets: { lokiChunks: "obs-loki-chunks", lokiRuler: "obs-loki-ruler", tempo: "obs-tempo" },
      insecure: false,
      forcePathStyle: false,
      credentials: undefined,
    });
  });

  it("the default out-of-order window covers the gateway's retry horizon, with room for the SDKs' export interval", () => {
    for (const cfg of [parseConfig({}), parseConfig(JSON.parse(JSON.stringify(RAW.prod)))]) {
      const gw = gatewayConfig(cfg) as { exporters: Record<string, { retry_on_failure?: { max_elapsed_time: string } }> };
      const horizons = Object.entries(gw.exporters)
        .filter(([id]) => id.startsWith("otlp_http/prometheus"))
        .map(([, e]) => durationSeconds(e.retry_on_failure!.max_elapsed_time));
      expect(horizons.length).toBe(cfg.prometheus.replicas);
      const window = durationSeconds(cfg.prometheus.outOfOrderTimeWindow);
      expect({ profile: cfg.profile, covered: horizons.every((h) => window >= h + 60) }).toEqual({ profile: cfg.profile, covered: true });
    }
  });

  it("object storage credentials stay Pulumi secrets", async () => {
    const prod = parseConfig(JSON.parse(JSON.stringify(RAW.prod)));
    const data = objectStorageSecretData(prod)!;
    expect(Object.keys(data)).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
    expect(await pulumi.isSecret(data.AWS_SECRET_ACCESS_KEY!)).toBe(true);
    const full = parseConfig(JSON.parse(JSON.stringify(RAW.prodFull)));
    expect(Object.keys(remoteWriteSecretData(full)!)).toEqual(["username", "password"]);
    expect(remoteWriteSecretData(parseConfig({}))).toBeUndefined();
  });

  it("prod needs object storage", () => {
    expect(problems(PROD)).toEqual([
      "observer:objectStorage: required in prod (Loki Distributed and Tempo store on S3-compatible object storage): set endpoint and buckets { lokiChunks, lokiRuler, tempo }, and accessKeyId/secretAccessKey with `pulumi config set --secret --path`",
    ]);
  });

  it("invalid storage configuration is rejected with the key path", () => {
    expect(problems({ ...PROD, objectStorage: { ...PROD_STORAGE, secretAccessKey: undefined } })).toEqual([
      "observer:objectStorage.secretAccessKey: set both accessKeyId and secretAccessKey (as secrets), or neither to use ambient credentials",
    ]);
    expect(problems({ ...PROD, objectStorage: { ...PROD_STORAGE, buckets: { lokiChunks: "same", lokiRuler: "same", tempo: "Bad_Name" } } })).toEqual([
      "observer:objectStorage.buckets.tempo: expected an S3 bucket name (3-63 lower-case letters, digits, '.' and '-')",
    ]);
    expect(problems({ ...PROD, objectStorage: { ...PROD_STORAGE, buckets: { lokiChunks: "aaa", lokiRuler: "aaa", tempo: "ccc" } } })).toEqual([
      "observer:objectStorage.buckets.lokiRuler: must differ from buckets.lokiChunks",
    ]);
    expect(problems({ ...PROD, objectStorage: { ...PROD_STORAGE, endpoint: "ftp://x" } })).toEqual([
      "observer:objectStorage.endpoint: expected an S3 endpoint such as 's3.eu-west-1.amazonaws.com' or 'http://minio.storage:9000'",
    ]);
    expect(problems({ ...PROD, objectStorage: { ...PROD_STORAGE, endpoint: "http://minio:9000", insecure: false } })).toEqual([
      "observer:objectStorage.insecure: an http:// endpoint is insecure; drop `insecure: false` or use https://",
    ]);
  });

  it("plain-http endpoints are insecure by default", () => {
    const c = parseConfig({ ...PROD, objectStorage: { ...PROD_STORAGE, endpoint: "http://minio.storage:9000/" } });
    expect([c.objectStorage?.endpoint, c.objectStorage?.insecure]).toEqual(["minio.storage:9000", true]);
  });

  it("Kafka, remote write, mirror and Prometheus checks", () => {
    expect(problems({ tempo: { kafka: { address: "kafka:9092" } } })).toEqual([
      "observer:tempo.kafka.address: only used in prod (tempo-distributed); dev runs single-binary Tempo: remove it or set observer:profile prod",
    ]);
    expect(problems({ ...PROD, objectStorage: PROD_STORAGE, tempo: { kafka: { address: "kafka" } } })).toEqual([
      "observer:tempo.kafka.address: expected Kafka bootstrap address(es) 'host:port[,host:port…]'",
    ]);
    expect(problems({ prometheus: { remoteWrite: { url: "https://m/api/v1/push", username: "u" } } })).toEqual([
      "observer:prometheus.remoteWrite.password: basic auth needs both username and password (secret)",
    ]);
    expect(problems({ prometheus: { remoteWrite: { url: "https://m", username: "u", password: "p", bearerToken: "t" } } })).toEqual([
      "observer:prometheus.remoteWrite.bearerToken: set either username/password or bearerToken, not both",
    ]);
    expect(problems({ images: { mirror: "https://registry.example.com" } })).toEqual([
      "observer:images.mirror: expected a registry prefix such as 'registry.example.com/mirror' (no scheme)",
    ]);
    expect(problems({ prometheus: { replicas: 0, retentionSize: "45G", outOfOrderTimeWindow: "2h" } })).toEqual([
      "observer:prometheus.replicas: expected a whole number of replicas from 1 to 5",
      "observer:prometheus.retentionSize: expected a Prometheus size such as '45GB'",
    ]);
    expect(problems({ prometheus: { outOfOrderTimeWindow: "2h" } })).toEqual([
      "observer:prometheus.outOfOrderTimeWindow: expected at most 1h (a small window for pushed data)",
    ]);
    expect(parseConfig({ images: { mirror: "registry.example.com/mirror/" } }).images).toEqual({ mirror: "registry.example.com/mirror" });
  });
});
