/**
 * Grafana plugins, pure. Grafana downloads nothing from grafana.com: `[plugins] preinstall_disabled` turns off the
 * installer that would otherwise fetch (and keep updating) its default plugin list at every start (Grafana 13
 * pkg/setting/setting_plugins.go), which our egress policy blocks, air-gapped clusters cannot reach, and which on a
 * read-only root filesystem unloads a bundled plugin it fails to update (grafana#132528). The datasources we
 * provision (Prometheus, Loki, Tempo, Alertmanager) are built into the image. `public_key_retrieval_disabled` makes
 * Grafana verify plugin signatures with the key built into it instead of fetching one.
 *
 * Plugins you need (`observer:grafana.plugins`) come from a mirror you control: one init container per plugin,
 * running `grafana cli --pluginUrl <zip URL> plugins install <id> <version>` with the Grafana image itself (no
 * shell: every argument is a validated config value), into an emptyDir at Grafana's plugins directory. The list
 * is authoritative: every start installs exactly the listed plugins, and a plugin removed from the list is gone
 * after the next restart. (Preinstall settings cannot do this: `preinstall_disabled` also ignores `preinstall_sync`,
 * and re-enabling the installer brings the grafana.com downloads back.)
 */
import type { ObserverConfig } from "../config";
import { restrictedContainerSecurityContext } from "../security/pod-security";
import { resources } from "../sizing";
import { IMAGES, imageString } from "../versions";

/** Grafana's plugins directory (`[paths] plugins` of the grafana chart's grafana.ini, `GF_PATHS_PLUGINS`). */
export const GRAFANA_PLUGINS_PATH = "/var/lib/grafana/plugins";

/** The emptyDir holding the installed plugins (mounted at {@link GRAFANA_PLUGINS_PATH}). */
export const GRAFANA_PLUGINS_VOLUME = "observer-plugins";

/** `[plugins]` of grafana.ini. */
export const GRAFANA_PLUGIN_SETTINGS = { preinstall_disabled: true, public_key_retrieval_disabled: true } as const;

/** Name of the init container installing plugin `id` (a DNS label: `plugin-` and the id, at most 63 characters). */
export function pluginInitContainerName(id: string): string {
  return `plugin-${id}`.slice(0, 63).replace(/-+$/, "");
}

/** The init containers installing the configured plugins (empty when none). */
export function grafanaPluginInitContainers(cfg: ObserverConfig): Record<string, unknown>[] {
  return cfg.grafana.plugins.map((p) => ({
    name: pluginInitContainerName(p.id),
    image: imageString(IMAGES.grafana, cfg.images.mirror),
    command: ["/usr/share/grafana/bin/grafana", "cli", "--homepath", "/usr/share/grafana", "--pluginsDir", GRAFANA_PLUGINS_PATH, "--pluginUrl", p.url, "plugins", "install", p.id, p.version],
    resources: resources(cfg.profile, "grafana/init"),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [{ name: GRAFANA_PLUGINS_VOLUME, mountPath: GRAFANA_PLUGINS_PATH }],
  }));
}

/**
 * The egress Grafana needs to the mirror: every distinct port of the plugin URLs (443 for https, 80 for http unless
 * the URL names one), or undefined when no plugin is configured.
 */
export function pluginMirrorEgress(cfg: { readonly grafana: { readonly plugins: readonly { readonly url: string }[] } }): { ports: number[] } | undefined {
  if (cfg.grafana.plugins.length === 0) return undefined;
  const ports = cfg.grafana.plugins.map((p) => {
    const u = new URL(p.url);
    return u.port !== "" ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  });
  return { ports: [...new Set(ports)].sort((a, b) => a - b) };
}
