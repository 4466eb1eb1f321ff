/**
 * The named `pulumi.ResourceHook`s of the lifecycle, built by factories (never at module load:
 * constructing a ResourceHook before `pulumi.runtime.setMocks` throws, and under mocks the monitor
 * needs a no-op `registerResourceHook`; see ../shared/notes/pulumi-offline-testing.md).
 *
 * The callbacks are exported separately (`*Callback`) so tests call them with fake hook arguments
 * and a fake {@link KubeApi}, without constructing hooks.
 *
 * Wiring (index.ts / observer.ts):
 * - `beforeDeleteCR`       → `hooks.beforeDelete` of EVERY OpenTelemetry CR we create (collectors,
 *                            Instrumentations). One shared named hook; it reads the CR from the hook args.
 * - `beforeDeleteOperator` → `hooks.beforeDelete` of the opentelemetry-operator Helm Release.
 * - `createCrdPreflightHook` → `hooks.beforeCreate` of the prometheus-operator-crds Helm Release
 *                            (only when `crds.prometheus` is `managed`).
 * - `createExternalCrdCheckHook` → `hooks.beforeCreate` and `beforeUpdate` of every stage-2 Helm Release
 *                            (only when `crds.prometheus` is `external`): the CRDs someone else installed
 *                            must serve the fields Observer sets; one check per deployment, shared.
 * - `createInstallPreflightHook` → `hooks.beforeCreate` of the namespace: one Observer per cluster.
 * Delete hooks only run with `pulumi destroy --run-program` (what `npm run destroy` does).
 */
import * as pulumi from "@pulumi/pulumi";
import { cleanUpBeforeDelete, cleanUpOwnedBeforeOperatorDelete, crTargetFromResource, type Logger, type OperatorRef } from "./finalizers";
import type { KubeApi } from "./kube-api";
import { runExternalPrometheusCrdCheck, runPrometheusCrdPreflight, type CrdRelease } from "./preflight";
import { runInstallConflictPreflight } from "./install-conflicts";
import { createKubeApi, type KubeTarget } from "./client";

/** Stable hook names (the engine keys hooks by name; they appear in `pulumi` output). */
export const HOOK_NAMES = {
  crFinalizers: "observer-otel-cr-finalizers",
  operatorFinalizers: "observer-otel-operator-finalizers",
  crdPreflight: "observer-prometheus-crds-preflight",
  externalCrdCheck: "observer-prometheus-crds-external-check",
  installPreflight: "observer-install-conflicts-preflight",
} as const;

export interface LifecycleHookOptions {
  /** Cluster to talk to: the same kubeconfig and context as the k8s provider. */
  readonly kube: KubeTarget;
  /**
   * Builds the API client. Called once, lazily, on the first hook run.
   * @default createKubeApi(kube) (./client.ts, @kubernetes/client-node)
   */
  readonly kubeApi?: () => Promise<KubeApi>;
  /** Where changes are reported. @default pulumi.log.info */
  readonly logger?: Logger;
}

export interface FinalizerHookOptions extends LifecycleHookOptions {
  /** The operator Deployment (namespace, `RELEASES.opentelemetryOperator.fullname`). */
  readonly operator: OperatorRef;
  /** Value of our stack label (`stackLabelValue(...)` from components/labels.ts). */
  readonly stackLabel: string;
  /** How long a ready operator gets to remove its own finalizer. @default DEFAULT_OPERATOR_GRACE_MS (./finalizers.ts) */
  readonly operatorGraceMs?: number;
}

function lazyApi(opts: LifecycleHookOptions): () => Promise<KubeApi> {
  let api: Promise<KubeApi> | undefined;
  return () => (api ??= (opts.kubeApi ?? (() => createKubeApi(opts.kube)))());
}

const pulumiLogger: Logger = { info: (m) => void pulumi.log.info(m) };

/** The callback of `beforeDeleteCR`: makes sure the CR's delete cannot hang on the operator's finalizer (./finalizers.ts). */
export function beforeDeleteCrCallback(opts: FinalizerHookOptions): pulumi.ResourceHookFunction {
  const api = lazyApi(opts);
  const logger = opts.logger ?? pulumiLogger;
  return async (args) => {
    const target = crTargetFromResource(args.oldOutputs) ?? crTargetFromResource(args.oldInputs);
    if (!target) return; // not an OpenTelemetry CR: nothing to do
    await cleanUpBeforeDelete(await api(), target, {
      operator: opts.operator,
      logger,
      stackLabel: opts.stackLabel,
      ...(opts.operatorGraceMs !== undefined ? { graceMs: opts.operatorGraceMs } : {}),
    });
  };
}

/** The callback of `beforeDeleteOperator`: when the operator is not ready, removes its finalizers from every CR of this stack still present. */
export function beforeDeleteOperatorCallback(opts: FinalizerHookOptions): pulumi.ResourceHookFunction {
  const api = lazyApi(opts);
  const logger = opts.logger ?? pulumiLogger;
  return async () => {
    await cleanUpOwnedBeforeOperatorDelete(await api(), { stackLabel: opts.stackLabel, operator: opts.operator, logger });
  };
}

/**
 * The two finalizer hooks. Errors are reported as warnings (`ignoreErrors`) rather than failing the
 * delete: the cleanup is best effort, and an unreachable cluster (already deleted) must not block
 * `pulumi destroy` more than the provider itself does.
 */
export function createFinalizerHooks(opts: FinalizerHookOptions): {
  beforeDeleteCR: pulumi.ResourceHook;
  beforeDeleteOperator: pulumi.ResourceHook;
} {
  return {
    beforeDeleteCR: new pulumi.ResourceHook(HOOK_NAMES.crFinalizers, beforeDeleteCrCallback(opts), { ignoreErrors: true }),
    beforeDeleteOperator: new pulumi.ResourceHook(HOOK_NAMES.operatorFinalizers, beforeDeleteOperatorCallback(opts), {
      ignoreErrors: true,
    }),
  };
}

export interface CrdPreflightHookOptions extends LifecycleHookOptions {
  /** The CRD release: `RELEASES.prometheusOperatorCrds.name` in `observer:namespace`. */
  readonly release: CrdRelease;
}

/** The callback of the pre-flight hook: throws one clear message when the CRDs belong to someone else. */
export function crdPreflightCallback(opts: CrdPreflightHookOptions): pulumi.ResourceHookFunction {
  const api = lazyApi(opts);
  return async () => {
    await runPrometheusCrdPreflight(await api(), opts.release);
  };
}

/**
 * `beforeCreate` hook for the prometheus-operator-crds Release. Runs on preview too (`onDryRun`), so
 * `pulumi preview` already says what to do; a throw fails the create before Helm touches anything.
 */
export function createCrdPreflightHook(opts: CrdPreflightHookOptions): pulumi.ResourceHook {
  return new pulumi.ResourceHook(HOOK_NAMES.crdPreflight, crdPreflightCallback(opts), { onDryRun: true });
}

/**
 * The callback of the external-CRD check: reads the Prometheus Operator CRDs once per deployment (the first release
 * to be created or updated runs it; the others share the result) and throws one message when they would silently
 * prune fields Observer sets.
 */
export function externalCrdCheckCallback(opts: LifecycleHookOptions): pulumi.ResourceHookFunction {
  const api = lazyApi(opts);
  let check: Promise<void> | undefined;
  return async () => {
    await (check ??= api().then((a) => runExternalPrometheusCrdCheck(a)));
  };
}

export interface InstallPreflightHookOptions extends LifecycleHookOptions {
  /** `observer:namespace`: where this install's releases live. */
  readonly namespace: string;
}

/** The callback of the install pre-flight: throws one message naming every cluster-wide object owned elsewhere. */
function installPreflightCallback(opts: InstallPreflightHookOptions): pulumi.ResourceHookFunction {
  const api = lazyApi(opts);
  return async () => {
    await runInstallConflictPreflight(await api(), opts.namespace);
  };
}

/**
 * `beforeCreate`/`beforeUpdate` hook for the stage-2 releases when `crds.prometheus` is `external`: each of them
 * writes monitoring.coreos.com objects (kube-prometheus-stack the Prometheus, every chart its ServiceMonitors).
 * Runs on preview too (`onDryRun`); a throw fails the create or update before Helm touches anything.
 */
export function createExternalCrdCheckHook(opts: LifecycleHookOptions): pulumi.ResourceHook {
  return new pulumi.ResourceHook(HOOK_NAMES.externalCrdCheck, externalCrdCheckCallback(opts), { onDryRun: true });
}

/**
 * `beforeCreate` hook for the namespace, the first object Observer creates: refuses a second Observer on the
 * cluster (./install-conflicts.ts) before anything exists. Runs on preview too.
 */
export function createInstallPreflightHook(opts: InstallPreflightHookOptions): pulumi.ResourceHook {
  return new pulumi.ResourceHook(HOOK_NAMES.installPreflight, installPreflightCallback(opts), { onDryRun: true });
}
