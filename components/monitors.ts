/**
 * Scrape objects the program creates itself (besides the collectors' own ServiceMonitors).
 *
 * Remote kernels: a **PodMonitor**, not a ServiceMonitor. The Jupyter Server metrics endpoint is
 * served by each kernel pod; the pool's identity (`jupyterpool.datalayer.io/*`) lives in pod labels
 * that change during a pod's life (pod-status, user-uid, reservation-id); and a PodMonitor with
 * `portNumber` scrapes every kernel pod whether or not the pool puts a Service (or a named port) in
 * front of it. The contract labels are added by Prometheus' default scrape class, as for every target.
 */
import type { ObserverConfig } from "./config";
import { KERNELS_POD_MONITOR_APP } from "./labels";

const KERNELS_POD_MONITOR_NAME = "datalayer-kernels";

/** The remote kernels' PodMonitor (monitoring.coreos.com/v1). */
export function kernelsPodMonitor(cfg: ObserverConfig, labels: Record<string, string>) {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: {
      name: KERNELS_POD_MONITOR_NAME,
      namespace: cfg.namespace,
      labels: { ...labels, app: KERNELS_POD_MONITOR_APP },
    },
    spec: {
      namespaceSelector: { matchNames: [cfg.kernels.namespace] },
      selector: cfg.kernels.selector,
      podMetricsEndpoints: [
        {
          portNumber: cfg.kernels.metricsPort,
          path: cfg.kernels.path,
          scheme: "http",
          interval: "30s",
          scrapeTimeout: "10s",
        },
      ],
    },
  };
}
