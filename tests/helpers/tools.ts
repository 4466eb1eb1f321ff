/**
 * The command-line tools the tool tests run (promtool, amtool): Debian packages that `.ci/run` installs.
 * A missing tool fails the tests with install instructions (never skips).
 */
import { spawnSync } from "child_process";

/** Fails with install instructions when `tool` does not run; returns the first line of `tool --version`. */
export function requireTool(tool: string, pkg: string): string {
  const r = spawnSync(tool, ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      `${tool} is not available (${r.error?.message ?? `exit ${r.status}`}). Install Debian's \`${pkg}\` package ` +
        `(\`apt-get update && apt-get install -y ${pkg}\`); .ci/run does this.`,
    );
  }
  return `${r.stdout}${r.stderr}`.split("\n")[0]!.trim();
}

/** Runs `tool args` (in `cwd` when given): its exit status (-1 when it did not exit) and stdout followed by stderr. */
export function runTool(tool: string, args: string[], cwd?: string): { status: number; out: string } {
  const r = spawnSync(tool, args, { encoding: "utf8", ...(cwd !== undefined ? { cwd } : {}) });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}
