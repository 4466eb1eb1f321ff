/**
 * A tiny stand-in for the Kubernetes API server on 127.0.0.1 (random port): it serves the few
 * endpoints the lifecycle hooks call, keeps objects in memory, applies JSON merge patches to
 * metadata.finalizers, and records every request exactly as received (method, path with query,
 * content type, accept header, body) so tests can assert the wire protocol.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { KubeObject } from "../../../components/lifecycle/kube-api";

export interface RecordedRequest {
  readonly method: string;
  /** Path and query exactly as sent. */
  readonly url: string;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  /** Parsed JSON body, or undefined. */
  readonly body: unknown;
}

function status(code: number, reason: string, message: string) {
  return { kind: "Status", apiVersion: "v1", status: "Failure", reason, message, code };
}

/** `a=b,c=d` equality selectors only (all the hooks send). */
function matches(selector: string | null, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return (labels ?? {})[k!] === v;
  });
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** `group/version/plural` resources that are served (others answer 404 like a missing CRD). */
  readonly served = new Set<string>();
  /** Custom objects by `group/plural/namespace/name` (version-independent, like the real storage). */
  readonly objects = new Map<string, KubeObject>();
  /** Deployments by `namespace/name`. */
  readonly deployments = new Map<string, KubeObject>();
  /** CustomResourceDefinitions (full objects; the list endpoint answers metadata only when asked). */
  crds: KubeObject[] = [];
  /** Objects (by name) deleted right after they were returned by a list or get: a delete racing with the hook. */
  readonly vanishAfterRead = new Set<string>();
  /** When set, list calls ignore the label selector (a misbehaving server / proxy). */
  ignoreSelectors = false;
  /** When set, every request to a path starting with this prefix answers 500. */
  failPrefix: string | undefined;

  private server: http.Server | undefined;
  url = "";

  serve(group: string, version: string, plural: string): this {
    this.served.add(`${group}/${version}/${plural}`);
    return this;
  }

  addObject(group: string, plural: string, obj: KubeObject): this {
    this.objects.set(`${group}/${plural}/${obj.metadata!.namespace}/${obj.metadata!.name}`, structuredClone(obj));
    return this;
  }

  object(group: string, plural: string, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(`${group}/${plural}/${namespace}/${name}`);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        const rec: RecordedRequest = {
          method: req.method ?? "",
          url: req.url ?? "",
          contentType: req.headers["content-type"],
          accept: req.headers["accept"],
          body,
        };
        this.requests.push(rec);
        const [code, out] = this.handle(rec);
        res.writeHead(code, { "Content-Type": "application/json" });
        res.end(JSON.stringify(out));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private read(key: string, name: string): KubeObject | undefined {
    const obj = this.objects.get(key);
    if (obj && this.vanishAfterRead.has(name)) this.objects.delete(key);
    return obj;
  }

  private handle(req: RecordedRequest): [number, unknown] {
    const u = new URL(req.url, "http://x");
    const p = u.pathname;
    if (this.failPrefix !== undefined && p.startsWith(this.failPrefix)) {
      return [500, status(500, "InternalError", "etcd is on fire")];
    }
    let m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/.exec(p);
    if (m && req.method === "GET") {
      const d = this.deployments.get(`${m[1]}/${m[2]}`);
      return d ? [200, d] : [404, status(404, "NotFound", `deployments.apps "${m[2]}" not found`)];
    }
    if (p === "/apis/apiextensions.k8s.io/v1/customresourcedefinitions" && req.method === "GET") {
      if (req.accept?.includes("as=PartialObjectMetadataList")) {
        return [
          200,
          {
            kind: "PartialObjectMetadataList",
            apiVersion: "meta.k8s.io/v1",
            items: this.crds.map((c) => ({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: c.metadata })),
          },
        ];
      }
      return [200, { kind: "CustomResourceDefinitionList", apiVersion: "apiextensions.k8s.io/v1", items: this.crds }];
    }
    m = /^\/apis\/apiextensions\.k8s\.io\/v1\/customresourcedefinitions\/([^/]+)$/.exec(p);
    if (m && req.method === "GET") {
      const crd = this.crds.find((c) => c.metadata?.name === m![1]);
      return crd ? [200, structuredClone(crd)] : [404, status(404, "NotFound", `customresourcedefinitions.apiextensions.k8s.io "${m[1]}" not found`)];
    }
    m = /^\/apis\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(p);
    if (m && req.method === "GET") {
      const [, group, version, plural] = m;
      if (!this.served.has(`${group}/${version}/${plural}`)) return [404, status(404, "NotFound", "the server could not find the requested resource")];
      const selector = this.ignoreSelectors ? null : u.searchParams.get("labelSelector");
      const items: KubeObject[] = [];
      for (const [key, obj] of [...this.objects.entries()]) {
        if (!key.startsWith(`${group}/${plural}/`)) continue;
        if (!matches(selector, obj.metadata?.labels)) continue;
        items.push({ ...structuredClone(obj), apiVersion: `${group}/${version}` });
        if (this.vanishAfterRead.has(obj.metadata!.name!)) this.objects.delete(key);
      }
      return [200, { kind: "List", apiVersion: `${group}/${version}`, items }];
    }
    m = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(p);
    if (m) {
      const [, group, version, namespace, plural, name] = m;
      if (!this.served.has(`${group}/${version}/${plural}`)) return [404, status(404, "NotFound", "the server could not find the requested resource")];
      const key = `${group}/${plural}/${namespace}/${name}`;
      const notFound = status(404, "NotFound", `${plural}.${group} "${name}" not found`);
      if (req.method === "GET") {
        const obj = this.read(key, name!);
        return obj ? [200, { ...structuredClone(obj), apiVersion: `${group}/${version}` }] : [404, notFound];
      }
      if (req.method === "PATCH") {
        if (req.contentType !== "application/merge-patch+json") {
          return [415, status(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json`)];
        }
        const obj = this.objects.get(key);
        if (!obj) return [404, notFound];
        const patch = req.body as { metadata?: { finalizers?: string[] | null } };
        if (patch.metadata && "finalizers" in patch.metadata) {
          if (patch.metadata.finalizers === null) delete obj.metadata!.finalizers;
          else obj.metadata!.finalizers = patch.metadata.finalizers;
        }
        return [200, { ...structuredClone(obj), apiVersion: `${group}/${version}` }];
      }
    }
    return [404, status(404, "NotFound", "the server could not find the requested resource")];
  }
}
