/**
 * Datasources: exact provisioning entries, stable UIDs, the tenant header, and the two templating layers
 * they cross (Helm `tpl` in kube-prometheus-stack, Grafana's environment expansion of provisioning files).
 */
import { parseConfig } from "../../../components/config";
import {
  DATASOURCE_UIDS,
  datasourceList,
  provisionedDatasources,
  provisioningEscape,
  TRACES_TO_LOGS_QUERY,
  TRACES_TO_METRICS_QUERIES,
} from "../../../components/grafana/datasources";
import { endpoints } from "../../../components/endpoints";
import { LOKI_INDEX_LABELS } from "../../helpers/contract";

const CFG = parseConfig({ clusterName: "c1" });
const TENANT = parseConfig({ clusterName: "c1", loki: { tenant: "datalayer" } });
/** A valid prod config (prod requires these keys). */
const PROD = {
  profile: "prod",
  clusterName: "prod-eu-1",
  kubeContext: "prod-eu-1",
  objectStorage: { endpoint: "https://s3.example.com", region: "eu-west-1", buckets: { lokiChunks: "logs-chunks", lokiRuler: "logs-ruler", tempo: "traces" } },
};

/**
 * Grafana's provisioning interpolation (pkg/services/provisioning/values/values.go, interpolateValue):
 * split on `$$`, expand environment variables in each part (os.ExpandEnv), join with `$`. Here with an
 * empty environment, as in a pod that defines none of these names.
 */
function grafanaExpand(value: string, env: Record<string, string> = {}): string {
  const expandEnv = (s: string) =>
    s.replace(/\$\{([^}]*)\}|\$([A-Za-z0-9_]+)/g, (_m, braced: string | undefined, bare: string | undefined) => env[(braced ?? bare)!] ?? "");
  return value.split("$$").map(expandEnv).join("$");
}

function deepMapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => deepMapStrings(x, f));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepMapStrings(x, f)]));
  return v;
}

describe("datasource UIDs", () => {
  it("are fixed", () => {
    expect(DATASOURCE_UIDS).toEqual({ prometheus: "prometheus", loki: "loki", tempo: "tempo", alertmanager: "alertmanager" });
  });
  it("are unique, and exactly one datasource is the default (Prometheus)", () => {
    const list = datasourceList(CFG);
    expect(new Set(list.map((d) => d.uid)).size).toBe(list.length);
    expect(list.filter((d) => d.isDefault).map((d) => d.uid)).toEqual(["prometheus"]);
  });
});

describe("datasourceList (as Grafana interprets it)", () => {
  const ep = endpoints(CFG);
  const [prom, loki, tempo, am] = datasourceList(CFG);

  it("Prometheus links exemplars' trace_id to Tempo", () => {
    expect(prom).toEqual({
      name: "Prometheus",
      type: "prometheus",
      uid: "prometheus",
      url: "http://observer-prometheus.datalayer-observer.svc.cluster.local:9090",
      access: "proxy",
      isDefault: true,
      editable: false,
      jsonData: {
        httpMethod: "POST",
        timeInterval: "30s",
        prometheusType: "Prometheus",
        exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: "tempo", urlDisplayLabel: "View trace" }],
      },
    });
    expect(prom!.url).toBe(ep.prometheus.url);
  });

  it("Loki has two derived fields to Tempo (trace_id label/structured metadata, and trace_id= in the line) and no tenant header when single-tenant", () => {
    expect(loki).toEqual({
      name: "Loki",
      type: "loki",
      uid: "loki",
      url: ep.loki.url,
      access: "proxy",
      isDefault: false,
      editable: false,
      jsonData: {
        maxLines: 1000,
        timeout: 60,
        derivedFields: [
          { name: "TraceID", matcherType: "label", matcherRegex: "trace_id", datasourceUid: "tempo", url: "${__value.raw}", urlDisplayLabel: "View trace" },
          {
            name: "TraceID (line)",
            matcherType: "regex",
            matcherRegex: "trace_id=(\\w+)",
            datasourceUid: "tempo",
            url: "${__value.raw}",
            urlDisplayLabel: "View trace",
          },
        ],
      },
    });
  });

  it("the line regex captures the trace id the Python logging instrumentation writes", () => {
    const derived = (loki!.jsonData.derivedFields as { matcherRegex: string; matcherType: string }[]).find((f) => f.matcherType === "regex")!;
    const m = new RegExp(derived.matcherRegex).exec("2026-01-01 12:00:00 INFO [app] [trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 resource.service.name=iam] hello");
    expect(m?.[1]).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it("Loki sends the tenant as X-Scope-OrgID when one is configured", () => {
    const l = datasourceList(TENANT)[1]!;
    expect(l.jsonData.httpHeaderName1).toBe("X-Scope-OrgID");
    expect(l.secureJsonData).toEqual({ httpHeaderValue1: "datalayer" });
    expect("secureJsonData" in loki!).toBe(false);
    expect("httpHeaderName1" in loki!.jsonData).toBe(false);
  });

  it("Tempo on its real HTTP port (3200) with traces-to-logs, traces-to-metrics, service map, node graph and Loki search", () => {
    expect(tempo!.url).toBe("http://observer-tempo.datalayer-observer.svc.cluster.local:3200");
    expect(tempo).toEqual({
      name: "Tempo",
      type: "tempo",
      uid: "tempo",
      url: ep.tempo.url,
      access: "proxy",
      isDefault: false,
      editable: false,
      jsonData: {
        tracesToLogsV2: {
          datasourceUid: "loki",
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          tags: [
            { key: "service.name", value: "service_name" },
            { key: "service.namespace", value: "namespace" },
          ],
          filterByTraceID: false,
          filterBySpanID: false,
          customQuery: true,
          query: '{${__tags}} | trace_id="${__trace.traceId}"',
        },
        tracesToMetrics: {
          datasourceUid: "prometheus",
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          tags: [{ key: "service.name", value: "service_name" }],
          queries: [
            { name: "Request rate", query: "sum by (span_name) (rate(traces_spanmetrics_calls_total{$__tags}[5m]))" },
            {
              name: "Error rate",
              query: 'sum by (span_name) (rate(traces_spanmetrics_calls_total{$__tags, status_code="STATUS_CODE_ERROR"}[5m]))',
            },
            { name: "p95 latency", query: "histogram_quantile(0.95, sum by (le) (rate(traces_spanmetrics_latency_bucket{$__tags}[5m])))" },
          ],
        },
        serviceMap: { datasourceUid: "prometheus" },
        nodeGraph: { enabled: true },
        lokiSearch: { datasourceUid: "loki" },
        search: { hide: false },
        traceQuery: { timeShiftEnabled: true, spanStartTimeShift: "-30m", spanEndTimeShift: "30m" },
        streamingEnabled: { search: false, metrics: false },
      },
    });
    expect(TRACES_TO_METRICS_QUERIES).toHaveLength(3);
  });

  it("traces-to-logs selects Loki streams only by index labels", () => {
    const tags = ((tempo!.jsonData.tracesToLogsV2 as { tags: { value: string }[] }).tags ?? []).map((t) => t.value);
    for (const label of tags) expect(LOKI_INDEX_LABELS).toContain(label);
    expect(TRACES_TO_LOGS_QUERY.startsWith("{${__tags}}")).toBe(true);
  });

  it("Alertmanager uses the Prometheus implementation", () => {
    expect(am).toEqual({
      name: "Alertmanager",
      type: "alertmanager",
      uid: "alertmanager",
      url: "http://observer-alertmanager.datalayer-observer.svc.cluster.local:9093",
      access: "proxy",
      isDefault: false,
      editable: false,
      jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
    });
  });

  it("every datasourceUid a datasource links to exists", () => {
    const uids = new Set(Object.values(DATASOURCE_UIDS));
    const linked: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
          if (k === "datasourceUid") linked.push(x as string);
          walk(x);
        }
      }
    };
    walk(datasourceList(TENANT));
    expect(linked.length).toBe(7);
    for (const uid of linked) expect(uids.has(uid as never)).toBe(true);
  });
});

describe("datasource URLs follow the shapes that run", () => {
  it("prod: Loki Distributed and tempo-distributed are queried through their query frontends; HA Prometheus through its Service", () => {
    const cfg = parseConfig({ ...PROD, prometheus: { replicas: 2 }, tempo: { kafka: { address: "kafka.example:9092" } } });
    expect(Object.fromEntries(datasourceList(cfg).map((d) => [d.uid, d.url]))).toEqual({
      prometheus: "http://observer-prometheus.datalayer-observer.svc.cluster.local:9090",
      loki: "http://observer-loki-query-frontend.datalayer-observer.svc.cluster.local:3100",
      tempo: "http://observer-tempo-distributed-query-frontend.datalayer-observer.svc.cluster.local:3200",
      alertmanager: "http://observer-alertmanager.datalayer-observer.svc.cluster.local:9093",
    });
  });
  it("prod without Kafka keeps the Tempo single binary", () => {
    const tempo = datasourceList(parseConfig(PROD)).find((d) => d.uid === "tempo")!;
    expect(tempo.url).toBe("http://observer-tempo.datalayer-observer.svc.cluster.local:3200");
  });
});

describe("provisioning escapes", () => {
  it("doubles every $ so Grafana's environment expansion yields the text back", () => {
    expect(provisioningEscape("${__value.raw}")).toBe("$${__value.raw}");
    expect(provisioningEscape({ a: ["$__tags", 3, true] })).toEqual({ a: ["$$__tags", 3, true] });
    expect(grafanaExpand("${__value.raw}")).toBe(""); // what would happen unescaped
    expect(grafanaExpand(provisioningEscape("${__value.raw}"))).toBe("${__value.raw}");
  });

  it("what Grafana reads from the provisioned list equals the intended list, even with matching environment variables", () => {
    const env = { __tags: "BAD", __value: "BAD", cluster: "BAD" };
    for (const cfg of [CFG, TENANT]) {
      const read = deepMapStrings(provisionedDatasources(cfg), (s) => grafanaExpand(s, env));
      expect(read).toEqual(datasourceList(cfg));
    }
  });

  it("contains no Helm template delimiters (kube-prometheus-stack runs additionalDataSources through tpl)", () => {
    const text = JSON.stringify(provisionedDatasources(TENANT));
    expect(text).not.toContain("{{");
    expect(text).toContain("$${__value.raw}");
  });
});
