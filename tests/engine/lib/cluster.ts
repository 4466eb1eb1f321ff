/**
 * One lane cluster: a real kube-apiserver, etcd, kube-controller-manager and kube-scheduler (v1.34.4) started by
 * kwokctl's binary runtime on 127.0.0.1, three kwok nodes (addresses 127.0.0.x), a default StorageClass whose
 * claims are bound to hostPath volumes, the real prometheus-operator out of cluster, the stand-ins for what
 * cannot run here (./stand-ins.ts), the pinned charts served on 127.0.0.1, and the egress proxy every call of the
 * API server towards a Service goes through (./egress-proxy.ts). {@link EngineCluster.stop} removes every process
 * and file it made.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";

import { EgressProxy, egressSelectorConfig, type ServiceAddress } from "./egress-proxy";
import { Kube, type KubeObject } from "./kube";
import { Loop, Processes, freePort, run, runOk, sleep, waitFor } from "./proc";
import { OtelOperatorStandIn, WebhookStandIn } from "./stand-ins";
import { REPO, engineBin } from "./toolchain";

export const SHARED_CHARTS = path.resolve(REPO, "..", "shared", "charts");
/** The kwok nodes' addresses: loopback only (kwok's default template uses 192.0.2.x). */
export const NODE_COUNT = 3;

export interface EngineClusterOptions {
  /** A short name (unix socket paths must stay short). */
  readonly name: string;
  /**
   * Extra chart packages to serve beside ../shared/charts: `{ chart, from, version }` repackages the pinned
   * `from` package under another version (a version bump without the internet).
   */
  readonly extraChartVersions?: ReadonlyArray<{ readonly chart: string; readonly from: string; readonly version: string }>;
}

export class EngineCluster {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly procs: Processes;
  readonly proxy: EgressProxy;
  chartsUrl = "";
  kube!: Kube;
  operator!: OtelOperatorStandIn;
  webhooks!: WebhookStandIn;
  private chartServer: http.Server | undefined;
  private readonly loops: Loop[] = [];
  private services = new Map<string, ServiceAddress>();
  private stopped = false;

  private constructor(readonly opts: EngineClusterOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `oe-${opts.name}-`));
    this.kubeconfig = path.join(this.dir, "kubeconfig");
    this.procs = new Processes(path.join(this.dir, "logs"));
    this.proxy = new EgressProxy({ socketPath: path.join(this.dir, "egress.sock"), resolve: (ip) => this.serviceByIp(ip) });
  }

  /** Environment for commands against this cluster (kubectl, helm, pulumi, kwokctl). */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const bin = path.dirname(engineBin("kubectl"));
    return {
      ...process.env,
      PATH: `${bin}:${path.dirname(engineBin("kwokctl"))}:${process.env.PATH ?? ""}`,
      KUBECONFIG: this.kubeconfig,
      KWOK_WORKDIR: path.join(this.dir, "kwok"),
      HOME: process.env.HOME ?? os.homedir(),
      ...extra,
    };
  }

  static async start(opts: EngineClusterOptions): Promise<EngineCluster> {
    const c = new EngineCluster(opts);
    try {
      await c.boot();
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  private async boot(): Promise<void> {
    await this.proxy.start();
    const egress = path.join(this.dir, "egress.yaml");
    fs.writeFileSync(egress, egressSelectorConfig(path.join(this.dir, "egress.sock")));
    const config = path.join(this.dir, "kwokctl.yaml");
    fs.writeFileSync(config, kwokctlConfig(egress));
    await runOk(engineBin("kwokctl"), ["create", "cluster", "--name", this.opts.name, "--config", config, "--wait", "60s"], {
      env: this.env(),
      timeoutMs: 120_000,
    });
    this.kube = new Kube(this.kubeconfig);
    await waitFor("the API server to be ready", async () => ((await this.kube.request("GET", "/readyz").catch(() => null)) !== null ? true : undefined), 60_000);
    await runOk(
      engineBin("kwokctl"),
      ["scale", "node", "--name", this.opts.name, "--replicas", String(NODE_COUNT), "--param", '.nodeIPs=["127.0.0.1"]', "--param", '.podCIDRs=["10.244.0.0/24"]'],
      { env: this.env() },
    );
    await this.kube.create("/apis/storage.k8s.io/v1/storageclasses", {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "observer.test/hostpath",
      reclaimPolicy: "Delete",
      volumeBindingMode: "Immediate",
    });
    this.loops.push(new Loop(1000, () => this.bindClaims()).start());
    await this.serveCharts();
    this.loops.push(new Loop(1000, () => this.watchPrometheusOperator()).start());
    this.webhooks = new WebhookStandIn(this.kube, this.proxy);
    this.webhooks.start();
    this.operator = new OtelOperatorStandIn(this.kube);
    this.operator.start();
  }

  /** The Service behind a ClusterIP (refreshed from the API when unknown). */
  private async serviceByIp(ip: string): Promise<ServiceAddress | undefined> {
    if (!this.services.has(ip)) {
      for (const s of await this.kube.list("/api/v1/services")) {
        for (const clusterIP of s.spec?.clusterIPs ?? [s.spec?.clusterIP]) {
          if (typeof clusterIP === "string" && clusterIP !== "None") {
            this.services.set(clusterIP, {
              namespace: s.metadata.namespace!,
              name: s.metadata.name,
              clusterIPs: s.spec.clusterIPs ?? [clusterIP],
              ports: (s.spec.ports ?? []).map((p: { port: number; name?: string }) => ({ port: p.port, ...(p.name ? { name: p.name } : {}) })),
            });
          }
        }
      }
    }
    return this.services.get(ip);
  }

  /** Binds every Pending claim of the default class to a new hostPath volume under the lane's directory. */
  private async bindClaims(): Promise<void> {
    for (const pvc of await this.kube.list("/api/v1/persistentvolumeclaims")) {
      if (pvc.status?.phase !== "Pending" || pvc.spec?.volumeName) continue;
      const name = `pv-${pvc.metadata.uid!.slice(0, 18)}`;
      const hostPath = path.join(this.dir, "volumes", name);
      fs.mkdirSync(hostPath, { recursive: true });
      await this.kube
        .create("/api/v1/persistentvolumes", {
          apiVersion: "v1",
          kind: "PersistentVolume",
          metadata: { name, labels: { "observer.test/lane-volume": "true" } },
          spec: {
            capacity: { storage: pvc.spec.resources?.requests?.storage ?? "1Gi" },
            accessModes: pvc.spec.accessModes ?? ["ReadWriteOnce"],
            persistentVolumeReclaimPolicy: "Retain",
            storageClassName: pvc.spec.storageClassName ?? "standard",
            hostPath: { path: hostPath, type: "DirectoryOrCreate" },
            claimRef: { namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
          },
        })
        .catch(() => undefined);
    }
  }

  /** The pinned charts (plus repackaged versions) as a Helm repository on 127.0.0.1. */
  private async serveCharts(): Promise<void> {
    const charts = path.join(this.dir, "charts");
    fs.mkdirSync(charts, { recursive: true });
    if (!fs.existsSync(path.join(SHARED_CHARTS, "index.yaml"))) {
      throw new Error(`${SHARED_CHARTS} is missing: the lane installs the pinned charts from ../shared/charts beside the clone`);
    }
    for (const f of fs.readdirSync(SHARED_CHARTS)) if (f.endsWith(".tgz")) fs.copyFileSync(path.join(SHARED_CHARTS, f), path.join(charts, f));
    for (const extra of this.opts.extraChartVersions ?? []) {
      const unpack = path.join(this.dir, "unpack", extra.version);
      fs.mkdirSync(unpack, { recursive: true });
      await runOk("tar", ["-xzf", path.join(SHARED_CHARTS, extra.from), "-C", unpack]);
      await runOk(engineBin("helm"), ["package", path.join(unpack, extra.chart), "--version", extra.version, "--destination", charts], { env: this.env() });
    }
    await runOk(engineBin("helm"), ["repo", "index", charts], { env: this.env() });
    this.chartServer = http.createServer((req, res) => {
      const file = path.join(charts, path.basename(decodeURIComponent((req.url ?? "/").split("?")[0]!)));
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "Content-Type": file.endsWith(".yaml") ? "text/yaml" : "application/gzip" });
      fs.createReadStream(file).pipe(res);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => this.chartServer!.listen(port, "127.0.0.1", resolve));
    this.chartsUrl = `http://127.0.0.1:${port}`;
  }

  /**
   * The real prometheus-operator v0.93.1, out of cluster, started as soon as kube-prometheus-stack's operator
   * Deployment exists, with exactly the arguments the chart gave that Deployment (only the API server
   * credentials added and its web listener moved to a loopback port without TLS); stopped when the Deployment
   * goes or is scaled to zero. It reconciles Prometheus and Alertmanager into StatefulSets and their
   * configuration Secrets for real.
   */
  private async watchPrometheusOperator(): Promise<void> {
    const deployments = await this.kube.list("/apis/apps/v1/deployments?labelSelector=app%3Dkube-prometheus-stack-operator");
    const d = deployments.find((x) => (x.spec?.replicas ?? 1) > 0 && !x.metadata.deletionTimestamp);
    const running = this.procs.alive("prometheus-operator");
    if (!d) {
      if (running) await this.procs.stop("prometheus-operator");
      return;
    }
    if (running) return;
    const pki = path.join(this.dir, "kwok", "clusters", this.opts.name, "pki");
    const chartArgs: string[] = d.spec.template.spec.containers[0].args ?? [];
    const args = [
      ...chartArgs.filter((a) => !a.startsWith("--web.")),
      `--apiserver=https://127.0.0.1:${this.kube.server.port}`,
      `--ca-file=${path.join(pki, "ca.crt")}`,
      `--cert-file=${path.join(pki, "admin.crt")}`,
      `--key-file=${path.join(pki, "admin.key")}`,
      "--web.enable-tls=false",
      `--web.listen-address=127.0.0.1:${await freePort()}`,
    ];
    this.prometheusOperatorArgs = args;
    this.procs.start("prometheus-operator", engineBin("prometheus-operator"), args, { env: this.env() });
  }

  /** The arguments the real prometheus-operator runs with (the chart's, see {@link watchPrometheusOperator}). */
  prometheusOperatorArgs: string[] = [];

  /** kubectl against this cluster (the npm-shipped kubectl). */
  kubectl(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    return runOk(engineBin("kubectl"), args, { env: this.env(), ...opts });
  }

  /** Every object of the given plural resources in a namespace (or cluster-wide). */
  async names(apiPath: string): Promise<string[]> {
    return (await this.kube.list(apiPath)).map((o: KubeObject) => `${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`).sort();
  }

  /** Stops everything and removes the directory. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // The loops first, waiting for an iteration in flight (the prometheus-operator watch may be starting it).
    await Promise.all(this.loops.map((l) => l.stop()));
    await this.operator?.stop();
    await this.webhooks?.stop();
    await this.procs.stopAll();
    await run(engineBin("kwokctl"), ["delete", "cluster", "--name", this.opts.name], { env: this.env(), timeoutMs: 60_000 }).catch(() => undefined);
    await sleep(200);
    this.kube?.close();
    await new Promise<void>((resolve) => {
      if (!this.chartServer) return resolve();
      this.chartServer.close(() => resolve());
      this.chartServer.closeAllConnections();
    });
    await this.proxy.stop();
    if (!process.env.OBSERVER_ENGINE_KEEP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function kwokctlConfig(egressConfig: string): string {
  const docs = [
    {
      apiVersion: "config.kwok.x-k8s.io/v1alpha1",
      kind: "KwokctlConfiguration",
      options: {
        runtime: "binary",
        bindAddress: "127.0.0.1",
        kubeVersion: "v1.34.4",
        kubeApiserverBinary: engineBin("kube-apiserver"),
        kubeControllerManagerBinary: engineBin("kube-controller-manager"),
        kubeSchedulerBinary: engineBin("kube-scheduler"),
        kubectlBinary: engineBin("kubectl"),
        etcdBinary: engineBin("etcd"),
        kwokControllerBinary: engineBin("kwok"),
        // kwok turns every admission plugin off unless asked: the chart's webhooks must be enforced here.
        kubeAdmission: true,
        kubeAuthorization: true,
      },
      componentsPatches: [
        {
          name: "kube-apiserver",
          extraArgs: [
            // Every call towards a Service (webhooks, CRD conversion) goes through the lane's proxy.
            { key: "egress-selector-config-file", value: egressConfig },
            { key: "service-cluster-ip-range", value: "10.96.0.0/16" },
          ],
        },
        { name: "kube-controller-manager", extraArgs: [{ key: "service-cluster-ip-range", value: "10.96.0.0/16" }] },
      ],
    },
  ];
  return docs.map((d) => stringify(d)).join("---\n");
}
