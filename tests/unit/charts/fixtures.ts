/**
 * Configs for the chart builder tests: every profile and option the builders branch on.
 */
import { parseConfig, type ObserverConfig } from "../../../components/config";

export const PROD_STORAGE = {
  endpoint: "https://s3.eu-west-1.amazonaws.com",
  region: "eu-west-1",
  buckets: { lokiChunks: "obs-loki-chunks", lokiRuler: "obs-loki-ruler", tempo: "obs-tempo" },
  accessKeyId: "AKIAEXAMPLE",
  secretAccessKey: "example-secret-key",
};

const PROD = { profile: "prod", clusterName: "prod-eu-1", kubeContext: "prod-ctx", objectStorage: PROD_STORAGE };

export const RAW = {
  dev: {},
  devTenantMirror: { loki: { tenant: "datalayer" }, images: { mirror: "registry.example.com/mirror" } },
  devCertManager: { operator: { webhookCertificate: { issuer: { name: "internal-ca" } } }, storageClassName: "standard" },
  prod: PROD,
  prodAmbient: { ...PROD, objectStorage: { ...PROD_STORAGE, accessKeyId: undefined, secretAccessKey: undefined } },
  prodKafka: { ...PROD, tempo: { kafka: { address: "kafka-0.kafka:9092,kafka-1.kafka:9092" } } },
  prodFull: {
    ...PROD,
    loki: { tenant: "datalayer" },
    tempo: { kafka: { address: "kafka.kafka:9092", topic: "traces" } },
    images: { mirror: "registry.example.com/mirror" },
    charts: { mirror: "oci://registry.example.com/charts" },
    operator: { webhookCertificate: { source: "cert-manager", issuer: { name: "internal-ca", kind: "Issuer" } } },
    storageClassName: "fast-ssd",
    prometheus: { replicas: 3, remoteWrite: { url: "https://mimir.example.com/api/v1/push", username: "u", password: "p" } },
  },
  prodBearer: { ...PROD, prometheus: { remoteWrite: { url: "https://mimir.example.com/api/v1/push", bearerToken: "t" } } },
} as const;

export type Scenario = keyof typeof RAW;

export function cfg(name: Scenario): ObserverConfig {
  return parseConfig(JSON.parse(JSON.stringify(RAW[name])) as Record<string, unknown>);
}

export const SCENARIOS = Object.keys(RAW) as Scenario[];

export const CTX = { grafanaAdminChecksum: "0123abcd", now: new Date("2026-03-15T12:00:00Z") };
