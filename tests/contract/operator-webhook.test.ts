/**
 * The OpenTelemetry Operator's webhook certificate, as opentelemetry-operator 0.122.0 renders it with our values
 * (tests/fixtures/rendered-facts.json: `helm template`; the certificate is the one the chart's `genCA`/`genSignedCert`
 * produced, read with node:crypto). Every collector and Instrumentation write goes through these webhooks
 * (failurePolicy Fail) and so does every read of a collector at another version (CRD conversion), so an expired
 * certificate stops the stack from being changed, and auto-instrumentation (failurePolicy Ignore) stops silently.
 *
 * When does the chart issue a new certificate? templates/_helpers.tpl `opentelemetry-operator.WebhookCert`: it
 * reuses the Secret named `admissionWebhooks.secretName` (`lookup`) unless `autoGenerateCert.recreate` is true or no
 * such Secret exists; otherwise `genCA`/`genSignedCert` with `certPeriodDays`. So a later `pulumi up` renews the
 * certificate exactly when its values ask for `recreate` or name another Secret. The renewal test below finds the
 * first day our values do that, and compares it with the rendered certificate's expiry.
 */
import { chartValues } from "../../components/charts/index";
import { parseConfig } from "../../components/config";
import { RELEASES } from "../../components/endpoints";
import { loadFacts, RENDER_CONTEXT, RENDER_NAMESPACE, VARIANT_RAW, type VariantName } from "../fixtures/facts";

const FACTS = loadFacts();
const DAY = 86_400_000;
const SELF_SIGNED: readonly VariantName[] = ["dev", "prod"];

interface AdmissionWebhooks {
  secretName?: string;
  certManager?: { enabled?: boolean };
  autoGenerateCert?: { enabled?: boolean; recreate?: boolean };
}

/** The operator chart's `admissionWebhooks` values the program passes at `now`. */
function webhookValues(v: VariantName, now: Date): AdmissionWebhooks {
  const cfg = parseConfig(JSON.parse(JSON.stringify(VARIANT_RAW[v])) as Record<string, unknown>);
  const ctx = { ...RENDER_CONTEXT, now };
  return (chartValues(cfg, ctx).opentelemetryOperator as { admissionWebhooks: AdmissionWebhooks }).admissionWebhooks;
}

/** The chart's default Secret name when `secretName` is empty (templates/_helpers.tpl). */
const DEFAULT_SECRET = `${RELEASES.opentelemetryOperator.fullname}-controller-manager-service-cert`;

/** Whether the chart issues a new certificate when upgraded with `next` after a release with `current`. */
function reissues(current: AdmissionWebhooks, next: AdmissionWebhooks): boolean {
  if (next.autoGenerateCert?.recreate !== false) return true; // the chart's default is true
  return (next.secretName || DEFAULT_SECRET) !== (current.secretName || DEFAULT_SECRET);
}

describe.each(SELF_SIGNED)("%s: the chart's own (self-signed) certificate", (v) => {
  const w = FACTS.variants[v].operatorWebhook!;
  const secret = w.secret!;

  it("is a certificate for the webhook Service, signed by the CA the API server is given", () => {
    expect(secret.signedByCa).toBe(true);
    expect(secret.dnsNames).toContain(`${RELEASES.opentelemetryOperator.fullname}-webhook.${RENDER_NAMESPACE}.svc`);
    expect(w.webhookConfigurations.length).toBeGreaterThan(0);
    expect(w.crdConversions.map((c) => c.name)).toContain("opentelemetrycollectors.opentelemetry.io");
    for (const t of [...w.webhookConfigurations, ...w.crdConversions]) expect([t.name, t.caBundleIsSecretCa]).toEqual([t.name, true]);
    expect(w.deploymentSecretVolumes).toEqual([secret.name]);
  });

  it("is an ordinary release object, not a Helm hook (Helm deletes a superseded certificate Secret)", () => {
    expect(secret.hook).toBeNull();
  });

  it("lives years, and a later `pulumi up` issues a new one long before it expires", () => {
    const issued = new Date(secret.notBefore);
    const expires = new Date(secret.notAfter);
    expect(new Date(secret.caNotAfter).getTime()).toBeGreaterThanOrEqual(expires.getTime());
    const lifetimeDays = (expires.getTime() - issued.getTime()) / DAY;
    expect(lifetimeDays).toBeGreaterThanOrEqual(4 * 365);
    // The release that issued it: our values at the time it was issued.
    const current = webhookValues(v, issued);
    // An up on the same day must keep it (no churn), and the first day a later up issues a new one.
    expect(reissues(current, webhookValues(v, issued))).toBe(false);
    let renewal: number | undefined;
    for (let d = 1; d <= lifetimeDays; d++) {
      if (reissues(current, webhookValues(v, new Date(issued.getTime() + d * DAY)))) {
        renewal = d;
        break;
      }
    }
    expect(renewal).toBeDefined();
    // However late in its generation the certificate was issued, the next one comes within a year, and any
    // `pulumi up` in the following three years still finds a valid certificate to replace.
    expect(renewal!).toBeLessThanOrEqual(366);
    expect(lifetimeDays - renewal!).toBeGreaterThanOrEqual(3 * 365);
  });
});

describe("prod-kafka: cert-manager (observer:operator.webhookCertificate.source)", () => {
  const w = () => FACTS.variants["prod-kafka"].operatorWebhook!;

  it("a cert-manager Certificate for the webhook Service, mounted by the operator; the chart generates nothing", () => {
    const c = w().certificate!;
    expect(c).toBeDefined();
    expect(w().secret).toBeUndefined();
    expect(c.dnsNames).toContain(`${RELEASES.opentelemetryOperator.fullname}-webhook.${RENDER_NAMESPACE}.svc`);
    expect(w().deploymentSecretVolumes).toEqual([c.secretName]);
  });

  it("every webhook and the collector conversion trust what cert-manager issues (cainjector)", () => {
    const c = w().certificate!;
    for (const t of [...w().webhookConfigurations, ...w().crdConversions]) {
      expect([t.name, t.injectCaFrom]).toEqual([t.name, `${RENDER_NAMESPACE}/${c.name}`]);
    }
  });

  it("the configured issuer signs it", () => {
    const issuer = (VARIANT_RAW["prod-kafka"] as { operator?: { webhookCertificate?: { issuer?: { name: string; kind?: string } } } }).operator?.webhookCertificate?.issuer;
    expect(issuer).toBeDefined();
    expect(w().certificate!.issuerRef).toEqual({ name: issuer!.name, kind: issuer!.kind ?? "ClusterIssuer" });
    expect(w().issuer).toBeUndefined();
  });
});
