/**
 * What the lane reads off a live cluster after an operation: workload readiness, the operator's conditions,
 * pod-template fingerprints (to prove an update restarted nothing), and everything of ours left behind.
 */
import type { Kube, KubeObject } from "./kube";

/** Every Deployment, StatefulSet and DaemonSet of a namespace that is not fully ready, with why. */
export async function unreadyWorkloads(kube: Kube, namespace: string): Promise<string[]> {
  const problems: string[] = [];
  for (const d of await kube.list(`/apis/apps/v1/namespaces/${namespace}/deployments`)) {
    const want = d.spec.replicas ?? 1;
    if ((d.status?.readyReplicas ?? 0) < want || (d.status?.updatedReplicas ?? 0) < want) problems.push(`Deployment ${d.metadata.name}: ${d.status?.readyReplicas ?? 0}/${want} ready`);
  }
  for (const s of await kube.list(`/apis/apps/v1/namespaces/${namespace}/statefulsets`)) {
    const want = s.spec.replicas ?? 1;
    if ((s.status?.readyReplicas ?? 0) < want) problems.push(`StatefulSet ${s.metadata.name}: ${s.status?.readyReplicas ?? 0}/${want} ready`);
  }
  for (const ds of await kube.list(`/apis/apps/v1/namespaces/${namespace}/daemonsets`)) {
    const want = ds.status?.desiredNumberScheduled ?? 0;
    if (want === 0 || (ds.status?.numberReady ?? 0) < want) problems.push(`DaemonSet ${ds.metadata.name}: ${ds.status?.numberReady ?? 0}/${want} ready`);
  }
  return problems;
}

/** `type=status (reason)` for each condition of an object. */
export function conditions(obj: KubeObject | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of (obj?.status?.conditions ?? []) as Array<{ type: string; status: string; reason?: string }>) out[c.type] = c.status;
  return out;
}

/**
 * A fingerprint of every pod template in a namespace (Deployments, StatefulSets, DaemonSets): a workload whose
 * template changed has been (or is being) restarted.
 */
export async function podTemplates(kube: Kube, namespace: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const kind of ["deployments", "statefulsets", "daemonsets"]) {
    for (const w of await kube.list(`/apis/apps/v1/namespaces/${namespace}/${kind}`)) {
      out[`${kind}/${w.metadata.name}`] = JSON.stringify(w.spec.template);
    }
  }
  return out;
}

/** The keys whose value differs between two records (added and removed keys included). */
export function changedKeys(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => before[k] !== after[k]).sort();
}

/** The label every object Observer creates directly carries, and the labels its charts put on theirs. */
export const OURS_SELECTORS = ["app.kubernetes.io/managed-by=observer", "app.kubernetes.io/part-of=observer"];

/**
 * Cluster-scoped objects that belong to a stack installed in `namespace`: those with our labels, Helm's
 * release-namespace annotation pointing there, or a name starting with one of the release prefixes.
 */
export async function clusterScopedLeftovers(kube: Kube, namespace: string, namePrefixes: readonly string[]): Promise<string[]> {
  const kinds: Array<[string, string]> = [
    ["ClusterRole", "/apis/rbac.authorization.k8s.io/v1/clusterroles"],
    ["ClusterRoleBinding", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"],
    ["MutatingWebhookConfiguration", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations"],
    ["ValidatingWebhookConfiguration", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations"],
    ["CustomResourceDefinition", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"],
    ["PersistentVolume", "/api/v1/persistentvolumes"],
    ["Namespace", "/api/v1/namespaces"],
  ];
  const left: string[] = [];
  for (const [kind, p] of kinds) {
    for (const o of await kube.list(p)) {
      const labels = o.metadata.labels ?? {};
      const annotations = o.metadata.annotations ?? {};
      const ours =
        labels["app.kubernetes.io/managed-by"] === "observer" ||
        labels["app.kubernetes.io/part-of"] === "observer" ||
        annotations["meta.helm.sh/release-namespace"] === namespace ||
        (kind === "Namespace" && o.metadata.name === namespace) ||
        (kind === "PersistentVolume" && o.spec?.claimRef?.namespace === namespace && o.status?.phase === "Bound") ||
        namePrefixes.some((p) => o.metadata.name.startsWith(p)) ||
        (kind === "CustomResourceDefinition" && /\.(monitoring\.coreos\.com|opentelemetry\.io)$/.test(o.metadata.name));
      if (ours) left.push(`${kind} ${o.metadata.name}`);
    }
  }
  return left.sort();
}
