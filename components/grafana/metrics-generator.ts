/**
 * Tempo metrics generator: the block deep-merged into the `tempo` (single binary) chart's values. Pure.
 */
import type { ObserverConfig } from "../config";

/** Values for the tempo chart: `tempo.metricsGenerator`, `tempo.overrides`. */
export function tempoMetricsGeneratorValues(_cfg: ObserverConfig): Record<string, unknown> {
  return {};
}
