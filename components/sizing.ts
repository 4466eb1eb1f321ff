/**
 * THE sizing table: CPU and memory requests and the memory limit of every container that runs, per
 * profile, and the replica count of every workload. Every values builder (components/charts/*.ts) and
 * the collectors take their numbers from here; `npm run bench` prints {@link footprint}.
 *
 * Rules: requests on every container; a memory limit on every container (no CPU limit: CPU throttling
 * hurts latency more than it protects neighbours); dev (the whole stack, both collectors included)
 * within 1.5 vCPU and 3 GiB of memory requests so it fits a default local cluster (tests check it).
 * The set of containers is the checked-in inventory of what the pinned charts render
 * (tests/fixtures/rendered-inventory.json); a test checks every inventoried container has an entry here.
 */

import type { Profile } from "./forms";

/** Requests and memory limit of one container. */
export interface Size {
  /** CPU request (millicores, e.g. `50m`). */
  readonly cpu: string;
  /** Memory request (`Mi`/`Gi`). */
  readonly memory: string;
  /** Memory limit (`Mi`/`Gi`), at least the request. */
  readonly memoryLimit: string;
}

/** The Kubernetes `resources` block of a container. */
export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { memory: string };
}

const s = (cpu: string, memory: string, memoryLimit: string): Size => ({ cpu, memory, memoryLimit });

/**
 * Every sized container, by key. `null`: does not run in that profile.
 * Keys are `<component>/<container>`; SIZE_OF in tests/fixtures/generate-inventory.ts maps every rendered container to one.
 */
export const SIZING = {
  // kube-prometheus-stack
  "prometheus-operator/operator": { dev: s("50m", "64Mi", "128Mi"), prod: s("100m", "128Mi", "256Mi") },
  /** The admission-webhook certificate Jobs (chart hooks: create and patch), short-lived. */
  "prometheus-operator/webhook-job": { dev: s("10m", "32Mi", "64Mi"), prod: s("10m", "32Mi", "64Mi") },
  "prometheus/prometheus": { dev: s("200m", "512Mi", "1536Mi"), prod: s("1000m", "4Gi", "8Gi") },
  /** config-reloader sidecars and init containers of Prometheus and Alertmanager (one operator setting). */
  "prometheus/config-reloader": { dev: s("10m", "24Mi", "48Mi"), prod: s("10m", "32Mi", "64Mi") },
  "alertmanager/alertmanager": { dev: s("10m", "32Mi", "128Mi"), prod: s("50m", "64Mi", "256Mi") },
  "grafana/grafana": { dev: s("50m", "160Mi", "384Mi"), prod: s("200m", "256Mi", "1Gi") },
  /**
   * Grafana's own init containers (the Grafana image running `grafana cli`): the admin password written into a
   * persistent database (prod), and the plugins of `observer:grafana.plugins` (both profiles, when configured).
   */
  "grafana/init": { dev: s("50m", "64Mi", "512Mi"), prod: s("50m", "64Mi", "512Mi") },
  /** The dashboards and datasources sidecars (one chart setting for both). */
  "grafana/sidecar": { dev: s("10m", "48Mi", "128Mi"), prod: s("20m", "64Mi", "256Mi") },
  "kube-state-metrics/kube-state-metrics": { dev: s("10m", "48Mi", "128Mi"), prod: s("50m", "128Mi", "512Mi") },
  "node-exporter/node-exporter": { dev: s("10m", "24Mi", "64Mi"), prod: s("50m", "48Mi", "128Mi") },
  // Loki: Monolithic in dev, Distributed in prod.
  "loki/single-binary": { dev: s("100m", "256Mi", "768Mi"), prod: null },
  "loki/distributor": { dev: null, prod: s("500m", "512Mi", "1Gi") },
  "loki/ingester": { dev: null, prod: s("500m", "1Gi", "2Gi") },
  "loki/querier": { dev: null, prod: s("500m", "1Gi", "2Gi") },
  "loki/query-frontend": { dev: null, prod: s("100m", "256Mi", "512Mi") },
  "loki/query-scheduler": { dev: null, prod: s("100m", "128Mi", "256Mi") },
  "loki/index-gateway": { dev: null, prod: s("200m", "512Mi", "1Gi") },
  "loki/compactor": { dev: null, prod: s("200m", "512Mi", "1Gi") },
  /** memcached of the chunks cache: the request covers `allocatedMemory` (LOKI_CACHE_MB) plus overhead. */
  "loki/chunks-cache": { dev: null, prod: s("500m", "2560Mi", "2560Mi") },
  "loki/results-cache": { dev: null, prod: s("100m", "640Mi", "640Mi") },
  "loki/memcached-exporter": { dev: null, prod: s("10m", "32Mi", "64Mi") },
  // Tempo: single binary (dev, and prod without Kafka).
  "tempo/tempo": { dev: s("100m", "256Mi", "1Gi"), prod: s("500m", "2Gi", "4Gi") },
  // tempo-distributed (prod with Kafka).
  "tempo-distributed/distributor": { dev: null, prod: s("500m", "512Mi", "1Gi") },
  "tempo-distributed/live-store": { dev: null, prod: s("500m", "1Gi", "2Gi") },
  "tempo-distributed/block-builder": { dev: null, prod: s("500m", "1Gi", "2Gi") },
  "tempo-distributed/querier": { dev: null, prod: s("500m", "1Gi", "2Gi") },
  "tempo-distributed/query-frontend": { dev: null, prod: s("200m", "256Mi", "512Mi") },
  "tempo-distributed/backend-scheduler": { dev: null, prod: s("100m", "128Mi", "256Mi") },
  "tempo-distributed/backend-worker": { dev: null, prod: s("200m", "512Mi", "1Gi") },
  "tempo-distributed/metrics-generator": { dev: null, prod: s("500m", "1Gi", "2Gi") },
  "tempo-distributed/memcached": { dev: null, prod: s("200m", "1280Mi", "1280Mi") },
  // OpenTelemetry Operator and the two collectors (the collectors' CRs are built by components/collectors).
  "opentelemetry-operator/manager": { dev: s("20m", "64Mi", "256Mi"), prod: s("100m", "128Mi", "512Mi") },
  "collectors/gateway": { dev: s("100m", "192Mi", "512Mi"), prod: s("500m", "512Mi", "1Gi") },
  "collectors/agent": { dev: s("50m", "96Mi", "256Mi"), prod: s("200m", "256Mi", "512Mi") },
} as const satisfies Record<string, Record<Profile, Size | null>>;

export type SizeKey = keyof typeof SIZING;

/** Memory handed to memcached (`-m`, MB) for Loki's caches in prod: the chart default 8192 MB never reaches dev. */
export const LOKI_CACHE_MB = { chunks: 2048, results: 512 } as const;
/** Memory handed to tempo-distributed's memcached (`-m`, MB). */
export const TEMPO_CACHE_MB = 1024;

/** `resources` of a container, or throws if the container does not run in that profile (a builder bug). */
export function resources(profile: Profile, key: SizeKey): Resources {
  const size: Size | null = SIZING[key][profile];
  if (size === null) throw new Error(`sizing: ${key} does not run in the ${profile} profile`);
  return { requests: { cpu: size.cpu, memory: size.memory }, limits: { memory: size.memoryLimit } };
}

/** Sizes for the collectors helper (components/collectors): the gateway Deployment and the agent DaemonSet. */
export function collectorResources(profile: Profile): { gateway: Resources; agent: Resources } {
  return { gateway: resources(profile, "collectors/gateway"), agent: resources(profile, "collectors/agent") };
}

/** Replica count, or `per-node` for DaemonSets. */
export type Replicas = number | "per-node";

/**
 * Replicas of every workload, per profile (the builders read these; Prometheus' prod count is the config
 * default `observer:prometheus.replicas`, see components/prod/config.ts).
 */
export const REPLICAS = {
  "prometheus-operator": { dev: 1, prod: 1 },
  prometheus: { dev: 1, prod: 2 },
  alertmanager: { dev: 1, prod: 3 },
  grafana: { dev: 1, prod: 1 },
  "kube-state-metrics": { dev: 1, prod: 1 },
  "node-exporter": { dev: "per-node", prod: "per-node" },
  "loki/single-binary": { dev: 1, prod: 0 },
  "loki/distributor": { dev: 0, prod: 2 },
  "loki/ingester": { dev: 0, prod: 3 },
  "loki/querier": { dev: 0, prod: 2 },
  "loki/query-frontend": { dev: 0, prod: 2 },
  "loki/query-scheduler": { dev: 0, prod: 2 },
  "loki/index-gateway": { dev: 0, prod: 2 },
  "loki/compactor": { dev: 0, prod: 1 },
  "loki/chunks-cache": { dev: 0, prod: 1 },
  "loki/results-cache": { dev: 0, prod: 1 },
  tempo: { dev: 1, prod: 1 },
  "tempo-distributed/distributor": { dev: 0, prod: 2 },
  "tempo-distributed/live-store": { dev: 0, prod: 3 },
  "tempo-distributed/block-builder": { dev: 0, prod: 3 },
  "tempo-distributed/querier": { dev: 0, prod: 2 },
  "tempo-distributed/query-frontend": { dev: 0, prod: 2 },
  "tempo-distributed/backend-scheduler": { dev: 0, prod: 1 },
  "tempo-distributed/backend-worker": { dev: 0, prod: 2 },
  "tempo-distributed/metrics-generator": { dev: 0, prod: 2 },
  "tempo-distributed/memcached": { dev: 0, prod: 1 },
  "opentelemetry-operator": { dev: 1, prod: 2 },
  "collectors/gateway": { dev: 1, prod: 2 },
  "collectors/agent": { dev: "per-node", prod: "per-node" },
} as const satisfies Record<string, Record<Profile, Replicas>>;

export type WorkloadKey = keyof typeof REPLICAS;

export function replicas(profile: Profile, key: WorkloadKey): number {
  const r: Replicas = REPLICAS[key][profile];
  if (r === "per-node") throw new Error(`sizing: ${key} is a DaemonSet (one pod per node)`);
  return r;
}

/** The long-running containers of every workload (Jobs excluded), for the footprint. */
export const WORKLOAD_CONTAINERS: Readonly<Record<WorkloadKey, readonly SizeKey[]>> = {
  "prometheus-operator": ["prometheus-operator/operator"],
  prometheus: ["prometheus/prometheus", "prometheus/config-reloader"],
  alertmanager: ["alertmanager/alertmanager", "prometheus/config-reloader"],
  grafana: ["grafana/grafana", "grafana/sidecar", "grafana/sidecar"],
  "kube-state-metrics": ["kube-state-metrics/kube-state-metrics"],
  "node-exporter": ["node-exporter/node-exporter"],
  "loki/single-binary": ["loki/single-binary"],
  "loki/distributor": ["loki/distributor"],
  "loki/ingester": ["loki/ingester"],
  "loki/querier": ["loki/querier"],
  "loki/query-frontend": ["loki/query-frontend"],
  "loki/query-scheduler": ["loki/query-scheduler"],
  "loki/index-gateway": ["loki/index-gateway"],
  "loki/compactor": ["loki/compactor"],
  "loki/chunks-cache": ["loki/chunks-cache", "loki/memcached-exporter"],
  "loki/results-cache": ["loki/results-cache", "loki/memcached-exporter"],
  tempo: ["tempo/tempo"],
  "tempo-distributed/distributor": ["tempo-distributed/distributor"],
  "tempo-distributed/live-store": ["tempo-distributed/live-store"],
  "tempo-distributed/block-builder": ["tempo-distributed/block-builder"],
  "tempo-distributed/querier": ["tempo-distributed/querier"],
  "tempo-distributed/query-frontend": ["tempo-distributed/query-frontend"],
  "tempo-distributed/backend-scheduler": ["tempo-distributed/backend-scheduler"],
  "tempo-distributed/backend-worker": ["tempo-distributed/backend-worker"],
  "tempo-distributed/metrics-generator": ["tempo-distributed/metrics-generator"],
  "tempo-distributed/memcached": ["tempo-distributed/memcached"],
  "opentelemetry-operator": ["opentelemetry-operator/manager"],
  "collectors/gateway": ["collectors/gateway"],
  "collectors/agent": ["collectors/agent"],
};

/** CPU quantity in millicores (`50m` → 50, `1` → 1000). */
export function milliCpu(q: string): number {
  return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

/** Memory quantity in MiB (`512Mi` → 512, `4Gi` → 4096). */
export function mebibytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi|Ki)$/.exec(q);
  if (!m) throw new Error(`sizing: unsupported memory quantity ${q}`);
  const n = Number(m[1]);
  return m[2] === "Gi" ? n * 1024 : m[2] === "Ki" ? n / 1024 : n;
}

export interface FootprintRow {
  readonly workload: WorkloadKey;
  /** Pods counted (DaemonSets: `nodes`). */
  readonly pods: number;
  readonly cpuMillis: number;
  readonly memoryMi: number;
  readonly memoryLimitMi: number;
}

export interface Footprint {
  readonly profile: Profile;
  readonly rows: readonly FootprintRow[];
  readonly total: { cpuMillis: number; memoryMi: number; memoryLimitMi: number };
}

/**
 * Requests (and memory limits) per workload and in total, for a profile: replicas × containers from the
 * tables above, which are the numbers the builders put in the Helm values.
 * @param opts.nodes          pods per DaemonSet (default 1: a local single-node cluster).
 * @param opts.tempoDistributed  prod with `observer:tempo.kafka` (tempo-distributed instead of the single binary).
 * @param opts.prometheusReplicas  override of Prometheus' replicas (`observer:prometheus.replicas`).
 */
export function footprint(
  profile: Profile,
  opts: { nodes?: number; tempoDistributed?: boolean; prometheusReplicas?: number } = {},
): Footprint {
  const nodes = opts.nodes ?? 1;
  const rows: FootprintRow[] = [];
  for (const workload of Object.keys(REPLICAS) as WorkloadKey[]) {
    const isTempoSingle = workload === "tempo";
    const isTempoDist = workload.startsWith("tempo-distributed/");
    if (opts.tempoDistributed && profile === "prod" && isTempoSingle) continue;
    if (!(opts.tempoDistributed && profile === "prod") && isTempoDist) continue;
    const r: Replicas = REPLICAS[workload][profile];
    let pods = r === "per-node" ? nodes : r;
    if (workload === "prometheus" && opts.prometheusReplicas !== undefined) pods = opts.prometheusReplicas;
    if (pods === 0) continue;
    let cpu = 0;
    let mem = 0;
    let lim = 0;
    for (const key of WORKLOAD_CONTAINERS[workload]) {
      const size: Size | null = SIZING[key][profile];
      if (size === null) throw new Error(`sizing: ${key} has no ${profile} size but ${workload} runs there`);
      cpu += milliCpu(size.cpu);
      mem += mebibytes(size.memory);
      lim += mebibytes(size.memoryLimit);
    }
    rows.push({ workload, pods, cpuMillis: cpu * pods, memoryMi: mem * pods, memoryLimitMi: lim * pods });
  }
  const total = rows.reduce(
    (t, r) => ({ cpuMillis: t.cpuMillis + r.cpuMillis, memoryMi: t.memoryMi + r.memoryMi, memoryLimitMi: t.memoryLimitMi + r.memoryLimitMi }),
    { cpuMillis: 0, memoryMi: 0, memoryLimitMi: 0 },
  );
  return { profile, rows, total };
}

/** The footprint as a printable table (for `npm run bench`). */
export function formatFootprint(f: Footprint): string {
  const lines = [`profile ${f.profile}`, "workload                               pods   cpu(m)  mem(Mi)  memLimit(Mi)"];
  for (const r of f.rows) {
    lines.push(
      `${r.workload.padEnd(38)} ${String(r.pods).padStart(4)} ${String(r.cpuMillis).padStart(8)} ${String(r.memoryMi).padStart(8)} ${String(r.memoryLimitMi).padStart(13)}`,
    );
  }
  lines.push(
    `${"TOTAL".padEnd(38)} ${"".padStart(4)} ${String(f.total.cpuMillis).padStart(8)} ${String(f.total.memoryMi).padStart(8)} ${String(f.total.memoryLimitMi).padStart(13)}`,
  );
  return lines.join("\n");
}
