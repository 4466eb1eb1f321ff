/**
 * The Prometheus and Alertmanager binaries the tool tests run: `prometheus`, `promtool`, `alertmanager` and
 * `amtool` at the versions the stack deploys (Prometheus 3.14.0 and Alertmanager 0.34.0, the images
 * kube-prometheus-stack 88.5.3 renders), built from the Go module proxy by the real-engine toolchain
 * (`tests/engine/toolchain/build.sh prometheus alertmanager`, which `.ci/run` runs; cached, so a warm run
 * only links them). Binaries are looked up in $OBSERVER_ENGINE_BIN, else
 * ${XDG_CACHE_HOME:-~/.cache}/observer/engine/bin. A missing binary fails the tests with the command that
 * builds it (never skips).
 */
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { INVENTORY } from "../fixtures/inventory";

/** Where the toolchain links its binaries. */
export function engineBinDir(): string {
  const fromEnv = process.env["OBSERVER_ENGINE_BIN"];
  if (fromEnv) return fromEnv;
  return path.join(process.env["XDG_CACHE_HOME"] || path.join(os.homedir(), ".cache"), "observer", "engine", "bin");
}

/** The tools, by the toolchain entry (tests/engine/toolchain/<entry>) that builds them. */
export const ENGINE_TOOLS = {
  prometheus: "prometheus",
  promtool: "prometheus",
  alertmanager: "alertmanager",
  amtool: "alertmanager",
} as const;
export type EngineTool = keyof typeof ENGINE_TOOLS;

/** The command that builds the tools (run from the repository root). */
export const BUILD_COMMAND = "tests/engine/toolchain/build.sh prometheus alertmanager";

/**
 * The version the stack deploys, read from the rendered chart inventory (the image tag of the container the
 * Prometheus Operator builds): `3.14.0` for prometheus/promtool, `0.34.0` for alertmanager/amtool.
 */
export function deployedVersion(tool: EngineTool): string {
  const container = ENGINE_TOOLS[tool];
  const tags = new Set(
    INVENTORY.filter((r) => r.chart === "kube-prometheus-stack" && r.container === container && !r.init).map(
      (r) => /:v(\d+\.\d+\.\d+)(?:-[a-z]+)?$/.exec(r.image)?.[1] ?? r.image,
    ),
  );
  if (tags.size !== 1) throw new Error(`expected one ${container} image in the chart inventory, found ${[...tags].join(", ") || "none"}`);
  return [...tags][0]!;
}

/** Absolute path of a tool (it may not exist: see {@link requireTool}). */
export function toolPath(tool: EngineTool): string {
  return path.join(engineBinDir(), tool);
}

/**
 * Fails, with the build command, when `tool` does not run; returns the first line of `tool --version`
 * (for example `promtool, version 3.14.0 (branch: release, revision: release)`).
 */
export function requireTool(tool: EngineTool): string {
  const bin = toolPath(tool);
  const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${tool} is not available at ${bin} (${r.error?.message ?? `exit ${r.status}`}). Build it from the repository root ` +
        `(Go >= 1.26; cached under ~/.cache/observer/engine; .ci/run does this): ${BUILD_COMMAND}` +
        (process.env["OBSERVER_ENGINE_BIN"] ? ` (OBSERVER_ENGINE_BIN=${process.env["OBSERVER_ENGINE_BIN"]} is set: the binaries must be there)` : ""),
    );
  }
  return `${r.stdout}${r.stderr}`.split("\n")[0]!.trim();
}

/** The version a tool reports (`3.14.0` from `promtool, version 3.14.0 (…)`). */
export function reportedVersion(versionLine: string): string {
  return /version (\d+\.\d+\.\d+\S*)/.exec(versionLine)?.[1] ?? versionLine;
}

/** Runs `tool args` (in `cwd` when given): its exit status (-1 when it did not exit) and stdout followed by stderr. */
export function runTool(tool: EngineTool, args: string[], cwd?: string): { status: number; out: string } {
  const r = spawnSync(toolPath(tool), args, { encoding: "utf8", ...(cwd !== undefined ? { cwd } : {}) });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}
