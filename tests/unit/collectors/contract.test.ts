/**
 * The metadata contract, row by row: for traces, metrics and logs, the collectors' configs are
 * executed on a sample pod's telemetry by a small interpreter of exactly the statement forms we
 * generate (it throws on anything else, so it cannot pass by ignoring a statement), and every
 * contract attribute must come out with the expected value. This catches the old chart's bug:
 * an attribute written under one name and read under another.
 */
import { CONTRACT, POOL_POD_LABELS, APP_POD_LABEL, PROMETHEUS_PROMOTED_ATTRIBUTES } from "../../../components/contract";
import { contractStatements, producerFor } from "../../../components/collectors/contract";
import { LOKI_INDEX_LABELS } from "../../helpers/contract";
import { gatewayConfig } from "../../../components/collectors/gateway";
import { agentConfig } from "../../../components/collectors/agent";
import { devConfig } from "./fixtures";

type Attrs = Record<string, string>;

const POD = {
  namespace: "datalayer-api",
  name: "iam-7d9f-abcde",
  uid: "0d9b4b7e-5f1c-4c6e-9a55-1f0e2c3d4b5a",
  ip: "10.0.0.7",
  container: "iam",
  labels: {
    [APP_POD_LABEL]: "iam",
    [POOL_POD_LABELS["datalayer.pool.name"]]: "pool-a",
    [POOL_POD_LABELS["datalayer.pool.status"]]: "running",
    [POOL_POD_LABELS["datalayer.pool.user"]]: "user-1",
    [POOL_POD_LABELS["datalayer.pool.type"]]: "python",
    [POOL_POD_LABELS["datalayer.pool.reservation"]]: "res-9",
  } as Record<string, string>,
};

const EXPECTED: Record<string, string> = {
  "service.name": "iam-service",
  "service.namespace": POD.namespace,
  "service.instance.id": POD.uid,
  app: "iam",
  namespace: POD.namespace,
  pod: POD.name,
  cluster: "local",
  instance: POD.uid,
  "datalayer.pool.name": "pool-a",
  "datalayer.pool.status": "running",
  "datalayer.pool.user": "user-1",
  "datalayer.pool.type": "python",
  "datalayer.pool.reservation": "res-9",
};

/** What k8sattributes adds for POD, following its config (metadata list + label rules). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function applyK8sAttributes(proc: any, attrs: Attrs): Attrs {
  const out = { ...attrs };
  const meta: Record<string, string> = {
    "k8s.namespace.name": POD.namespace,
    "k8s.pod.name": POD.name,
    "k8s.pod.uid": POD.uid,
    "k8s.node.name": "node-1",
    "k8s.container.name": POD.container,
  };
  for (const m of proc.extract.metadata as string[]) {
    if (meta[m] === undefined) throw new Error(`unexpected metadata ${m}`);
    out[m] = meta[m]!;
  }
  for (const rule of proc.extract.labels as { tag_name: string; key: string; from: string }[]) {
    expect(rule.from).toBe("pod");
    const v = POD.labels[rule.key];
    if (v !== undefined) out[rule.tag_name] = v;
  }
  return out;
}

const ATTR = /^resource\.attributes\["([^"]+)"\]$/;
function get(expr: string, attrs: Attrs): string | undefined {
  const m = ATTR.exec(expr.trim());
  if (m) return attrs[m[1]!];
  const s = /^"(.*)"$/.exec(expr.trim());
  if (s) return JSON.parse(expr.trim()) as string;
  throw new Error(`interpreter: unsupported value ${expr}`);
}
function cond(c: string, attrs: Attrs): boolean {
  return c.split(/\s+and\s+/).every((part) => {
    let p = part.trim();
    if (p.startsWith("(") && p.endsWith(")")) {
      return p
        .slice(1, -1)
        .split(/\s+or\s+/)
        .some((alt) => cond(alt, attrs));
    }
    const isMatch = /^IsMatch\((.+), "(.+)"\)$/.exec(p);
    if (isMatch) {
      const v = get(isMatch[1]!, attrs);
      return v !== undefined && new RegExp(isMatch[2]!).test(v);
    }
    const cmp = /^(.+?) (==|!=) (nil|".*")$/.exec(p);
    if (!cmp) throw new Error(`interpreter: unsupported condition ${p}`);
    const left = get(cmp[1]!, attrs);
    const right = cmp[3] === "nil" ? undefined : (JSON.parse(cmp[3]!) as string);
    p = "";
    return cmp[2] === "==" ? left === right : left !== right;
  });
}
/** Runs resource-context statements of the forms contractStatements/agent emit. */
function run(statements: string[], attrs: Attrs): Attrs {
  const out = { ...attrs };
  for (const st of statements) {
    const del = /^delete_key\(resource\.attributes, "([^"]+)"\)$/.exec(st);
    if (del) {
      delete out[del[1]!];
      continue;
    }
    const m = /^set\((resource\.attributes\["[^"]+"\]), (.+?)\)(?: where (.+))?$/.exec(st);
    if (!m) throw new Error(`interpreter: unsupported statement ${st}`);
    if (m[3] !== undefined && !cond(m[3], out)) continue;
    const v = get(m[2]!, out);
    if (v !== undefined) out[ATTR.exec(m[1]!)![1]!] = v;
  }
  return out;
}

const cfg = devConfig();
const gw = gatewayConfig(cfg) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
const ag = agentConfig(cfg) as any; // eslint-disable-line @typescript-eslint/no-explicit-any

function throughGateway(signal: "traces" | "metrics" | "logs", sdk: Attrs): Attrs {
  const pipeline = gw.service.pipelines[signal];
  let attrs = { ...sdk };
  for (const p of pipeline.processors as string[]) {
    if (p === "k8s_attributes") attrs = applyK8sAttributes(gw.processors[p], attrs);
    if (p === "transform/contract") {
      const key = { traces: "trace_statements", metrics: "metric_statements", logs: "log_statements" }[signal];
      attrs = run(gw.processors[p][key], attrs);
    }
  }
  return attrs;
}

function throughAgent(fromLine: string | undefined): Attrs {
  // The filelog container parser sets these from the path; the python-otel move operator sets service.name.
  let attrs: Attrs = {
    "k8s.namespace.name": POD.namespace,
    "k8s.pod.name": POD.name,
    "k8s.pod.uid": POD.uid,
    "k8s.container.name": POD.container,
    "k8s.container.restart_count": "0",
  };
  if (fromLine !== undefined) attrs["service.name"] = fromLine;
  for (const p of ag.service.pipelines.logs.processors as string[]) {
    if (p === "k8s_attributes") attrs = applyK8sAttributes(ag.processors[p], attrs);
    if (p === "transform/contract") attrs = run(ag.processors[p].log_statements, attrs);
  }
  return attrs;
}

describe("every contract row is produced under the name that is read", () => {
  const signals = ["traces", "metrics", "logs"] as const;
  const rows = CONTRACT.map((r) => [r.attribute] as const);

  it.each(signals.flatMap((s) => rows.map(([a]) => [s, a] as const)))("gateway %s: %s", (signal, attribute) => {
    const out = throughGateway(signal, { "service.name": "iam-service", "k8s.pod.ip": POD.ip });
    expect(out[attribute]).toBe(EXPECTED[attribute]);
  });

  it.each(rows)("agent logs: %s (service.name from the line)", (attribute) => {
    expect(throughAgent("iam-service")[attribute]).toBe(EXPECTED[attribute]);
  });

  it("agent logs: service.name falls back to the container name only when the line has none", () => {
    expect(throughAgent(undefined)["service.name"]).toBe(POD.container);
    expect(throughAgent("iam-service")["service.name"]).toBe("iam-service");
  });

  it("gateway: an SDK's unknown_service placeholder is replaced by the container name", () => {
    expect(throughGateway("traces", { "service.name": "unknown_service:python" })["service.name"]).toBe(POD.container);
  });

  it("gateway: service.namespace and service.instance.id follow Kubernetes even if the SDK set others", () => {
    const out = throughGateway("metrics", { "service.name": "x", "service.namespace": "sdk-ns", "service.instance.id": "random" });
    expect(out["service.namespace"]).toBe(POD.namespace);
    expect(out["service.instance.id"]).toBe(POD.uid);
  });

  it("the cluster comes from config", () => {
    const other = gatewayConfig(devConfig({ clusterName: "eu-prod-3" })) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(run(other.processors["transform/contract"].trace_statements, {})).toEqual({ cluster: "eu-prod-3" });
  });

  it("each row has a producer, and a row without one is rejected", () => {
    CONTRACT.forEach((r) => expect(() => producerFor(r)).not.toThrow());
    expect(() => contractStatements("c", [{ attribute: "new.attr", promLabel: "new_attr", loki: "index", source: "?" }])).toThrow(
      /metadata contract row 'new.attr' has no producer/,
    );
  });

  it("the whole contract reaches Prometheus under the table's label names: promoted, or `instance` set by the OTLP receiver", () => {
    // Prometheus' OTLP receiver sets `instance` from service.instance.id itself (tests/tools/metrics-roundtrip.test.ts).
    expect([...PROMETHEUS_PROMOTED_ATTRIBUTES, "instance"].sort()).toEqual(CONTRACT.map((r) => r.attribute).sort());
    // Prometheus (UnderscoreEscapingWithSuffixes) replaces every character outside [a-zA-Z0-9_] by '_'.
    expect(PROMETHEUS_PROMOTED_ATTRIBUTES.map((a) => a.replace(/[^a-zA-Z0-9_]/g, "_"))).toEqual(
      CONTRACT.filter((r) => r.attribute !== "instance").map((r) => r.promLabel),
    );
  });

  it("Loki index labels are the four the issue names", () => {
    expect([...LOKI_INDEX_LABELS].sort()).toEqual(["app", "cluster", "namespace", "service_name"]);
  });
});
