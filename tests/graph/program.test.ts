/**
 * Whole-program graph tests: index.ts runs under mocks for both profiles and a recorder sees every
 * resource with its parent, dependencies, provider and options.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Recorded, type RunResult, byType, indexByUrn, one, outputValue, runProgram } from "../helpers/mocks";
import { DEV_CONFIG, PROD_CONFIG } from "../helpers/fixtures";

type Exports = Record<string, unknown>;
const RELEASE = "kubernetes:helm.sh/v3:Release";
const load = () => require("../../index") as Exports;

const runs: Record<"dev" | "prod", RunResult<Exports>> = {} as never;
beforeAll(async () => {
  runs.dev = await runProgram<Exports>(DEV_CONFIG, load, { stack: "dev" });
  runs.prod = await runProgram<Exports>(PROD_CONFIG, load, { stack: "prod" });
});

const short = (urn: string) => urn.split("::").pop()!;
/** The resource's transitive dependency closure (names). */
function closure(resources: Recorded[], r: Recorded): Set<string> {
  const idx = indexByUrn(resources);
  const seen = new Set<string>();
  const stack = [...r.dependencies];
  while (stack.length) {
    const u = stack.pop()!;
    if (seen.has(u)) continue;
    seen.add(u);
    stack.push(...(idx.get(u)?.dependencies ?? []));
  }
  return new Set([...seen].map(short));
}

describe.each(["dev", "prod"] as const)("%s profile", (profile) => {
  const res = () => runs[profile].resources;

  test("exact release names, charts and pinned versions", () => {
    const releases = byType(res(), RELEASE).map((r) => [r.name, r.inputs.name, r.inputs.chart, r.inputs.version]);
    expect(releases.sort()).toEqual(
      [
        ["observer-prometheus-operator-crds", "prometheus-operator-crds", "prometheus-operator-crds", "31.0.1"],
        ["observer-kube-prometheus-stack", "kube-prometheus-stack", "kube-prometheus-stack", "88.5.3"],
        ["observer-loki", "loki", "loki", "18.11.0"],
        ["observer-tempo", "tempo", "tempo", "2.2.4"],
        ["observer-opentelemetry-operator", "opentelemetry-operator", "opentelemetry-operator", "0.122.0"],
      ].sort(),
    );
    for (const r of byType(res(), RELEASE)) {
      expect(r.inputs.namespace).toBe("datalayer-observer");
      expect(r.inputs.createNamespace).toBe(false);
      expect(r.inputs.timeout).toBeGreaterThanOrEqual(300);
    }
  });

  test("the four stage-2 releases depend on stage 1 and not on each other", () => {
    const stage2 = ["observer-kube-prometheus-stack", "observer-loki", "observer-tempo", "observer-opentelemetry-operator"];
    for (const name of stage2) {
      const deps = closure(res(), one(res(), RELEASE, name));
      expect(deps.has("observer-prometheus-operator-crds")).toBe(true);
      expect(deps.has("observer-namespace")).toBe(true);
      for (const other of stage2.filter((n) => n !== name)) expect(deps.has(other)).toBe(false);
    }
  });

  test("every custom resource depends on the release(s) serving its CRD", () => {
    const crs = res().filter((r) => r.custom && /^kubernetes:(opentelemetry\.io|monitoring\.coreos\.com)\//.test(r.type));
    expect(crs.length).toBeGreaterThan(0);
    for (const cr of crs) {
      const deps = closure(res(), cr);
      if (cr.type.startsWith("kubernetes:opentelemetry.io/")) {
        expect([cr.name, deps.has("observer-opentelemetry-operator")]).toEqual([cr.name, true]);
      } else {
        expect([cr.name, deps.has("observer-prometheus-operator-crds"), deps.has("observer-kube-prometheus-stack")]).toEqual([cr.name, true, true]);
      }
    }
  });

  test("every resource is parented under the Observer tree and uses the one explicit provider", () => {
    const providers = byType(res(), "pulumi:providers:kubernetes");
    expect(providers.map((p) => p.name)).toEqual(["kubernetes"]);
    expect(providers[0]!.inputs.enableServerSideApply).toBe("true");
    // Fixed-name Secrets and ConfigMaps are updated in place, never replaced (a replace deletes what pods mount).
    expect(providers[0]!.inputs.enableSecretMutable).toBe("true");
    expect(providers[0]!.inputs.enableConfigMapMutable).toBe("true");
    const root = one(res(), "observer:index:Observer", "observer");
    const idx = indexByUrn(res());
    for (const r of res()) {
      if (r === root || r.type.startsWith("pulumi:providers:")) continue;
      // Walk up to the root.
      let p = r.parent;
      let depth = 0;
      while (p && p !== root.urn && depth++ < 10) p = idx.get(p)?.parent;
      expect([r.type, r.name, p]).toEqual([r.type, r.name, root.urn]);
      if (r.custom && r.type.startsWith("kubernetes:")) {
        expect([r.name, r.provider?.split("::")[3]?.startsWith("kubernetes")]).toEqual([r.name, true]);
        expect(r.provider).toContain("pulumi:providers:kubernetes::kubernetes::");
      }
    }
  });

  test("no Secret or ConfigMap carries an empty data map (pulumi-kubernetes#3538 diffs it on every up and replaces the object)", () => {
    const empty = res()
      .filter((r) => r.type === "kubernetes:core/v1:Secret" || r.type === "kubernetes:core/v1:ConfigMap")
      .flatMap((r) =>
        (["data", "stringData", "binaryData"] as const)
          .filter((k) => k in r.inputs && (r.inputs[k] === null || Object.keys(r.inputs[k] as object).length === 0))
          .map((k) => `${r.name}.${k}`),
      );
    expect(empty).toEqual([]);
  });

  test("the namespace, whose beforeCreate hook refuses a second Observer, comes before every other Kubernetes object", () => {
    const first = res().filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.name !== "observer-namespace" && r.readId === undefined && !closure(res(), r).has("observer-namespace"));
    expect(first.map((r) => r.name)).toEqual([]);
  });

  test("lifecycle hooks: install and CRD pre-flights, operator and per-CR finalizer cleanup", () => {
    expect(one(res(), "kubernetes:core/v1:Namespace", "observer-namespace").options.hooks).toEqual({ beforeCreate: ["observer-install-conflicts-preflight"] });
    expect(one(res(), RELEASE, "observer-prometheus-operator-crds").options.hooks).toEqual({ beforeCreate: ["observer-prometheus-crds-preflight"] });
    expect(one(res(), RELEASE, "observer-opentelemetry-operator").options.hooks).toEqual({ beforeDelete: ["observer-otel-operator-finalizers"] });
    const otel = res().filter((r) => r.type.startsWith("kubernetes:opentelemetry.io/"));
    for (const cr of otel) expect([cr.name, cr.options.hooks]).toEqual([cr.name, { beforeDelete: ["observer-otel-cr-finalizers"] }]);
    const others = res().filter((r) => !r.type.startsWith("kubernetes:opentelemetry.io/") && Object.keys(r.options.hooks).length > 0);
    expect(others.map((r) => r.name).sort()).toEqual(["observer-namespace", "observer-opentelemetry-operator", "observer-prometheus-operator-crds"]);
  });

  test("NetworkPolicies: default deny first, every policy in our namespace, after the namespace", () => {
    const nps = byType(res(), "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(nps.length).toBeGreaterThan(10);
    const deny = nps.find((n) => (n.inputs.metadata as { name: string }).name === "observer-default-deny");
    expect(deny?.inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    for (const n of nps) {
      expect((n.inputs.metadata as { namespace: string }).namespace).toBe("datalayer-observer");
      expect(closure(res(), n).has("observer-namespace")).toBe(true);
    }
  });

  test("nothing is protected (destroy must be able to step over everything)", () => {
    expect(res().filter((r) => r.options.protect).map((r) => r.name)).toEqual([]);
  });

  test("the Grafana admin password is a Pulumi secret and lives only in the admin Secret", async () => {
    const { value, secret } = await outputValue(runs[profile].exports.grafanaAdminPassword as never);
    expect(secret).toBe(true);
    expect(value).toBe("mock-password-observer-grafana-admin-password");
    const secretRes = one(res(), "kubernetes:core/v1:Secret", "observer-grafana-admin");
    expect(JSON.stringify(secretRes.inputs)).toContain("mock-password-observer-grafana-admin-password");
    const elsewhere = res().filter((r) => r !== secretRes && r.type !== "random:index/randomPassword:RandomPassword" && JSON.stringify(r.inputs).includes("mock-password"));
    expect(elsewhere.map((r) => r.name)).toEqual([]);
  });

  test("kube-prometheus-stack reads the admin Secret and depends on it", () => {
    const kps = one(res(), RELEASE, "observer-kube-prometheus-stack");
    const values = kps.inputs.values as { grafana: { admin: Record<string, string>; podAnnotations: Record<string, string> } };
    expect(values.grafana.admin).toEqual({ existingSecret: "observer-grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    expect(values.grafana.podAnnotations["checksum/admin-secret"]).toMatch(/^[0-9a-f]{64}$/);
    expect(closure(res(), kps).has("observer-grafana-admin")).toBe(true);
  });
});

test("the namespace is retained on destroy in prod only; the CRD release never is (its CRDs carry Helm's keep policy)", () => {
  const opt = (p: "dev" | "prod", type: string, name: string) => one(runs[p].resources, type, name).options.retainOnDelete;
  // A retained release leaves its Helm record behind and the next install fails with "cannot re-use a name that
  // is still in use" (seen on the real engine, tests/engine/prod.engine.test.ts step 5).
  expect(opt("dev", RELEASE, "observer-prometheus-operator-crds")).toBe(false);
  expect(opt("prod", RELEASE, "observer-prometheus-operator-crds")).toBe(false);
  expect(opt("dev", "kubernetes:core/v1:Namespace", "observer-namespace")).toBe(false);
  expect(opt("prod", "kubernetes:core/v1:Namespace", "observer-namespace")).toBe(true);
});

test("outputs: Grafana URL, port-forward, OTLP endpoints, namespace", async () => {
  const e = runs.dev.exports;
  expect((await outputValue(e.grafanaUrl as never)).value).toBe("http://localhost:3000");
  expect((await outputValue(e.grafanaPortForward as never)).value).toBe(
    "kubectl --namespace datalayer-observer port-forward service/observer-grafana 3000:80",
  );
  expect((await outputValue(e.otlpGrpcEndpoint as never)).value).toBe("http://datalayer-collector-collector.datalayer-observer.svc.cluster.local:4317");
  expect((await outputValue(e.otlpHttpEndpoint as never)).value).toBe("http://datalayer-collector-collector.datalayer-observer.svc.cluster.local:4318");
  expect((await outputValue(e.namespace as never)).value).toBe("datalayer-observer");
  expect((await outputValue(e.grafanaAdminUser as never)).value).toBe("admin");
  expect((await outputValue(runs.prod.exports.grafanaUrl as never)).value).toBe("https://observer.example.com/grafana");
});

test("a second run with the same config registers identical inputs (no diff on a second up)", async () => {
  const again = await runProgram<Exports>(DEV_CONFIG, load, { stack: "dev" });
  const snapshot = (r: RunResult<Exports>) =>
    Object.fromEntries(r.resources.map((x) => [`${x.type}::${x.name}`, JSON.stringify([x.inputs, x.dependencies.slice().sort(), x.options])]));
  expect(snapshot(again)).toEqual(snapshot(runs.dev));
});

test("invalid config registers nothing and fails with the config error", async () => {
  const err = await runProgram({ ...DEV_CONFIG, "observer:namespace": "Not_Valid" }, load).then(
    () => undefined,
    (e: Error & { registered?: Recorded[] }) => e,
  );
  expect(err?.message).toMatch(/observer:namespace: expected a DNS-1123 label/);
  expect(err?.registered).toEqual([]);
});

test("the dev passphrase is refused outside the dev stack", async () => {
  await expect(
    runProgram(PROD_CONFIG, load, { stack: "prod", env: { PULUMI_CONFIG_PASSPHRASE: "observer-dev-only-insecure" } }),
  ).rejects.toThrow(/refuses the dev passphrase/);
});

test("the dev passphrase is refused for the prod profile even on a stack named dev", async () => {
  await expect(
    runProgram(PROD_CONFIG, load, { stack: "dev", env: { PULUMI_CONFIG_PASSPHRASE: "observer-dev-only-insecure", PULUMI_CONFIG_PASSPHRASE_FILE: undefined } }),
  ).rejects.toThrow(/Stack "dev" \(profile prod\) refuses the dev passphrase/);
});

test("the dev passphrase is refused when it comes from PULUMI_CONFIG_PASSPHRASE_FILE (as the CLI reads it: trimmed)", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-pass-"));
  const file = path.join(dir, "passphrase");
  try {
    fs.writeFileSync(file, "observer-dev-only-insecure\n");
    await expect(
      runProgram(PROD_CONFIG, load, { stack: "prod", env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: file } }),
    ).rejects.toThrow(/refuses the dev passphrase \(from PULUMI_CONFIG_PASSPHRASE_FILE/);
    // A real passphrase in the file is fine.
    fs.writeFileSync(file, "a-real-secret\n");
    await expect(runProgram(PROD_CONFIG, load, { stack: "prod", env: { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: file } })).resolves.toBeDefined();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
