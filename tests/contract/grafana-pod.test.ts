/**
 * The Grafana pod as kube-prometheus-stack 88.5.3 (grafana subchart 12.11.1) really renders it with our values
 * (tests/fixtures/rendered-facts.json, `helm template`), for what a persistent Grafana needs:
 * - a ReadWriteOnce volume with a RollingUpdate Deployment deadlocks a rollout whenever the new pod lands on another
 *   node (it waits for the volume the old pod holds; the old pod waits for the new one to be ready): `Recreate`;
 * - Grafana applies `GF_SECURITY_ADMIN_PASSWORD` only when it creates its database, so with a persistent database
 *   a rotated admin Secret must be written into the database before Grafana starts (`grafana cli admin
 *   reset-admin-password`, which resets user id 1, the admin Grafana created), and the pod must restart when the
 *   Secret changes;
 * - Grafana 13 preinstalls plugins from grafana.com at every start unless `[plugins] preinstall_disabled`
 *   (pkg/setting/setting_plugins.go: its default list, auto-updated; our egress policy blocks it, air-gapped
 *   clusters have no grafana.com, and on a read-only root filesystem an update unloads the bundled plugin it fails
 *   to replace, grafana#132528); the plugin signing key is fetched from grafana.com unless
 *   `public_key_retrieval_disabled` (the key built into Grafana is used instead).
 */
import { GRAFANA_ADMIN_KEYS, GRAFANA_ADMIN_SECRET } from "../../components/charts/secrets";
import { loadFacts, VARIANT_RAW, type FactsVariant, type VariantName } from "../fixtures/facts";

const FACTS = loadFacts();
const VARIANTS: readonly VariantName[] = ["dev", "prod", "prod-kafka"];

type GrafanaFacts = NonNullable<FactsVariant["grafana"]>;

/** The PVC-backed volumes of the pod whose rendered claim is ReadWriteOnce. */
function rwoVolumes(g: GrafanaFacts): string[] {
  return Object.entries(g.volumes)
    .filter(([, v]) => v.pvc !== undefined && (g.pvcs[v.pvc]?.accessModes ?? ["ReadWriteOnce"]).includes("ReadWriteOnce"))
    .map(([name]) => name);
}

/** The rendered grafana.ini's data directory (`[paths] data`), without a trailing slash. */
function dataPath(v: VariantName): string {
  return (FACTS.variants[v].grafanaIni?.paths?.data ?? "/var/lib/grafana").replace(/\/+$/, "");
}

describe.each(VARIANTS)("%s: the rendered Grafana pod", (v) => {
  const g = FACTS.variants[v].grafana;
  const persistent = () => rwoVolumes(g!).length > 0;

  it("is rendered (Deployment)", () => {
    expect(g).toBeDefined();
    expect(g!.kind).toBe("Deployment");
  });

  it("uses the Recreate strategy whenever it mounts a ReadWriteOnce volume", () => {
    const expected = persistent() ? "Recreate" : g!.strategy;
    expect({ rwo: rwoVolumes(g!), strategy: g!.strategy }).toEqual({ rwo: rwoVolumes(g!), strategy: expected });
    // prod keeps Grafana's database on a volume; dev does not.
    expect(persistent()).toBe(v !== "dev");
  });

  it("restarts when the admin Secret changes (checksum annotation on the pod template)", () => {
    expect(g!.podAnnotations).toContain("checksum/admin-secret");
  });

  it("with a persistent database, writes the admin Secret's password into it before Grafana starts", () => {
    const main = g!.containers.find((c) => c.name === "grafana" && !c.init)!;
    const mainPassword = main.secretEnv.find((e) => e.env === "GF_SECURITY_ADMIN_PASSWORD");
    expect(mainPassword).toEqual({ env: "GF_SECURITY_ADMIN_PASSWORD", secret: GRAFANA_ADMIN_SECRET, key: GRAFANA_ADMIN_KEYS.password });
    const resets = g!.containers.filter((c) => c.init && [...c.command, ...c.args].join(" ").includes("admin reset-admin-password"));
    if (!persistent()) {
      expect(resets).toEqual([]);
      return;
    }
    expect(resets.map((c) => c.name)).toHaveLength(1);
    const reset = resets[0]!;
    const script = [...reset.command, ...reset.args].join(" ");
    // The password reaches the CLI on stdin (never as an argument, which `ps` on the node would show).
    expect(script).toContain("--password-from-stdin");
    expect(script).not.toMatch(/reset-admin-password\s+"?\$/);
    // The same image as Grafana (same CLI and database schema), the same Secret key, the same database and config.
    expect(reset.image).toBe(main.image);
    expect(reset.secretEnv).toContainEqual(mainPassword);
    const mainMount = (path: string) => main.mounts.find((m) => m.mountPath === path);
    const data = mainMount(dataPath(v));
    expect(data && g!.volumes[data.volume]?.pvc).toBeDefined();
    expect(reset.mounts).toContainEqual(data);
    const ini = mainMount("/etc/grafana/grafana.ini");
    expect(ini).toBeDefined();
    expect(reset.mounts).toContainEqual(ini);
    expect(script).toContain("--config /etc/grafana/grafana.ini");
    // Only an existing database is touched: on the very first start Grafana creates the admin itself.
    expect(script).toContain(`${dataPath(v)}/grafana.db`);
  });
});

describe.each(VARIANTS)("%s: Grafana downloads nothing from grafana.com at start", (v) => {
  const ini = () => FACTS.variants[v].grafanaIni ?? {};

  it("preinstall is off and the plugin signing key is the built-in one", () => {
    expect(ini().plugins ?? {}).toMatchObject({ preinstall_disabled: "true", public_key_retrieval_disabled: "true" });
  });

  it("no environment variable turns an install back on", () => {
    const env = FACTS.variants[v].grafana!.containers.flatMap((c) => c.env);
    expect(env.filter((e) => /^GF_(PLUGINS_PREINSTALL|INSTALL_PLUGINS)/.test(e))).toEqual([]);
  });
});

describe.each(VARIANTS)("%s: plugins from a mirror (observer:grafana.plugins)", (v) => {
  const configured = ((VARIANT_RAW[v] as { grafana?: { plugins?: { id: string; version: string; url: string }[] } }).grafana?.plugins ?? []);
  const g = () => FACTS.variants[v].grafana!;
  const installs = () => g().containers.filter((c) => c.init && [...c.command, ...c.args].includes("install"));

  it("one init container per configured plugin, running Grafana's CLI on the plugin's mirror URL", () => {
    const main = g().containers.find((c) => c.name === "grafana" && !c.init)!;
    expect(installs().map((c) => {
      const argv = [...c.command, ...c.args];
      return { image: c.image, url: argv[argv.indexOf("--pluginUrl") + 1], install: argv.slice(argv.indexOf("plugins")) };
    })).toEqual(configured.map((p) => ({ image: main.image, url: p.url, install: ["plugins", "install", p.id, p.version] })));
  });

  it("installs into the directory Grafana loads plugins from, on a volume Grafana mounts there", () => {
    const pluginsPath = FACTS.variants[v].grafanaIni?.paths?.plugins;
    expect(pluginsPath).toBeDefined();
    const main = g().containers.find((c) => c.name === "grafana" && !c.init)!;
    for (const c of installs()) {
      const argv = [...c.command, ...c.args];
      expect(argv[argv.indexOf("--pluginsDir") + 1]).toBe(pluginsPath);
      const mount = c.mounts.find((m) => m.mountPath === pluginsPath);
      expect(mount).toBeDefined();
      expect(main.mounts).toContainEqual(mount);
    }
    if (configured.length === 0) expect(main.mounts.filter((m) => m.mountPath === pluginsPath)).toEqual([]);
  });
});
