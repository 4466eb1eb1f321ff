/**
 * The Pod Security Standards as Pod Security Admission evaluates them: the checks of
 * k8s.io/pod-security-admission v0.34.4 (policy/check_*.go, the code kube-apiserver 1.34 runs), transcribed check by
 * check with their minimum versions, and the registry's rules (policy/registry.go): `privileged` checks nothing; a
 * level/version runs every check of that level or below whose first version is not newer than the requested one, in
 * its newest version not newer than it; `restricted` checks override the baseline checks they name
 * (restrictedVolumes → hostPathVolumes, capabilities_restricted → capabilities_baseline, seccompProfile_restricted →
 * seccompProfile_baseline); a version newer than
 * the newest check means the newest. Containers are init, regular and ephemeral containers (policy/visitor.go).
 *
 * Enforcement applies to Pod objects after API defaulting; the one default these checks can see is
 * pkg/apis/core/v1/defaults.go SetDefaults_Pod: on the host network, a container port's `hostPort` defaults to its
 * `containerPort` ({@link defaultPod}).
 *
 * Not modelled: the UserNamespacesPodSecurityStandards relaxation (feature-gated, needs `hostUsers: false`, which no
 * pod of ours sets: {@link evaluatePod} refuses such pods rather than guess) and the probe-host exemption switch.
 */
import type { PodSecurityContainerFacts, PodSecurityFacts } from "../fixtures/facts";

export type PssLevel = "privileged" | "baseline" | "restricted";
export const PSS_LEVELS: readonly PssLevel[] = ["privileged", "baseline", "restricted"];

/** A pod as the checks read it (metadata annotations and spec), in the Kubernetes shape. */
export type PssPod = PodSecurityFacts & { spec: { ephemeralContainers?: PodSecurityContainerFacts[] } };

export interface PssViolation {
  readonly check: string;
  readonly reason: string;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Version = readonly [number, number];
type CheckFn = (meta: { annotations?: Record<string, string> }, spec: Json) => string | undefined;
interface Check {
  readonly id: string;
  readonly level: "baseline" | "restricted";
  readonly versions: readonly { readonly min: Version; readonly fn: CheckFn; readonly overrides?: readonly string[] }[];
}

const containersOf = (spec: Json): Json[] => [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
const isWindows = (spec: Json): boolean => spec.os?.name === "windows";
const names = (cs: Json[]): string => cs.map((c) => `"${c.name}"`).join(", ");

// --- baseline ------------------------------------------------------------------------------------------------------

/** check_hostNamespaces.go */
const hostNamespaces: CheckFn = (_m, s) => {
  const set = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => s[k] === true).map((k) => `${k}=true`);
  return set.length ? `host namespaces (${set.join(", ")})` : undefined;
};
/** check_privileged.go */
const privileged: CheckFn = (_m, s) => {
  const bad = containersOf(s).filter((c) => c.securityContext?.privileged === true);
  return bad.length ? `privileged (containers ${names(bad)})` : undefined;
};
/** check_capabilities_baseline.go */
const BASELINE_CAPABILITIES = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
const capabilitiesBaseline: CheckFn = (_m, s) => {
  const bad = containersOf(s).filter((c) => ((c.securityContext?.capabilities?.add ?? []) as string[]).some((x) => !BASELINE_CAPABILITIES.includes(x)));
  return bad.length ? `non-default capabilities (containers ${names(bad)})` : undefined;
};
/** check_hostPathVolumes.go */
const hostPathVolumes: CheckFn = (_m, s) => {
  const bad = ((s.volumes ?? []) as Json[]).filter((v) => v.hostPath !== undefined);
  return bad.length ? `hostPath volumes (${names(bad)})` : undefined;
};
/** check_hostPorts.go */
const hostPorts: CheckFn = (_m, s) => {
  const ports = containersOf(s).flatMap((c) => ((c.ports ?? []) as Json[]).filter((p) => (p.hostPort ?? 0) !== 0).map((p) => `${c.name}:${p.hostPort}`));
  return ports.length ? `hostPort (${ports.join(", ")})` : undefined;
};
/** check_appArmorProfile.go */
const appArmorProfile: CheckFn = (m, s) => {
  const okType = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
  const bad: string[] = [];
  if (s.securityContext?.appArmorProfile && !okType(s.securityContext.appArmorProfile.type)) bad.push("pod");
  for (const c of containersOf(s)) if (c.securityContext?.appArmorProfile && !okType(c.securityContext.appArmorProfile.type)) bad.push(`container "${c.name}"`);
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && !(v === "" || v === "runtime/default" || v.startsWith("localhost/"))) bad.push(`annotation ${k}`);
  }
  return bad.length ? `forbidden AppArmor profile (${bad.join(", ")})` : undefined;
};
/** check_seLinuxOptions.go (allowed types per version) */
const seLinuxOptions =
  (types: string[]): CheckFn =>
  (_m, s) => {
    const ok = (o: Json | undefined) => !o || (types.includes(o.type ?? "") && !o.user && !o.role);
    const bad = [...(ok(s.securityContext?.seLinuxOptions) ? [] : ["pod"]), ...containersOf(s).filter((c) => !ok(c.securityContext?.seLinuxOptions)).map((c) => `container "${c.name}"`)];
    return bad.length ? `seLinuxOptions (${bad.join(", ")})` : undefined;
  };
const SELINUX_1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];
/** check_procMount.go */
const procMount: CheckFn = (_m, s) => {
  const bad = containersOf(s).filter((c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== "Default");
  return bad.length ? `procMount (containers ${names(bad)})` : undefined;
};
/** check_seccompProfile_baseline.go, 1.0 (annotations) and 1.19 (fields) */
const seccompBaseline_1_0: CheckFn = (m, s) => {
  const ok = (v: string) => v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
  const a = m.annotations ?? {};
  const bad = [
    ...(a["seccomp.security.alpha.kubernetes.io/pod"] !== undefined && !ok(a["seccomp.security.alpha.kubernetes.io/pod"]) ? ["pod"] : []),
    ...containersOf(s)
      .filter((c) => a[`container.seccomp.security.alpha.kubernetes.io/${c.name}`] !== undefined && !ok(a[`container.seccomp.security.alpha.kubernetes.io/${c.name}`]!))
      .map((c) => `container "${c.name}"`),
  ];
  return bad.length ? `seccompProfile (${bad.join(", ")})` : undefined;
};
const validSeccomp = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
const seccompBaseline_1_19: CheckFn = (_m, s) => {
  const bad = [
    ...(s.securityContext?.seccompProfile && !validSeccomp(s.securityContext.seccompProfile.type) ? ["pod"] : []),
    ...containersOf(s).filter((c) => c.securityContext?.seccompProfile && !validSeccomp(c.securityContext.seccompProfile.type)).map((c) => `container "${c.name}"`),
  ];
  return bad.length ? `seccompProfile (${bad.join(", ")})` : undefined;
};
/** check_sysctls.go (safe sets per version) */
const SYSCTLS_1_0 = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, "net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const sysctls =
  (allowed: string[]): CheckFn =>
  (_m, s) => {
    const bad = ((s.securityContext?.sysctls ?? []) as Json[]).map((x) => String(x.name)).filter((n) => !allowed.includes(n));
    return bad.length ? `forbidden sysctls (${bad.join(", ")})` : undefined;
  };
/** check_windowsHostProcess.go */
const windowsHostProcess: CheckFn = (_m, s) => {
  const bad = [
    ...(s.securityContext?.windowsOptions?.hostProcess === true ? ["pod"] : []),
    ...containersOf(s).filter((c) => c.securityContext?.windowsOptions?.hostProcess === true).map((c) => `container "${c.name}"`),
  ];
  return bad.length ? `hostProcess (${bad.join(", ")})` : undefined;
};
/** check_hostProbesAndhostLifecycle.go (1.34) */
const hostProbesAndHostLifecycle: CheckFn = (_m, s) => {
  const hosts = (h: Json | undefined) => [h?.httpGet?.host, h?.tcpSocket?.host].filter((x) => typeof x === "string" && x !== "");
  const bad = containersOf(s).filter((c) => [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop].some((h) => hosts(h).length > 0));
  return bad.length ? `probe or lifecycle host (containers ${names(bad)})` : undefined;
};

// --- restricted ----------------------------------------------------------------------------------------------------

/** check_restrictedVolumes.go */
const ALLOWED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"];
const restrictedVolumes: CheckFn = (_m, s) => {
  const bad = ((s.volumes ?? []) as Json[]).filter((v) => !Object.keys(v).some((k) => ALLOWED_VOLUMES.includes(k)));
  return bad.length ? `restricted volume types (${bad.map((v) => `"${v.name}": ${Object.keys(v).filter((k) => k !== "name").join("")}`).join(", ")})` : undefined;
};
/** check_allowPrivilegeEscalation.go, 1.8 and 1.25 (Windows pods exempt) */
const allowPrivilegeEscalation_1_8: CheckFn = (_m, s) => {
  const bad = containersOf(s).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false);
  return bad.length ? `allowPrivilegeEscalation != false (containers ${names(bad)})` : undefined;
};
const allowPrivilegeEscalation_1_25: CheckFn = (m, s) => (isWindows(s) ? undefined : allowPrivilegeEscalation_1_8(m, s));
/** check_runAsNonRoot.go */
const runAsNonRoot: CheckFn = (_m, s) => {
  const podValue = s.securityContext?.runAsNonRoot as boolean | undefined;
  const explicit = containersOf(s).filter((c) => c.securityContext?.runAsNonRoot === false);
  const implicit = containersOf(s).filter((c) => c.securityContext?.runAsNonRoot === undefined && podValue !== true);
  if (podValue === false || explicit.length) return `runAsNonRoot != true (${[...(podValue === false ? ["pod"] : []), ...explicit.map((c) => `container "${c.name}"`)].join(", ")})`;
  return implicit.length ? `runAsNonRoot != true (pod or containers ${names(implicit)} must set it)` : undefined;
};
/** check_runAsUser.go (1.23) */
const runAsUser: CheckFn = (_m, s) => {
  const bad = [...(s.securityContext?.runAsUser === 0 ? ["pod"] : []), ...containersOf(s).filter((c) => c.securityContext?.runAsUser === 0).map((c) => `container "${c.name}"`)];
  return bad.length ? `runAsUser=0 (${bad.join(", ")})` : undefined;
};
/** check_seccompProfile_restricted.go, 1.19 and 1.25 (Windows pods exempt) */
const seccompRestricted_1_19: CheckFn = (_m, s) => {
  const podSet = s.securityContext?.seccompProfile !== undefined;
  if (podSet && !validSeccomp(s.securityContext.seccompProfile.type)) return "seccompProfile (pod)";
  const explicit = containersOf(s).filter((c) => c.securityContext?.seccompProfile && !validSeccomp(c.securityContext.seccompProfile.type));
  if (explicit.length) return `seccompProfile (containers ${names(explicit)})`;
  const implicit = containersOf(s).filter((c) => !c.securityContext?.seccompProfile && !podSet);
  return implicit.length ? `seccompProfile (pod or containers ${names(implicit)} must set RuntimeDefault or Localhost)` : undefined;
};
const seccompRestricted_1_25: CheckFn = (m, s) => (isWindows(s) ? undefined : seccompRestricted_1_19(m, s));
/** check_capabilities_restricted.go, 1.22 and 1.25 (Windows pods exempt) */
const capabilitiesRestricted_1_22: CheckFn = (_m, s) => {
  const noDrop = containersOf(s).filter((c) => !((c.securityContext?.capabilities?.drop ?? []) as string[]).includes("ALL"));
  const adds = containersOf(s).filter((c) => ((c.securityContext?.capabilities?.add ?? []) as string[]).some((x) => x !== "NET_BIND_SERVICE"));
  const parts = [...(noDrop.length ? [`containers ${names(noDrop)} must drop ALL`] : []), ...(adds.length ? [`containers ${names(adds)} add forbidden capabilities`] : [])];
  return parts.length ? `unrestricted capabilities (${parts.join("; ")})` : undefined;
};
const capabilitiesRestricted_1_25: CheckFn = (m, s) => (isWindows(s) ? undefined : capabilitiesRestricted_1_22(m, s));

const CHECKS: readonly Check[] = [
  { id: "hostNamespaces", level: "baseline", versions: [{ min: [1, 0], fn: hostNamespaces }] },
  { id: "privileged", level: "baseline", versions: [{ min: [1, 0], fn: privileged }] },
  { id: "capabilities_baseline", level: "baseline", versions: [{ min: [1, 0], fn: capabilitiesBaseline }] },
  { id: "hostPathVolumes", level: "baseline", versions: [{ min: [1, 0], fn: hostPathVolumes }] },
  { id: "hostPorts", level: "baseline", versions: [{ min: [1, 0], fn: hostPorts }] },
  { id: "appArmorProfile", level: "baseline", versions: [{ min: [1, 0], fn: appArmorProfile }] },
  {
    id: "seLinuxOptions",
    level: "baseline",
    versions: [
      { min: [1, 0], fn: seLinuxOptions(SELINUX_1_0) },
      { min: [1, 31], fn: seLinuxOptions([...SELINUX_1_0, "container_engine_t"]) },
    ],
  },
  { id: "procMount", level: "baseline", versions: [{ min: [1, 0], fn: procMount }] },
  {
    id: "seccompProfile_baseline",
    level: "baseline",
    versions: [
      { min: [1, 0], fn: seccompBaseline_1_0 },
      { min: [1, 19], fn: seccompBaseline_1_19 },
    ],
  },
  {
    id: "sysctls",
    level: "baseline",
    versions: [
      { min: [1, 0], fn: sysctls(SYSCTLS_1_0) },
      { min: [1, 27], fn: sysctls(SYSCTLS_1_27) },
      { min: [1, 29], fn: sysctls(SYSCTLS_1_29) },
      { min: [1, 32], fn: sysctls(SYSCTLS_1_32) },
    ],
  },
  { id: "windowsHostProcess", level: "baseline", versions: [{ min: [1, 0], fn: windowsHostProcess }] },
  { id: "hostProbesAndHostLifecycle", level: "baseline", versions: [{ min: [1, 34], fn: hostProbesAndHostLifecycle }] },
  { id: "restrictedVolumes", level: "restricted", versions: [{ min: [1, 0], fn: restrictedVolumes, overrides: ["hostPathVolumes"] }] },
  {
    id: "allowPrivilegeEscalation",
    level: "restricted",
    versions: [
      { min: [1, 8], fn: allowPrivilegeEscalation_1_8 },
      { min: [1, 25], fn: allowPrivilegeEscalation_1_25 },
    ],
  },
  { id: "runAsNonRoot", level: "restricted", versions: [{ min: [1, 0], fn: runAsNonRoot }] },
  { id: "runAsUser", level: "restricted", versions: [{ min: [1, 23], fn: runAsUser }] },
  {
    id: "seccompProfile_restricted",
    level: "restricted",
    versions: [
      { min: [1, 19], fn: seccompRestricted_1_19, overrides: ["seccompProfile_baseline"] },
      { min: [1, 25], fn: seccompRestricted_1_25, overrides: ["seccompProfile_baseline"] },
    ],
  },
  {
    id: "capabilities_restricted",
    level: "restricted",
    versions: [
      { min: [1, 22], fn: capabilitiesRestricted_1_22, overrides: ["capabilities_baseline"] },
      { min: [1, 25], fn: capabilitiesRestricted_1_25, overrides: ["capabilities_baseline"] },
    ],
  },
];

const older = (a: Version, b: Version) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
/** The newest check version (a requested version beyond it evaluates as it). */
export const NEWEST_CHECK_VERSION: Version = CHECKS.flatMap((c) => c.versions.map((v) => v.min)).reduce((a, b) => (older(a, b) ? b : a));

/** `v1.34` or `latest` (k8s.io/pod-security-admission/api ParseVersion). */
export function parsePssVersion(v: string): Version {
  if (v === "latest") return NEWEST_CHECK_VERSION;
  const m = /^v1\.(0|[1-9]\d*)$/.exec(v);
  if (!m) throw new Error(`not a Pod Security version: ${v}`);
  const parsed: Version = [1, Number(m[1])];
  return older(NEWEST_CHECK_VERSION, parsed) ? NEWEST_CHECK_VERSION : parsed;
}

/** SetDefaults_Pod's host-network port default: `hostPort` = `containerPort` for every port without one. */
export function defaultPod(pod: PssPod): PssPod {
  const copy = structuredClone(pod);
  if (copy.spec.hostNetwork === true) {
    for (const c of [...copy.spec.containers, ...(copy.spec.initContainers ?? [])]) {
      for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
    }
  }
  return copy;
}

/** Every violation of `level` at `version` (`v1.N` or `latest`) by the pod, after API defaulting. Empty: admitted. */
export function evaluatePod(level: PssLevel, version: string, pod: PssPod): PssViolation[] {
  if (pod.spec.hostUsers === false) throw new Error("user-namespace pods (hostUsers: false) are not modelled");
  if (level === "privileged") return [];
  const v = parsePssVersion(version);
  const wanted = CHECKS.filter((c) => c.level === "baseline" || level === "restricted");
  const active = wanted
    .map((c) => ({ id: c.id, version: [...c.versions].reverse().find((x) => !older(v, x.min)) }))
    .filter((c): c is { id: string; version: Check["versions"][number] } => c.version !== undefined);
  const overridden = new Set(active.flatMap((c) => c.version.overrides ?? []));
  const defaulted = defaultPod(pod);
  const meta = { ...(defaulted.annotations ? { annotations: defaulted.annotations } : {}) };
  const out: PssViolation[] = [];
  for (const c of active) {
    if (overridden.has(c.id)) continue;
    const reason = c.version.fn(meta, defaulted.spec as Json);
    if (reason !== undefined) out.push({ check: c.id, reason });
  }
  return out;
}

/** The strictest level that admits the pod at `version`. */
export function strictestLevel(version: string, pod: PssPod): PssLevel {
  return [...PSS_LEVELS].reverse().find((l) => evaluatePod(l, version, pod).length === 0)!;
}
