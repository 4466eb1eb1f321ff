import { endpoints, tempoMode } from "../../../components/endpoints";
import { cfg } from "./fixtures";

describe("endpoints", () => {
  it("dev: single Prometheus, Monolithic Loki, single-binary Tempo", () => {
    const e = endpoints(cfg("dev"));
    expect({
      prometheus: e.prometheus.url,
      rw: e.prometheusRemoteWriteUrls,
      otlp: e.prometheusOtlpUrls,
      alertmanager: e.alertmanager.url,
      grafana: e.grafana.url,
      loki: e.loki.url,
      lokiWrite: e.lokiWrite.url,
      tempo: e.tempo.url,
      tempoOtlpGrpc: e.tempoOtlpGrpc.url,
      tempoOtlpHttp: e.tempoOtlpHttp.url,
      gatewayGrpc: e.gatewayGrpc.url,
      gatewayHttp: e.gatewayHttp.url,
      webhook: e.operatorWebhook.url,
    }).toEqual({
      prometheus: "http://observer-prometheus.datalayer-observer.svc.cluster.local:9090",
      rw: ["http://observer-prometheus.datalayer-observer.svc.cluster.local:9090/api/v1/write"],
      otlp: ["http://observer-prometheus.datalayer-observer.svc.cluster.local:9090/api/v1/otlp"],
      alertmanager: "http://observer-alertmanager.datalayer-observer.svc.cluster.local:9093",
      grafana: "http://observer-grafana.datalayer-observer.svc.cluster.local:80",
      loki: "http://observer-loki.datalayer-observer.svc.cluster.local:3100",
      lokiWrite: "http://observer-loki.datalayer-observer.svc.cluster.local:3100",
      tempo: "http://observer-tempo.datalayer-observer.svc.cluster.local:3200",
      tempoOtlpGrpc: "http://observer-tempo.datalayer-observer.svc.cluster.local:4317",
      tempoOtlpHttp: "http://observer-tempo.datalayer-observer.svc.cluster.local:4318",
      gatewayGrpc: "http://datalayer-collector-collector.datalayer-observer.svc.cluster.local:4317",
      gatewayHttp: "http://datalayer-collector-collector.datalayer-observer.svc.cluster.local:4318",
      webhook: "https://observer-otel-operator-webhook.datalayer-observer.svc.cluster.local:443",
    });
  });

  it("prod with Kafka: a Service per Prometheus replica, Loki distributor/query-frontend, tempo-distributed", () => {
    const c = cfg("prodKafka");
    expect(tempoMode(c)).toBe("distributed");
    const e = endpoints(c);
    expect(e.prometheusReplicas.map((r) => r.service)).toEqual(["observer-prometheus-0", "observer-prometheus-1"]);
    expect(e.loki.service).toBe("observer-loki-query-frontend");
    expect(e.lokiWrite.service).toBe("observer-loki-distributor");
    expect(e.tempo.url).toBe("http://observer-tempo-distributed-query-frontend.datalayer-observer.svc.cluster.local:3200");
    expect(e.tempoOtlpGrpc.service).toBe("observer-tempo-distributed-distributor");
  });

  it("prod without Kafka keeps the single binary", () => {
    expect(tempoMode(cfg("prod"))).toBe("single");
    expect(endpoints(cfg("prod")).tempo.service).toBe("observer-tempo");
  });
});
