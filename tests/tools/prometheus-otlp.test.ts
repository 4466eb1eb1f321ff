/**
 * Pushed metrics get the metadata contract's labels: checked with a real Prometheus 3.14 (the version
 * kube-prometheus-stack 88.5.3 runs), not against our own constant.
 *
 * - Prometheus' OTLP settings are the rendered Prometheus CR's (tests/fixtures/rendered-facts.json: `helm template` of
 *   kube-prometheus-stack with our values), written into prometheus.yml as the Prometheus Operator does
 *   (pkg/prometheus/promcfg.go: `otlp.promoteResourceAttributes` → `otlp.promote_resource_attributes`,
 *   `keepIdentifyingResourceAttributes` → `keep_identifying_resource_attributes`; `enableOTLPReceiver` →
 *   `--web.enable-otlp-receiver`).
 * - One OTLP/JSON gauge is pushed to /api/v1/otlp/v1/metrics with every contract resource attribute, as the gateway
 *   writes them (the `instance` attribute carries the pod UID, like `service.instance.id`).
 * - The labels Prometheus stores must be exactly the documented contract table (docs/pipelines.md) (its "Prometheus label" column), plus
 *   `job` = `service.namespace/service.name` and `instance` = `service.instance.id` (its `job` paragraph).
 *
 * Binary: $OBSERVER_PROMETHEUS_BIN, else the real-engine toolchain's (${XDG_CACHE_HOME:-~/.cache}/observer/engine/bin/prometheus,
 * built by `tests/engine/toolchain/build.sh prometheus`; .ci/run does this). Missing → the tests fail saying so.
 * Prometheus listens on 127.0.0.1 only. The wait below waits for readiness (with a deadline); nothing asserts on durations.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadFacts } from "../fixtures/facts";
import { freePort } from "../helpers/processes";

const VERSION = "3.14.0";
const BIN =
  process.env["OBSERVER_PROMETHEUS_BIN"] ||
  path.join(process.env["XDG_CACHE_HOME"] || path.join(os.homedir(), ".cache"), "observer", "engine", "bin", "prometheus");
const CONTRACT_DOC = path.resolve(__dirname, "../../docs/pipelines.md");
const FACTS = loadFacts();

/** The documented contract table (docs/pipelines.md): resource attribute → Prometheus label (the `a` / `.b` shorthand expanded). */
function contractTable(): [string, string][] {
  const text = fs.readFileSync(CONTRACT_DOC, "utf8");
  const start = text.indexOf("| Resource attribute | Prometheus label |");
  if (start < 0) throw new Error("docs/pipelines.md has no contract table");
  const lines = text.slice(start).split("\n").slice(2);
  const rows = lines.slice(0, lines.findIndex((l) => !l.startsWith("|")));
  const out: [string, string][] = [];
  const cells = (c: string) => [...c.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  for (const row of rows) {
    const [attrCell, labelCell] = row.split("|").slice(1, 3) as [string, string];
    const attrs = cells(attrCell);
    const labels = cells(labelCell);
    // `datalayer.pool.name` / `.status` …  and  `datalayer_pool_name` / `_status` …
    const attrBase = attrs[0]!.slice(0, attrs[0]!.lastIndexOf(".") + 1);
    const labelBase = labels[0]!.slice(0, labels[0]!.lastIndexOf("_") + 1);
    attrs.forEach((a, i) => {
      const attribute = a.startsWith(".") ? attrBase + a.slice(1) : a;
      const l = labels[i]!;
      out.push([attribute, l.startsWith("_") ? labelBase + l.slice(1) : l]);
    });
  }
  return out;
}


let proc: ChildProcess | undefined;
let base = "";
let dir = "";
let log = "";

beforeAll(async () => {
  const r = spawnSync(BIN, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      `Prometheus ${VERSION} is not available at ${BIN} (${r.error?.message ?? `exit ${r.status}`}). Build it (Go needed; .ci/run does ` +
        `this): tests/engine/toolchain/build.sh prometheus, or set OBSERVER_PROMETHEUS_BIN. Debian's prometheus is too old (no OTLP promotion).`,
    );
  }
  const version = `${r.stdout}${r.stderr}`.split("\n")[0]!.trim();
  console.log(`Prometheus under test: ${BIN}: ${version}`);
  expect(version).toContain(`version ${VERSION}`);

  const otlp = FACTS.variants.prod.prometheus!.otlp!;
  expect(FACTS.variants.prod.prometheus!.otlpReceiver).toBe(true);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-prometheus-"));
  const config = [
    "global: { scrape_interval: 15s }",
    "otlp:",
    `  promote_resource_attributes: ${JSON.stringify(otlp.promoteResourceAttributes ?? [])}`,
    `  keep_identifying_resource_attributes: ${otlp.keepIdentifyingResourceAttributes === true}`,
    "",
  ].join("\n");
  fs.writeFileSync(path.join(dir, "prometheus.yml"), config);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  proc = spawn(
    BIN,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-otlp-receiver",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/-/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`Prometheus did not become ready:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 90_000);

afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("a pushed metric carries exactly the contract's labels, with job and instance from service.*", async () => {
  const table = contractTable();
  expect(table.length).toBeGreaterThanOrEqual(13);
  const value = (attribute: string): string =>
    ({ "service.name": "jupyter-server", "service.namespace": "datalayer-runtimes", "service.instance.id": "5b0e2c1e-uid", instance: "5b0e2c1e-uid" })[
      attribute
    ] ?? `v-${attribute.replace(/\./g, "-")}`;
  const attributes = table.map(([a]) => ({ key: a, value: { stringValue: value(a) } }));
  const now = `${Date.now()}000000`;
  const body = {
    resourceMetrics: [
      {
        resource: { attributes },
        scopeMetrics: [{ scope: { name: "probe" }, metrics: [{ name: "observer_contract_probe", gauge: { dataPoints: [{ timeUnixNano: now, asDouble: 1 }] } }] }],
      },
    ],
  };
  const res = await fetch(`${base}/api/v1/otlp/v1/metrics`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  expect([res.status, await res.text()]).toEqual([200, expect.any(String)]);

  const q = await fetch(`${base}/api/v1/series?match[]=${encodeURIComponent('{__name__="observer_contract_probe"}')}`);
  const series = ((await q.json()) as { data: Record<string, string>[] }).data;
  expect(series).toHaveLength(1);
  const expected: Record<string, string> = {
    __name__: "observer_contract_probe",
    job: `${value("service.namespace")}/${value("service.name")}`,
    instance: value("service.instance.id"),
  };
  for (const [attribute, label] of table) if (!(label in expected)) expected[label] = value(attribute);
  expect(series[0]).toEqual(expected);
});
