/**
 * The hook callbacks (called as the engine would, with fake hook args) and the hook factories
 * (named, lazy, options) under Pulumi mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  beforeDeleteCrCallback,
  beforeDeleteOperatorCallback,
  crdPreflightCallback,
  createCrdPreflightHook,
  createExternalCrdCheckHook,
  createFinalizerHooks,
  externalCrdCheckCallback,
  HOOK_NAMES,
} from "../../../components/lifecycle/hooks";
import { COLLECTOR_FINALIZER } from "../../helpers/opentelemetry-operator";
import { createHttpTransport, createKubeApiOverTransport, type KubeApi } from "../../../components/lifecycle/kube-api";
import { commonLabels, stackLabelValue } from "../../../components/labels";
import { FakeApiServer } from "./fake-apiserver";

const NS = "datalayer-observer";
const STACK = stackLabelValue("observer.dev");
const G = "opentelemetry.io";

let server: FakeApiServer;
let logs: string[];
let factoryCalls: number;
function options() {
  return {
    kube: { context: "kind-observer" },
    kubeApi: async (): Promise<KubeApi> => {
      factoryCalls++;
      return createKubeApiOverTransport(createHttpTransport({ server: server.url }));
    },
    logger: { info: (m: string) => void logs.push(m) },
    operator: { namespace: NS, name: "observer-otel-operator" },
    stackLabel: STACK,
  };
}

function hookArgs(state: Record<string, unknown>): pulumi.ResourceHookArgs {
  return { urn: "urn:pulumi:dev::observer::x::y", id: "id", name: "y", type: "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector", oldOutputs: state };
}

beforeEach(async () => {
  server = new FakeApiServer();
  await server.start();
  logs = [];
  factoryCalls = 0;
});
afterEach(async () => server.stop());

describe("hook callbacks", () => {
  test("beforeDeleteCR reads the CR from the old outputs and strips it when the operator is down; the client is built once", async () => {
    server.serve(G, "v1beta1", "opentelemetrycollectors");
    server.addObject(G, "opentelemetrycollectors", {
      metadata: { name: "datalayer-collector", namespace: NS, labels: commonLabels("observer.dev"), finalizers: [COLLECTOR_FINALIZER] },
    });
    const cb = beforeDeleteCrCallback(options());
    expect(factoryCalls).toBe(0);

    const state = { apiVersion: `${G}/v1beta1`, kind: "OpenTelemetryCollector", metadata: { name: "datalayer-collector", namespace: NS } };
    await cb(hookArgs(state));
    await cb(hookArgs(state));

    expect(factoryCalls).toBe(1);
    expect(server.requests.filter((r) => r.method === "PATCH").map((r) => r.url)).toEqual([
      `/apis/${G}/v1beta1/namespaces/${NS}/opentelemetrycollectors/datalayer-collector`,
    ]);
    expect(logs).toHaveLength(1);
  });

  test("beforeDeleteCR does nothing (no request at all) for a resource that is not an OpenTelemetry CR", async () => {
    await beforeDeleteCrCallback(options())(hookArgs({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: NS } }));
    expect(server.requests).toEqual([]);
  });

  test("beforeDeleteOperator reads the operator Deployment, then (operator down) lists every OpenTelemetry kind with our selector", async () => {
    await beforeDeleteOperatorCallback(options())(hookArgs({}));
    expect(server.requests[0]!.url).toMatch(/^\/apis\/apps\/v1\/namespaces\/[^/]+\/deployments\//);
    expect(server.requests.slice(1).map((r) => new URL(r.url, "http://x").searchParams.get("labelSelector"))).toEqual(
      Array(5).fill(`app.kubernetes.io/managed-by=observer,observer.datalayer.io/stack=${STACK}`),
    );
  });

  test("the pre-flight callback throws the ownership message (the engine shows error.message)", async () => {
    server.crds = [{ metadata: { name: "prometheusrules.monitoring.coreos.com" } }];
    const cb = crdPreflightCallback({ ...options(), release: { releaseName: "prometheus-operator-crds", namespace: NS } });
    await expect(cb(hookArgs({}))).rejects.toThrow(/prometheusrules\.monitoring\.coreos\.com: owned by no Helm release/);
  });
});

describe("external CRD check callback", () => {
  test("reads the CRDs once per deployment, however many releases run it, and throws the schema message", async () => {
    server.crds = [];
    const before = server.requests.length;
    const cb = externalCrdCheckCallback(options());
    await expect(cb(hookArgs({}))).rejects.toThrow(/prometheuses\.monitoring\.coreos\.com is not installed/);
    await expect(cb(hookArgs({}))).rejects.toThrow(/prometheus-operator >= 0\.80\.0/);
    expect(server.requests.slice(before).map((r) => r.url)).toEqual([
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/prometheuses.monitoring.coreos.com",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/podmonitors.monitoring.coreos.com",
    ]);
  });
});

describe("hook factories under mocks", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs },
      "observer",
      "dev",
      false,
    );
    // The mock monitor lacks these (see ../shared/notes/pulumi-offline-testing.md).
    const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, unknown>;
    monitor.registerResourceHook = (_req: unknown, cb: (err: unknown, res: unknown) => void) => cb(null, {});
    monitor.registerErrorHook = (_req: unknown, cb: (err: unknown, res: unknown) => void) => cb(null, {});
  });

  test("createFinalizerHooks: stable names, best-effort (ignoreErrors), not on preview, no client built at construction", () => {
    const hooks = createFinalizerHooks(options());
    expect(hooks.beforeDeleteCR).toBeInstanceOf(pulumi.ResourceHook);
    expect([hooks.beforeDeleteCR.name, hooks.beforeDeleteOperator.name]).toEqual([HOOK_NAMES.crFinalizers, HOOK_NAMES.operatorFinalizers]);
    expect(HOOK_NAMES).toEqual({
      crFinalizers: "observer-otel-cr-finalizers",
      operatorFinalizers: "observer-otel-operator-finalizers",
      crdPreflight: "observer-prometheus-crds-preflight",
      externalCrdCheck: "observer-prometheus-crds-external-check",
      installPreflight: "observer-install-conflicts-preflight",
    });
    expect(hooks.beforeDeleteCR.opts).toEqual({ ignoreErrors: true });
    expect(hooks.beforeDeleteOperator.opts).toEqual({ ignoreErrors: true });
    expect(factoryCalls).toBe(0);
  });

  test("createExternalCrdCheckHook: runs on preview too, no client built at construction", () => {
    const hook = createExternalCrdCheckHook(options());
    expect(hook.name).toBe("observer-prometheus-crds-external-check");
    expect(hook.opts).toEqual({ onDryRun: true });
    expect(factoryCalls).toBe(0);
  });

  test("createCrdPreflightHook: runs on preview too and fails the create on error", () => {
    const hook = createCrdPreflightHook({ ...options(), release: { releaseName: "prometheus-operator-crds", namespace: NS } });
    expect(hook.name).toBe("observer-prometheus-crds-preflight");
    expect(hook.opts).toEqual({ onDryRun: true });
    expect(factoryCalls).toBe(0);
  });
});
