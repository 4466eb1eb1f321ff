/** After the lane: the same sweep as before it (./global-setup.ts), reporting anything a suite left behind. */
import { cleanLeftovers } from "./global-setup";

export default async function globalTeardown(): Promise<void> {
  if (process.env.OBSERVER_ENGINE_KEEP) return;
  const removed = cleanLeftovers();
  if (removed.length) process.stdout.write(`[engine lane] removed what a suite left behind: ${removed.join(", ")}\n`);
}
