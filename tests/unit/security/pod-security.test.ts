/** Pod security defaults, the log agent exception, and the audit check. */
import {
  HARDENING_EXCEPTIONS,
  LOG_AGENT_SECURITY,
  auditContainerSecurity,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "../../../components/security/pod-security";

const CONTAINER_SECURITY_CONTEXT = restrictedContainerSecurityContext();
const POD_SECURITY_CONTEXT = restrictedPodSecurityContext();

describe("restricted defaults", () => {
  test("container: non-root, read-only root fs, no escalation, drop ALL, RuntimeDefault", () => {
    expect(CONTAINER_SECURITY_CONTEXT).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(restrictedContainerSecurityContext({ runAsUser: 10001, runAsGroup: 10001 })).toEqual({ ...CONTAINER_SECURITY_CONTEXT, runAsUser: 10001, runAsGroup: 10001 });
  });

  test("pod: non-root and RuntimeDefault; ids only when given", () => {
    expect(POD_SECURITY_CONTEXT).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(restrictedPodSecurityContext({ runAsUser: 472, fsGroup: 472 })).toEqual({ runAsNonRoot: true, runAsUser: 472, fsGroup: 472, seccompProfile: { type: "RuntimeDefault" } });
  });

  test("each call returns a fresh object (callers may extend it)", () => {
    const a = restrictedContainerSecurityContext();
    a.capabilities.drop.push("X");
    expect(restrictedContainerSecurityContext().capabilities.drop).toEqual(["ALL"]);
  });
});

describe("auditContainerSecurity", () => {
  test("a pod with the defaults is compliant", () => {
    expect(
      auditContainerSecurity({
        securityContext: POD_SECURITY_CONTEXT,
        initContainers: [{ name: "init", securityContext: restrictedContainerSecurityContext() }],
        containers: [{ name: "main", securityContext: restrictedContainerSecurityContext() }],
      }),
    ).toEqual([]);
  });

  test("container settings inherit runAsNonRoot and seccomp from the pod", () => {
    const { runAsNonRoot: _r, seccompProfile: _s, ...rest } = restrictedContainerSecurityContext();
    expect(auditContainerSecurity({ securityContext: POD_SECURITY_CONTEXT, containers: [{ name: "c", securityContext: rest }] })).toEqual([]);
  });

  test("reports every deviation by container", () => {
    expect(
      auditContainerSecurity({
        hostNetwork: true,
        containers: [
          { name: "bare" },
          { name: "root", securityContext: { ...restrictedContainerSecurityContext(), runAsNonRoot: true, runAsUser: 0, privileged: true, capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } } },
        ],
      }),
    ).toEqual([
      { container: "(pod)", problem: "hostNetwork is true" },
      { container: "bare", problem: "runAsNonRoot is not true" },
      { container: "bare", problem: "readOnlyRootFilesystem is not true" },
      { container: "bare", problem: "allowPrivilegeEscalation is not false" },
      { container: "bare", problem: "capabilities.drop does not include ALL" },
      { container: "bare", problem: "seccompProfile is not RuntimeDefault" },
      { container: "root", problem: "runs as UID 0" },
      { container: "root", problem: "privileged is true" },
      { container: "root", problem: "adds capabilities NET_ADMIN" },
    ]);
  });
});

describe("the log agent exception", () => {
  test("root, but nothing else relaxed", () => {
    expect(LOG_AGENT_SECURITY.container).toEqual({
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    const findings = auditContainerSecurity({ securityContext: LOG_AGENT_SECURITY.pod, containers: [{ name: "otc-container", securityContext: LOG_AGENT_SECURITY.container }] });
    expect(findings).toEqual([
      { container: "otc-container", problem: "runAsNonRoot is not true" },
      { container: "otc-container", problem: "runs as UID 0" },
    ]);
    expect(LOG_AGENT_SECURITY.readOnlyHostPaths).toEqual(["/var/log/pods", "/var/lib/docker/containers"]);
  });

  test("every exception is documented with a reason", () => {
    expect(HARDENING_EXCEPTIONS.map((e) => e.workload)).toEqual([
      "log agent (OpenTelemetry Collector DaemonSet)",
      "node exporter (kube-prometheus-stack)",
    ]);
    for (const e of HARDENING_EXCEPTIONS) expect(e.reason.length).toBeGreaterThan(40);
  });
});
