/**
 * A tiny stand-in for the Kubernetes API server on 127.0.0.1 (random port): it serves the few
 * endpoints the lifecycle hooks call, keeps objects in memory, applies JSON patches (with `test`
 * preconditions) to metadata.finalizers, deletes with uid preconditions (an object with finalizers gets a
 * deletionTimestamp and stays), patches Namespace labels, can play an operator (removes its finalizer on
 * delete) and an unreachable `failurePolicy: Fail` admission webhook (rejects every PATCH of a custom object
 * outside namespaces carrying a bypass label), and records every request exactly as received (method, path
 * with query, content type, accept header, body) so tests can assert the wire protocol. The real API server
 * is the real-engine lane's (tests/engine).
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
  /** Any other object, by its exact API path (GET only). */
  readonly byPath = new Map<string, KubeObject>();
  /** Namespaces by name (labels only). */
  readonly namespaces = new Map<string, KubeObject>();
  /**
   * An unreachable admission webhook: every PATCH of a custom object is rejected as the API server words it,
   * unless the object's namespace carries this label (the webhook's namespaceSelector excludes it).
   */
  webhookUnreachableUnlessLabel: string | undefined;
  /** How many patches after the bypass label is set still meet the webhook (the API server's namespace cache lags). */
  bypassCacheLag = 0;
  /** A working operator: on delete it removes this finalizer from the object (then the object goes). */
  operatorRemoves: string | undefined;
  /** Every label value a namespace ever had, in order (to check a label was set and removed). */
  readonly namespaceLabelHistory: Array<Record<string, string>> = [];
  private uids = 0;

  private server: http.Server | undefined;
  url = "";

  serve(group: string, version: string, plural: string): this {
    this.served.add(`${group}/${version}/${plural}`);
    return this;
  }

  addObject(group: string, plural: string, obj: KubeObject): this {
    const o = structuredClone(obj);
    o.metadata!.uid ??= `uid-${++this.uids}`;
    this.objects.set(`${group}/${plural}/${o.metadata!.namespace}/${o.metadata!.name}`, o);
    if (!this.namespaces.has(o.metadata!.namespace!)) this.namespaces.set(o.metadata!.namespace!, { metadata: { name: o.metadata!.namespace!, labels: {} } });
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
    if (req.method === "GET" && this.byPath.has(p)) return [200, structuredClone(this.byPath.get(p))];
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
    m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p);
    if (m && req.method === "PATCH") {
      const ns = this.namespaces.get(m[1]!);
      if (!ns) return [404, status(404, "NotFound", `namespaces "${m[1]}" not found`)];
      if (req.contentType !== "application/merge-patch+json") return [415, status(415, "UnsupportedMediaType", "merge patch expected")];
      const labels = (req.body as { metadata?: { labels?: Record<string, string | null> } }).metadata?.labels ?? {};
      const current = (ns.metadata!.labels ??= {});
      for (const [k, v] of Object.entries(labels)) {
        if (v === null) delete current[k];
        else current[k] = v;
      }
      this.namespaceLabelHistory.push({ ...current });
      return [200, structuredClone(ns)];
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
        if (req.contentType !== "application/json-patch+json") {
          return [415, status(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json`)];
        }
        const obj = this.objects.get(key);
        if (!obj) return [404, notFound];
        const bypass = this.webhookUnreachableUnlessLabel;
        const lagging = bypass !== undefined && this.bypassCacheLag > 0 && this.namespaces.get(namespace!)?.metadata?.labels?.[bypass] !== undefined;
        if (lagging) this.bypassCacheLag--;
        if (bypass !== undefined && (lagging || this.namespaces.get(namespace!)?.metadata?.labels?.[bypass] === undefined)) {
          return [500, status(500, "InternalError", `Internal error occurred: failed calling webhook "vopentelemetrycollectorcreateupdatebeta.kb.io": failed to call webhook: Post "https://opentelemetry-operator-webhook.${namespace}.svc:443/validate-opentelemetry-io-v1beta1-opentelemetrycollector?timeout=10s": proxy error`)];
        }
        const ops = req.body as Array<{ op: string; path: string; value?: unknown }>;
        for (const op of ops) {
          if (op.op === "test") {
            const field = op.path === "/metadata/uid" ? obj.metadata!.uid : op.path === "/metadata/finalizers" ? obj.metadata!.finalizers : undefined;
            if (JSON.stringify(field ?? null) !== JSON.stringify(op.value ?? null)) {
              return [422, status(422, "Invalid", `the server rejected our request due to an error in our request: testing value ${op.path} failed: test failed`)];
            }
          }
        }
        for (const op of ops) {
          if (op.op === "replace" && op.path === "/metadata/finalizers") obj.metadata!.finalizers = op.value as string[];
        }
        const out = { ...structuredClone(obj), apiVersion: `${group}/${version}` };
        if (obj.metadata!.deletionTimestamp !== undefined && (obj.metadata!.finalizers ?? []).length === 0) this.objects.delete(key);
        return [200, out];
      }
      if (req.method === "DELETE") {
        const obj = this.objects.get(key);
        if (!obj) return [404, notFound];
        const pre = (req.body as { preconditions?: { uid?: string } } | undefined)?.preconditions;
        if (pre?.uid !== undefined && pre.uid !== obj.metadata!.uid) {
          return [409, status(409, "Conflict", `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata!.uid}`)];
        }
        if (this.operatorRemoves !== undefined) obj.metadata!.finalizers = (obj.metadata!.finalizers ?? []).filter((f) => f !== this.operatorRemoves);
        if ((obj.metadata!.finalizers ?? []).length === 0) {
          this.objects.delete(key);
          return [200, { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind: plural } }];
        }
        obj.metadata!.deletionTimestamp ??= "2026-11-29T00:00:00Z";
        return [200, { ...structuredClone(obj), apiVersion: `${group}/${version}` }];
      }
    }
    return [404, status(404, "NotFound", "the server could not find the requested resource")];
  }
}
