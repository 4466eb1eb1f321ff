/**
 * Pod Security Admission against what really runs: every pod of the stack (the charts' pods as rendered,
 * tests/fixtures/rendered-facts.json; the Prometheus and Alertmanager pods the Prometheus Operator builds from the
 * rendered CRs; the collector pods the OpenTelemetry Operator builds from our CRs as the program creates them)
 * evaluated with the Pod Security Standards (tests/helpers/pod-security-standards.ts, transcribed from
 * k8s.io/pod-security-admission v0.34.4) at the levels and versions of the namespace's labels as the program
 * creates the Namespace. The labels are not restated: what must hold is that the namespace admits every pod on any
 * cluster default, that no weaker level than needed is enforced, and that warn/audit report exactly the
 * documented deviations.
 */
import { HARDENING_EXCEPTIONS } from "../../components/security/pod-security";
import { loadFacts, RENDER_NAMESPACE, VARIANT_RAW, type VariantName } from "../fixtures/facts";
import { byType, runProgram, type Recorded } from "../helpers/mocks";
import { evaluatePod, parsePssVersion, PSS_LEVELS, strictestLevel, type PssLevel, type PssPod } from "../helpers/pod-security-standards";

const FACTS = loadFacts();
const VARIANTS = ["dev", "prod", "prod-kafka"] as const satisfies readonly VariantName[];
const MODES = ["enforce", "warn", "audit"] as const;
const LABEL = (mode: string) => `pod-security.kubernetes.io/${mode}`;

/** The variant's raw config as Pulumi config strings (`observer:<key>` → scalar or JSON). */
function pulumiConfig(raw: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [`observer:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
}

interface NamedPod {
  /** `Kind/name` as in the facts, or `DaemonSet|Deployment|StatefulSet/<cr>-collector` for the collectors. */
  id: string;
  pod: PssPod;
}

/**
 * The OpenTelemetry Operator v0.158.0's pod for a collector CR (internal/manifests/collector/container.go and
 * volume.go): the CR's podSecurityContext, hostNetwork and volumes plus the operator's config volume
 * (`otc-internal`, a ConfigMap); one container `otc-container` with the CR's securityContext and volume mounts.
 */
function collectorPod(cr: Recorded): NamedPod {
  const spec = cr.inputs.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const kind = spec.mode === "daemonset" ? "DaemonSet" : spec.mode === "statefulset" ? "StatefulSet" : "Deployment";
  const name = (cr.inputs.metadata as { name: string }).name;
  return {
    id: `${kind}/${name}-collector`,
    pod: {
      spec: {
        ...(spec.hostNetwork !== undefined ? { hostNetwork: spec.hostNetwork } : {}),
        ...(spec.podSecurityContext ? { securityContext: spec.podSecurityContext } : {}),
        volumes: [{ name: "otc-internal", configMap: {} }, ...((spec.volumes ?? []) as { name: string }[])],
        containers: [{ name: "otc-container", ...(spec.securityContext ? { securityContext: spec.securityContext } : {}) }],
      },
    },
  };
}

interface Variant {
  namespaceLabels: Record<string, string>;
  pods: NamedPod[];
}

const variants: Partial<Record<(typeof VARIANTS)[number], Variant>> = {};

beforeAll(async () => {
  for (const v of VARIANTS) {
    const run = await runProgram(pulumiConfig(VARIANT_RAW[v]), () => require("../../index") as Record<string, unknown>, { stack: v === "dev" ? "dev" : "prod" });
    const ns = byType(run.resources, "kubernetes:core/v1:Namespace").find((r) => (r.inputs.metadata as { name: string }).name === RENDER_NAMESPACE)!;
    const f = FACTS.variants[v];
    const pods: NamedPod[] = [
      ...Object.entries(f.workloads)
        .filter(([, w]) => w.namespace === RENDER_NAMESPACE)
        .map(([id, w]) => ({ id, pod: w.podSecurity })),
      { id: `StatefulSet/${f.prometheus!.pod.statefulSet}`, pod: f.prometheus!.pod.podSecurity },
      { id: `StatefulSet/${f.alertmanager!.pod.statefulSet}`, pod: f.alertmanager!.pod.podSecurity },
      ...byType(run.resources, "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector").map(collectorPod),
    ];
    variants[v] = { namespaceLabels: (ns.inputs.metadata as { labels: Record<string, string> }).labels, pods };
  }
}, 240_000);

const order = (l: PssLevel) => PSS_LEVELS.indexOf(l);

describe.each(VARIANTS)("%s", (v) => {
  const world = () => variants[v]!;
  const level = (mode: string) => world().namespaceLabels[LABEL(mode)] as PssLevel | undefined;
  const version = (mode: string) => world().namespaceLabels[`${LABEL(mode)}-version`] ?? "latest";

  it("every pod the stack runs is there to check (both DaemonSets, the operator-built and the collector pods)", () => {
    const ids = world().pods.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(["DaemonSet/observer-node-exporter", "DaemonSet/datalayer-log-agent-collector", "StatefulSet/prometheus-observer-prometheus"]));
    expect(ids.length).toBeGreaterThan(8);
  });

  it.each(["privileged", "baseline", "restricted"] as const)("with a cluster-wide default enforce level of %s, the namespace admits every pod", (clusterDefault) => {
    const enforce = level("enforce") ?? clusterDefault;
    const rejected = world().pods.flatMap((p) => evaluatePod(enforce, version("enforce"), p.pod).map((x) => `${p.id}: ${x.check}: ${x.reason}`));
    expect(rejected).toEqual([]);
  });

  it("the enforced level is the strictest every pod satisfies (nothing looser than the stack needs)", () => {
    const needed = world().pods.map((p) => strictestLevel(version("enforce"), p.pod)).reduce((a, b) => (order(a) < order(b) ? a : b));
    expect(level("enforce")).toBe(needed);
  });

  it("warn and audit are restricted, and every mode's version is pinned (not latest)", () => {
    expect([level("warn"), level("audit")]).toEqual(["restricted", "restricted"]);
    for (const mode of MODES) {
      const pinned = world().namespaceLabels[`${LABEL(mode)}-version`];
      expect([mode, pinned]).toEqual([mode, expect.stringMatching(/^v1\.\d+$/)]);
      // At least the newest checks the helper knows (so the pin is not silently weaker than v1.34's standards).
      expect(parsePssVersion(pinned!)).toEqual(parsePssVersion("latest"));
    }
  });

  it("warn/audit at restricted report exactly the pods of the documented hardening exceptions", () => {
    const warned = (mode: "warn" | "audit") =>
      world()
        // No label: nothing is warned about or audited.
        .pods.filter((p) => evaluatePod(level(mode) ?? "privileged", version(mode), p.pod).length > 0)
        .map((p) => p.id.split("/")[1]!)
        .sort();
    const documented = [...new Set(HARDENING_EXCEPTIONS.flatMap((e) => e.appliesTo.map((a) => a.workload)))].sort();
    expect(warned("warn")).toEqual(documented);
    expect(warned("audit")).toEqual(documented);
  });
});

describe("the Pod Security Standards helper: each check fails where upstream does, at its versions", () => {
  const restrictedPod: PssPod = {
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      volumes: [{ name: "data", persistentVolumeClaim: {} }],
      containers: [{ name: "c", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } }, ports: [{ containerPort: 8080 }] }],
    },
  };
  const withSpec = (spec: Partial<PssPod["spec"]>, annotations?: Record<string, string>): PssPod => ({ ...(annotations ? { annotations } : {}), spec: { ...structuredClone(restrictedPod.spec), ...spec } });
  const container = (sc: Record<string, unknown>, extra: Record<string, unknown> = {}) => [{ name: "c", securityContext: { ...restrictedPod.spec.containers[0]!.securityContext, ...sc }, ...extra }];
  const checks = (level: PssLevel, pod: PssPod, v = "v1.34") => evaluatePod(level, v, pod).map((x) => x.check);

  it("a restricted pod passes every level", () => {
    for (const l of PSS_LEVELS) expect(checks(l, restrictedPod)).toEqual([]);
    expect(strictestLevel("v1.34", restrictedPod)).toBe("restricted");
  });

  it("baseline violations: host namespaces, host paths, host ports (also defaulted on the host network), privileged, capabilities, AppArmor, SELinux, procMount, seccomp, sysctls, probe hosts", () => {
    expect(checks("baseline", withSpec({ hostPID: true }))).toEqual(["hostNamespaces"]);
    expect(checks("baseline", withSpec({ volumes: [{ name: "h", hostPath: { path: "/" } }] }))).toEqual(["hostPathVolumes"]);
    expect(checks("baseline", withSpec({ containers: container({}, { ports: [{ containerPort: 80, hostPort: 80 }] }) }))).toEqual(["hostPorts"]);
    expect(checks("baseline", withSpec({ hostNetwork: true }))).toEqual(["hostNamespaces", "hostPorts"]);
    expect(checks("baseline", withSpec({ containers: container({ privileged: true }) }))).toEqual(["privileged"]);
    expect(checks("baseline", withSpec({ containers: container({ capabilities: { add: ["NET_ADMIN"] } }) }))).toEqual(["capabilities_baseline"]);
    expect(checks("baseline", withSpec({}, { "container.apparmor.security.beta.kubernetes.io/c": "unconfined" }))).toEqual(["appArmorProfile"]);
    expect(checks("baseline", withSpec({ containers: container({ seLinuxOptions: { type: "spc_t" } }) }))).toEqual(["seLinuxOptions"]);
    expect(checks("baseline", withSpec({ containers: container({ seLinuxOptions: { type: "container_engine_t" } }) }), "v1.30")).toEqual(["seLinuxOptions"]);
    expect(checks("baseline", withSpec({ containers: container({ seLinuxOptions: { type: "container_engine_t" } }) }), "v1.31")).toEqual([]);
    expect(checks("baseline", withSpec({ containers: container({ procMount: "Unmasked" }) }))).toEqual(["procMount"]);
    expect(checks("baseline", withSpec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "Unconfined" } } }))).toEqual(["seccompProfile_baseline"]);
    expect(checks("baseline", withSpec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, sysctls: [{ name: "net.ipv4.tcp_rmem" }] } }), "v1.31")).toEqual(["sysctls"]);
    expect(checks("baseline", withSpec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, sysctls: [{ name: "net.ipv4.tcp_rmem" }] } }), "v1.32")).toEqual([]);
    expect(checks("baseline", withSpec({ containers: container({}, { readinessProbe: { httpGet: { host: "10.0.0.1" } } }) }), "v1.34")).toEqual(["hostProbesAndHostLifecycle"]);
    expect(checks("baseline", withSpec({ containers: container({}, { readinessProbe: { httpGet: { host: "10.0.0.1" } } }) }), "v1.33")).toEqual([]);
  });

  it("restricted violations, with their versions and the checks they replace", () => {
    const root = withSpec({ securityContext: { runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } } });
    expect(checks("baseline", root)).toEqual([]);
    expect(checks("restricted", root)).toEqual(["runAsNonRoot", "runAsUser"]);
    expect(checks("restricted", root, "v1.22")).toEqual(["runAsNonRoot"]); // runAsUser exists from 1.23
    expect(checks("restricted", withSpec({ volumes: [{ name: "h", hostPath: { path: "/var/log" } }] }))).toEqual(["restrictedVolumes"]); // replaces hostPathVolumes
    expect(checks("restricted", withSpec({ volumes: [{ name: "n", nfs: {} }] }))).toEqual(["restrictedVolumes"]);
    expect(checks("restricted", withSpec({ containers: container({ allowPrivilegeEscalation: undefined }) }))).toEqual(["allowPrivilegeEscalation"]);
    expect(checks("restricted", withSpec({ containers: container({ capabilities: { drop: ["NET_RAW"] } }) }))).toEqual(["capabilities_restricted"]);
    expect(checks("restricted", withSpec({ containers: container({ capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } }) }))).toEqual(["capabilities_restricted"]); // replaces capabilities_baseline
    expect(checks("restricted", withSpec({ securityContext: { runAsNonRoot: true } }))).toEqual(["seccompProfile_restricted"]);
    expect(checks("restricted", withSpec({ containers: container({ seccompProfile: { type: "Unconfined" } }) }))).toEqual(["seccompProfile_restricted"]); // replaces seccompProfile_baseline
    expect(checks("restricted", withSpec({ securityContext: { runAsNonRoot: true }, containers: container({ seccompProfile: { type: "Localhost" } }) }))).toEqual([]);
    expect(strictestLevel("v1.34", root)).toBe("baseline");
    expect(strictestLevel("v1.34", withSpec({ hostNetwork: true }))).toBe("privileged");
  });
});
