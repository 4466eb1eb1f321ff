/**
 * The NetworkPolicies of our namespace as resources: a thin ComponentResource over the pure
 * {@link buildNetworkPolicies} (default deny plus one allow policy per flow; see ./network-policies.ts
 * and the flows table of docs/network-policies.md) and, with `networkPolicy.cni: cilium`, {@link buildCiliumNetworkPolicies}.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkPolicyConfig } from "./config";
import { pluginMirrorEgress } from "../grafana/plugins";
import { buildCiliumNetworkPolicies, buildNetworkPolicies, kafkaEgress } from "./network-policies";

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
   * Object storage Loki and Tempo reach in scalable modes: its ports, at any address (`objectStorageEgress`).
   * @default none (no object-storage egress)
   */
  readonly objectStorage?: { readonly ports: readonly number[] };
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
  /**
   * Fixed names of the NetworkPolicies, then of the CiliumNetworkPolicies, created (empty when
   * `networkPolicy.enabled` is false).
   */
  public readonly policyNames: string[];

  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observer:security:NetworkPolicies", name, {}, opts);
    const kafka = args.config.profile !== undefined && args.config.tempo !== undefined ? kafkaEgress({ profile: args.config.profile, tempo: args.config.tempo }) : undefined;
    const pluginMirror = pluginMirrorEgress({ grafana: { plugins: args.config.grafana.plugins ?? [] } });
    const inputs = {
      namespace: args.config.namespace,
      config: args.config.networkPolicy,
      grafanaIngress: args.config.grafana.ingress.enabled,
      ...(args.objectStorage ? { objectStorage: args.objectStorage } : {}),
      ...(kafka ? { kafka } : {}),
      ...(pluginMirror ? { pluginMirror } : {}),
      labels: args.labels ?? {},
    };
    const policies = buildNetworkPolicies(inputs);
    const cilium = buildCiliumNetworkPolicies(inputs);
    for (const p of policies) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${p.metadata.name}`,
        { metadata: p.metadata, spec: p.spec },
        { parent: this, dependsOn: args.dependsOn ?? [] },
      );
    }
    // A flow may have both kinds under one name (e.g. an ingress controller's pods and its Cilium entities).
    for (const p of cilium) {
      new k8s.apiextensions.CustomResource(
        `${name}-cilium-${p.metadata.name}`,
        { apiVersion: p.apiVersion, kind: p.kind, metadata: p.metadata, spec: p.spec },
        { parent: this, dependsOn: args.dependsOn ?? [] },
      );
    }
    this.policyNames = [...policies, ...cilium].map((p) => p.metadata.name);
    this.registerOutputs({ policyNames: this.policyNames });
  }
}
