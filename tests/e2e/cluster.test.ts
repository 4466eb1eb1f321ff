/** Unit tests of the e2e checks over Kubernetes objects. */
import {
  PROD_KEPT_CRDS,
  afterDestroyProblems,
  collectorProblems,
  jobState,
  otlpRejections,
  parseStatusReplicas,
  podProblems,
  preflightProblems,
  terminating,
  type KubeList,
  type KubeObject,
} from "./lib/cluster";

const pod = (name: string, status: Record<string, unknown>, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  kind: "Pod",
  metadata: { name, namespace: "ns", ...extra },
  status,
});
const list = (...items: KubeObject[]): KubeList => ({ items });
const readyTrue = { conditions: [{ type: "Ready", status: "True" }] };

describe("podProblems", () => {
  test("Running+Ready and Succeeded pods are fine", () => {
    expect(podProblems(list(pod("a", { phase: "Running", ...readyTrue }), pod("job-x", { phase: "Succeeded" })))).toEqual([]);
  });

  test("not-ready pods are reported with their containers' reasons", () => {
    const problems = podProblems(
      list(
        pod("crash", {
          phase: "Running",
          conditions: [{ type: "Ready", status: "False" }],
          containerStatuses: [
            { name: "app", ready: false, restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff" } } },
            { name: "sidecar", ready: true },
          ],
        }),
        pod("pending", { phase: "Pending", initContainerStatuses: [{ name: "init", ready: false, state: { waiting: { reason: "ImagePullBackOff" } } }] }),
        pod("failed", { phase: "Failed", containerStatuses: [{ name: "c", ready: false, state: { terminated: { reason: "Error", exitCode: 1 } } }] }),
        pod("gone", { phase: "Running", ...readyTrue }, { deletionTimestamp: "2026-01-01T00:00:00Z" }),
        pod("nostatus", {}),
      ),
    );
    expect(problems).toEqual([
      "ns/crash: phase Running, ready false; app=CrashLoopBackOff (restarts 4)",
      "ns/pending: phase Pending, ready false; init=ImagePullBackOff",
      "ns/failed: phase Failed, ready false; c=terminated Error exit 1",
      "ns/gone: terminating",
      "ns/nostatus: phase Unknown, ready false",
    ]);
  });
});

describe("collectors", () => {
  const collector = (name: string, status: Record<string, unknown>, generation = 2): KubeObject => ({
    kind: "OpenTelemetryCollector",
    metadata: { name, namespace: "ns", generation },
    status,
  });
  const ready = (replicas: string, observedGeneration = 2) => ({
    conditions: [{ type: "Ready", status: "True", reason: "Reconciled", message: "Successfully reconciled", observedGeneration }],
    scale: { replicas: 1, statusReplicas: replicas, selector: "x" },
  });

  test("statusReplicas parsing", () => {
    expect(parseStatusReplicas("2/3")).toEqual([2, 3]);
    expect(parseStatusReplicas("")).toBeUndefined();
    expect(parseStatusReplicas(undefined)).toBeUndefined();
    expect(parseStatusReplicas("2 / 3")).toBeUndefined();
  });

  test("both reconciled and fully ready: no problem", () => {
    expect(collectorProblems(list(collector("gw", ready("1/1")), collector("agent", ready("3/3"))), ["gw", "agent"])).toEqual([]);
  });

  test("missing, not reconciled, stale generation, replicas not ready, no replicas", () => {
    expect(
      collectorProblems(
        list(
          collector("failing", {
            conditions: [{ type: "Ready", status: "False", reason: "ReconcileError", message: "webhook down" }],
            scale: { statusReplicas: "0/1" },
          }),
          collector("stale", ready("1/1", 1)),
          collector("partial", ready("2/3")),
          collector("zero", ready("0/0")),
          collector("nostatus", {}),
        ),
        ["gw", "failing", "stale", "partial", "zero", "nostatus"],
      ),
    ).toEqual([
      "gw: no OpenTelemetryCollector of that name (found: failing, stale, partial, zero, nostatus)",
      "failing: condition Ready is False (ReconcileError: webhook down)",
      "failing: 0/1 replicas ready",
      "stale: condition Ready is for generation 1, the object is at 2",
      "partial: 2/3 replicas ready",
      "zero: 0/0 replicas ready",
      "nostatus: condition Ready is absent",
      "nostatus: status.scale.statusReplicas is undefined",
    ]);
  });
});

describe("terminating", () => {
  test("lists objects with a deletion timestamp and their finalizers", () => {
    expect(
      terminating(
        list(
          { kind: "OpenTelemetryCollector", metadata: { name: "gw", namespace: "ns", deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: ["opentelemetrycollector.opentelemetry.io/finalizer"] } },
          { kind: "Namespace", metadata: { name: "x", deletionTimestamp: "2026-01-01T00:00:01Z" } },
          { kind: "Pod", metadata: { name: "fine", namespace: "ns" } },
        ),
      ),
    ).toEqual([
      "OpenTelemetryCollector ns/gw terminating since 2026-01-01T00:00:00Z (finalizers: opentelemetrycollector.opentelemetry.io/finalizer)",
      "Namespace x terminating since 2026-01-01T00:00:01Z (finalizers: none)",
    ]);
  });
});

const crd = (name: string, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  kind: "CustomResourceDefinition",
  metadata: { name, ...extra },
  spec: { group: name.slice(name.indexOf(".") + 1) },
});
const ns = (name: string, phase = "Active", extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({
  kind: "Namespace",
  metadata: { name, ...extra },
  status: { phase },
});

describe("preflight", () => {
  test("an empty cluster passes (other CRDs do not matter)", () => {
    expect(preflightProblems("obs", list(ns("default"), ns("kube-system")), list(crd("certificates.cert-manager.io")))).toEqual([]);
  });
  test("our namespace or CRDs from an earlier run are reported", () => {
    expect(
      preflightProblems("obs", list(ns("obs")), list(crd("servicemonitors.monitoring.coreos.com"), crd("opentelemetrycollectors.opentelemetry.io"))),
    ).toEqual([
      "namespace obs already exists",
      "CRDs of monitoring.coreos.com / opentelemetry.io already installed: opentelemetrycollectors.opentelemetry.io, servicemonitors.monitoring.coreos.com",
    ]);
  });
});

describe("after destroy", () => {
  const allKept = list(...PROD_KEPT_CRDS.map((n) => crd(n)), crd("opampbridges.opentelemetry.io"));

  test("prod: namespace and CRDs kept, no pods: clean", () => {
    expect(afterDestroyProblems("prod", "obs", { namespaces: list(ns("obs")), crds: allKept, podsInNamespace: list() })).toEqual([]);
  });

  test("prod: namespace removed, a CRD removed, pods left", () => {
    const crds = list(...PROD_KEPT_CRDS.filter((n) => n !== "servicemonitors.monitoring.coreos.com").map((n) => crd(n)));
    expect(afterDestroyProblems("prod", "obs", { namespaces: list(), crds, podsInNamespace: list(pod("loki-0", {})) })).toEqual([
      "prod: namespace obs was removed; it must be kept (it holds the PVCs)",
      "prod: CRDs removed but they must be kept: servicemonitors.monitoring.coreos.com",
      "prod: pods left in obs: loki-0",
    ]);
  });

  test("prod: a terminating namespace or CRD is a problem", () => {
    const crds = list(...PROD_KEPT_CRDS.map((n) => (n === "prometheuses.monitoring.coreos.com" ? crd(n, { deletionTimestamp: "t1" }) : crd(n))));
    expect(afterDestroyProblems("prod", "obs", { namespaces: list(ns("obs", "Terminating", { deletionTimestamp: "t0" })), crds, podsInNamespace: list() })).toEqual([
      "CustomResourceDefinition prometheuses.monitoring.coreos.com terminating since t1 (finalizers: none)",
      "prod: namespace obs is terminating; it must be kept",
    ]);
  });

  test("dev: namespace and every stack CRD removed: clean", () => {
    expect(afterDestroyProblems("dev", "obs", { namespaces: list(ns("default")), crds: list(crd("certificates.cert-manager.io")), podsInNamespace: list() })).toEqual([]);
  });

  test("dev: namespace or CRDs left", () => {
    expect(
      afterDestroyProblems("dev", "obs", {
        namespaces: list(ns("obs", "Terminating", { deletionTimestamp: "t0" })),
        crds: list(crd("opentelemetrycollectors.opentelemetry.io"), crd("podmonitors.monitoring.coreos.com")),
        podsInNamespace: list(),
      }),
    ).toEqual([
      "dev: namespace obs still exists (phase Terminating); it must be removed",
      "dev: CRDs still installed: opentelemetrycollectors.opentelemetry.io, podmonitors.monitoring.coreos.com",
    ]);
  });
});

describe("jobState", () => {
  const job = (conditions: unknown[]): KubeObject => ({ metadata: { name: "j" }, status: { conditions } });
  test.each([
    [[], { state: "running" }],
    [[{ type: "Complete", status: "True" }], { state: "succeeded" }],
    [[{ type: "Complete", status: "False" }], { state: "running" }],
    [[{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }], { state: "failed", reason: "BackoffLimitExceeded: Job has reached the specified backoff limit" }],
  ])("%j -> %j", (conditions, expected) => {
    expect(jobState(job(conditions))).toEqual(expected);
  });
});

describe("otlpRejections", () => {
  test("a full success has none", () => {
    expect(otlpRejections('POST http://gw:4318/v1/traces\n{"partialSuccess":{}}\naccepted: traces\n{}\naccepted: logs')).toEqual([]);
  });
  test("partial successes are reported (int64 as a string or a number)", () => {
    expect(
      otlpRejections('{"partialSuccess":{"rejectedSpans":"1","errorMessage":"x"}}\n{"partialSuccess":{"rejectedDataPoints":2}}\n{"partialSuccess":{"rejectedLogRecords":"0"}}'),
    ).toEqual(["rejectedSpans=1", "rejectedDataPoints=2"]);
  });
});
