/**
 * Pieces both collectors share: names, the self-metrics port, processors in contract order,
 * exporter retry/queue settings, the Loki exporter, pod security. Pure: no Pulumi.
 */
import { restrictedContainerSecurityContext } from "../security/pod-security";
import type { ObserverConfig } from "../config";
import { endpoints } from "../endpoints";
import { IMAGES, imageString } from "../versions";
import { contractPodLabelRules, contractStatements } from "./contract";

/** Plain JSON object (collector config and CR bodies are built as data, never as YAML strings). */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** A typed value (security contexts, resources) as plain JSON: optional fields that are unset drop out. */
export function toJson(value: object): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/**
 * Port of each collector's own Prometheus metrics. Not 8888: the operator's automatic upgrade
 * routines used to add a second reader on 0.0.0.0:8888 next to a user-configured one, and the
 * collector then crashed with "address already in use" (opentelemetry-operator#5416, fixed by
 * #5459 in 0.158.0). With our own reader on another port, and `upgradeStrategy: none`, that
 * clash cannot happen whatever the operator version. The operator derives its
 * `<name>-collector-monitoring` Service port from this reader (internal/otelconfig MetricsEndpoint).
 */
const SELF_METRICS_PORT = 8889;
/** Name of the port on the operator's `<name>-collector-monitoring` Service. */
export const MONITORING_PORT_NAME = "monitoring";
/** health_check extension port (the operator wires the pod probes to it). */
const HEALTH_CHECK_PORT = 13133;

/** ServiceAccounts we create for the collectors (`spec.serviceAccount`). */
export const SERVICE_ACCOUNTS = {
  gateway: "observer-gateway",
  agent: "observer-log-agent",
} as const;

/** Pod annotation: a pod whose logs already go out over OTLP sets it to `otlp`, and the log agent skips its files. */
export const LOGS_OPT_OUT_ANNOTATION = "observer.datalayer.io/logs";
export const LOGS_OPT_OUT_VALUE = "otlp";
/** Temporary resource attribute carrying that annotation inside the agent (deleted before export). */
export const LOGS_OPT_OUT_ATTRIBUTE = "observer.logs.source";

/** The pinned contrib collector image (mirror applied). */
export function collectorImage(cfg: ObserverConfig): string {
  return imageString(IMAGES.collectorContrib, cfg.images.mirror);
}

export function memoryLimiter(): JsonObject {
  return { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 };
}

export function batch(): JsonObject {
  return { send_batch_size: 8192, send_batch_max_size: 16384, timeout: "1s" };
}

/**
 * k8sattributes: the Kubernetes metadata the contract needs, and the contract's pod labels
 * under their contract names. Only pods (plus namespaces/nodes/replicasets the processor reads
 * for owners) are watched: nothing that needs more than the ClusterRole in rbac.ts.
 */
export function k8sAttributes(opts: {
  podAssociation: { from: "resource_attribute" | "connection"; name?: string }[][];
  nodeFromEnv?: string;
  annotations?: { tag_name: string; key: string; from: "pod" }[];
}): JsonObject {
  return {
    auth_type: "serviceAccount",
    passthrough: false,
    ...(opts.nodeFromEnv ? { filter: { node_from_env_var: opts.nodeFromEnv } } : {}),
    extract: {
      metadata: ["k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.node.name", "k8s.container.name"],
      labels: contractPodLabelRules(),
      ...(opts.annotations && opts.annotations.length > 0 ? { annotations: opts.annotations } : {}),
    },
    pod_association: opts.podAssociation.map((sources) => ({
      sources: sources.map((s): JsonObject => (s.name ? { from: s.from, name: s.name } : { from: s.from })),
    })),
  };
}

/** transform/contract: the non-label contract attributes, for every signal. */
export function contractTransform(cfg: ObserverConfig, extraResourceStatements: string[] = []): JsonObject {
  const statements = [...contractStatements(cfg.clusterName), ...extraResourceStatements];
  return {
    error_mode: "ignore",
    trace_statements: statements,
    metric_statements: statements,
    log_statements: statements,
  };
}

/** Exporter retry and sending queue (persistent when `storage` names a storage extension). */
export function delivery(cfg: ObserverConfig, storage?: string): JsonObject {
  return {
    retry_on_failure: {
      enabled: true,
      initial_interval: "5s",
      max_interval: "30s",
      max_elapsed_time: cfg.profile === "prod" ? "900s" : "300s",
    },
    sending_queue: {
      enabled: true,
      num_consumers: 4,
      queue_size: cfg.profile === "prod" ? 10000 : 2000,
      ...(storage ? { storage } : {}),
    },
  };
}

/** OTLP/HTTP exporter to Loki's native OTLP endpoint, with the tenant header when multi-tenant. */
export function lokiExporter(cfg: ObserverConfig, storage?: string): JsonObject {
  const loki = endpoints(cfg).lokiWrite;
  return {
    logs_endpoint: `${loki.url}/otlp/v1/logs`,
    ...(cfg.loki.tenant !== undefined ? { headers: { "X-Scope-OrgID": cfg.loki.tenant } } : {}),
    ...delivery(cfg, storage),
  };
}

/**
 * The collector's own telemetry: Prometheus pull reader on {@link SELF_METRICS_PORT}, JSON logs.
 *
 * The reader is told to add the type and unit suffixes (`without_type_suffix: false`, `without_units: false`):
 * collector 0.158.0 defaults both to true for a pull reader (service/telemetry/otelconftelemetry
 * applyPrometheusDefaults), which otelconf v0.24.0 maps to the NoTranslation strategy, so the exposition (text
 * 0.0.4, also when Prometheus asks for OpenMetrics) would name counters without `_total` and drop units
 * (`otelcol_exporter_sent_spans`, `otelcol_process_uptime`): none of the names the rules, dashboards and
 * tests/fixtures/metrics.ts use would exist. Measured with the real collector scraped by the real
 * Prometheus 3.14.0 (tests/tools/metrics-roundtrip.test.ts).
 */
export function selfTelemetry(): JsonObject {
  return {
    metrics: {
      level: "normal",
      readers: [
        {
          pull: {
            exporter: {
              prometheus: { host: "0.0.0.0", port: SELF_METRICS_PORT, without_type_suffix: false, without_units: false, without_scope_info: true },
            },
          },
        },
      ],
    },
    logs: { level: "info", encoding: "json" },
  };
}

export function healthCheck(): JsonObject {
  return { endpoint: `0.0.0.0:${HEALTH_CHECK_PORT}` };
}

/** Container security for both collectors (the agent overrides the user: it reads root-owned files). */
function containerSecurity(): JsonObject {
  return toJson(restrictedContainerSecurityContext());
}

/** Fields every collector spec carries. */
export function commonSpec(cfg: ObserverConfig, serviceAccount: string): JsonObject {
  return {
    image: collectorImage(cfg),
    upgradeStrategy: "none",
    managementState: "managed",
    serviceAccount,
    // One allow-list governs the namespace. With observer:networkPolicy on (the default), our
    // policies (components/security) isolate the collectors and allow exactly the flows they need; the
    // operator's own policy would only widen them (ingress on every declared port, self-metrics
    // included, from anywhere), so it is off. With ours off, the operator's policy is the fallback
    // isolation: ingress only on the collector's declared ports (OTLP from any namespace, self-metrics).
    networkPolicy: { enabled: !cfg.networkPolicy.enabled },
    // We scrape with our own ServiceMonitor (selected by Prometheus' labels): no operator-made
    // monitors and no prometheus.io annotations, so no target is scraped twice.
    observability: { metrics: { enableMetrics: false, disablePrometheusAnnotations: true } },
    securityContext: containerSecurity(),
  };
}
