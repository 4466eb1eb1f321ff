/**
 * The real-engine lane's measurements (recorded by tests/engine/lib/bench.ts while `npm run test:engine` runs):
 * per profile, the passes `up` needed to converge (1 = the first `up` succeeded and the next preview changed
 * nothing), the wall time of `up` and `destroy`, and the resources the first `up` created. Printed, never asserted.
 */
import { readBench, benchFile, type BenchEntry } from "../tests/engine/lib/bench";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function print(): void {
  const entries = readBench();
  console.log(`\nReal-engine lane (${benchFile()})`);
  if (entries.length === 0) {
    console.log("  no measurements yet: run `npm run test:engine` (tests/engine/README.md)");
    return;
  }
  const by = (profile: string, op: BenchEntry["op"]) => entries.filter((e) => e.profile === profile && e.op === op);
  console.log("profile  passes to converge  up s (median, runs)  destroy s (median, runs)  resources created");
  for (const profile of [...new Set(entries.map((e) => e.profile))].sort()) {
    const converge = by(profile, "converge");
    const up = by(profile, "up");
    const destroy = by(profile, "destroy");
    const cell = (xs: BenchEntry[]) => (xs.length ? `${median(xs.map((x) => x.seconds)).toFixed(1)} (${xs.length})` : "-");
    console.log(
      `${profile.padEnd(8)} ${(converge.length ? String(Math.max(...converge.map((c) => c.count))) : "-").padStart(18)}  ${cell(up).padStart(19)}  ${cell(destroy).padStart(24)}  ${(up.length ? String(up[up.length - 1]!.count) : "-").padStart(17)}`,
    );
  }
}
