/**
 * After the lane: the same sweep as before it (./global-setup.ts). Each suite removes its own processes, servers
 * and directories on the way out, so anything found here is a defect of the lane, reported as a failure: a
 * process started from a lane directory (killed and removed first), or, in this process (the suites run in band),
 * a server still listening or a child still running, either of which would keep Jest from exiting (a CI run once
 * sat after its last test until the CI's time limit that way), and anything new in the temporary directory outside
 * the lane's own directories (the kubernetes provider writes a kubeconfig copy there at every configure unless its
 * TMPDIR is the cluster's; see lib/stack.ts).
 */
import type { ChildProcess } from "node:child_process";
import type { Server } from "node:net";
import * as os from "node:os";

import { cleanLeftovers, tmpEntries } from "./global-setup";

/** Servers still listening and children still running in this process (Node's own list of live handles). */
export function liveHandles(): string[] {
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const live: string[] = [];
  for (const h of handles) {
    const name = (h as object)?.constructor?.name;
    if (name === "Server" && (h as Server).listening) live.push(`a server listening on ${JSON.stringify((h as Server).address())}`);
    const c = h as ChildProcess;
    if (name === "ChildProcess" && c.exitCode === null && c.signalCode === null) live.push(`child process ${c.pid} (${c.spawnfile})`);
  }
  return live;
}

export default async function globalTeardown(): Promise<void> {
  if (process.env.OBSERVER_ENGINE_KEEP) return;
  const before = (globalThis as { observerLaneTmp?: Set<string> }).observerLaneTmp;
  const problems = [...cleanLeftovers().map((r) => `${r} (removed)`), ...liveHandles()];
  // Files the lane's processes made outside its directories (the lane needs the machine to itself).
  if (before) problems.push(...[...tmpEntries()].filter((e) => !before.has(e)).map((e) => `${e} in ${os.tmpdir()}`));
  if (problems.length) throw new Error(`[engine lane] a suite left these behind: ${problems.join("; ")}`);
}
