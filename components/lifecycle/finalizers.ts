/**
 * Finalizer cleanup for `pulumi destroy`: plain async functions over {@link KubeApi}, called by the
 * ResourceHooks in ./hooks.ts and tested directly against a local HTTP server.
 *
 * Why: the OpenTelemetry Operator puts `opentelemetrycollector.opentelemetry.io/finalizer` on a
 * collector CR and removes it when it has cleaned up the cluster-scoped RBAC it made for it. If the
 * operator is gone (or not ready) when the CR is deleted, nothing removes the finalizer and the
 * delete hangs — the chart this project replaces needed manual `kubectl patch` edits to uninstall.
 *
 * Note: operator >= 0.142 adds that finalizer ONLY when it manages RBAC itself
 * (`manager.createRbacPermissions: true`, opentelemetry-operator PR #4574). Observer sets
 * `createRbacPermissions: false` (the collectors get least-privilege ClusterRoles from us), so with
 * our settings the CRs normally carry no finalizer and these functions do nothing. They still run:
 * a CR created under an earlier setting, another operator version, or another finalizer must never
 * make `destroy` hang.
 *
 * Safety: only objects carrying BOTH `app.kubernetes.io/managed-by=observer` and our stack label
 * (components/labels.ts) are touched; the label selector is sent to the server AND checked again on
 * every returned item. Idempotent: objects without finalizers are not patched. Every change is
 * logged; nothing is logged when there is nothing to do. A 404 (CRD gone, version not served, object
 * deleted between list and patch) means "nothing to do".
 */
import { MANAGED_BY, STACK_LABEL } from "../labels";
import type { CustomResourceRef, KubeApi, KubeObject } from "./kube-api";

/** Where messages about changes go (pulumi.log in the hooks, an array in tests). */
export interface Logger {
  info(message: string): void;
}

/** The finalizer the OpenTelemetry Operator adds to collectors when it manages RBAC itself. */
export const COLLECTOR_FINALIZER = "opentelemetrycollector.opentelemetry.io/finalizer";

/**
 * The merge patch that removes every finalizer. JSON merge patch (RFC 7386) deletes a key set to
 * `null`, so `metadata.finalizers` disappears whatever it held; `[]` would do the same on the server
 * but `null` also survives a client that drops empty arrays.
 */
export const STRIP_FINALIZERS_PATCH = { metadata: { finalizers: null } } as const;

export interface OpenTelemetryKind {
  readonly kind: string;
  readonly group: "opentelemetry.io";
  readonly plural: string;
  /** Served versions, preferred first (the storage version first). */
  readonly versions: readonly string[];
}

/** Every OpenTelemetry Operator kind that can carry a finalizer of ours, with its served versions (operator 0.158). */
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
export function isOwned(obj: KubeObject, stackLabel: string): boolean {
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

/** The operator Deployment whose readiness decides whether finalizers would be served. */
export interface OperatorRef {
  readonly namespace: string;
  /** Deployment name: the operator chart's fullname (`RELEASES.opentelemetryOperator.fullname`). */
  readonly name: string;
}

export type CrCleanupResult =
  | { readonly action: "operator-ready"; readonly readyReplicas: number }
  | { readonly action: "gone" }
  | { readonly action: "no-finalizers" }
  | { readonly action: "not-owned" }
  | { readonly action: "stripped"; readonly finalizers: readonly string[] };

function describe(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind} ${namespace ?? ""}${namespace ? "/" : ""}${name ?? "?"}`;
}

/**
 * Before one OpenTelemetry CR of ours is deleted: when the operator Deployment has no ready replica
 * (missing, scaled to zero, crash-looping), strip the CR's finalizers so the delete cannot hang.
 * When the operator is ready it is left to do its own cleanup (it removes its finalizer itself).
 *
 * @param stackLabel when given, a CR that does not carry both of our labels is left alone.
 */
export async function stripFinalizersIfOperatorDown(
  api: KubeApi,
  target: CrTarget,
  opts: { operator: OperatorRef; logger: Logger; stackLabel?: string },
): Promise<CrCleanupResult> {
  const deployment = await api.getDeployment(opts.operator.namespace, opts.operator.name);
  const ready = Number(deployment?.status?.readyReplicas ?? 0);
  if (deployment !== null && ready > 0) return { action: "operator-ready", readyReplicas: ready };

  const current = await api.getCustomObject(target.ref, target.namespace, target.name);
  if (current === null) return { action: "gone" };
  if (opts.stackLabel !== undefined && !isOwned(current, opts.stackLabel)) return { action: "not-owned" };
  const finalizers = current.metadata?.finalizers ?? [];
  if (finalizers.length === 0) return { action: "no-finalizers" };

  const patched = await api.mergePatchCustomObject(target.ref, target.namespace, target.name, STRIP_FINALIZERS_PATCH);
  if (patched === null) return { action: "gone" };
  const why = deployment === null ? "is not installed" : "has no ready replica";
  opts.logger.info(
    `Removed finalizers [${finalizers.join(", ")}] from ${describe(target.kind, target.namespace, target.name)}: ` +
      `the OpenTelemetry Operator (Deployment ${opts.operator.namespace}/${opts.operator.name}) ${why}, so nothing would remove them.`,
  );
  return { action: "stripped", finalizers };
}

export interface StrippedObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespace?: string;
  readonly name: string;
  readonly finalizers: readonly string[];
}

/**
 * Before the operator release (which owns the OpenTelemetry CRDs) is deleted: strip the finalizers
 * of every OpenTelemetry CR still present, in any namespace, that carries BOTH
 * `app.kubernetes.io/managed-by=observer` and `<STACK_LABEL>=<stackLabel>` — never anyone else's.
 *
 * Each kind is listed at its first served version (v1beta1, then v1alpha1 for collectors); a kind
 * whose CRD is gone is skipped. Objects deleted between the list and the patch are skipped.
 * @returns what was changed (empty when nothing was to do).
 */
export async function stripOwnedOpenTelemetryFinalizers(
  api: KubeApi,
  opts: { stackLabel: string; logger: Logger; kinds?: readonly OpenTelemetryKind[] },
): Promise<StrippedObject[]> {
  if (opts.stackLabel.trim() === "") throw new Error("stripOwnedOpenTelemetryFinalizers: an empty stack label would match too much");
  const selector = ownedSelector(opts.stackLabel);
  const changed: StrippedObject[] = [];
  for (const k of opts.kinds ?? OPENTELEMETRY_KINDS) {
    for (const version of k.versions) {
      const ref: CustomResourceRef = { group: k.group, version, plural: k.plural };
      const list = await api.listCustomObjects(ref, { labelSelector: selector });
      if (list === null) continue; // this version (or the whole CRD) is not served: try the next
      for (const obj of list) {
        const finalizers = obj.metadata?.finalizers ?? [];
        const name = obj.metadata?.name;
        const namespace = obj.metadata?.namespace;
        if (finalizers.length === 0 || name === undefined || !isOwned(obj, opts.stackLabel)) continue;
        const patched = namespace
          ? await api.mergePatchCustomObject(ref, namespace, name, STRIP_FINALIZERS_PATCH)
          : null;
        if (patched === null) continue; // deleted meanwhile (or not namespaced, which these kinds never are)
        opts.logger.info(
          `Removed finalizers [${finalizers.join(", ")}] from ${describe(k.kind, namespace, name)} before the OpenTelemetry Operator is removed.`,
        );
        changed.push({ kind: k.kind, apiVersion: `${k.group}/${version}`, namespace, name, finalizers });
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
