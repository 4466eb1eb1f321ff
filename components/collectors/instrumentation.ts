/**
 * Instrumentation CRs (opentelemetry.io/v1alpha1): one per namespace in
 * `instrumentation.namespaces` (an Instrumentation must live in the pod's namespace), exporting to
 * the gateway. Python and Node.js speak OTLP over http/protobuf on 4318, Java over gRPC on 4317;
 * each language's protocol and endpoint are set explicitly. Pure builders.
 */
import type { ObserverConfig } from "../config";
import { endpoints } from "../endpoints";
import { IMAGES, imageString } from "../versions";
import type { JsonObject } from "./common";

/** Fixed name: the inject annotation `"true"` picks the single Instrumentation of the pod's namespace. */
export const INSTRUMENTATION_NAME = "datalayer-instrumentation";

function env(pairs: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(pairs).map(([name, value]) => ({ name, value }));
}

export function instrumentationSpec(cfg: ObserverConfig): JsonObject {
  const ep = endpoints(cfg);
  const http = {
    OTEL_EXPORTER_OTLP_ENDPOINT: ep.gatewayHttp.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
  };
  return {
    exporter: { endpoint: ep.gatewayGrpc.url },
    propagators: ["tracecontext", "baggage"],
    sampler: { type: "parentbased_traceidratio", argument: "1" },
    resource: { addK8sUIDAttributes: true },
    python: {
      image: imageString(IMAGES.autoInstrumentationPython, cfg.images.mirror),
      env: env({
        ...http,
        // Trace ids in every log line (the log agent parses them); logs go through files only,
        // so the SDK must not also export them over OTLP (they would arrive twice).
        OTEL_PYTHON_LOG_CORRELATION: "true",
        OTEL_LOGS_EXPORTER: "none",
        OTEL_METRICS_EXPORTER: "otlp",
        OTEL_TRACES_EXPORTER: "otlp",
      }),
    },
    nodejs: { image: imageString(IMAGES.autoInstrumentationNodejs, cfg.images.mirror), env: env({ ...http, OTEL_LOGS_EXPORTER: "none" }) },
    java: {
      image: imageString(IMAGES.autoInstrumentationJava, cfg.images.mirror),
      env: env({
        OTEL_EXPORTER_OTLP_ENDPOINT: ep.gatewayGrpc.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_LOGS_EXPORTER: "none",
      }),
    },
  };
}

/** One body per namespace, in config order. */
export function instrumentationBodies(cfg: ObserverConfig, labels: Record<string, string>) {
  return cfg.instrumentation.namespaces.map((namespace) => ({
    apiVersion: "opentelemetry.io/v1alpha1",
    kind: "Instrumentation",
    metadata: { name: INSTRUMENTATION_NAME, namespace, labels: { ...labels } },
    spec: instrumentationSpec(cfg),
  }));
}
