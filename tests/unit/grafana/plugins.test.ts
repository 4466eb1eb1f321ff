/**
 * Grafana plugins from a mirror: the config key, the init containers, the egress they need.
 */
import { parseConfig } from "../../../components/config";
import { grafanaPluginInitContainers, pluginInitContainerName, pluginMirrorEgress } from "../../../components/grafana/plugins";
import { grafanaIni } from "../../../components/grafana/values";
import { auditContainerSecurity } from "../../../components/security/pod-security";

const CLOCK = { id: "grafana-clock-panel", version: "3.1.0", url: "https://artifacts.internal/grafana/grafana-clock-panel-3.1.0.zip" };
const POLY = { id: "grafana-polystat-panel", version: "2.1.16", url: "http://mirror.internal:8080/polystat-2.1.16.zip" };

describe("observer:grafana.plugins", () => {
  it("defaults to none: no init container, no egress", () => {
    const cfg = parseConfig({});
    expect(cfg.grafana.plugins).toEqual([]);
    expect(grafanaPluginInitContainers(cfg)).toEqual([]);
    expect(pluginMirrorEgress(cfg)).toBeUndefined();
  });

  it.each([
    [[{ ...CLOCK, id: "Clock Panel" }], "observer:grafana.plugins[0].id", "expected a Grafana plugin id such as 'grafana-clock-panel'"],
    [[{ ...CLOCK, version: "latest" }], "observer:grafana.plugins[0].version", "expected the plugin version 'x.y.z'"],
    [[{ ...CLOCK, url: "https://user:secret@artifacts.internal/p.zip" }], "observer:grafana.plugins[0].url", "expected an http(s) URL"],
    [[CLOCK, { ...CLOCK, version: "3.0.0" }], "observer:grafana.plugins[1].id", 'plugin "grafana-clock-panel" is listed twice'],
  ])("rejects %j at the key path", (plugins, path, message) => {
    expect(() => parseConfig({ grafana: { plugins } })).toThrow(`${path}: ${message}`);
  });

  it("one restricted init container per plugin: Grafana's CLI, no shell, the mirror URL and the exact version", () => {
    const cfg = parseConfig({ grafana: { plugins: [CLOCK, POLY] }, images: { mirror: "registry.internal/mirror" } });
    const containers = grafanaPluginInitContainers(cfg) as { name: string; image: string; command: string[]; securityContext: Record<string, unknown> }[];
    expect(containers.map((c) => [c.name, c.image, c.command])).toEqual([
      [
        "plugin-grafana-clock-panel",
        "registry.internal/mirror/grafana/grafana:13.2.0",
        ["/usr/share/grafana/bin/grafana", "cli", "--homepath", "/usr/share/grafana", "--pluginsDir", "/var/lib/grafana/plugins", "--pluginUrl", CLOCK.url, "plugins", "install", CLOCK.id, "3.1.0"],
      ],
      [
        "plugin-grafana-polystat-panel",
        "registry.internal/mirror/grafana/grafana:13.2.0",
        ["/usr/share/grafana/bin/grafana", "cli", "--homepath", "/usr/share/grafana", "--pluginsDir", "/var/lib/grafana/plugins", "--pluginUrl", POLY.url, "plugins", "install", POLY.id, "2.1.16"],
      ],
    ]);
    expect(
      auditContainerSecurity({
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        initContainers: containers.map((c) => ({ name: c.name, securityContext: c.securityContext })),
        containers: [],
      }),
    ).toEqual([]);
  });

  it("init container names stay DNS labels", () => {
    expect(pluginInitContainerName("a".repeat(70))).toBe(`plugin-${"a".repeat(56)}`);
    expect(pluginInitContainerName("x".repeat(55) + "-yz")).toMatch(/^[a-z0-9-]{1,63}$/);
    expect(pluginInitContainerName("x".repeat(55) + "-yz")).not.toMatch(/-$/);
  });

  it("egress on every distinct port of the plugin URLs", () => {
    expect(pluginMirrorEgress(parseConfig({ grafana: { plugins: [CLOCK, POLY] } }))).toEqual({ ports: [443, 8080] });
    expect(pluginMirrorEgress(parseConfig({ grafana: { plugins: [{ ...POLY, url: "http://mirror.internal/p.zip" }] } }))).toEqual({ ports: [80] });
  });

  it("grafana.ini turns the preinstall and the signing-key download off in every profile", () => {
    for (const cfg of [parseConfig({}), parseConfig({ grafana: { plugins: [CLOCK] } })]) {
      expect(grafanaIni(cfg).plugins).toEqual({ preinstall_disabled: true, public_key_retrieval_disabled: true });
    }
  });
});
