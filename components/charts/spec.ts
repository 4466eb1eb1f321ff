/**
 * A chart, described once. Its pin is in components/versions.ts and its release name in components/endpoints.ts
 * (RELEASES); its file in this folder exports its values builder and a {@link ChartSpec}, registered in ./index.ts.
 * Everything else is derived from the specs: the Helm release and its place in the stages (components/observer.ts),
 * the Secrets it waits for, its timeout, the `observer:charts.<key>` config keys and their documentation, and the
 * one-Observer-per-cluster pre-flight's table (components/lifecycle/install-conflicts.ts). The recipe is in
 * docs/development.md.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ObserverConfig } from "../config";

/** The inputs of the values that are not config. */
export interface ChartContext {
  /** Checksum of the Grafana admin Secret's data: a change restarts Grafana (pod annotation). */
  readonly grafanaAdminChecksum: pulumi.Input<string>;
  /** The time of this deployment: the operator's self-signed webhook certificate is renewed every calendar year. */
  readonly now: Date;
}

/** The Kubernetes Secrets Observer creates for the releases (components/charts/secrets.ts, components/alerting). */
export type ChartSecret = "grafanaAdmin" | "alertingReceivers" | "remoteWrite" | "objectStorage";

/** A cluster-scoped object a release creates with a fixed name. */
export interface ClusterScopedObject {
  readonly kind: "ClusterRole" | "ClusterRoleBinding" | "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration" | "CustomResourceDefinition";
  readonly name: string;
}

export interface ChartSpec {
  /**
   * 1: installed first, alone (the Prometheus Operator CRDs, which everything else writes objects of); 2: after
   * stage 1, every stage-2 release in parallel.
   */
  readonly stage: 1 | 2;
  /** The values builder (pure). */
  readonly values: (cfg: ObserverConfig, ctx: ChartContext) => Record<string, unknown>;
  /** Whether this config installs the chart. @default always */
  readonly installed?: (cfg: ObserverConfig) => boolean;
  /** {@link installed} in words, for the config reference (`installed …`). @default nothing said */
  readonly installedWhen?: string;
  /**
   * Seconds Helm waits for the release's workloads to be ready, sized for a cold cluster pulling every image for the
   * first time (pulumi-kubernetes' default, 300 s, is too short: pulumi-kubernetes#2921).
   */
  readonly timeoutSeconds: number;
  /** The Secrets the release reads: it waits for those this config creates. @default none */
  readonly secrets?: readonly ChartSecret[];
  /** Skip the chart's crds/ directory (Helm never upgrades it; the CRDs come from stage 1). @default false */
  readonly skipCrds?: boolean;
  /**
   * The release owns CRDs whose objects carry its operator's finalizers: the finalizer hook runs before it is
   * deleted (components/lifecycle/finalizers.ts). @default false
   */
  readonly ownsFinalizers?: boolean;
  /**
   * Every cluster-scoped object the release renders with our values: another install holding one of them is refused
   * before anything is created (components/lifecycle/install-conflicts.ts). tests/contract/cluster-scoped.test.ts
   * checks the list against `helm template` of the pinned chart. @default none
   */
  readonly clusterScoped?: readonly ClusterScopedObject[];
}
