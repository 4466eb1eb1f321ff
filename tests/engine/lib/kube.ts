/**
 * A small JSON client for the lane's API server (127.0.0.1, client certificates from the kubeconfig kwokctl
 * writes). The lane's own plumbing (stand-ins, PVC binder, assertions) uses it; the product's hooks use their
 * own client (components/lifecycle), which the lane exercises through the real program.
 */
import * as fs from "node:fs";
import * as https from "node:https";
import { parse } from "yaml";

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    generation?: number;
    resourceVersion?: string;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

export interface KubeList<T = KubeObject> {
  items: T[];
}

export class KubeError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: unknown,
  ) {
    const message = body && typeof body === "object" && "message" in body ? String((body as { message: unknown }).message) : JSON.stringify(body);
    super(`${method} ${path}: HTTP ${status}: ${message}`);
  }
}

export class Kube {
  readonly server: URL;
  private readonly agent: https.Agent;

  constructor(readonly kubeconfig: string) {
    const kc = parse(fs.readFileSync(kubeconfig, "utf8")) as {
      "current-context": string;
      contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
      clusters: Array<{ name: string; cluster: { server: string; "certificate-authority": string } }>;
      users: Array<{ name: string; user: { "client-certificate": string; "client-key": string } }>;
    };
    const ctx = kc.contexts.find((c) => c.name === kc["current-context"])!.context;
    const cluster = kc.clusters.find((c) => c.name === ctx.cluster)!.cluster;
    const user = kc.users.find((u) => u.name === ctx.user)!.user;
    this.server = new URL(cluster.server);
    if (this.server.hostname !== "127.0.0.1") throw new Error(`the lane talks only to 127.0.0.1, not ${this.server.hostname}`);
    this.agent = new https.Agent({
      ca: fs.readFileSync(cluster["certificate-authority"]),
      cert: fs.readFileSync(user["client-certificate"]),
      key: fs.readFileSync(user["client-key"]),
      keepAlive: true,
      maxSockets: 8,
    });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One request; 404 answers `null` when `allow404`. */
  request<T = KubeObject>(
    method: string,
    path: string,
    body?: unknown,
    opts: { contentType?: string; allow404?: boolean; timeoutMs?: number } = {},
  ): Promise<T | null> {
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port: this.server.port,
          method,
          path,
          agent: this.agent,
          timeout: opts.timeoutMs ?? 30_000,
          headers: {
            Accept: "application/json",
            ...(payload !== undefined ? { "Content-Type": opts.contentType ?? "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              /* text */
            }
            const status = res.statusCode ?? 0;
            if (status === 404 && opts.allow404) return resolve(null);
            if (status < 200 || status >= 300) return reject(new KubeError(status, method, path, parsed));
            resolve(parsed as T);
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get<T = KubeObject>(path: string): Promise<T | null> {
    return this.request<T>("GET", path, undefined, { allow404: true });
  }

  async list<T = KubeObject>(path: string): Promise<T[]> {
    return (await this.get<KubeList<T>>(path))?.items ?? [];
  }

  async create<T = KubeObject>(path: string, obj: unknown): Promise<T> {
    return (await this.request<T>("POST", path, obj))!;
  }

  /** Server-side apply (field manager `observer-engine-lane`). */
  async apply<T = KubeObject>(path: string, obj: unknown, fieldManager = "observer-engine-lane"): Promise<T> {
    return (await this.request<T>("PATCH", `${path}?fieldManager=${fieldManager}&force=true`, obj, { contentType: "application/apply-patch+yaml" }))!;
  }

  patch<T = KubeObject>(path: string, patch: unknown, type: "merge" | "json" = "merge"): Promise<T | null> {
    return this.request<T>("PATCH", path, patch, { contentType: type === "merge" ? "application/merge-patch+json" : "application/json-patch+json", allow404: true });
  }

  delete(path: string): Promise<unknown> {
    return this.request("DELETE", path, undefined, { allow404: true });
  }
}
