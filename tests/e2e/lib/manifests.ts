/**
 * Kubernetes manifests the end-to-end suite creates: its own namespace, a Job that sends one trace,
 * one metric and one log over OTLP/HTTP to the gateway, and a pod that prints OpenTelemetry-Python
 * formatted lines with a traceback. Pure.
 *
 * Both workloads run inside the cluster (not through a port-forward) and carry the Datalayer pod
 * labels, so the collectors' Kubernetes enrichment can match them: the gateway by the connection's
 * pod IP, the log agent by the pod UID in the log file path.
 */
import { IMAGES, imageString } from "../../../components/versions";
import { APP_POD_LABEL, POOL_POD_LABELS } from "../../../components/contract";

/**
 * Image of both workloads: curl on Alpine (it has /bin/sh and printf too), pinned in
 * components/versions.ts with every other image.
 */
export const E2E_IMAGE = imageString(IMAGES.e2eCurl);

/** The suite's namespace (created and deleted by the suite; not part of the stack). */
export const E2E_NAMESPACE = "observer-e2e";

/** Marks everything the suite creates. */
export const E2E_LABEL = { key: "observer.datalayer.io/e2e", value: "true" } as const;

/** `service.name` the sender's OTLP payloads carry (set "by the SDK"). */
export const SENDER_SERVICE = "e2e-sender";
/** `service.name` written in the logger pod's lines (`resource.service.name=`). */
export const LOGGER_SERVICE = "e2e-svc";
export const SENDER_JOB = "e2e-otlp-sender";
export const LOGGER_POD = "e2e-logger";

/** The Datalayer pod labels the contract reads, with test values; `reservation-id` is the run id. */
export function e2ePodLabels(runId: string): Record<string, string> {
  return {
    [APP_POD_LABEL]: "e2e-app",
    [POOL_POD_LABELS["datalayer.pool.name"]]: "e2e-pool",
    [POOL_POD_LABELS["datalayer.pool.status"]]: "reserved",
    [POOL_POD_LABELS["datalayer.pool.user"]]: "e2e-user",
    [POOL_POD_LABELS["datalayer.pool.type"]]: "python",
    [POOL_POD_LABELS["datalayer.pool.reservation"]]: runId,
  };
}

export function e2eNamespace(name: string = E2E_NAMESPACE) {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        [E2E_LABEL.key]: E2E_LABEL.value,
        // The workloads below meet the restricted Pod Security Standard.
        "pod-security.kubernetes.io/enforce": "restricted",
      },
    },
  };
}

/** Restricted-PSS container settings (curl_user has no numeric USER, so set one for runAsNonRoot). */
const POD_SECURITY = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } };
const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
const RESOURCES = { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } };

/**
 * The sender's script. It waits a few seconds first, so the gateway's pod cache has this pod's IP
 * before the first request (enrichment matches by connection IP). curl retries only connection
 * refusals and transient HTTP errors (408/429/5xx) — never after a 2xx, so nothing is sent twice.
 * Each response body is printed: an OTLP partial success names rejected items there.
 */
export const SENDER_SCRIPT = [
  "set -eu",
  "sleep 5",
  "post() {",
  '  echo "POST $OTLP_ENDPOINT/v1/$1"',
  "  curl -sS --fail-with-body --retry 12 --retry-delay 5 --retry-connrefused --connect-timeout 5 --max-time 20 \\",
  "    -H 'Content-Type: application/json' --data-binary \"$2\" \"$OTLP_ENDPOINT/v1/$1\"",
  '  echo ""',
  '  echo "accepted: $1"',
  "}",
  'post traces "$OTLP_TRACES"',
  'post metrics "$OTLP_METRICS"',
  'post logs "$OTLP_LOGS"',
].join("\n");

export interface SenderArgs {
  readonly runId: string;
  /** The gateway's OTLP/HTTP base URL (stack output `otlpHttpEndpoint`), without `/v1/...`. */
  readonly endpoint: string;
  readonly traces: unknown;
  readonly metrics: unknown;
  readonly logs: unknown;
  readonly namespace?: string;
  readonly image?: string;
}

/** A Job (one pod, no retries: a retry would send twice) posting the three OTLP/JSON payloads. */
export function senderJob(a: SenderArgs) {
  const labels = { ...e2ePodLabels(a.runId), [E2E_LABEL.key]: E2E_LABEL.value };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: SENDER_JOB, namespace: a.namespace ?? E2E_NAMESPACE, labels: { [E2E_LABEL.key]: E2E_LABEL.value } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: 300,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: POD_SECURITY,
          containers: [
            {
              name: "send",
              image: a.image ?? E2E_IMAGE,
              command: ["/bin/sh", "-c", SENDER_SCRIPT],
              env: [
                { name: "OTLP_ENDPOINT", value: a.endpoint.replace(/\/+$/, "") },
                { name: "OTLP_TRACES", value: JSON.stringify(a.traces) },
                { name: "OTLP_METRICS", value: JSON.stringify(a.metrics) },
                { name: "OTLP_LOGS", value: JSON.stringify(a.logs) },
              ],
              securityContext: CONTAINER_SECURITY,
              resources: RESOURCES,
            },
          ],
        },
      },
    },
  };
}

/**
 * The logger's script: wait a few seconds (the agent's pod cache learns the pod), print every line
 * at once, then stay up so the pod is still there while the test reads Loki.
 */
export const LOGGER_SCRIPT = 'sleep 5\nprintf \'%s\\n\' "$LOG_LINES"\nexec sleep 1800';

export interface LoggerArgs {
  readonly runId: string;
  readonly lines: readonly string[];
  readonly namespace?: string;
  readonly image?: string;
}

/** A pod printing `lines` to stdout (the log agent reads them from /var/log/pods). */
export function loggerPod(a: LoggerArgs) {
  for (const l of a.lines) if (l.includes("\n")) throw new Error(`logger lines must be single lines: ${JSON.stringify(l)}`);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: LOGGER_POD,
      namespace: a.namespace ?? E2E_NAMESPACE,
      labels: { ...e2ePodLabels(a.runId), [E2E_LABEL.key]: E2E_LABEL.value },
    },
    spec: {
      restartPolicy: "Never",
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      securityContext: POD_SECURITY,
      containers: [
        {
          name: "app",
          image: a.image ?? E2E_IMAGE,
          command: ["/bin/sh", "-c", LOGGER_SCRIPT],
          env: [{ name: "LOG_LINES", value: a.lines.join("\n") }],
          securityContext: CONTAINER_SECURITY,
          resources: RESOURCES,
        },
      ],
    },
  };
}
