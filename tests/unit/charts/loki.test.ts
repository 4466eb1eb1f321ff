import { loki } from "../../../components/charts/loki";
import { LOKI_INDEX_ATTRIBUTES } from "../../../components/contract";
import { cfg } from "./fixtures";
import { withoutSecurity } from "./security-paths";

type V = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const LABELS = { "monitoring.datalayer.io/instance": "observer", "monitoring.datalayer.io/enabled": "true" };
const limits = (retention: string) => ({
  allow_structured_metadata: true,
  retention_period: retention,
  otlp_config: {
    resource_attributes: {
      ignore_defaults: true,
      attributes_config: [{ action: "index_label", attributes: ["service.name", "app", "namespace", "cluster"] }],
    },
  },
});
const COMMON = {
  fullnameOverride: "observer-loki",
  test: { enabled: false },
  lokiCanary: { enabled: false },
  gateway: { enabled: false },
  sidecar: { rules: { enabled: false } },
  monitoring: { serviceMonitor: { enabled: true, labels: LABELS } },
  write: { replicas: 0 },
  read: { replicas: 0 },
  backend: { replicas: 0 },
};

describe("loki", () => {
  it("dev: Monolithic on the filesystem, no caches, single tenant — exactly", () => {
    expect(withoutSecurity("loki", loki(cfg("dev")))).toEqual({
      ...COMMON,
      deploymentMode: "Monolithic",
      loki: {
        auth_enabled: false,
        commonConfig: { replication_factor: 1 },
        storage: { type: "filesystem", bucketNames: { chunks: "chunks", ruler: "ruler", admin: "admin" } },
        schemaConfig: {
          configs: [{ from: "2024-04-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } }],
        },
        limits_config: limits("7d"),
        compactor: {
          working_directory: "/var/loki/compactor",
          compaction_interval: "10m",
          retention_enabled: true,
          retention_delete_delay: "2h",
          delete_request_store: "filesystem",
        },
        analytics: { reporting_enabled: false },
      },
      singleBinary: {
        replicas: 1,
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "768Mi" } },
        persistence: { enabled: true, size: "10Gi" },
      },
      chunksCache: { enabled: false },
      resultsCache: { enabled: false },
    });
  });

  it("dev with a tenant and a mirror: multi-tenant, images from the mirror", () => {
    const v = loki(cfg("devTenantMirror")) as V;
    expect(v.loki.auth_enabled).toBe(true);
    expect(v.global).toEqual({ imageRegistry: "registry.example.com/mirror" });
  });

  it("prod: Distributed on S3, credentials only as ${VAR} references and envFrom the Secret", () => {
    const v = loki(cfg("prod")) as V;
    expect(v.deploymentMode).toBe("Distributed");
    expect(v.loki.storage).toEqual({
      type: "s3",
      bucketNames: { chunks: "obs-loki-chunks", ruler: "obs-loki-ruler", admin: "obs-loki-chunks" },
      s3: {
        endpoint: "s3.eu-west-1.amazonaws.com",
        region: "eu-west-1",
        accessKeyId: "${AWS_ACCESS_KEY_ID}",
        secretAccessKey: "${AWS_SECRET_ACCESS_KEY}",
        s3ForcePathStyle: false,
        insecure: false,
      },
    });
    expect(v.loki.compactor.delete_request_store).toBe("s3");
    expect(v.loki.limits_config).toEqual(limits("30d"));
    expect(v.loki.schemaConfig.configs[0].object_store).toBe("s3");
    const env = [{ secretRef: { name: "observer-object-storage" } }];
    for (const c of ["ingester", "distributor", "querier", "queryFrontend", "queryScheduler", "indexGateway", "compactor"]) {
      expect({ c, env: v[c].extraEnvFrom }).toEqual({ c, env });
    }
    expect(v.chunksCache.extraEnvFrom).toBeUndefined();
    expect(v.global).toBeUndefined();
    const text = JSON.stringify(v);
    expect(text).not.toContain("AKIAEXAMPLE");
    expect(text).not.toContain("example-secret-key");
    expect({ ingester: v.ingester, chunksCache: v.chunksCache, resultsCache: v.resultsCache, singleBinary: v.singleBinary, ruler: v.ruler }).toEqual({
      ingester: {
        extraEnvFrom: env,
        replicas: 3,
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
        zoneAwareReplication: { enabled: false },
        persistence: { enabled: true, claims: [{ name: "data", accessModes: ["ReadWriteOnce"], size: "20Gi" }] },
      },
      chunksCache: { enabled: true, replicas: 1, allocatedMemory: 2048, resources: { requests: { cpu: "500m", memory: "2560Mi" }, limits: { memory: "2560Mi" } } },
      resultsCache: { enabled: true, replicas: 1, allocatedMemory: 512, resources: { requests: { cpu: "100m", memory: "640Mi" }, limits: { memory: "640Mi" } } },
      singleBinary: { replicas: 0 },
      ruler: { enabled: false, replicas: 0 },
    });
  });

  it("prod with ambient credentials: no keys, no envFrom", () => {
    const v = loki(cfg("prodAmbient")) as V;
    expect(v.loki.storage.s3.accessKeyId).toBeUndefined();
    expect(v.distributor.extraEnvFrom).toBeUndefined();
  });

  it("prod with tenant, StorageClass and mirror", () => {
    const v = loki(cfg("prodFull")) as V;
    expect(v.loki.auth_enabled).toBe(true);
    expect(v.global).toEqual({ imageRegistry: "registry.example.com/mirror" });
    expect(v.indexGateway.persistence).toEqual({ enabled: true, size: "20Gi", storageClass: "fast-ssd" });
  });

  it("index labels are the contract's index rows", () => {
    expect(LOKI_INDEX_ATTRIBUTES).toEqual(["service.name", "app", "namespace", "cluster"]);
  });
});
