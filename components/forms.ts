/**
 * Field forms shared by every config area (core and components/<area>/config.ts), each with the
 * human description used in error messages. No imports of the areas: they import this file, so
 * there is no cycle.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** One problem with the config: the key path (`observer:a.b`) and the form it expects. */
export interface ConfigProblem {
  /** Key path as the user writes it with `pulumi config set --path`, e.g. `observer:kernels.metricsPort`. */
  readonly path: string;
  readonly message: string;
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

export const promDuration = z
  .string({ error: "expected a Prometheus duration such as '15d', '12h' or '1w2d'" })
  .regex(PROM_DURATION, { error: "expected a Prometheus duration such as '15d', '12h' or '1w2d'" })
  .refine((s) => s.length > 0 && durationSeconds(s) > 0, {
    error: "expected a positive Prometheus duration such as '15d', '12h' or '1w2d'",
  });

export const httpUrl = z
  .string({ error: "expected an http(s) URL such as 'https://datalayer.example.com'" })
  .refine(isHttpUrl, { error: "expected an http(s) URL such as 'https://datalayer.example.com'" });

/** A non-empty credential: parsed as a string, then held as a Pulumi secret Output. */
export const secretString = z
  .string({ error: "expected a non-empty secret string (set it with `pulumi config set --secret`)" })
  .min(1, { error: "expected a non-empty secret string (set it with `pulumi config set --secret`)" })
  .refine((s) => s.trim().length > 0, { error: "expected a non-empty secret string, not only white space" })
  .transform((s) => pulumi.secret(s));


export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0 && !u.username && !u.password && !u.search && !u.hash;
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
