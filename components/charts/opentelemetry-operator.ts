/**
 * Values for opentelemetry-operator 0.122.0 (operator 0.158.0), pure.
 *
 * CRDs from the chart itself (`crds.create: true`: templates carrying the collector conversion webhook,
 * upgraded with the chart; kept on uninstall in prod), webhook `failurePolicy` left at `Fail` (our CRs are
 * ordered after the release instead), the contrib collector image (it has the components our pipelines use), and
 * no RBAC created by the operator for collectors (`manager.createRbacPermissions: false`: components/collectors
 * owns it).
 *
 * The webhook certificate ({@link webhookCertificateValues}). Every collector and Instrumentation write and every
 * conversion of a collector goes through the operator's webhooks, so an expired certificate stops the stack from
 * being changed and auto-instrumentation (failurePolicy Ignore) from being injected, silently. The chart generates
 * a CA and certificate valid `certPeriodDays` (365 by default) and, with `recreate: false`, reuses them forever:
 * a year later everything fails. It issues new ones only when `recreate` is true or when no Secret of the
 * configured name exists (templates/_helpers.tpl `WebhookCert`, a `lookup` of `admissionWebhooks.secretName`).
 * So, without cert-manager, the Secret is named after the calendar year ({@link webhookCertSecretName}): the first
 * `pulumi up` of each year renames it, the chart finds no Secret of that name and issues a fresh certificate, valid
 * {@link WEBHOOK_CERT_VALIDITY_DAYS} days; every other up in that year reuses it. A certificate therefore always has
 * four years left when its successor is due, however rarely `pulumi up` runs. The Secret is an ordinary release
 * object (not the chart's default pre-install hook), so Helm deletes last year's when this year's replaces it; the
 * operator Deployment mounts the new name, so its pods restart onto the new certificate while the webhook
 * configurations and the conversion webhook switch to the new CA in the same upgrade. With cert-manager
 * (`operator.webhookCertificate.source`), the chart's Certificate is issued and renewed by cert-manager and its
 * cainjector keeps every caBundle current.
 */
import type { ObserverConfig } from "../config";
import { RELEASES } from "../endpoints";
import { IMAGES, imageString } from "../versions";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../security/pod-security";
import { replicas, resources } from "../sizing";
import { keepAnnotations, monitorLabels } from "./common";
import { WEBHOOK_BYPASS_LABEL } from "../labels";
import type { ChartContext, ChartSpec, ClusterScopedObject } from "./spec";

/** The non-root ids of its pods: the chart's own defaults for each image (volumes keep their ownership). */
const IDS = {
  /** opentelemetry-operator `securityContext` (distroless nonroot). */
  opentelemetryOperator: { runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 },
} as const;

/** Validity of the chart-generated webhook CA and certificate: five years (`certPeriodDays`). */
const WEBHOOK_CERT_VALIDITY_DAYS = 1826;

/**
 * The chart-generated certificate's Secret in the year of `now` (UTC): `observer-otel-operator-webhook-cert-2026`,
 * or with `operator.webhookCertificate.rotation` appended (`…-2026-2`): a new name makes the chart issue a new
 * certificate.
 */
function webhookCertSecretName(now: Date, rotation?: string): string {
  return `${RELEASES.opentelemetryOperator.fullname}-webhook-cert-${now.getUTCFullYear()}${rotation !== undefined ? `-${rotation}` : ""}`;
}

/** The chart's `admissionWebhooks` block: the chart's own certificate, renewed yearly, or cert-manager's. */
function webhookCertificateValues(cfg: ObserverConfig, ctx: Pick<ChartContext, "now">): Record<string, unknown> {
  const w = cfg.operator.webhookCertificate;
  if (w.source === "cert-manager") {
    return {
      // Without an issuer, the chart creates a self-signed Issuer for its Certificate.
      certManager: { enabled: true, ...(w.issuer !== undefined ? { issuerRef: { name: w.issuer.name, kind: w.issuer.kind } } : {}) },
      autoGenerateCert: { enabled: false },
    };
  }
  return {
    certManager: { enabled: false },
    autoGenerateCert: { enabled: true, recreate: false, certPeriodDays: WEBHOOK_CERT_VALIDITY_DAYS },
    secretName: webhookCertSecretName(ctx.now, w.rotation),
    // An ordinary release object instead of the chart's pre-install/pre-upgrade hook: Helm then deletes the previous
    // year's Secret (a hook would be left behind with its private key). `null` removes the chart's default keys
    // (Helm's rule; the kubernetes provider passes explicit nulls in `values` to Helm since 4.30, pulumi-kubernetes#4293).
    secretAnnotations: { "helm.sh/hook": null, "helm.sh/hook-delete-policy": null },
  };
}

export function opentelemetryOperator(cfg: ObserverConfig, ctx: Pick<ChartContext, "now">): Record<string, unknown> {
  const p = cfg.profile;
  const n = replicas(p, "opentelemetry-operator");
  const m = cfg.images.mirror;
  return {
    fullnameOverride: RELEASES.opentelemetryOperator.fullname,
    replicaCount: n,
    pdb: { create: n > 1, minAvailable: 1 },
    crds: { create: true, annotations: keepAnnotations(p) },
    // Pod context of the operator and of the helm-test pods; the manager writes nothing (its webhook
    // certificate is a read-only Secret mount).
    securityContext: restrictedPodSecurityContext(IDS.opentelemetryOperator),
    manager: {
      image: { repository: imageString(IMAGES.opentelemetryOperator, m) },
      collectorImage: {
        repository: imageString({ registry: IMAGES.collectorContrib.registry, repository: IMAGES.collectorContrib.repository }, m),
        tag: IMAGES.collectorContrib.tag,
      },
      createRbacPermissions: false,
      resources: resources(p, "opentelemetry-operator/manager"),
      securityContext: restrictedContainerSecurityContext(),
      serviceMonitor: { enabled: true, extraLabels: monitorLabels() },
    },
    // helm-test pods only (`helm test`; never run by `pulumi up`): their image follows the mirror too.
    testFramework: { image: { repository: imageString(IMAGES.opentelemetryOperatorTest, m) }, securityContext: restrictedContainerSecurityContext() },
    admissionWebhooks: {
      ...webhookCertificateValues(cfg, ctx),
      // Every webhook skips a namespace carrying the bypass label: the destroy hooks set it for the one patch
      // that removes the operator's finalizer when the webhook cannot be called (components/lifecycle/finalizers.ts).
      namespaceSelector: { matchExpressions: [{ key: WEBHOOK_BYPASS_LABEL, operator: "DoesNotExist" }] },
    },
  };
}

export const opentelemetryOperatorChart: ChartSpec = {
  stage: 2,
  values: opentelemetryOperator,
  timeoutSeconds: 600,
  ownsFinalizers: true,
  clusterScoped: [
    { kind: "ClusterRole", name: `${RELEASES.opentelemetryOperator.fullname}-manager` },
    { kind: "ClusterRole", name: `${RELEASES.opentelemetryOperator.fullname}-metrics` },
    { kind: "ClusterRoleBinding", name: `${RELEASES.opentelemetryOperator.fullname}-manager` },
    { kind: "MutatingWebhookConfiguration", name: `${RELEASES.opentelemetryOperator.fullname}-mutation` },
    { kind: "ValidatingWebhookConfiguration", name: `${RELEASES.opentelemetryOperator.fullname}-validation` },
    ...["instrumentations", "opampbridges", "opentelemetrycollectors", "targetallocators"].map(
      (plural): ClusterScopedObject => ({ kind: "CustomResourceDefinition", name: `${plural}.opentelemetry.io` }),
    ),
  ],
};
