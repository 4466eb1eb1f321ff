/**
 * `Collectors`: the telemetry pipelines as Kubernetes objects — ServiceAccounts and least-privilege
 * RBAC, the OTLP gateway and log agent (OpenTelemetryCollector CRs), Instrumentation CRs per
 * namespace, and the ServiceMonitors scraping the collectors' own metrics. Every body comes from
 * the pure builders beside this file; this component only wires them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ObserverConfig } from "../config";
import { COLLECTORS } from "../endpoints";
import { agentCollectorSpec } from "./agent";
import { collectorCRBody } from "./bodies";
import { SERVICE_ACCOUNTS } from "./common";
import { gatewayCollectorSpec } from "./gateway";
import { instrumentationBodies } from "./instrumentation";
import { collectorServiceMonitorBody } from "./monitors";
import { clusterRoleBindingBody, clusterRoleBody, serviceAccountBody } from "./rbac";

export interface CollectorsArgs {
  /** The parsed Observer configuration. */
  readonly config: ObserverConfig;
  /** The opentelemetry-operator Helm release: every OpenTelemetry CR depends on it (its webhook must serve first). */
  readonly operatorRelease: pulumi.Resource;
  /**
   * What ServiceMonitors need before they can be applied: the Prometheus Operator CRD release and
   * kube-prometheus-stack. Every ServiceMonitor depends on all of them.
   */
  readonly monitoringReady: pulumi.Input<pulumi.Resource>[];
  /** Common labels put on every object created here. */
  readonly labels: Record<string, string>;
  /**
   * What every object here waits for besides the above: the namespaces it writes into (ours, and
   * those of `instrumentation.namespaces`).
   * @default []
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
  /**
   * Base URLs of the Prometheus instances the gateway pushes metrics to (one exporter each).
   * @default the kube-prometheus-stack Prometheus Service; in prod pass `prometheusReplicaUrls(...)`
   */
  readonly prometheusUrls?: readonly string[];
  /** Resource hooks attached to each OpenTelemetry CR (collectors and Instrumentations). @default none */
  readonly hooks?: { readonly beforeDelete?: pulumi.ResourceHook };
}

export class Collectors extends pulumi.ComponentResource {
  /** `metadata.name` of the gateway and agent CRs. */
  public readonly gatewayName: string;
  public readonly agentName: string;
  /** The two OpenTelemetryCollector CRs. */
  public readonly gateway: k8s.apiextensions.CustomResource;
  public readonly agent: k8s.apiextensions.CustomResource;
  /** Instrumentation CRs, in `instrumentation.namespaces` order. */
  public readonly instrumentations: k8s.apiextensions.CustomResource[];
  public readonly serviceMonitors: k8s.apiextensions.CustomResource[];

  constructor(name: string, args: CollectorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("observer:collectors:Collectors", name, {}, opts);
    const cfg = args.config;
    const ns = cfg.namespace;
    const labels = args.labels;
    const hooks = args.hooks?.beforeDelete ? { hooks: { beforeDelete: [args.hooks.beforeDelete] } } : {};
    const base = args.dependsOn ?? [];

    // RBAC
    const gatewaySa = new k8s.core.v1.ServiceAccount(
      `${name}-gateway-sa`,
      serviceAccountBody(SERVICE_ACCOUNTS.gateway, ns, labels),
      { parent: this, dependsOn: base },
    );
    const agentSa = new k8s.core.v1.ServiceAccount(`${name}-agent-sa`, serviceAccountBody(SERVICE_ACCOUNTS.agent, ns, labels), {
      parent: this,
      dependsOn: base,
    });
    const role = new k8s.rbac.v1.ClusterRole(`${name}-clusterrole`, clusterRoleBody(ns, labels), { parent: this, dependsOn: base });
    const binding = new k8s.rbac.v1.ClusterRoleBinding(`${name}-clusterrolebinding`, clusterRoleBindingBody(ns, labels), {
      parent: this,
      dependsOn: [...base, role, gatewaySa, agentSa],
    });

    // Collectors: after the operator (webhook) and the RBAC their pods use.
    this.gatewayName = COLLECTORS.gateway;
    this.agentName = COLLECTORS.agent;
    const gatewayBody = collectorCRBody(
      COLLECTORS.gateway,
      cfg,
      gatewayCollectorSpec(cfg, args.prometheusUrls ? { prometheusUrls: args.prometheusUrls } : {}),
      labels,
    );
    this.gateway = new k8s.apiextensions.CustomResource(`${name}-gateway`, gatewayBody, {
      parent: this,
      dependsOn: [...base, args.operatorRelease, gatewaySa, binding],
      ...hooks,
    });
    const agentBody = collectorCRBody(COLLECTORS.agent, cfg, agentCollectorSpec(cfg), labels);
    this.agent = new k8s.apiextensions.CustomResource(`${name}-agent`, agentBody, {
      parent: this,
      dependsOn: [...base, args.operatorRelease, agentSa, binding],
      ...hooks,
    });

    // Auto-instrumentation, one per namespace.
    this.instrumentations = instrumentationBodies(cfg, labels).map(
      (body) =>
        new k8s.apiextensions.CustomResource(`${name}-instrumentation-${body.metadata.namespace}`, body, {
          parent: this,
          dependsOn: [...base, args.operatorRelease],
          ...hooks,
        }),
    );

    // The collectors' own metrics.
    this.serviceMonitors = [COLLECTORS.gateway, COLLECTORS.agent].map(
      (collector) =>
        new k8s.apiextensions.CustomResource(
          `${name}-${collector === COLLECTORS.gateway ? "gateway" : "agent"}-monitor`,
          collectorServiceMonitorBody(collector, ns, labels),
          { parent: this, dependsOn: [...base, ...args.monitoringReady] },
        ),
    );

    this.registerOutputs({
      gatewayName: this.gatewayName,
      agentName: this.agentName,
    });
  }
}
