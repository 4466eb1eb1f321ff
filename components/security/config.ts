/**
 * Config keys owned by this area: issue 6 (NetworkPolicies).
 * Merged into the one `observer:*` schema by components/config.ts; resolved after the core keys.
 */
import { z } from "zod";
import type { BaseConfig, ConfigProblem } from "../config";
import { DNS1123_LABEL, LABEL_VALUE, port, QUALIFIED_NAME } from "../forms";

const CIDR = /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)\/(3[0-2]|[12]?\d)$|^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|\d?\d)$/;

const cidr = z
  .string({ error: "expected a CIDR block such as '10.0.0.0/16' or 'fd00::/8'" })
  .regex(CIDR, { error: "expected a CIDR block such as '10.0.0.0/16' or 'fd00::/8'" });

/** Zod schemas of this area's top-level keys (all optional; defaults applied in resolve). */
export const securityShape = {
  networkPolicy: z
    .strictObject({
      enabled: z.boolean({ error: "expected true or false" }).optional(),
      cni: z.enum(["generic", "cilium"], { error: "expected 'generic' or 'cilium'" }).optional(),
      ingressController: z
        .strictObject({
          namespace: z
            .string({ error: "expected a DNS-1123 label (the ingress controller's namespace)" })
            .max(63, { error: "expected a DNS-1123 label of at most 63 characters" })
            .regex(DNS1123_LABEL, { error: "expected a DNS-1123 label (the ingress controller's namespace)" })
            .optional(),
          podSelector: z
            .record(
              z.string().regex(QUALIFIED_NAME, { error: "expected a Kubernetes label key such as 'app.kubernetes.io/name'" }),
              z
                .string({ error: "expected a Kubernetes label value" })
                .max(63, { error: "expected a Kubernetes label value of at most 63 characters" })
                .regex(LABEL_VALUE, { error: "expected a Kubernetes label value" }),
              { error: "expected a map of pod labels, such as {\"app.kubernetes.io/name\": \"ingress-nginx\"}" },
            )
            .optional(),
        })
        .optional(),
      apiServer: z
        .strictObject({
          cidrs: z.array(cidr, { error: "expected a list of CIDR blocks" }).min(1, { error: "expected at least one CIDR block" }).optional(),
          ports: z.array(port, { error: "expected a list of port numbers" }).min(1, { error: "expected at least one port" }).optional(),
        })
        .optional(),
    })
    .optional(),
} satisfies Record<string, z.ZodType>;

/** NetworkPolicy settings, resolved. */
export interface NetworkPolicyConfig {
  /** Create the default-deny policy and the allow-list. @default true */
  enabled: boolean;
  /**
   * `generic`: only networking.k8s.io/v1 NetworkPolicies, written so that every CNI enforces them alike (the API
   * server is matched by port, not by address). `cilium`: the flows that involve the API server (or other
   * non-pod peers) become CiliumNetworkPolicies naming Cilium's entities (`kube-apiserver`, `host`,
   * `remote-node`), which is narrower; it needs Cilium's CRDs. @default "generic"
   */
  cni: "generic" | "cilium";
  /** Where the ingress controller that serves Grafana runs. */
  ingressController: {
    /** @default "ingress-nginx" */
    namespace: string;
    /** Labels of the controller pods in that namespace. @default {} (every pod of the namespace) */
    podSelector: Record<string, string>;
  };
  /**
   * Where the Kubernetes API server is, seen from pods after Service translation (its endpoint IPs
   * and port), for egress to it and ingress from it to the admission webhooks. A `/0` block means any
   * address: the rules then name only the ports (matched on every CNI); narrower blocks become `ipBlock`s,
   * which Cilium never matches for the nodes the API server runs on (use `cni: cilium` there).
   */
  apiServer: {
    /** @default ["0.0.0.0/0", "::/0"] (any address: narrow to your control plane's when you know it) */
    cidrs: string[];
    /** @default [443, 6443] (managed clusters expose 443; kubeadm, kind and k3s 6443) */
    ports: number[];
  };
}

/** This area's resolved config, merged into ObserverConfig. */
export interface SecurityConfig {
  networkPolicy: NetworkPolicyConfig;
}

export const SECURITY_DEFAULTS = {
  ingressControllerNamespace: "ingress-nginx",
  apiServerCidrs: ["0.0.0.0/0", "::/0"],
  apiServerPorts: [443, 6443],
} as const;

type RawSecurity = z.infer<z.ZodObject<typeof securityShape>>;

/**
 * Applies defaults (per profile) and semantic checks. Push every problem into `problems`
 * (key path as `observer:a.b`), never throw.
 */
export function resolveSecurity(raw: RawSecurity, _base: BaseConfig, problems: ConfigProblem[]): SecurityConfig {
  const np = raw.networkPolicy;
  const ports = np?.apiServer?.ports ?? [...SECURITY_DEFAULTS.apiServerPorts];
  if (new Set(ports).size !== ports.length) {
    problems.push({ path: "observer:networkPolicy.apiServer.ports", message: "expected each port once" });
  }
  const cni = np?.cni ?? "generic";
  if (cni === "cilium" && np?.apiServer?.cidrs !== undefined) {
    problems.push({
      path: "observer:networkPolicy.apiServer.cidrs",
      message:
        "not used with observer:networkPolicy.cni=cilium (the policies select the API server by Cilium's kube-apiserver, host and remote-node entities, which CIDRs never match there); remove it",
    });
  }
  return {
    networkPolicy: {
      enabled: np?.enabled ?? true,
      cni,
      ingressController: {
        namespace: np?.ingressController?.namespace ?? SECURITY_DEFAULTS.ingressControllerNamespace,
        podSelector: { ...(np?.ingressController?.podSelector ?? {}) },
      },
      apiServer: {
        cidrs: np?.apiServer?.cidrs ?? [...SECURITY_DEFAULTS.apiServerCidrs],
        ports,
      },
    },
  };
}
