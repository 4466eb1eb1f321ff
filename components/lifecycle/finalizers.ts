/**
 * Finalizer cleanup for `pulumi destroy` (and for any CR deleted by an `up`): plain async functions over
 * {@link KubeApi}, called by the ResourceHooks in ./hooks.ts, unit-tested against a local HTTP server and
 * proven against a real API server by the real-engine lane (tests/engine).
 *
 * Why: the OpenTelemetry Operator puts `opentelemetrycollector.opentelemetry.io/finalizer` on a collector
 * and removes it once it has cleaned up after it. When the operator is not installed, scaled to zero,
 * crash-looping, or running but wedged (ready, yet not reconciling), nothing removes the finalizer and the
 * provider waits for the delete until its timeout (10 minutes per CR), then fails. Observer sets
 * `manager.createRbacPermissions: false`, so operator >= 0.142 normally adds no finalizer (PR #4574); the
 * cleanup still runs because a CR made under other settings or by another operator version must never make
 * `destroy` hang.
 *
 * What one CR's cleanup does ({@link cleanUpBeforeDelete}); it always ends with the hook deleting the CR itself,
 * in the background (see there why not the provider's foreground delete):
 * 1. Reads the CR. Gone or not ours (both labels of {@link ownedSelector}): nothing to do. No operator
 *    finalizer: deleted at once.
 * 2. Operator ready (its Deployment has a ready replica): deletes the CR itself (precondition: the uid read
 *    in 1) and gives the operator {@link DEFAULT_OPERATOR_GRACE_MS} to remove its finalizer. Gone in time:
 *    done, the operator did its own cleanup.
 * 3. Operator not ready, or still there after the grace: removes ONLY the operator's finalizers
 *    ({@link isOperatorFinalizer}; anyone else's stay) with a JSON patch whose `test` operations make the uid
 *    and the exact finalizer list preconditions (a changed object is re-read, never overwritten).
 * 4. When that patch is rejected because the operator's admission webhook cannot be called (its
 *    `failurePolicy: Fail` UPDATE webhooks reject even the patch that removes finalizers from an object being
 *    deleted, measured on a real API server), labels the CR's namespace with {@link WEBHOOK_BYPASS_LABEL}, which
 *    the operator's webhooks exclude by `namespaceSelector` (components/charts/opentelemetry-operator.ts),
 *    patches and deletes again, and removes the label in every case. No object of the operator release is touched.
 *
 * The operator release's own hook ({@link cleanUpOwnedBeforeOperatorDelete}) does steps 1, 3 and 4 for every
 * CR of ours still present, and only when the operator is not ready (a ready operator removes its own).
 *
 * Safety: only objects carrying both `app.kubernetes.io/managed-by=observer` and our stack label are touched
 * (the selector is sent to the server and checked again on every item). Every change is logged; nothing is
 * logged when there is nothing to do. A 404 means "nothing to do".
 */
import { MANAGED_BY, STACK_LABEL, WEBHOOK_BYPASS_LABEL } from "../labels";
import { KubeApiError, type CustomResourceRef, type JsonPatchOp, type KubeApi, type KubeObject } from "./kube-api";

/** Where messages about changes go (pulumi.log in the hooks, an array in tests). */
export interface Logger {
  info(message: string): void;
}

/**
 * True for a finalizer the OpenTelemetry Operator owns: its domain is `opentelemetry.io` or a subdomain
 * (`opentelemetrycollector.opentelemetry.io/finalizer`, and the same form for its other kinds). Nobody
 * else's finalizer is ever removed.
 */
export function isOperatorFinalizer(finalizer: string): boolean {
  const slash = finalizer.indexOf("/");
  if (slash < 0) return false;
  const domain = finalizer.slice(0, slash);
  return domain === "opentelemetry.io" || domain.endsWith(".opentelemetry.io");
}

/** Retries of the patch while the API server's namespace cache has not seen the bypass label yet (10 s in all). */
const BYPASS_RETRIES = 50;
const BYPASS_RETRY_MS = 200;

/** How long a ready operator is given to remove its own finalizer from a deleted CR. */
export const DEFAULT_OPERATOR_GRACE_MS = 20_000;

export interface OpenTelemetryKind {
  readonly kind: string;
  readonly group: "opentelemetry.io";
  readonly plural: string;
  /** Served versions, preferred first (the storage version first). */
  readonly versions: readonly string[];
}

/** Every OpenTelemetry Operator kind that can carry a finalizer of the operator, with its served versions (operator 0.158). */
export const OPENTELEMETRY_KINDS: readonly OpenTelemetryKind[] = [
  { kind: "OpenTelemetryCollector", group: "opentelemetry.io", plural: "opentelemetrycollectors", versions: ["v1beta1", "v1alpha1"] },
  { kind: "Instrumentation", group: "opentelemetry.io", plural: "instrumentations", versions: ["v1alpha1"] },
  { kind: "OpAMPBridge", group: "opentelemetry.io", plural: "opampbridges", versions: ["v1alpha1"] },
  { kind: "TargetAllocator", group: "opentelemetry.io", plural: "targetallocators", versions: ["v1alpha1"] },
];

/** The label selector that marks objects of this stack: `app.kubernetes.io/managed-by=observer,<STACK_LABEL>=<value>`. */
export function ownedSelector(stackLabel: string): string {
  return `${MANAGED_BY.key}=${MANAGED_BY.value},${STACK_LABEL}=${stackLabel}`;
}

/** True when the object carries both of our labels with the exact values. */
function isOwned(obj: KubeObject, stackLabel: string): boolean {
  const labels = obj.metadata?.labels ?? {};
  return labels[MANAGED_BY.key] === MANAGED_BY.value && labels[STACK_LABEL] === stackLabel;
}

/** One CR to clean before its delete. */
export interface CrTarget {
  readonly ref: CustomResourceRef;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** The operator Deployment whose readiness decides whether the operator is given time to clean up. */
export interface OperatorRef {
  readonly namespace: string;
  /** Deployment name: the operator chart's fullname (`RELEASES.opentelemetryOperator.fullname`). */
  readonly name: string;
}

/** What the operator looks like from the API: only a Deployment with a ready replica counts as running. */
export type OperatorState =
  | { readonly state: "ready"; readonly readyReplicas: number }
  | { readonly state: "not-installed" }
  | { readonly state: "no-ready-replica"; readonly replicas: number };

async function operatorState(api: KubeApi, operator: OperatorRef): Promise<OperatorState> {
  const d = await api.getDeployment(operator.namespace, operator.name);
  if (d === null) return { state: "not-installed" };
  const ready = Number(d.status?.readyReplicas ?? 0);
  const desired = Number(d.spec?.replicas ?? 1);
  return ready > 0 && desired > 0 ? { state: "ready", readyReplicas: ready } : { state: "no-ready-replica", replicas: desired };
}

function describeOperator(operator: OperatorRef, s: OperatorState): string {
  const what = `the OpenTelemetry Operator (Deployment ${operator.namespace}/${operator.name})`;
  switch (s.state) {
    case "not-installed":
      return `${what} is not installed`;
    case "no-ready-replica":
      return s.replicas === 0 ? `${what} is scaled to zero` : `${what} has no ready replica`;
    case "ready":
      return `${what} is ready but did not remove its finalizer`;
  }
}

export type CrCleanupResult =
  | { readonly action: "gone" }
  | { readonly action: "not-owned" }
  /** No finalizer of the operator: deleted at once, in the background. */
  | { readonly action: "deleted" }
  | { readonly action: "deleted-by-operator" }
  | { readonly action: "stripped"; readonly finalizers: readonly string[]; readonly bypassedWebhook: boolean };

export interface CleanupOptions {
  readonly operator: OperatorRef;
  readonly logger: Logger;
  /** When given, an object that does not carry both of our labels is left alone. */
  readonly stackLabel?: string;
  /** How long a ready operator gets to remove its finalizer. @default DEFAULT_OPERATOR_GRACE_MS */
  readonly graceMs?: number;
  /** Poll interval while waiting for the operator. @default 500 */
  readonly pollMs?: number;
  /** Sleep (tests make it instant). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Clock. @default Date.now */
  readonly now?: () => number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function name(kind: string, namespace: string | undefined, n: string | undefined): string {
  return `${kind} ${namespace ?? ""}${namespace ? "/" : ""}${n ?? "?"}`;
}

/** A rejection by an admission webhook that could not be called (`failed calling webhook`), as the API server words it. */
function isWebhookCallFailure(err: unknown): boolean {
  return err instanceof KubeApiError && /failed calling webhook/i.test(err.message);
}

/** A failed JSON patch `test` (the object changed since it was read): re-read and decide again. */
function isPreconditionFailure(err: unknown): boolean {
  return err instanceof KubeApiError && (err.status === 409 || err.status === 422) && /test|precondition|uid/i.test(err.message);
}

/** The JSON patch that removes the operator's finalizers, valid only for this uid and this exact finalizer list. */
function removeOperatorFinalizersPatch(obj: KubeObject): JsonPatchOp[] {
  const finalizers = obj.metadata?.finalizers ?? [];
  return [
    { op: "test", path: "/metadata/uid", value: obj.metadata?.uid },
    { op: "test", path: "/metadata/finalizers", value: finalizers },
    { op: "replace", path: "/metadata/finalizers", value: finalizers.filter((f) => !isOperatorFinalizer(f)) },
  ];
}

/**
 * Removes the operator's finalizers from one object (steps 3 and 4 of the module comment), then runs `then` (the
 * hook's own delete) while the webhook bypass, if it was needed, is still in place. Re-reads and retries when the
 * object changed in between; returns what was removed, or `null` when it is gone, no longer ours (another uid
 * under the same name), or carries no operator finalizer any more (`then` runs in that last case too).
 */
async function removeOperatorFinalizers(
  api: KubeApi,
  ref: CustomResourceRef,
  namespace: string,
  objName: string,
  read: KubeObject,
  opts: { stackLabel?: string; then?: () => Promise<unknown>; sleep?: (ms: number) => Promise<void> },
): Promise<{ finalizers: string[]; bypassedWebhook: boolean } | null> {
  const uid = read.metadata?.uid;
  const then = opts.then ?? (async () => undefined);
  let current: KubeObject | null = read;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (current === null || current.metadata?.uid !== uid) return null;
    if (opts.stackLabel !== undefined && !isOwned(current, opts.stackLabel)) return null;
    const ours = (current.metadata?.finalizers ?? []).filter(isOperatorFinalizer);
    if (ours.length === 0) {
      await then();
      return null;
    }
    const patch = removeOperatorFinalizersPatch(current);
    try {
      const patched = await api.jsonPatchCustomObject(ref, namespace, objName, patch);
      if (patched === null) return null;
      await then();
      return { finalizers: ours, bypassedWebhook: false };
    } catch (err) {
      if (isPreconditionFailure(err)) {
        current = await api.getCustomObject(ref, namespace, objName);
        continue;
      }
      if (!isWebhookCallFailure(err)) throw err;
    }
    // The operator's webhook cannot be called: exclude this namespace from it for the patch and the delete (the
    // garbage collector's own updates of a deleted object would be rejected too).
    await api.mergePatchNamespace(namespace, { metadata: { labels: { [WEBHOOK_BYPASS_LABEL]: "true" } } });
    try {
      // The API server evaluates the webhooks' namespaceSelector against its namespace cache, which sees the new
      // label a moment later (measured: tens of milliseconds to a second): retry while the webhook is still called.
      for (let wait = 0; ; wait++) {
        try {
          const patched = await api.jsonPatchCustomObject(ref, namespace, objName, patch);
          if (patched === null) return null;
          break;
        } catch (err) {
          if (!isWebhookCallFailure(err) || wait >= BYPASS_RETRIES) throw err;
          await (opts.sleep ?? realSleep)(BYPASS_RETRY_MS);
        }
      }
      await then();
      return { finalizers: ours, bypassedWebhook: true };
    } catch (err) {
      if (!isPreconditionFailure(err)) throw err;
      current = await api.getCustomObject(ref, namespace, objName);
    } finally {
      await api.mergePatchNamespace(namespace, { metadata: { labels: { [WEBHOOK_BYPASS_LABEL]: null } } });
    }
  }
  throw new Error(`${name("object", namespace, objName)} kept changing while its finalizers were being removed; giving up after 5 attempts`);
}

/**
 * Before one OpenTelemetry CR of ours is deleted (the `beforeDelete` hook of every collector and
 * Instrumentation): makes sure its delete cannot hang (module comment). The hook deletes the CR itself, with
 * background propagation and its uid as precondition: a foreground delete (the provider's) adds the
 * `foregroundDeletion` finalizer, which the garbage collector removes with an update that the operator's
 * `failurePolicy: Fail` webhook rejects while it cannot be called (seen on a real API server), so the object would
 * hang even without any finalizer of the operator. The provider's own delete then finds it gone.
 */
export async function cleanUpBeforeDelete(api: KubeApi, target: CrTarget, opts: CleanupOptions): Promise<CrCleanupResult> {
  const read = await api.getCustomObject(target.ref, target.namespace, target.name);
  if (read === null) return { action: "gone" };
  if (opts.stackLabel !== undefined && !isOwned(read, opts.stackLabel)) return { action: "not-owned" };
  const uid = read.metadata?.uid;
  const remove = () => api.deleteCustomObject(target.ref, target.namespace, target.name, { uid });
  if (!(read.metadata?.finalizers ?? []).some(isOperatorFinalizer)) {
    await remove();
    return { action: "deleted" };
  }

  const state = await operatorState(api, opts.operator);
  let current: KubeObject | null = read;
  if (state.state === "ready") {
    // Let the operator do its own cleanup, for a bounded time.
    const sleep = opts.sleep ?? realSleep;
    const now = opts.now ?? Date.now;
    const deadline = now() + (opts.graceMs ?? DEFAULT_OPERATOR_GRACE_MS);
    current = await remove();
    while (current !== null && current.metadata?.uid === uid && now() < deadline) {
      await sleep(opts.pollMs ?? 500);
      current = await api.getCustomObject(target.ref, target.namespace, target.name);
    }
    if (current === null || current.metadata?.uid !== uid) return { action: "deleted-by-operator" };
  }
  const removed = await removeOperatorFinalizers(api, target.ref, target.namespace, target.name, current, { ...opts, then: remove });
  if (removed === null) return { action: "gone" };
  opts.logger.info(
    `Removed finalizers [${removed.finalizers.join(", ")}] from ${name(target.kind, target.namespace, target.name)}: ` +
      `${describeOperator(opts.operator, state)}, so nothing would remove them` +
      (removed.bypassedWebhook ? ` (its admission webhook could not be called: namespace ${target.namespace} was excluded from it for the patch and the delete).` : "."),
  );
  return { action: "stripped", finalizers: removed.finalizers, bypassedWebhook: removed.bypassedWebhook };
}

export interface StrippedObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace: string;
  readonly name: string;
  readonly finalizers: readonly string[];
}

/**
 * Before the operator release (which owns the OpenTelemetry CRDs) is deleted: when the operator is not
 * ready, removes the operator's finalizers from every OpenTelemetry CR of this stack still present, in any
 * namespace (never anyone else's, never another finalizer). A ready operator is left to do it.
 *
 * Each kind is listed at its first served version; a kind whose CRD is gone is skipped.
 * @returns what was changed (empty when nothing was to do).
 */
export async function cleanUpOwnedBeforeOperatorDelete(
  api: KubeApi,
  opts: { stackLabel: string; operator: OperatorRef; logger: Logger; kinds?: readonly OpenTelemetryKind[] },
): Promise<StrippedObject[]> {
  if (opts.stackLabel.trim() === "") throw new Error("cleanUpOwnedBeforeOperatorDelete: an empty stack label would match too much");
  const state = await operatorState(api, opts.operator);
  if (state.state === "ready") return [];
  const selector = ownedSelector(opts.stackLabel);
  const changed: StrippedObject[] = [];
  for (const k of opts.kinds ?? OPENTELEMETRY_KINDS) {
    for (const version of k.versions) {
      const ref: CustomResourceRef = { group: k.group, version, plural: k.plural };
      const list = await api.listCustomObjects(ref, { labelSelector: selector });
      if (list === null) continue; // this version (or the whole CRD) is not served: try the next
      for (const obj of list) {
        const objName = obj.metadata?.name;
        const namespace = obj.metadata?.namespace;
        if (objName === undefined || namespace === undefined || !isOwned(obj, opts.stackLabel)) continue;
        if (!(obj.metadata?.finalizers ?? []).some(isOperatorFinalizer)) continue;
        const removed = await removeOperatorFinalizers(api, ref, namespace, objName, obj, { stackLabel: opts.stackLabel });
        if (removed === null) continue;
        opts.logger.info(
          `Removed finalizers [${removed.finalizers.join(", ")}] from ${name(k.kind, namespace, objName)} before the OpenTelemetry Operator release is removed: ` +
            `${describeOperator(opts.operator, state)}.`,
        );
        changed.push({ kind: k.kind, apiVersion: `${k.group}/${version}`, namespace, name: objName, finalizers: removed.finalizers });
      }
      break; // one served version lists every object of the kind
    }
  }
  return changed;
}

/**
 * The CR a `beforeDelete` hook fired for, from the hook's old outputs (or inputs): apiVersion, kind,
 * metadata.name and metadata.namespace. `undefined` for anything that is not an OpenTelemetry kind.
 */
export function crTargetFromResource(state: Record<string, unknown> | undefined): CrTarget | undefined {
  if (!state) return undefined;
  const apiVersion = typeof state.apiVersion === "string" ? state.apiVersion : undefined;
  const kind = typeof state.kind === "string" ? state.kind : undefined;
  const metadata = (state.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  if (!apiVersion || !kind || typeof metadata.name !== "string" || typeof metadata.namespace !== "string") return undefined;
  const [group, version] = apiVersion.split("/");
  const known = OPENTELEMETRY_KINDS.find((k) => k.kind === kind && k.group === group);
  if (!known || !version) return undefined;
  return { ref: { group: known.group, version, plural: known.plural }, kind, namespace: metadata.namespace, name: metadata.name };
}
