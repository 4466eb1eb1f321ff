/**
 * Every pinned version in one place: Helm charts (with their repositories) and the images we
 * set ourselves. Each can be overridden from config (`observer:charts.<chart>`, `observer:charts.mirror`, `observer:images.mirror`);
 * nothing else in the program names a version.
 *
 * Pins were chosen together: kube-prometheus-stack 88.5.3 and prometheus-operator-crds 31.0.1
 * both ship Prometheus Operator v0.93.1; opentelemetry-operator 0.122.0 ships operator 0.158.0,
 * and the collector image is the contrib distribution of the same release.
 */

/** Repositories of the charts (the Grafana OSS charts moved to grafana-community in 2026). */
const REPOS = {
  prometheusCommunity: "https://prometheus-community.github.io/helm-charts",
  grafanaCommunity: "https://grafana-community.github.io/helm-charts",
  openTelemetry: "https://open-telemetry.github.io/opentelemetry-helm-charts",
} as const;

export interface ChartPin {
  /** Chart name in its repository. */
  readonly chart: string;
  /** Chart version (exact). */
  readonly version: string;
  /** Helm repository URL, or an `oci://` registry path holding the chart. */
  readonly repo: string;
  /** The app version the chart ships, for documentation and inventories. */
  readonly appVersion: string;
}

/**
 * The charts this program installs, by the key used in config (`observer:charts.<key>`). A chart added here needs
 * its release name (components/endpoints.ts RELEASES) and its spec (components/charts/index.ts): both fail to compile
 * without it.
 */
export const CHARTS = {
  prometheusOperatorCrds: {
    chart: "prometheus-operator-crds",
    version: "31.0.1",
    repo: REPOS.prometheusCommunity,
    appVersion: "v0.93.1",
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    version: "88.5.3",
    repo: REPOS.prometheusCommunity,
    appVersion: "v0.93.1",
  },
  loki: { chart: "loki", version: "18.11.0", repo: REPOS.grafanaCommunity, appVersion: "3.7.6" },
  tempo: { chart: "tempo", version: "2.2.4", repo: REPOS.grafanaCommunity, appVersion: "2.10.8" },
  tempoDistributed: {
    chart: "tempo-distributed",
    version: "3.3.0",
    repo: REPOS.grafanaCommunity,
    appVersion: "3.0.3",
  },
  opentelemetryOperator: {
    chart: "opentelemetry-operator",
    version: "0.122.0",
    repo: REPOS.openTelemetry,
    appVersion: "0.158.0",
  },
} as const satisfies Record<string, ChartPin>;

export type ChartKey = keyof typeof CHARTS;

/** Images we set explicitly (the charts pin their own; a registry mirror rewrites both). */
export const IMAGES = {
  /** The contrib collector: it has the `prometheusremotewrite`/`filelog`/`k8sattributes` components we use. */
  collectorContrib: {
    registry: "ghcr.io",
    repository: "open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib",
    tag: "0.158.0",
  },
  /**
   * Auto-instrumentation init images: the operator 0.158.0 defaults (its versions.txt and
   * internal/config/config.go), pinned here so a registry mirror and upgrades are explicit.
   */
  autoInstrumentationPython: {
    registry: "ghcr.io",
    repository: "open-telemetry/opentelemetry-operator/autoinstrumentation-python",
    tag: "0.64b0",
  },
  autoInstrumentationNodejs: {
    registry: "ghcr.io",
    repository: "open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs",
    tag: "0.78.0",
  },
  autoInstrumentationJava: {
    registry: "ghcr.io",
    repository: "open-telemetry/opentelemetry-operator/autoinstrumentation-java",
    tag: "2.30.0",
  },
  /**
   * Grafana: kube-prometheus-stack 88.5.3's grafana subchart 12.11.1 default (its appVersion), pinned so the
   * admin-password init container (components/charts/grafana-admin.ts) runs the same Grafana as the server.
   */
  grafana: { registry: "docker.io", repository: "grafana/grafana", tag: "13.2.0" },
  /** The opt-in end-to-end test's OTLP/JSON sender (tests/e2e). */
  e2eCurl: { registry: "docker.io", repository: "curlimages/curl", tag: "8.11.1" },
  /** The OpenTelemetry Operator (the chart's tag, its appVersion; only the repository is set, for the mirror). */
  opentelemetryOperator: { registry: "ghcr.io", repository: "open-telemetry/opentelemetry-operator/opentelemetry-operator" },
  /** The operator chart's helm-test image (a Docker Hub official image; the chart's tag). */
  opentelemetryOperatorTest: { repository: "busybox" },
} as const satisfies Record<string, ImageRef>;

export interface ImageRef {
  /** Absent: a Docker Hub name as charts write it (`busybox`, `grafana/loki`). */
  readonly registry?: string;
  readonly repository: string;
  /** Absent: a repository for a chart that takes the tag separately. */
  readonly tag?: string;
}

/**
 * THE image-mirror rule: `registry/repository[:tag]`, pulled from `mirror` (`observer:images.mirror`) when one is
 * configured: the mirror replaces the registry, and a Docker Hub official image (`busybox`) is found under
 * `library/` there.
 */
export function imageString(image: ImageRef, mirror?: string): string {
  const tag = image.tag !== undefined ? `:${image.tag}` : "";
  if (mirror === undefined || mirror === "") return `${image.registry !== undefined ? `${image.registry}/` : ""}${image.repository}${tag}`;
  const path = image.registry === undefined && !image.repository.includes("/") ? `library/${image.repository}` : image.repository;
  return `${mirror.replace(/\/+$/, "")}/${path}${tag}`;
}

/** The effective pin of a chart after config overrides (`charts.<key>` and `charts.mirror`). */
export function resolveChart(
  key: ChartKey,
  overrides: { version?: string; repo?: string } | undefined,
  mirror?: string,
): ChartPin {
  const pin = CHARTS[key];
  const repo = overrides?.repo ?? (mirror ? mirror.replace(/\/+$/, "") : pin.repo);
  return { ...pin, version: overrides?.version ?? pin.version, repo };
}
