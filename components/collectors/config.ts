/**
 * Config keys owned by the telemetry-pipeline area (issue 3).
 * Merged into the one `observer:*` schema by components/config.ts; resolved after the core keys.
 *
 * | key | form | default |
 * |---|---|---|
 * | `metrics.jobLabel` | `otel` (Prometheus `job` = `service.namespace/service.name`) or `legacy` (`job` = `service.namespace`, as the old chart) | `otel` |
 * | `instrumentation.namespaces` | list of DNS-1123 labels: where Instrumentation CRs are created | `[namespace, kernels.namespace]` |
 * | `collectors.gateway.replicas` | 1..50: gateway replicas (prod: the autoscaler's minimum) | dev `1`, prod `2` |
 * | `collectors.gateway.maxReplicas` | 1..100, >= replicas: the autoscaler's maximum (prod only) | `6` |
 * | `collectors.gateway.queueStorage` | Kubernetes quantity: persistent sending-queue volume per gateway replica (prod only) | `4Gi` |
 * | `collectors.gateway.storageClassName` | StorageClass of that volume | the cluster default |
 * | `collectors.agent.hostPath` | absolute host directory for the log agent's file offsets and queue | `/var/lib/observer/<namespace>/log-agent` |
 */
import { z } from "zod";
import { type BaseConfig, type ConfigProblem, DNS1123_LABEL, storageClassName } from "../forms";
import { replicas as defaultReplicas } from "../sizing";

const QUANTITY = /^([0-9]+(\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

const namespaceName = z
  .string({ error: "expected a Kubernetes namespace name (DNS-1123 label)" })
  .max(63, { error: "expected a namespace name of at most 63 characters" })
  .regex(DNS1123_LABEL, { error: "expected a Kubernetes namespace name (DNS-1123 label)" });

const replicaCount = (max: number) =>
  z
    .number({ error: `expected a whole number from 1 to ${max}` })
    .int({ error: `expected a whole number from 1 to ${max}` })
    .min(1, { error: `expected a whole number from 1 to ${max}` })
    .max(max, { error: `expected a whole number from 1 to ${max}` });

/** Zod schemas of this area's top-level keys (all optional; defaults applied in resolve). */
export const collectorsShape = {
  metrics: z
    .strictObject({
      jobLabel: z.enum(["otel", "legacy"], { error: "expected 'otel' or 'legacy'" }).optional(),
    })
    .optional(),
  instrumentation: z
    .strictObject({
      namespaces: z
        .array(namespaceName, { error: "expected a list of namespace names" })
        .min(1, { error: "expected at least one namespace" })
        .optional(),
    })
    .optional(),
  collectors: z
    .strictObject({
      gateway: z
        .strictObject({
          replicas: replicaCount(50).optional(),
          maxReplicas: replicaCount(100).optional(),
          queueStorage: z
            .string({ error: "expected a Kubernetes quantity such as '4Gi'" })
            .regex(QUANTITY, { error: "expected a Kubernetes quantity such as '4Gi'" })
            .optional(),
          storageClassName: storageClassName.optional(),
        })
        .optional(),
      agent: z
        .strictObject({
          hostPath: z
            .string({ error: "expected an absolute directory path such as '/var/lib/observer'" })
            .regex(/^\/[A-Za-z0-9._\-/]*$/, { error: "expected an absolute directory path such as '/var/lib/observer'" })
            .refine((p) => !p.split("/").includes(".."), { error: "expected an absolute path without '..'" })
            .optional(),
        })
        .optional(),
    })
    .optional(),
} satisfies Record<string, z.ZodType>;

/** Prometheus `job` naming: OpenTelemetry specification, or the replaced chart's. */
export type JobLabelMode = "otel" | "legacy";

/** This area's resolved config, merged into ObserverConfig. */
export interface CollectorsConfig {
  metrics: { jobLabel: JobLabelMode };
  instrumentation: { namespaces: string[] };
  collectors: {
    gateway: {
      /** Fixed replica count in dev; the autoscaler's minimum in prod. */
      replicas: number;
      /** The autoscaler's maximum (prod). */
      maxReplicas: number;
      /** Size of each replica's persistent sending-queue volume (prod). */
      queueStorage: string;
      storageClassName?: string;
    };
    agent: {
      /** Host directory holding file offsets and the persistent queue of the log agent. */
      hostPath: string;
    };
  };
}

type RawCollectors = z.infer<z.ZodObject<typeof collectorsShape>>;

/** Defaults of this area (the gateway's replica count is the sizing table's, components/sizing.ts). */
const COLLECTORS_DEFAULTS = {
  jobLabel: "otel" as JobLabelMode,
  gatewayMaxReplicas: 6,
  queueStorage: "4Gi",
} as const;

/**
 * Applies defaults (per profile) and semantic checks. Pushes every problem into `problems`
 * (key path as `observer:a.b`), never throws.
 */
export function resolveCollectors(raw: RawCollectors, base: BaseConfig, problems: ConfigProblem[]): CollectorsConfig {
  const g = raw.collectors?.gateway;
  const replicas = g?.replicas ?? defaultReplicas(base.profile, "collectors/gateway");
  const maxReplicas = g?.maxReplicas ?? Math.max(COLLECTORS_DEFAULTS.gatewayMaxReplicas, replicas);
  if (maxReplicas < replicas) {
    problems.push({
      path: "observer:collectors.gateway.maxReplicas",
      message: `must be at least collectors.gateway.replicas (${replicas})`,
    });
  }
  const namespaces = raw.instrumentation?.namespaces ?? [base.namespace, base.kernels.namespace];
  const seen = new Set<string>();
  namespaces.forEach((ns, i) => {
    if (seen.has(ns)) {
      problems.push({ path: `observer:instrumentation.namespaces[${i}]`, message: `duplicate namespace '${ns}'` });
    }
    seen.add(ns);
  });
  return {
    metrics: { jobLabel: raw.metrics?.jobLabel ?? COLLECTORS_DEFAULTS.jobLabel },
    instrumentation: { namespaces: [...new Set(namespaces)] },
    collectors: {
      gateway: {
        replicas,
        maxReplicas,
        queueStorage: g?.queueStorage ?? COLLECTORS_DEFAULTS.queueStorage,
        ...(g?.storageClassName !== undefined ? { storageClassName: g.storageClassName } : {}),
      },
      agent: {
        hostPath: (raw.collectors?.agent?.hostPath ?? `/var/lib/observer/${base.namespace}/log-agent`).replace(/\/+$/, ""),
      },
    },
  };
}
