import {
  agentCollectorSpec,
  agentConfig,
  agentOperators,
  FIRST_LINE_EXPR,
  PYTHON_OTEL_REGEX,
} from "../../../components/collectors/agent";
import { devConfig, prodConfig } from "./fixtures";

const cfg = devConfig();
const spec = agentCollectorSpec(cfg) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
const conf = agentConfig(cfg) as any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("log agent spec", () => {
  it("is a DaemonSet reading pod logs read-only, with node-local state", () => {
    expect(spec.mode).toBe("daemonset");
    expect(spec.upgradeStrategy).toBe("none");
    expect(spec.serviceAccount).toBe("observer-log-agent");
    expect(spec.image).toBe("ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.158.0");
    expect(spec.env).toEqual([{ name: "K8S_NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }]);
    expect(spec.volumes).toEqual([
      { name: "varlogpods", hostPath: { path: "/var/log/pods", type: "Directory" } },
      { name: "dockercontainers", hostPath: { path: "/var/lib/docker/containers", type: "" } },
      { name: "state", hostPath: { path: "/var/lib/observer/datalayer-observer/log-agent", type: "DirectoryOrCreate" } },
    ]);
    expect(spec.volumeMounts).toEqual([
      { name: "varlogpods", mountPath: "/var/log/pods", readOnly: true },
      { name: "dockercontainers", mountPath: "/var/lib/docker/containers", readOnly: true },
      { name: "state", mountPath: "/var/lib/otelcol/agent" },
    ]);
    expect(spec.tolerations).toEqual([{ operator: "Exists" }]);
    // The documented exception: UID 0 to read root-owned 0640 log files, and nothing else.
    expect(spec.securityContext).toEqual({
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("is the same in prod, apart from the Loki tenant", () => {
    const p = agentCollectorSpec(prodConfig({}, "t1")) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(p.mode).toBe("daemonset");
    expect(p.config.exporters["otlp_http/loki"].headers).toEqual({ "X-Scope-OrgID": "t1" });
    expect(conf.exporters["otlp_http/loki"].headers).toBeUndefined();
  });
});

describe("log agent config (golden)", () => {
  it("file_log: pods' logs, not its own, offsets checkpointed, trailing blanks kept", () => {
    const { operators, ...filelog } = conf.receivers.file_log;
    expect(filelog).toEqual({
      include: ["/var/log/pods/*/*/*.log"],
      exclude: ["/var/log/pods/datalayer-observer_datalayer-log-agent-collector-*_*/*/*.log"],
      include_file_path: true,
      include_file_name: false,
      preserve_trailing_whitespaces: true,
      start_at: "beginning",
      storage: "file_storage/agent",
      retry_on_failure: { enabled: true, initial_interval: "1s", max_interval: "30s", max_elapsed_time: "0s" },
    });
    expect(operators).toEqual(agentOperators());
    expect(operators.map((o: { id: string }) => o.id)).toEqual([
      "container",
      "recombine-source",
      "docker-partial",
      "trailing-newline",
      "multiline",
      "recombine-source-cleanup",
      "python-otel",
      "python-otel-trace",
      "python-otel-service",
      "python-otel-cleanup",
    ]);
  });

  it("recombines per file AND stream: a stdout line cannot cut a stderr traceback", () => {
    const op = (id: string) => conf.receivers.file_log.operators.find((o: { id: string }) => o.id === id);
    expect(op("recombine-source")).toEqual({
      type: "add",
      id: "recombine-source",
      field: 'attributes["observer.recombine.source"]',
      value: 'EXPR(attributes["log.file.path"] + " " + (attributes["log.iostream"] ?? ""))',
    });
    expect(op("docker-partial").source_identifier).toBe('attributes["observer.recombine.source"]');
    expect(op("multiline").source_identifier).toBe('attributes["observer.recombine.source"]');
    // The temporary key never leaves the agent.
    expect(op("recombine-source-cleanup")).toEqual({ type: "remove", id: "recombine-source-cleanup", field: 'attributes["observer.recombine.source"]' });
  });

  it("multiline: a traceback with no first line before it (timer-flushed batch) stays one record", () => {
    const multiline = conf.receivers.file_log.operators.find((o: { id: string }) => o.id === "multiline");
    expect(multiline).toEqual({
      type: "recombine",
      id: "multiline",
      combine_field: "body",
      combine_with: "\n",
      is_first_entry: FIRST_LINE_EXPR,
      source_identifier: 'attributes["observer.recombine.source"]',
      max_log_size: "1MiB",
      max_batch_size: 1000,
      max_unmatched_batch_size: 0,
      force_flush_period: "2s",
    });
  });

  it("Docker: 16 KiB pieces joined (only Docker entries lack logtag), the line's own newline dropped", () => {
    const ops = conf.receivers.file_log.operators;
    expect(ops.find((o: { id: string }) => o.id === "docker-partial")).toEqual({
      type: "recombine",
      id: "docker-partial",
      if: "attributes.logtag == nil",
      combine_field: "body",
      combine_with: "",
      is_last_entry: 'body matches "\\\\n$"',
      source_identifier: 'attributes["observer.recombine.source"]',
      max_log_size: "1MiB",
      max_batch_size: 0,
      max_unmatched_batch_size: 0,
      force_flush_period: "2s",
    });
    const nl = ops.find((o: { id: string }) => o.id === "trailing-newline");
    expect(nl).toEqual({ type: "regex_replace", id: "trailing-newline", field: "body", regex: "[\\r\\n]+$", replace_with: "" });
    const re = new RegExp(nl.regex);
    expect(["a\n", "a\r\n", "a"].map((b) => b.replace(re, ""))).toEqual(["a", "a", "a"]);
  });

  it("processors in order, enrichment on its own node, opt-out filter", () => {
    expect(conf.service.pipelines).toEqual({
      logs: {
        receivers: ["file_log"],
        processors: ["memory_limiter", "k8s_attributes", "filter/otlp-opt-out", "transform/contract", "batch"],
        exporters: ["otlp_http/loki"],
      },
    });
    expect(conf.processors.k8s_attributes.filter).toEqual({ node_from_env_var: "K8S_NODE_NAME" });
    expect(conf.processors.k8s_attributes.pod_association).toEqual([{ sources: [{ from: "resource_attribute", name: "k8s.pod.uid" }] }]);
    expect(conf.processors.k8s_attributes.extract.annotations).toEqual([
      { tag_name: "observer.logs.source", key: "observer.datalayer.io/logs", from: "pod" },
    ]);
    expect(conf.processors["filter/otlp-opt-out"]).toEqual({
      error_mode: "ignore",
      logs: { log_record: ['resource.attributes["observer.logs.source"] == "otlp"'] },
    });
    expect(conf.processors["transform/contract"].log_statements.at(-1)).toBe('delete_key(resource.attributes, "observer.logs.source")');
  });

  it("ships to Loki over OTLP/HTTP with a persistent queue on the node", () => {
    expect(conf.exporters).toEqual({
      "otlp_http/loki": {
        logs_endpoint: "http://observer-loki.datalayer-observer.svc.cluster.local:3100/otlp/v1/logs",
        retry_on_failure: { enabled: true, initial_interval: "5s", max_interval: "30s", max_elapsed_time: "300s" },
        sending_queue: { enabled: true, num_consumers: 4, queue_size: 2000, storage: "file_storage/agent" },
      },
    });
    expect(conf.extensions["file_storage/agent"]).toEqual({
      directory: "/var/lib/otelcol/agent",
      timeout: "10s",
      compaction: { on_start: true, on_rebound: true, directory: "/var/lib/otelcol/agent" },
    });
    expect(conf.service.extensions).toEqual(["health_check", "file_storage/agent"]);
  });
});

/** RE2 named groups (?P<x>) → JS (?<x>); the rest of our regexes is in the common subset. */
const js = (re: string) => new RegExp(re.replace(/\(\?P</g, "(?<"));

describe("OpenTelemetry Python log lines", () => {
  const re = js(PYTHON_OTEL_REGEX);
  const line =
    "2024-05-01 12:00:00,123 WARNING [datalayer.iam] [handlers.py:42] [trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 resource.service.name=iam trace_sampled=True] - token expired";

  it("parses trace id, span id, level and service name", () => {
    expect(re.exec(line)?.groups).toEqual({
      level: "WARNING",
      trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
      span_id: "00f067aa0ba902b7",
      service_name: "iam",
    });
  });

  it("parses the no-span form (ids 0, which the trace parser skips)", () => {
    const g = re.exec("2024-05-01 12:00:00,123 INFO [x] [a.py:1] [trace_id=0 span_id=0 resource.service.name=iam trace_sampled=False] - hi")?.groups;
    expect(g).toEqual({ level: "INFO", trace_id: "0", span_id: "0", service_name: "iam" });
    expect(agentOperators().find((o) => o["id"] === "python-otel-trace")!["if"]).toBe(
      'attributes.otel_python != nil and attributes.otel_python.trace_id != nil and attributes.otel_python.trace_id != "0" and attributes.otel_python.span_id != "0"',
    );
  });

  it("leaves an empty service name empty (the container name is used instead)", () => {
    expect(re.exec("ERROR [trace_id=ab span_id=cd resource.service.name= trace_sampled=False] - x")?.groups?.["service_name"]).toBe("");
  });

  it("does not match lines without the correlation fields", () => {
    expect(re.exec("2024-05-01 12:00:00,123 INFO plain line")).toBeNull();
  });
});

describe("multi-line recombination", () => {
  // The expr is `<timestamp match> or not (<continuation match>)`; evaluate its two regexes.
  const [, ts, cont] = /^body matches "(.+?)" or not \(body matches "(.+)"\)$/.exec(FIRST_LINE_EXPR)!;
  const unescape = (s: string) => s.replace(/\\\\/g, "\\");
  const first = (body: string) => js(unescape(ts!)).test(body) || !js(unescape(cont!)).test(body);

  it.each([
    ["2024-05-01 12:00:00,123 ERROR [x] boom", true],
    ["2024-05-01T12:00:00.123Z INFO start", true],
    ["a plain line", true],
    ["Traceback (most recent call last):", false],
    ['  File "/app/x.py", line 3, in <module>', false],
    ["    raise ValueError('bad')", false],
    ["ValueError: bad", false],
    ["During handling of the above exception, another exception occurred:", false],
    ["The above exception was the direct cause of the following exception:", false],
    ["json.decoder.JSONDecodeError: Expecting value", false],
  ])("%j starts a record: %s", (body, expected) => {
    expect(first(body)).toBe(expected);
  });
});
