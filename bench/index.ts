/**
 * `npm run bench`: program evaluation time under mocks (median of N fresh processes) and resource
 * count per profile, then the resource footprint (CPU/memory requests) the program asks for, then what the
 * real-engine lane measured (passes to converge, up/destroy wall time, resources per profile).
 * Nothing here is a test: numbers are printed, never asserted.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function evaluate(profile: "dev" | "prod"): { ms: number[]; resources: number } {
  const ms: number[] = [];
  let resources = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "evaluate.ts"), profile], {
      cwd: path.resolve(__dirname, ".."),
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`evaluation failed (${profile}):\n${r.stderr}`);
    const line = JSON.parse(r.stdout.trim().split("\n").pop()!) as { ms: number; resources: number };
    ms.push(line.ms);
    resources = line.resources;
  }
  return { ms, resources };
}

async function main(): Promise<void> {
  console.log(`Program evaluation under mocks (${RUNS} fresh processes per profile, Node ${process.version})`);
  console.log("profile  median ms  min ms  max ms  resources");
  for (const profile of ["dev", "prod"] as const) {
    const { ms, resources } = evaluate(profile);
    console.log(
      `${profile.padEnd(8)} ${median(ms).toFixed(1).padStart(9)} ${Math.min(...ms).toFixed(1).padStart(7)} ${Math.max(...ms).toFixed(1).padStart(7)} ${String(resources).padStart(10)}`,
    );
  }
  const footprint = await import("./footprint");
  footprint.print();
  (await import("./engine")).print();
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(1);
});
