/**
 * Before and after the lane: nothing of an earlier, interrupted lane run may linger. Kills every process started
 * from a lane cluster directory (/tmp/oe-*), removes those directories and the lane's stack files at the
 * repository root. Each suite removes its own on the way out; this covers a killed run.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "../..");

/** A lane cluster directory (/tmp/oe-<suite>-<random>), as a path and inside a command line. */
const LANE_DIR = /^oe-[a-z0-9]+-[A-Za-z0-9]+$/;

export function cleanLeftovers(): string[] {
  const removed: string[] = [];
  const tmp = os.tmpdir();
  const inArgs = new RegExp(`${tmp.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/oe-[a-z0-9]+-[A-Za-z0-9]+`);
  let ps = "";
  try {
    ps = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  } catch {
    /* no ps: nothing to kill */
  }
  // Every process started from a lane directory, also one whose directory is already gone (started after its
  // suite removed it).
  for (const line of ps.split("\n")) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m && Number(m[1]) !== process.pid && inArgs.test(m[2]!)) {
      try {
        process.kill(Number(m[1]), "SIGKILL");
        removed.push(`process ${m[1]} (${m[2]!.slice(0, 120)})`);
      } catch {
        /* gone */
      }
    }
  }
  for (const d of fs.readdirSync(tmp).filter((d) => LANE_DIR.test(d))) {
    fs.rmSync(path.join(tmp, d), { recursive: true, force: true });
    removed.push(path.join(tmp, d));
  }
  for (const f of fs.readdirSync(REPO).filter((f) => /^Pulumi\.engine-.*\.yaml$/.test(f))) {
    fs.rmSync(path.join(REPO, f));
    removed.push(f);
  }
  return removed;
}

/** Entries of the temporary directory the lane may leave: Jest's and Node's own caches. */
const TOOL_CACHES = /^(jest_\w+|v8-compile-cache(-\d+)?|node-compile-cache)$/;

/** What the temporary directory holds that no lane run may add to (read before the first suite). */
export function tmpEntries(): Set<string> {
  return new Set(fs.readdirSync(os.tmpdir()).filter((e) => !TOOL_CACHES.test(e)));
}

export default async function globalSetup(): Promise<void> {
  if (process.env.OBSERVER_ENGINE_KEEP) return;
  const removed = cleanLeftovers();
  if (removed.length) process.stdout.write(`[engine lane] removed leftovers of an interrupted run: ${removed.join(", ")}\n`);
  // Read by the global teardown (same process: the suites run in band).
  (globalThis as { observerLaneTmp?: Set<string> }).observerLaneTmp = tmpEntries();
}
