/**
 * Pre-flight ownership check of the Prometheus Operator CRDs: the pure decision and message, and the
 * metadata-only list call it makes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { kubePrometheusStack } from "../../../components/charts/kube-prometheus-stack";
import { parseConfig } from "../../../components/config";
import {
  adoptionCommands,
  checkExternalPrometheusCrds,
  checkPrometheusCrdOwnership,
  compareSemver,
  CrdOwnershipError,
  CrdSchemaError,
  listPrometheusOperatorCrds,
  MIN_PROMETHEUS_OPERATOR_VERSION,
  PROMETHEUS_CRD_REQUIREMENTS,
  PROMETHEUS_OPERATOR_VERSION_ANNOTATION,
  runExternalPrometheusCrdCheck,
  runPrometheusCrdPreflight,
  schemaDeclares,
  type CrdMetadata,
} from "../../../components/lifecycle/preflight";
import { createHttpTransport, createKubeApiOverTransport, PARTIAL_METADATA_LIST, type KubeObject } from "../../../components/lifecycle/kube-api";
import { kernelsPodMonitor } from "../../../components/monitors";
import { FakeApiServer } from "./fake-apiserver";

const RELEASE = { releaseName: "prometheus-operator-crds", namespace: "datalayer-observer" };
const OWNED = {
  labels: { "app.kubernetes.io/managed-by": "Helm" },
  annotations: { "meta.helm.sh/release-name": "prometheus-operator-crds", "meta.helm.sh/release-namespace": "datalayer-observer" },
};

describe("checkPrometheusCrdOwnership", () => {
  test("no CRDs yet: our release installs them", () => {
    expect(checkPrometheusCrdOwnership([], RELEASE)).toBeUndefined();
  });

  test("CRDs already owned by our release (a second `up`): no error", () => {
    const crds: CrdMetadata[] = [
      { name: "servicemonitors.monitoring.coreos.com", ...OWNED },
      { name: "prometheuses.monitoring.coreos.com", ...OWNED },
    ];
    expect(checkPrometheusCrdOwnership(crds, RELEASE)).toBeUndefined();
  });

  test("CRDs of other API groups are ignored", () => {
    expect(checkPrometheusCrdOwnership([{ name: "opentelemetrycollectors.opentelemetry.io" }, { name: "certificates.cert-manager.io" }], RELEASE)).toBeUndefined();
  });

  test("the old datalayer-observer chart's CRDs (no Helm ownership): one message naming both ways out and the exact commands", () => {
    const crds: CrdMetadata[] = [
      { name: "servicemonitors.monitoring.coreos.com" },
      { name: "podmonitors.monitoring.coreos.com", labels: {} },
      { name: "prometheuses.monitoring.coreos.com", ...OWNED },
    ];
    expect(checkPrometheusCrdOwnership(crds, RELEASE)).toBe(
      [
        'The Prometheus Operator CRDs already exist in this cluster but do not belong to the Helm release "prometheus-operator-crds" in namespace "datalayer-observer", so Observer will not install over them:',
        "  - podmonitors.monitoring.coreos.com: owned by no Helm release (no ownership labels or annotations)",
        "  - servicemonitors.monitoring.coreos.com: owned by no Helm release (no ownership labels or annotations)",
        "Choose one way out:",
        "  1. Keep them as they are and let Observer use them (they must be those of prometheus-operator >= 0.80.0, which is checked):",
        "       pulumi config set --path observer:crds.prometheus external",
        '  2. Adopt them into Observer\'s "prometheus-operator-crds" release (Helm then upgrades them, and in the dev profile deletes them on destroy):',
        "       kubectl label crd podmonitors.monitoring.coreos.com servicemonitors.monitoring.coreos.com app.kubernetes.io/managed-by=Helm --overwrite",
        "       kubectl annotate crd podmonitors.monitoring.coreos.com servicemonitors.monitoring.coreos.com meta.helm.sh/release-name=prometheus-operator-crds meta.helm.sh/release-namespace=datalayer-observer --overwrite",
        "Then run the deployment again.",
      ].join("\n"),
    );
  });

  test("CRDs owned by another Helm release (e.g. someone's kube-prometheus-stack): names the owner and warns about taking them", () => {
    const message = checkPrometheusCrdOwnership(
      [
        {
          name: "alertmanagers.monitoring.coreos.com",
          labels: { "app.kubernetes.io/managed-by": "Helm" },
          annotations: { "meta.helm.sh/release-name": "kube-prometheus-stack", "meta.helm.sh/release-namespace": "monitoring" },
        },
      ],
      RELEASE,
    );
    expect(message).toContain('  - alertmanagers.monitoring.coreos.com: owned by Helm release "kube-prometheus-stack" in namespace "monitoring"');
    expect(message).toContain("Adopting CRDs that another Helm release owns takes them from that release: prefer option 1 on a shared cluster.");
  });

  test("our release name in another namespace (another Observer stack) is someone else", () => {
    const message = checkPrometheusCrdOwnership(
      [
        {
          name: "probes.monitoring.coreos.com",
          labels: { "app.kubernetes.io/managed-by": "Helm" },
          annotations: { "meta.helm.sh/release-name": "prometheus-operator-crds", "meta.helm.sh/release-namespace": "observer-staging" },
        },
      ],
      RELEASE,
    );
    expect(message).toContain('owned by Helm release "prometheus-operator-crds" in namespace "observer-staging"');
  });

  test("a managed-by label other than Helm is reported as such", () => {
    const message = checkPrometheusCrdOwnership([{ name: "probes.monitoring.coreos.com", labels: { "app.kubernetes.io/managed-by": "kustomize" } }], RELEASE);
    expect(message).toContain('probes.monitoring.coreos.com: owned by "kustomize" (no Helm release annotations)');
  });

  test("adoption commands are sorted and exact", () => {
    expect(adoptionCommands(["b.monitoring.coreos.com", "a.monitoring.coreos.com"], { releaseName: "r", namespace: "n" })).toEqual([
      "kubectl label crd a.monitoring.coreos.com b.monitoring.coreos.com app.kubernetes.io/managed-by=Helm --overwrite",
      "kubectl annotate crd a.monitoring.coreos.com b.monitoring.coreos.com meta.helm.sh/release-name=r meta.helm.sh/release-namespace=n --overwrite",
    ]);
  });
});

describe("listPrometheusOperatorCrds / runPrometheusCrdPreflight against the fake API server", () => {
  let server: FakeApiServer;
  beforeEach(async () => {
    server = new FakeApiServer();
    await server.start();
  });
  afterEach(async () => server.stop());

  test("asks for metadata only (PartialObjectMetadataList) in one call and keeps the monitoring.coreos.com CRDs", async () => {
    server.crds = [
      { metadata: { name: "servicemonitors.monitoring.coreos.com", labels: { a: "b" } }, spec: { huge: true } },
      { metadata: { name: "opentelemetrycollectors.opentelemetry.io" } },
    ];
    const api = createKubeApiOverTransport(createHttpTransport({ server: server.url }));

    expect(await listPrometheusOperatorCrds(api)).toEqual([{ name: "servicemonitors.monitoring.coreos.com", labels: { a: "b" } }]);
    expect(server.requests.map((r) => [r.method, r.url, r.accept])).toEqual([
      ["GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", PARTIAL_METADATA_LIST],
    ]);
  });

  test("throws CrdOwnershipError with the message when foreign CRDs exist; resolves when they are ours", async () => {
    const api = createKubeApiOverTransport(createHttpTransport({ server: server.url }));
    server.crds = [{ metadata: { name: "servicemonitors.monitoring.coreos.com" } }];
    await expect(runPrometheusCrdPreflight(api, RELEASE)).rejects.toThrow(CrdOwnershipError);
    await expect(runPrometheusCrdPreflight(api, RELEASE)).rejects.toThrow("pulumi config set --path observer:crds.prometheus external");
    server.crds = [{ metadata: { name: "servicemonitors.monitoring.coreos.com", ...OWNED } }];
    await expect(runPrometheusCrdPreflight(api, RELEASE)).resolves.toBeUndefined();
  });

  test("the transport keeps a path prefix of the server URL (API behind a proxy path)", async () => {
    const api = createKubeApiOverTransport(createHttpTransport({ server: `${server.url}/k8s/clusters/c-1/` }));
    await expect(listPrometheusOperatorCrds(api)).rejects.toThrow(
      "Kubernetes API GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions failed with HTTP 404: the server could not find the requested resource",
    );
    expect(server.requests[0]!.url).toBe("/k8s/clusters/c-1/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// crds.prometheus: external — the served schemas, against the upstream CRDs (prometheus-operator v0.93.0)
// ---------------------------------------------------------------------------------------------------------------

const CRD_DIR = path.resolve(__dirname, "../../../../shared/reference/crds/prometheus-operator");
function referenceCrd(name: string): KubeObject {
  const file = path.join(CRD_DIR, `monitoring.coreos.com_${name.split(".")[0]}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: the contract tests need ../shared/reference beside the clone`);
  return parse(fs.readFileSync(file, "utf8")) as KubeObject;
}
function upstream(): Record<string, KubeObject> {
  return Object.fromEntries(EXTERNAL_CRDS.map((n) => [n, referenceCrd(n)]));
}
const EXTERNAL_CRDS = ["prometheuses.monitoring.coreos.com", "podmonitors.monitoring.coreos.com"];

/** The v1 schema of a CRD object (for editing copies). */
function v1Schema(crd: KubeObject): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (crd.spec.versions as { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[]).find((v) => v.name === "v1")!.schema.openAPIV3Schema;
}

describe("checkExternalPrometheusCrds (served schemas)", () => {
  test("the upstream CRDs of prometheus-operator v0.93.0 serve every field Observer sets", () => {
    const crds = upstream();
    expect(crds["prometheuses.monitoring.coreos.com"]!.metadata!.annotations![PROMETHEUS_OPERATOR_VERSION_ANNOTATION]).toBe("0.93.0");
    expect(checkExternalPrometheusCrds(crds)).toBeUndefined();
    for (const r of PROMETHEUS_CRD_REQUIREMENTS) expect([r.path, schemaDeclares(v1Schema(crds[r.crd]!), r.path)]).toEqual([r.path, true]);
    expect(compareSemver("0.93.0", MIN_PROMETHEUS_OPERATOR_VERSION)).toBeGreaterThanOrEqual(0);
  });

  test("the minimum version is the newest field's release", () => {
    expect(MIN_PROMETHEUS_OPERATOR_VERSION).toBe("0.80.0");
    expect(compareSemver("0.80.0", "0.9.9")).toBeGreaterThan(0);
    expect(compareSemver("v0.80.0", "0.80.0")).toBe(0);
  });

  test("older CRDs (the fields removed, as before the releases that added them): one message naming each field, its loss and the minimum", () => {
    const crds = upstream();
    const prom = crds["prometheuses.monitoring.coreos.com"]!;
    prom.metadata!.annotations![PROMETHEUS_OPERATOR_VERSION_ANNOTATION] = "0.71.2";
    const spec = v1Schema(prom).properties.spec.properties;
    delete spec.scrapeClasses;
    delete spec.otlp.properties.promoteResourceAttributes;
    delete spec.otlp.properties.keepIdentifyingResourceAttributes;
    delete spec.exemplars;
    delete spec.enableOTLPReceiver;
    const pm = crds["podmonitors.monitoring.coreos.com"]!;
    delete v1Schema(pm).properties.spec.properties.podMetricsEndpoints.items.properties.portNumber;
    expect(checkExternalPrometheusCrds(crds)).toBe(
      [
        "The Prometheus Operator CRDs in this cluster (observer:crds.prometheus external) are too old for Observer. The API server",
        "would accept Observer's objects and silently drop the fields it does not know (schema pruning, no error):",
        "  - prometheuses.monitoring.coreos.com v1 has no spec.scrapeClasses[].relabelings (prometheus-operator >= 0.73.0); without it: the metadata-contract labels (cluster, app, datalayer_pool_*) on every scraped target (default scrape class)",
        "  - prometheuses.monitoring.coreos.com v1 has no spec.otlp.promoteResourceAttributes (prometheus-operator >= 0.77.0); without it: the metadata-contract labels on every pushed (OTLP) metric",
        "  - prometheuses.monitoring.coreos.com v1 has no spec.enableOTLPReceiver (prometheus-operator >= 0.79.0); without it: Prometheus' OTLP receiver: every metric the gateway pushes is refused",
        "  - prometheuses.monitoring.coreos.com v1 has no spec.otlp.keepIdentifyingResourceAttributes (prometheus-operator >= 0.80.0); without it: service.name, service.namespace and service.instance.id on target_info",
        "  - prometheuses.monitoring.coreos.com v1 has no spec.exemplars.maxSize (prometheus-operator >= 0.58.0); without it: the exemplar storage size (the trace links of latency panels)",
        "  - podmonitors.monitoring.coreos.com v1 has no spec.podMetricsEndpoints[].portNumber (prometheus-operator >= 0.79.0); without it: the kernels' metrics port: the kernels' PodMonitor would scrape every container port instead",
        "Installed (annotation operator.prometheus.io/version): prometheuses.monitoring.coreos.com 0.71.2, podmonitors.monitoring.coreos.com 0.93.0.",
        "Observer needs the CRDs of prometheus-operator >= 0.80.0. Either upgrade them where they come from (for example",
        "the prometheus-operator-crds chart at an appVersion >= v0.80.0), or let Observer install them when nothing else owns them:",
        "       pulumi config set --path observer:crds.prometheus managed",
        "Then run the deployment again.",
      ].join("\n"),
    );
  });

  test("a field the schema does not declare is kept only under x-kubernetes-preserve-unknown-fields; a version not served fails", () => {
    expect(schemaDeclares({ properties: { spec: { "x-kubernetes-preserve-unknown-fields": true } } }, "spec.otlp.promoteResourceAttributes")).toBe(true);
    expect(schemaDeclares({ properties: { spec: { properties: {} } } }, "spec.otlp")).toBe(false);
    const crds = upstream();
    for (const v of crds["podmonitors.monitoring.coreos.com"]!.spec.versions as { served: boolean }[]) v.served = false;
    expect(checkExternalPrometheusCrds(crds)).toContain("  - podmonitors.monitoring.coreos.com does not serve v1\n");
  });

  test("every required field is one our values or objects really set (the list is not invented)", () => {
    const cfg = parseConfig({});
    const spec = (kubePrometheusStack(cfg, { grafanaAdminChecksum: "0" }) as { prometheus: { prometheusSpec: Record<string, unknown> } }).prometheus.prometheusSpec;
    const kernels = kernelsPodMonitor(cfg, {}) as { spec: Record<string, unknown> };
    const has = (o: unknown, p: string): boolean =>
      p.split(".").reduce<unknown[]>((cur, step) => {
        const [name, ...arrays] = step.split("[]");
        let next = cur.map((c) => (c as Record<string, unknown> | undefined)?.[name!]).filter((x) => x !== undefined);
        for (let i = 0; i < arrays.length; i++) next = next.flatMap((x) => (Array.isArray(x) ? x : []));
        return next;
      }, [o]).length > 0;
    for (const r of PROMETHEUS_CRD_REQUIREMENTS) {
      const [, ...rest] = r.path.split(".");
      const target = r.crd.startsWith("prometheuses.") ? spec : kernels.spec;
      expect([r.path, has(target, rest.join("."))]).toEqual([r.path, true]);
    }
  });
});

describe("runExternalPrometheusCrdCheck over the API", () => {
  let server: FakeApiServer;
  beforeEach(async () => {
    server = new FakeApiServer();
    await server.start();
  });
  afterEach(async () => server.stop());

  test("one GET per CRD (with its schemas); passes with the upstream CRDs, throws CrdSchemaError without them", async () => {
    const api = createKubeApiOverTransport(createHttpTransport({ server: server.url }));
    server.crds = Object.values(upstream());
    await expect(runExternalPrometheusCrdCheck(api)).resolves.toBeUndefined();
    expect(server.requests.map((r) => [r.method, r.url])).toEqual(
      EXTERNAL_CRDS.map((n) => ["GET", `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`]),
    );
    server.crds = [];
    await expect(runExternalPrometheusCrdCheck(api)).rejects.toThrow(CrdSchemaError);
    await expect(runExternalPrometheusCrdCheck(api)).rejects.toThrow(/prometheuses\.monitoring\.coreos\.com is not installed\n  - podmonitors\.monitoring\.coreos\.com is not installed/);
  });
});
