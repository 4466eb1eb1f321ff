/**
 * Values for opentelemetry-operator 0.122.0 (operator 0.158.0), pure.
 *
 * CRDs from the chart itself (`crds.create: true`: templates carrying the collector conversion webhook,
 * upgraded with the chart; kept on uninstall in prod), webhook `failurePolicy` left at `Fail` (our CRs are
 * ordered after the release instead), a self-generated webhook certificate that is not regenerated on
 * every upgrade (`autoGenerateCert.recreate: false`), cert-manager only when `operator.certManagerIssuer`
 * is set, the contrib collector image (it has the components our pipelines use), and no RBAC created by
 * the operator for collectors (`manager.createRbacPermissions: false`: components/collectors owns it).
 */
import type { ObserverConfig } from "../config";
import { RELEASES } from "../endpoints";
import { IMAGES, imageString } from "../versions";
import { restrictedContainerSecurityContext } from "../security/pod-security";
import { replicas, resources } from "../sizing";
import { keepAnnotations, monitorLabels } from "./common";
import { WEBHOOK_BYPASS_LABEL } from "../labels";
import { podSecurity } from "./security";

export function opentelemetryOperator(cfg: ObserverConfig): Record<string, unknown> {
  const p = cfg.profile;
  const issuer = cfg.operator.certManagerIssuer;
  const n = replicas(p, "opentelemetry-operator");
  const m = cfg.images.mirror;
  return {
    fullnameOverride: RELEASES.opentelemetryOperator.fullname,
    replicaCount: n,
    pdb: { create: n > 1, minAvailable: 1 },
    crds: { create: true, annotations: keepAnnotations(p) },
    // Pod context of the operator and of the helm-test pods; the manager writes nothing (its webhook
    // certificate is a read-only Secret mount).
    securityContext: podSecurity("opentelemetryOperator"),
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
      certManager: issuer !== undefined ? { enabled: true, issuerRef: { name: issuer.name, kind: issuer.kind } } : { enabled: false },
      autoGenerateCert: { enabled: issuer === undefined, recreate: false },
      // Every webhook skips a namespace carrying the bypass label: the destroy hooks set it for the one patch
      // that removes the operator's finalizer when the webhook cannot be called (components/lifecycle/finalizers.ts).
      namespaceSelector: { matchExpressions: [{ key: WEBHOOK_BYPASS_LABEL, operator: "DoesNotExist" }] },
    },
  };
}
