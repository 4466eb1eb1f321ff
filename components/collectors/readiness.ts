/**
 * What Pulumi waits for on an OpenTelemetryCollector (annotation `pulumi.com/waitFor`).
 *
 * The operator (v0.158.0 internal/status/collector/handle.go) sets ONE condition, `Ready`: True
 * (reason `Reconciled`) once it has applied the workload and read its status; False with
 * `ReconcileError`/`StatusUpdateFailed` otherwise. `Ready` does not mean pods are ready. It also
 * fills `status.scale.statusReplicas` as `"<ready>/<desired>"` (collector.go). pulumi-kubernetes
 * accepts a JSON array of expressions, all of which must hold (`condition=…`, `jsonpath={…}=value`).
 */
import type { JsonObject } from "./common";

export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";
const READY_CONDITION = "condition=Ready";

/**
 * The waitFor value for a collector spec: `Ready`, plus all pods ready when the replica count is
 * fixed and known (Deployment/StatefulSet without autoscaler). A DaemonSet's size depends on the
 * node count and an autoscaled set may have scaled, so for those only `Ready` is awaited.
 */
export function collectorWaitFor(spec: JsonObject): string {
  const replicas = spec["replicas"];
  const fixed = (spec["mode"] === "deployment" || spec["mode"] === "statefulset") && spec["autoscaler"] === undefined;
  if (fixed && typeof replicas === "number") {
    return JSON.stringify([READY_CONDITION, `jsonpath={.status.scale.statusReplicas}=${replicas}/${replicas}`]);
  }
  return READY_CONDITION;
}
