/**
 * The collector configs, run through a real OpenTelemetry Collector 0.158.0 built from the same Go
 * modules as the pinned contrib image (tests/tools/otelcol-builder.yaml; .ci/run builds it):
 * - `otelcol validate` on every config variant (it decodes every component's config, compiles OTTL
 *   statements and conditions, builds the filelog operators with their regexes and expressions);
 * - the log agent's parsing, for real: file_log reading a temporary /var/log/pods-like tree, the
 *   agent's own operators and processors, a file exporter instead of Loki. Only k8s_attributes is
 *   replaced (it needs the API server): by a transform setting the opt-out attribute it would read
 *   from the pod annotation, for one pod. Then restarts: offsets resume, nothing twice, nothing lost;
 * - the gateway's receivers, for real: every OTLP endpoint the program hands out (the stack outputs, each
 *   Instrumentation language's endpoint and protocol) is answered, in that protocol, on that port, by the gateway
 *   running its own config (on 127.0.0.1; exporters replaced by a file, k8s_attributes dropped).
 *
 * Binary: $OBSERVER_OTELCOL_BIN, else ${XDG_CACHE_HOME:-~/.cache}/observer/otelcol-0.158.0/otelcol-observer.
 * Missing binary → every test fails with the build instructions (never skips).
 * The waits below wait for records to arrive (with a deadline); nothing asserts on durations.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as http2 from "http2";
import { gatewayConfig } from "../../components/collectors/gateway";
import { instrumentationSpec } from "../../components/collectors/instrumentation";
import { accessInfo } from "../../components/outputs";
import { agentConfig, POD_LOGS_DIR, AGENT_STATE_PATH } from "../../components/collectors/agent";
import type { JsonObject } from "../../components/collectors/common";
import { devConfig, prodConfig } from "../unit/collectors/fixtures";

const VERSION = "0.158.0";
const BIN =
  process.env["OBSERVER_OTELCOL_BIN"] ||
  path.join(process.env["XDG_CACHE_HOME"] || path.join(os.homedir(), ".cache"), "observer", `otelcol-${VERSION}`, "otelcol-observer");

/* eslint-disable @typescript-eslint/no-explicit-any */

let dir: string;
beforeAll(() => {
  const r = spawnSync(BIN, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      `The test collector is not available at ${BIN} (${r.error?.message ?? `exit ${r.status}: ${r.stderr}`}). Build it ` +
        `(Go needed; .ci/run does this): go install go.opentelemetry.io/collector/cmd/builder@v${VERSION} && ` +
        `mkdir -p <dir> && cp tests/tools/otelcol-builder.yaml <dir>/ && (cd <dir> && builder --config=otelcol-builder.yaml), ` +
        `then set OBSERVER_OTELCOL_BIN=<dir>/otelcol-observer.`,
    );
  }
  console.log(`collector under test: ${BIN}: ${r.stdout.trim()}`);
  expect(r.stdout.trim()).toBe(`otelcol-observer version ${VERSION}`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-otelcol-"));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const clone = (c: JsonObject): any => JSON.parse(JSON.stringify(c));

/** The storage extensions' directories must exist: point them at a fresh temporary directory. */
function relocateStorage(config: any, name: string): any {
  for (const [id, ext] of Object.entries<any>(config.extensions ?? {})) {
    if (!id.startsWith("file_storage")) continue;
    const d = path.join(dir, name, id.replace("/", "-"));
    fs.mkdirSync(d, { recursive: true });
    ext.directory = d;
    if (ext.compaction) ext.compaction.directory = d;
  }
  return config;
}

function validate(name: string, config: any): { status: number; out: string } {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(relocateStorage(config, name), null, 2));
  const r = spawnSync(BIN, ["validate", `--config=${file}`], {
    encoding: "utf8",
    env: { ...process.env, K8S_NODE_NAME: "node-1" },
  });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe("otelcol validate", () => {
  const variants: [string, () => JsonObject][] = [
    ["gateway dev", () => gatewayConfig(devConfig())],
    ["gateway prod", () => gatewayConfig(prodConfig())],
    ["gateway prod, 2 Prometheus replicas", () => gatewayConfig(prodConfig())],
    ["gateway prod, Loki tenant", () => gatewayConfig(prodConfig({}, "tenant-1"))],
    ["gateway metrics.jobLabel legacy", () => gatewayConfig(devConfig({ metrics: { jobLabel: "legacy" } }))],
    ["agent dev", () => agentConfig(devConfig())],
    ["agent prod, Loki tenant", () => agentConfig(prodConfig({}, "tenant-1"))],
  ];
  it.each(variants)("%s is valid, with nothing to say", (name, build) => {
    expect(validate(name.replace(/\W+/g, "-"), clone(build()))).toEqual({ status: 0, out: "" });
  });

  it("is not vacuous: a bad OTTL statement, a bad operator expression and a missing node variable fail", () => {
    const ottl = clone(agentConfig(devConfig()));
    ottl.processors["transform/contract"].log_statements.push('set(resource.attributes["x"], nosuch())');
    const r1 = validate("bad-ottl", ottl);
    expect(r1.status).not.toBe(0);
    expect(r1.out).toContain("converter names must start with an uppercase letter but got 'nosuch'");

    const expr = clone(agentConfig(devConfig()));
    expr.receivers.file_log.operators.find((o: any) => o.id === "multiline").is_first_entry = 'body matches "("';
    const r2 = validate("bad-expr", expr);
    expect(r2.status).not.toBe(0);
    expect(r2.out).toContain("error parsing regexp");

    const file = path.join(dir, "agent-no-env.json");
    fs.writeFileSync(file, JSON.stringify(relocateStorage(clone(agentConfig(devConfig())), "agent-no-env")));
    const env = { ...process.env };
    delete env["K8S_NODE_NAME"];
    const r3 = spawnSync(BIN, ["validate", `--config=${file}`], { encoding: "utf8", env });
    expect(r3.status).not.toBe(0);
    expect(r3.stderr).toContain('`node_from_env_var` is configured but envvar "K8S_NODE_NAME" is not set');
  });
});

// ---------------------------------------------------------------------------------------------
// The log agent, for real.

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";
const OTEL = (ts: string, level: string, svc: string, msg: string, trace = TRACE, span = SPAN) =>
  `${ts} ${level} [app.module] [handlers.py:42] [trace_id=${trace} span_id=${span} resource.service.name=${svc} trace_sampled=True] - ${msg}`;

const cri = (ts: string, stream: string, tag: "F" | "P", msg: string) => `${ts} ${stream} ${tag} ${msg}`;
/** containerd: UTC `Z` timestamps; CRI-O: numeric offsets. */
const ctd = (s: number, stream: string, tag: "F" | "P", msg: string) => cri(`2024-05-01T12:00:${String(s).padStart(2, "0")}.123456789Z`, stream, tag, msg);
const crio = (s: number, stream: string, tag: "F" | "P", msg: string) => cri(`2024-05-01T12:00:${String(s).padStart(2, "0")}.123456789+00:00`, stream, tag, msg);
const docker = (log: string, stream = "stdout") => JSON.stringify({ log, stream, time: "2024-05-01T12:00:00.123456789Z" });

const NS = "apps";
const POD = {
  iam: { pod: "iam-7d9f8-abcde", uid: "11111111-1111-1111-1111-111111111111", container: "iam" },
  worker: { pod: "worker-5c-xyz12", uid: "22222222-2222-2222-2222-222222222222", container: "worker" },
  web: { pod: "web-6b-qwert", uid: "33333333-3333-3333-3333-333333333333", container: "web" },
  optout: { pod: "optout-1", uid: "44444444-4444-4444-4444-444444444444", container: "app" },
  py: { pod: "py-1", uid: "66666666-6666-6666-6666-666666666666", container: "py" },
  late: { pod: "late-1", uid: "77777777-7777-7777-7777-777777777777", container: "late" },
} as const;
type PodKey = keyof typeof POD;

let podsDir: string;
function write(p: { pod: string; uid: string; container: string }, lines: string[], ns = NS): void {
  const d = path.join(podsDir, `${ns}_${p.pod}_${p.uid}`, p.container);
  fs.mkdirSync(d, { recursive: true });
  fs.appendFileSync(path.join(d, "0.log"), lines.map((l) => `${l}\n`).join(""));
}

/** What the functional test compares: one per exported record. */
interface Rec {
  pod: string;
  service: string;
  stream: string;
  body: string;
  severity: [number, string] | null;
  trace: [string, string] | null;
  attributes: string[];
}
interface Expected {
  pod: PodKey;
  service?: string;
  stream?: string;
  body: string;
  severity?: [number, string];
  trace?: boolean;
  docker?: boolean;
}
const want = (e: Expected): Rec => ({
  pod: POD[e.pod].pod,
  service: e.service ?? POD[e.pod].container,
  stream: e.stream ?? "stdout",
  body: e.body,
  severity: e.severity ?? null,
  trace: e.trace ? [TRACE, SPAN] : null,
  attributes: e.docker ? ["log.file.path", "log.iostream"] : ["log.file.path", "log.iostream", "logtag"],
});

const attrMap = (attrs: any[] | undefined): Record<string, unknown> =>
  Object.fromEntries((attrs ?? []).map((a: any) => [a.key, Object.values(a.value)[0]]));

let outFile: string;
/** Every record the file exporter wrote so far (complete lines only), with its resource. */
function exported(): { rec: Rec; resource: Record<string, unknown> }[] {
  if (!fs.existsSync(outFile)) return [];
  const out: { rec: Rec; resource: Record<string, unknown> }[] = [];
  for (const line of fs.readFileSync(outFile, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    let o: any;
    try {
      o = JSON.parse(line);
    } catch {
      continue; // a line still being written
    }
    for (const rl of o.resourceLogs ?? []) {
      const resource = attrMap(rl.resource?.attributes);
      for (const sl of rl.scopeLogs ?? []) {
        for (const lr of sl.logRecords ?? []) {
          const attributes = attrMap(lr.attributes);
          out.push({
            resource,
            rec: {
              pod: String(resource["k8s.pod.name"]),
              service: String(resource["service.name"]),
              stream: String(attributes["log.iostream"]),
              body: lr.body?.stringValue,
              severity: lr.severityNumber ? [lr.severityNumber, lr.severityText] : null,
              trace: lr.traceId ? [lr.traceId, lr.spanId] : null,
              attributes: Object.keys(attributes).sort(),
            },
          });
        }
      }
    }
  }
  return out;
}

const byKey = (a: Rec, b: Rec) => `${a.pod}\u0000${a.body}`.localeCompare(`${b.pod}\u0000${b.body}`);

/** Waits until every expected record has been exported (deadline 60 s), then returns all records. */
async function waitFor(expected: Rec[]): Promise<Rec[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const got = exported().map((r) => r.rec);
    const missing = expected.filter((e) => !got.some((g) => JSON.stringify(g) === JSON.stringify(e)));
    if (missing.length === 0) return got;
    if (Date.now() > deadline) {
      throw new Error(`records not exported within 60 s:\n${JSON.stringify(missing, null, 1)}\nexported:\n${JSON.stringify(got, null, 1)}\ncollector log:\n${collectorLog()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

let logFile: string;
const collectorLog = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "");
let proc: ChildProcess | undefined;
function start(configFile: string): void {
  const fd = fs.openSync(logFile, "a");
  proc = spawn(BIN, [`--config=${configFile}`], { stdio: ["ignore", fd, fd] });
  fs.closeSync(fd);
}
async function stop(): Promise<void> {
  const p = proc!;
  proc = undefined;
  if (p.exitCode !== null) throw new Error(`the collector had exited (${p.exitCode}):\n${collectorLog()}`);
  const exited = new Promise<number | null>((res) => p.on("exit", (code) => res(code)));
  p.kill("SIGTERM");
  const code = await exited;
  if (code !== 0) throw new Error(`the collector exited with ${code} on SIGTERM:\n${collectorLog()}`);
}
afterAll(() => {
  if (proc && proc.exitCode === null) proc.kill("SIGKILL");
});

/** The agent's config with only what needs a cluster or a backend replaced. */
function functionalConfig(root: string): any {
  const c = clone(agentConfig(devConfig()));
  const fl = c.receivers.file_log;
  const rebase = (p: string) => path.join(podsDir, path.relative(POD_LOGS_DIR, p));
  fl.include = fl.include.map(rebase);
  fl.exclude = fl.exclude.map(rebase);
  expect(c.extensions["file_storage/agent"].directory).toBe(AGENT_STATE_PATH);
  const state = path.join(root, "state");
  fs.mkdirSync(state, { recursive: true });
  c.extensions["file_storage/agent"].directory = state;
  c.extensions["file_storage/agent"].compaction.directory = state;
  // k8s_attributes reads the pod annotation observer.datalayer.io/logs into this attribute.
  delete c.processors["k8s_attributes"];
  c.processors["transform/pod-annotation"] = {
    error_mode: "ignore",
    log_statements: [`set(resource.attributes["observer.logs.source"], "otlp") where resource.attributes["k8s.pod.name"] == "${POD.optout.pod}"`],
  };
  const pipeline = c.service.pipelines.logs;
  pipeline.processors = pipeline.processors.map((p: string) => (p === "k8s_attributes" ? "transform/pod-annotation" : p));
  c.exporters = { file: { path: outFile, format: "json", append: true } };
  pipeline.exporters = ["file"];
  // No listening ports: health_check and the self-metrics reader go.
  delete c.extensions["health_check"];
  c.service.extensions = ["file_storage/agent"];
  c.service.telemetry = { metrics: { level: "none" }, logs: { level: "info" } };
  return c;
}

describe("log agent, run for real", () => {
  it("one record per logical line, parsed exactly, exactly once across restarts", async () => {
    const root = path.join(dir, "agent-run");
    podsDir = path.join(root, "pods");
    outFile = path.join(root, "out.json");
    logFile = path.join(root, "collector.log");
    fs.mkdirSync(podsDir, { recursive: true });
    const configFile = path.join(root, "config.json");
    const config = functionalConfig(root);
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    expect(config.service.pipelines.logs.processors).toEqual([
      "memory_limiter",
      "transform/pod-annotation",
      "filter/otlp-opt-out",
      "transform/contract",
      "batch",
    ]);

    const TB = ["Traceback (most recent call last):", '  File "/app/handlers.py", line 40, in get', '    raise ValueError("bad")', "ValueError: bad"];
    // containerd: OTel Python logging (with and without a span, empty service name), logging.exception
    // tracebacks on stderr with a stdout line in the middle, CRI partial lines cut after a blank,
    // asctime-started records with an indented continuation.
    write(POD.iam, [
      ctd(0, "stdout", "F", "plain message"),
      ctd(0, "stdout", "P", "partial one "),
      ctd(0, "stdout", "P", "partial two "),
      ctd(0, "stdout", "F", "partial end"),
      ctd(1, "stderr", "F", OTEL("2024-05-01 12:00:01,000", "ERROR", "iam-api", "request failed")),
      ctd(1, "stderr", "F", TB[0]!),
      ctd(1, "stderr", "F", TB[1]!),
      ctd(1, "stdout", "F", "GET /health 200"),
      ctd(1, "stderr", "F", TB[2]!),
      ctd(1, "stderr", "F", TB[3]!),
      ctd(2, "stdout", "F", OTEL("2024-05-01 12:00:02,000", "WARNING", "iam-api", "no span", "0", "0")),
      ctd(3, "stdout", "F", OTEL("2024-05-01 12:00:03,000", "INFO", "", "no service name")),
      ctd(4, "stdout", "F", OTEL("2024-05-01 12:00:04,000", "CRITICAL", "iam-api", "critical")),
      ctd(4, "stdout", "F", OTEL("2024-05-01 12:00:04,500", "NOTSET", "iam-api", "notset")),
      ctd(5, "stdout", "F", "2024-05-01 12:00:05,000 DEBUG plain asctime"),
      ctd(5, "stdout", "F", "    indented continuation"),
      ctd(6, "stdout", "F", "2024-05-01T12:00:06.000Z INFO iso asctime"),
    ]);
    // CRI-O: offset timestamps, partial lines, an uncaught traceback on stderr.
    write(POD.worker, [
      crio(0, "stdout", "F", "crio line"),
      crio(0, "stdout", "P", "crio partial "),
      crio(0, "stdout", "F", "end"),
      crio(1, "stderr", "F", "Traceback (most recent call last):"),
      crio(1, "stderr", "F", '  File "w.py", line 1, in <module>'),
      crio(1, "stderr", "F", "KeyError: 'x'"),
    ]);
    // Docker json-file: newline-terminated entries, a line split in 16 KiB pieces, OTel Python.
    const big = "a".repeat(16384);
    write(POD.web, [
      docker("docker line\n"),
      docker(big),
      docker("tail of the long line\n"),
      docker(`${OTEL("2024-05-01 12:00:01,000", "INFO", "web-api", "docker otel")}\n`),
      docker(`${TB[0]}\n`, "stderr"),
      docker(`${TB[3]}\n`, "stderr"),
    ]);
    // Opted out (annotation observer.datalayer.io/logs=otlp) and the agent's own pod: never exported.
    write(POD.optout, [ctd(0, "stdout", "F", "opted out")]);
    write({ pod: "datalayer-log-agent-collector-abcde", uid: "55555555-5555-5555-5555-555555555555", container: "otc-container" }, [ctd(0, "stdout", "F", "own line")], "datalayer-observer");

    const phase1: Rec[] = [
      want({ pod: "iam", body: "plain message" }),
      want({ pod: "iam", body: "partial one partial two partial end" }),
      want({
        pod: "iam",
        service: "iam-api",
        stream: "stderr",
        body: [OTEL("2024-05-01 12:00:01,000", "ERROR", "iam-api", "request failed"), ...TB].join("\n"),
        severity: [17, "ERROR"],
        trace: true,
      }),
      want({ pod: "iam", body: "GET /health 200" }),
      want({ pod: "iam", service: "iam-api", body: OTEL("2024-05-01 12:00:02,000", "WARNING", "iam-api", "no span", "0", "0"), severity: [13, "WARNING"] }),
      want({ pod: "iam", body: OTEL("2024-05-01 12:00:03,000", "INFO", "", "no service name"), severity: [9, "INFO"], trace: true }),
      want({ pod: "iam", service: "iam-api", body: OTEL("2024-05-01 12:00:04,000", "CRITICAL", "iam-api", "critical"), severity: [21, "CRITICAL"], trace: true }),
      want({ pod: "iam", service: "iam-api", body: OTEL("2024-05-01 12:00:04,500", "NOTSET", "iam-api", "notset"), severity: [5, "NOTSET"], trace: true }),
      want({ pod: "iam", body: "2024-05-01 12:00:05,000 DEBUG plain asctime\n    indented continuation" }),
      want({ pod: "iam", body: "2024-05-01T12:00:06.000Z INFO iso asctime" }),
      want({ pod: "worker", body: "crio line" }),
      want({ pod: "worker", body: "crio partial end" }),
      want({ pod: "worker", stream: "stderr", body: "Traceback (most recent call last):\n  File \"w.py\", line 1, in <module>\nKeyError: 'x'" }),
      want({ pod: "web", body: "docker line", docker: true }),
      want({ pod: "web", body: `${big}tail of the long line`, docker: true }),
      want({ pod: "web", service: "web-api", body: OTEL("2024-05-01 12:00:01,000", "INFO", "web-api", "docker otel"), severity: [9, "INFO"], trace: true, docker: true }),
      want({ pod: "web", stream: "stderr", body: `${TB[0]}\n${TB[3]}`, docker: true }),
    ];

    start(configFile);
    await waitFor(phase1);

    // An uncaught exception's traceback arriving after the previous record was flushed by the timer.
    write(POD.py, [ctd(0, "stdout", "F", "server started")]);
    const started = want({ pod: "py", body: "server started" });
    await waitFor([started]);
    write(POD.py, TB.map((l) => ctd(9, "stderr", "F", l)));
    const uncaught = want({ pod: "py", stream: "stderr", body: TB.join("\n") });
    await waitFor([uncaught]);
    await stop();

    // While the agent is down: more lines in a known file, and a new file. Then a record still
    // being recombined when the agent stops.
    write(POD.iam, [ctd(10, "stdout", "F", "while down")]);
    write(POD.late, [ctd(10, "stdout", "F", "new file while down")]);
    start(configFile);
    await waitFor([want({ pod: "iam", body: "while down" }), want({ pod: "late", body: "new file while down" })]);
    write(POD.late, [ctd(11, "stdout", "F", "2024-05-01 12:00:11,000 ERROR last words"), ...TB.map((l) => ctd(11, "stdout", "F", l))]);
    await stop();
    start(configFile);
    write(POD.late, [ctd(12, "stdout", "F", "after restart")]);
    const tail = [
      want({ pod: "iam", body: "while down" }),
      want({ pod: "late", body: "new file while down" }),
      want({ pod: "late", body: ["2024-05-01 12:00:11,000 ERROR last words", ...TB].join("\n") }),
      want({ pod: "late", body: "after restart" }),
    ];
    await waitFor(tail);
    await stop();

    // Exactly these records, each once: nothing duplicated by the restarts, nothing else exported.
    const all = exported();
    expect(all.map((r) => r.rec).sort(byKey)).toEqual([...phase1, started, uncaught, ...tail].sort(byKey));

    // The metadata contract on a record (pod-label rows come from k8s_attributes, absent here),
    // the temporary keys gone.
    expect(all.find((r) => r.rec.body === "plain message")!.resource).toEqual({
      "k8s.namespace.name": NS,
      "k8s.pod.name": POD.iam.pod,
      "k8s.pod.uid": POD.iam.uid,
      "k8s.container.name": "iam",
      "k8s.container.restart_count": "0",
      "service.name": "iam",
      "service.namespace": NS,
      "service.instance.id": POD.iam.uid,
      namespace: NS,
      pod: POD.iam.pod,
      instance: POD.iam.uid,
      cluster: "local",
    });
    // Nothing deprecated or failing in the collector's own log.
    expect(collectorLog().split("\n").filter((l) => /\t(warn|error)\t/.test(l))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The gateway's OTLP endpoints, answered by the real collector
// ---------------------------------------------------------------------------------------------------------------

/** OTLP/HTTP (JSON): one span to /v1/traces; the status code. */
async function otlpHttp(port: number, span: string): Promise<number> {
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "probe" } }] },
        scopeSpans: [{ spans: [{ traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b174", name: span, kind: 2, startTimeUnixNano: "1", endTimeUnixNano: "2" }] }],
      },
    ],
  };
  try {
    const r = await fetch(`http://127.0.0.1:${port}/v1/traces`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    return r.status;
  } catch {
    return -1;
  }
}

/** OTLP/gRPC: an empty TraceService/Export request (one zero-length message); the grpc-status, or "none". */
async function otlpGrpc(port: number): Promise<string> {
  return new Promise((resolve) => {
    const client = http2.connect(`http://127.0.0.1:${port}`);
    let status = "none";
    const done = () => {
      client.close();
      resolve(status);
    };
    client.on("error", done);
    const req = client.request({
      ":method": "POST",
      ":path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
      "content-type": "application/grpc",
      te: "trailers",
    });
    req.on("response", (h) => {
      if (h["grpc-status"] !== undefined) status = String(h["grpc-status"]);
    });
    req.on("trailers", (t) => {
      if (t["grpc-status"] !== undefined) status = String(t["grpc-status"]);
    });
    req.on("error", done);
    req.on("close", done);
    req.resume();
    req.end(Buffer.from([0, 0, 0, 0, 0]));
  });
}

describe("gateway, run for real", () => {
  it("answers every OTLP endpoint the program hands out, in its protocol, on its port", async () => {
    const cfg = devConfig();
    const root = path.join(dir, "gateway-run");
    fs.mkdirSync(root, { recursive: true });
    outFile = path.join(root, "out.json");
    logFile = path.join(root, "collector.log");
    const c = clone(gatewayConfig(cfg));
    // Listen on loopback only, on the ports the config declares.
    const listens: Record<string, number> = {};
    for (const [proto, p] of Object.entries<any>(c.receivers.otlp.protocols)) {
      const port = Number(/:(\d+)$/.exec(p.endpoint)![1]);
      listens[proto] = port;
      p.endpoint = `127.0.0.1:${port}`;
    }
    // No cluster, no backends, no other listening port.
    delete c.processors["k8s_attributes"];
    // One file exporter per pipeline (a file exporter shared by pipelines can crash at shutdown in 0.158.0).
    c.exporters = {};
    for (const [signal, pl] of Object.entries<any>(c.service.pipelines)) {
      pl.processors = pl.processors.filter((x: string) => x !== "k8s_attributes");
      c.exporters[`file/${signal}`] = { path: signal === "traces" ? outFile : path.join(root, `${signal}.json`), format: "json", append: true };
      pl.exporters = [`file/${signal}`];
    }
    delete c.extensions["health_check"];
    c.service.extensions = [];
    c.service.telemetry = { metrics: { level: "none" }, logs: { level: "info" } };
    const configFile = path.join(root, "config.json");
    fs.writeFileSync(configFile, JSON.stringify(c, null, 2));
    start(configFile);
    const deadline = Date.now() + 30_000;
    while ((await otlpHttp(listens.http!, "warm-up")) !== 200) {
      if (Date.now() > deadline || proc?.exitCode !== null) throw new Error(`the gateway did not answer on ${listens.http}:\n${collectorLog()}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    // Every (URL, protocol) the program gives out: the stack outputs and each Instrumentation language.
    const out = accessInfo(cfg);
    const spec = instrumentationSpec(cfg) as any;
    const envOf = (lang: string, name: string) => (spec[lang].env as { name: string; value: string }[]).find((e) => e.name === name)?.value;
    const endpoints: [string, string, "grpc" | "http/protobuf"][] = [
      ["output otlpGrpcEndpoint", String(out.otlpGrpcEndpoint), "grpc"],
      ["output otlpHttpEndpoint", String(out.otlpHttpEndpoint), "http/protobuf"],
      ["Instrumentation exporter (default, gRPC)", spec.exporter.endpoint, "grpc"],
      ...(["python", "nodejs", "java"] as const).map((lang): [string, string, "grpc" | "http/protobuf"] => [
        `Instrumentation ${lang}`,
        envOf(lang, "OTEL_EXPORTER_OTLP_ENDPOINT")!,
        envOf(lang, "OTEL_EXPORTER_OTLP_PROTOCOL") as "grpc" | "http/protobuf",
      ]),
    ];
    const answers: [string, string | number][] = [];
    for (const [what, url, protocol] of endpoints) {
      const port = Number(new URL(url).port);
      answers.push([what, protocol === "grpc" ? await otlpGrpc(port) : await otlpHttp(port, `probe-${what}`)]);
    }
    // The other protocol on each port does not answer (the check can fail).
    const swapped: [string, string | number][] = [
      ["http/protobuf on the gRPC port", await otlpHttp(listens.grpc!, "swapped")],
      ["grpc on the HTTP port", await otlpGrpc(listens.http!)],
    ];
    // The spans sent over HTTP go through the gateway's traces pipeline (waited for, so nothing is in flight at stop).
    const sent = endpoints.filter(([, , protocol]) => protocol !== "grpc").map(([what]) => `probe-${what}`);
    const spanNames = (): string[] =>
      (fs.existsSync(outFile) ? fs.readFileSync(outFile, "utf8") : "")
        .split("\n")
        .filter(Boolean)
        .flatMap((l) => (JSON.parse(l).resourceSpans ?? []).flatMap((r: any) => r.scopeSpans.flatMap((ss: any) => ss.spans.map((x: any) => x.name))));
    const until = Date.now() + 30_000;
    while (!sent.every((n) => spanNames().includes(n)) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    await stop();
    expect(answers).toEqual(endpoints.map(([what, , protocol]) => [what, protocol === "grpc" ? "0" : 200]));
    expect(swapped.map(([w, a]) => [w, a === 200 || a === "0"])).toEqual([
      ["http/protobuf on the gRPC port", false],
      ["grpc on the HTTP port", false],
    ]);
    expect(sent.filter((n) => !spanNames().includes(n))).toEqual([]);
  }, 90_000);
});
