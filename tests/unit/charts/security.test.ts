/**
 * Hardening of every chart workload: the exact security settings the builders write (every scenario), that
 * nothing else in the values touches security, and that every rendered container of the inventory
 * (tests/fixtures/rendered-inventory.json, measured with helm template) is restricted — or is exactly one of the
 * documented HARDENING_EXCEPTIONS — because of a setting we make.
 */
import { chartValues } from "../../../components/charts/index";
import { INVENTORY, type InventoryRow } from "../../fixtures/inventory";
import { isPlainObject } from "../../../components/charts/merge";
import { OPERATOR_BUILT_CONTAINER_SECURITY } from "../../fixtures/facts";
import { agentCollectorSpec } from "../../../components/collectors/agent";
import { gatewayCollectorSpec } from "../../../components/collectors/gateway";
import type { ObserverConfig } from "../../../components/config";
import { auditContainerSecurity, HARDENING_EXCEPTIONS, type AuditFinding } from "../../../components/security/pod-security";
import { RELEASES } from "../../../components/endpoints";
import { CHARTS as PINS, type ChartKey } from "../../../components/versions";
import { cfg, CTX, SCENARIOS, type Scenario } from "./fixtures";
import { at, SECURITY_PATHS, withoutSecurity } from "./security-paths";

/** The restricted container context, spelled out. */
const C = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
const pod = (uid: number, gid: number, fsGroup?: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: gid,
  ...(fsGroup !== undefined ? { fsGroup } : {}),
  seccompProfile: { type: "RuntimeDefault" },
});

/** Every security value the builders set, by chart and path: the same in every scenario. */
const EXPECTED: Record<ChartKey, Record<string, unknown>> = {
  prometheusOperatorCrds: {},
  kubePrometheusStack: {
    "prometheusOperator.securityContext": pod(65534, 65534, 65534),
    "prometheusOperator.containerSecurityContext": C,
    "prometheusOperator.admissionWebhooks.patch.securityContext": pod(2000, 2000),
    "prometheusOperator.admissionWebhooks.createSecretJob": { securityContext: C },
    "prometheusOperator.admissionWebhooks.patchWebhookJob": { securityContext: C },
    "prometheus.prometheusSpec.securityContext": pod(1000, 2000, 2000),
    "alertmanager.alertmanagerSpec.securityContext": pod(1000, 2000, 2000),
    "grafana.securityContext": pod(472, 472, 472),
    "grafana.containerSecurityContext": C,
    "grafana.extraEmptyDirMounts": [{ name: "tmp", mountPath: "/tmp" }],
    "grafana.extraVolumes": [
      { name: "sc-dashboard-tmp", emptyDir: {} },
      { name: "sc-datasources-tmp", emptyDir: {} },
    ],
    "grafana.sidecar.securityContext": C,
    "grafana.sidecar.dashboards.extraMounts": [{ name: "sc-dashboard-tmp", mountPath: "/tmp" }],
    "grafana.sidecar.datasources.extraMounts": [{ name: "sc-datasources-tmp", mountPath: "/tmp" }],
    "kube-state-metrics.securityContext": { enabled: true, ...pod(65534, 65534, 65534) },
    "kube-state-metrics.containerSecurityContext": C,
    "prometheus-node-exporter.securityContext": pod(65534, 65534, 65534),
    "prometheus-node-exporter.containerSecurityContext": C,
    "prometheus-node-exporter.hostNetwork": true,
    "prometheus-node-exporter.hostPID": true,
  },
  loki: {
    "loki.podSecurityContext": pod(10001, 10001, 10001),
    "loki.containerSecurityContext": C,
    memcached: { podSecurityContext: pod(11211, 11211, 11211), containerSecurityContext: C },
    "memcachedExporter.containerSecurityContext": C,
  },
  tempo: {
    securityContext: pod(10001, 10001, 10001),
    "tempo.securityContext": C,
  },
  tempoDistributed: {
    tempo: { podSecurityContext: pod(1000, 1000, 1000), securityContext: C },
  },
  opentelemetryOperator: {
    securityContext: pod(65532, 65532, 65532),
    "manager.securityContext": C,
    "testFramework.securityContext": C,
  },
};

const CHARTS = Object.keys(EXPECTED) as ChartKey[];

describe("the builders' security settings, exactly", () => {
  it("SECURITY_PATHS and the expectations name the same paths", () => {
    for (const key of CHARTS) expect({ key, paths: [...SECURITY_PATHS[key]].sort() }).toEqual({ key, paths: Object.keys(EXPECTED[key]).sort() });
  });

  for (const scenario of SCENARIOS) {
    const values = chartValues(cfg(scenario), CTX);
    for (const key of CHARTS) {
      const v = values[key];
      if (v === undefined) continue;
      it(`${scenario}: ${key}`, () => {
        const actual = Object.fromEntries(SECURITY_PATHS[key].map((p) => [p, at(v, p)]));
        expect(actual).toEqual(EXPECTED[key]);
      });
    }
  }

  it("no other key of any values object touches security (a new one must be listed and asserted here)", () => {
    const SECURITY_KEY = /(^|[a-z])(securityContext|SecurityContext)$|^(hostNetwork|hostPID|hostIPC|hostUsers|privileged|capabilities|runAsUser|runAsNonRoot|allowPrivilegeEscalation|readOnlyRootFilesystem|seccompProfile|extraVolumes|extraVolumeMounts|extraEmptyDirMounts|extraMounts)$/;
    const stray: string[] = [];
    for (const scenario of SCENARIOS) {
      const values = chartValues(cfg(scenario), CTX);
      for (const key of CHARTS) {
        const v = values[key];
        if (v === undefined) continue;
        const walk = (o: Record<string, unknown>, prefix: string) => {
          for (const [k, child] of Object.entries(o)) {
            const p = prefix ? `${prefix}.${k}` : k;
            if (SECURITY_KEY.test(k)) stray.push(`${scenario}:${key}:${p}`);
            else if (isPlainObject(child)) walk(child, p);
          }
        };
        walk(withoutSecurity(key, v), "");
      }
    }
    expect(stray).toEqual([]);
  });

  it("the Grafana /tmp volumes are distinct and each is mounted by exactly one container", () => {
    const g = at(chartValues(cfg("prod"), CTX).kubePrometheusStack!, "grafana") as Record<string, unknown>;
    const volumes = [
      ...(at(g, "extraEmptyDirMounts") as { name: string }[]).map((m) => m.name),
      ...(at(g, "extraVolumes") as { name: string }[]).map((m) => m.name),
    ];
    const mounts = [
      ...(at(g, "extraEmptyDirMounts") as { name: string }[]),
      ...(at(g, "sidecar.dashboards.extraMounts") as { name: string }[]),
      ...(at(g, "sidecar.datasources.extraMounts") as { name: string }[]),
    ].map((m) => m.name);
    expect(new Set(volumes).size).toBe(3);
    expect(mounts.sort()).toEqual([...volumes].sort());
  });
});

// ---------------------------------------------------------------------------------------------------------
// The inventory: every rendered container is restricted, or exactly a documented exception, because of us.

const SCENARIO_OF: Record<InventoryRow["variant"], Scenario> = { dev: "dev", prod: "prod", "prod-kafka": "prodKafka" };
/** Chart key of a row's `chart` (its release name). */
const KEY_OF: Record<string, ChartKey> = Object.fromEntries((Object.keys(RELEASES) as ChartKey[]).filter((k) => k in PINS).map((k) => [RELEASES[k].name, k]));

/** Where a row's pod and container contexts come from: a values path of its chart, the operator, or our collector CR. */
type Source =
  | { readonly pod: string; readonly container: string }
  | { readonly pod: string; readonly container: "operator" }
  | { readonly collector: "gateway" | "agent" };

function sourceOf(r: InventoryRow): Source | undefined {
  if (r.source === "collector-cr") {
    return r.workload === "datalayer-log-agent-collector" ? { collector: "agent" } : r.workload === "datalayer-collector-collector" ? { collector: "gateway" } : undefined;
  }
  switch (r.chart) {
    case "kube-prometheus-stack":
      if (r.source === "operator") {
        if (r.workload === "prometheus-observer-prometheus") return { pod: "prometheus.prometheusSpec.securityContext", container: "operator" };
        if (r.workload === "alertmanager-observer-alertmanager") return { pod: "alertmanager.alertmanagerSpec.securityContext", container: "operator" };
        return undefined;
      }
      switch (r.workload) {
        case "observer-node-exporter":
          return { pod: "prometheus-node-exporter.securityContext", container: "prometheus-node-exporter.containerSecurityContext" };
        case "observer-kube-state-metrics":
          return { pod: "kube-state-metrics.securityContext", container: "kube-state-metrics.containerSecurityContext" };
        case "observer-operator":
          return { pod: "prometheusOperator.securityContext", container: "prometheusOperator.containerSecurityContext" };
        case "observer-admission-create":
          return { pod: "prometheusOperator.admissionWebhooks.patch.securityContext", container: "prometheusOperator.admissionWebhooks.createSecretJob.securityContext" };
        case "observer-admission-patch":
          return { pod: "prometheusOperator.admissionWebhooks.patch.securityContext", container: "prometheusOperator.admissionWebhooks.patchWebhookJob.securityContext" };
        case "observer-grafana":
          return { pod: "grafana.securityContext", container: r.container === "grafana" ? "grafana.containerSecurityContext" : "grafana.sidecar.securityContext" };
        default:
          return undefined;
      }
    case "loki":
      if (r.container === "memcached") return { pod: "memcached.podSecurityContext", container: "memcached.containerSecurityContext" };
      if (r.container === "exporter") return { pod: "memcached.podSecurityContext", container: "memcachedExporter.containerSecurityContext" };
      return { pod: "loki.podSecurityContext", container: "loki.containerSecurityContext" };
    case "tempo":
      return { pod: "securityContext", container: "tempo.securityContext" };
    case "tempo-distributed":
      return { pod: "tempo.podSecurityContext", container: "tempo.securityContext" };
    case "opentelemetry-operator":
      if (r.container === "manager") return { pod: "securityContext", container: "manager.securityContext" };
      if (r.container === "wget") return { pod: "securityContext", container: "testFramework.securityContext" };
      return undefined;
    default:
      return undefined;
  }
}

/** What we set for a row's pod and container (kube-state-metrics' `enabled` is the chart's switch, not rendered). */
function ours(r: InventoryRow, c: ObserverConfig): { pod: unknown; container: unknown } | undefined {
  const s = sourceOf(r);
  if (s === undefined) return undefined;
  if ("collector" in s) {
    const spec = (s.collector === "agent" ? agentCollectorSpec(c) : gatewayCollectorSpec(c)) as Record<string, unknown>;
    return { pod: spec.podSecurityContext, container: spec.securityContext };
  }
  const values = chartValues(c, CTX)[KEY_OF[r.chart]!]!;
  const podValues = at(values, s.pod);
  const { enabled: _enabled, ...podSc } = (isPlainObject(podValues) ? podValues : {}) as Record<string, unknown>;
  return {
    pod: podValues === undefined ? undefined : podSc,
    container: s.container === "operator" ? OPERATOR_BUILT_CONTAINER_SECURITY : at(values, s.container),
  };
}

function auditRow(r: InventoryRow): AuditFinding[] {
  const s = r.security;
  return auditContainerSecurity({
    securityContext: s.pod,
    hostNetwork: s.hostNetwork,
    hostPID: s.hostPID,
    hostIPC: s.hostIPC,
    ...(r.init ? { initContainers: [{ name: r.container, securityContext: s.container }] } : { containers: [{ name: r.container, securityContext: s.container }] }),
  } as Parameters<typeof auditContainerSecurity>[0]);
}

const exceptionFor = (r: InventoryRow) => HARDENING_EXCEPTIONS.find((e) => e.appliesTo.some((a) => a.chart === r.chart && a.workload === r.workload));
const rowId = (r: InventoryRow) => `${r.variant} ${r.chart} ${r.workload}/${r.container}`;

describe("every inventoried container (rendered by helm template) against the restricted defaults", () => {
  it("every row is covered by a security setting of ours (chart values, the operator's built-in context, or our collector CR)", () => {
    expect(INVENTORY.filter((r) => sourceOf(r) === undefined).map(rowId)).toEqual([]);
  });

  it("what rendered is what we set: every key we set appears with our value (chart defaults may add keys)", () => {
    for (const r of INVENTORY) {
      const mine = ours(r, cfg(SCENARIO_OF[r.variant]))!;
      expect({ row: rowId(r), pod: mine.pod !== undefined, container: mine.container !== undefined }).toEqual({ row: rowId(r), pod: true, container: true });
      expect({ row: rowId(r), ...r.security }).toMatchObject({ row: rowId(r), pod: mine.pod as object, container: mine.container as object });
    }
  });

  it("restricted unless a documented exception, and then exactly the findings it allows", () => {
    const problems: string[] = [];
    let compliant = 0;
    for (const r of INVENTORY) {
      const findings = auditRow(r);
      const allowed = exceptionFor(r)?.allowedFindings.filter((f) => f.container === "(pod)" || f.container === r.container) ?? [];
      if (findings.length === 0 && allowed.length === 0) compliant++;
      if (JSON.stringify(findings) !== JSON.stringify(allowed)) problems.push(`${rowId(r)}: ${JSON.stringify(findings)} (allowed ${JSON.stringify(allowed)})`);
    }
    expect(problems).toEqual([]);
    // Every row is fully restricted but the node exporter (dev, prod) and the log agent (dev, prod), the exceptions.
    expect(INVENTORY.filter((r) => exceptionFor(r) !== undefined).map(rowId).sort()).toEqual([
      "dev kube-prometheus-stack observer-node-exporter/node-exporter",
      "dev opentelemetry-operator datalayer-log-agent-collector/otc-container",
      "prod kube-prometheus-stack observer-node-exporter/node-exporter",
      "prod opentelemetry-operator datalayer-log-agent-collector/otc-container",
    ]);
    expect(compliant).toBe(INVENTORY.length - 4);
  });

  it("every exception names inventoried workloads and is needed by one of them (no stale exception)", () => {
    for (const e of HARDENING_EXCEPTIONS) {
      for (const a of e.appliesTo) {
        const rows = INVENTORY.filter((r) => r.chart === a.chart && r.workload === a.workload);
        expect({ exception: e.workload, ...a, inventoried: rows.length > 0 }).toEqual({ exception: e.workload, ...a, inventoried: true });
        expect({ exception: e.workload, ...a, used: rows.some((r) => auditRow(r).length > 0) }).toEqual({ exception: e.workload, ...a, used: true });
      }
      expect({ exception: e.workload, findings: e.allowedFindings.length > 0 }).toEqual({ exception: e.workload, findings: e.appliesTo.length > 0 });
    }
  });

  it("host paths: only the exceptions mount any; node exporter's are all read-only, the log agent writes only its checkpoint directory", () => {
    const withHostPaths = INVENTORY.filter((r) => (r.security.hostPaths ?? []).length > 0);
    expect([...new Set(withHostPaths.map((r) => `${r.chart} ${r.workload}`))].sort()).toEqual([
      "kube-prometheus-stack observer-node-exporter",
      "opentelemetry-operator datalayer-log-agent-collector",
    ]);
    for (const r of withHostPaths.filter((x) => x.workload === "observer-node-exporter")) {
      expect(r.security.hostPaths).toEqual([
        { path: "/proc", mountPath: "/host/proc", readOnly: true },
        { path: "/sys", mountPath: "/host/sys", readOnly: true },
        { path: "/", mountPath: "/host/root", readOnly: true },
      ]);
    }
    for (const r of withHostPaths.filter((x) => x.workload === "datalayer-log-agent-collector")) {
      expect(r.security.hostPaths).toEqual([
        { path: "/var/log/pods", mountPath: "/var/log/pods", readOnly: true },
        { path: "/var/lib/docker/containers", mountPath: "/var/lib/docker/containers", readOnly: true },
        { path: "/var/lib/observer/datalayer-observer/log-agent", mountPath: "/var/lib/otelcol/agent", readOnly: false },
      ]);
    }
  });

  it("the audit over the inventory can fail (a chart default without our settings is caught)", () => {
    const grafana = INVENTORY.find((r) => r.workload === "observer-grafana" && r.container === "grafana")!;
    // Grafana 12.11.1's own container default: no readOnlyRootFilesystem, no runAsNonRoot (measured before this change).
    const chartDefault = { ...grafana, security: { ...grafana.security, container: { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } } } };
    expect(auditRow(chartDefault)).toEqual([{ container: "grafana", problem: "readOnlyRootFilesystem is not true" }]);
    expect(exceptionFor(chartDefault)).toBeUndefined();
  });
});
