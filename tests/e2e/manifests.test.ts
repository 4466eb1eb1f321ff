/** Unit tests of the manifests the e2e suite creates in the cluster. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { APP_POD_LABEL, POOL_POD_LABELS } from "../../components/contract";
import {
  E2E_IMAGE,
  LOGGER_SCRIPT,
  SENDER_SCRIPT,
  e2eNamespace,
  e2ePodLabels,
  loggerPod,
  senderJob,
} from "./lib/manifests";

const SECURITY_POD = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } };
const SECURITY_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

describe("pod labels", () => {
  test("the Datalayer labels the contract reads, every one of them", () => {
    expect(e2ePodLabels("a1b2c3d4e5")).toEqual({
      "datalayer.io/app": "e2e-app",
      "jupyterpool.datalayer.io/name": "e2e-pool",
      "jupyterpool.datalayer.io/pod-status": "reserved",
      "jupyterpool.datalayer.io/user-uid": "e2e-user",
      "jupyterpool.datalayer.io/kernel-type": "python",
      "jupyterpool.datalayer.io/reservation-id": "a1b2c3d4e5",
    });
    expect(Object.keys(e2ePodLabels("x")).sort()).toEqual([APP_POD_LABEL, ...Object.values(POOL_POD_LABELS)].sort());
  });
});

test("namespace", () => {
  expect(e2eNamespace()).toEqual({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "observer-e2e", labels: { "observer.datalayer.io/e2e": "true", "pod-security.kubernetes.io/enforce": "restricted" } },
  });
});

test("the image is pinned to a tag", () => {
  expect(E2E_IMAGE).toBe("docker.io/curlimages/curl:8.11.1");
});

describe("sender Job", () => {
  const job = senderJob({ runId: "r1", endpoint: "http://gw.ns.svc.cluster.local:4318/", traces: { t: 1 }, metrics: { m: 2 }, logs: { l: 3 } });

  test("exact manifest: one attempt, labelled pod, restricted security, payloads in env", () => {
    expect(job).toEqual({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "e2e-otlp-sender", namespace: "observer-e2e", labels: { "observer.datalayer.io/e2e": "true" } },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: 300,
        template: {
          metadata: { labels: { ...e2ePodLabels("r1"), "observer.datalayer.io/e2e": "true" } },
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            securityContext: SECURITY_POD,
            containers: [
              {
                name: "send",
                image: "docker.io/curlimages/curl:8.11.1",
                command: ["/bin/sh", "-c", SENDER_SCRIPT],
                env: [
                  { name: "OTLP_ENDPOINT", value: "http://gw.ns.svc.cluster.local:4318" },
                  { name: "OTLP_TRACES", value: '{"t":1}' },
                  { name: "OTLP_METRICS", value: '{"m":2}' },
                  { name: "OTLP_LOGS", value: '{"l":3}' },
                ],
                securityContext: SECURITY_CONTAINER,
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
              },
            ],
          },
        },
      },
    });
  });

  test("the script posts the three signals to /v1/<signal>, retrying only what cannot have been accepted", () => {
    expect(SENDER_SCRIPT).toBe(
      [
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
      ].join("\n"),
    );
    expect(SENDER_SCRIPT).not.toContain("--retry-all-errors");
  });
});

describe("logger pod", () => {
  const lines = ["2026-01-01 00:00:00,000 INFO [m] [a.py:1] [trace_id=x] - hi", "Traceback (most recent call last):", '  File "a.py", line 1'];

  test("exact manifest", () => {
    expect(loggerPod({ runId: "r1", lines })).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "e2e-logger", namespace: "observer-e2e", labels: { ...e2ePodLabels("r1"), "observer.datalayer.io/e2e": "true" } },
      spec: {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 1,
        securityContext: SECURITY_POD,
        containers: [
          {
            name: "app",
            image: "docker.io/curlimages/curl:8.11.1",
            command: ["/bin/sh", "-c", LOGGER_SCRIPT],
            env: [{ name: "LOG_LINES", value: lines.join("\n") }],
            securityContext: SECURITY_CONTAINER,
            resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
          },
        ],
      },
    });
  });

  test("a line with a newline is refused", () => {
    expect(() => loggerPod({ runId: "r1", lines: ["a\nb"] })).toThrow('logger lines must be single lines: "a\\nb"');
  });

  test("the script prints every line verbatim, one per line (run with a real sh, sleeps stubbed)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-logger-"));
    try {
      // Stub `sleep` on PATH so the script returns at once; `exec sleep` then runs the stub too.
      fs.writeFileSync(path.join(dir, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
      const out = execFileSync("/bin/sh", ["-c", LOGGER_SCRIPT], {
        env: { PATH: `${dir}:/usr/bin:/bin`, LOG_LINES: lines.join("\n") },
        encoding: "utf8",
      });
      expect(out).toBe(`${lines.join("\n")}\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
