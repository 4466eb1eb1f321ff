/**
 * Least-privilege RBAC for the collectors' k8sattributes processor: get/list/watch on pods,
 * namespaces, nodes and apps/replicasets, nothing else (opentelemetry-operator#2823 shows the
 * replicasets rule is needed). Pure builders of the object bodies.
 */
import { SERVICE_ACCOUNTS } from "./common";

const READ_VERBS = ["get", "list", "watch"] as const;

/** Cluster-scoped names must not collide between two installs: they carry the namespace. */
function clusterRoleName(namespace: string): string {
  return `observer-collectors-${namespace}`;
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export function collectorClusterRoleRules(): PolicyRule[] {
  return [
    { apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: [...READ_VERBS] },
    { apiGroups: ["apps"], resources: ["replicasets"], verbs: [...READ_VERBS] },
  ];
}

export function serviceAccountBody(name: string, namespace: string, labels: Record<string, string>) {
  return {
    metadata: { name, namespace, labels: { ...labels } },
    // The collectors talk to the API through the token: k8sattributes needs it.
    automountServiceAccountToken: true,
  };
}

export function clusterRoleBody(namespace: string, labels: Record<string, string>) {
  return { metadata: { name: clusterRoleName(namespace), labels: { ...labels } }, rules: collectorClusterRoleRules() };
}

/** One binding of the ClusterRole to both collector ServiceAccounts. */
export function clusterRoleBindingBody(namespace: string, labels: Record<string, string>) {
  return {
    metadata: { name: clusterRoleName(namespace), labels: { ...labels } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRoleName(namespace) },
    subjects: [SERVICE_ACCOUNTS.gateway, SERVICE_ACCOUNTS.agent].map((name) => ({ kind: "ServiceAccount", name, namespace })),
  };
}
