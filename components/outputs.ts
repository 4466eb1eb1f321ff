/**
 * Stack outputs about access: how users reach Grafana and where services send OTLP.
 */
import type { ObserverConfig } from "./config";
import { PORTS, RELEASES, endpoints } from "./endpoints";
import { grafanaUrl } from "./grafana/values";

/** Local port the documented port-forward opens. */
const GRAFANA_LOCAL_PORT = 3000;

export interface AccessOutputs {
  grafanaUrl: string;
  grafanaPortForward: string;
  otlpGrpcEndpoint: string;
  otlpHttpEndpoint: string;
}

/** Pure: the access outputs for a config. */
export function accessInfo(cfg: ObserverConfig): AccessOutputs {
  const ep = endpoints(cfg);
  const portForward = `kubectl --namespace ${cfg.namespace} port-forward service/${RELEASES.grafana.fullname} ${GRAFANA_LOCAL_PORT}:${PORTS.grafanaService}`;
  // Without the ingress, Grafana serves at / (no sub-path), which the port-forward opens locally.
  const local = `http://localhost:${GRAFANA_LOCAL_PORT}`;
  return {
    grafanaUrl: grafanaUrl(cfg) ?? local,
    grafanaPortForward: portForward,
    otlpGrpcEndpoint: ep.gatewayGrpc.url,
    otlpHttpEndpoint: ep.gatewayHttp.url,
  };
}
