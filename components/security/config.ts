/**
 * Config keys owned by this area: issue 6 (NetworkPolicies).
 * Merged into the one `observer:*` schema by components/config.ts; resolved after the core keys.
 */
import { z } from "zod";
import { type BaseConfig, type ConfigProblem, DNS1123_LABEL, LABEL_VALUE, type LabelSelector, port, QUALIFIED_NAME } from "../forms";

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
          cidrs: z.array(cidr, { error: "expected a list of CIDR blocks" }).min(1, { error: "expected at least one CIDR block" }).optional(),
          hostNetwork: z.boolean({ error: "expected true or false" }).optional(),
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

/**
 * A Cilium `Entity` (cilium/cilium pkg/policy/api entity.go; the CiliumNetworkPolicy CRD's enum, every value): the
 * non-pod peers {@link IngressControllerSource} and the Cilium-mode policies (./network-policies.ts) name.
 */
export type CiliumEntity =
  | "all"
  | "world"
  | "cluster"
  | "host"
  | "init"
  | "ingress"
  | "unmanaged"
  | "remote-node"
  | "health"
  | "none"
  | "kube-apiserver";

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
  /**
   * Where the traffic of the ingress controller that serves Grafana comes from: declared under
   * `networkPolicy.ingressController`, else derived from `grafana.ingress.className` ({@link INGRESS_CLASSES}).
   * Undefined when the Grafana ingress is off (or policies are): nothing to admit.
   */
  ingressController?: IngressControllerSource;
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

/** Where the ingress controller's connections to Grafana come from (one or more of pods, addresses, Cilium entities). */
export interface IngressControllerSource {
  /** Where it was decided: `observer:networkPolicy.ingressController`, or `ingress class <name>`. */
  readonly origin: string;
  /** Human description for the flows table and messages. */
  readonly description: string;
  /** The controller's pods: in `namespace` (absent: any namespace) matching `selector`. */
  readonly pods?: { readonly namespace?: string; readonly selector: LabelSelector };
  /**
   * Addresses that connect straight to Grafana's pods: load balancers in IP mode (AWS ALB, GKE NEG), or the nodes of
   * a controller on the host network or behind NodePorts. A `/0` admits any source on Grafana's port.
   */
  readonly cidrs?: readonly string[];
  /** Cilium entities (`networkPolicy.cni: cilium`): `host`/`remote-node` for a host-network controller, `ingress` for Cilium's own. */
  readonly entities?: readonly CiliumEntity[];
}

/**
 * Ingress classes whose source Observer derives, and the ones it cannot (a `hint` says what to set). Labels are the
 * controllers' charts' own: kubernetes/ingress-nginx charts/ingress-nginx `ingress-nginx.selectorLabels`
 * (`app.kubernetes.io/name` = the chart name: `ingress-nginx`, RKE2's packaging `rke2-ingress-nginx`, NGINX Inc's
 * chart `nginx-ingress`, all on class `nginx`), traefik/traefik-helm-chart (`app.kubernetes.io/name: traefik`; k3s
 * installs it in kube-system). GKE Ingress with container-native load balancing (NEGs, the default on VPC-native
 * clusters) connects to pods from Google's front ends and health checkers, 130.211.0.0/22 and 35.191.0.0/16.
 * Cilium's own Ingress connects with Cilium's `ingress` identity.
 */
export const INGRESS_CLASSES: Readonly<
  Record<string, { readonly controller: string; readonly source?: Omit<IngressControllerSource, "origin" | "description">; readonly ciliumOnly?: true; readonly hint?: string }>
> = {
  nginx: {
    controller: "ingress-nginx (also RKE2's rke2-ingress-nginx, NGINX Inc's nginx-ingress)",
    source: { pods: { selector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["ingress-nginx", "rke2-ingress-nginx", "nginx-ingress"] }] } } },
  },
  traefik: { controller: "Traefik (k3s: kube-system)", source: { pods: { selector: { matchLabels: { "app.kubernetes.io/name": "traefik" } } } } },
  gce: { controller: "GKE Ingress (container-native load balancing)", source: { cidrs: ["130.211.0.0/22", "35.191.0.0/16"] } },
  cilium: { controller: "Cilium Ingress", source: { entities: ["ingress"] }, ciliumOnly: true },
  alb: {
    controller: "AWS Load Balancer Controller",
    hint:
      "the ALB connects from its own addresses in the VPC (IP targets) or through the nodes (instance targets): set observer:networkPolicy.ingressController.cidrs to the VPC's (or the ALB subnets') CIDRs, or to the nodes' CIDRs in instance mode",
  },
  "gce-internal": {
    controller: "GKE internal Ingress",
    hint: "the internal Application Load Balancer connects from the VPC's proxy-only subnet: set observer:networkPolicy.ingressController.cidrs to that subnet",
  },
};

const INGRESS_SOURCE_KEYS =
  "observer:networkPolicy.ingressController.namespace and/or .podSelector (the controller's pods), " +
  ".cidrs (addresses that connect straight to Grafana's pods: a load balancer in IP mode such as an AWS ALB, or the nodes of a controller on the host network or behind NodePorts), " +
  "or .hostNetwork: true with observer:networkPolicy.cni=cilium";

/** This area's resolved config, merged into ObserverConfig. */
export interface SecurityConfig {
  networkPolicy: NetworkPolicyConfig;
}

export const SECURITY_DEFAULTS = {
  apiServerCidrs: ["0.0.0.0/0", "::/0"],
  apiServerPorts: [443, 6443],
} as const;

type RawSecurity = z.infer<z.ZodObject<typeof securityShape>>;

/**
 * Applies defaults (per profile) and semantic checks. Push every problem into `problems`
 * (key path as `observer:a.b`), never throw.
 */
/**
 * The ingress controller's source: declared, else derived from the ingress class; a problem when the Grafana
 * ingress is on, policies are on, and neither says where its traffic comes from.
 */
function ingressSource(raw: RawSecurity, base: BaseConfig, cni: "generic" | "cilium", problems: ConfigProblem[]): IngressControllerSource | undefined {
  const ic = raw.networkPolicy?.ingressController;
  const at = "observer:networkPolicy.ingressController";
  const needed = (raw.networkPolicy?.enabled ?? true) && base.grafana?.ingress.enabled === true;
  if (ic?.hostNetwork === true) {
    if (ic.namespace !== undefined || ic.podSelector !== undefined) {
      problems.push({ path: `${at}.hostNetwork`, message: "a controller on the host network is a node address, which no pod selector matches: remove .namespace and .podSelector" });
    }
    if (cni !== "cilium" && ic.cidrs === undefined) {
      problems.push({
        path: `${at}.hostNetwork`,
        message: "a controller on the host network connects from the nodes' addresses: set observer:networkPolicy.ingressController.cidrs to your nodes' CIDRs, or use observer:networkPolicy.cni=cilium (host and remote-node entities)",
      });
    }
  }
  const declared = ic !== undefined && (ic.namespace !== undefined || ic.podSelector !== undefined || ic.cidrs !== undefined || ic.hostNetwork === true);
  if (declared) {
    const parts: string[] = [];
    if (ic.namespace !== undefined || ic.podSelector !== undefined) {
      const labels = Object.entries(ic.podSelector ?? {}).map(([k, v]) => `${k}=${v}`);
      parts.push(`${labels.length ? `pods ${labels.join(", ")}` : "every pod"} in ${ic.namespace !== undefined ? `namespace ${ic.namespace}` : "any namespace"}`);
    }
    if (ic.cidrs !== undefined) parts.push(ic.cidrs.join(", "));
    if (ic.hostNetwork === true) parts.push(cni === "cilium" ? "the nodes (host network)" : "the nodes (host network, by the CIDRs)");
    return {
      origin: at,
      description: `ingress controller: ${parts.join("; ")}`,
      ...(ic.namespace !== undefined || ic.podSelector !== undefined
        ? { pods: { ...(ic.namespace !== undefined ? { namespace: ic.namespace } : {}), selector: { matchLabels: { ...(ic.podSelector ?? {}) } } } }
        : {}),
      ...(ic.cidrs !== undefined ? { cidrs: [...ic.cidrs] } : {}),
      ...(ic.hostNetwork === true && cni === "cilium" ? { entities: ["host", "remote-node"] as CiliumEntity[] } : {}),
    };
  }
  if (!needed) return undefined;
  const className = base.grafana?.ingress.className;
  const known = className !== undefined ? INGRESS_CLASSES[className] : undefined;
  if (known?.source && (!known.ciliumOnly || cni === "cilium")) {
    return { origin: `ingress class ${className}`, description: `${known.controller} (ingress class ${className})`, ...structuredClone(known.source) };
  }
  const why =
    className === undefined
      ? "the Grafana ingress is on (observer:runUrl is set) but nothing says where its controller's traffic comes from, so no policy could admit it"
      : known?.ciliumOnly
        ? `ingress class ${className} (${known.controller}) connects with Cilium's ingress identity, which only a CiliumNetworkPolicy can name`
        : known?.hint
          ? `ingress class ${className} (${known.controller}): ${known.hint}`
          : `Observer does not know where ingress class ${className} connects from`;
  const classes = Object.entries(INGRESS_CLASSES)
    .filter(([, k]) => k.source)
    .map(([n, k]) => (k.ciliumOnly ? `${n} (with observer:networkPolicy.cni=cilium)` : n))
    .join(", ");
  problems.push({
    path: at,
    message: known?.ciliumOnly
      ? `${why}: set observer:networkPolicy.cni to cilium, or declare the source with ${INGRESS_SOURCE_KEYS}`
      : known?.hint
        ? why
        : `${why}: set observer:grafana.ingress.className to one of ${classes} (the source is then derived), or declare it with ${INGRESS_SOURCE_KEYS}; or turn the ingress off (observer:grafana.ingress.enabled=false)`,
  });
  return undefined;
}

export function resolveSecurity(raw: RawSecurity, base: BaseConfig, problems: ConfigProblem[]): SecurityConfig {
  const np = raw.networkPolicy;
  const ports = np?.apiServer?.ports ?? [...SECURITY_DEFAULTS.apiServerPorts];
  if (new Set(ports).size !== ports.length) {
    problems.push({ path: "observer:networkPolicy.apiServer.ports", message: "expected each port once" });
  }
  const cni = np?.cni ?? "generic";
  const ingressController = ingressSource(raw, base, cni, problems);
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
      ...(ingressController ? { ingressController } : {}),
      apiServer: {
        cidrs: np?.apiServer?.cidrs ?? [...SECURITY_DEFAULTS.apiServerCidrs],
        ports,
      },
    },
  };
}
