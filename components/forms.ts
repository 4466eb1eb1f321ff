/**
 * The leaf of the config: the types every config area shares ({@link BaseConfig}, {@link Profile},
 * {@link LabelSelector}, {@link ConfigProblem}) and the field forms of their schemas, each with the human
 * description used in error messages. It imports no area: components/config.ts and every
 * components/<area>/config.ts import it, and it imports neither back.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { ChartKey } from "./versions";

/** One problem with the config: the key path (`observer:a.b`) and the form it expects. */
export interface ConfigProblem {
  /** Key path as the user writes it with `pulumi config set --path`, e.g. `observer:kernels.metricsPort`. */
  readonly path: string;
  readonly message: string;
}

export type Profile = "dev" | "prod";

/**
 * The OpenTelemetry Operator's webhook certificate. `self-signed`: the chart generates a CA and certificate
 * (components/charts/opentelemetry-operator.ts renews it every calendar year); `cert-manager`: a cert-manager
 * Certificate, from `issuer` or, without one, from a self-signed Issuer the chart creates.
 */
export type WebhookCertificateConfig =
  | { source: "self-signed"; rotation?: string }
  | { source: "cert-manager"; issuer?: { name: string; kind: "Issuer" | "ClusterIssuer" } };

/** A Kubernetes label selector (pods, namespaces). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

/** The core keys, resolved (components/config.ts). Area resolvers receive this. */
export interface BaseConfig {
  profile: Profile;
  namespace: string;
  clusterName: string;
  /** Base URL of the Datalayer run (no trailing slash), or undefined. */
  runUrl?: string;
  /** Kubeconfig context the provider must target; undefined in dev means "the current context". */
  kubeContext?: string;
  grafana: {
    adminUser: string;
    ingress: {
      enabled: boolean;
      /** Host served, taken from `runUrl`. Set whenever `enabled`. */
      host?: string;
      /** Path prefix served (`<runUrl path>/grafana`). */
      path: string;
      className?: string;
      annotations: Record<string, string>;
      tlsSecretName?: string;
    };
    /** The URL users open (scheme, host and `/grafana` sub-path), when the ingress is on. */
    rootUrl?: string;
    /** True when the public URL is https (secure cookies). */
    https: boolean;
    /** Plugins installed from a mirror at start (`grafana.plugins`); empty: only the plugins built into Grafana. */
    plugins: { id: string; version: string; url: string }[];
  };
  charts: Partial<Record<ChartKey, { version?: string; repo?: string }>> & { mirror?: string };
  crds: { prometheus: "managed" | "external" };
  loki: { tenant?: string };
  operator: { webhookCertificate: WebhookCertificateConfig };
  kernels: { namespace: string; metricsPort: number; path: string; selector: LabelSelector };
  podMonitorApps: string[];
  retention: { metrics: string; logs: string; traces: string };
}

/** Kubernetes name patterns, for areas that give a field its own message. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Prometheus duration: one or more `<int><unit>` with unit in y, w, d, h, m, s, ms. */
const PROM_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;
export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export const dnsLabel = z
  .string({ error: "expected a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)" })
  .max(63, { error: "expected a DNS-1123 label of at most 63 characters" })
  .regex(DNS1123_LABEL, {
    error: "expected a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)",
  });

export const dnsSubdomain = z
  .string({ error: "expected a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')" })
  .max(253, { error: "expected a DNS-1123 subdomain of at most 253 characters" })
  .regex(DNS1123_SUBDOMAIN, { error: "expected a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')" });

export const labelValue = z
  .string({ error: "expected a Kubernetes label value (at most 63 characters of letters, digits, '-', '_' and '.')" })
  .max(63, { error: "expected a Kubernetes label value of at most 63 characters" })
  .regex(LABEL_VALUE, {
    error: "expected a Kubernetes label value (letters, digits, '-', '_' and '.', starting and ending alphanumeric)",
  });

export const labelKey = z
  .string({ error: "expected a Kubernetes label key such as 'app' or 'example.com/team'" })
  .regex(QUALIFIED_NAME, { error: "expected a Kubernetes label key such as 'app' or 'example.com/team'" });

export const port = z
  .number({ error: "expected a port number from 1 to 65535" })
  .int({ error: "expected a port number from 1 to 65535" })
  .min(1, { error: "expected a port number from 1 to 65535" })
  .max(65535, { error: "expected a port number from 1 to 65535" });

/**
 * A Prometheus duration such as `example`; positive unless `allowZero` (an out-of-order window of `0s` turns it
 * off).
 */
export function promDurationForm(example: string, opts: { allowZero?: boolean } = {}) {
  const error = `expected a Prometheus duration such as ${example}`;
  const form = z.string({ error }).regex(PROM_DURATION, { error });
  return opts.allowZero
    ? form.refine((s) => s.length > 0, { error })
    : form.refine((s) => s.length > 0 && durationSeconds(s) > 0, { error: `expected a positive Prometheus duration such as ${example}` });
}

export const promDuration = promDurationForm("'15d', '12h' or '1w2d'");

/** An http(s) URL (see {@link isHttpUrl} for what `allow` admits), with the message `error`. */
export function httpUrlForm(error: string, allow: UrlParts = {}) {
  return z.string({ error }).refine((s) => isHttpUrl(s, allow), { error });
}

export const httpUrl = httpUrlForm("expected an http(s) URL such as 'https://datalayer.example.com'");

/** A StorageClass name (every volume, the gateway's queue). */
export const storageClassName = z
  .string({ error: "expected a StorageClass name" })
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: "expected a StorageClass name (DNS-1123 subdomain)" });

/** A non-empty credential: parsed as a string, then held as a Pulumi secret Output. */
export const secretString = z
  .string({ error: "expected a non-empty secret string (set it with `pulumi config set --secret`)" })
  .min(1, { error: "expected a non-empty secret string (set it with `pulumi config set --secret`)" })
  .refine((s) => s.trim().length > 0, { error: "expected a non-empty secret string, not only white space" })
  .transform((s) => pulumi.secret(s));

/** Parts of a URL that {@link isHttpUrl} rejects unless allowed. */
export interface UrlParts {
  readonly userInfo?: boolean;
  readonly query?: boolean;
  readonly fragment?: boolean;
}

/** An http(s) URL with a host; user info, a query and a fragment only where `allow` says so. */
export function isHttpUrl(s: string, allow: UrlParts = {}): boolean {
  try {
    const u = new URL(s);
    return (
      (u.protocol === "http:" || u.protocol === "https:") &&
      u.hostname.length > 0 &&
      (allow.userInfo === true || (!u.username && !u.password)) &&
      (allow.query === true || !u.search) &&
      (allow.fragment === true || !u.hash)
    );
  } catch {
    return false;
  }
}

const UNITS: Record<string, number> = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

/** Seconds in a Prometheus duration (`1w2d` → 777600). */
export function durationSeconds(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  return total;
}

/** Whole hours in a Prometheus duration, rounded up (Tempo takes hours). */
export function durationHours(d: string): number {
  return Math.ceil(durationSeconds(d) / 3600);
}

/**
 * The schema under its wrappers (optional, default, nullable, prefault, readonly, catch, and the
 * input side of a pipe such as a secret's transform): what config walkers descend into.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function unwrapSchema(schema: any): any {
  let cur = schema;
  for (;;) {
    const t = cur?.def?.type;
    if (t === "optional" || t === "default" || t === "nullable" || t === "prefault" || t === "readonly" || t === "catch") cur = cur.def.innerType;
    else if (t === "pipe") cur = cur.def.in;
    else return cur;
  }
}
