/**
 * Grafana values: the block deep-merged under `grafana:` of kube-prometheus-stack's values by the charts
 * helper, which sets `admin.existingSecret` and `fullnameOverride` itself (never here). Pure.
 *
 * Sub-path serving. With the ingress on, Grafana is served at `<runUrl>/grafana` WITHOUT prefix
 * stripping: `server.root_url` carries the sub-path and `server.serve_from_sub_path` makes Grafana route
 * it. Grafana then redirects (301, to the public URL) any request whose path lacks the sub-path and does
 * not start with `/api` (pkg/middleware/subpath_redirect.go; older releases redirected `/api` too). So every
 * in-cluster caller uses the sub-path explicitly: the probes (`<sub>/api/health`), the ServiceMonitor
 * (`<sub>/metrics`, kube-prometheus-stack `grafana.serviceMonitor.path`) and the sidecars' reload URLs.
 * Grafana strips the prefix before routing (pkg/web/macaron.go), so these reach the same handlers.
 */
import type { ObserverConfig } from "../config";
import { PORTS } from "../endpoints";
import { DASHBOARD_LABEL } from "../labels";
import { provisionedDatasources } from "./datasources";
import { GRAFANA_PLUGIN_SETTINGS } from "./plugins";

/** Annotation the dashboards sidecar reads to place a dashboard in a folder. */
export const DASHBOARD_FOLDER_ANNOTATION = "grafana_folder";

/** Folder our dashboards are provisioned into. */
export const DASHBOARD_FOLDER = "Observer";

/** Path prefix Grafana serves under ("" when the ingress is off: Grafana serves at the root). */
export function grafanaSubPath(cfg: ObserverConfig): string {
  return cfg.grafana.ingress.enabled && cfg.grafana.rootUrl !== undefined ? cfg.grafana.ingress.path : "";
}

/**
 * The URL the ingress serves Grafana at (`<scheme>://<host>[:port]<runUrl path>/grafana`), or undefined
 * when the ingress is off (index.ts then exports the port-forward address instead).
 */
export function grafanaUrl(cfg: ObserverConfig): string | undefined {
  if (!cfg.grafana.ingress.enabled || cfg.grafana.rootUrl === undefined) return undefined;
  return cfg.grafana.rootUrl.replace(/\/+$/, "");
}

/** `grafana.ini` (rendered by the chart into grafana.ini). */
export function grafanaIni(cfg: ObserverConfig): Record<string, Record<string, unknown>> {
  const sub = grafanaSubPath(cfg);
  return {
    server: {
      ...(sub !== ""
        ? { domain: cfg.grafana.ingress.host!, root_url: cfg.grafana.rootUrl!, serve_from_sub_path: true }
        : {}),
      enable_gzip: true,
    },
    security: {
      cookie_secure: cfg.grafana.https,
      cookie_samesite: "lax",
      disable_gravatar: true,
    },
    "auth.anonymous": { enabled: false },
    users: { allow_sign_up: false, allow_org_create: false },
    analytics: {
      reporting_enabled: false,
      check_for_updates: false,
      check_for_plugin_updates: false,
      feedback_links_enabled: false,
    },
    news: { news_feed_enabled: false },
    // Nothing downloaded from grafana.com at start (./plugins.ts).
    plugins: { ...GRAFANA_PLUGIN_SETTINGS },
    // Grafana's own /metrics stays on (scraped through the ServiceMonitor below).
    metrics: { enabled: true },
  };
}

/** Values for kube-prometheus-stack's `grafana:` block. */
export function grafanaValues(cfg: ObserverConfig): Record<string, unknown> {
  const sub = grafanaSubPath(cfg);
  const local = `http://localhost:${PORTS.grafanaContainer}${sub}`;
  const ing = cfg.grafana.ingress;
  return {
    "grafana.ini": grafanaIni(cfg),
    ingress:
      ing.enabled && ing.host !== undefined
        ? {
            enabled: true,
            ...(ing.className !== undefined ? { ingressClassName: ing.className } : {}),
            annotations: { ...ing.annotations },
            hosts: [ing.host],
            path: ing.path,
            pathType: "Prefix",
            tls: ing.tlsSecretName !== undefined ? [{ secretName: ing.tlsSecretName, hosts: [ing.host] }] : [],
          }
        : { enabled: false },
    readinessProbe: { httpGet: { path: `${sub}/api/health` } },
    livenessProbe: { httpGet: { path: `${sub}/api/health` } },
    serviceMonitor: { enabled: true, path: `${sub}/metrics` },
    sidecar: {
      dashboards: {
        enabled: true,
        label: DASHBOARD_LABEL.key,
        labelValue: DASHBOARD_LABEL.value,
        searchNamespace: cfg.namespace,
        folderAnnotation: DASHBOARD_FOLDER_ANNOTATION,
        reloadURL: `${local}/api/admin/provisioning/dashboards/reload`,
        provider: { allowUiUpdates: false, foldersFromFilesStructure: true },
      },
      datasources: {
        enabled: true,
        // Ours are provisioned below with the same UIDs; the chart's own would duplicate them.
        defaultDatasourceEnabled: false,
        alertmanager: { enabled: false },
        reloadURL: `${local}/api/admin/provisioning/datasources/reload`,
      },
    },
    additionalDataSources: provisionedDatasources(cfg),
    // Provisioned datasources that leave the list are deleted from Grafana.
    prune: true,
  };
}
