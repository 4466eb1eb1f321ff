/**
 * Finalizer cleanup logic against a local HTTP server playing the Kubernetes API: the exact requests
 * (paths, label selectors, verbs, content types, bodies), preconditions, 404s, races, idempotence, logs, the
 * operator states (not installed, scaled to zero, no ready replica, ready and working, ready but wedged) and an
 * unreachable admission webhook. The same cases run against a real API server in the real-engine lane.
 */
import {
  OPENTELEMETRY_KINDS,
  cleanUpBeforeDelete,
  cleanUpOwnedBeforeOperatorDelete,
  crTargetFromResource,
  isOperatorFinalizer,
  ownedSelector,
  type CleanupOptions,
  type CrTarget,
} from "../../../components/lifecycle/finalizers";
import { COLLECTOR_FINALIZER } from "../../helpers/opentelemetry-operator";
import { createHttpTransport, createKubeApiOverTransport, KubeApiError, type KubeApi, type KubeObject } from "../../../components/lifecycle/kube-api";
import { MANAGED_BY, STACK_LABEL, WEBHOOK_BYPASS_LABEL } from "../../../components/labels";
import { FakeApiServer } from "./fake-apiserver";

const G = "opentelemetry.io";
const NS = "datalayer-observer";
const STACK = "observer.dev";
const OURS = { [MANAGED_BY.key]: MANAGED_BY.value, [STACK_LABEL]: STACK };
const OPERATOR = { namespace: NS, name: "observer-otel-operator" };
const SELECTOR_QUERY = "labelSelector=app.kubernetes.io%2Fmanaged-by%3Dobserver%2Cobserver.datalayer.io%2Fstack%3Dobserver.dev";
const JSON_PATCH = "application/json-patch+json";
const OTHER = "example.com/other";

function cr(kind: string, namespace: string, name: string, labels: Record<string, string>, finalizers?: string[], uid?: string): KubeObject {
  return { kind, metadata: { name, namespace, labels, ...(finalizers ? { finalizers } : {}), ...(uid ? { uid } : {}) } };
}

function collectorTarget(name = "datalayer-collector"): CrTarget {
  return { ref: { group: G, version: "v1beta1", plural: "opentelemetrycollectors" }, kind: "OpenTelemetryCollector", namespace: NS, name };
}

let server: FakeApiServer;
let api: KubeApi;
let logs: string[];
let clock: number;
const logger = { info: (m: string) => void logs.push(m) };
/** Options with a fake clock: each sleep advances it, so a 20 s grace costs nothing. */
const opts = (extra: Partial<CleanupOptions> = {}): CleanupOptions => ({
  operator: OPERATOR,
  logger,
  stackLabel: STACK,
  graceMs: 20_000,
  pollMs: 500,
  now: () => clock,
  sleep: async (ms) => void (clock += ms),
  ...extra,
});

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  api = createKubeApiOverTransport(createHttpTransport({ server: server.url }));
  logs = [];
  clock = 0;
});

afterEach(async () => {
  await server.stop();
});

function calls(): string[] {
  return server.requests.map((r) => `${r.method} ${r.url}`);
}

function operatorDeployment(replicas: number, readyReplicas: number): void {
  server.deployments.set(`${NS}/observer-otel-operator`, { metadata: { name: "observer-otel-operator" }, spec: { replicas }, status: { readyReplicas } });
}

test("isOperatorFinalizer: the operator's domain and its subdomains only", () => {
  expect(isOperatorFinalizer(COLLECTOR_FINALIZER)).toBe(true);
  expect(isOperatorFinalizer("targetallocator.opentelemetry.io/finalizer")).toBe(true);
  expect(isOperatorFinalizer("opentelemetry.io/finalizer")).toBe(true);
  expect(isOperatorFinalizer("foregroundDeletion")).toBe(false);
  expect(isOperatorFinalizer("kubernetes")).toBe(false);
  expect(isOperatorFinalizer(OTHER)).toBe(false);
  expect(isOperatorFinalizer("notopentelemetry.io/finalizer")).toBe(false);
  expect(isOperatorFinalizer("opentelemetry.io.example.com/finalizer")).toBe(false);
});

describe("cleanUpBeforeDelete (beforeDelete of each OpenTelemetry CR)", () => {
  const collectorPath = `/apis/${G}/v1beta1/namespaces/${NS}/opentelemetrycollectors/datalayer-collector`;
  const deploymentPath = `/apis/apps/v1/namespaces/${NS}/deployments/observer-otel-operator`;
  const stored = () => server.object(G, "opentelemetrycollectors", NS, "datalayer-collector");

  beforeEach(() => {
    server.serve(G, "v1beta1", "opentelemetrycollectors").serve(G, "v1alpha1", "opentelemetrycollectors");
  });

  test("operator not installed: only the operator's finalizer goes, by a JSON patch whose tests pin the uid and the finalizer list", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER, OTHER], "u-1"));

    const result = await cleanUpBeforeDelete(api, collectorTarget(), opts());

    expect(result).toEqual({ action: "stripped", finalizers: [COLLECTOR_FINALIZER], bypassedWebhook: false });
    expect(calls()).toEqual([`GET ${collectorPath}`, `GET ${deploymentPath}`, `PATCH ${collectorPath}`, `DELETE ${collectorPath}`]);
    const patch = server.requests[2]!;
    expect(patch.contentType).toBe(JSON_PATCH);
    expect(patch.body).toEqual([
      { op: "test", path: "/metadata/uid", value: "u-1" },
      { op: "test", path: "/metadata/finalizers", value: [COLLECTOR_FINALIZER, OTHER] },
      { op: "replace", path: "/metadata/finalizers", value: [OTHER] },
    ]);
    // Then deleted by the hook in the background (uid precondition): someone else's finalizer keeps it terminating.
    expect(server.requests[3]!.body).toEqual({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background", preconditions: { uid: "u-1" } });
    expect(stored()!.metadata).toMatchObject({ finalizers: [OTHER], deletionTimestamp: expect.any(String) });
    expect(logs).toEqual([
      `Removed finalizers [${COLLECTOR_FINALIZER}] from OpenTelemetryCollector ${NS}/datalayer-collector: the OpenTelemetry Operator (Deployment ${NS}/observer-otel-operator) is not installed, so nothing would remove them.`,
    ]);
  });

  test.each([
    [0, 0, "is scaled to zero"],
    [1, 0, "has no ready replica"],
  ])("operator with %i replicas, %i ready: stripped at once (no wait), then deleted; the log says it %s", async (replicas, ready, words) => {
    operatorDeployment(replicas, ready);
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));

    const result = await cleanUpBeforeDelete(api, collectorTarget(), opts());

    expect(result).toMatchObject({ action: "stripped", finalizers: [COLLECTOR_FINALIZER] });
    expect(calls()).toEqual([`GET ${collectorPath}`, `GET ${deploymentPath}`, `PATCH ${collectorPath}`, `DELETE ${collectorPath}`]);
    expect(stored()).toBeUndefined();
    expect(clock).toBe(0);
    expect(logs[0]).toContain(`(Deployment ${NS}/observer-otel-operator) ${words}`);
  });

  test("operator ready and working: the CR is deleted with a uid precondition and the operator removes its finalizer; nothing patched, nothing logged", async () => {
    operatorDeployment(1, 1);
    server.operatorRemoves = COLLECTOR_FINALIZER;
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER], "u-7"));

    const result = await cleanUpBeforeDelete(api, collectorTarget(), opts());

    expect(result).toEqual({ action: "deleted-by-operator" });
    expect(calls()).toEqual([`GET ${collectorPath}`, `GET ${deploymentPath}`, `DELETE ${collectorPath}`]);
    expect(server.requests[2]!.body).toEqual({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background", preconditions: { uid: "u-7" } });
    expect(stored()).toBeUndefined();
    expect(logs).toEqual([]);
  });

  test("operator ready but wedged: after the grace (20 s, polled every 0.5 s) its finalizer is removed from the deleted CR", async () => {
    operatorDeployment(1, 1);
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER, OTHER]));

    const result = await cleanUpBeforeDelete(api, collectorTarget(), opts());

    expect(result).toEqual({ action: "stripped", finalizers: [COLLECTOR_FINALIZER], bypassedWebhook: false });
    expect(clock).toBe(20_000);
    const c = calls();
    expect(c.slice(0, 3)).toEqual([`GET ${collectorPath}`, `GET ${deploymentPath}`, `DELETE ${collectorPath}`]);
    expect(c.filter((x) => x === `GET ${collectorPath}`)).toHaveLength(1 + 40);
    expect(c.slice(-2)).toEqual([`PATCH ${collectorPath}`, `DELETE ${collectorPath}`]);
    // The patch carries the object as it is now: being deleted, finalizers as read after the grace.
    expect((server.requests[c.length - 2]!.body as unknown[])[1]).toEqual({ op: "test", path: "/metadata/finalizers", value: [COLLECTOR_FINALIZER, OTHER] });
    expect(stored()!.metadata!.finalizers).toEqual([OTHER]);
    expect(logs[0]).toContain("is ready but did not remove its finalizer");
  });

  test("operator ready but wedged, last finalizer removed: the deleted CR is gone after the patch", async () => {
    operatorDeployment(1, 1);
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));
    await cleanUpBeforeDelete(api, collectorTarget(), opts({ graceMs: 1000 }));
    expect(stored()).toBeUndefined();
  });

  test.each([
    ["not installed", () => undefined],
    ["ready but wedged", () => operatorDeployment(1, 1)],
  ])("operator %s and its Fail webhook unreachable: the namespace is excluded from the webhook for the patch and the delete, then the label is removed", async (_state, setUp) => {
    setUp();
    server.webhookUnreachableUnlessLabel = WEBHOOK_BYPASS_LABEL;
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));

    const result = await cleanUpBeforeDelete(api, collectorTarget(), opts());

    expect(result).toEqual({ action: "stripped", finalizers: [COLLECTOR_FINALIZER], bypassedWebhook: true });
    const c = calls();
    expect(c.slice(-5)).toEqual([
      `PATCH ${collectorPath}`,
      `PATCH /api/v1/namespaces/${NS}`,
      `PATCH ${collectorPath}`,
      `DELETE ${collectorPath}`,
      `PATCH /api/v1/namespaces/${NS}`,
    ]);
    expect(server.requests.at(-4)!.body).toEqual({ metadata: { labels: { [WEBHOOK_BYPASS_LABEL]: "true" } } });
    expect(stored()).toBeUndefined();
    expect(server.requests.at(-1)!.body).toEqual({ metadata: { labels: { [WEBHOOK_BYPASS_LABEL]: null } } });
    expect(server.namespaceLabelHistory).toEqual([{ [WEBHOOK_BYPASS_LABEL]: "true" }, {}]);
    expect(logs[0]).toContain(`namespace ${NS} was excluded from it for the patch and the delete`);
  });

  test("the API server's namespace cache sees the bypass label late: the patch is retried every 200 ms until the webhook is skipped", async () => {
    server.webhookUnreachableUnlessLabel = WEBHOOK_BYPASS_LABEL;
    server.bypassCacheLag = 3;
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));

    expect(await cleanUpBeforeDelete(api, collectorTarget(), opts())).toMatchObject({ action: "stripped", bypassedWebhook: true });
    expect(calls().filter((c) => c === `PATCH ${collectorPath}`)).toHaveLength(1 + 3 + 1);
    expect(clock).toBe(3 * 200);
    expect(stored()).toBeUndefined();
    expect(server.namespaceLabelHistory).toEqual([{ [WEBHOOK_BYPASS_LABEL]: "true" }, {}]);
  });

  test("the bypass label is removed even when the second patch fails", async () => {
    server.webhookUnreachableUnlessLabel = "some-other-label"; // our label does not help: the patch keeps failing
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));

    await expect(cleanUpBeforeDelete(api, collectorTarget(), opts())).rejects.toThrow(/failed calling webhook/);
    expect(server.namespaceLabelHistory).toEqual([{ [WEBHOOK_BYPASS_LABEL]: "true" }, {}]);
  });

  test("Observer's setting (createRbacPermissions: false, no operator finalizer) or only others' finalizers: deleted at once in the background, nothing patched or logged", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [OTHER], "u-3"));
    server.webhookUnreachableUnlessLabel = WEBHOOK_BYPASS_LABEL; // a delete needs no webhook
    expect(await cleanUpBeforeDelete(api, collectorTarget(), opts())).toEqual({ action: "deleted" });
    expect(calls()).toEqual([`GET ${collectorPath}`, `DELETE ${collectorPath}`]);
    expect(server.requests[1]!.body).toMatchObject({ propagationPolicy: "Background", preconditions: { uid: "u-3" } });
    expect(logs).toEqual([]);
  });

  test("CR or its CRD already gone (404): nothing to do, silent", async () => {
    expect(await cleanUpBeforeDelete(api, collectorTarget(), opts())).toEqual({ action: "gone" });
    server.served.clear();
    expect(await cleanUpBeforeDelete(api, collectorTarget(), opts())).toEqual({ action: "gone" });
    expect(calls()).toEqual([`GET ${collectorPath}`, `GET ${collectorPath}`]);
    expect(logs).toEqual([]);
  });

  test("CR deleted between the read and the patch: the 404 on PATCH is 'gone', silent", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));
    server.vanishAfterRead.add("datalayer-collector");
    expect(await cleanUpBeforeDelete(api, collectorTarget(), opts())).toEqual({ action: "gone" });
    expect(calls()).toEqual([`GET ${collectorPath}`, `GET ${deploymentPath}`, `PATCH ${collectorPath}`]);
    expect(logs).toEqual([]);
  });

  test("another object under the same name (uid changed before the patch): the uid test fails, the new object is left alone", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER], "old"));
    const api2: KubeApi = {
      ...api,
      getDeployment: async (ns, n) => {
        // Between the hook's read and its patch, the CR is recreated by someone else.
        server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER], "new"));
        return api.getDeployment(ns, n);
      },
    };
    expect(await cleanUpBeforeDelete(api2, collectorTarget(), opts())).toEqual({ action: "gone" });
    expect(stored()!.metadata).toMatchObject({ uid: "new", finalizers: [COLLECTOR_FINALIZER] });
    expect(calls().filter((c) => c.startsWith("PATCH"))).toHaveLength(1);
    expect(logs).toEqual([]);
  });

  test("a finalizer added between the read and the patch: the list test fails, the object is re-read and the new finalizer kept", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));
    const api2: KubeApi = {
      ...api,
      getDeployment: async (ns, n) => {
        stored()!.metadata!.finalizers = [COLLECTOR_FINALIZER, OTHER];
        return api.getDeployment(ns, n);
      },
    };
    expect(await cleanUpBeforeDelete(api2, collectorTarget(), opts())).toMatchObject({ action: "stripped", finalizers: [COLLECTOR_FINALIZER] });
    expect(stored()!.metadata!.finalizers).toEqual([OTHER]);
    expect(calls().filter((c) => c.startsWith("PATCH"))).toHaveLength(2);
    expect(calls().at(-1)).toBe(`DELETE ${collectorPath}`);
  });

  test("idempotent: a second run finds no operator finalizer, patches nothing and logs nothing", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER, OTHER]));
    await cleanUpBeforeDelete(api, collectorTarget(), opts());
    server.requests.length = 0;
    logs.length = 0;
    expect(await cleanUpBeforeDelete(api, collectorTarget(), opts())).toEqual({ action: "deleted" });
    expect(calls()).toEqual([`GET ${collectorPath}`, `DELETE ${collectorPath}`]);
    expect(logs).toEqual([]);
  });

  test("a CR without our labels is never touched", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", { [MANAGED_BY.key]: "Helm" }, [COLLECTOR_FINALIZER]));
    expect(await cleanUpBeforeDelete(api, collectorTarget(), opts())).toEqual({ action: "not-owned" });
    expect(calls()).toEqual([`GET ${collectorPath}`]);
  });

  test("an API error other than 404 is raised with the method, path and the server's message", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));
    server.failPrefix = "/apis/apps/";
    await expect(cleanUpBeforeDelete(api, collectorTarget(), opts())).rejects.toThrow(
      new KubeApiError(500, "GET", deploymentPath, { message: "etcd is on fire" }).message,
    );
  });
});

describe("cleanUpOwnedBeforeOperatorDelete (beforeDelete of the operator release)", () => {
  const listUrl = (version: string, plural: string) => `GET /apis/${G}/${version}/${plural}?${SELECTOR_QUERY}`;
  const patchUrl = (version: string, ns: string, plural: string, name: string) => `PATCH /apis/${G}/${version}/namespaces/${ns}/${plural}/${name}`;
  const deploymentCall = `GET /apis/apps/v1/namespaces/${NS}/deployments/observer-otel-operator`;
  const run = () => cleanUpOwnedBeforeOperatorDelete(api, { stackLabel: STACK, operator: OPERATOR, logger });

  function seedMixed(): void {
    server
      .serve(G, "v1beta1", "opentelemetrycollectors")
      .serve(G, "v1alpha1", "opentelemetrycollectors")
      .serve(G, "v1alpha1", "instrumentations");
    // ours, with the operator's finalizer and someone else's
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER, OTHER]));
    // ours, no finalizer (createRbacPermissions false)
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-log-agent", OURS));
    // ours, in another namespace, with an operator finalizer
    server.addObject(G, "instrumentations", cr("Instrumentation", "apps", "observer-python", OURS, ["instrumentation.opentelemetry.io/finalizer"]));
    // ours, only someone else's finalizer: never touched
    server.addObject(G, "instrumentations", cr("Instrumentation", "apps", "observer-java", OURS, [OTHER]));
    // someone else's: same managed-by, another stack
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", "team-a", "theirs-1", { [MANAGED_BY.key]: MANAGED_BY.value, [STACK_LABEL]: "observer.prod" }, [COLLECTOR_FINALIZER]));
    // someone else's: our stack label but another manager
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", "team-b", "theirs-2", { [MANAGED_BY.key]: "Helm", [STACK_LABEL]: STACK }, [COLLECTOR_FINALIZER]));
    // someone else's: no labels at all
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", "team-c", "theirs-3", {}, [COLLECTOR_FINALIZER]));
  }

  test("the selector sent is exactly our two labels", () => {
    expect(ownedSelector(STACK)).toBe("app.kubernetes.io/managed-by=observer,observer.datalayer.io/stack=observer.dev");
  });

  test("operator ready: it removes its own finalizers; only the Deployment is read", async () => {
    seedMixed();
    operatorDeployment(1, 1);
    expect(await run()).toEqual([]);
    expect(calls()).toEqual([deploymentCall]);
  });

  test("operator down: removes only the operator's finalizers of CRs carrying both of our labels, in every namespace", async () => {
    seedMixed();

    const changed = await run();

    expect(changed).toEqual([
      { kind: "OpenTelemetryCollector", apiVersion: `${G}/v1beta1`, namespace: NS, name: "datalayer-collector", finalizers: [COLLECTOR_FINALIZER] },
      { kind: "Instrumentation", apiVersion: `${G}/v1alpha1`, namespace: "apps", name: "observer-python", finalizers: ["instrumentation.opentelemetry.io/finalizer"] },
    ]);
    expect(calls()).toEqual([
      deploymentCall,
      listUrl("v1beta1", "opentelemetrycollectors"),
      patchUrl("v1beta1", NS, "opentelemetrycollectors", "datalayer-collector"),
      listUrl("v1alpha1", "instrumentations"),
      patchUrl("v1alpha1", "apps", "instrumentations", "observer-python"),
      listUrl("v1alpha1", "opampbridges"),
      listUrl("v1alpha1", "targetallocators"),
    ]);
    for (const r of server.requests.filter((q) => q.method === "PATCH")) expect(r.contentType).toBe(JSON_PATCH);
    expect(server.object(G, "opentelemetrycollectors", NS, "datalayer-collector")!.metadata!.finalizers).toEqual([OTHER]);
    expect(server.object(G, "instrumentations", "apps", "observer-java")!.metadata!.finalizers).toEqual([OTHER]);
    for (const [ns, name] of [["team-a", "theirs-1"], ["team-b", "theirs-2"], ["team-c", "theirs-3"]] as const) {
      expect(server.object(G, "opentelemetrycollectors", ns, name)!.metadata!.finalizers).toEqual([COLLECTOR_FINALIZER]);
    }
    expect(logs).toEqual([
      `Removed finalizers [${COLLECTOR_FINALIZER}] from OpenTelemetryCollector ${NS}/datalayer-collector before the OpenTelemetry Operator release is removed: the OpenTelemetry Operator (Deployment ${NS}/observer-otel-operator) is not installed.`,
      `Removed finalizers [instrumentation.opentelemetry.io/finalizer] from Instrumentation apps/observer-python before the OpenTelemetry Operator release is removed: the OpenTelemetry Operator (Deployment ${NS}/observer-otel-operator) is not installed.`,
    ]);
  });

  test("never touches others' objects even when the server ignores the label selector", async () => {
    seedMixed();
    server.ignoreSelectors = true;
    await run();
    expect(calls().filter((c) => c.startsWith("PATCH"))).toEqual([
      patchUrl("v1beta1", NS, "opentelemetrycollectors", "datalayer-collector"),
      patchUrl("v1alpha1", "apps", "instrumentations", "observer-python"),
    ]);
  });

  test("with the webhook unreachable, each namespace is excluded for its patch and restored", async () => {
    seedMixed();
    server.webhookUnreachableUnlessLabel = WEBHOOK_BYPASS_LABEL;
    expect((await run()).map((c) => c.name)).toEqual(["datalayer-collector", "observer-python"]);
    expect(calls().filter((c) => c.startsWith("PATCH /api/v1/namespaces/"))).toEqual([
      `PATCH /api/v1/namespaces/${NS}`,
      `PATCH /api/v1/namespaces/${NS}`,
      "PATCH /api/v1/namespaces/apps",
      "PATCH /api/v1/namespaces/apps",
    ]);
    expect(server.namespaces.get(NS)!.metadata!.labels).toEqual({});
    expect(server.namespaces.get("apps")!.metadata!.labels).toEqual({});
  });

  test("idempotent and silent: a second run patches nothing", async () => {
    seedMixed();
    await run();
    server.requests.length = 0;
    logs.length = 0;
    expect(await run()).toEqual([]);
    expect(calls().every((c) => c.startsWith("GET "))).toBe(true);
    expect(logs).toEqual([]);
  });

  test("falls back to v1alpha1 when v1beta1 of the collector CRD is not served", async () => {
    server.serve(G, "v1alpha1", "opentelemetrycollectors");
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));
    const changed = await run();
    expect(changed.map((c) => c.apiVersion)).toEqual([`${G}/v1alpha1`]);
    expect(calls().slice(0, 4)).toEqual([
      deploymentCall,
      listUrl("v1beta1", "opentelemetrycollectors"),
      listUrl("v1alpha1", "opentelemetrycollectors"),
      patchUrl("v1alpha1", NS, "opentelemetrycollectors", "datalayer-collector"),
    ]);
  });

  test("every CRD already gone (404 on each list): nothing to do, silent", async () => {
    expect(await run()).toEqual([]);
    expect(calls()).toEqual([
      deploymentCall,
      listUrl("v1beta1", "opentelemetrycollectors"),
      listUrl("v1alpha1", "opentelemetrycollectors"),
      listUrl("v1alpha1", "instrumentations"),
      listUrl("v1alpha1", "opampbridges"),
      listUrl("v1alpha1", "targetallocators"),
    ]);
    expect(logs).toEqual([]);
  });

  test("a CR that disappears between the list and the patch is skipped; the others are still cleaned", async () => {
    seedMixed();
    server.vanishAfterRead.add("datalayer-collector");
    const changed = await run();
    expect(changed.map((c) => c.name)).toEqual(["observer-python"]);
    expect(calls()).toContain(patchUrl("v1beta1", NS, "opentelemetrycollectors", "datalayer-collector"));
    expect(logs).toHaveLength(1);
  });

  test("refuses an empty stack label (it would widen the selector)", async () => {
    await expect(cleanUpOwnedBeforeOperatorDelete(api, { stackLabel: " ", operator: OPERATOR, logger })).rejects.toThrow("empty stack label");
    expect(server.requests).toEqual([]);
  });

  test("covers the four OpenTelemetry kinds with their served versions", () => {
    expect(OPENTELEMETRY_KINDS.map((k) => `${k.plural}:${k.versions.join("|")}`)).toEqual([
      "opentelemetrycollectors:v1beta1|v1alpha1",
      "instrumentations:v1alpha1",
      "opampbridges:v1alpha1",
      "targetallocators:v1alpha1",
    ]);
  });
});

describe("crTargetFromResource", () => {
  test("reads the CR from a CustomResource's outputs", () => {
    expect(
      crTargetFromResource({ apiVersion: "opentelemetry.io/v1beta1", kind: "OpenTelemetryCollector", metadata: { name: "datalayer-collector", namespace: NS } }),
    ).toEqual(collectorTarget());
    expect(crTargetFromResource({ apiVersion: "opentelemetry.io/v1alpha1", kind: "Instrumentation", metadata: { name: "i", namespace: "apps" } })).toEqual({
      ref: { group: G, version: "v1alpha1", plural: "instrumentations" },
      kind: "Instrumentation",
      namespace: "apps",
      name: "i",
    });
  });

  test("ignores anything that is not an OpenTelemetry CR, or lacks a name or namespace", () => {
    expect(crTargetFromResource(undefined)).toBeUndefined();
    expect(crTargetFromResource({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: { name: "a", namespace: "b" } })).toBeUndefined();
    expect(crTargetFromResource({ apiVersion: "opentelemetry.io/v1beta1", kind: "OpenTelemetryCollector", metadata: { name: "a" } })).toBeUndefined();
    expect(crTargetFromResource({ apiVersion: "opentelemetry.io", kind: "OpenTelemetryCollector", metadata: { name: "a", namespace: "b" } })).toBeUndefined();
  });
});
