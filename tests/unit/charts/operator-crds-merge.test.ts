import { chartValues } from "../../../components/charts/index";
import { deepMerge } from "../../../components/charts/merge";
import { imageString } from "../../../components/versions";
import { opentelemetryOperator } from "../../../components/charts/opentelemetry-operator";
import { prometheusOperatorCrds } from "../../../components/charts/prometheus-operator-crds";
import { cfg, CTX } from "./fixtures";
import { withoutSecurity } from "./security-paths";

const LABELS = { "monitoring.datalayer.io/instance": "observer", "monitoring.datalayer.io/enabled": "true" };
const ALL_CRDS = Object.fromEntries(
  ["alertmanagerconfigs", "alertmanagers", "podmonitors", "probes", "prometheusagents", "prometheuses", "prometheusrules", "scrapeconfigs", "servicemonitors", "thanosrulers"].map(
    (c) => [c, { enabled: true }],
  ),
);

describe("prometheusOperatorCrds", () => {
  it("dev: every CRD, no keep annotation", () => {
    expect(prometheusOperatorCrds(cfg("dev"))).toEqual({ crds: { annotations: {}, ...ALL_CRDS } });
  });
  it("prod: every CRD kept on uninstall", () => {
    expect(prometheusOperatorCrds(cfg("prod"))).toEqual({ crds: { annotations: { "helm.sh/resource-policy": "keep" }, ...ALL_CRDS } });
  });
});

describe("opentelemetryOperator", () => {
  it("dev, self-generated certificate: exactly", () => {
    expect(withoutSecurity("opentelemetryOperator", opentelemetryOperator(cfg("dev"), CTX))).toEqual({
      fullnameOverride: "observer-otel-operator",
      replicaCount: 1,
      pdb: { create: false, minAvailable: 1 },
      crds: { create: true, annotations: {} },
      manager: {
        image: { repository: "ghcr.io/open-telemetry/opentelemetry-operator/opentelemetry-operator" },
        collectorImage: { repository: "ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib", tag: "0.158.0" },
        createRbacPermissions: false,
        resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        serviceMonitor: { enabled: true, extraLabels: LABELS },
      },
      testFramework: { image: { repository: "busybox" } },
      admissionWebhooks: {
        certManager: { enabled: false },
        autoGenerateCert: { enabled: true, recreate: false, certPeriodDays: 1826 },
        secretName: "observer-otel-operator-webhook-cert-2026",
        secretAnnotations: { "helm.sh/hook": null, "helm.sh/hook-delete-policy": null },
        namespaceSelector: { matchExpressions: [{ key: "observer.datalayer.io/bypass-opentelemetry-webhooks", operator: "DoesNotExist" }] },
      },
    });
  });

  it("self-signed certificate: the Secret is named after the UTC year, so the first deployment of a year renews it", () => {
    const secretAt = (iso: string) => (opentelemetryOperator(cfg("dev"), { now: new Date(iso) }).admissionWebhooks as { secretName: string }).secretName;
    expect(secretAt("2026-01-01T00:00:00Z")).toBe("observer-otel-operator-webhook-cert-2026");
    expect(secretAt("2026-12-31T23:59:59Z")).toBe("observer-otel-operator-webhook-cert-2026");
    expect(secretAt("2027-01-01T00:00:00Z")).toBe("observer-otel-operator-webhook-cert-2027");
    // A rotation label renames it now (a new certificate at the next deployment).
    const rotated = { ...cfg("dev"), operator: { webhookCertificate: { source: "self-signed" as const, rotation: "2" } } };
    expect((opentelemetryOperator(rotated, CTX).admissionWebhooks as { secretName: string }).secretName).toBe("observer-otel-operator-webhook-cert-2026-2");
  });

  it("cert-manager: cert-manager on, self-generated off", () => {
    expect(opentelemetryOperator(cfg("devCertManager"), CTX).admissionWebhooks).toEqual({
      certManager: { enabled: true, issuerRef: { name: "internal-ca", kind: "ClusterIssuer" } },
      autoGenerateCert: { enabled: false },
      namespaceSelector: { matchExpressions: [{ key: "observer.datalayer.io/bypass-opentelemetry-webhooks", operator: "DoesNotExist" }] },
    });
    expect(opentelemetryOperator(cfg("prodFull"), CTX).admissionWebhooks).toEqual({
      certManager: { enabled: true, issuerRef: { name: "internal-ca", kind: "Issuer" } },
      autoGenerateCert: { enabled: false },
      namespaceSelector: { matchExpressions: [{ key: "observer.datalayer.io/bypass-opentelemetry-webhooks", operator: "DoesNotExist" }] },
    });
    // cert-manager without an issuer: the chart's own self-signed Issuer.
    expect(opentelemetryOperator({ ...cfg("dev"), operator: { webhookCertificate: { source: "cert-manager" } } }, CTX).admissionWebhooks).toEqual({
      certManager: { enabled: true },
      autoGenerateCert: { enabled: false },
      namespaceSelector: { matchExpressions: [{ key: "observer.datalayer.io/bypass-opentelemetry-webhooks", operator: "DoesNotExist" }] },
    });
  });

  it("prod: 2 replicas with a PDB, CRDs kept; mirror rewrites every image", () => {
    const v = withoutSecurity("opentelemetryOperator", opentelemetryOperator(cfg("prodFull"), CTX)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(v.replicaCount).toBe(2);
    expect(v.pdb).toEqual({ create: true, minAvailable: 1 });
    expect(v.crds).toEqual({ create: true, annotations: { "helm.sh/resource-policy": "keep" } });
    expect(v.manager.image).toEqual({ repository: "registry.example.com/mirror/open-telemetry/opentelemetry-operator/opentelemetry-operator" });
    expect(v.manager.collectorImage).toEqual({
      repository: "registry.example.com/mirror/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib",
      tag: "0.158.0",
    });
    expect(v.testFramework).toEqual({ image: { repository: "registry.example.com/mirror/library/busybox" } });
  });
});

describe("imageString (the image-mirror rule)", () => {
  const m = "mirror.local:5000/proxy";
  it("replaces a registry host, keeps the path; Docker Hub names get library/", () => {
    expect(imageString({ registry: "ghcr.io", repository: "a/b" }, m)).toBe("mirror.local:5000/proxy/a/b");
    expect(imageString({ repository: "grafana/loki" }, m)).toBe("mirror.local:5000/proxy/grafana/loki");
    expect(imageString({ repository: "busybox" }, m)).toBe("mirror.local:5000/proxy/library/busybox");
    expect(imageString({ registry: "ghcr.io", repository: "a/b" })).toBe("ghcr.io/a/b");
    expect(imageString({ repository: "busybox" })).toBe("busybox");
  });
  it("keeps the tag, and a mirror's trailing slash does not double", () => {
    expect(imageString({ registry: "ghcr.io", repository: "a/b", tag: "1.2" }, `${m}/`)).toBe("mirror.local:5000/proxy/a/b:1.2");
    expect(imageString({ registry: "docker.io", repository: "curlimages/curl", tag: "8.11.1" })).toBe("docker.io/curlimages/curl:8.11.1");
  });
});

describe("chartValues", () => {
  it("installs tempo or tempo-distributed, never both; CRD chart only when managed", () => {
    const dev = chartValues(cfg("dev"), CTX);
    expect([dev.tempo !== undefined, dev.tempoDistributed !== undefined, dev.prometheusOperatorCrds !== undefined]).toEqual([true, false, true]);
    const kafka = chartValues(cfg("prodKafka"), CTX);
    expect([kafka.tempo !== undefined, kafka.tempoDistributed !== undefined]).toEqual([false, true]);
    const external = chartValues({ ...cfg("dev"), crds: { prometheus: "external" } }, CTX);
    expect(external.prometheusOperatorCrds).toBeUndefined();
  });
});

describe("deepMerge", () => {
  it("merges plain objects, replaces lists and scalars, ignores undefined, mutates nothing", () => {
    const base = { a: { b: 1, c: [1, 2] }, d: "x" };
    const overlay = { a: { c: [3], e: { f: true } }, d: undefined, g: null };
    expect(deepMerge(base, overlay)).toEqual({ a: { b: 1, c: [3], e: { f: true } }, d: "x", g: null });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: "x" });
  });
  it("keeps class instances (Pulumi Outputs) whole", () => {
    class Box {
      constructor(readonly v: number) {}
    }
    const box = new Box(1);
    expect(deepMerge({ a: { b: 1 } }, { a: box }).a).toBe(box);
  });
});
