/**
 * Whole CR bodies (apiVersion, kind, metadata, spec) as the component creates them. Pure.
 */
import type { ObserverConfig } from "../config";
import type { JsonObject } from "./common";
import { collectorWaitFor, WAIT_FOR_ANNOTATION } from "./readiness";

const COLLECTOR_API_VERSION = "opentelemetry.io/v1beta1";
const COLLECTOR_KIND = "OpenTelemetryCollector";

/** An OpenTelemetryCollector body carrying the readiness annotation Pulumi waits on. */
export function collectorCRBody(name: string, cfg: ObserverConfig, spec: JsonObject, labels: Record<string, string>) {
  return {
    apiVersion: COLLECTOR_API_VERSION,
    kind: COLLECTOR_KIND,
    metadata: {
      name,
      namespace: cfg.namespace,
      labels: { ...labels },
      annotations: { [WAIT_FOR_ANNOTATION]: collectorWaitFor(spec) },
    },
    spec,
  };
}
