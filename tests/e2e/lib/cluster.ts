/**
 * Checks over Kubernetes objects as `kubectl get -o json` returns them: pods ready, collectors ready,
 * nothing terminating, CRDs and namespace kept or removed after destroy. Pure: each returns the list
 * of problems (empty = fine), phrased for a failure message.
 */

export interface KubeMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  items: T[];
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
}

const qualified = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

function conditions(o: KubeObject): Condition[] {
  return ((o.status?.conditions as Condition[] | undefined) ?? []).filter((c) => c && typeof c.type === "string");
}

/**
 * Pods that are not ready. A pod is fine when it Succeeded (a completed Job or hook) or is Running
 * with condition Ready=True. Anything else is reported with its phase and waiting/terminated reasons.
 */
export function podProblems(list: KubeList): string[] {
  const problems: string[] = [];
  for (const pod of list.items) {
    const phase = (pod.status?.phase as string | undefined) ?? "Unknown";
    if (pod.metadata.deletionTimestamp) {
      problems.push(`${qualified(pod)}: terminating`);
      continue;
    }
    if (phase === "Succeeded") continue;
    const ready = conditions(pod).find((c) => c.type === "Ready")?.status === "True";
    if (phase === "Running" && ready) continue;
    const containers = [
      ...((pod.status?.initContainerStatuses as ContainerStatus[] | undefined) ?? []),
      ...((pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? []),
    ]
      .filter((c) => !c.ready)
      .map((c) => {
        const why = c.state?.waiting?.reason ?? (c.state?.terminated ? `terminated ${c.state.terminated.reason ?? ""} exit ${c.state.terminated.exitCode ?? "?"}` : "not ready");
        return `${c.name}=${why.trim()}${c.restartCount ? ` (restarts ${c.restartCount})` : ""}`;
      });
    problems.push(`${qualified(pod)}: phase ${phase}, ready ${ready}${containers.length ? `; ${containers.join(", ")}` : ""}`);
  }
  return problems;
}

/** `"2/3"` -> `[2, 3]`; undefined when absent or malformed. */
export function parseStatusReplicas(s: unknown): [number, number] | undefined {
  if (typeof s !== "string") return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(s);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * OpenTelemetryCollectors that are missing or not ready. Ready means what operator 0.158 reports
 * (internal/status/collector): condition `Ready` = True for the current generation (reconciled), and
 * `status.scale.statusReplicas` = `<ready>/<desired>` with ready = desired >= 1 (Deployment and
 * StatefulSet: readyReplicas/replicas; DaemonSet: numberReady/desiredNumberScheduled).
 */
export function collectorProblems(list: KubeList, expectedNames: readonly string[]): string[] {
  const problems: string[] = [];
  for (const name of expectedNames) {
    const c = list.items.find((i) => i.metadata.name === name);
    if (!c) {
      problems.push(`${name}: no OpenTelemetryCollector of that name (found: ${list.items.map((i) => i.metadata.name).join(", ") || "none"})`);
      continue;
    }
    const ready = conditions(c).find((x) => x.type === "Ready");
    if (ready?.status !== "True") {
      problems.push(`${name}: condition Ready is ${ready ? `${ready.status} (${ready.reason ?? ""}: ${ready.message ?? ""})` : "absent"}`);
    } else if (
      ready.observedGeneration !== undefined &&
      c.metadata.generation !== undefined &&
      ready.observedGeneration !== c.metadata.generation
    ) {
      problems.push(`${name}: condition Ready is for generation ${ready.observedGeneration}, the object is at ${c.metadata.generation}`);
    }
    const scale = (c.status?.scale ?? {}) as { statusReplicas?: unknown };
    const r = parseStatusReplicas(scale.statusReplicas);
    if (!r) problems.push(`${name}: status.scale.statusReplicas is ${JSON.stringify(scale.statusReplicas)}`);
    else if (r[1] < 1 || r[0] !== r[1]) problems.push(`${name}: ${r[0]}/${r[1]} replicas ready`);
  }
  return problems;
}

/** Objects with a deletion timestamp (stuck or still terminating), with their finalizers. */
export function terminating(list: KubeList): string[] {
  return list.items
    .filter((o) => o.metadata.deletionTimestamp)
    .map((o) => `${o.kind ?? "object"} ${qualified(o)} terminating since ${o.metadata.deletionTimestamp} (finalizers: ${(o.metadata.finalizers ?? []).join(", ") || "none"})`);
}

/** API groups whose CRDs the stack installs (Prometheus Operator CRD chart; OpenTelemetry Operator chart). */
export const STACK_CRD_GROUPS = ["monitoring.coreos.com", "opentelemetry.io"] as const;

/** CRDs that must survive `destroy` in prod (deleting a CRD deletes every object of its kind in the cluster). */
export const PROD_KEPT_CRDS: readonly string[] = [
  "alertmanagerconfigs.monitoring.coreos.com",
  "alertmanagers.monitoring.coreos.com",
  "podmonitors.monitoring.coreos.com",
  "probes.monitoring.coreos.com",
  "prometheusagents.monitoring.coreos.com",
  "prometheuses.monitoring.coreos.com",
  "prometheusrules.monitoring.coreos.com",
  "scrapeconfigs.monitoring.coreos.com",
  "servicemonitors.monitoring.coreos.com",
  "thanosrulers.monitoring.coreos.com",
  "instrumentations.opentelemetry.io",
  "opentelemetrycollectors.opentelemetry.io",
];

function stackCrds(crds: KubeList): KubeObject[] {
  return crds.items.filter((c) => (STACK_CRD_GROUPS as readonly string[]).includes(String(c.spec?.group ?? "")));
}

/** Before `up`: the cluster must not already hold the stack's namespace or CRDs (the suite needs an empty cluster). */
export function preflightProblems(namespace: string, namespaces: KubeList, crds: KubeList): string[] {
  const problems: string[] = [];
  if (namespaces.items.some((n) => n.metadata.name === namespace)) problems.push(`namespace ${namespace} already exists`);
  const present = stackCrds(crds).map((c) => c.metadata.name);
  if (present.length) problems.push(`CRDs of ${STACK_CRD_GROUPS.join(" / ")} already installed: ${present.sort().join(", ")}`);
  return problems;
}

/**
 * After `destroy`: prod keeps the namespace (Active, no pods left) and {@link PROD_KEPT_CRDS}; dev
 * removes the namespace and every CRD of {@link STACK_CRD_GROUPS}. Nothing may be terminating.
 */
export function afterDestroyProblems(
  profile: "dev" | "prod",
  namespace: string,
  state: { namespaces: KubeList; crds: KubeList; podsInNamespace: KubeList },
): string[] {
  const problems: string[] = [];
  const ns = state.namespaces.items.find((n) => n.metadata.name === namespace);
  const crds = stackCrds(state.crds);
  problems.push(...terminating({ items: crds.map((c) => ({ ...c, kind: "CustomResourceDefinition" })) }));
  if (profile === "prod") {
    if (!ns) problems.push(`prod: namespace ${namespace} was removed; it must be kept (it holds the PVCs)`);
    else if (ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating") problems.push(`prod: namespace ${namespace} is terminating; it must be kept`);
    const names = new Set(crds.map((c) => c.metadata.name));
    const missing = PROD_KEPT_CRDS.filter((n) => !names.has(n));
    if (missing.length) problems.push(`prod: CRDs removed but they must be kept: ${missing.join(", ")}`);
    const pods = state.podsInNamespace.items.map((p) => p.metadata.name);
    if (pods.length) problems.push(`prod: pods left in ${namespace}: ${pods.join(", ")}`);
  } else {
    if (ns) problems.push(`dev: namespace ${namespace} still exists (phase ${String(ns.status?.phase ?? "?")}); it must be removed`);
    if (crds.length) problems.push(`dev: CRDs still installed: ${crds.map((c) => c.metadata.name).sort().join(", ")}`);
  }
  return problems;
}

/** Job state from its status: `running`, `succeeded` or `failed` (with the reason). */
export function jobState(job: KubeObject): { state: "running" | "succeeded" | "failed"; reason?: string } {
  const cs = conditions(job);
  const failed = cs.find((c) => c.type === "Failed" && c.status === "True");
  if (failed) return { state: "failed", reason: `${failed.reason ?? ""}: ${failed.message ?? ""}` };
  if (cs.some((c) => c.type === "Complete" && c.status === "True")) return { state: "succeeded" };
  return { state: "running" };
}

/** Counts from an OTLP/HTTP response body printed by the sender that report rejected items. */
export function otlpRejections(output: string): string[] {
  const found: string[] = [];
  const re = /"(rejected(?:Spans|DataPoints|LogRecords))"\s*:\s*"?(\d+)"?/g;
  for (let m = re.exec(output); m; m = re.exec(output)) if (Number(m[2]) > 0) found.push(`${m[1]}=${m[2]}`);
  return found;
}
