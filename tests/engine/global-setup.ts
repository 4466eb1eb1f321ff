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

export function cleanLeftovers(): string[] {
  const removed: string[] = [];
  const tmp = os.tmpdir();
  const dirs = fs.readdirSync(tmp).filter((d) => /^oe-[a-z0-9]+-/.test(d)).map((d) => path.join(tmp, d));
  if (dirs.length > 0) {
    let ps = "";
    try {
      ps = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
    } catch {
      /* no ps: nothing to kill */
    }
    for (const line of ps.split("\n")) {
      const m = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (m && dirs.some((d) => m[2]!.includes(d))) {
        try {
          process.kill(Number(m[1]), "SIGKILL");
          removed.push(`process ${m[1]}`);
        } catch {
          /* gone */
        }
      }
    }
    for (const d of dirs) {
      fs.rmSync(d, { recursive: true, force: true });
      removed.push(d);
    }
  }
  for (const f of fs.readdirSync(REPO).filter((f) => /^Pulumi\.engine-.*\.yaml$/.test(f))) {
    fs.rmSync(path.join(REPO, f));
    removed.push(f);
  }
  return removed;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.OBSERVER_ENGINE_KEEP) return;
  const removed = cleanLeftovers();
  if (removed.length) process.stdout.write(`[engine lane] removed leftovers of an interrupted run: ${removed.join(", ")}\n`);
}
