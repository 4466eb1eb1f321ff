/**
 * Runs a Pulumi program in-process under mocks and records every resource registration WITH its
 * options (parent, dependsOn, provider, retainOnDelete, protect, hooks, timeouts…), which plain
 * `setMocks` hides. See ../../../shared/notes/pulumi-offline-testing.md for the facts this relies on:
 * - options are only visible on the monitor's `registerResource` request, so we wrap it;
 * - the mock monitor lacks `registerResourceHook`: without a no-op one, a resource with a hook never
 *   finishes registering;
 * - the mock does not apply `additionalSecretOutputs`, so a RandomPassword's `result` is returned
 *   secret here exactly as the engine would.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedOptions {
  retainOnDelete: boolean;
  protect: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  customTimeouts?: { create?: string; update?: string; delete?: string };
  /** Hook names per event (beforeCreate, beforeDelete, …). */
  hooks: Record<string, string[]>;
  deletedWith?: string;
}

export interface Recorded {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  /** Inputs as the provider receives them (secrets unwrapped, see `secretPaths`). */
  inputs: Record<string, unknown>;
  /** URN of the parent (undefined only for the stack). */
  parent?: string;
  /** URNs this resource depends on (explicit dependsOn, components expanded, plus property dependencies). */
  dependencies: string[];
  /** URN of the provider reference used (custom resources only). */
  provider?: string;
  options: RecordedOptions;
  /** Set for resources read with `.get()` (existing objects the program only checks), with their id. */
  readId?: string;
}

export interface RunResult<T> {
  resources: Recorded[];
  /** The program's module exports (Outputs keep their secret flag). */
  exports: T;
}

/** Pulumi's wire encoding of a secret: `{ [SIG_KEY]: SECRET_SIG, value }` (runtime/rpc.js). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Deep-unwraps Pulumi's secret signature objects, recording where they were. */
export function unwrapSecrets(value: unknown, path = "", found: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, found));
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG && "value" in o) {
      found.push(path);
      return unwrapSecrets(o.value, path, found);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = unwrapSecrets(v, path ? `${path}.${k}` : k, found);
    return out;
  }
  return value;
}

interface PendingRecord {
  urn?: string;
  readId?: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  dependencies: string[];
  provider?: string;
  options: RecordedOptions;
}

/**
 * Runs `load` (which must `require` the program) under mocks with the given `observer:*` config.
 * Each call resets jest's module registry first, so every run gets fresh module instances (including
 * modules Pulumi loads lazily later) and runs do not leak into each other.
 */
export async function runProgram<T = Record<string, unknown>>(
  config: Record<string, string>,
  load: () => T,
  opts: { stack?: string; project?: string; preview?: boolean; env?: Record<string, string | undefined> } = {},
): Promise<RunResult<T>> {
  const project = opts.project ?? "observer";
  const stack = opts.stack ?? "dev";
  const byUrn = new Map<string, PendingRecord & { inputs?: Record<string, unknown> }>();
  const pendingByKey = new Map<string, PendingRecord>();
  const inputsByKey = new Map<string, Record<string, unknown>>();

  const savedEnv: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    savedEnv[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }

  let exportsOut: T | undefined;
  let loadError: unknown;
  try {
    jest.resetModules();
    await new Promise<void>((resolve, reject) => {
      {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const p: typeof pulumi = require("@pulumi/pulumi");
        p.runtime
          .setMocks(
            {
              newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
                const key = `${args.type}::${args.name}`;
                inputsByKey.set(key, args.inputs);
                const state: Record<string, unknown> = { ...args.inputs };
                if (args.type === "random:index/randomPassword:RandomPassword") {
                  // The engine applies additionalSecretOutputs: `result` is secret.
                  state.result = p.secret(`mock-password-${args.name}`);
                }
                if (args.type === "kubernetes:helm.sh/v3:Release") {
                  state.status = { name: args.inputs.name, namespace: args.inputs.namespace, status: "deployed" };
                }
                const id = args.type.startsWith("kubernetes:") ? `${(args.inputs.metadata as { namespace?: string })?.namespace ?? ""}/${args.name}` : `${args.name}-id`;
                return { id, state };
              },
              call(args: pulumi.runtime.MockCallArgs) {
                return args.inputs;
              },
            },
            project,
            stack,
            opts.preview ?? false,
          )
          .then(() => {
            p.runtime.setAllConfig(Object.fromEntries(Object.entries(config)), []);
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            const monitor: any = p.runtime.getMonitor();
            monitor.registerResourceHook = (_req: unknown, cb: (err: unknown, res: unknown) => void) => cb(null, {});
            monitor.registerErrorHook = (_req: unknown, cb: (err: unknown, res: unknown) => void) => cb(null, {});
            const original = monitor.registerResource.bind(monitor);
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            monitor.registerResource = (req: any, cb: (err: unknown, res: any) => void) => {
              const hooksMsg = req.getHooks?.();
              const hooks: Record<string, string[]> = {};
              if (hooksMsg) {
                for (const ev of ["beforeCreate", "afterCreate", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete", "onError"]) {
                  const getter = `get${ev[0]!.toUpperCase()}${ev.slice(1)}List`;
                  const list: string[] = typeof hooksMsg[getter] === "function" ? hooksMsg[getter]() : [];
                  if (list.length) hooks[ev] = list;
                }
              }
              const ct = req.getCustomtimeouts?.();
              const rec: PendingRecord = {
                type: req.getType(),
                name: req.getName(),
                custom: req.getCustom(),
                parent: req.getParent() || undefined,
                dependencies: req.getDependenciesList(),
                provider: req.getProvider() || undefined,
                options: {
                  retainOnDelete: !!req.getRetainondelete?.(),
                  protect: !!req.getProtect?.(),
                  deleteBeforeReplace: !!req.getDeletebeforereplace?.(),
                  ignoreChanges: req.getIgnorechangesList?.() ?? [],
                  additionalSecretOutputs: req.getAdditionalsecretoutputsList?.() ?? [],
                  ...(ct && (ct.getCreate() || ct.getUpdate() || ct.getDelete())
                    ? { customTimeouts: { create: ct.getCreate(), update: ct.getUpdate(), delete: ct.getDelete() } }
                    : {}),
                  hooks,
                  ...(req.getDeletedwith?.() ? { deletedWith: req.getDeletedwith() } : {}),
                },
              };
              pendingByKey.set(`${rec.type}::${rec.name}`, rec);
              original(req, (err: unknown, res: { getUrn(): string } | undefined) => {
                if (!err && res) {
                  rec.urn = res.getUrn();
                  byUrn.set(rec.urn, rec);
                }
                cb(err, res);
              });
            };
            const originalRead = monitor.readResource.bind(monitor);
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            monitor.readResource = (req: any, cb: (err: unknown, res: any) => void) => {
              const rec: PendingRecord = {
                type: req.getType(),
                name: req.getName(),
                custom: true,
                parent: req.getParent() || undefined,
                dependencies: req.getDependenciesList?.() ?? [],
                provider: req.getProvider() || undefined,
                readId: req.getId(),
                options: { retainOnDelete: false, protect: false, deleteBeforeReplace: false, ignoreChanges: [], additionalSecretOutputs: [], hooks: {} },
              };
              originalRead(req, (err: unknown, res: { getUrn(): string } | undefined) => {
                if (!err && res) {
                  rec.urn = res.getUrn();
                  byUrn.set(rec.urn, rec);
                }
                cb(err, res);
              });
            };
            try {
              exportsOut = load();
            } catch (e) {
              loadError = e;
            }
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const settings = require("@pulumi/pulumi/runtime/settings");
            return settings.waitForRPCs();
          })
          .then(() => resolve(), reject);
      }
    });
  } finally {
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const resources: Recorded[] = [];
  for (const rec of byUrn.values()) {
    const raw = inputsByKey.get(`${rec.type}::${rec.name}`) ?? {};
    resources.push({
      urn: rec.urn!,
      type: rec.type,
      name: rec.name,
      custom: rec.custom,
      inputs: raw,
      ...(rec.parent ? { parent: rec.parent } : {}),
      dependencies: rec.dependencies,
      ...(rec.provider ? { provider: rec.provider } : {}),
      options: rec.options,
      ...(rec.readId !== undefined ? { readId: rec.readId } : {}),
    });
  }
  if (loadError) {
    // The test can check that nothing was registered before the failure.
    if (loadError instanceof Error) Object.assign(loadError, { registered: resources });
    throw loadError;
  }
  return { resources, exports: exportsOut as T };
}

/** Resolves an Output's value and secret flag (under mocks). */
export async function outputValue<V>(o: pulumi.Output<V> | V): Promise<{ value: V; secret: boolean }> {
  if (!pulumi.Output.isInstance(o)) return { value: o as V, secret: false };
  const out = o as pulumi.Output<V>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const value = await (out as any).promise();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const secret = await (out as any).isSecret;
  return { value, secret: !!secret };
}

export function byType(resources: Recorded[], type: string): Recorded[] {
  return resources.filter((r) => r.type === type);
}

export function one(resources: Recorded[], type: string, name: string): Recorded {
  const found = resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    const names = resources.filter((r) => r.type === type).map((r) => r.name);
    throw new Error(`expected exactly one ${type} named ${name}; found ${found.length}. Names of that type: ${names.join(", ")}`);
  }
  return found[0]!;
}

/** The URN → resource map, to follow dependencies and parents. */
export function indexByUrn(resources: Recorded[]): Map<string, Recorded> {
  return new Map(resources.map((r) => [r.urn, r]));
}
