/**
 * Every component type in both collectors' configs exists in the pinned contrib image
 * (../shared/reference/collector/otelcol-contrib/manifest.yaml, v0.158.0).
 *
 * The manifest lists Go modules, not component types, so the mapping type → module is kept here,
 * each type as declared in that module's metadata.yaml at v0.158.0 (`type:`, not `deprecated_type:`):
 * the core OTLP exporters are `otlp_grpc`/`otlp_http` (`otlp`/`otlphttp` are deprecated aliases),
 * the filelog receiver is `file_log` and the k8sattributes processor `k8s_attributes` (`filelog` and
 * `k8sattributes` still load, with a deprecation warning at every start). A config using an alias
 * fails here, since only the real types are mapped.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { gatewayConfig } from "../../../components/collectors/gateway";
import { agentConfig } from "../../../components/collectors/agent";
import { devConfig, prodConfig } from "./fixtures";

const MANIFEST = path.resolve(__dirname, "../../../../shared/reference/collector/otelcol-contrib/manifest.yaml");

type Kind = "receivers" | "processors" | "exporters" | "extensions" | "connectors";
const MODULES: Record<Kind, Record<string, string>> = {
  receivers: {
    otlp: "go.opentelemetry.io/collector/receiver/otlpreceiver",
    file_log: "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/filelogreceiver",
  },
  processors: {
    memory_limiter: "go.opentelemetry.io/collector/processor/memorylimiterprocessor",
    batch: "go.opentelemetry.io/collector/processor/batchprocessor",
    k8s_attributes: "github.com/open-telemetry/opentelemetry-collector-contrib/processor/k8sattributesprocessor",
    transform: "github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor",
    filter: "github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor",
  },
  exporters: {
    otlp_grpc: "go.opentelemetry.io/collector/exporter/otlpexporter",
    otlp_http: "go.opentelemetry.io/collector/exporter/otlphttpexporter",
  },
  extensions: {
    health_check: "github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension",
    file_storage: "github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage",
  },
  connectors: {},
};

function manifestModules(kind: Kind): Set<string> {
  if (!fs.existsSync(MANIFEST)) {
    throw new Error(`Collector manifest not found at ${MANIFEST}: these tests need ../shared/reference beside the repository.`);
  }
  const m = parse(fs.readFileSync(MANIFEST, "utf8")) as Record<string, { gomod: string }[]>;
  expect(m["dist"]).toMatchObject({ version: "0.158.0" });
  return new Set((m[kind] ?? []).map((c) => c.gomod));
}

const configs = [
  ["dev gateway", () => gatewayConfig(devConfig())],
  ["legacy gateway", () => gatewayConfig(devConfig({ metrics: { jobLabel: "legacy" } }))],
  ["prod gateway", () => gatewayConfig(prodConfig())],
  ["agent", () => agentConfig(devConfig())],
] as const;

describe.each(configs)("%s: every component is in the contrib image 0.158.0", (_n, build) => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const config = build() as any;
  it.each(["receivers", "processors", "exporters", "extensions", "connectors"] as Kind[])("%s", (kind) => {
    const present = manifestModules(kind);
    for (const id of Object.keys(config[kind] ?? {})) {
      const type = id.split("/")[0]!;
      const mod = MODULES[kind][type];
      expect([id, mod !== undefined]).toEqual([id, true]);
      expect([id, present.has(`${mod} v0.158.0`)]).toEqual([id, true]);
    }
  });

  it("pipelines and service extensions only name declared components", () => {
    for (const p of Object.values<any>(config.service.pipelines)) { // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const r of p.receivers) expect(Object.keys(config.receivers)).toContain(r);
      for (const r of p.processors) expect(Object.keys(config.processors)).toContain(r);
      for (const r of p.exporters) expect(Object.keys(config.exporters)).toContain(r);
    }
    for (const e of config.service.extensions) expect(Object.keys(config.extensions)).toContain(e);
    // Every declared component is used (the collector rejects nothing, but unused ones hide mistakes).
    const used = new Set(Object.values<any>(config.service.pipelines).flatMap((p) => [...p.receivers, ...p.processors, ...p.exporters])); // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const k of ["receivers", "processors", "exporters"]) for (const id of Object.keys(config[k])) expect([id, used.has(id)]).toEqual([id, true]);
  });
});

it("the mapping itself names modules the manifest has (a renamed module fails here)", () => {
  for (const kind of Object.keys(MODULES) as Kind[]) {
    const present = manifestModules(kind);
    for (const mod of Object.values(MODULES[kind])) expect([mod, present.has(`${mod} v0.158.0`)]).toEqual([mod, true]);
  }
});

it("the tool tests' collector (tests/tools/otelcol-builder.yaml) is built from the contrib 0.158.0 modules, with every one the configs use", () => {
  const builder = parse(fs.readFileSync(path.resolve(__dirname, "../../tools/otelcol-builder.yaml"), "utf8")) as Record<string, { gomod: string }[]> & {
    dist: { version: string };
  };
  expect(builder.dist.version).toBe("0.158.0");
  for (const kind of Object.keys(MODULES) as Kind[]) {
    const present = manifestModules(kind);
    const built = (builder[kind] ?? []).map((c) => c.gomod);
    // Same module, same version as the image.
    for (const mod of built) expect([kind, mod, present.has(mod)]).toEqual([kind, mod, true]);
    for (const mod of Object.values(MODULES[kind])) expect([kind, mod, built.includes(`${mod} v0.158.0`)]).toEqual([kind, mod, true]);
  }
  // Beyond what the configs use, only the exporter the functional test writes to.
  expect(builder.exporters.map((c) => c.gomod).filter((m) => !Object.values(MODULES.exporters).some((x) => m.startsWith(`${x} `)))).toEqual([
    "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter v0.158.0",
  ]);
});
