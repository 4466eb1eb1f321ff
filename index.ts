/**
 * Composition root: parse the config (before any resource exists), refuse unsafe state settings,
 * build the ONE Kubernetes provider, create the Observer tree, export the outputs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./components/config";
import { checkStateSafety } from "./components/state";
import { Observer } from "./components/observer";
import { accessInfo } from "./components/outputs";
import { RELEASES } from "./components/endpoints";
import { stackLabelValue } from "./components/labels";
import { createCrdPreflightHook, createExternalCrdCheckHook, createFinalizerHooks, createInstallPreflightHook } from "./components/lifecycle/hooks";

const config = loadConfig();
checkStateSafety(pulumi.getStack(), config.profile, process.env);

/**
 * The only Kubernetes provider. Server-side apply (the Prometheus CRD is ~830 KB, beyond client-side
 * apply's annotation limit); the kubeconfig is the usual one ($KUBECONFIG or ~/.kube/config) and the
 * context is pinned when `observer:kubeContext` is set (required in prod), so a switched current
 * context cannot redirect a deployment. The default provider is disabled in the stack files.
 */
const kubernetes = new k8s.Provider("kubernetes", {
  enableServerSideApply: true,
  // Our Secrets and ConfigMaps have fixed names that workloads mount: change them in place (the mounts and
  // Alertmanager's config reloader pick the change up) instead of the default delete-and-recreate.
  enableSecretMutable: true,
  enableConfigMapMutable: true,
  ...(config.kubeContext !== undefined ? { context: config.kubeContext } : {}),
});

const stack = `${pulumi.getProject()}.${pulumi.getStack()}`;

/**
 * Lifecycle hooks talk to the cluster with the same kubeconfig ($KUBECONFIG or ~/.kube/config) and
 * context as the provider. Built here, after the runtime is up (never at module load).
 */
// No explicit kubeconfig: like the provider, the client reads $KUBECONFIG (a list is merged) or ~/.kube/config.
const kube = config.kubeContext ? { context: config.kubeContext } : {};
const finalizerHooks = createFinalizerHooks({
  kube,
  operator: { namespace: config.namespace, name: RELEASES.opentelemetryOperator.fullname },
  stackLabel: stackLabelValue(stack),
});

const observer = new Observer(
  "observer",
  {
    config,
    stack,
    hooks: {
      beforeCreateNamespace: createInstallPreflightHook({ kube, namespace: config.namespace }),
      beforeDeleteOpenTelemetryCR: finalizerHooks.beforeDeleteCR,
      beforeDeleteOperator: finalizerHooks.beforeDeleteOperator,
      ...(config.crds.prometheus === "managed"
        ? {
            beforeCreateCrds: createCrdPreflightHook({
              kube,
              release: { releaseName: RELEASES.prometheusOperatorCrds.name, namespace: config.namespace },
            }),
          }
        : { checkExternalCrds: createExternalCrdCheckHook({ kube }) }),
    },
  },
  { providers: { kubernetes } },
);

const outputs = accessInfo(config);

/** Where users open Grafana: `<runUrl>/grafana` with the ingress, else the port-forward address. */
export const grafanaUrl = outputs.grafanaUrl;
/** Command that reaches Grafana without the ingress. */
export const grafanaPortForward = outputs.grafanaPortForward;
export const grafanaAdminUser = observer.grafanaAdminUser;
/** Secret: `pulumi stack output grafanaAdminPassword --show-secrets`. */
export const grafanaAdminPassword = observer.grafanaAdminPassword;
export const namespace = observer.namespace;
/** OTLP/gRPC endpoint of the gateway (the address Datalayer services already use). */
export const otlpGrpcEndpoint = outputs.otlpGrpcEndpoint;
/** OTLP/HTTP endpoint of the gateway (auto-instrumentation). */
export const otlpHttpEndpoint = outputs.otlpHttpEndpoint;
