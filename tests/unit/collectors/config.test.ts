import { ConfigError, parseConfig } from "../../../components/config";
import { devConfig, prodConfig } from "./fixtures";

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("collectors config", () => {
  it("defaults (dev)", () => {
    const c = devConfig();
    expect([c.metrics, c.instrumentation, c.collectors]).toEqual([
      { jobLabel: "otel" },
      { namespaces: ["datalayer-observer", "datalayer-runtimes"] },
      { gateway: { replicas: 1, maxReplicas: 6, queueStorage: "4Gi" }, agent: { hostPath: "/var/lib/observer/datalayer-observer/log-agent" } },
    ]);
  });

  it("defaults (prod)", () => {
    expect(prodConfig().collectors.gateway).toEqual({ replicas: 2, maxReplicas: 6, queueStorage: "4Gi" });
  });

  it("instrumentation namespaces follow namespace and kernels.namespace", () => {
    expect(devConfig({ namespace: "obs", kernels: { namespace: "k" } }).instrumentation.namespaces).toEqual(["obs", "k"]);
  });

  it.each([
    [{ metrics: { jobLabel: "prom" } }, "observer:metrics.jobLabel: expected 'otel' or 'legacy'"],
    [{ metrics: { joblabel: "otel" } }, "observer:metrics.joblabel: unknown key (a typo?); known keys here: jobLabel"],
    [{ instrumentation: { namespaces: [] } }, "observer:instrumentation.namespaces: expected at least one namespace"],
    [{ instrumentation: { namespaces: ["Bad_NS"] } }, "observer:instrumentation.namespaces[0]: expected a Kubernetes namespace name (DNS-1123 label)"],
    [{ instrumentation: { namespaces: ["a", "a"] } }, "observer:instrumentation.namespaces[1]: duplicate namespace 'a'"],
    [{ collectors: { gateway: { replicas: 0 } } }, "observer:collectors.gateway.replicas: expected a whole number from 1 to 50"],
    [{ collectors: { gateway: { replicas: 4, maxReplicas: 3 } } }, "observer:collectors.gateway.maxReplicas: must be at least collectors.gateway.replicas (4)"],
    [{ collectors: { gateway: { queueStorage: "4 GB" } } }, "observer:collectors.gateway.queueStorage: expected a Kubernetes quantity such as '4Gi'"],
    [{ collectors: { agent: { hostPath: "relative/dir" } } }, "observer:collectors.agent.hostPath: expected an absolute directory path such as '/var/lib/observer'"],
    [{ collectors: { agent: { hostPath: "/var/../etc" } } }, "observer:collectors.agent.hostPath: expected an absolute path without '..'"],
  ])("rejects %j", (raw, message) => {
    expect(problems(raw)).toEqual([message]);
  });
});
