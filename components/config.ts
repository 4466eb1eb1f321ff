/**
 * The config contract (Pulumi config namespace `observer`).
 *
 * Everything the program reads from the user goes through {@link parseConfig}: raw config strings
 * (as `pulumi.Config` / `pulumi.runtime.allConfig()` hold them) plus a few documented environment
 * fallbacks become ONE typed, validated {@link ObserverConfig}, before any resource exists. Invalid
 * input throws a single {@link ConfigError} (a `pulumi.RunError`, so the CLI prints only the message)
 * naming every bad key path and the form it expects.
 *
 * Pure: no Pulumi resource, no I/O. Secrets (credentials) become `pulumi.secret` Outputs here and stay
 * secret end to end.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  type BaseConfig,
  type ConfigProblem,
  type LabelSelector,
  type Profile,
  type WebhookCertificateConfig,
  dnsLabel,
  dnsSubdomain,
  httpUrl,
  isHttpUrl,
  labelKey,
  labelValue,
  port,
  promDuration,
  unwrapSchema,
} from "./forms";
import { CHARTS, type ChartKey } from "./versions";
import { collectorsShape, resolveCollectors, type CollectorsConfig } from "./collectors/config";
import { alertingShape, resolveAlerting, type AlertingConfig } from "./alerting/config";
import { securityShape, resolveSecurity, type SecurityConfig } from "./security/config";
import { prodShape, resolveProd, type ProdConfig } from "./prod/config";

// ---------------------------------------------------------------------------------------------
// Reusable field forms. Each carries the human description used in error messages.
// ---------------------------------------------------------------------------------------------

const chartOverride = z.strictObject({
  version: z
    .string({ error: "expected a chart version such as '1.2.3'" })
    .regex(/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, { error: "expected a chart version such as '1.2.3'" })
    .optional(),
  repo: z
    .string({ error: "expected a Helm repository URL (https://…) or an OCI registry path (oci://…)" })
    .refine((s) => isHttpUrl(s) || /^oci:\/\/[^\s/]+(\/[^\s/]+)*\/?$/.test(s), {
      error: "expected a Helm repository URL (https://…) or an OCI registry path (oci://…)",
    })
    .optional(),
});

const selectorSchema = z.strictObject({
  matchLabels: z.record(labelKey, labelValue).optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: labelKey,
        operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"], {
          error: "expected one of In, NotIn, Exists, DoesNotExist",
        }),
        values: z.array(labelValue).optional(),
      }),
    )
    .optional(),
});

// ---------------------------------------------------------------------------------------------
// The schema. Every key here is documented in docs/configuration.md (generated; a test checks both agree).
// ---------------------------------------------------------------------------------------------

const chartsSchema = z.strictObject({
  ...(Object.fromEntries(Object.keys(CHARTS).map((k) => [k, chartOverride.optional()])) as Record<ChartKey, z.ZodOptional<typeof chartOverride>>),
  /** One repository (OCI registry path or Helm repo) that mirrors every chart: air-gapped installs. */
  mirror: chartOverride.shape.repo,
});

const grafanaSchema = z.strictObject({
  adminUser: z
    .string({ error: "expected a user name (letters, digits, '.', '_', '@' or '-')" })
    .regex(/^[A-Za-z0-9._@-]{1,64}$/, { error: "expected a user name (letters, digits, '.', '_', '@' or '-')" })
    .optional(),
  ingress: z
    .strictObject({
      enabled: z.boolean({ error: "expected true or false" }).optional(),
      className: dnsSubdomain.optional(),
      annotations: z.record(labelKey, z.string({ error: "expected a string annotation value" })).optional(),
      tlsSecretName: dnsSubdomain.optional(),
    })
    .optional(),
  /**
   * Grafana plugins installed at start from a mirror you control (Grafana downloads nothing from grafana.com):
   * each plugin's zip URL, id and version.
   */
  plugins: z
    .array(
      z.strictObject({
        id: z
          .string({ error: "expected a Grafana plugin id such as 'grafana-clock-panel'" })
          .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { error: "expected a Grafana plugin id such as 'grafana-clock-panel'" }),
        version: z
          .string({ error: "expected the plugin version 'x.y.z'" })
          .regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, { error: "expected the plugin version 'x.y.z'" }),
        url: httpUrl,
      }),
    )
    .optional(),
});

/** Core keys of `observer:*`, with their schemas. */
const coreShape = {
  profile: z.enum(["dev", "prod"], { error: "expected 'dev' or 'prod'" }).optional(),
  namespace: dnsLabel.optional(),
  clusterName: labelValue.refine((s) => s.length > 0, { error: "expected a non-empty cluster name" }).optional(),
  runUrl: httpUrl.optional(),
  kubeContext: z.string({ error: "expected a kubeconfig context name" }).min(1, { error: "expected a kubeconfig context name" }).optional(),
  grafana: grafanaSchema.optional(),
  charts: chartsSchema.optional(),
  crds: z
    .strictObject({
      prometheus: z.enum(["managed", "external"], { error: "expected 'managed' or 'external'" }).optional(),
    })
    .optional(),
  loki: z
    .strictObject({
      tenant: z
        .string({ error: "expected a Loki tenant ID (letters, digits, '!-_.*'()' up to 150 characters)" })
        .regex(/^[A-Za-z0-9!\-_.*'()]{1,150}$/, {
          error: "expected a Loki tenant ID (letters, digits, '!-_.*'()' up to 150 characters)",
        })
        .refine((s) => s !== "." && s !== "..", { error: "a Loki tenant ID cannot be '.' or '..'" })
        .optional(),
    })
    .optional(),
  operator: z
    .strictObject({
      /** The OpenTelemetry Operator's webhook certificate: the chart's own (renewed yearly) or cert-manager's. */
      webhookCertificate: z
        .strictObject({
          source: z.enum(["self-signed", "cert-manager"], { error: "expected 'self-signed' or 'cert-manager'" }).optional(),
          /** self-signed: any new value issues a new certificate at the next deployment (a key to rotate now). */
          rotation: z
            .string({ error: "expected a short label such as '2' or 'after-incident-42' (lower-case letters, digits, '-')" })
            .regex(/^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$/, {
              error: "expected a short label such as '2' or 'after-incident-42' (lower-case letters, digits, '-')",
            })
            .optional(),
          issuer: z
            .strictObject({
              name: dnsSubdomain,
              kind: z.enum(["Issuer", "ClusterIssuer"], { error: "expected 'Issuer' or 'ClusterIssuer'" }).optional(),
            })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  kernels: z
    .strictObject({
      namespace: dnsLabel.optional(),
      metricsPort: port.optional(),
      path: z
        .string({ error: "expected an HTTP path starting with '/'" })
        .regex(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/, { error: "expected an HTTP path starting with '/'" })
        .optional(),
      selector: selectorSchema.optional(),
    })
    .optional(),
  podMonitorApps: z.array(labelValue.min(1, { error: "expected a non-empty label value" })).optional(),
  retention: z
    .strictObject({ metrics: promDuration.optional(), logs: promDuration.optional(), traces: promDuration.optional() })
    .optional(),
};

/**
 * Every key of `observer:*`: the core keys and those of each area (components/<area>/config.ts).
 * Unknown keys anywhere are errors (typo protection).
 */
const configShape = { ...coreShape, ...collectorsShape, ...alertingShape, ...securityShape, ...prodShape };
export const configSchema = z.strictObject(configShape);

// ---------------------------------------------------------------------------------------------
// The resolved config: every default applied, per profile.
// ---------------------------------------------------------------------------------------------

/** The whole resolved config. */
export type ObserverConfig = BaseConfig & CollectorsConfig & AlertingConfig & SecurityConfig & ProdConfig;

/** Defaults that differ by profile. */
const PROFILE_DEFAULTS: Readonly<Record<Profile, { retention: ObserverConfig["retention"] }>> = {
  dev: { retention: { metrics: "7d", logs: "7d", traces: "3d" } },
  prod: { retention: { metrics: "30d", logs: "30d", traces: "14d" } },
};

const DEFAULTS = {
  namespace: "datalayer-observer",
  devClusterName: "local",
  grafanaAdminUser: "admin",
  kernels: {
    namespace: "datalayer-runtimes",
    metricsPort: 2300,
    path: "/metrics",
    selector: { matchExpressions: [{ key: "jupyterpool.datalayer.io/name", operator: "Exists" as const }] },
  },
  podMonitorApps: ["pulsar"],
} as const;

/** Environment fallbacks (documented in docs/configuration.md). */
export interface ConfigEnv {
  DATALAYER_RUN_HOST?: string;
  DATALAYER_RUN_URL?: string;
}

/** The single error raised for invalid config: a RunError, so the CLI prints no stack trace. */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
  }
}


function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
  return [
    `Invalid Observer configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was deployed:`,
    ...lines,
    "Fix these with `pulumi config set --path observer:<key> <value>` (see docs/configuration.md).",
  ].join("\n");
}

function keyPath(path: readonly PropertyKey[]): string {
  let out = "observer:";
  path.forEach((seg, i) => {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += (i === 0 ? "" : ".") + String(seg);
  });
  return out;
}

/**
 * Turns raw Pulumi config values (strings: scalars as typed, objects and lists as JSON) into values.
 * `pulumi config set --path` stores structured values as JSON; plain `pulumi config set` stores strings.
 */
export function decodeRawValue(value: string): unknown {
  const trimmed = value.trim();
  if (trimmed === "true") return true;
  if (trimmed === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

/** Keys whose values stay strings even when they look like numbers or booleans. */
const STRING_KEYS = new Set(["clusterName", "kubeContext", "namespace", "profile", "runUrl"]);

/**
 * Reads the project's config map (`{"observer:profile": "dev", ...}`) into a raw object,
 * ignoring other namespaces (provider config such as `kubernetes:*` is not ours).
 */
export function rawFromPulumiConfig(all: Record<string, string>, project = "observer"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(all)) {
    const [ns, ...rest] = fullKey.split(":");
    if (ns !== project || rest.length === 0) continue;
    const key = rest.join(":");
    out[key] = STRING_KEYS.has(key) ? value : decodeRawValue(value);
  }
  return out;
}

/**
 * Validates and resolves the config. Throws one ConfigError listing every problem.
 * @param raw    the `observer:*` keys, already decoded (see {@link rawFromPulumiConfig}).
 * @param env    environment fallbacks.
 */
export function parseConfig(raw: Record<string, unknown>, env: ConfigEnv = {}): ObserverConfig {
  const result = configSchema.safeParse(raw);
  const problems: ConfigProblem[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) {
          const path = keyPath([...issue.path, k]);
          problems.push({
            path,
            message: MOVED_KEYS[path] ?? `unknown key (a typo?); known keys here: ${knownKeysAt(issue.path).join(", ")}`,
          });
        }
      } else if (issue.code === "invalid_key") {
        // A record key failed its schema: report the key's own expectation, not zod's generic text.
        problems.push({ path: keyPath(issue.path), message: issue.issues[0]?.message ?? issue.message });
      } else {
        problems.push({ path: keyPath(issue.path), message: issue.message });
      }
    }
    throw new ConfigError(dedupe(problems));
  }
  const c = result.data;
  const profile: Profile = c.profile ?? "dev";

  // clusterName: config, else $DATALAYER_RUN_HOST, else `local` in dev; required in prod.
  let clusterName = c.clusterName ?? nonEmpty(env.DATALAYER_RUN_HOST);
  if (clusterName !== undefined && !labelValue.safeParse(clusterName).success) {
    problems.push({
      path: "observer:clusterName",
      message: `$DATALAYER_RUN_HOST (${JSON.stringify(clusterName)}) is not a valid label value; set observer:clusterName`,
    });
  }
  if (clusterName === undefined) {
    if (profile === "prod") {
      problems.push({
        path: "observer:clusterName",
        message: "required in prod (the `cluster` label on all telemetry); set it or $DATALAYER_RUN_HOST",
      });
    }
    clusterName = DEFAULTS.devClusterName;
  }

  let runUrl = c.runUrl ?? nonEmpty(env.DATALAYER_RUN_URL);
  if (runUrl !== undefined && c.runUrl === undefined && !isHttpUrl(runUrl)) {
    problems.push({ path: "observer:runUrl", message: `$DATALAYER_RUN_URL (${JSON.stringify(runUrl)}) is not an http(s) URL` });
    runUrl = undefined;
  }
  runUrl = runUrl?.replace(/\/+$/, "");

  if (profile === "prod" && c.kubeContext === undefined) {
    problems.push({
      path: "observer:kubeContext",
      message: "required in prod: name the kubeconfig context to deploy to, so a switched context cannot hit the wrong cluster",
    });
  }

  const ingressEnabled = c.grafana?.ingress?.enabled ?? runUrl !== undefined;
  if (ingressEnabled && runUrl === undefined) {
    problems.push({
      path: "observer:grafana.ingress.enabled",
      message: "the Grafana ingress needs a host: set observer:runUrl (or $DATALAYER_RUN_URL), or disable the ingress",
    });
  }
  const url = runUrl !== undefined ? new URL(runUrl) : undefined;
  const basePath = url ? url.pathname.replace(/\/+$/, "") : "";
  const https = url?.protocol === "https:";
  if (c.grafana?.ingress?.tlsSecretName !== undefined && url !== undefined && !https) {
    problems.push({
      path: "observer:grafana.ingress.tlsSecretName",
      message: "a TLS secret is set but observer:runUrl is http://; use an https:// runUrl",
    });
  }

  const pluginIds = (c.grafana?.plugins ?? []).map((pl) => pl.id);
  pluginIds.forEach((id, i) => {
    if (pluginIds.indexOf(id) !== i) {
      problems.push({ path: `observer:grafana.plugins[${i}].id`, message: `plugin "${id}" is listed twice` });
    }
  });

  const namespace = c.namespace ?? DEFAULTS.namespace;
  const defaults = PROFILE_DEFAULTS[profile];
  const base: BaseConfig = {
    profile,
    namespace,
    clusterName,
    ...(runUrl !== undefined ? { runUrl } : {}),
    ...(c.kubeContext !== undefined ? { kubeContext: c.kubeContext } : {}),
    grafana: {
      adminUser: c.grafana?.adminUser ?? DEFAULTS.grafanaAdminUser,
      ingress: {
        enabled: ingressEnabled,
        ...(ingressEnabled && url ? { host: url.hostname } : {}),
        path: `${basePath}/grafana`,
        ...(c.grafana?.ingress?.className !== undefined ? { className: c.grafana.ingress.className } : {}),
        annotations: { ...(c.grafana?.ingress?.annotations ?? {}) },
        ...(c.grafana?.ingress?.tlsSecretName !== undefined ? { tlsSecretName: c.grafana.ingress.tlsSecretName } : {}),
      },
      ...(ingressEnabled && url ? { rootUrl: `${url.protocol}//${url.host}${basePath}/grafana/` } : {}),
      https: ingressEnabled && https,
      plugins: (c.grafana?.plugins ?? []).map((pl) => ({ id: pl.id, version: pl.version, url: pl.url })),
    },
    charts: { ...(c.charts ?? {}) },
    crds: { prometheus: c.crds?.prometheus ?? "managed" },
    loki: { ...(c.loki?.tenant !== undefined ? { tenant: c.loki.tenant } : {}) },
    operator: { webhookCertificate: resolveWebhookCertificate(c.operator?.webhookCertificate, problems) },
    kernels: {
      namespace: c.kernels?.namespace ?? DEFAULTS.kernels.namespace,
      metricsPort: c.kernels?.metricsPort ?? DEFAULTS.kernels.metricsPort,
      path: c.kernels?.path ?? DEFAULTS.kernels.path,
      selector: (c.kernels?.selector as LabelSelector | undefined) ?? {
        matchExpressions: DEFAULTS.kernels.selector.matchExpressions.map((e) => ({ ...e })),
      },
    },
    podMonitorApps: c.podMonitorApps ?? [...DEFAULTS.podMonitorApps],
    retention: {
      metrics: c.retention?.metrics ?? defaults.retention.metrics,
      logs: c.retention?.logs ?? defaults.retention.logs,
      traces: c.retention?.traces ?? defaults.retention.traces,
    },
  };
  const areas = {
    ...resolveCollectors(c, base, problems),
    ...resolveAlerting(c, base, problems),
    ...resolveSecurity(c, base, problems),
    ...resolveProd(c, base, problems),
  };
  if (problems.length > 0) throw new ConfigError(dedupe(problems));
  return { ...base, ...areas };
}

/** Reads `observer:*` through pulumi.Config and the environment, and parses it. */
export function loadConfig(project = "observer"): ObserverConfig {
  // `new pulumi.Config` asserts the namespace; allConfig gives every key so unknown ones are caught.
  new pulumi.Config(project);
  const raw = rawFromPulumiConfig(pulumi.runtime.allConfig(), project);
  return parseConfig(raw, { DATALAYER_RUN_HOST: process.env.DATALAYER_RUN_HOST, DATALAYER_RUN_URL: process.env.DATALAYER_RUN_URL });
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------


/** `operator.webhookCertificate`: cert-manager when an issuer is named, else the chart's self-signed certificate. */
function resolveWebhookCertificate(
  w: { source?: "self-signed" | "cert-manager"; rotation?: string; issuer?: { name: string; kind?: "Issuer" | "ClusterIssuer" } } | undefined,
  problems: ConfigProblem[],
): WebhookCertificateConfig {
  const source = w?.source ?? (w?.issuer !== undefined ? "cert-manager" : "self-signed");
  if (source === "self-signed") {
    if (w?.issuer !== undefined) {
      problems.push({
        path: "observer:operator.webhookCertificate.issuer",
        message: "an issuer is only used with source 'cert-manager': remove it, or set operator.webhookCertificate.source cert-manager",
      });
    }
    return { source, ...(w?.rotation !== undefined ? { rotation: w.rotation } : {}) };
  }
  if (w?.rotation !== undefined) {
    problems.push({
      path: "observer:operator.webhookCertificate.rotation",
      message: "only used with source 'self-signed' (cert-manager renews its certificate itself: `cmctl renew` rotates it now)",
    });
  }
  return { source, ...(w?.issuer !== undefined ? { issuer: { name: w.issuer.name, kind: w.issuer.kind ?? "ClusterIssuer" } } : {}) };
}

/** Keys that moved: the old path, and what to set instead (an unknown-key error names it). */
const MOVED_KEYS: Readonly<Record<string, string>> = {
  "observer:operator.certManagerIssuer":
    "moved: set observer:operator.webhookCertificate.issuer.name (and .kind); naming an issuer selects cert-manager",
};

function nonEmpty(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== "" ? s.trim() : undefined;
}

/** One problem per key path (the first, most specific check that failed). */
function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    if (seen.has(p.path)) return false;
    seen.add(p.path);
    return true;
  });
}



/** The schema object (or undefined) found at a path inside the strict config schema. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let schemas: any[] = [configSchema];
  for (const seg of path) {
    schemas = schemas.flatMap(expand).flatMap((s) => {
      if (typeof seg === "number") return s?.element ? [s.element] : [];
      if (s?.def?.type === "record") return [s.def.valueType];
      return s?.shape?.[seg as string] ? [s.shape[seg as string]] : [];
    });
  }
  const keys = new Set<string>();
  for (const s of schemas.flatMap(expand)) for (const k of Object.keys(s?.shape ?? {})) keys.add(k);
  return [...keys].sort();
}

/** A schema, unwrapped, and each option of a union (a receiver is one of several object shapes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function expand(schema: any): any[] {
  const s = unwrapSchema(schema);
  return s?.def?.type === "union" ? (s.def.options as unknown[]).flatMap(expand) : [s];
}

