/**
 * Config keys owned by this area: issue 7 (object storage, Tempo's Kafka queue, Prometheus HA and remote
 * write, the image registry mirror).
 * Merged into the one `observer:*` schema by components/config.ts; resolved after the core keys.
 *
 * Credentials (`objectStorage.accessKeyId`/`secretAccessKey`, `prometheus.remoteWrite.password`/`bearerToken`)
 * are parsed as Pulumi secrets and reach workloads only through Kubernetes Secrets (components/charts/secrets.ts),
 * never through Helm values.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { type BaseConfig, type ConfigProblem, durationSeconds, httpUrlForm, promDurationForm, secretString, storageClassName } from "../forms";
import { replicas } from "../sizing";

// This area's variants of the shared forms: an out-of-order window may be zero (`0s` turns it off), and a
// remote-write URL may carry a query (some stores take the tenant there).
const outOfOrderWindow = promDurationForm("'5m' or '1h'", { allowZero: true });
const remoteWriteUrl = httpUrlForm("expected an http(s) URL such as 'https://mimir.example.com/api/v1/push'", { query: true, fragment: true });
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const bucket = z
  .string({ error: "expected an S3 bucket name (3-63 lower-case letters, digits, '.' and '-')" })
  .regex(S3_BUCKET, { error: "expected an S3 bucket name (3-63 lower-case letters, digits, '.' and '-')" });

/** `host`, `host:port`, or an http(s) URL: the S3-compatible endpoint. */
const S3_ENDPOINT = /^(https?:\/\/)?[A-Za-z0-9.-]+(:\d{1,5})?\/?$/;
/** Kafka bootstrap address(es): `host:port[,host:port…]`. */
const KAFKA_ADDRESS = /^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/;
/** Prometheus size such as `45GB` (units B, KB, MB, GB, TB, PB, EB). */
const PROM_SIZE = /^\d+(B|KB|MB|GB|TB|PB|EB)$/;
/** Kubernetes quantity for a volume size such as `50Gi`. */
const VOLUME_SIZE = /^\d+(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
/** Registry prefix: `host[:port][/path…]`, no scheme, no trailing slash needed. */
const REGISTRY_PREFIX = /^[A-Za-z0-9.-]+(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*\/?$/;

const objectStorageSchema = z.strictObject({
  endpoint: z
    .string({ error: "expected an S3 endpoint such as 's3.eu-west-1.amazonaws.com' or 'http://minio.storage:9000'" })
    .regex(S3_ENDPOINT, {
      error: "expected an S3 endpoint such as 's3.eu-west-1.amazonaws.com' or 'http://minio.storage:9000'",
    }),
  region: z.string({ error: "expected a region name such as 'eu-west-1'" }).min(1, { error: "expected a region name such as 'eu-west-1'" }).optional(),
  buckets: z.strictObject({
    lokiChunks: bucket,
    lokiRuler: bucket,
    tempo: bucket,
  }),
  insecure: z.boolean({ error: "expected true or false" }).optional(),
  forcePathStyle: z.boolean({ error: "expected true or false" }).optional(),
  accessKeyId: secretString.optional(),
  secretAccessKey: secretString.optional(),
});

const remoteWriteSchema = z.strictObject({
  url: remoteWriteUrl,
  username: z.string({ error: "expected a user name" }).min(1, { error: "expected a user name" }).optional(),
  password: secretString.optional(),
  bearerToken: secretString.optional(),
});

/** Zod schemas of this area's top-level keys (all optional; defaults applied in resolve). */
export const prodShape = {
  /** S3-compatible object storage for Loki and Tempo (required in prod). */
  objectStorage: objectStorageSchema.optional(),
  /** Tempo: `kafka.address` switches prod to the tempo-distributed (Tempo 3) chart. */
  tempo: z
    .strictObject({
      kafka: z
        .strictObject({
          address: z
            .string({ error: "expected Kafka bootstrap address(es) 'host:port[,host:port…]'" })
            .regex(KAFKA_ADDRESS, { error: "expected Kafka bootstrap address(es) 'host:port[,host:port…]'" }),
          topic: z
            .string({ error: "expected a Kafka topic name" })
            .regex(/^[A-Za-z0-9._-]{1,249}$/, { error: "expected a Kafka topic name (letters, digits, '.', '_' and '-')" })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  /** Prometheus HA, storage and optional remote write to a long-term store. */
  prometheus: z
    .strictObject({
      replicas: z
        .number({ error: "expected a whole number of replicas from 1 to 5" })
        .int({ error: "expected a whole number of replicas from 1 to 5" })
        .min(1, { error: "expected a whole number of replicas from 1 to 5" })
        .max(5, { error: "expected a whole number of replicas from 1 to 5" })
        .optional(),
      retentionSize: z
        .string({ error: "expected a Prometheus size such as '45GB'" })
        .regex(PROM_SIZE, { error: "expected a Prometheus size such as '45GB'" })
        .optional(),
      storageSize: z
        .string({ error: "expected a volume size such as '50Gi'" })
        .regex(VOLUME_SIZE, { error: "expected a volume size such as '50Gi'" })
        .optional(),
      outOfOrderTimeWindow: outOfOrderWindow.optional(),
      remoteWrite: remoteWriteSchema.optional(),
    })
    .optional(),
  /** Air-gapped installs: every image is pulled from this registry prefix instead of its public registry. */
  images: z
    .strictObject({
      mirror: z
        .string({ error: "expected a registry prefix such as 'registry.example.com/mirror' (no scheme)" })
        .regex(REGISTRY_PREFIX, { error: "expected a registry prefix such as 'registry.example.com/mirror' (no scheme)" })
        .optional(),
    })
    .optional(),
  /** StorageClass for every PersistentVolumeClaim (default: the cluster's default StorageClass). */
  storageClassName: storageClassName.optional(),
} satisfies Record<string, z.ZodType>;

type ProdRaw = z.infer<z.ZodObject<typeof prodShape>>;

/** Resolved S3-compatible object storage. */
export interface ObjectStorageConfig {
  /** Endpoint host[:port] without scheme (what Loki and Tempo expect). */
  endpoint: string;
  region?: string;
  buckets: { lokiChunks: string; lokiRuler: string; tempo: string };
  /** True for plain-HTTP endpoints (`http://…` or `insecure: true`). */
  insecure: boolean;
  forcePathStyle: boolean;
  /** Static credentials (Pulumi secrets); absent means ambient credentials (IRSA, workload identity). */
  credentials?: { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> };
}

/** This area's resolved config, merged into ObserverConfig. */
export interface ProdConfig {
  /** Set in prod (required there); undefined in dev (filesystem storage). */
  objectStorage?: ObjectStorageConfig;
  tempo: { kafka?: { address: string; topic: string } };
  prometheus: {
    replicas: number;
    /** Empty string: no size-based retention. */
    retentionSize: string;
    storageSize: string;
    outOfOrderTimeWindow: string;
    remoteWrite?: {
      url: string;
      basicAuth?: { username: string; password: pulumi.Output<string> };
      bearerToken?: pulumi.Output<string>;
    };
  };
  images: { mirror?: string };
  storageClassName?: string;
}

/**
 * Per-profile defaults of this area.
 *
 * `outOfOrderTimeWindow` covers the gateway's retry horizon (its exporters' `max_elapsed_time`: 5m dev, 15m prod,
 * components/collectors/common.ts `delivery`) plus 5 minutes for the SDKs' export interval and queueing: Prometheus
 * rejects a whole OTLP request when one sample in it is older than the window allows, and the gateway drops a
 * rejected batch, so a narrower window loses every retried batch that arrives after newer data (measured with
 * Prometheus 3.14.0, tests/tools/metrics-roundtrip.test.ts).
 */
const PROD_DEFAULTS = {
  dev: { prometheus: { retentionSize: "", storageSize: "10Gi", outOfOrderTimeWindow: "10m" } },
  prod: { prometheus: { retentionSize: "45GB", storageSize: "50Gi", outOfOrderTimeWindow: "20m" } },
} as const;

/**
 * Applies defaults (per profile) and semantic checks. Push every problem into `problems`
 * (key path as `observer:a.b`), never throw.
 */
export function resolveProd(raw: ProdRaw, base: BaseConfig, problems: ConfigProblem[]): ProdConfig {
  const d = PROD_DEFAULTS[base.profile].prometheus;
  const os = raw.objectStorage;
  let objectStorage: ObjectStorageConfig | undefined;
  if (os === undefined) {
    if (base.profile === "prod") {
      problems.push({
        path: "observer:objectStorage",
        message:
          "required in prod (Loki Distributed and Tempo store on S3-compatible object storage): set endpoint and buckets " +
          "{ lokiChunks, lokiRuler, tempo }, and accessKeyId/secretAccessKey with `pulumi config set --secret --path`",
      });
    }
  } else {
    if ((os.accessKeyId === undefined) !== (os.secretAccessKey === undefined)) {
      const missing = os.accessKeyId === undefined ? "accessKeyId" : "secretAccessKey";
      problems.push({
        path: `observer:objectStorage.${missing}`,
        message: "set both accessKeyId and secretAccessKey (as secrets), or neither to use ambient credentials",
      });
    }
    const b = os.buckets;
    if (b.lokiChunks === b.lokiRuler) {
      problems.push({ path: "observer:objectStorage.buckets.lokiRuler", message: "must differ from buckets.lokiChunks" });
    }
    if (b.tempo === b.lokiChunks || b.tempo === b.lokiRuler) {
      problems.push({ path: "observer:objectStorage.buckets.tempo", message: "must differ from the Loki buckets" });
    }
    const plainHttp = os.endpoint.startsWith("http://");
    if (plainHttp && os.insecure === false) {
      problems.push({ path: "observer:objectStorage.insecure", message: "an http:// endpoint is insecure; drop `insecure: false` or use https://" });
    }
    objectStorage = {
      endpoint: os.endpoint.replace(/^https?:\/\//, "").replace(/\/+$/, ""),
      ...(os.region !== undefined ? { region: os.region } : {}),
      buckets: { ...b },
      insecure: os.insecure ?? plainHttp,
      forcePathStyle: os.forcePathStyle ?? false,
      ...(os.accessKeyId !== undefined && os.secretAccessKey !== undefined
        ? { credentials: { accessKeyId: os.accessKeyId, secretAccessKey: os.secretAccessKey } }
        : {}),
    };
  }

  const kafka = raw.tempo?.kafka;
  if (kafka !== undefined && base.profile === "dev") {
    problems.push({
      path: "observer:tempo.kafka.address",
      message: "only used in prod (tempo-distributed); dev runs single-binary Tempo: remove it or set observer:profile prod",
    });
  }

  const p = raw.prometheus ?? {};
  const rw = p.remoteWrite;
  if (rw !== undefined) {
    if (rw.password !== undefined && rw.bearerToken !== undefined) {
      problems.push({ path: "observer:prometheus.remoteWrite.bearerToken", message: "set either username/password or bearerToken, not both" });
    }
    if ((rw.username === undefined) !== (rw.password === undefined)) {
      const missing = rw.username === undefined ? "username" : "password";
      problems.push({ path: `observer:prometheus.remoteWrite.${missing}`, message: "basic auth needs both username and password (secret)" });
    }
  }
  // The default replica count is the sizing table's (components/sizing.ts).
  const promReplicas = p.replicas ?? replicas(base.profile, "prometheus");
  const ooo = p.outOfOrderTimeWindow ?? d.outOfOrderTimeWindow;
  if (p.outOfOrderTimeWindow !== undefined && durationSeconds(p.outOfOrderTimeWindow) > 3600) {
    problems.push({ path: "observer:prometheus.outOfOrderTimeWindow", message: "expected at most 1h (a small window for pushed data)" });
  }

  const mirror = raw.images?.mirror?.replace(/\/+$/, "");
  return {
    ...(objectStorage !== undefined ? { objectStorage } : {}),
    tempo: kafka !== undefined ? { kafka: { address: kafka.address, topic: kafka.topic ?? "tempo-traces" } } : {},
    prometheus: {
      replicas: promReplicas,
      retentionSize: p.retentionSize ?? d.retentionSize,
      storageSize: p.storageSize ?? d.storageSize,
      outOfOrderTimeWindow: ooo,
      ...(rw !== undefined
        ? {
            remoteWrite: {
              url: rw.url,
              ...(rw.username !== undefined && rw.password !== undefined
                ? { basicAuth: { username: rw.username, password: rw.password } }
                : {}),
              ...(rw.bearerToken !== undefined ? { bearerToken: rw.bearerToken } : {}),
            },
          }
        : {}),
    },
    images: mirror !== undefined ? { mirror } : {},
    ...(raw.storageClassName !== undefined ? { storageClassName: raw.storageClassName } : {}),
  };
}
