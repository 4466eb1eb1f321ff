/** NetworkPolicy builders: default deny, every flow, selectors as the charts label pods, config. */
import { parseConfig } from "../../../components/config";
import {
  ALLOW_PREFIX,
  DEFAULT_DENY_NAME,
  buildNetworkPolicies,
  flowsMarkdownTable,
  kafkaEgress,
  networkFlows,
  workloads,
  type NetworkPolicyObject,
} from "../../../components/security/network-policies";
import { resolveSecurity } from "../../../components/security/config";
import type { BaseConfig, ConfigProblem } from "../../../components/config";

const NS = "datalayer-observer";
const cfg = (raw: Record<string, unknown> = {}) => parseConfig({ runUrl: "https://run.example.com", ...raw });

function build(raw: Record<string, unknown> = {}, extra: Partial<Parameters<typeof buildNetworkPolicies>[0]> = {}): NetworkPolicyObject[] {
  const c = cfg(raw);
  return buildNetworkPolicies({ namespace: c.namespace, config: c.networkPolicy, grafanaIngress: c.grafana.ingress.enabled, labels: { a: "b" }, ...extra });
}
function policy(list: NetworkPolicyObject[], id: string): NetworkPolicyObject {
  const p = list.find((x) => x.metadata.name === `${ALLOW_PREFIX}${id}`);
  if (!p) throw new Error(`no policy ${id}; have ${list.map((x) => x.metadata.name).join(", ")}`);
  return p;
}

describe("config", () => {
  test("defaults: on, ingress-nginx namespace, any API server address on 443/6443", () => {
    expect(cfg().networkPolicy).toEqual({
      enabled: true,
      ingressController: { namespace: "ingress-nginx", podSelector: {} },
      apiServer: { cidrs: ["0.0.0.0/0", "::/0"], ports: [443, 6443] },
    });
  });

  test("overrides", () => {
    const c = cfg({
      networkPolicy: { enabled: false, ingressController: { namespace: "traefik", podSelector: { "app.kubernetes.io/name": "traefik" } }, apiServer: { cidrs: ["10.0.0.1/32"], ports: [6443] } },
    });
    expect(c.networkPolicy).toEqual({
      enabled: false,
      ingressController: { namespace: "traefik", podSelector: { "app.kubernetes.io/name": "traefik" } },
      apiServer: { cidrs: ["10.0.0.1/32"], ports: [6443] },
    });
  });

  test.each([
    [{ enabled: "yes" }, "observer:networkPolicy.enabled", "expected true or false"],
    [{ ingressController: { namespace: "Ingress_Nginx" } }, "observer:networkPolicy.ingressController.namespace", "DNS-1123 label"],
    [{ ingressController: { podSelector: { app: "a b" } } }, "observer:networkPolicy.ingressController.podSelector.app", "label value"],
    [{ apiServer: { cidrs: ["10.0.0.1"] } }, "observer:networkPolicy.apiServer.cidrs[0]", "CIDR block"],
    [{ apiServer: { ports: [0] } }, "observer:networkPolicy.apiServer.ports[0]", "port number"],
    [{ apiServer: { ports: [] } }, "observer:networkPolicy.apiServer.ports", "at least one port"],
    [{ apiServer: { ports: [443, 443] } }, "observer:networkPolicy.apiServer.ports", "each port once"],
    [{ egress: true }, "observer:networkPolicy.egress", "unknown key"],
  ])("%j is rejected at its key", (np, path, words) => {
    expect(() => cfg({ networkPolicy: np })).toThrow(new RegExp(`${path.replace(/[.[\]]/g, "\\$&")}: [^\\n]*${words}`));
  });

  test("resolveSecurity pushes problems instead of throwing", () => {
    const problems: ConfigProblem[] = [];
    resolveSecurity({ networkPolicy: { apiServer: { ports: [1, 1] } } }, {} as BaseConfig, problems);
    expect(problems).toEqual([{ path: "observer:networkPolicy.apiServer.ports", message: "expected each port once" }]);
  });
});

describe("buildNetworkPolicies", () => {
  test("off switch: no policy at all", () => {
    expect(build({ networkPolicy: { enabled: false } })).toEqual([]);
  });

  test("default deny first: every pod, ingress and egress, no rule", () => {
    const list = build();
    expect(list[0]).toEqual({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: DEFAULT_DENY_NAME, namespace: NS, labels: { a: "b" } },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
  });

  test("exact set of policies, unique names, all in our namespace with our labels", () => {
    const list = build();
    expect(list.map((p) => p.metadata.name)).toEqual([
      "observer-default-deny",
      "observer-allow-dns",
      "observer-allow-apiserver-to-otel-operator-webhook",
      "observer-allow-apiserver-to-prometheus-operator-webhook",
      "observer-allow-otel-operator-to-apiserver",
      "observer-allow-prometheus-operator-to-apiserver",
      "observer-allow-prometheus-operator-jobs-to-apiserver",
      "observer-allow-grafana-to-apiserver",
      "observer-allow-kube-state-metrics-to-apiserver",
      "observer-allow-loki-to-apiserver",
      "observer-allow-collectors-to-apiserver",
      "observer-allow-ingress-controller-to-grafana",
      "observer-allow-otlp-to-gateway",
      "observer-allow-collectors-to-backends",
      "observer-allow-collectors-into-loki",
      "observer-allow-collectors-into-tempo",
      "observer-allow-writers-into-prometheus",
      "observer-allow-tempo-metrics-generator-to-prometheus",
      "observer-allow-clients-into-alertmanager",
      "observer-allow-grafana-to-datasources",
      "observer-allow-grafana-into-tempo",
      "observer-allow-prometheus-scrapes-everything",
      "observer-allow-prometheus-egress",
      "observer-allow-alertmanager-egress",
      "observer-allow-alertmanager-cluster",
      "observer-allow-loki-internal",
      "observer-allow-tempo-internal",
    ]);
    for (const p of list) {
      expect(p.metadata.namespace).toBe(NS);
      expect(p.metadata.labels).toEqual({ a: "b" });
      expect(p.metadata.name.length).toBeLessThanOrEqual(63);
      expect(p.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  test("DNS egress from every pod on 53 UDP and TCP", () => {
    expect(policy(build(), "dns").spec).toEqual({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }],
    });
  });

  test("API server to the OpenTelemetry Operator webhook on 9443, selecting the operator pods as the chart labels them", () => {
    expect(policy(build(), "apiserver-to-otel-operator-webhook").spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "opentelemetry-operator", "app.kubernetes.io/component": "controller-manager" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: [{ protocol: "TCP", port: 9443 }] }],
    });
  });

  test("API server to the Prometheus Operator webhook on its TLS port 10250", () => {
    expect(policy(build(), "apiserver-to-prometheus-operator-webhook").spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }], ports: [{ protocol: "TCP", port: 10250 }] },
    ]);
    expect(policy(build(), "apiserver-to-prometheus-operator-webhook").spec.podSelector).toEqual({
      matchLabels: { app: "kube-prometheus-stack-operator", release: "kube-prometheus-stack" },
    });
  });

  test("a narrowed API server config narrows both directions", () => {
    const list = build({ networkPolicy: { apiServer: { cidrs: ["172.18.0.2/32"], ports: [6443] } } });
    expect(policy(list, "collectors-to-apiserver").spec.egress).toEqual([{ to: [{ ipBlock: { cidr: "172.18.0.2/32" } }], ports: [{ protocol: "TCP", port: 6443 }] }]);
    expect(policy(list, "apiserver-to-otel-operator-webhook").spec.ingress![0]!.from).toEqual([{ ipBlock: { cidr: "172.18.0.2/32" } }]);
  });

  test("ingress controller to Grafana's container port 3000, from the configured namespace and pods", () => {
    const list = build({ networkPolicy: { ingressController: { namespace: "traefik", podSelector: { "app.kubernetes.io/name": "traefik" } } } });
    expect(policy(list, "ingress-controller-to-grafana").spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kube-prometheus-stack" } },
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "traefik" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "traefik" } } }],
          ports: [{ protocol: "TCP", port: 3000 }],
        },
      ],
    });
  });

  test("no ingress-controller flow when the Grafana ingress is off", () => {
    const c = parseConfig({});
    const list = buildNetworkPolicies({ namespace: c.namespace, config: c.networkPolicy, grafanaIngress: c.grafana.ingress.enabled, labels: {} });
    expect(list.map((p) => p.metadata.name)).not.toContain("observer-allow-ingress-controller-to-grafana");
  });

  test("OTLP from any namespace to the gateway pods (operator labels: component + <ns>.<name>) on 4317/4318", () => {
    expect(policy(build(), "otlp-to-gateway").spec).toEqual({
      podSelector: { matchLabels: { "app.kubernetes.io/component": "opentelemetry-collector", "app.kubernetes.io/instance": "datalayer-observer.datalayer-collector" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: "TCP", port: 4317 }, { protocol: "TCP", port: 4318 }] }],
    });
  });

  test("collectors to Loki, Tempo, Prometheus and the gateway — and each destination admits them", () => {
    const list = build();
    const w = workloads(NS);
    expect(policy(list, "collectors-to-backends").spec.egress).toEqual([
      { to: [{ podSelector: w.loki.selector }], ports: [{ protocol: "TCP", port: 3100 }] },
      { to: [{ podSelector: w.tempo.selector }], ports: [{ protocol: "TCP", port: 4317 }, { protocol: "TCP", port: 4318 }] },
      { to: [{ podSelector: w.prometheus.selector }], ports: [{ protocol: "TCP", port: 9090 }] },
      { to: [{ podSelector: w.gateway.selector }], ports: [{ protocol: "TCP", port: 4317 }, { protocol: "TCP", port: 4318 }] },
    ]);
    expect(policy(list, "collectors-into-loki").spec.ingress![0]!.from).toContainEqual({ podSelector: w.collectors.selector });
    expect(policy(list, "collectors-into-tempo").spec.ingress![0]!.from).toEqual([{ podSelector: w.collectors.selector }]);
    expect(policy(list, "writers-into-prometheus").spec.ingress).toEqual([
      { from: [{ podSelector: w.collectors.selector }, { podSelector: w.tempo.selector }, { podSelector: w.grafana.selector }], ports: [{ protocol: "TCP", port: 9090 }] },
    ]);
  });

  test("Tempo's metrics generator to Prometheus (egress side)", () => {
    expect(policy(build(), "tempo-metrics-generator-to-prometheus").spec.egress).toEqual([
      { to: [{ podSelector: workloads(NS).prometheus.selector }], ports: [{ protocol: "TCP", port: 9090 }] },
    ]);
  });

  test("Prometheus and Grafana to Alertmanager on 9093; Grafana to every datasource", () => {
    const list = build();
    const w = workloads(NS);
    expect(policy(list, "clients-into-alertmanager").spec.ingress).toEqual([
      { from: [{ podSelector: w.prometheus.selector }, { podSelector: w.grafana.selector }], ports: [{ protocol: "TCP", port: 9093 }] },
    ]);
    expect(policy(list, "grafana-to-datasources").spec.egress!.map((r) => [r.to![0]!.podSelector, r.ports!.map((p) => p.port)])).toEqual([
      [w.prometheus.selector, [9090]],
      [w.alertmanager.selector, [9093]],
      [w.loki.selector, [3100]],
      [w.tempo.selector, [3200]],
    ]);
  });

  test("Prometheus may scrape every pod of the namespace on any port, and reach anything", () => {
    const list = build();
    expect(policy(list, "prometheus-scrapes-everything").spec).toEqual({
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: workloads(NS).prometheus.selector }] }],
    });
    expect(policy(list, "prometheus-egress").spec).toEqual({ podSelector: workloads(NS).prometheus.selector, policyTypes: ["Egress"], egress: [{}] });
  });

  test("Loki and Tempo internal traffic: their own pods, both directions, any port", () => {
    const w = workloads(NS);
    for (const k of ["loki", "tempo"] as const) {
      expect(policy(build(), `${k}-internal`).spec).toEqual({
        podSelector: w[k].selector,
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: w[k].selector }] }],
        egress: [{ to: [{ podSelector: w[k].selector }] }],
      });
    }
  });

  test("object storage egress for Loki and Tempo only when given", () => {
    const list = build({}, { objectStorage: { cidrs: ["10.20.0.0/16"], ports: [9000] } });
    for (const k of ["loki", "tempo"]) {
      expect(policy(list, `${k}-to-object-storage`).spec.egress).toEqual([{ to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 9000 }] }]);
    }
    expect(build().map((p) => p.metadata.name).filter((n) => n.includes("object-storage"))).toEqual([]);
  });

  test("Kafka egress for Tempo only with tempo.kafka in prod, on the brokers' ports (9092 when unnamed)", () => {
    expect(kafkaEgress({ profile: "prod", tempo: { kafka: { address: "kafka-0.kafka:9093, kafka-1.kafka:9094,kafka-2.kafka" } } })).toEqual({ ports: [9092, 9093, 9094] });
    expect(kafkaEgress({ profile: "prod", tempo: { kafka: { address: "kafka.kafka:9092,kafka-b.kafka:9092" } } })).toEqual({ ports: [9092] });
    expect(kafkaEgress({ profile: "prod", tempo: {} })).toBeUndefined();
    expect(kafkaEgress({ profile: "dev", tempo: { kafka: { address: "kafka:9092" } } })).toBeUndefined();
    const list = build({}, { kafka: { ports: [9092, 9093] } });
    expect(policy(list, "tempo-to-kafka").spec).toEqual({
      podSelector: workloads(NS).tempo.selector,
      policyTypes: ["Egress"],
      egress: [{ ports: [{ protocol: "TCP", port: 9092 }, { protocol: "TCP", port: 9093 }] }],
    });
    expect(build().map((p) => p.metadata.name)).not.toContain("observer-allow-tempo-to-kafka");
  });

  test("every egress-needing workload reaches the API server", () => {
    const ids = networkFlows({ namespace: NS, config: cfg().networkPolicy, grafanaIngress: true }).filter((f) => f.id.endsWith("-to-apiserver")).map((f) => f.id);
    expect(ids).toEqual([
      "otel-operator-to-apiserver",
      "prometheus-operator-to-apiserver",
      "prometheus-operator-jobs-to-apiserver",
      "grafana-to-apiserver",
      "kube-state-metrics-to-apiserver",
      "loki-to-apiserver",
      "collectors-to-apiserver",
    ]);
  });
});

describe("workload selectors match the labels the charts and operators set", () => {
  test("exact selectors", () => {
    const w = workloads("obs");
    expect(Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.selector]))).toEqual({
      otelOperator: { matchLabels: { "app.kubernetes.io/name": "opentelemetry-operator", "app.kubernetes.io/component": "controller-manager" } },
      prometheusOperator: { matchLabels: { app: "kube-prometheus-stack-operator", release: "kube-prometheus-stack" } },
      prometheusOperatorJobs: {
        matchLabels: { release: "kube-prometheus-stack" },
        matchExpressions: [{ key: "app", operator: "In", values: ["kube-prometheus-stack-admission-create", "kube-prometheus-stack-admission-patch"] }],
      },
      prometheus: { matchLabels: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "observer-prometheus" } },
      alertmanager: { matchLabels: { "app.kubernetes.io/name": "alertmanager", alertmanager: "observer-alertmanager" } },
      grafana: { matchLabels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kube-prometheus-stack" } },
      kubeStateMetrics: { matchLabels: { "app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/instance": "kube-prometheus-stack" } },
      loki: { matchLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "loki" } },
      // Two releases: single-binary `tempo`, or `tempo-distributed` in prod with Kafka (instance = release name).
      tempo: {
        matchLabels: { "app.kubernetes.io/name": "tempo" },
        matchExpressions: [{ key: "app.kubernetes.io/instance", operator: "In", values: ["tempo", "tempo-distributed"] }],
      },
      gateway: { matchLabels: { "app.kubernetes.io/component": "opentelemetry-collector", "app.kubernetes.io/instance": "obs.datalayer-collector" } },
      logAgent: { matchLabels: { "app.kubernetes.io/component": "opentelemetry-collector", "app.kubernetes.io/instance": "obs.datalayer-log-agent" } },
      collectors: { matchLabels: { "app.kubernetes.io/component": "opentelemetry-collector", "app.kubernetes.io/managed-by": "opentelemetry-operator" } },
    });
  });
});

describe("README table", () => {
  test("one row per flow, generated", () => {
    const inputs = { namespace: NS, config: cfg().networkPolicy, grafanaIngress: true };
    const table = flowsMarkdownTable(inputs).split("\n");
    expect(table[0]).toBe("| Policy | From | To | Ports | Why |");
    expect(table).toHaveLength(2 + networkFlows(inputs).length);
    expect(table).toContain(
      "| `observer-allow-otlp-to-gateway` | any pod in any namespace | OTLP gateway collector | 4317/TCP, 4318/TCP | services send OTLP traces, metrics and logs to the gateway |",
    );
  });
});

describe("README", () => {
  test("README.md carries the generated flows table verbatim (it cannot drift)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const readme: string = require("node:fs").readFileSync(require("node:path").resolve(__dirname, "../../../README.md"), "utf8");
    const c = cfg();
    expect(readme).toContain(flowsMarkdownTable({ namespace: c.namespace, config: c.networkPolicy, grafanaIngress: true }));
  });
});
