/**
 * The log agent (`datalayer-log-agent`, a DaemonSet): tails `/var/log/pods/*\/*\/*.log` on its
 * node, parses the container runtime format, recombines multi-line records, extracts the
 * OpenTelemetry Python logging correlation fields, enriches from the API (own node only), writes
 * the metadata contract and ships to Loki over OTLP/HTTP. Pure builders.
 */
import { LOG_AGENT_SECURITY } from "../security/pod-security";
import { collectorResources } from "../sizing";
import type { ObserverConfig } from "../config";
import { COLLECTORS } from "../endpoints";
import {
  batch,
  commonSpec,
  healthCheck,
  k8sAttributes,
  lokiExporter,
  memoryLimiter,
  contractTransform,
  selfTelemetry,
  SERVICE_ACCOUNTS,
  LOGS_OPT_OUT_ANNOTATION,
  LOGS_OPT_OUT_ATTRIBUTE,
  LOGS_OPT_OUT_VALUE,
  type JsonObject,
  toJson,
} from "./common";

export const POD_LOGS_DIR = "/var/log/pods";
/** Docker (cri-dockerd) keeps the real files here; /var/log/pods holds symlinks to them. */
const DOCKER_CONTAINERS_DIR = "/var/lib/docker/containers";
/** Mount path of the node-local state (file offsets, persistent queue). */
export const AGENT_STATE_PATH = "/var/lib/otelcol/agent";
const AGENT_STORAGE = "file_storage/agent";
const NODE_NAME_ENV = "K8S_NODE_NAME";
const AGENT_PROCESSORS = ["memory_limiter", "k8s_attributes", "filter/otlp-opt-out", "transform/contract", "batch"] as const;

/**
 * A new record starts with an asctime timestamp (`2024-05-01 12:00:00,123`, also ISO `T`), or with
 * anything that is not a continuation line. Continuations: indented lines, Python's traceback
 * headers and chaining sentences, and the final `SomeError: message` line of a traceback.
 */
export const FIRST_LINE_EXPR =
  'body matches "^\\\\d{4}-\\\\d{2}-\\\\d{2}[ T]\\\\d{2}:\\\\d{2}:\\\\d{2}" or not (body matches ' +
  '"^(\\\\s|Traceback \\\\(most recent call last\\\\):|During handling of the above exception|' +
  "The above exception was the direct cause|[A-Za-z_][A-Za-z0-9_.]*(Error|Exception|Exit|Interrupt|Warning|Group)(:|$))\")";

/**
 * The fields OpenTelemetry Python's logging instrumentation (`OTEL_PYTHON_LOG_CORRELATION=true`)
 * writes with its default format
 * `%(asctime)s %(levelname)s [%(name)s] [%(filename)s:%(lineno)d] [trace_id=… span_id=… resource.service.name=… trace_sampled=…] - %(message)s`.
 * Parsed into `attributes.otel_python`, then moved to trace/span ids, severity and `service.name`.
 */
export const PYTHON_OTEL_REGEX =
  "^(?:\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}[,.]\\d+\\s+)?(?:(?P<level>DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|NOTSET)\\s+)?" +
  ".*?trace_id=(?P<trace_id>[0-9a-f]+) span_id=(?P<span_id>[0-9a-f]+) resource\\.service\\.name=(?P<service_name>[^\\s\\]]*)";
const PY = "attributes.otel_python";

/**
 * Temporary attribute keying the recombine operators: file AND stream. containerd, CRI-O and Docker
 * write a container's stdout and stderr into one file, so keyed by file alone a stdout line written
 * between two lines of a stderr traceback would end it, and the rest of the traceback would be glued
 * to that stdout line. Removed once the records are whole.
 */
const RECOMBINE_SOURCE = 'attributes["observer.recombine.source"]';

/** filelog operators, in order. */
export function agentOperators(): JsonObject[] {
  return [
    // containerd, CRI-O and Docker formats (auto-detected); also joins CRI partial (P) lines and sets k8s.* from the path.
    { type: "container", id: "container", add_metadata_from_filepath: true, max_log_size: "1MiB" },
    {
      type: "add",
      id: "recombine-source",
      field: RECOMBINE_SOURCE,
      value: 'EXPR(attributes["log.file.path"] + " " + (attributes["log.iostream"] ?? ""))',
    },
    {
      // Docker's json-file driver splits lines longer than 16 KiB into entries that do not end in
      // "\n" (the container parser joins only CRI partial lines); only Docker entries lack `logtag`.
      type: "recombine",
      id: "docker-partial",
      if: "attributes.logtag == nil",
      combine_field: "body",
      combine_with: "",
      is_last_entry: 'body matches "\\\\n$"',
      source_identifier: RECOMBINE_SOURCE,
      max_log_size: "1MiB",
      max_batch_size: 0,
      max_unmatched_batch_size: 0,
      force_flush_period: "2s",
    },
    // Docker keeps the line's own newline ("\r\n" with a TTY) in `log`: drop it, for every format.
    { type: "regex_replace", id: "trailing-newline", field: "body", regex: "[\\r\\n]+$", replace_with: "" },
    {
      type: "recombine",
      id: "multiline",
      combine_field: "body",
      combine_with: "\n",
      is_first_entry: FIRST_LINE_EXPR,
      source_identifier: RECOMBINE_SOURCE,
      max_log_size: "1MiB",
      max_batch_size: 1000,
      // Unlimited: continuation lines with no first line before them in the batch (an uncaught
      // exception's traceback after the previous record was flushed by the timer) stay one record.
      max_unmatched_batch_size: 0,
      force_flush_period: "2s",
    },
    { type: "remove", id: "recombine-source-cleanup", field: RECOMBINE_SOURCE },
    {
      type: "regex_parser",
      id: "python-otel",
      if: 'body matches "trace_id=[0-9a-f]+ span_id=[0-9a-f]+ resource\\\\.service\\\\.name="',
      parse_from: "body",
      parse_to: PY,
      regex: PYTHON_OTEL_REGEX,
      on_error: "send_quiet",
      severity: {
        parse_from: `${PY}.level`,
        mapping: { warn: ["WARNING", "WARN"], fatal: ["CRITICAL", "FATAL"], debug: ["DEBUG", "NOTSET"] },
      },
    },
    {
      // "0" ids mean "no active span": leave the record uncorrelated.
      type: "trace_parser",
      id: "python-otel-trace",
      if: `${PY} != nil and ${PY}.trace_id != nil and ${PY}.trace_id != "0" and ${PY}.span_id != "0"`,
      trace_id: { parse_from: `${PY}.trace_id` },
      span_id: { parse_from: `${PY}.span_id` },
      on_error: "send_quiet",
    },
    {
      type: "move",
      id: "python-otel-service",
      if: `${PY} != nil and ${PY}.service_name != nil and ${PY}.service_name != ""`,
      from: `${PY}.service_name`,
      to: 'resource["service.name"]',
    },
    { type: "remove", id: "python-otel-cleanup", if: `${PY} != nil`, field: PY },
  ];
}

/** The agent's collector `config`. */
export function agentConfig(cfg: ObserverConfig): JsonObject {
  return {
    receivers: {
      file_log: {
        include: [`${POD_LOGS_DIR}/*/*/*.log`],
        // Its own pods: reading the lines about the lines it reads would loop.
        exclude: [`${POD_LOGS_DIR}/${cfg.namespace}_${COLLECTORS.agent}-collector-*_*/*/*.log`],
        include_file_path: true,
        include_file_name: false,
        // A CRI partial (P) line is cut at a fixed size, wherever that falls: trimming its trailing
        // blanks would glue two words together when the P lines are joined.
        preserve_trailing_whitespaces: true,
        // With offsets checkpointed in file_storage, "beginning" only applies to files never seen:
        // a file created while the agent was down is read whole, so nothing is lost.
        start_at: "beginning",
        storage: AGENT_STORAGE,
        retry_on_failure: { enabled: true, initial_interval: "1s", max_interval: "30s", max_elapsed_time: "0s" },
        operators: agentOperators(),
      },
    },
    processors: {
      memory_limiter: memoryLimiter(),
      k8s_attributes: k8sAttributes({
        podAssociation: [[{ from: "resource_attribute", name: "k8s.pod.uid" }]],
        nodeFromEnv: NODE_NAME_ENV,
        annotations: [{ tag_name: LOGS_OPT_OUT_ATTRIBUTE, key: LOGS_OPT_OUT_ANNOTATION, from: "pod" }],
      }),
      "filter/otlp-opt-out": {
        error_mode: "ignore",
        logs: { log_record: [`resource.attributes[${JSON.stringify(LOGS_OPT_OUT_ATTRIBUTE)}] == ${JSON.stringify(LOGS_OPT_OUT_VALUE)}`] },
      },
      "transform/contract": contractTransform(cfg, [
        `delete_key(resource.attributes, ${JSON.stringify(LOGS_OPT_OUT_ATTRIBUTE)})`,
      ]),
      batch: batch(),
    },
    exporters: { "otlp_http/loki": lokiExporter(cfg, AGENT_STORAGE) },
    extensions: {
      health_check: healthCheck(),
      [AGENT_STORAGE]: {
        directory: AGENT_STATE_PATH,
        timeout: "10s",
        compaction: { on_start: true, on_rebound: true, directory: AGENT_STATE_PATH },
      },
    },
    service: {
      extensions: ["health_check", AGENT_STORAGE],
      telemetry: selfTelemetry(),
      pipelines: {
        logs: { receivers: ["file_log"], processors: [...AGENT_PROCESSORS], exporters: ["otlp_http/loki"] },
      },
    },
  };
}

/** The full agent `spec` (same in both profiles). */
export function agentCollectorSpec(cfg: ObserverConfig): JsonObject {
  return {
    mode: "daemonset",
    ...commonSpec(cfg, SERVICE_ACCOUNTS.agent),
    // Pod log files are root-owned (0640): the agent reads them as root, with no capabilities,
    // a read-only root filesystem and read-only log mounts (the one documented hardening exception).
    podSecurityContext: toJson(LOG_AGENT_SECURITY.pod),
    securityContext: toJson(LOG_AGENT_SECURITY.container),
    env: [{ name: NODE_NAME_ENV, valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
    volumes: [
      { name: "varlogpods", hostPath: { path: POD_LOGS_DIR, type: "Directory" } },
      { name: "dockercontainers", hostPath: { path: DOCKER_CONTAINERS_DIR, type: "" } },
      { name: "state", hostPath: { path: cfg.collectors.agent.hostPath, type: "DirectoryOrCreate" } },
    ],
    volumeMounts: [
      { name: "varlogpods", mountPath: POD_LOGS_DIR, readOnly: true },
      { name: "dockercontainers", mountPath: DOCKER_CONTAINERS_DIR, readOnly: true },
      { name: "state", mountPath: AGENT_STATE_PATH },
    ],
    // Every node, tainted ones included: their pods log too.
    tolerations: [{ operator: "Exists" }],
    daemonSetUpdateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%" } },
    resources: toJson(collectorResources(cfg.profile).agent),
    config: agentConfig(cfg),
  };
}
