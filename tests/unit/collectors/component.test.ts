/**
 * The Collectors component under mocks: children, fixed names, parents, dependsOn and hooks.
 */
import type * as pulumiType from "@pulumi/pulumi";
import { runProgram, type Recorded } from "../../helpers/mocks";

async function build(raw: Record<string, unknown> = {}, withHook = true) {
  const config = Object.fromEntries(Object.entries(raw).map(([k, v]) => [`observer:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));
  return runProgram(config, () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const pulumi: typeof pulumiType = require("@pulumi/pulumi");
    const { Collectors } = require("../../../components/collectors");
    const { parseConfig } = require("../../../components/config");
    /* eslint-enable @typescript-eslint/no-require-imports */
    class Fake extends pulumi.CustomResource {
      constructor(name: string) {
        super("test:index:Release", name, {});
      }
    }
    const operator = new Fake("operator");
    const crds = new Fake("crds");
    const kps = new Fake("kps");
    const hook = withHook ? new pulumi.ResourceHook("cleanup", async () => {}) : undefined;
    new Collectors("collectors", {
      config: parseConfig(raw),
      operatorRelease: operator,
      monitoringReady: [crds, kps],
      labels: { "app.kubernetes.io/managed-by": "observer" },
      ...(hook ? { hooks: { beforeDelete: hook } } : {}),
    });
    return {};
  });
}

const urnOf = (rs: Recorded[], name: string) => rs.find((r) => r.name === name)!.urn;

describe("Collectors component", () => {
  it("creates the expected children with fixed names, parented to the component", async () => {
    const { resources } = await build();
    const component = resources.find((r) => r.type === "observer:collectors:Collectors")!;
    const children = resources.filter((r) => r.parent === component.urn);
    expect(children.map((r) => [r.type, r.name, (r.inputs.metadata as { name: string }).name]).sort()).toEqual(
      [
        ["kubernetes:core/v1:ServiceAccount", "collectors-gateway-sa", "observer-gateway"],
        ["kubernetes:core/v1:ServiceAccount", "collectors-agent-sa", "observer-log-agent"],
        ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "collectors-clusterrole", "observer-collectors-datalayer-observer"],
        ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "collectors-clusterrolebinding", "observer-collectors-datalayer-observer"],
        ["kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector", "collectors-gateway", "datalayer-collector"],
        ["kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector", "collectors-agent", "datalayer-log-agent"],
        ["kubernetes:opentelemetry.io/v1alpha1:Instrumentation", "collectors-instrumentation-datalayer-observer", "datalayer-instrumentation"],
        ["kubernetes:opentelemetry.io/v1alpha1:Instrumentation", "collectors-instrumentation-datalayer-runtimes", "datalayer-instrumentation"],
        ["kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "collectors-gateway-monitor", "datalayer-collector-collector-self"],
        ["kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "collectors-agent-monitor", "datalayer-log-agent-collector-self"],
      ].sort(),
    );
  });

  it("orders CRs after the operator and RBAC, and ServiceMonitors after the monitoring stack", async () => {
    const { resources } = await build();
    const operator = urnOf(resources, "operator");
    const deps = (name: string) => resources.find((r) => r.name === name)!.dependencies;
    expect(deps("collectors-gateway")).toEqual(
      expect.arrayContaining([operator, urnOf(resources, "collectors-gateway-sa"), urnOf(resources, "collectors-clusterrolebinding")]),
    );
    expect(deps("collectors-agent")).toEqual(
      expect.arrayContaining([operator, urnOf(resources, "collectors-agent-sa"), urnOf(resources, "collectors-clusterrolebinding")]),
    );
    expect(deps("collectors-instrumentation-datalayer-runtimes")).toEqual([operator]);
    for (const m of ["collectors-gateway-monitor", "collectors-agent-monitor"]) {
      expect([...deps(m)].sort()).toEqual([urnOf(resources, "crds"), urnOf(resources, "kps")].sort());
    }
  });

  it("attaches the beforeDelete hook to every OpenTelemetry CR and nothing else", async () => {
    const { resources } = await build();
    for (const r of resources) {
      const expected = r.type.startsWith("kubernetes:opentelemetry.io/") ? ["cleanup"] : [];
      expect([r.name, r.options.hooks["beforeDelete"] ?? []]).toEqual([r.name, expected]);
    }
  });

  it("sets the waitFor annotation and the contract's cluster on the gateway", async () => {
    const { resources } = await build({ clusterName: "eu-1" });
    const gw = resources.find((r) => r.name === "collectors-gateway")!;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const inputs = gw.inputs as any;
    expect(inputs.metadata.annotations).toEqual({ "pulumi.com/waitFor": '["condition=Ready","jsonpath={.status.scale.statusReplicas}=1/1"]' });
    expect(inputs.spec.config.processors["transform/contract"].trace_statements).toContain('set(resource.attributes["cluster"], "eu-1")');
  });
});
