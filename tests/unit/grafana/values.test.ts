/**
 * grafanaValues / grafanaUrl: exact values for the ingress on (https, with and without a base path),
 * on over http, and off; every key placed where kube-prometheus-stack or its grafana subchart reads it.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseConfig } from "../../../components/config";
import { grafanaSubPath, grafanaUrl, grafanaValues, DASHBOARD_FOLDER_ANNOTATION } from "../../../components/grafana/values";
import { provisionedDatasources } from "../../../components/grafana/datasources";

const REFERENCE = path.resolve(__dirname, "../../../../shared/reference/charts");

function chartValues(chart: string): Record<string, unknown> {
  const file = path.join(REFERENCE, chart, "values.yaml");
  if (!fs.existsSync(file)) {
    throw new Error(`Reference chart values missing: ${file}. Clone the shared reference data beside the repo (../shared/reference).`);
  }
  return parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
}

const HTTPS = parseConfig({
  runUrl: "https://datalayer.example.com",
  clusterName: "c1",
  grafana: {
    ingress: {
      className: "nginx",
      annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" },
      tlsSecretName: "grafana-tls",
    },
  },
});
// The ingress controller is declared for the NetworkPolicy (no class: the cluster default); Grafana's values ignore it.
const CONTROLLER = { networkPolicy: { ingressController: { namespace: "ingress-nginx" } } };
const BASE_PATH = parseConfig({ runUrl: "https://run.example.com:8443/team-a/", clusterName: "c1", ...CONTROLLER });
const HTTP = parseConfig({ runUrl: "http://localhost.example", clusterName: "c1", ...CONTROLLER });
const OFF = parseConfig({ clusterName: "c1" });
const OFF_WITH_URL = parseConfig({ runUrl: "https://datalayer.example.com", grafana: { ingress: { enabled: false } } });

describe("grafanaUrl", () => {
  it("is what the ingress serves: scheme, host (with port) and the /grafana sub-path under the run URL's path", () => {
    expect(grafanaUrl(HTTPS)).toBe("https://datalayer.example.com/grafana");
    expect(grafanaUrl(BASE_PATH)).toBe("https://run.example.com:8443/team-a/grafana");
    expect(grafanaUrl(HTTP)).toBe("http://localhost.example/grafana");
  });
  it("is undefined when the ingress is off (even with a run URL)", () => {
    expect(grafanaUrl(OFF)).toBeUndefined();
    expect(grafanaUrl(OFF_WITH_URL)).toBeUndefined();
  });
  it("matches the ingress host and path and Grafana's root_url", () => {
    for (const cfg of [HTTPS, BASE_PATH, HTTP]) {
      const v = grafanaValues(cfg) as { ingress: { hosts: string[]; path: string }; "grafana.ini": { server: { root_url: string } } };
      const u = new URL(grafanaUrl(cfg)!);
      expect(v.ingress.hosts).toEqual([u.hostname]);
      expect(v.ingress.path).toBe(u.pathname);
      expect(v["grafana.ini"].server.root_url).toBe(`${grafanaUrl(cfg)}/`);
    }
  });
});

describe("grafanaValues, ingress on over https", () => {
  const v = grafanaValues(HTTPS);

  it("serves from the /grafana sub-path with root_url, secure cookies, anonymous access off, nothing phoning home", () => {
    expect(v["grafana.ini"]).toEqual({
      server: {
        domain: "datalayer.example.com",
        root_url: "https://datalayer.example.com/grafana/",
        serve_from_sub_path: true,
        enable_gzip: true,
      },
      security: { cookie_secure: true, cookie_samesite: "lax", disable_gravatar: true },
      "auth.anonymous": { enabled: false },
      users: { allow_sign_up: false, allow_org_create: false },
      analytics: {
        reporting_enabled: false,
        check_for_updates: false,
        check_for_plugin_updates: false,
        feedback_links_enabled: false,
      },
      news: { news_feed_enabled: false },
      plugins: { preinstall_disabled: true, public_key_retrieval_disabled: true },
      metrics: { enabled: true },
    });
  });

  it("creates the ingress with class, annotations and TLS from config, path not stripped", () => {
    expect(v.ingress).toEqual({
      enabled: true,
      ingressClassName: "nginx",
      annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" },
      hosts: ["datalayer.example.com"],
      path: "/grafana",
      pathType: "Prefix",
      tls: [{ secretName: "grafana-tls", hosts: ["datalayer.example.com"] }],
    });
  });

  it("keeps probes, Grafana's own metrics and the sidecars' reloads under the sub-path (no redirect to the public URL)", () => {
    expect(v.readinessProbe).toEqual({ httpGet: { path: "/grafana/api/health" } });
    expect(v.livenessProbe).toEqual({ httpGet: { path: "/grafana/api/health" } });
    expect(v.serviceMonitor).toEqual({ enabled: true, path: "/grafana/metrics" });
    expect(v.sidecar).toEqual({
      dashboards: {
        enabled: true,
        label: "grafana_dashboard",
        labelValue: "1",
        searchNamespace: "datalayer-observer",
        folderAnnotation: DASHBOARD_FOLDER_ANNOTATION,
        reloadURL: "http://localhost:3000/grafana/api/admin/provisioning/dashboards/reload",
        provider: { allowUiUpdates: false, foldersFromFilesStructure: true },
      },
      datasources: {
        enabled: true,
        defaultDatasourceEnabled: false,
        alertmanager: { enabled: false },
        reloadURL: "http://localhost:3000/grafana/api/admin/provisioning/datasources/reload",
      },
    });
  });

  it("provisions our four datasources (the chart's own two are off) and prunes removed ones", () => {
    expect(v.additionalDataSources).toEqual(provisionedDatasources(HTTPS));
    expect((v.additionalDataSources as { uid: string }[]).map((d) => d.uid)).toEqual(["prometheus", "loki", "tempo", "alertmanager"]);
    expect(v.prune).toBe(true);
  });

  it("leaves the admin Secret and fullnameOverride to the charts helper", () => {
    expect(Object.keys(v).sort()).toEqual(
      ["additionalDataSources", "grafana.ini", "ingress", "livenessProbe", "prune", "readinessProbe", "serviceMonitor", "sidecar"].sort(),
    );
  });
});

describe("grafanaValues, other URL shapes", () => {
  it("nests the sub-path under the run URL's path and keeps its port in root_url", () => {
    const v = grafanaValues(BASE_PATH) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(grafanaSubPath(BASE_PATH)).toBe("/team-a/grafana");
    expect(v["grafana.ini"].server).toEqual({
      domain: "run.example.com",
      root_url: "https://run.example.com:8443/team-a/grafana/",
      serve_from_sub_path: true,
      enable_gzip: true,
    });
    expect(v.ingress).toEqual({
      enabled: true,
      annotations: {},
      hosts: ["run.example.com"],
      path: "/team-a/grafana",
      pathType: "Prefix",
      tls: [],
    });
    expect(v.readinessProbe).toEqual({ httpGet: { path: "/team-a/grafana/api/health" } });
    expect(v.serviceMonitor).toEqual({ enabled: true, path: "/team-a/grafana/metrics" });
  });

  it("does not set secure cookies over http", () => {
    const v = grafanaValues(HTTP) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(v["grafana.ini"].security.cookie_secure).toBe(false);
    expect(v.ingress.tls).toEqual([]);
  });

  it("serves at the root with no ingress when the ingress is off", () => {
    for (const cfg of [OFF, OFF_WITH_URL]) {
      const v = grafanaValues(cfg) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(grafanaSubPath(cfg)).toBe("");
      expect(v.ingress).toEqual({ enabled: false });
      expect(v["grafana.ini"].server).toEqual({ enable_gzip: true });
      expect(v["grafana.ini"].security.cookie_secure).toBe(false);
      expect(v["grafana.ini"]["auth.anonymous"]).toEqual({ enabled: false });
      expect(v.readinessProbe).toEqual({ httpGet: { path: "/api/health" } });
      expect(v.serviceMonitor).toEqual({ enabled: true, path: "/metrics" });
      expect(v.sidecar.dashboards.reloadURL).toBe("http://localhost:3000/api/admin/provisioning/dashboards/reload");
    }
  });

  it("searches dashboards in the configured namespace", () => {
    const cfg = parseConfig({ namespace: "obs" });
    expect((grafanaValues(cfg) as Record<string, any>).sidecar.dashboards.searchNamespace).toBe("obs"); // eslint-disable-line @typescript-eslint/no-explicit-any
  });
});

describe("grafanaValues keys exist in the charts", () => {
  // Keys only commented out upstream, with the template that reads them.
  const COMMENTED_UPSTREAM: Record<string, string> = {
    // grafana chart templates/ingress.yaml: `{{- if .Values.ingress.ingressClassName }}`
    "ingress.ingressClassName": "grafana templates/ingress.yaml",
  };
  // Free-form maps: their content is not chart structure.
  const FREE_FORM = new Set(["grafana.ini", "additionalDataSources", "ingress.annotations", "ingress.hosts", "ingress.tls"]);

  function paths(o: unknown, prefix: string[] = []): string[][] {
    if (!o || typeof o !== "object" || Array.isArray(o)) return [prefix];
    return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => {
      const p = [...prefix, k];
      return FREE_FORM.has(p.join(".")) ? [p] : paths(v, p);
    });
  }
  function has(values: unknown, p: string[]): boolean {
    let cur: unknown = values;
    for (const seg of p) {
      if (!cur || typeof cur !== "object" || !(seg in (cur as object))) return false;
      cur = (cur as Record<string, unknown>)[seg];
    }
    return true;
  }

  it("every key path is in kube-prometheus-stack's grafana: block or the grafana subchart's values", () => {
    const kps = (chartValues("kube-prometheus-stack") as { grafana: unknown }).grafana;
    const sub = chartValues("grafana");
    for (const cfg of [HTTPS, OFF]) {
      const unknown = paths(grafanaValues(cfg))
        .filter((p) => !has(kps, p) && !has(sub, p) && !(p.join(".") in COMMENTED_UPSTREAM))
        .map((p) => p.join("."));
      expect(unknown).toEqual([]);
    }
  });
});
