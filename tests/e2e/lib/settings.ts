/**
 * Settings of the end-to-end suite: the opt-in environment variables, the Pulumi CLI version check,
 * and the e2e stack's config file. Pure (the caller does the I/O).
 */
import { parse, stringify } from "yaml";

/** Environment variables the suite reads. */
export const ENV = {
  /** Path to the kubeconfig of a DISPOSABLE cluster. Unset: the suite is skipped. */
  kubeconfig: "OBSERVER_E2E_KUBECONFIG",
  /** Context in that kubeconfig. Default: its current context. */
  context: "OBSERVER_E2E_CONTEXT",
  /** `dev` (default) or `prod`. */
  profile: "OBSERVER_E2E_PROFILE",
  /** Optional JSON file with extra stack config: `{"config": {"observer:key": value}, "secrets": {"observer:a.b": "value"}}`. */
  config: "OBSERVER_E2E_CONFIG",
  /** `1`: after a failure, leave the stack deployed (and its state) for inspection instead of destroying it. */
  keep: "OBSERVER_E2E_KEEP",
} as const;

/** Resource hooks and `destroy --run-program` need this CLI version. */
export const MIN_PULUMI_VERSION = "3.182.0";

export type Profile = "dev" | "prod";

export interface E2eSettings {
  readonly kubeconfig: string;
  readonly context?: string;
  readonly profile: Profile;
  readonly configFile?: string;
  readonly keepOnFailure: boolean;
  /** Stack name: `e2e-<profile>`; its settings file `Pulumi.e2e-<profile>.yaml` exists only during a run. */
  readonly stackName: string;
  /** Not the default namespace on purpose: a host or namespace spelled anywhere instead of read from config shows up. */
  readonly namespace: string;
  readonly clusterName: string;
}

export type E2eGate = { readonly enabled: false; readonly reason: string } | { readonly enabled: true; readonly settings: E2eSettings };

export const E2E_STACK_NAMESPACE = "observer-e2e-stack";
export const E2E_CLUSTER_NAME = "e2e-cluster";

/**
 * Decides whether the suite runs. Unset kubeconfig: disabled, with the reason to print. Set but
 * invalid values: throws (a typo must not silently skip or silently run something else).
 */
export function readGate(env: Readonly<Record<string, string | undefined>>): E2eGate {
  const kubeconfig = env[ENV.kubeconfig]?.trim();
  if (!kubeconfig) {
    return {
      enabled: false,
      reason: `${ENV.kubeconfig} is not set. The end-to-end suite deploys and destroys the whole stack, so it runs only against a disposable cluster named explicitly: ${ENV.kubeconfig}=/path/to/kubeconfig npm run test:e2e (tests/e2e/README.md).`,
    };
  }
  const profileRaw = env[ENV.profile]?.trim() || "dev";
  if (profileRaw !== "dev" && profileRaw !== "prod") throw new Error(`${ENV.profile} must be 'dev' or 'prod', got ${JSON.stringify(profileRaw)}`);
  const keepRaw = env[ENV.keep]?.trim() ?? "";
  if (!["", "0", "1", "true", "false"].includes(keepRaw)) throw new Error(`${ENV.keep} must be 1/true or 0/false, got ${JSON.stringify(keepRaw)}`);
  const context = env[ENV.context]?.trim();
  const configFile = env[ENV.config]?.trim();
  return {
    enabled: true,
    settings: {
      kubeconfig,
      ...(context ? { context } : {}),
      profile: profileRaw,
      ...(configFile ? { configFile } : {}),
      keepOnFailure: keepRaw === "1" || keepRaw === "true",
      stackName: `e2e-${profileRaw}`,
      namespace: E2E_STACK_NAMESPACE,
      clusterName: E2E_CLUSTER_NAME,
    },
  };
}

/** `v3.190.0`, `3.190.0-alpha.1+dirty` -> `[3, 190, 0]`. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/**
 * Why the Pulumi CLI cannot be used, or undefined when it can. `versionOutput` is what
 * `pulumi version` printed, or undefined when the command could not be run.
 */
export function pulumiCliProblem(versionOutput: string | undefined, min: string = MIN_PULUMI_VERSION): string | undefined {
  const install = "Install it: curl -fsSL https://get.pulumi.com | sh (or brew install pulumi/tap/pulumi), then make sure `pulumi` is on PATH.";
  if (versionOutput === undefined) return `The Pulumi CLI was not found on PATH. The e2e suite drives it through the Automation API and needs version >= ${min} (resource hooks, destroy --run-program). ${install}`;
  const v = parseVersion(versionOutput);
  const wanted = parseVersion(min) as [number, number, number];
  if (!v) return `Could not read the Pulumi CLI version from ${JSON.stringify(versionOutput.trim())}; need >= ${min}.`;
  if (compareVersions(v, wanted) < 0) return `The Pulumi CLI is ${v.join(".")}; the e2e suite needs >= ${min} (resource hooks, destroy --run-program). ${install}`;
  return undefined;
}

/** Extra config file (OBSERVER_E2E_CONFIG): plain values and secrets (set with `--secret --path`). */
export interface ExtraConfig {
  readonly config: Record<string, unknown>;
  readonly secrets: Record<string, string>;
}

export function parseExtraConfig(text: string, source: string): ExtraConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const o = raw as { config?: unknown; secrets?: unknown };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`${source}: expected {"config": {...}, "secrets": {...}}`);
  const unknownKeys = Object.keys(o).filter((k) => k !== "config" && k !== "secrets");
  if (unknownKeys.length) throw new Error(`${source}: unknown top-level keys ${unknownKeys.join(", ")} (expected config, secrets)`);
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (o.config !== undefined && !isRecord(o.config)) throw new Error(`${source}: "config" must be an object of "namespace:key": value`);
  if (o.secrets !== undefined && !isRecord(o.secrets)) throw new Error(`${source}: "secrets" must be an object of "namespace:key.path": "string"`);
  const keyForm = /^[A-Za-z0-9_-]+:[^\s]+$/;
  for (const k of [...Object.keys(o.config ?? {}), ...Object.keys(o.secrets ?? {})]) {
    if (!keyForm.test(k)) throw new Error(`${source}: config key ${JSON.stringify(k)} must be namespaced, e.g. "observer:retention"`);
  }
  for (const [k, v] of Object.entries(o.secrets ?? {})) {
    if (typeof v !== "string") throw new Error(`${source}: secret ${k} must be a string`);
  }
  return { config: { ...((o.config as Record<string, unknown>) ?? {}) }, secrets: { ...((o.secrets as Record<string, string>) ?? {}) } };
}

/**
 * The e2e stack's settings file: what `pulumi stack init` wrote (its `encryptionsalt` is kept), plus
 * the plain config of the profile's own stack file (`Pulumi.<profile>.yaml`: only its `config:`, never
 * its secrets-provider keys; `secure:` values are encrypted for that stack and are dropped, and
 * reported), plus `overrides`, which win.
 */
export function e2eStackFile(
  initFileText: string,
  profileFileText: string | undefined,
  overrides: Readonly<Record<string, unknown>>,
): { text: string; droppedSecureKeys: string[] } {
  const init = (parse(initFileText) ?? {}) as Record<string, unknown>;
  const profile = (profileFileText ? parse(profileFileText) ?? {} : {}) as { config?: Record<string, unknown> };
  const dropped: string[] = [];
  const fromProfile: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(profile.config ?? {})) {
    if (v && typeof v === "object" && !Array.isArray(v) && "secure" in v) dropped.push(k);
    else fromProfile[k] = v;
  }
  const config = { ...((init.config as Record<string, unknown> | undefined) ?? {}), ...fromProfile, ...overrides };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(init)) if (k !== "config") out[k] = v;
  out.config = config;
  return { text: stringify(out), droppedSecureKeys: dropped };
}

/** A random passphrase for the throwaway e2e stack (never the documented dev passphrase). */
export function e2ePassphrase(randomHex: string): string {
  if (!/^[0-9a-f]{32,}$/.test(randomHex)) throw new Error("expected at least 32 random hex digits");
  return `observer-e2e-${randomHex}`;
}
