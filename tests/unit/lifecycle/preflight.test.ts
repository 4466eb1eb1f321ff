/**
 * Pre-flight ownership check of the Prometheus Operator CRDs: the pure decision and message, and the
 * metadata-only list call it makes.
 */
import {
  adoptionCommands,
  checkPrometheusCrdOwnership,
  CrdOwnershipError,
  listPrometheusOperatorCrds,
  runPrometheusCrdPreflight,
  type CrdMetadata,
} from "../../../components/lifecycle/preflight";
import { createHttpTransport, createKubeApiOverTransport, PARTIAL_METADATA_LIST } from "../../../components/lifecycle/kube-api";
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
        "  1. Keep them as they are and let Observer use them (they must serve monitoring.coreos.com/v1):",
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
