/**
 * Measurements the lane records for `npm run bench` (bench/engine.ts reads them): per profile, the wall time
 * of `up` and `destroy`, the resources created, the passes an `up` needed to converge. Written to
 * ~/.cache/observer/engine/bench.json (or $OBSERVER_ENGINE_BENCH), one entry per measurement, newest last.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface BenchEntry {
  readonly at: string;
  readonly profile: string;
  readonly op: "up" | "destroy" | "converge";
  readonly seconds: number;
  /** Resources created (up) or passes needed (converge). */
  readonly count: number;
}

export function benchFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.OBSERVER_ENGINE_BENCH ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "observer", "engine", "bench.json");
}

export function recordBench(profile: string, op: BenchEntry["op"], seconds: number, count: number): void {
  const file = benchFile();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const entries: BenchEntry[] = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as BenchEntry[]) : [];
  entries.push({ at: new Date().toISOString(), profile, op, seconds, count });
  fs.writeFileSync(file, JSON.stringify(entries.slice(-200), null, 1));
}

export function readBench(env: NodeJS.ProcessEnv = process.env): BenchEntry[] {
  const file = benchFile(env);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as BenchEntry[]) : [];
}
