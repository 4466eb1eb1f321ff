/**
 * Alerting: the PrometheusRules this program authors and the Secret holding every receiver credential.
 *
 * Thin: the rules come from ./rules.ts, the Alertmanager configuration (which goes into
 * kube-prometheus-stack's values, see ./values.ts) from ./alertmanager.ts.
 *
 * Ordering. Alertmanager mounts the receivers Secret (`alertmanagerSpec.secrets`), so the Secret must
 * exist before the kube-prometheus-stack release, while the PrometheusRules need that release (and the
 * CRD release). Hence two lists: `secretDependsOn` (the namespace) and `dependsOn` (CRDs and the release).
 * Construct Alerting before the release and hand it the release as a promise:
 * ```ts
 * let kpsReady!: (r: pulumi.Resource) => void;
 * const alerting = new Alerting(`${name}-alerting`, {
 *   config, labels, ruleSelectorLabels,
 *   secretDependsOn: [namespace],
 *   dependsOn: [...crds, new Promise<pulumi.Resource>((r) => (kpsReady = r))],
 * }, { parent: this });
 * const kps = new k8s.helm.v3.Release(..., { parent: this, dependsOn: [...stage2, alerting.receiversSecret] });
 * kpsReady(kps);
 * ```
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ObserverConfig } from "../config";
import { RECEIVERS_SECRET_NAME, receiverSecretData } from "./alertmanager";
import { RULE_OBJECTS, serviceSloRules, stackHealthRules, type PrometheusRuleSpec } from "./rules";

export interface AlertingArgs {
  /** The parsed, validated config (components/config.ts); `alerting` holds receivers, routes and SLOs. */
  readonly config: ObserverConfig;
  /**
   * What the PrometheusRules wait for: the Prometheus CRD release and kube-prometheus-stack
   * (a promise of a resource is accepted, see the module comment).
   * @default []
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
  /**
   * What the receivers Secret waits for: the namespace. Never kube-prometheus-stack, which waits for the Secret.
   * @default []
   */
  readonly secretDependsOn?: pulumi.Input<pulumi.Resource>[];
  /** Labels put on every object created (for example `commonLabels(stack)`). @default {} */
  readonly labels?: Record<string, string>;
  /** Labels Prometheus' `ruleSelector` matches; added to the PrometheusRules. @default {} */
  readonly ruleSelectorLabels?: Record<string, string>;
}

/** A PrometheusRule object (monitoring.coreos.com/v1). */
function prometheusRuleBody(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  spec: PrometheusRuleSpec,
): { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels: Record<string, string> }; spec: PrometheusRuleSpec } {
  return { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name, namespace, labels }, spec };
}

/** Every PrometheusRule this program authors, by object name. */
export function prometheusRuleBodies(cfg: ObserverConfig, labels: Record<string, string>): ReturnType<typeof prometheusRuleBody>[] {
  return [
    prometheusRuleBody(RULE_OBJECTS.stackHealth, cfg.namespace, labels, stackHealthRules(cfg)),
    prometheusRuleBody(RULE_OBJECTS.serviceSlos, cfg.namespace, labels, serviceSloRules(cfg)),
  ];
}

export class Alerting extends pulumi.ComponentResource {
  /** The Secret holding every receiver credential (name {@link RECEIVERS_SECRET_NAME}); kube-prometheus-stack must depend on it. */
  readonly receiversSecret: k8s.core.v1.Secret;
  /** The PrometheusRules (stack health; service SLOs). */
  readonly rules: k8s.apiextensions.CustomResource[];

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observer:alerting:Alerting", name, {}, opts);
    const cfg = args.config;
    const labels = { ...(args.labels ?? {}) };
    const ruleLabels = { ...labels, ...(args.ruleSelectorLabels ?? {}) };

    // Credentials stay Pulumi secrets: the values are secret Outputs, so the Secret's inputs are secret too.
    const data = receiverSecretData(cfg);
    this.receiversSecret = new k8s.core.v1.Secret(
      `${name}-receivers`,
      {
        metadata: { name: RECEIVERS_SECRET_NAME, namespace: cfg.namespace, labels },
        type: "Opaque",
        // No receiver configured: no stringData at all. An empty map is diffed against the live Secret on
        // every run and replaces it (pulumi-kubernetes#3538), which restarts Alertmanager each `up`.
        ...(Object.keys(data).length > 0 ? { stringData: pulumi.secret(data) } : {}),
      },
      { parent: this, dependsOn: args.secretDependsOn ?? [] },
    );

    const suffix: Record<string, string> = { [RULE_OBJECTS.stackHealth]: "stack-health", [RULE_OBJECTS.serviceSlos]: "service-slos" };
    this.rules = prometheusRuleBodies(cfg, ruleLabels).map(
      (body) =>
        new k8s.apiextensions.CustomResource(`${name}-${suffix[body.metadata.name]}`, body, {
          parent: this,
          dependsOn: args.dependsOn ?? [],
        }),
    );

    this.registerOutputs({ receiversSecret: this.receiversSecret, rules: this.rules });
  }
}
