/**
 * Metric round trip, for real, on 127.0.0.1: OTLP metrics → the gateway's metrics pipeline (our generated
 * collector config, run by the test collector built from the pinned 0.158.0 modules) → the real Prometheus
 * 3.14.0 (tests/helpers/tools.ts) started as the Prometheus Operator starts it for our Prometheus CR
 * (OTLP receiver, `otlp` promotion and translation settings, out-of-order window, exemplar storage:
 * tests/helpers/prometheus-server.ts) → Prometheus' HTTP API.
 *
 * The generated gateway config is kept whole except what cannot run here, each rewritten to loopback:
 * listeners (0.0.0.0 → 127.0.0.1, free ports), the Prometheus exporters' endpoints (each replica's Service →
 * its local Prometheus, in order), Tempo and Loki exporters (→ a closed loopback port: no traces or logs are
 * sent), the queue directory (prod), and `k8s_attributes`' `auth_type` (serviceAccount → kubeConfig, pointing at
 * tests/helpers/fake-kube-pods.ts, which serves one pod: the processor really extracts its metadata and labels).
 *
 * Two resources are sent: a remote kernel that only says `service.name` and its pod IP (the gateway writes the
 * whole metadata contract from the pod), and a service whose resource already carries every contract attribute
 * (the gateway keeps them, except `cluster`, which is the config's). Each must arrive in every Prometheus replica
 * (dev: one; prod: the fan-out to both), each series exactly once, with `job`/`instance` per the OpenTelemetry
 * specification (job = `service.namespace/service.name`, instance = `service.instance.id`), every contract label
 * with its value, the metric names the dashboards read (UnderscoreEscapingWithSuffixes), a native histogram from an
 * exponential one, and exemplars carrying the trace id. A batch as old as the gateway's retry horizon, arriving after
 * newer data, is kept whole (the out-of-order window covers the horizon).
 *
 * The waits poll for data with a deadline; nothing asserts on durations.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gatewayConfig, PROMETHEUS_OTLP_PATH } from "../../components/collectors/gateway";
import { parseConfig, type ObserverConfig } from "../../components/config";
import { durationSeconds } from "../../components/forms";
import { CONTRACT, POOL_POD_LABELS, APP_POD_LABEL } from "../../components/contract";
import { endpoints } from "../../components/endpoints";
import { COLLECTOR_JOBS } from "../../components/alerting/rules";
import { METRICS } from "../fixtures/metrics";
import { PROD_RAW } from "../helpers/fixtures";
import { FakeKubePods, type FakePod } from "../helpers/fake-kube-pods";
import { counter, exponentialHistogram, gauge, histogram, postMetrics, type ResourceMetrics } from "../helpers/otlp";
import { freePort, httpJson, LOOPBACK, Processes, waitFor, type Proc } from "../helpers/processes";
import { prometheusCrSpec, query, startPrometheus, type PrometheusServer } from "../helpers/prometheus-server";
import { requireTool } from "../helpers/tools";

/* eslint-disable @typescript-eslint/no-explicit-any */

const OTELCOL_VERSION = "0.158.0";
const OTELCOL =
  process.env["OBSERVER_OTELCOL_BIN"] ||
  path.join(process.env["XDG_CACHE_HOME"] || path.join(os.homedir(), ".cache"), "observer", `otelcol-${OTELCOL_VERSION}`, "otelcol-observer");

const procs = new Processes();
let dir: string;
let kube: FakeKubePods;

beforeAll(async () => {
  console.log(`prometheus under test: ${requireTool("prometheus")}`);
  const r = spawnSync(OTELCOL, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      `The test collector is not available at ${OTELCOL} (${r.error?.message ?? `exit ${r.status}`}); build it as .ci/run does ` +
        `(tests/tools/otelcol.test.ts says how) or set OBSERVER_OTELCOL_BIN.`,
    );
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-metrics-roundtrip-"));
  kube = await new FakeKubePods([KERNEL_POD]).start();
});

afterAll(async () => {
  await procs.stopAll();
  await kube?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Inputs

const KERNELS_NS = "datalayer-runtimes";
/** The kernel's pod as the API serves it: the contract's pod labels, one container. */
const KERNEL_POD: FakePod = {
  name: "kernel-7f9c4-x2x9z",
  namespace: KERNELS_NS,
  uid: "5d0c4e1a-8b7f-4a52-9d1e-0c6b2a7e4f31",
  ip: "10.244.3.17",
  node: "node-2",
  containers: ["kernel"],
  labels: {
    [APP_POD_LABEL]: "jupyter-kernel",
    [POOL_POD_LABELS["datalayer.pool.name"]]: "gpu-pool",
    [POOL_POD_LABELS["datalayer.pool.status"]]: "assigned",
    [POOL_POD_LABELS["datalayer.pool.user"]]: "user-0042",
    [POOL_POD_LABELS["datalayer.pool.type"]]: "python",
    [POOL_POD_LABELS["datalayer.pool.reservation"]]: "rsv-991",
  },
};

/** The kernel's SDK: the default service name (the gateway replaces it by the container name) and its pod IP. */
const KERNEL_RESOURCE = { "service.name": "unknown_service:python", "k8s.pod.ip": KERNEL_POD.ip, "telemetry.sdk.language": "python" };

/** A service whose resource already carries every contract attribute (and a wrong cluster). */
const IAM_RESOURCE: Record<string, string> = {
  "service.name": "iam",
  "service.namespace": "datalayer-api",
  "service.instance.id": "0b7e7f0e-3c55-4b7b-9d8e-1f0a5d2c6e11",
  app: "iam",
  namespace: "datalayer-api",
  pod: "iam-6c8d9-qwert",
  cluster: "somewhere-else",
  instance: "0b7e7f0e-3c55-4b7b-9d8e-1f0a5d2c6e11",
  "datalayer.pool.name": "none",
  "datalayer.pool.status": "none",
  "datalayer.pool.user": "none",
  "datalayer.pool.type": "none",
  "datalayer.pool.reservation": "none",
};

/**
 * The contract labels each resource must end with, from the contract table: the attribute's Prometheus name and
 * the value its producer gives (components/collectors/contract.ts), written independently here.
 */
function expectedContract(cfg: ObserverConfig, which: "kernel" | "iam"): Record<string, string> {
  const v: Record<string, string> =
    which === "kernel"
      ? {
          "service.name": "kernel", // unknown_service… → the container name
          "service.namespace": KERNEL_POD.namespace,
          "service.instance.id": KERNEL_POD.uid,
          app: "jupyter-kernel",
          namespace: KERNEL_POD.namespace,
          pod: KERNEL_POD.name,
          cluster: cfg.clusterName,
          instance: KERNEL_POD.uid,
          "datalayer.pool.name": "gpu-pool",
          "datalayer.pool.status": "assigned",
          "datalayer.pool.user": "user-0042",
          "datalayer.pool.type": "python",
          "datalayer.pool.reservation": "rsv-991",
        }
      : { ...IAM_RESOURCE, cluster: cfg.clusterName };
  expect(Object.keys(v).sort()).toEqual(CONTRACT.map((r) => r.attribute).sort());
  return Object.fromEntries(CONTRACT.map((r) => [r.promLabel, v[r.attribute]!]));
}

/** A service whose first data arrives in a retried batch. */
const LATE_RESOURCE = { "service.name": "billing-worker", "service.namespace": "billing", "service.instance.id": "9f1d2c3b-4a5e-4f60-8a7b-6c5d4e3f2a10" };

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

/** The metrics each resource sends (one point each, at `t`), and the series names Prometheus must store. */
function metricsAt(t: number, start: number): ResourceMetrics["metrics"] {
  return [
    counter("datalayer.kernel.executions", "{execution}", { outcome: "ok" }, start, [[t, 42]]),
    gauge("process.memory.usage", "By", {}, [[t, 123456789]]),
    histogram("http.server.request.duration", "s", { "http.request.method": "GET", "http.response.status_code": 200 }, start, {
      timeMs: t,
      bounds: [0.1, 0.5, 1],
      counts: [3, 2, 1, 0],
      sum: 1.9,
      exemplars: [{ timeMs: t - 1000, value: 0.42, traceId: TRACE_ID, spanId: SPAN_ID }],
    }),
    exponentialHistogram("http.client.request.duration", "s", { "server.address": "api.example.com" }, start, {
      timeMs: t,
      scale: 0,
      offset: -3,
      counts: [1, 2, 1],
      sum: 0.9,
    }),
  ];
}
const POINT_LABELS: Record<string, Record<string, string>> = {
  datalayer_kernel_executions_total: { outcome: "ok" },
  process_memory_usage_bytes: {},
  http_server_request_duration_seconds_bucket: { http_request_method: "GET", http_response_status_code: "200" },
  http_server_request_duration_seconds_sum: { http_request_method: "GET", http_response_status_code: "200" },
  http_server_request_duration_seconds_count: { http_request_method: "GET", http_response_status_code: "200" },
  http_client_request_duration_seconds: { server_address: "api.example.com" },
};
const BUCKETS = ["0.1", "0.5", "1", "+Inf"];

/** Every series one resource must produce in Prometheus (label sets, `__name__` included), sorted. */
function expectedSeries(contract: Record<string, string>, job: string, instance: string): Record<string, string>[] {
  const base = { ...contract, job, instance };
  const out: Record<string, string>[] = [];
  for (const [name, labels] of Object.entries(POINT_LABELS)) {
    if (name.endsWith("_bucket")) for (const le of BUCKETS) out.push({ __name__: name, ...base, ...labels, le });
    else out.push({ __name__: name, ...base, ...labels });
  }
  return out;
}

const key = (l: Record<string, string>): string =>
  JSON.stringify(
    Object.keys(l)
      .sort()
      .map((k) => [k, l[k]]),
  );

// ---------------------------------------------------------------------------------------------
// The gateway, made local

interface LocalGateway {
  config: any;
  otlpHttp: string;
  /** Exporter name → local Prometheus it was pointed at. */
  promExporters: Record<string, string>;
}

async function localGateway(cfg: ObserverConfig, prometheus: PrometheusServer[], name: string, selfMetricsPort: number): Promise<LocalGateway> {
  const c = JSON.parse(JSON.stringify(gatewayConfig(cfg))) as any;
  const replicas = endpoints(cfg).prometheusReplicas.map((e) => e.url);
  // The generated exporters push to every replica's Service: point each at its local Prometheus, in order.
  const promExporters: Record<string, string> = {};
  for (const [id, e] of Object.entries<any>(c.exporters)) {
    if (!id.startsWith("otlp_http/prometheus")) continue;
    const i = replicas.findIndex((u) => e.metrics_endpoint === `${u}${PROMETHEUS_OTLP_PATH}`);
    if (i < 0) throw new Error(`exporter ${id} pushes to ${e.metrics_endpoint}, not a Prometheus replica of the config`);
    e.metrics_endpoint = `${prometheus[i]!.url}${PROMETHEUS_OTLP_PATH}`;
    promExporters[id] = prometheus[i]!.url;
  }
  const closed = await freePort(); // nothing listens there: traces and logs are not part of this test
  c.exporters["otlp_grpc/tempo"].endpoint = `${LOOPBACK}:${closed}`;
  c.exporters["otlp_http/loki"].logs_endpoint = `http://${LOOPBACK}:${closed}/otlp/v1/logs`;
  const [grpc, http, health] = [await freePort(), await freePort(), await freePort()];
  c.receivers.otlp.protocols.grpc.endpoint = `${LOOPBACK}:${grpc}`;
  c.receivers.otlp.protocols.http.endpoint = `${LOOPBACK}:${http}`;
  c.extensions.health_check.endpoint = `${LOOPBACK}:${health}`;
  const reader = c.service.telemetry.metrics.readers[0].pull.exporter.prometheus;
  reader.host = LOOPBACK;
  reader.port = selfMetricsPort;
  for (const [id, ext] of Object.entries<any>(c.extensions)) {
    if (!id.startsWith("file_storage")) continue;
    const d = path.join(dir, name, id.replace("/", "-"));
    fs.mkdirSync(d, { recursive: true });
    ext.directory = d;
    if (ext.compaction) ext.compaction.directory = d;
  }
  expect(c.processors.k8s_attributes.auth_type).toBe("serviceAccount");
  c.processors.k8s_attributes.auth_type = "kubeConfig";
  // Network safety: nothing in the config may listen on or dial anything but loopback.
  const text = JSON.stringify(c);
  expect(text).not.toMatch(/0\.0\.0\.0|\.svc|cluster\.local/);
  return { config: c, otlpHttp: `http://${LOOPBACK}:${http}/v1/metrics`, promExporters };
}

async function startGateway(gw: LocalGateway, name: string): Promise<Proc> {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(gw.config, null, 2));
  const kubeconfig = kube.kubeconfig(path.join(dir, `${name}.kubeconfig`));
  const p = procs.start(name, OTELCOL, [`--config=${file}`], { logFile: path.join(dir, `${name}.log`), env: { KUBECONFIG: kubeconfig } });
  const health = `http://${gw.config.extensions.health_check.endpoint}/`;
  await waitFor(
    `${name} healthy`,
    async () => {
      if (p.child.exitCode !== null) throw new Error(`exited with ${p.child.exitCode}`);
      return (await fetch(health)).ok ? true : undefined;
    },
    { context: () => p.output().slice(-3000) },
  );
  return p;
}

// ---------------------------------------------------------------------------------------------
// Prometheus' API

/** Every series pushed over OTLP (not the scraped gateway self-metrics, not the probe, not target_info). */
async function pushedSeries(p: PrometheusServer): Promise<Record<string, string>[]> {
  const r = await httpJson<{ data: Record<string, string>[] }>(`${p.url}/api/v1/series?match[]=${encodeURIComponent(`{__name__=~".+", job!="${COLLECTOR_JOBS.gateway}"}`)}`);
  return r.data.filter((s) => s["__name__"] !== "observer_roundtrip_probe" && s["__name__"] !== "target_info");
}

async function exemplars(p: PrometheusServer, selector: string): Promise<{ seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string }[] }[]> {
  const now = Date.now() / 1000;
  const r = await httpJson<{ data: any[] }>(`${p.url}/api/v1/query_exemplars?query=${encodeURIComponent(selector)}&start=${now - 3600}&end=${now + 60}`);
  return r.data;
}

// ---------------------------------------------------------------------------------------------

const PROFILES: [string, () => ObserverConfig][] = [
  ["dev (one Prometheus)", () => parseConfig({ clusterName: "roundtrip-dev" })],
  ["prod (the fan-out to both replicas)", () => parseConfig({ ...PROD_RAW, clusterName: "roundtrip-prod" })],
];

describe.each(PROFILES)("%s", (label, makeCfg) => {
  const profile = label.split(" ")[0]!;
  const cfg = makeCfg();
  const spec = prometheusCrSpec(cfg);
  let prometheus: PrometheusServer[] = [];
  let gw: LocalGateway;
  let gwProc: Proc;
  let sentAt: number;
  const expected = () => {
    const kernel = expectedContract(cfg, "kernel");
    const iam = expectedContract(cfg, "iam");
    return [
      ...expectedSeries(kernel, `${kernel["service_namespace"]}/${kernel["service_name"]}`, kernel["service_instance_id"]!),
      ...expectedSeries(iam, `${iam["service_namespace"]}/${iam["service_name"]}`, iam["service_instance_id"]!),
    ];
  };

  beforeAll(async () => {
    expect(spec.replicas).toBe(profile === "dev" ? 1 : 2);
    prometheus = [];
    const selfMetricsPort = await freePort();
    // Each replica also scrapes the gateway's own metrics, as the gateway's ServiceMonitor has it do (job = the
    // monitoring Service's name); every second here instead of the global 30s.
    const scrapeConfigs = [{ job_name: COLLECTOR_JOBS.gateway, scrape_interval: "1s", static_configs: [{ targets: [`${LOOPBACK}:${selfMetricsPort}`] }] }];
    for (let i = 0; i < spec.replicas; i++) {
      const port = await freePort();
      prometheus.push(await startPrometheus(procs, spec, { dir, name: `${profile}-prometheus-${i}`, port, namespace: cfg.namespace, replica: i, scrapeConfigs }));
    }
    gw = await localGateway(cfg, prometheus, `${profile}-gateway`, selfMetricsPort);
    gwProc = await startGateway(gw, `${profile}-gateway`);

    // The pod informer lists asynchronously: a probe series is sent until every Prometheus has it with the pod's
    // labels (then the gateway knows the pod), before the data under test is sent once.
    await waitFor(
      "the gateway to enrich from the pod (probe series with the pod's app label in every Prometheus)",
      async () => {
        await postMetrics(gw.otlpHttp, [{ resource: KERNEL_RESOURCE, metrics: [gauge("observer.roundtrip.probe", "", {}, [[Date.now(), 1]])] }]);
        for (const p of prometheus) if ((await query(p, 'observer_roundtrip_probe{app="jupyter-kernel"}')).length === 0) return undefined;
        return true;
      },
      { everyMs: 1000 },
    );

    // After every probe (the kernel's target_info must not go back in time).
    sentAt = Date.now();
    const start = sentAt - 600_000;
    await postMetrics(gw.otlpHttp, [
      { resource: KERNEL_RESOURCE, metrics: metricsAt(sentAt, start) },
      { resource: IAM_RESOURCE, metrics: metricsAt(sentAt, start) },
    ]);
    const want = expected().length;
    for (const p of prometheus) {
      await waitFor(`${want} series in ${p.url}`, async () => {
        const n = (await pushedSeries(p)).length;
        return n >= want ? n : undefined;
      });
    }
  }, 240_000);

  it("the generated gateway pushes metrics to every Prometheus replica", () => {
    expect(Object.values(gw.promExporters)).toEqual(prometheus.map((p) => p.url));
    expect(gw.config.service.pipelines.metrics.exporters).toEqual(Object.keys(gw.promExporters));
  });

  it("the pod informer read the pods from the API stand-in", () => {
    expect(kube.requests.some((r) => r.startsWith("GET /api/v1/pods?"))).toBe(true);
  });

  it("every Prometheus holds each series exactly once, with job, instance and every contract label", async () => {
    const want = expected().map(key).sort();
    for (const p of prometheus) {
      const got = (await pushedSeries(p)).map(key).sort();
      expect({ prometheus: p.url, series: got }).toEqual({ prometheus: p.url, series: want });
    }
  });

  it("every Prometheus has one target_info per resource, with the identifying attributes kept", async () => {
    for (const p of prometheus) {
      const info = (await query(p, `target_info{job!="${COLLECTOR_JOBS.gateway}"}`)).map((s) => s.metric);
      const kernel = expectedContract(cfg, "kernel");
      const iam = expectedContract(cfg, "iam");
      expect(info.map((m) => [m["job"], m["instance"], m["service_name"], m["service_namespace"], m["service_instance_id"]]).sort()).toEqual(
        [
          [`${kernel["service_namespace"]}/${kernel["service_name"]}`, kernel["service_instance_id"], kernel["service_name"], kernel["service_namespace"], kernel["service_instance_id"]],
          [`${iam["service_namespace"]}/${iam["service_name"]}`, iam["service_instance_id"], iam["service_name"], iam["service_namespace"], iam["service_instance_id"]],
        ].sort(),
      );
    }
  });

  it("values arrive as sent: counter, gauge, histogram buckets and a native histogram", async () => {
    for (const p of prometheus) {
      const v = async (q: string) => (await query(p, q)).map((s) => [s.metric["service_name"], s.value[1]]).sort();
      expect(await v("datalayer_kernel_executions_total")).toEqual([["iam", "42"], ["kernel", "42"]]);
      expect(await v("process_memory_usage_bytes")).toEqual([["iam", "123456789"], ["kernel", "123456789"]]);
      expect(await v('http_server_request_duration_seconds_bucket{le="0.5"}')).toEqual([["iam", "5"], ["kernel", "5"]]);
      expect(await v("http_server_request_duration_seconds_count")).toEqual([["iam", "6"], ["kernel", "6"]]);
      expect(await v("histogram_count(http_client_request_duration_seconds)")).toEqual([["iam", "4"], ["kernel", "4"]]);
    }
  });

  it("exemplars carry the trace id", async () => {
    for (const p of prometheus) {
      const ex = await exemplars(p, "http_server_request_duration_seconds_bucket");
      const found = ex.flatMap((s) => s.exemplars.map((e) => [s.seriesLabels["service_name"], e.labels["trace_id"], e.labels["span_id"], e.value])).sort();
      expect(found).toEqual([
        ["iam", TRACE_ID, SPAN_ID, "0.42"],
        ["kernel", TRACE_ID, SPAN_ID, "0.42"],
      ]);
    }
  });

  it("Prometheus stores the gateway's own metrics under the names the rules and dashboards read (the inventory)", async () => {
    // What a metrics-only pipeline records for sure; the other inventoried collector metrics count failures, spans or
    // logs: each of them that is there must have its inventoried name too.
    const recorded = [
      "otelcol_receiver_accepted_metric_points_total",
      "otelcol_receiver_refused_metric_points_total",
      "otelcol_exporter_sent_metric_points_total",
      "otelcol_exporter_queue_size",
      "otelcol_exporter_queue_capacity",
      "otelcol_processor_incoming_items_total",
      "otelcol_processor_outgoing_items_total",
      "otelcol_processor_batch_batch_send_size",
      "otelcol_process_uptime_seconds_total",
      "otelcol_process_cpu_seconds_total",
      "otelcol_process_memory_rss_bytes",
      "otelcol_process_runtime_heap_alloc_bytes",
    ];
    const inventory = METRICS.filter((m) => m.source === "otelcol");
    expect(recorded.filter((n) => !inventory.some((m) => m.name === n))).toEqual([]);
    for (const p of prometheus) {
      const names = await waitFor(`the gateway's self-metrics scraped by ${p.url}`, async () => {
        const r = await httpJson<{ data: string[] }>(`${p.url}/api/v1/label/__name__/values?match[]=${encodeURIComponent(`{job="${COLLECTOR_JOBS.gateway}"}`)}`);
        return r.data.some((n) => n.includes("exporter_sent_metric_points")) ? r.data : undefined;
      });
      // Each inventoried metric, by its OpenTelemetry name: the names Prometheus stored for it.
      const stored = inventory
        .map((m) => ({
          name: m.name,
          family: m.type === "histogram" ? [`${m.name}_bucket`, `${m.name}_count`, `${m.name}_sum`] : [m.name],
          found: names.filter((n) => new RegExp(`^${m.otelName}(_seconds|_bytes)?(_total|_bucket|_count|_sum)?$`).test(n)).sort(),
        }))
        .filter((e) => e.found.length > 0);
      expect(stored.map((e) => [e.name, e.found])).toEqual(stored.map((e) => [e.name, e.family]));
      expect(recorded.filter((n) => !stored.some((e) => e.name === n))).toEqual([]);
    }
  });

  it("keeps a batch the gateway retried until its retry horizon, after newer data arrived (the out-of-order window covers it)", async () => {
    // Prometheus rejects a whole OTLP request (400, rolled back) when one sample is out of order or too old, and the
    // exporter drops a rejected batch: everything else in it is lost too. A batch the gateway retries for up to its
    // max_elapsed_time arrives that much older than the newest data.
    const exporter = gw.config.exporters[Object.keys(gw.promExporters)[0]!];
    const horizonMs = durationSeconds(exporter.retry_on_failure.max_elapsed_time) * 1000;
    const retried = sentAt - horizonMs;
    await postMetrics(gw.otlpHttp, [
      { resource: IAM_RESOURCE, metrics: [gauge("process.memory.usage", "By", {}, [[retried, 1000]])] },
      { resource: LATE_RESOURCE, metrics: [gauge("process.memory.usage", "By", {}, [[retried, 2000]])] },
    ]);
    const range = `${Math.ceil(horizonMs / 60_000) + 5}m`;
    for (const p of prometheus) {
      const samples = await waitFor(`the retried batch in ${p.url}`, async () => {
        const r = await query(p, `process_memory_usage_bytes{service_name=~"iam|billing-worker"}[${range}]`);
        const got = r.map((x: any) => [x.metric.service_name, x.values]).sort();
        return got.length === 2 ? got : undefined;
      }, { deadlineMs: 30_000, context: () => `gateway log:\n${gwProc.output().slice(-2000)}` });
      expect(samples).toEqual([
        ["billing-worker", [[retried / 1000, "2000"]]],
        [
          "iam",
          [
            [retried / 1000, "1000"],
            [sentAt / 1000, "123456789"],
          ],
        ],
      ]);
    }
  });
});
