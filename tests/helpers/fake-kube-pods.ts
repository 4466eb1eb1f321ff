/**
 * A stand-in for the one Kubernetes API the gateway's `k8s_attributes` processor reads: the pod informer's list
 * and watch of `/api/v1/pods`, on 127.0.0.1 (plain HTTP). It serves a fixed set of pods, answers a watch with
 * nothing more (or, for client-go's streaming list, `sendInitialEvents=true`, with the pods then the
 * initial-events-end bookmark) and keeps it open, and records every request. Anything else answers 404.
 * {@link FakeKubePods.kubeconfig} writes a kubeconfig pointing at it, for `auth_type: kubeConfig`.
 */
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import { LOOPBACK } from "./processes";

export interface FakePod {
  name: string;
  namespace: string;
  uid: string;
  ip: string;
  node: string;
  labels: Record<string, string>;
  containers: string[];
}

function podObject(p: FakePod): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: p.name, namespace: p.namespace, uid: p.uid, labels: p.labels, resourceVersion: "1", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { nodeName: p.node, containers: p.containers.map((name) => ({ name, image: `example.com/${name}:1` })) },
    status: {
      phase: "Running",
      podIP: p.ip,
      podIPs: [{ ip: p.ip }],
      startTime: "2026-01-01T00:00:00Z",
      containerStatuses: p.containers.map((name) => ({ name, ready: true, restartCount: 0, image: `example.com/${name}:1`, imageID: "", containerID: `containerd://${name}` })),
    },
  };
}

export class FakeKubePods {
  readonly requests: string[] = [];
  private server: http.Server | undefined;
  private readonly open = new Set<http.ServerResponse>();
  url = "";

  constructor(private readonly pods: FakePod[]) {}

  /** How many watches of pods are open (the informer has listed and is watching). */
  get watching(): number {
    return this.open.size;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.requests.push(`${req.method} ${req.url}`);
      const u = new URL(req.url ?? "/", "http://x");
      if (req.method !== "GET" || u.pathname !== "/api/v1/pods") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 }));
        return;
      }
      if (u.searchParams.get("watch") === "true" || u.searchParams.get("watch") === "1") {
        res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
        if (u.searchParams.get("sendInitialEvents") === "true") {
          for (const p of this.pods) res.write(`${JSON.stringify({ type: "ADDED", object: podObject(p) })}\n`);
          res.write(
            `${JSON.stringify({
              type: "BOOKMARK",
              object: { kind: "Pod", apiVersion: "v1", metadata: { resourceVersion: "1", annotations: { "k8s.io/initial-events-end": "true" } } },
            })}\n`,
          );
        }
        this.open.add(res);
        res.on("close", () => this.open.delete(res));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: this.pods.map(podObject) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, LOOPBACK, resolve));
    this.url = `http://${LOOPBACK}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Writes a kubeconfig for this server (no credentials) and returns its path. */
  kubeconfig(file: string): string {
    fs.writeFileSync(
      file,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "fake", cluster: { server: this.url } }],
        users: [{ name: "fake", user: {} }],
        contexts: [{ name: "fake", context: { cluster: "fake", user: "fake" } }],
        "current-context": "fake",
      }),
    );
    return file;
  }

  async stop(): Promise<void> {
    for (const r of this.open) r.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
