/**
 * Pod and container hardening defaults, as plain values for the chart values builders
 * (components/charts/*) and the collectors helper (components/collectors/*) to apply.
 *
 * The default is the Kubernetes "restricted" Pod Security Standard plus a read-only root
 * filesystem: non-root, no privilege escalation, every capability dropped, RuntimeDefault seccomp.
 * Components that write (Prometheus TSDB, Loki, Tempo, Grafana, collectors' file storage) get an
 * emptyDir or PVC mounted where they write, never a writable root filesystem.
 *
 * Exceptions are listed in {@link HARDENING_EXCEPTIONS}, each with its reason; the table of
 * docs/network-policies.md is that list. Nothing else may deviate: {@link auditContainerSecurity} is the check tests run on every
 * pod spec / values object we configure.
 */

export interface SeccompProfile {
  type: "RuntimeDefault" | "Localhost" | "Unconfined";
}

export interface PodSecurityContext {
  runAsNonRoot: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  seccompProfile: SeccompProfile;
}

export interface ContainerSecurityContext {
  runAsNonRoot: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem: boolean;
  allowPrivilegeEscalation: boolean;
  privileged?: boolean;
  capabilities: { drop: string[]; add?: string[] };
  seccompProfile: SeccompProfile;
}

/**
 * Pod-level defaults. `runAsUser`/`fsGroup` are set only when given: images such as Grafana (472),
 * Loki and Tempo (10001) and Prometheus (65534) have their own non-root users, and the charts set them.
 */
export function restrictedPodSecurityContext(ids: { runAsUser?: number; runAsGroup?: number; fsGroup?: number } = {}): PodSecurityContext {
  return {
    runAsNonRoot: true,
    ...(ids.runAsUser !== undefined ? { runAsUser: ids.runAsUser } : {}),
    ...(ids.runAsGroup !== undefined ? { runAsGroup: ids.runAsGroup } : {}),
    ...(ids.fsGroup !== undefined ? { fsGroup: ids.fsGroup } : {}),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level defaults: the restricted profile with a read-only root filesystem. */
export function restrictedContainerSecurityContext(ids: { runAsUser?: number; runAsGroup?: number } = {}): ContainerSecurityContext {
  return {
    runAsNonRoot: true,
    ...(ids.runAsUser !== undefined ? { runAsUser: ids.runAsUser } : {}),
    ...(ids.runAsGroup !== undefined ? { runAsGroup: ids.runAsGroup } : {}),
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * The log agent (OpenTelemetry Collector DaemonSet reading /var/log/pods). Container runtimes
 * (containerd, CRI-O) write pod log files owned by root with mode 0640 under root-owned directories,
 * so only UID 0 (or a group the node happens to use) can read them. The agent therefore runs as UID 0
 * — but with NO capability (root without CAP_DAC_OVERRIDE still reads files it owns, i.e. root's),
 * no privilege escalation, RuntimeDefault seccomp, a read-only root filesystem, and the host paths
 * mounted read-only (`/var/log/pods`, and `/var/lib/docker/containers` where Docker is used). Its
 * only writable mount is its checkpoint directory (hostPath `observer:collectors.agent.hostPath`, default
 * `/var/lib/observer/<namespace>/log-agent`, mounted at /var/lib/otelcol/agent), so restarts resume where
 * they stopped. It is not privileged and has no host network or PID namespace.
 */
export const LOG_AGENT_SECURITY: Readonly<{ pod: PodSecurityContext; container: ContainerSecurityContext; readOnlyHostPaths: readonly string[] }> =
  Object.freeze({
    pod: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: "RuntimeDefault" } },
    container: {
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    },
    readOnlyHostPaths: ["/var/log/pods", "/var/lib/docker/containers"],
  });

export interface HardeningException {
  /** Which workload. */
  readonly workload: string;
  /** What deviates from the restricted defaults. */
  readonly deviation: string;
  /** Why it is needed, and what still holds. */
  readonly reason: string;
  /**
   * The rendered workloads it covers, as named in tests/fixtures/rendered-inventory.json (`chart`, `workload`):
   * tests accept {@link allowedFindings} for these rows and nothing else.
   */
  readonly appliesTo: readonly { readonly chart: string; readonly workload: string }[];
  /** Exactly the {@link auditContainerSecurity} findings it allows (`(pod)` for pod-level ones). */
  readonly allowedFindings: readonly AuditFinding[];
}

/** Every deviation from the restricted defaults in the stack (the hardening-exceptions table of docs/network-policies.md). */
export const HARDENING_EXCEPTIONS: readonly HardeningException[] = [
  {
    workload: "log agent (OpenTelemetry Collector DaemonSet)",
    deviation: "runs as UID 0 (runAsNonRoot: false); hostPath mounts",
    reason:
      "pod log files under /var/log/pods are root-owned, mode 0640. All capabilities are still dropped, no privilege escalation, " +
      "RuntimeDefault seccomp, read-only root filesystem; /var/log/pods and /var/lib/docker/containers are mounted read-only; " +
      "only its checkpoint directory (hostPath `observer:collectors.agent.hostPath`, default /var/lib/observer/<namespace>/log-agent) " +
      "is writable. Not privileged, no host network or PID namespace.",
    appliesTo: [{ chart: "opentelemetry-operator", workload: "datalayer-log-agent-collector" }],
    allowedFindings: [
      { container: "otc-container", problem: "runAsNonRoot is not true" },
      { container: "otc-container", problem: "runs as UID 0" },
    ],
  },
  {
    workload: "node exporter (kube-prometheus-stack)",
    deviation: "hostNetwork, hostPID, host /proc, /sys and root filesystem mounted read-only under /host",
    reason:
      "node metrics (CPU, memory, disks, network of the node) are only visible from the host namespaces. It still runs as " +
      "UID 65534, non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, RuntimeDefault " +
      "seccomp; every host mount is read-only. Being on the host network, NetworkPolicies do not apply to it.",
    appliesTo: [{ chart: "kube-prometheus-stack", workload: "observer-node-exporter" }],
    allowedFindings: [
      { container: "(pod)", problem: "hostNetwork is true" },
      { container: "(pod)", problem: "hostPID is true" },
    ],
  },
];

/** One finding of {@link auditContainerSecurity}. */
export interface AuditFinding {
  readonly container: string;
  readonly problem: string;
}

interface PodSpecLike {
  securityContext?: Partial<PodSecurityContext>;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  containers?: { name: string; securityContext?: Partial<ContainerSecurityContext> }[];
  initContainers?: { name: string; securityContext?: Partial<ContainerSecurityContext> }[];
}

/**
 * Checks a pod spec against the restricted defaults (container settings override pod settings, as
 * in Kubernetes). Returns every deviation; an empty list means compliant. Tests call it on every
 * workload spec we build, with the allowed exceptions handled explicitly by the caller.
 */
export function auditContainerSecurity(spec: PodSpecLike): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const pod = spec.securityContext ?? {};
  for (const [flag, value] of [
    ["hostNetwork", spec.hostNetwork],
    ["hostPID", spec.hostPID],
    ["hostIPC", spec.hostIPC],
  ] as const) {
    if (value) findings.push({ container: "(pod)", problem: `${flag} is true` });
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const push = (problem: string) => findings.push({ container: c.name, problem });
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    const uid = sc.runAsUser ?? pod.runAsUser;
    if (nonRoot !== true) push("runAsNonRoot is not true");
    if (uid === 0) push("runs as UID 0");
    if (sc.readOnlyRootFilesystem !== true) push("readOnlyRootFilesystem is not true");
    if (sc.allowPrivilegeEscalation !== false) push("allowPrivilegeEscalation is not false");
    if (sc.privileged === true) push("privileged is true");
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) push("capabilities.drop does not include ALL");
    if ((sc.capabilities?.add ?? []).length > 0) push(`adds capabilities ${sc.capabilities!.add!.join(", ")}`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") push("seccompProfile is not RuntimeDefault");
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------
// Pod Security Admission labels of our namespace
// ---------------------------------------------------------------------------------------------

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/**
 * The Pod Security Standards version the namespace labels pin: the checks of Kubernetes 1.34 (a cluster that is
 * older evaluates with the newest checks it knows). Pinned so that a cluster upgrade that tightens a standard
 * changes nothing until this is bumped on purpose.
 */
const POD_SECURITY_VERSION = "v1.34";

/**
 * The levels our namespace declares to Pod Security Admission.
 * - `enforce: privileged`: node exporter (host network and PID namespaces, host paths: a hostNetwork pod also gets
 *   its container port as a host port) and the log agent (host paths) fail `baseline`, so any stricter enforcement,
 *   including a cluster-wide default of `baseline` or `restricted` on an unlabelled namespace, rejects their pods
 *   and the releases time out. Both are DaemonSets of releases and CRs that live in this namespace (a subchart of
 *   kube-prometheus-stack; the collector CR with its ServiceAccount, RBAC, NetworkPolicies and ServiceMonitor), so
 *   they stay here rather than in a namespace of their own.
 * - `warn` and `audit: restricted`: every other pod of the stack is restricted (HARDENING_EXCEPTIONS lists the only
 *   two exceptions), so applying shows exactly those two as warnings and the audit log records them; anything new
 *   that is not restricted shows up the same way.
 */
const NAMESPACE_POD_SECURITY: Readonly<{ enforce: PodSecurityLevel; warn: PodSecurityLevel; audit: PodSecurityLevel }> = Object.freeze({
  enforce: "privileged",
  warn: "restricted",
  audit: "restricted",
});

/** The `pod-security.kubernetes.io/*` labels of our namespace: each mode's level and pinned version. */
export function namespacePodSecurityLabels(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [mode, level] of Object.entries(NAMESPACE_POD_SECURITY)) {
    out[`pod-security.kubernetes.io/${mode}`] = level;
    out[`pod-security.kubernetes.io/${mode}-version`] = POD_SECURITY_VERSION;
  }
  return out;
}
