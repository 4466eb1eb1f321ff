/**
 * The small slice of the Kubernetes API the lifecycle hooks need, as an interface over a plain HTTP
 * transport. Everything here is CommonJS-friendly and testable: the production transport (TLS,
 * credentials, proxies from the kubeconfig) is built in ./client.ts from `@kubernetes/client-node`,
 * which is ESM-only; tests use {@link createHttpTransport} against a local HTTP server that plays
 * the API server, so the exact paths, query strings, verbs, content types and bodies are checked.
 */
import * as http from "node:http";
import * as https from "node:https";

/** A Kubernetes object as the hooks see it (only metadata matters here). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
    resourceVersion?: string;
    uid?: string;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

/** Group, version and plural resource name of a custom resource (`opentelemetry.io`, `v1beta1`, `opentelemetrycollectors`). */
export interface CustomResourceRef {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

/** The operations the hooks use. Every "not found" is a value (`null`), never an exception. */
export interface KubeApi {
  /**
   * Lists custom objects in every namespace (or one), filtered by a label selector.
   * @returns the items, or `null` when the resource (CRD, or this version of it) is not served (404).
   */
  listCustomObjects(ref: CustomResourceRef, opts: { labelSelector?: string; namespace?: string }): Promise<KubeObject[] | null>;
  /** Reads one custom object; `null` when it does not exist (or its CRD is gone). */
  getCustomObject(ref: CustomResourceRef, namespace: string, name: string): Promise<KubeObject | null>;
  /**
   * Applies a JSON patch (RFC 6902, `application/json-patch+json`) to a custom object; its `test`
   * operations are preconditions (a failed one answers 422 and changes nothing).
   * @returns the patched object, or `null` when it is gone (404).
   */
  jsonPatchCustomObject(ref: CustomResourceRef, namespace: string, name: string, patch: readonly JsonPatchOp[]): Promise<KubeObject | null>;
  /**
   * Deletes a custom object (background propagation), only if its uid is still `preconditions.uid`.
   * @returns the object as it is now (still present, with a `deletionTimestamp`, while finalizers remain), or
   * `null` when it is gone or is another object than the one meant (404, or 409 on a uid precondition).
   */
  deleteCustomObject(ref: CustomResourceRef, namespace: string, name: string, preconditions: { uid?: string }): Promise<KubeObject | null>;
  /** Applies a JSON merge patch (RFC 7386) to a Namespace (labels only, here). `null` when it does not exist. */
  mergePatchNamespace(name: string, patch: object): Promise<KubeObject | null>;
  /** Reads any object by its API path (`/apis/<group>/<version>/<plural>/<name>`); `null` when it does not exist. */
  getObject(apiPath: string): Promise<KubeObject | null>;
  /** Reads an apps/v1 Deployment; `null` when it does not exist. */
  getDeployment(namespace: string, name: string): Promise<KubeObject | null>;
  /**
   * Lists the metadata (name, labels, annotations) of every CustomResourceDefinition, without the
   * (huge) schemas: the request asks for `PartialObjectMetadataList`.
   */
  listCustomResourceDefinitionMetadata(): Promise<KubeObject[]>;
  /** Reads one CustomResourceDefinition with its schemas (what the API server serves); `null` when absent. */
  getCustomResourceDefinition(name: string): Promise<KubeObject | null>;
}

/** One RFC 6902 operation. */
export interface JsonPatchOp {
  readonly op: "test" | "replace" | "add" | "remove";
  readonly path: string;
  readonly value?: unknown;
}

/** One HTTP exchange with the API server. */
export interface TransportRequest {
  readonly method: "GET" | "PATCH" | "DELETE";
  /** Path and query, e.g. `/apis/opentelemetry.io/v1beta1/opentelemetrycollectors?labelSelector=...`. */
  readonly path: string;
  /** JSON request body (serialized by the transport). */
  readonly body?: object;
  /** Content type of the body, e.g. `application/merge-patch+json`. */
  readonly contentType?: string;
  /** Accept header; `application/json` when omitted. */
  readonly accept?: string;
}

export interface TransportResponse {
  readonly status: number;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  readonly body: unknown;
}

/** Sends one request to the API server. Production: ./client.ts; tests: {@link createHttpTransport}. */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

/** A non-2xx, non-404 answer from the API server. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: unknown,
  ) {
    const reason =
      body && typeof body === "object" && "message" in body ? String((body as { message: unknown }).message) : JSON.stringify(body);
    super(`Kubernetes API ${method} ${path} failed with HTTP ${status}: ${reason}`);
    this.name = "KubeApiError";
  }
}

const MERGE_PATCH = "application/merge-patch+json";
export const JSON_PATCH = "application/json-patch+json";
export const PARTIAL_METADATA_LIST = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json";

function customPath(ref: CustomResourceRef, namespace?: string, name?: string): string {
  const ns = namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  const n = name !== undefined ? `/${encodeURIComponent(name)}` : "";
  return `/apis/${ref.group}/${ref.version}${ns}/${ref.plural}${n}`;
}

function items(body: unknown): KubeObject[] {
  const list = body as { items?: KubeObject[] } | null;
  return Array.isArray(list?.items) ? list.items : [];
}

/** Implements {@link KubeApi} over a transport. */
export function createKubeApiOverTransport(transport: Transport): KubeApi {
  async function send(req: TransportRequest, allow404: boolean, allow409 = false): Promise<unknown | null> {
    const res = await transport(req);
    if (res.status >= 200 && res.status < 300) return res.body;
    if ((res.status === 404 && allow404) || (res.status === 409 && allow409)) return null;
    throw new KubeApiError(res.status, req.method, req.path, res.body);
  }
  return {
    async listCustomObjects(ref, opts) {
      const query = opts.labelSelector !== undefined ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : "";
      const body = await send({ method: "GET", path: customPath(ref, opts.namespace) + query }, true);
      return body === null ? null : items(body);
    },
    async getCustomObject(ref, namespace, name) {
      return (await send({ method: "GET", path: customPath(ref, namespace, name) }, true)) as KubeObject | null;
    },
    async jsonPatchCustomObject(ref, namespace, name, patch) {
      return (await send(
        { method: "PATCH", path: customPath(ref, namespace, name), body: patch, contentType: JSON_PATCH },
        true,
      )) as KubeObject | null;
    },
    async deleteCustomObject(ref, namespace, name, preconditions) {
      const body = await send(
        {
          method: "DELETE",
          path: customPath(ref, namespace, name),
          body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background", preconditions },
        },
        true,
        true,
      );
      // A Status answer means the object is already gone; an object answer, that finalizers hold it.
      const obj = body as KubeObject | null;
      return obj !== null && obj.kind !== "Status" && obj.metadata?.deletionTimestamp !== undefined ? obj : null;
    },
    async mergePatchNamespace(name, patch) {
      return (await send(
        { method: "PATCH", path: `/api/v1/namespaces/${encodeURIComponent(name)}`, body: patch, contentType: MERGE_PATCH },
        true,
      )) as KubeObject | null;
    },
    async getObject(apiPath) {
      return (await send({ method: "GET", path: apiPath }, true)) as KubeObject | null;
    },
    async getDeployment(namespace, name) {
      const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
      return (await send({ method: "GET", path }, true)) as KubeObject | null;
    },
    async listCustomResourceDefinitionMetadata() {
      const body = await send(
        { method: "GET", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", accept: PARTIAL_METADATA_LIST },
        false,
      );
      return items(body);
    },
    async getCustomResourceDefinition(name) {
      const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}`;
      return (await send({ method: "GET", path }, true)) as KubeObject | null;
    },
  };
}

export interface HttpTransportOptions {
  /** API server URL, e.g. `https://127.0.0.1:6443` (a path prefix such as a proxy path is kept). */
  readonly server: string;
  /**
   * Adds credentials, TLS material and an agent to the request options before each request
   * (production: `KubeConfig.applyToHTTPSOptions`). Omitted in tests.
   */
  readonly prepare?: (opts: https.RequestOptions) => Promise<void>;
  /** Per-request timeout in milliseconds. @default 30000 */
  readonly timeoutMs?: number;
}

/** A transport over node:http / node:https (chosen by the server URL's scheme). */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = new URL(options.server);
  const prefix = base.pathname.replace(/\/+$/, "");
  const lib = base.protocol === "https:" ? https : http;
  return async (req) => {
    const payload = req.body !== undefined ? JSON.stringify(req.body) : undefined;
    const headers: Record<string, string> = { Accept: req.accept ?? "application/json" };
    if (payload !== undefined) {
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(payload));
    }
    const opts: https.RequestOptions = {
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ""),
      port: base.port || (base.protocol === "https:" ? 443 : 80),
      method: req.method,
      path: prefix + req.path,
      headers,
      timeout: options.timeoutMs ?? 30_000,
    };
    if (options.prepare) {
      await options.prepare(opts);
      // prepare() may replace the headers object; keep ours.
      opts.headers = { ...(opts.headers as Record<string, string>), ...headers };
    }
    return new Promise<TransportResponse>((resolve, reject) => {
      const r = lib.request(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = text.length > 0 ? JSON.parse(text) : null;
          } catch {
            /* keep text */
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on("error", reject);
      });
      r.on("timeout", () => r.destroy(new Error(`Kubernetes API ${req.method} ${req.path}: no answer in ${opts.timeout} ms`)));
      r.on("error", reject);
      if (payload !== undefined) r.write(payload);
      r.end();
    });
  };
}
