/**
 * Pre-flight check before stage 1 installs the Prometheus Operator CRDs through the
 * `prometheus-operator-crds` Helm release: when those CRDs already exist but do not belong to that
 * release (the datalayer-observer chart's CRDs carry no Helm ownership; another stack's
 * kube-prometheus-stack owns its own), Helm would fail half-way with "invalid ownership metadata".
 * This check fails first, with one message that names both ways out.
 */
import type { KubeApi, KubeObject } from "./kube-api";

/** API group of the Prometheus Operator CRDs. */
export const PROMETHEUS_OPERATOR_GROUP = "monitoring.coreos.com";

/** What Helm reads to decide a release owns an object. */
export const HELM_OWNERSHIP = {
  managedByLabel: "app.kubernetes.io/managed-by",
  managedByValue: "Helm",
  releaseNameAnnotation: "meta.helm.sh/release-name",
  releaseNamespaceAnnotation: "meta.helm.sh/release-namespace",
} as const;

/** Metadata of one existing CRD. */
export interface CrdMetadata {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface CrdRelease {
  /** Helm release name of the CRDs (`RELEASES.prometheusOperatorCrds.name`). */
  readonly releaseName: string;
  /** Namespace of that release (`observer:namespace`). */
  readonly namespace: string;
}

/** Who owns one CRD, in words. */
function ownerOf(crd: CrdMetadata): string {
  const l = crd.labels ?? {};
  const a = crd.annotations ?? {};
  const rel = a[HELM_OWNERSHIP.releaseNameAnnotation];
  const ns = a[HELM_OWNERSHIP.releaseNamespaceAnnotation];
  if (l[HELM_OWNERSHIP.managedByLabel] === HELM_OWNERSHIP.managedByValue && rel) {
    return `Helm release "${rel}"${ns ? ` in namespace "${ns}"` : ""}`;
  }
  if (l[HELM_OWNERSHIP.managedByLabel]) return `"${l[HELM_OWNERSHIP.managedByLabel]}" (no Helm release annotations)`;
  return "no Helm release (no ownership labels or annotations)";
}

/** True when Helm would accept `release` as the owner of this CRD. */
export function isOwnedByRelease(crd: CrdMetadata, release: CrdRelease): boolean {
  return (
    crd.labels?.[HELM_OWNERSHIP.managedByLabel] === HELM_OWNERSHIP.managedByValue &&
    crd.annotations?.[HELM_OWNERSHIP.releaseNameAnnotation] === release.releaseName &&
    crd.annotations?.[HELM_OWNERSHIP.releaseNamespaceAnnotation] === release.namespace
  );
}

/** The exact commands that hand the given CRDs over to our release. */
export function adoptionCommands(names: readonly string[], release: CrdRelease): string[] {
  const list = [...names].sort().join(" ");
  return [
    `kubectl label crd ${list} ${HELM_OWNERSHIP.managedByLabel}=${HELM_OWNERSHIP.managedByValue} --overwrite`,
    `kubectl annotate crd ${list} ${HELM_OWNERSHIP.releaseNameAnnotation}=${release.releaseName} ${HELM_OWNERSHIP.releaseNamespaceAnnotation}=${release.namespace} --overwrite`,
  ];
}

/**
 * Pure check. Given the Prometheus Operator CRDs that exist now, returns `undefined` when our
 * release can install or own them (none exist, or all already belong to it), else ONE message naming
 * the foreign CRDs, their owner, and the two ways out: mark them external, or adopt them.
 * CRDs of other API groups in `existing` are ignored.
 */
export function checkPrometheusCrdOwnership(existing: readonly CrdMetadata[], release: CrdRelease): string | undefined {
  const foreign = existing
    .filter((c) => c.name.endsWith(`.${PROMETHEUS_OPERATOR_GROUP}`))
    .filter((c) => !isOwnedByRelease(c, release))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (foreign.length === 0) return undefined;
  const lines = [
    `The Prometheus Operator CRDs already exist in this cluster but do not belong to the Helm release ` +
      `"${release.releaseName}" in namespace "${release.namespace}", so Observer will not install over them:`,
    ...foreign.map((c) => `  - ${c.name}: owned by ${ownerOf(c)}`),
    "Choose one way out:",
    "  1. Keep them as they are and let Observer use them (they must serve monitoring.coreos.com/v1):",
    "       pulumi config set --path observer:crds.prometheus external",
    `  2. Adopt them into Observer's "${release.releaseName}" release (Helm then upgrades them, and in the dev profile deletes them on destroy):`,
    ...adoptionCommands(
      foreign.map((c) => c.name),
      release,
    ).map((c) => `       ${c}`),
  ];
  if (foreign.some((c) => c.annotations?.[HELM_OWNERSHIP.releaseNameAnnotation])) {
    lines.push("  Adopting CRDs that another Helm release owns takes them from that release: prefer option 1 on a shared cluster.");
  }
  lines.push("Then run the deployment again.");
  return lines.join("\n");
}

/** Reads the metadata of the existing Prometheus Operator CRDs (one metadata-only list call). */
export async function listPrometheusOperatorCrds(api: KubeApi): Promise<CrdMetadata[]> {
  const all = await api.listCustomResourceDefinitionMetadata();
  return all
    .filter((o: KubeObject) => typeof o.metadata?.name === "string" && o.metadata.name.endsWith(`.${PROMETHEUS_OPERATOR_GROUP}`))
    .map((o) => ({
      name: o.metadata!.name!,
      ...(o.metadata?.labels ? { labels: o.metadata.labels } : {}),
      ...(o.metadata?.annotations ? { annotations: o.metadata.annotations } : {}),
    }));
}

/** The error thrown by the pre-flight (the ResourceHook fails the create with its message). */
export class CrdOwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrdOwnershipError";
  }
}

/** Lists the CRDs and throws {@link CrdOwnershipError} when they belong to someone else. */
export async function runPrometheusCrdPreflight(api: KubeApi, release: CrdRelease): Promise<void> {
  const message = checkPrometheusCrdOwnership(await listPrometheusOperatorCrds(api), release);
  if (message !== undefined) throw new CrdOwnershipError(message);
}
