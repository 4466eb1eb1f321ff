/**
 * The NetworkPolicies of our namespace as resources: a thin ComponentResource over the pure
 * {@link buildNetworkPolicies} (default deny plus one allow policy per flow; see ./network-policies.ts
 * and the README's flows table).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkPolicyConfig } from "./config";
import { pluginMirrorEgress } from "../grafana/plugins";
import { buildNetworkPolicies, kafkaEgress } from "./network-policies";

export interface NetworkPoliciesArgs {
  /** The resolved config's parts this needs (pass the whole ObserverConfig: it has all of them). */
  readonly config: {
    readonly namespace: string;
    readonly networkPolicy: NetworkPolicyConfig;
    readonly grafana: { readonly ingress: { readonly enabled: boolean }; readonly plugins?: readonly { readonly url: string }[] };
    /** With both (prod and `tempo.kafka`), tempo-distributed gets egress to the Kafka brokers' ports. */
    readonly profile?: "dev" | "prod";
    readonly tempo?: { readonly kafka?: { readonly address: string } };
  };
  /**
   * Object storage Loki and Tempo reach in scalable modes (endpoint CIDRs and ports).
   * @default none (no object-storage egress)
   */
  readonly objectStorage?: { readonly cidrs: readonly string[]; readonly ports: readonly number[] };
  /**
   * Labels set on every NetworkPolicy (the common labels).
   * @default {}
   */
  readonly labels?: Record<string, string>;
  /**
   * Resources the policies wait for, typically the Namespace.
   * @default []
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class NetworkPolicies extends pulumi.ComponentResource {
  /** Fixed names of the NetworkPolicies created (empty when `networkPolicy.enabled` is false). */
  public readonly policyNames: string[];

  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observer:security:NetworkPolicies", name, {}, opts);
    const kafka = args.config.profile !== undefined && args.config.tempo !== undefined ? kafkaEgress({ profile: args.config.profile, tempo: args.config.tempo }) : undefined;
    const pluginMirror = pluginMirrorEgress({ grafana: { plugins: args.config.grafana.plugins ?? [] } });
    const policies = buildNetworkPolicies({
      namespace: args.config.namespace,
      config: args.config.networkPolicy,
      grafanaIngress: args.config.grafana.ingress.enabled,
      ...(args.objectStorage ? { objectStorage: args.objectStorage } : {}),
      ...(kafka ? { kafka } : {}),
      ...(pluginMirror ? { pluginMirror } : {}),
      labels: args.labels ?? {},
    });
    for (const p of policies) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${p.metadata.name}`,
        { metadata: p.metadata, spec: p.spec },
        { parent: this, dependsOn: args.dependsOn ?? [] },
      );
    }
    this.policyNames = policies.map((p) => p.metadata.name);
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
