/**
 * The root component: the whole stack in three stages, ordered by explicit `dependsOn`.
 *
 *   namespace
 *     └─ stage 1  Prometheus Operator CRDs (prometheus-operator-crds release, or a check that they exist)
 *          └─ stage 2  four Helm releases in parallel, each depending on stage 1 only:
 *                      kube-prometheus-stack · Loki · Tempo · OpenTelemetry Operator (its CRDs are templates)
 *               └─ stage 3  custom resources, each depending on the release(s) serving its CRD:
 *                           collectors, Instrumentations (operator) · monitors, rules (CRDs + kube-prometheus-stack)
 *                           · dashboards (kube-prometheus-stack's Grafana sidecar)
 *
 * Deletion runs the graph backwards: CRs go while the operator still runs, the namespace last (dev).
 */
import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ObserverConfig } from "./config";
import { RELEASES } from "./endpoints";
import { commonLabels } from "./labels";
import { kernelsPodMonitor } from "./monitors";
import { releaseArgs } from "./release";
import type { ChartKey } from "./versions";
import { NetworkPolicies } from "./security/network-policies-component";
import { objectStorageEgress } from "./security/network-policies";
import { namespacePodSecurityLabels } from "./security/pod-security";
import { Dashboards } from "./grafana";
import { Collectors } from "./collectors";
import { Alerting } from "./alerting";
import { CHART_SPECS, chartValues } from "./charts";
import type { ChartSecret } from "./charts/spec";
import { RULE_SELECTOR_LABELS } from "./charts/kube-prometheus-stack";
import {
  GRAFANA_ADMIN_KEYS,
  GRAFANA_ADMIN_SECRET,
  OBJECT_STORAGE_SECRET,
  REMOTE_WRITE_SECRET,
  objectStorageSecretData,
  remoteWriteSecretData,
} from "./charts/secrets";

/** CRDs kube-prometheus-stack and our stage-3 objects need; checked when `crds.prometheus: external`. */
const REQUIRED_PROMETHEUS_CRDS = [
  "alertmanagerconfigs.monitoring.coreos.com",
  "alertmanagers.monitoring.coreos.com",
  "podmonitors.monitoring.coreos.com",
  "probes.monitoring.coreos.com",
  "prometheuses.monitoring.coreos.com",
  "prometheusrules.monitoring.coreos.com",
  "scrapeconfigs.monitoring.coreos.com",
  "servicemonitors.monitoring.coreos.com",
] as const;

/** Hooks built by index.ts (they need the live runtime); optional so tests can omit them. */
export interface ObserverHooks {
  /** Runs before the namespace (the first object) is created: refuses a second Observer on the cluster. */
  readonly beforeCreateNamespace?: pulumi.ResourceHook;
  /** Runs before the Prometheus CRD release is created: refuses CRDs owned by someone else. */
  readonly beforeCreateCrds?: pulumi.ResourceHook;
  /**
   * `crds.prometheus: external`: runs before each stage-2 release is created or updated: refuses CRDs too old to
   * serve the fields Observer sets (components/lifecycle/preflight.ts).
   */
  readonly checkExternalCrds?: pulumi.ResourceHook;
  /** Runs before each OpenTelemetry CR is deleted. */
  readonly beforeDeleteOpenTelemetryCR?: pulumi.ResourceHook;
  /** Runs before the operator release (owner of the OpenTelemetry CRDs) is deleted. */
  readonly beforeDeleteOperator?: pulumi.ResourceHook;
}

export interface ObserverArgs {
  /** The parsed, validated config (components/config.ts). */
  readonly config: ObserverConfig;
  /**
   * Identity of this stack, put in the `observer.datalayer.io/stack` label of everything we create.
   * @default "observer.dev"
   */
  readonly stack?: string;
  /** Lifecycle hooks. @default none */
  readonly hooks?: ObserverHooks;
  /**
   * The time of this deployment (the operator's self-signed webhook certificate is renewed every calendar year).
   * @default the current time
   */
  readonly now?: Date;
}

export class Observer extends pulumi.ComponentResource {
  /** The namespace everything lives in. */
  public readonly namespace: pulumi.Output<string>;
  /** Grafana's admin user name. */
  public readonly grafanaAdminUser: pulumi.Output<string>;
  /** Grafana's admin password (secret). */
  public readonly grafanaAdminPassword: pulumi.Output<string>;

  constructor(name: string, args: ObserverArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observer:index:Observer", name, {}, opts);
    const cfg = args.config;
    const prod = cfg.profile === "prod";
    const labels = commonLabels(args.stack ?? "observer.dev");

    // The namespace: kept in prod (it holds the PVCs of Prometheus, Loki, Tempo, Alertmanager);
    // in dev everything depends on it, so it is deleted last. Its Pod Security labels admit node exporter and the
    // log agent and warn/audit at restricted (components/security/pod-security.ts).
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: cfg.namespace, labels: { ...labels, ...namespacePodSecurityLabels() } } },
      {
        parent: this,
        retainOnDelete: prod,
        ...(args.hooks?.beforeCreateNamespace ? { hooks: { beforeCreate: [args.hooks.beforeCreateNamespace] } } : {}),
      },
    );

    // NetworkPolicies first: default deny plus the flows the stack needs (docs/network-policies.md).
    new NetworkPolicies(
      `${name}-network-policies`,
      {
        config: cfg,
        ...(cfg.objectStorage ? { objectStorage: objectStorageEgress(cfg.objectStorage) } : {}),
        labels,
        dependsOn: [namespace],
      },
      { parent: this },
    );

    // ---- Credentials: Kubernetes Secrets, created before the releases that read them ----------
    const password = new random.RandomPassword(
      `${name}-grafana-admin-password`,
      { length: 32, special: false },
      { parent: this, additionalSecretOutputs: ["result"] },
    );
    const adminSecret = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: GRAFANA_ADMIN_SECRET, namespace: cfg.namespace, labels },
        type: "Opaque",
        stringData: { [GRAFANA_ADMIN_KEYS.user]: cfg.grafana.adminUser, [GRAFANA_ADMIN_KEYS.password]: password.result },
      },
      { parent: this, dependsOn: [namespace] },
    );
    // A checksum restarts Grafana when the password changes. A SHA-256 of 32 random characters
    // reveals nothing, so it is not secret (keeping the release's values readable in diffs).
    const adminChecksum = pulumi.unsecret(password.result.apply((p) => crypto.createHash("sha256").update(p).digest("hex")));

    const secret = (suffix: string, secretName: string, data: Record<string, pulumi.Input<string>> | undefined) =>
      data === undefined
        ? []
        : [
            new k8s.core.v1.Secret(
              `${name}-${suffix}`,
              { metadata: { name: secretName, namespace: cfg.namespace, labels }, type: "Opaque", stringData: pulumi.secret(data) },
              { parent: this, dependsOn: [namespace] },
            ),
          ];
    /** Loki's and Tempo's object-store credentials (environment variables, expanded in their configs). */
    const objectStorageSecret = secret("object-storage", OBJECT_STORAGE_SECRET, objectStorageSecretData(cfg));
    /** Prometheus' remote-write credentials. */
    const remoteWriteSecret = secret("remote-write", REMOTE_WRITE_SECRET, remoteWriteSecretData(cfg));

    // Every release's values (pure builders, components/charts/).
    // `now`: the operator's self-signed webhook certificate is renewed by the first deployment of each year.
    const values = chartValues(cfg, { grafanaAdminChecksum: adminChecksum, now: args.now ?? new Date() });
    // The Secrets a release waits for (ChartSpec.secrets). The receivers Secret is Alerting's, created after stage 1
    // (its rules need the CRDs), so only stage 2 can wait for it.
    const secrets: Record<ChartSecret, pulumi.Resource[]> = {
      grafanaAdmin: [adminSecret],
      alertingReceivers: [],
      remoteWrite: remoteWriteSecret,
      objectStorage: objectStorageSecret,
    };
    const installed = (stage: 1 | 2) =>
      (Object.keys(CHART_SPECS) as ChartKey[]).filter((key) => CHART_SPECS[key].stage === stage && values[key] !== undefined);
    const release = (key: ChartKey, dependsOn: pulumi.Input<pulumi.Resource>[], hooks: pulumi.ResourceHookBinding) =>
      new k8s.helm.v3.Release(`${name}-${RELEASES[key].name}`, releaseArgs(key, cfg, values[key]!), {
        parent: this,
        dependsOn: [...dependsOn, ...(CHART_SPECS[key].secrets ?? []).flatMap((s) => secrets[s])],
        ...(Object.keys(hooks).length > 0 ? { hooks } : {}),
      });

    // ---- Stage 1: Prometheus Operator CRDs ------------------------------------------------------
    // Managed: the CRD release (charts/prometheus-operator-crds.ts). External: installed by someone else; reading
    // each one fails the preview if it is missing (their schemas are checked by the `checkExternalCrds` hook of each
    // stage-2 release).
    const crds: pulumi.Resource[] =
      installed(1).length > 0
        ? installed(1).map((key) => release(key, [namespace], args.hooks?.beforeCreateCrds ? { beforeCreate: [args.hooks.beforeCreateCrds] } : {}))
        : REQUIRED_PROMETHEUS_CRDS.map((crd) =>
            k8s.apiextensions.v1.CustomResourceDefinition.get(`${name}-crd-${crd.split(".")[0]}`, crd, { parent: this }),
          );

    // Alerting: its receivers Secret must exist before Alertmanager starts (kube-prometheus-stack waits
    // for it), while its PrometheusRules need kube-prometheus-stack: the release is handed over as a promise.
    let kubePrometheusStackCreated!: (r: pulumi.Resource) => void;
    const kubePrometheusStackPromise = new Promise<pulumi.Resource>((resolve) => (kubePrometheusStackCreated = resolve));
    const alerting = new Alerting(
      `${name}-alerting`,
      {
        config: cfg,
        labels,
        ruleSelectorLabels: RULE_SELECTOR_LABELS,
        secretDependsOn: [namespace],
        dependsOn: [...crds, kubePrometheusStackPromise],
      },
      { parent: this },
    );
    secrets.alertingReceivers = [alerting.receiversSecret];

    // ---- Stage 2: the releases, in parallel, each depending on stage 1 (and its Secrets) only ----
    // External CRDs: every release writes monitoring.coreos.com objects, so each is checked first (one shared read).
    const crdCheck: pulumi.ResourceHookBinding =
      installed(1).length === 0 && args.hooks?.checkExternalCrds
        ? { beforeCreate: [args.hooks.checkExternalCrds], beforeUpdate: [args.hooks.checkExternalCrds] }
        : {};
    const releases = Object.fromEntries(
      installed(2).map((key) => [
        key,
        release(key, [namespace, ...crds], {
          ...crdCheck,
          ...(CHART_SPECS[key].ownsFinalizers && args.hooks?.beforeDeleteOperator ? { beforeDelete: [args.hooks.beforeDeleteOperator] } : {}),
        }),
      ]),
    ) as Partial<Record<ChartKey, k8s.helm.v3.Release>>;
    const kubePrometheusStack = releases.kubePrometheusStack!;
    kubePrometheusStackCreated(kubePrometheusStack);

    // ---- Stage 3: custom resources, each depending on the release serving its CRD -------------
    const monitoringReady = [...crds, kubePrometheusStack];

    // Instrumentation CRs must live in the pods' namespaces. Those we do not own (the kernels') are
    // applied server-side as an upsert (created only if absent) and never deleted: other workloads live there.
    const instrumentationNamespaces = cfg.instrumentation.namespaces
      .filter((ns) => ns !== cfg.namespace)
      .map(
        (ns) =>
          // After ours: its beforeCreate hook (one Observer per cluster) runs before anything is created.
          new k8s.core.v1.Namespace(`${name}-namespace-${ns}`, { metadata: { name: ns } }, { parent: this, retainOnDelete: true, dependsOn: [namespace] }),
      );
    new Collectors(
      `${name}-collectors`,
      {
        config: cfg,
        operatorRelease: releases.opentelemetryOperator!,
        monitoringReady,
        labels,
        dependsOn: [namespace, ...instrumentationNamespaces],
        ...(args.hooks?.beforeDeleteOpenTelemetryCR ? { hooks: { beforeDelete: args.hooks.beforeDeleteOpenTelemetryCR } } : {}),
      },
      { parent: this },
    );
    new k8s.apiextensions.CustomResource(`${name}-kernels-podmonitor`, kernelsPodMonitor(cfg, labels), {
      parent: this,
      dependsOn: monitoringReady,
    });

    // Dashboards: ConfigMaps the Grafana sidecar of kube-prometheus-stack loads.
    new Dashboards(`${name}-dashboards`, { config: cfg, labels, dependsOn: [kubePrometheusStack] }, { parent: this });

    this.namespace = namespace.metadata.name;
    this.grafanaAdminUser = pulumi.output(cfg.grafana.adminUser);
    this.grafanaAdminPassword = pulumi.secret(password.result);
    this.registerOutputs({
      namespace: this.namespace,
      grafanaAdminUser: this.grafanaAdminUser,
      grafanaAdminPassword: this.grafanaAdminPassword,
    });
  }
}
