/**
 * End-to-end suite against a real, DISPOSABLE cluster (opt-in): `npm run test:e2e` with
 * OBSERVER_E2E_KUBECONFIG set. Without it, the suite is skipped and says why. See tests/e2e/README.md.
 *
 * Driven by the Pulumi Automation API (local program at the repo root, local file backend in a temp
 * directory, a random passphrase) and kubectl. Steps, in order, each asserted:
 *   1. `up` on an empty cluster succeeds in one pass; every pod ready; the collectors report ready.
 *   2. From inside the cluster: a Job with the Datalayer pod labels sends one trace, one metric and
 *      one log over OTLP/HTTP to the gateway; a pod prints a marker line and a Python traceback.
 *   3. Through Grafana's datasource proxy (port-forward to Grafana only, admin password from the stack
 *      output): the trace in Tempo, the metric in Prometheus, each log exactly once in Loki, all with
 *      the metadata contract; the logs link to the trace.
 *   4. A second `up` changes nothing.
 *   5. `destroy --run-program` succeeds in one pass: no OpenTelemetry CRs, nothing terminating,
 *      CRDs and namespace kept (prod) or removed (dev).
 */
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, type OutputMap, type Stack } from "@pulumi/pulumi/automation";

import { parseConfig } from "../../components/config";
import { COLLECTORS, PORTS, RELEASES, endpoints } from "../../components/endpoints";
import {
  afterDestroyProblems,
  collectorProblems,
  jobState,
  otlpRejections,
  podProblems,
  preflightProblems,
  type KubeList,
  type KubeObject,
} from "./lib/cluster";
import { DATASOURCE_UIDS, GrafanaClient, HttpError, datasourceProblems, type GrafanaDatasource } from "./lib/grafana";
import { Kubectl, type PortForward } from "./lib/kubectl";
import {
  E2E_NAMESPACE,
  LOGGER_POD,
  LOGGER_SERVICE,
  SENDER_JOB,
  SENDER_SERVICE,
  e2eNamespace,
  loggerPod,
  senderJob,
} from "./lib/manifests";
import { fileLogLines, msToUnixNano, otlpGauge, otlpLogs, otlpTraces, type FileLogLines } from "./lib/otlp";
import { PollAbort, done, notYet, pollUntil, realClock } from "./lib/poll";
import {
  grafanaBaseCandidates,
  logqlContains,
  lokiQueryRangePath,
  promLastOverTime,
  promQueryPath,
  promSelector,
  tempoSearchPath,
  tempoTraceByIdPath,
  traceqlEquals,
} from "./lib/queries";
import { ENV, e2ePassphrase, e2eStackFile, parseExtraConfig, pulumiCliProblem, readGate, type E2eSettings } from "./lib/settings";
import {
  expectedContract,
  expectedFor,
  labelMismatches,
  parseLokiStreams,
  parsePromVector,
  parseTempoSearch,
  parseTempoTrace,
  traceLinks,
  type DerivedField,
  type LokiEntry,
  type PodIdentity,
} from "./lib/telemetry";

const REPO = path.resolve(__dirname, "../..");
const MIN = 60_000;
const STEP_TITLES = [
  "1. up on an empty cluster in one pass; every pod ready; collectors ready",
  "2. a labelled Job sends a trace, a metric and a log to the gateway; a pod prints a marker and a traceback",
  "3. Grafana finds the trace in Tempo, the metric in Prometheus, each log once in Loki, with the contract; logs link to the trace",
  "4. a second up reports no changes",
  "5. destroy --run-program in one pass; no OpenTelemetry CRs, nothing terminating, CRDs/namespace per profile",
];

const gate = readGate(process.env);

if (!gate.enabled) {
  // Visible in the jest output: the suite and its steps are listed as skipped, with the reason.
  console.log(`[observer e2e] SKIPPED: ${gate.reason}`);
  describe.skip(`observer end-to-end (SKIPPED: ${ENV.kubeconfig} is not set)`, () => {
    for (const title of STEP_TITLES) test(title, () => undefined);
  });
} else {
  // Absolute paths: Pulumi runs the program from the repository root, kubectl from here.
  const g = gate.settings;
  suite({ ...g, kubeconfig: path.resolve(g.kubeconfig), ...(g.configFile ? { configFile: path.resolve(g.configFile) } : {}) });
}

/** The gauge the sender writes, and its value. */
const PROBE_METRIC = "observer_e2e_probe";
const PROBE_VALUE = 42.5;

interface SentTelemetry {
  runId: string;
  traceId: string;
  spanId: string;
  sentAtMs: number;
  otlpLogBody: string;
  file: FileLogLines;
  sender: PodIdentity;
  logger: PodIdentity;
}

function suite(s: E2eSettings): void {
  const stackFile = path.join(REPO, `Pulumi.${s.stackName}.yaml`);
  const log = (msg: string) => process.stdout.write(`[observer e2e] ${msg}\n`);
  const pulumiOut = (text: string) => process.stdout.write(text);

  let kubectl = new Kubectl(s.kubeconfig, s.context);
  let context = s.context ?? "";
  let backendDir = "";
  let stack: Stack | undefined;
  let outputs: OutputMap = {};
  let sent: SentTelemetry | undefined;
  let grafanaPf: PortForward | undefined;
  let destroyed = false;
  let anyFailure = false;
  const passed = new Set<number>();

  /** A step runs only when the steps it builds on passed, and says so otherwise. */
  function step(n: number, requires: number[], timeoutMs: number, fn: () => Promise<void>): void {
    test(
      STEP_TITLES[n - 1] as string,
      async () => {
        const missing = requires.filter((r) => !passed.has(r));
        if (missing.length) {
          anyFailure = true;
          throw new Error(`not run: step ${missing.join(", ")} did not pass`);
        }
        try {
          await fn();
          passed.add(n);
        } catch (e) {
          anyFailure = true;
          throw e;
        }
      },
      timeoutMs,
    );
  }

  const out = (key: string): string => {
    const v = outputs[key]?.value;
    if (typeof v !== "string" || v === "") throw new Error(`stack output ${key} is missing or not a non-empty string: ${JSON.stringify(outputs[key])}`);
    return v;
  };

  async function getList(args: string[]): Promise<KubeList> {
    return kubectl.json<KubeList>(["get", ...args]);
  }

  /** `kubectl get <every opentelemetry.io kind> -A`: the OpenTelemetry CRs left anywhere. */
  async function openTelemetryCrs(): Promise<string[]> {
    const kinds = (await kubectl.ok(["api-resources", "--api-group=opentelemetry.io", "--verbs=list", "-o", "name"])).split("\n").map((l) => l.trim()).filter(Boolean);
    const left: string[] = [];
    for (const kind of kinds) {
      const list = await getList([kind, "--all-namespaces"]);
      for (const o of list.items) left.push(`${kind} ${o.metadata.namespace}/${o.metadata.name}${o.metadata.deletionTimestamp ? " (terminating)" : ""}`);
    }
    return left;
  }

  async function deleteE2eNamespace(): Promise<void> {
    await kubectl.ok(["delete", "namespace", E2E_NAMESPACE, "--ignore-not-found", "--wait=true", "--timeout=180s"], { timeoutMs: 200_000 });
  }

  // ----------------------------------------------------------------------------------------------
  beforeAll(async () => {
    log(`profile ${s.profile}, stack ${s.stackName}, namespace ${s.namespace}, kubeconfig ${s.kubeconfig}`);
    for (const f of ["Pulumi.yaml", "index.ts", "package.json"]) {
      if (!fs.existsSync(path.join(REPO, f))) throw new Error(`${f} not found in ${REPO}: run the suite from a checkout of the project`);
    }
    if (!fs.existsSync(path.join(REPO, "node_modules", "@pulumi", "pulumi"))) throw new Error(`run npm ci in ${REPO} first`);
    if (!fs.existsSync(s.kubeconfig)) throw new Error(`${ENV.kubeconfig}=${s.kubeconfig}: no such file`);

    // Pulumi CLI >= 3.182 on PATH.
    const version = await new Promise<string | undefined>((resolve) =>
      execFile("pulumi", ["version"], { timeout: 60_000 }, (err, stdout) => resolve(err ? undefined : String(stdout))),
    );
    const cliProblem = pulumiCliProblem(version);
    if (cliProblem) throw new Error(cliProblem);

    // kubectl and a reachable cluster; the context pinned for every later command and for the stack.
    await kubectl.ok(["version", "--client", "-o", "json"]);
    if (!context) context = (await kubectl.ok(["config", "current-context"])).trim();
    if (!context) throw new Error(`no current context in ${s.kubeconfig}; set ${ENV.context}`);
    kubectl = new Kubectl(s.kubeconfig, context);
    const ready = await kubectl.run(["get", "--raw", "/readyz"], { timeoutMs: 30_000 });
    if (ready.code !== 0) throw new Error(`the cluster of context ${context} is not reachable: ${ready.stderr.trim()}`);

    // An empty cluster: nothing of a previous run (prod keeps CRDs and the namespace on purpose).
    const problems = preflightProblems(s.namespace, await getList(["namespaces"]), await getList(["customresourcedefinitions"]));
    if (problems.length) {
      throw new Error(`the e2e suite needs an empty, disposable cluster; context ${context} has:\n- ${problems.join("\n- ")}\nDelete the cluster and create a new one (tests/e2e/README.md).`);
    }
    await deleteE2eNamespace();

    // Throwaway state: a file backend in a temp dir and a random passphrase (kept in a 0600 file for OBSERVER_E2E_KEEP).
    backendDir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-e2e-"));
    const passphrase = e2ePassphrase(crypto.randomBytes(24).toString("hex"));
    fs.writeFileSync(path.join(backendDir, "PASSPHRASE"), passphrase, { mode: 0o600 });
    // The program reads these as defaults; the suite sets its own explicit config instead.
    for (const v of ["DATALAYER_RUN_URL", "DATALAYER_RUN_HOST", "PULUMI_CONFIG_PASSPHRASE_FILE"]) {
      if (process.env[v] !== undefined) log(`unsetting ${v} for this run`);
      delete process.env[v];
    }
    if (fs.existsSync(stackFile)) {
      log(`removing ${path.basename(stackFile)} left by an earlier run`);
      fs.rmSync(stackFile);
    }
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: s.stackName, workDir: REPO },
      {
        envVars: {
          PULUMI_BACKEND_URL: `file://${backendDir}`,
          PULUMI_CONFIG_PASSPHRASE: passphrase,
          KUBECONFIG: s.kubeconfig,
          PULUMI_SKIP_UPDATE_CHECK: "true",
        },
      },
    );

    // Stack config: the profile's own stack file, then the suite's explicit values.
    const extra = s.configFile ? parseExtraConfig(fs.readFileSync(s.configFile, "utf8"), s.configFile) : { config: {}, secrets: {} };
    const profileFile = path.join(REPO, `Pulumi.${s.profile}.yaml`);
    const { text, droppedSecureKeys } = e2eStackFile(
      fs.existsSync(stackFile) ? fs.readFileSync(stackFile, "utf8") : "",
      fs.existsSync(profileFile) ? fs.readFileSync(profileFile, "utf8") : undefined,
      {
        "observer:profile": s.profile,
        "observer:namespace": s.namespace,
        "observer:clusterName": s.clusterName,
        "observer:kubeContext": context,
        ...extra.config,
      },
    );
    if (droppedSecureKeys.length) log(`not copied from ${path.basename(profileFile)} (encrypted for that stack; give them in ${ENV.config} "secrets"): ${droppedSecureKeys.join(", ")}`);
    fs.writeFileSync(stackFile, text);
    for (const [key, value] of Object.entries(extra.secrets)) await stack.setConfig(key, { value, secret: true }, true);
  }, 5 * MIN);

  // ----------------------------------------------------------------------------------------------
  step(1, [], 45 * MIN, async () => {
    const st = stack as Stack;
    const res = await st.up({ onOutput: pulumiOut, color: "never" }).catch((e: Error) => {
      throw new Error(`step 1: the first pulumi up failed (it must succeed in one pass):\n${e.message}`);
    });
    expect(res.summary.result).toBe("succeeded");
    outputs = res.outputs;

    // Outputs.
    // The gateway's Services depend on the namespace only.
    const ep = endpoints(parseConfig({ namespace: s.namespace }));
    expect(out("namespace")).toBe(s.namespace);
    expect(out("otlpGrpcEndpoint")).toBe(ep.gatewayGrpc.url);
    expect(out("otlpHttpEndpoint")).toBe(ep.gatewayHttp.url);
    expect(out("grafanaAdminUser")).toMatch(/\S/);
    expect(outputs.grafanaAdminPassword?.secret).toBe(true);
    expect(out("grafanaAdminPassword").length).toBeGreaterThanOrEqual(16);
    expect(() => new URL(out("grafanaUrl"))).not.toThrow();
    expect(out("grafanaPortForward")).toContain(`port-forward service/${RELEASES.grafana.fullname}`);

    // Every pod in the namespace ready (Running+Ready, or Succeeded for completed hook Jobs).
    await pollUntil(
      async () => {
        const problems = podProblems(await getList(["pods", "--namespace", s.namespace]));
        return problems.length === 0 ? done(true) : notYet(problems);
      },
      { timeoutMs: 5 * MIN, intervalMs: 5000, describe: `every pod in ${s.namespace} to be ready` },
    );
    // Both collectors reconciled by the operator and all their replicas ready.
    await pollUntil(
      async () => {
        const list = await getList(["opentelemetrycollectors.opentelemetry.io", "--namespace", s.namespace]);
        const problems = collectorProblems(list, [COLLECTORS.gateway, COLLECTORS.agent]);
        return problems.length === 0 ? done(true) : notYet(problems);
      },
      { timeoutMs: 5 * MIN, intervalMs: 5000, describe: "the OpenTelemetryCollectors to report ready" },
    );
  });

  // ----------------------------------------------------------------------------------------------
  step(2, [1], 10 * MIN, async () => {
    const runId = crypto.randomBytes(5).toString("hex");
    const traceId = crypto.randomBytes(16).toString("hex");
    const spanId = crypto.randomBytes(8).toString("hex");
    const sentAtMs = Date.now();
    const otlpLogBody = `e2e otlp log ${runId}`;
    const file = fileLogLines({ runId, timeMs: sentAtMs, traceId, spanId, serviceName: LOGGER_SERVICE });
    log(`run ${runId}: trace ${traceId}, span ${spanId}`);

    await kubectl.apply(e2eNamespace());
    const resource = { "service.name": SENDER_SERVICE };
    await kubectl.create(
      senderJob({
        runId,
        endpoint: out("otlpHttpEndpoint"),
        traces: otlpTraces({ resource, traceId, spanId, name: "e2e-request", startMs: sentAtMs - 250, endMs: sentAtMs, attributes: { "e2e.run_id": runId } }),
        metrics: otlpGauge({ resource, name: PROBE_METRIC, value: PROBE_VALUE, timeMs: sentAtMs, attributes: { "e2e.run_id": runId } }),
        logs: otlpLogs({ resource, body: otlpLogBody, timeMs: sentAtMs, traceId, spanId, attributes: { "e2e.run_id": runId } }),
      }),
    );
    await kubectl.create(loggerPod({ runId, lines: file.lines }));

    // The sender completes; a failed Job is final (no retries: a retry would send twice).
    await pollUntil(
      async () => {
        const job = await kubectl.json<KubeObject>(["get", "job", SENDER_JOB, "--namespace", E2E_NAMESPACE]);
        const st = jobState(job);
        if (st.state === "failed") {
          const logs = await kubectl.run(["logs", `job/${SENDER_JOB}`, "--namespace", E2E_NAMESPACE]);
          throw new PollAbort(`the sender Job failed (${st.reason}); its output:\n${logs.stdout}${logs.stderr}`);
        }
        return st.state === "succeeded" ? done(true) : notYet(job.status);
      },
      { timeoutMs: 5 * MIN, intervalMs: 3000, describe: `Job ${SENDER_JOB} to complete` },
    );
    const senderLogs = await kubectl.ok(["logs", `job/${SENDER_JOB}`, "--namespace", E2E_NAMESPACE]);
    for (const signal of ["traces", "metrics", "logs"]) expect(senderLogs).toContain(`accepted: ${signal}`);
    expect(otlpRejections(senderLogs)).toEqual([]);

    // The logger printed its lines.
    await pollUntil(
      async () => {
        const r = await kubectl.run(["logs", LOGGER_POD, "--namespace", E2E_NAMESPACE]);
        return r.code === 0 && r.stdout.includes(file.tracebackLines[file.tracebackLines.length - 1] as string) ? done(true) : notYet(r.stdout + r.stderr);
      },
      { timeoutMs: 3 * MIN, intervalMs: 3000, describe: `pod ${LOGGER_POD} to print its lines` },
    );

    const senderPods = await getList(["pods", "--namespace", E2E_NAMESPACE, "--selector", `job-name=${SENDER_JOB}`]);
    expect(senderPods.items).toHaveLength(1);
    const senderPod = senderPods.items[0] as KubeObject;
    const loggerPodObj = await kubectl.json<KubeObject>(["get", "pod", LOGGER_POD, "--namespace", E2E_NAMESPACE]);
    const identity = (pod: KubeObject, serviceName: string): PodIdentity => ({
      serviceName,
      namespace: E2E_NAMESPACE,
      podName: pod.metadata.name,
      podUid: pod.metadata.uid ?? "",
      cluster: s.clusterName,
      podLabels: pod.metadata.labels ?? {},
    });
    sent = { runId, traceId, spanId, sentAtMs, otlpLogBody, file, sender: identity(senderPod, SENDER_SERVICE), logger: identity(loggerPodObj, LOGGER_SERVICE) };
  });

  // ----------------------------------------------------------------------------------------------
  step(3, [1, 2], 20 * MIN, async () => {
    const t = sent as SentTelemetry;
    const user = out("grafanaAdminUser");
    const password = out("grafanaAdminPassword");

    // Port-forward to Grafana only; restarted if it dies (e.g. the Grafana pod restarts).
    let basePath: string | undefined;
    const origin = async (): Promise<string> => {
      if (!grafanaPf?.alive) grafanaPf = await kubectl.portForward(s.namespace, `service/${RELEASES.grafana.fullname}`, PORTS.grafanaService);
      return grafanaPf.origin;
    };
    const base = async () => `${await origin()}${basePath ?? ""}`;
    basePath = await pollUntil(
      async () => {
        const o = await origin();
        const tried: string[] = [];
        for (const candidate of grafanaBaseCandidates(out("grafanaUrl"), o)) {
          const res = await fetch(`${candidate}/api/health`, { signal: AbortSignal.timeout(10_000) }).catch((e: Error) => e);
          if (!(res instanceof Error) && res.status === 200) {
            const body = (await res.json().catch(() => ({}))) as { database?: string };
            if (body.database === "ok") return done(candidate.slice(o.length));
          }
          tried.push(`${candidate}/api/health: ${res instanceof Error ? res.message : res.status}`);
        }
        return notYet(tried);
      },
      { timeoutMs: 3 * MIN, intervalMs: 3000, describe: "Grafana to answer /api/health through the port-forward" },
    );
    const grafana = new GrafanaClient(base, user, password);

    // The admin password from the stack output logs in; the datasources have the fixed UIDs.
    const me = (await grafana.json("/api/user")) as { login?: string };
    expect(me.login).toBe(user);
    const datasources = (await grafana.json("/api/datasources")) as GrafanaDatasource[];
    expect(datasourceProblems(datasources)).toEqual([]);

    const windowStartMs = t.sentAtMs - 15 * MIN;
    const notFoundYet = (e: unknown) => e instanceof HttpError && e.status === 404;

    // --- Tempo: the trace by id, with the contract as resource attributes.
    const span = await pollUntil(
      async () => {
        try {
          const spans = parseTempoTrace(await grafana.proxyJson("tempo", tempoTraceByIdPath(t.traceId)));
          const sp = spans.find((x) => x.spanId === t.spanId);
          return sp ? done(sp) : notYet(spans);
        } catch (e) {
          if (notFoundYet(e)) return notYet("404: trace not found yet");
          throw e;
        }
      },
      { timeoutMs: 5 * MIN, intervalMs: 5000, describe: `trace ${t.traceId} in Tempo` },
    );
    expect(span.traceId).toBe(t.traceId);
    expect(span.name).toBe("e2e-request");
    expect(span.attributes["e2e.run_id"]).toBe(t.runId);
    expect(labelMismatches(expectedFor("tempo", expectedContract(t.sender)), span.resource)).toEqual([]);

    // TraceQL finds it by the contract's service name and the span attribute.
    const traceql = traceqlEquals({ "resource.service.name": SENDER_SERVICE, "resource.namespace": E2E_NAMESPACE, "span.e2e.run_id": t.runId });
    await pollUntil(
      async () => {
        const ids = parseTempoSearch(
          await grafana.proxyJson("tempo", tempoSearchPath(traceql, Math.floor(windowStartMs / 1000), Math.ceil((Date.now() + 5 * MIN) / 1000))),
        );
        return ids.includes(t.traceId) ? done(ids) : notYet(ids);
      },
      { timeoutMs: 3 * MIN, intervalMs: 5000, describe: `TraceQL ${traceql} to find trace ${t.traceId}` },
    );

    // --- Prometheus: the gauge, once, with the contract as labels.
    const promql = promLastOverTime(promSelector(PROBE_METRIC, { e2e_run_id: t.runId }), "1h");
    const samples = await pollUntil(
      async () => {
        const v = parsePromVector(await grafana.proxyJson("prometheus", promQueryPath(promql)));
        return v.length > 0 ? done(v) : notYet(v);
      },
      { timeoutMs: 5 * MIN, intervalMs: 5000, describe: `${promql} in Prometheus` },
    );
    expect(samples).toHaveLength(1);
    const sample = samples[0] as (typeof samples)[number];
    expect(sample.value).toBe(PROBE_VALUE);
    expect(labelMismatches(expectedFor("prometheus", expectedContract(t.sender)), sample.labels)).toEqual([]);
    // OpenTelemetry's Prometheus mapping (default observer:metrics.jobLabel): job = service.namespace/service.name.
    expect(sample.labels.job).toBe(`${E2E_NAMESPACE}/${SENDER_SERVICE}`);

    // --- Loki: the OTLP log, the marker line and the recombined traceback, each exactly once.
    const logql = logqlContains({ namespace: E2E_NAMESPACE }, t.runId);
    const queryLoki = async (): Promise<LokiEntry[]> =>
      parseLokiStreams(
        await grafana.proxyJson(
          "loki",
          lokiQueryRangePath({ query: logql, startNs: msToUnixNano(windowStartMs), endNs: msToUnixNano(Date.now() + 5 * MIN), limit: 100, direction: "forward" }),
        ),
      );
    const classify = (entries: LokiEntry[]) => ({
      otlp: entries.filter((e) => e.line.includes(t.otlpLogBody)),
      marker: entries.filter((e) => e.line.includes(t.file.markerText)),
      traceback: entries.filter((e) => e.line.includes(t.file.tracebackText)),
    });
    await pollUntil(
      async () => {
        const entries = await queryLoki();
        const c = classify(entries);
        return c.otlp.length && c.marker.length && c.traceback.length ? done(true) : notYet(entries);
      },
      { timeoutMs: 5 * MIN, intervalMs: 5000, describe: `${logql} in Loki to return the OTLP log, the marker line and the traceback` },
    );
    // Let any duplicate (a re-read file, a retried export) arrive before counting.
    await realClock.sleep(30_000);
    const entries = await queryLoki();
    const c = classify(entries);
    const counts = { otlp: c.otlp.length, marker: c.marker.length, traceback: c.traceback.length, total: entries.length };
    // Exactly once each, and nothing else: no line of the traceback left over as its own entry.
    if (JSON.stringify(counts) !== JSON.stringify({ otlp: 1, marker: 1, traceback: 1, total: 3 })) {
      throw new Error(`Loki: expected each log exactly once (otlp 1, marker 1, traceback 1, total 3), got ${JSON.stringify(counts)}. Entries:\n${JSON.stringify(entries, null, 1).slice(0, 6000)}`);
    }
    const [otlpEntry, markerEntry, tracebackEntry] = [c.otlp[0], c.marker[0], c.traceback[0]] as [LokiEntry, LokiEntry, LokiEntry];
    expect(otlpEntry.line).toBe(t.otlpLogBody);
    expect(markerEntry.line).not.toContain("Traceback");
    // The five printed lines are one record: every line after the first, in order, as separate lines.
    const tracebackRecordLines = tracebackEntry.line.split("\n").map((l) => l.trimEnd());
    expect(tracebackRecordLines.slice(-(t.file.tracebackLines.length - 1))).toEqual(t.file.tracebackLines.slice(1));
    expect({ entry: "otlp", problems: labelMismatches(expectedFor("loki", expectedContract(t.sender)), otlpEntry.labels) }).toEqual({ entry: "otlp", problems: [] });
    for (const [name, entry] of [["marker", markerEntry], ["traceback", tracebackEntry]] as const) {
      expect({ entry: name, problems: labelMismatches(expectedFor("loki", expectedContract(t.logger)), entry.labels) }).toEqual({ entry: name, problems: [] });
    }
    // The trace context is on each record (Loki keeps an OTLP record's trace/span id as structured metadata).
    for (const [name, entry] of [["otlp", otlpEntry], ["marker", markerEntry], ["traceback", tracebackEntry]] as const) {
      expect({ entry: name, trace_id: entry.labels.trace_id, span_id: entry.labels.span_id }).toEqual({ entry: name, trace_id: t.traceId, span_id: t.spanId });
    }

    // --- Each log links to its trace: the Loki datasource's derived fields yield our trace id, opened in Tempo.
    const loki = (await grafana.json(`/api/datasources/uid/${DATASOURCE_UIDS.loki}`)) as { jsonData?: { derivedFields?: DerivedField[] } };
    const fields = loki.jsonData?.derivedFields ?? [];
    for (const [name, entry] of [["otlp", otlpEntry], ["marker", markerEntry], ["traceback", tracebackEntry]] as const) {
      const links = traceLinks(fields, entry).filter((l) => l.datasourceUid === DATASOURCE_UIDS.tempo);
      expect({ entry: name, linked: links.some((l) => l.traceId === t.traceId), links }).toMatchObject({ entry: name, linked: true });
    }
  });

  // ----------------------------------------------------------------------------------------------
  step(4, [1], 30 * MIN, async () => {
    const st = stack as Stack;
    const res = await st.up({ onOutput: pulumiOut, color: "never", diff: true });
    expect(res.summary.result).toBe("succeeded");
    const changes = Object.entries(res.summary.resourceChanges ?? {}).filter(([op, n]) => op !== "same" && (n ?? 0) > 0);
    if (changes.length) {
      const diff = res.stdout
        .split("\n")
        .filter((l) => /^\s*(\+-|-\+|~|\+|-|\+\+|--)\s/.test(l))
        .slice(0, 200)
        .join("\n");
      throw new Error(`the second up changed resources (${changes.map(([op, n]) => `${op}=${n}`).join(", ")}); it must report only "same". Diff:\n${diff}`);
    }
    expect(Object.entries(res.summary.resourceChanges ?? {}).filter(([, n]) => (n ?? 0) > 0).map(([op]) => op)).toEqual(["same"]);
  });

  // ----------------------------------------------------------------------------------------------
  step(5, [], 30 * MIN, async () => {
    const st = stack as Stack;
    await grafanaPf?.close();
    await deleteE2eNamespace();
    const res = await st.destroy({ runProgram: true, onOutput: pulumiOut, color: "never" }).catch((e: Error) => {
      throw new Error(`step 5: pulumi destroy --run-program failed (it must succeed in one pass):\n${e.message}`);
    });
    destroyed = true;
    expect(res.summary.result).toBe("succeeded");
    await pollUntil(
      async () => {
        const problems = [
          ...(await openTelemetryCrs()).map((cr) => `OpenTelemetry CR left: ${cr}`),
          ...afterDestroyProblems(s.profile, s.namespace, {
            namespaces: await getList(["namespaces"]),
            crds: await getList(["customresourcedefinitions"]),
            podsInNamespace: await getList(["pods", "--namespace", s.namespace]),
          }),
        ];
        return problems.length === 0 ? done(true) : notYet(problems);
      },
      { timeoutMs: 3 * MIN, intervalMs: 5000, describe: `the cluster to be clean after destroy (profile ${s.profile})` },
    );
  });

  // ----------------------------------------------------------------------------------------------
  afterAll(async () => {
    await grafanaPf?.close().catch(() => undefined);
    if (!stack) {
      if (backendDir) fs.rmSync(backendDir, { recursive: true, force: true });
      return;
    }
    const manualCleanup = () =>
      [
        `  cd ${REPO}   # ${path.basename(stackFile)} there holds the stack's config and encryption salt: keep it until the stack is removed`,
        `  export PULUMI_BACKEND_URL=file://${backendDir} KUBECONFIG=${s.kubeconfig}`,
        `  export PULUMI_CONFIG_PASSPHRASE_FILE=${path.join(backendDir, "PASSPHRASE")}`,
        `  pulumi stack output --stack ${s.stackName} --show-secrets`,
        `  kubectl --context ${context} delete namespace ${E2E_NAMESPACE}; pulumi destroy --run-program --stack ${s.stackName} --yes`,
        `  pulumi stack rm --stack ${s.stackName} --yes; rm -rf ${backendDir}`,
      ].join("\n");
    if (!destroyed && anyFailure && s.keepOnFailure) {
      log(`${ENV.keep} is set: the stack is left deployed for inspection. To reach and remove it:\n${manualCleanup()}`);
      return;
    }
    if (!destroyed) {
      log(`cleaning up: destroying the stack (set ${ENV.keep}=1 to keep it after a failure)`);
      await deleteE2eNamespace().catch((e: Error) => log(`could not delete namespace ${E2E_NAMESPACE}: ${e.message}`));
      await stack
        .destroy({ runProgram: true, onOutput: pulumiOut, color: "never" })
        .then(() => (destroyed = true))
        .catch((e: Error) => log(`cleanup destroy failed: ${e.message}`));
    }
    if (!destroyed) {
      log(`the stack could not be destroyed; the cluster may hold leftovers. State and config are kept. To retry:\n${manualCleanup()}`);
      return;
    }
    await stack.workspace.removeStack(s.stackName).catch((e: Error) => log(`pulumi stack rm failed: ${e.message}`));
    fs.rmSync(backendDir, { recursive: true, force: true });
    if (fs.existsSync(stackFile)) fs.rmSync(stackFile);
  }, 30 * MIN);
}
