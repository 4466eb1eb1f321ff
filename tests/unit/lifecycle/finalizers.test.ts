/**
 * Finalizer cleanup logic against a local HTTP server playing the Kubernetes API: the exact requests
 * (paths, label selectors, verbs, content types, bodies), 404s, races, idempotence, logs.
 */
import {
  COLLECTOR_FINALIZER,
  OPENTELEMETRY_KINDS,
  crTargetFromResource,
  ownedSelector,
  stripFinalizersIfOperatorDown,
  stripOwnedOpenTelemetryFinalizers,
  type CrTarget,
} from "../../../components/lifecycle/finalizers";
import { createHttpTransport, createKubeApiOverTransport, KubeApiError, type KubeApi, type KubeObject } from "../../../components/lifecycle/kube-api";
import { MANAGED_BY, STACK_LABEL } from "../../../components/labels";
import { FakeApiServer } from "./fake-apiserver";

const G = "opentelemetry.io";
const NS = "datalayer-observer";
const STACK = "observer.dev";
const OURS = { [MANAGED_BY.key]: MANAGED_BY.value, [STACK_LABEL]: STACK };
const OPERATOR = { namespace: NS, name: "observer-otel-operator" };
const SELECTOR_QUERY = "labelSelector=app.kubernetes.io%2Fmanaged-by%3Dobserver%2Cobserver.datalayer.io%2Fstack%3Dobserver.dev";
const MERGE = "application/merge-patch+json";

function cr(kind: string, namespace: string, name: string, labels: Record<string, string>, finalizers?: string[]): KubeObject {
  return { kind, metadata: { name, namespace, labels, ...(finalizers ? { finalizers } : {}) } };
}

function collectorTarget(name = "datalayer-collector"): CrTarget {
  return { ref: { group: G, version: "v1beta1", plural: "opentelemetrycollectors" }, kind: "OpenTelemetryCollector", namespace: NS, name };
}

let server: FakeApiServer;
let api: KubeApi;
let logs: string[];
const logger = { info: (m: string) => void logs.push(m) };

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  api = createKubeApiOverTransport(createHttpTransport({ server: server.url }));
  logs = [];
});

afterEach(async () => {
  await server.stop();
});

function calls(): string[] {
  return server.requests.map((r) => `${r.method} ${r.url}`);
}

describe("stripFinalizersIfOperatorDown (beforeDelete of each OpenTelemetry CR)", () => {
  const collectorPath = `/apis/${G}/v1beta1/namespaces/${NS}/opentelemetrycollectors/datalayer-collector`;
  const deploymentPath = `/apis/apps/v1/namespaces/${NS}/deployments/observer-otel-operator`;

  beforeEach(() => {
    server.serve(G, "v1beta1", "opentelemetrycollectors").serve(G, "v1alpha1", "opentelemetrycollectors");
  });

  test("operator running with createRbacPermissions (it adds the collector finalizer) but no ready replica: the finalizer is stripped with a JSON merge patch", async () => {
    server.deployments.set(`${NS}/observer-otel-operator`, { metadata: { name: "observer-otel-operator" }, status: { replicas: 1, readyReplicas: 0 } });
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));

    const result = await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger, stackLabel: STACK });

    expect(result).toEqual({ action: "stripped", finalizers: [COLLECTOR_FINALIZER] });
    expect(calls()).toEqual([`GET ${deploymentPath}`, `GET ${collectorPath}`, `PATCH ${collectorPath}`]);
    const patch = server.requests[2]!;
    expect(patch.contentType).toBe(MERGE);
    expect(patch.body).toEqual({ metadata: { finalizers: null } });
    expect(server.requests[0]!.accept).toBe("application/json");
    expect(server.object(G, "opentelemetrycollectors", NS, "datalayer-collector")!.metadata!.finalizers).toBeUndefined();
    expect(logs).toEqual([
      `Removed finalizers [${COLLECTOR_FINALIZER}] from OpenTelemetryCollector ${NS}/datalayer-collector: the OpenTelemetry Operator (Deployment ${NS}/observer-otel-operator) has no ready replica, so nothing would remove them.`,
    ]);
  });

  test("operator Deployment already gone (404): finalizers stripped, the log says it is not installed", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER, "example.com/other"]));

    const result = await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger });

    expect(result).toEqual({ action: "stripped", finalizers: [COLLECTOR_FINALIZER, "example.com/other"] });
    expect(calls()).toEqual([`GET ${deploymentPath}`, `GET ${collectorPath}`, `PATCH ${collectorPath}`]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain("(Deployment datalayer-observer/observer-otel-operator) is not installed");
  });

  test("operator ready: nothing is read or patched beyond the Deployment, nothing is logged", async () => {
    server.deployments.set(`${NS}/observer-otel-operator`, { metadata: { name: "observer-otel-operator" }, status: { replicas: 1, readyReplicas: 1 } });
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));

    const result = await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger });

    expect(result).toEqual({ action: "operator-ready", readyReplicas: 1 });
    expect(calls()).toEqual([`GET ${deploymentPath}`]);
    expect(server.object(G, "opentelemetrycollectors", NS, "datalayer-collector")!.metadata!.finalizers).toEqual([COLLECTOR_FINALIZER]);
    expect(logs).toEqual([]);
  });

  test("createRbacPermissions: false (Observer's setting): the operator adds no finalizer, so nothing is patched and nothing logged", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS));

    const result = await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger });

    expect(result).toEqual({ action: "no-finalizers" });
    expect(calls()).toEqual([`GET ${deploymentPath}`, `GET ${collectorPath}`]);
    expect(logs).toEqual([]);
  });

  test("CR already gone (404): nothing to do, silent", async () => {
    const result = await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger });
    expect(result).toEqual({ action: "gone" });
    expect(calls()).toEqual([`GET ${deploymentPath}`, `GET ${collectorPath}`]);
    expect(logs).toEqual([]);
  });

  test("CRD gone (the whole resource 404s): nothing to do, silent", async () => {
    server.served.clear();
    const result = await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger });
    expect(result).toEqual({ action: "gone" });
    expect(logs).toEqual([]);
  });

  test("CR deleted between the read and the patch: the 404 on PATCH is 'gone', silent", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));
    server.vanishAfterRead.add("datalayer-collector");

    const result = await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger });

    expect(result).toEqual({ action: "gone" });
    expect(calls()).toEqual([`GET ${deploymentPath}`, `GET ${collectorPath}`, `PATCH ${collectorPath}`]);
    expect(logs).toEqual([]);
  });

  test("idempotent: a second run finds no finalizer and patches nothing", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));
    await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger });
    server.requests.length = 0;
    logs.length = 0;

    const again = await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger });

    expect(again).toEqual({ action: "no-finalizers" });
    expect(calls().filter((c) => c.startsWith("PATCH"))).toEqual([]);
    expect(logs).toEqual([]);
  });

  test("a CR without our labels is never touched", async () => {
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", { [MANAGED_BY.key]: "Helm" }, [COLLECTOR_FINALIZER]));
    const result = await stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger, stackLabel: STACK });
    expect(result).toEqual({ action: "not-owned" });
    expect(calls().filter((c) => c.startsWith("PATCH"))).toEqual([]);
  });

  test("an API error other than 404 is raised with the method, path and the server's message", async () => {
    server.failPrefix = "/apis/apps/";
    await expect(stripFinalizersIfOperatorDown(api, collectorTarget(), { operator: OPERATOR, logger })).rejects.toThrow(
      new KubeApiError(500, "GET", deploymentPath, { message: "etcd is on fire" }).message,
    );
  });
});

describe("stripOwnedOpenTelemetryFinalizers (beforeDelete of the operator release)", () => {
  const listUrl = (version: string, plural: string) => `GET /apis/${G}/${version}/${plural}?${SELECTOR_QUERY}`;
  const patchUrl = (version: string, ns: string, plural: string, name: string) => `PATCH /apis/${G}/${version}/namespaces/${ns}/${plural}/${name}`;

  function seedMixed(): void {
    server
      .serve(G, "v1beta1", "opentelemetrycollectors")
      .serve(G, "v1alpha1", "opentelemetrycollectors")
      .serve(G, "v1alpha1", "instrumentations");
    // ours, with the finalizer the operator adds when createRbacPermissions is true
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));
    // ours, no finalizer (createRbacPermissions false)
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-log-agent", OURS));
    // ours, in another namespace
    server.addObject(G, "instrumentations", cr("Instrumentation", "apps", "observer-python", OURS, ["example.com/cleanup"]));
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

  test("strips only CRs carrying both of our labels, in every namespace, with the exact list and patch requests", async () => {
    seedMixed();

    const changed = await stripOwnedOpenTelemetryFinalizers(api, { stackLabel: STACK, logger });

    expect(changed).toEqual([
      { kind: "OpenTelemetryCollector", apiVersion: `${G}/v1beta1`, namespace: NS, name: "datalayer-collector", finalizers: [COLLECTOR_FINALIZER] },
      { kind: "Instrumentation", apiVersion: `${G}/v1alpha1`, namespace: "apps", name: "observer-python", finalizers: ["example.com/cleanup"] },
    ]);
    expect(calls()).toEqual([
      listUrl("v1beta1", "opentelemetrycollectors"),
      patchUrl("v1beta1", NS, "opentelemetrycollectors", "datalayer-collector"),
      listUrl("v1alpha1", "instrumentations"),
      patchUrl("v1alpha1", "apps", "instrumentations", "observer-python"),
      listUrl("v1alpha1", "opampbridges"),
      listUrl("v1alpha1", "targetallocators"),
    ]);
    for (const r of server.requests.filter((q) => q.method === "PATCH")) {
      expect(r.contentType).toBe(MERGE);
      expect(r.body).toEqual({ metadata: { finalizers: null } });
    }
    for (const [ns, name] of [["team-a", "theirs-1"], ["team-b", "theirs-2"], ["team-c", "theirs-3"]] as const) {
      expect(server.object(G, "opentelemetrycollectors", ns, name)!.metadata!.finalizers).toEqual([COLLECTOR_FINALIZER]);
    }
    expect(logs).toEqual([
      `Removed finalizers [${COLLECTOR_FINALIZER}] from OpenTelemetryCollector ${NS}/datalayer-collector before the OpenTelemetry Operator is removed.`,
      `Removed finalizers [example.com/cleanup] from Instrumentation apps/observer-python before the OpenTelemetry Operator is removed.`,
    ]);
  });

  test("never touches others' objects even when the server ignores the label selector", async () => {
    seedMixed();
    server.ignoreSelectors = true;

    await stripOwnedOpenTelemetryFinalizers(api, { stackLabel: STACK, logger });

    expect(calls().filter((c) => c.startsWith("PATCH"))).toEqual([
      patchUrl("v1beta1", NS, "opentelemetrycollectors", "datalayer-collector"),
      patchUrl("v1alpha1", "apps", "instrumentations", "observer-python"),
    ]);
  });

  test("idempotent and silent: a second run lists and patches nothing", async () => {
    seedMixed();
    await stripOwnedOpenTelemetryFinalizers(api, { stackLabel: STACK, logger });
    server.requests.length = 0;
    logs.length = 0;

    const changed = await stripOwnedOpenTelemetryFinalizers(api, { stackLabel: STACK, logger });

    expect(changed).toEqual([]);
    expect(calls().every((c) => c.startsWith("GET "))).toBe(true);
    expect(logs).toEqual([]);
  });

  test("createRbacPermissions: false (no finalizers anywhere): only list calls, nothing logged", async () => {
    server.serve(G, "v1beta1", "opentelemetrycollectors").serve(G, "v1alpha1", "instrumentations");
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS));
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-log-agent", OURS));

    expect(await stripOwnedOpenTelemetryFinalizers(api, { stackLabel: STACK, logger })).toEqual([]);
    expect(calls()).toEqual([
      listUrl("v1beta1", "opentelemetrycollectors"),
      listUrl("v1alpha1", "instrumentations"),
      listUrl("v1alpha1", "opampbridges"),
      listUrl("v1alpha1", "targetallocators"),
    ]);
    expect(logs).toEqual([]);
  });

  test("falls back to v1alpha1 when v1beta1 of the collector CRD is not served", async () => {
    server.serve(G, "v1alpha1", "opentelemetrycollectors");
    server.addObject(G, "opentelemetrycollectors", cr("OpenTelemetryCollector", NS, "datalayer-collector", OURS, [COLLECTOR_FINALIZER]));

    const changed = await stripOwnedOpenTelemetryFinalizers(api, { stackLabel: STACK, logger });

    expect(changed.map((c) => c.apiVersion)).toEqual([`${G}/v1alpha1`]);
    expect(calls().slice(0, 3)).toEqual([
      listUrl("v1beta1", "opentelemetrycollectors"),
      listUrl("v1alpha1", "opentelemetrycollectors"),
      patchUrl("v1alpha1", NS, "opentelemetrycollectors", "datalayer-collector"),
    ]);
  });

  test("every CRD already gone (404 on each list): nothing to do, silent", async () => {
    expect(await stripOwnedOpenTelemetryFinalizers(api, { stackLabel: STACK, logger })).toEqual([]);
    expect(calls()).toEqual([
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

    const changed = await stripOwnedOpenTelemetryFinalizers(api, { stackLabel: STACK, logger });

    expect(changed.map((c) => c.name)).toEqual(["observer-python"]);
    expect(calls()).toContain(patchUrl("v1beta1", NS, "opentelemetrycollectors", "datalayer-collector"));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain("Instrumentation apps/observer-python");
  });

  test("refuses an empty stack label (it would widen the selector)", async () => {
    await expect(stripOwnedOpenTelemetryFinalizers(api, { stackLabel: " ", logger })).rejects.toThrow("empty stack label");
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
