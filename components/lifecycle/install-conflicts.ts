/**
 * One Observer per cluster. The charts create cluster-scoped objects with fixed names (ClusterRoles and their
 * bindings, admission webhook configurations, CRDs); a second Observer in another namespace would collide on
 * every one of them (Helm refuses objects another release owns, half-way through an install), and two copies of
 * the Prometheus and OpenTelemetry operators would fight over the same custom resources anyway. So before
 * anything is created, a pre-flight (`beforeCreate` hook of the namespace, also run on preview) lists the
 * cluster-scoped objects this install would own and refuses, naming each one, when any exists and belongs to
 * someone else. The table below is checked against what the pinned charts render (tests/contract).
 */
import { CHART_SPECS } from "../charts";
import type { ClusterScopedObject as ChartObject } from "../charts/spec";
import { RELEASES } from "../endpoints";
import type { ChartKey } from "../versions";
import type { KubeApi, KubeObject } from "./kube-api";
import { HELM_OWNERSHIP } from "./preflight";

/** A cluster-scoped object a release of ours creates (its chart's spec lists it, components/charts/). */
export interface ClusterScopedObject extends ChartObject {
  /** The Helm release that owns it (in `observer:namespace`). */
  readonly release: string;
}

const API_PATHS: Record<ClusterScopedObject["kind"], string> = {
  ClusterRole: "/apis/rbac.authorization.k8s.io/v1/clusterroles",
  ClusterRoleBinding: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
  MutatingWebhookConfiguration: "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
  ValidatingWebhookConfiguration: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
  CustomResourceDefinition: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
};

export function apiPathOf(o: Pick<ClusterScopedObject, "kind" | "name">): string {
  return `${API_PATHS[o.kind]}/${encodeURIComponent(o.name)}`;
}

/**
 * Every cluster-scoped object the stage-2 releases create, from their specs (the Prometheus Operator CRDs of stage 1
 * have their own pre-flight, ./preflight.ts, and an `external` mode). Observer's own collector ClusterRole is named
 * after the namespace and cannot collide.
 */
export function clusterScopedObjects(): ClusterScopedObject[] {
  return (Object.keys(CHART_SPECS) as ChartKey[])
    .filter((key) => CHART_SPECS[key].stage === 2)
    .flatMap((key) => (CHART_SPECS[key].clusterScoped ?? []).map((o) => ({ ...o, release: RELEASES[key].name })));
}

/** Who owns an existing object, in words, when it is not ours to take; undefined when Helm would let our release own it. */
export function foreignOwner(existing: KubeObject, expected: ClusterScopedObject, namespace: string): string | undefined {
  const a = existing.metadata?.annotations ?? {};
  const l = existing.metadata?.labels ?? {};
  const rel = a[HELM_OWNERSHIP.releaseNameAnnotation];
  const relNs = a[HELM_OWNERSHIP.releaseNamespaceAnnotation];
  if (rel === expected.release && relNs === namespace) return undefined;
  if (rel) return `Helm release "${rel}" in namespace "${relNs ?? "?"}"`;
  if (l[HELM_OWNERSHIP.managedByLabel]) return `"${l[HELM_OWNERSHIP.managedByLabel]}" (no Helm release annotations)`;
  return "nobody known (no Helm release annotations)";
}

class InstallConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InstallConflictError";
  }
}

/** The refusal, naming every conflicting object and its owner; undefined when there is none. */
export function installConflictMessage(conflicts: ReadonlyArray<{ object: ClusterScopedObject; owner: string }>, namespace: string): string | undefined {
  if (conflicts.length === 0) return undefined;
  const namespaces = [...new Set(conflicts.map((c) => /in namespace "([^"]+)"/.exec(c.owner)?.[1]).filter((n): n is string => !!n))];
  return [
    `Observer cannot be installed in namespace "${namespace}": ${conflicts.length} cluster-wide object(s) it would own already belong to someone else` +
      (namespaces.length ? ` (another Observer or these charts in namespace ${namespaces.map((n) => `"${n}"`).join(", ")})` : "") +
      ":",
    ...conflicts.map((c) => `  - ${c.object.kind} ${c.object.name}: owned by ${c.owner}`),
    "Observer installs cluster-wide RBAC, admission webhooks and CRDs with fixed names, and its operators watch the",
    "whole cluster: there is one Observer per cluster. Use the existing one (deploy to its namespace), or remove it",
    "first (`npm run destroy` on its stack). Nothing was created.",
  ].join("\n");
}

/** Reads each object of {@link clusterScopedObjects} and throws {@link InstallConflictError} listing those owned elsewhere. */
export async function runInstallConflictPreflight(api: KubeApi, namespace: string): Promise<void> {
  const conflicts: Array<{ object: ClusterScopedObject; owner: string }> = [];
  for (const object of clusterScopedObjects()) {
    const existing = await api.getObject(apiPathOf(object));
    if (existing === null) continue;
    const owner = foreignOwner(existing, object, namespace);
    if (owner !== undefined) conflicts.push({ object, owner });
  }
  const message = installConflictMessage(conflicts, namespace);
  if (message !== undefined) throw new InstallConflictError(message);
}
