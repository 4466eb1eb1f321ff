/**
 * Production adapter: {@link KubeApi} over `@kubernetes/client-node` 1.3.0's KubeConfig, using the
 * SAME kubeconfig and context as the Pulumi Kubernetes provider (index.ts builds the provider from
 * `observer:kubeContext` and $KUBECONFIG, and passes the same two values here).
 *
 * `@kubernetes/client-node` 1.x is ESM-only. This program compiles to CommonJS, where TypeScript
 * rewrites `import()` to `require()` (which cannot load ESM), so the module is loaded with a real
 * dynamic import hidden from the compiler. Only the KubeConfig is used: it resolves the cluster URL,
 * TLS material, tokens, exec credential plugins and proxies; the requests themselves go through
 * ./kube-api.ts, which the unit tests exercise. This file is not loaded by unit tests (ts-jest cannot
 * import an ESM package without --experimental-vm-modules); nothing else in the program imports the
 * client package.
 */
import type * as https from "node:https";
import { createHttpTransport, createKubeApiOverTransport, type KubeApi } from "./kube-api";

type ClientNode = typeof import("@kubernetes/client-node");

// A real `import()` that TypeScript's CommonJS output leaves alone.
const dynamicImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

/** Which cluster to talk to: the same two settings the provider gets. */
export interface KubeTarget {
  /**
   * Kubeconfig file path, or kubeconfig contents (YAML/JSON), as given to the provider's `kubeconfig`.
   * @default $KUBECONFIG (colon-separated list merged), else ~/.kube/config, else in-cluster
   */
  readonly kubeconfig?: string;
  /** Context name (`observer:kubeContext`). @default the kubeconfig's current context */
  readonly context?: string;
}

function looksLikeContents(s: string): boolean {
  return s.includes("\n") || /^\s*[{]/.test(s) || /apiVersion\s*:/.test(s);
}

/** Builds a {@link KubeApi} for the cluster the provider targets. */
export async function createKubeApi(target: KubeTarget = {}): Promise<KubeApi> {
  const k8s = (await dynamicImport("@kubernetes/client-node")) as ClientNode;
  const kc = new k8s.KubeConfig();
  if (target.kubeconfig === undefined || target.kubeconfig === "") kc.loadFromDefault();
  else if (looksLikeContents(target.kubeconfig)) kc.loadFromString(target.kubeconfig);
  else kc.loadFromFile(target.kubeconfig);
  if (target.context !== undefined && target.context !== "") {
    if (!kc.getContextObject(target.context)) {
      throw new Error(`kubeconfig has no context "${target.context}" (known: ${kc.getContexts().map((c) => c.name).join(", ") || "none"})`);
    }
    kc.setCurrentContext(target.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig context "${kc.getCurrentContext()}" names no cluster`);
  return createKubeApiOverTransport(
    createHttpTransport({
      server: cluster.server,
      prepare: (opts: https.RequestOptions) => kc.applyToHTTPSOptions(opts),
    }),
  );
}
