/**
 * Pre-flight check before stage 1 installs the Prometheus Operator CRDs through the
 * `prometheus-operator-crds` Helm release: when those CRDs already exist but do not belong to that
 * release (the datalayer-observer chart's CRDs carry no Helm ownership; another stack's
 * kube-prometheus-stack owns its own), Helm would fail half-way with "invalid ownership metadata".
 * This check fails first, with one message that names both ways out.
 */
import type { KubeApi, KubeObject } from "./kube-api";

/** API group of the Prometheus Operator CRDs. */
const PROMETHEUS_OPERATOR_GROUP = "monitoring.coreos.com";

/** What Helm reads to decide a release owns an object. */
export const HELM_OWNERSHIP = {
  managedByLabel: "app.kubernetes.io/managed-by",
  managedByValue: "Helm",
  releaseNameAnnotation: "meta.helm.sh/release-name",
  releaseNamespaceAnnotation: "meta.helm.sh/release-namespace",
} as const;

/** Metadata of one existing CRD. */
export interface CrdMetadata {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface CrdRelease {
  /** Helm release name of the CRDs (`RELEASES.prometheusOperatorCrds.name`). */
  readonly releaseName: string;
  /** Namespace of that release (`observer:namespace`). */
  readonly namespace: string;
}

/** Who owns one CRD, in words. */
function ownerOf(crd: CrdMetadata): string {
  const l = crd.labels ?? {};
  const a = crd.annotations ?? {};
  const rel = a[HELM_OWNERSHIP.releaseNameAnnotation];
  const ns = a[HELM_OWNERSHIP.releaseNamespaceAnnotation];
  if (l[HELM_OWNERSHIP.managedByLabel] === HELM_OWNERSHIP.managedByValue && rel) {
    return `Helm release "${rel}"${ns ? ` in namespace "${ns}"` : ""}`;
  }
  if (l[HELM_OWNERSHIP.managedByLabel]) return `"${l[HELM_OWNERSHIP.managedByLabel]}" (no Helm release annotations)`;
  return "no Helm release (no ownership labels or annotations)";
}

/** True when Helm would accept `release` as the owner of this CRD. */
function isOwnedByRelease(crd: CrdMetadata, release: CrdRelease): boolean {
  return (
    crd.labels?.[HELM_OWNERSHIP.managedByLabel] === HELM_OWNERSHIP.managedByValue &&
    crd.annotations?.[HELM_OWNERSHIP.releaseNameAnnotation] === release.releaseName &&
    crd.annotations?.[HELM_OWNERSHIP.releaseNamespaceAnnotation] === release.namespace
  );
}

/** The exact commands that hand the given CRDs over to our release. */
export function adoptionCommands(names: readonly string[], release: CrdRelease): string[] {
  const list = [...names].sort().join(" ");
  return [
    `kubectl label crd ${list} ${HELM_OWNERSHIP.managedByLabel}=${HELM_OWNERSHIP.managedByValue} --overwrite`,
    `kubectl annotate crd ${list} ${HELM_OWNERSHIP.releaseNameAnnotation}=${release.releaseName} ${HELM_OWNERSHIP.releaseNamespaceAnnotation}=${release.namespace} --overwrite`,
  ];
}

/**
 * Pure check. Given the Prometheus Operator CRDs that exist now, returns `undefined` when our
 * release can install or own them (none exist, or all already belong to it), else ONE message naming
 * the foreign CRDs, their owner, and the two ways out: mark them external, or adopt them.
 * CRDs of other API groups in `existing` are ignored.
 */
export function checkPrometheusCrdOwnership(existing: readonly CrdMetadata[], release: CrdRelease): string | undefined {
  const foreign = existing
    .filter((c) => c.name.endsWith(`.${PROMETHEUS_OPERATOR_GROUP}`))
    .filter((c) => !isOwnedByRelease(c, release))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (foreign.length === 0) return undefined;
  const lines = [
    `The Prometheus Operator CRDs already exist in this cluster but do not belong to the Helm release ` +
      `"${release.releaseName}" in namespace "${release.namespace}", so Observer will not install over them:`,
    ...foreign.map((c) => `  - ${c.name}: owned by ${ownerOf(c)}`),
    "Choose one way out:",
    `  1. Keep them as they are and let Observer use them (they must be those of prometheus-operator >= ${MIN_PROMETHEUS_OPERATOR_VERSION}, which is checked):`,
    "       pulumi config set --path observer:crds.prometheus external",
    `  2. Adopt them into Observer's "${release.releaseName}" release (Helm then upgrades them, and in the dev profile deletes them on destroy):`,
    ...adoptionCommands(
      foreign.map((c) => c.name),
      release,
    ).map((c) => `       ${c}`),
  ];
  if (foreign.some((c) => c.annotations?.[HELM_OWNERSHIP.releaseNameAnnotation])) {
    lines.push("  Adopting CRDs that another Helm release owns takes them from that release: prefer option 1 on a shared cluster.");
  }
  lines.push("Then run the deployment again.");
  return lines.join("\n");
}

/** Reads the metadata of the existing Prometheus Operator CRDs (one metadata-only list call). */
export async function listPrometheusOperatorCrds(api: KubeApi): Promise<CrdMetadata[]> {
  const all = await api.listCustomResourceDefinitionMetadata();
  return all
    .filter((o: KubeObject) => typeof o.metadata?.name === "string" && o.metadata.name.endsWith(`.${PROMETHEUS_OPERATOR_GROUP}`))
    .map((o) => ({
      name: o.metadata!.name!,
      ...(o.metadata?.labels ? { labels: o.metadata.labels } : {}),
      ...(o.metadata?.annotations ? { annotations: o.metadata.annotations } : {}),
    }));
}

/** The error thrown by the pre-flight (the ResourceHook fails the create with its message). */
export class CrdOwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrdOwnershipError";
  }
}

/** Lists the CRDs and throws {@link CrdOwnershipError} when they belong to someone else. */
export async function runPrometheusCrdPreflight(api: KubeApi, release: CrdRelease): Promise<void> {
  const message = checkPrometheusCrdOwnership(await listPrometheusOperatorCrds(api), release);
  if (message !== undefined) throw new CrdOwnershipError(message);
}

// ---------------------------------------------------------------------------------------------
// `crds.prometheus: external`: the CRDs someone else installs must SERVE the fields Observer sets.
// ---------------------------------------------------------------------------------------------

/**
 * A field Observer sets on a Prometheus Operator object whose loss matters. An older CRD does not reject it: the
 * API server prunes fields its structural schema does not declare, silently (no error, no warning), so the
 * stack deploys and quietly loses what the field did. `since`: the first prometheus-operator release whose CRD
 * declares it (found in the CRDs of example/prometheus-operator-crd/ at each tag of prometheus-operator).
 */
export interface CrdFieldRequirement {
  /** CRD name. */
  readonly crd: string;
  /** The served version the field must be declared in. */
  readonly version: string;
  /** Field path (`[]` steps into array items). */
  readonly path: string;
  /** First prometheus-operator release declaring it (`x.y.z`). */
  readonly since: string;
  /** What is lost when it is pruned. */
  readonly loss: string;
}

/** The fields of the Prometheus and PodMonitor objects Observer (and kube-prometheus-stack with our values) set. */
export const PROMETHEUS_CRD_REQUIREMENTS: readonly CrdFieldRequirement[] = [
  {
    crd: "prometheuses.monitoring.coreos.com",
    version: "v1",
    path: "spec.scrapeClasses[].relabelings",
    since: "0.73.0",
    loss: "the metadata-contract labels (cluster, app, datalayer_pool_*) on every scraped target (default scrape class)",
  },
  {
    crd: "prometheuses.monitoring.coreos.com",
    version: "v1",
    path: "spec.otlp.promoteResourceAttributes",
    since: "0.77.0",
    loss: "the metadata-contract labels on every pushed (OTLP) metric",
  },
  {
    crd: "prometheuses.monitoring.coreos.com",
    version: "v1",
    path: "spec.enableOTLPReceiver",
    since: "0.79.0",
    loss: "Prometheus' OTLP receiver: every metric the gateway pushes is refused",
  },
  {
    crd: "prometheuses.monitoring.coreos.com",
    version: "v1",
    path: "spec.otlp.keepIdentifyingResourceAttributes",
    since: "0.80.0",
    loss: "service.name, service.namespace and service.instance.id on target_info",
  },
  {
    crd: "prometheuses.monitoring.coreos.com",
    version: "v1",
    path: "spec.exemplars.maxSize",
    since: "0.58.0",
    loss: "the exemplar storage size (the trace links of latency panels)",
  },
  {
    crd: "prometheuses.monitoring.coreos.com",
    version: "v1",
    path: "spec.tsdb.outOfOrderTimeWindow",
    since: "0.60.0",
    loss: "the out-of-order window: pushed samples that arrive late are dropped",
  },
  {
    crd: "prometheuses.monitoring.coreos.com",
    version: "v1",
    path: "spec.enableRemoteWriteReceiver",
    since: "0.56.0",
    loss: "the remote-write receiver: Tempo's span metrics and service graphs are refused",
  },
  {
    crd: "podmonitors.monitoring.coreos.com",
    version: "v1",
    path: "spec.podMetricsEndpoints[].portNumber",
    since: "0.79.0",
    loss: "the kernels' metrics port: the kernels' PodMonitor would scrape every container port instead",
  },
];

/** Compares `x.y.z` versions (a leading `v` is ignored): negative, zero or positive. */
export function compareSemver(a: string, b: string): number {
  const pa = a.replace(/^v/, "").split(/[.+-]/).slice(0, 3).map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.replace(/^v/, "").split(/[.+-]/).slice(0, 3).map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The oldest prometheus-operator whose CRDs declare every required field. */
export const MIN_PROMETHEUS_OPERATOR_VERSION: string = PROMETHEUS_CRD_REQUIREMENTS.map((r) => r.since).reduce((a, b) =>
  compareSemver(a, b) >= 0 ? a : b,
);

/** Annotation prometheus-operator puts on its CRDs: the release they come from. */
export const PROMETHEUS_OPERATOR_VERSION_ANNOTATION = "operator.prometheus.io/version";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = Record<string, any>;

/**
 * Whether a structural schema keeps `path` (the API server's pruning rule): every step is a declared property, or
 * an ancestor preserves unknown fields.
 */
export function schemaDeclares(schema: Schema | undefined, path: string): boolean {
  let s: Schema | undefined = schema;
  for (const step of path.split(".")) {
    if (s === undefined) return false;
    if (s["x-kubernetes-preserve-unknown-fields"] === true) return true;
    const [name, ...arrays] = step.split("[]");
    s = s.properties?.[name!] as Schema | undefined;
    for (let i = 0; i < arrays.length && s !== undefined; i++) {
      if (s["x-kubernetes-preserve-unknown-fields"] === true) return true;
      s = s.items as Schema | undefined;
    }
  }
  return s !== undefined;
}

/** The schema of a served version of a CRD, or undefined when that version is not served. */
function servedSchema(crd: KubeObject, version: string): Schema | undefined {
  const versions = (crd.spec?.versions ?? []) as Schema[];
  const v = versions.find((x) => x.name === version && x.served === true);
  return v === undefined ? undefined : ((v.schema?.openAPIV3Schema as Schema | undefined) ?? {});
}

/**
 * Pure check of the CRDs a cluster serves (name → object, `null` when absent) against
 * {@link PROMETHEUS_CRD_REQUIREMENTS}. `undefined` when all is well, else ONE message naming every missing CRD,
 * version and field, what each loss means, the version found and the minimum prometheus-operator version.
 */
export function checkExternalPrometheusCrds(crds: Readonly<Record<string, KubeObject | null>>): string | undefined {
  const problems: string[] = [];
  const found = new Map<string, string>();
  const crdNames = [...new Set(PROMETHEUS_CRD_REQUIREMENTS.map((r) => r.crd))];
  for (const name of crdNames) {
    const crd = crds[name];
    if (!crd) {
      problems.push(`  - ${name} is not installed`);
      continue;
    }
    const v = crd.metadata?.annotations?.[PROMETHEUS_OPERATOR_VERSION_ANNOTATION];
    if (v) found.set(name, v);
    for (const r of PROMETHEUS_CRD_REQUIREMENTS.filter((x) => x.crd === name)) {
      const schema = servedSchema(crd, r.version);
      if (schema === undefined) {
        problems.push(`  - ${name} does not serve ${r.version}`);
        break;
      }
      if (!schemaDeclares(schema, r.path)) {
        problems.push(`  - ${name} ${r.version} has no ${r.path} (prometheus-operator >= ${r.since}); without it: ${r.loss}`);
      }
    }
  }
  if (problems.length === 0) return undefined;
  const versions = [...found.entries()].map(([n, v]) => `${n} ${v}`);
  return [
    "The Prometheus Operator CRDs in this cluster (observer:crds.prometheus external) are too old for Observer. The API server",
    "would accept Observer's objects and silently drop the fields it does not know (schema pruning, no error):",
    ...problems,
    `Installed (annotation ${PROMETHEUS_OPERATOR_VERSION_ANNOTATION}): ${versions.length > 0 ? versions.join(", ") : "unknown"}.`,
    `Observer needs the CRDs of prometheus-operator >= ${MIN_PROMETHEUS_OPERATOR_VERSION}. Either upgrade them where they come from (for example`,
    `the prometheus-operator-crds chart at an appVersion >= v${MIN_PROMETHEUS_OPERATOR_VERSION}), or let Observer install them when nothing else owns them:`,
    "       pulumi config set --path observer:crds.prometheus managed",
    "Then run the deployment again.",
  ].join("\n");
}

/** The error thrown by the external-CRD check (the ResourceHook fails the create or update with its message). */
export class CrdSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrdSchemaError";
  }
}

/** Reads the CRDs {@link PROMETHEUS_CRD_REQUIREMENTS} names (one GET each, with schemas) and checks them. */
export async function runExternalPrometheusCrdCheck(api: KubeApi): Promise<void> {
  const names = [...new Set(PROMETHEUS_CRD_REQUIREMENTS.map((r) => r.crd))];
  const crds: Record<string, KubeObject | null> = {};
  for (const name of names) crds[name] = await api.getCustomResourceDefinition(name);
  const message = checkExternalPrometheusCrds(crds);
  if (message !== undefined) throw new CrdSchemaError(message);
}
