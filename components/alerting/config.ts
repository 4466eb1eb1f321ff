/**
 * Config keys owned by this area: issue 5 (alerting receivers, routes, SLOs).
 * Merged into the one `observer:*` schema by components/config.ts; resolved after the core keys.
 */
import type { z } from "zod";
import type { BaseConfig, ConfigProblem } from "../config";

/** Zod schemas of this area's top-level keys (all optional; defaults applied in resolve). */
export const alertingShape = {} satisfies Record<string, z.ZodType>;

/** This area's resolved config, merged into ObserverConfig. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AlertingConfig {}

/**
 * Applies defaults (per profile) and semantic checks. Push every problem into `problems`
 * (key path as `observer:a.b`), never throw.
 */
export function resolveAlerting(
  // Once the shape has keys, type this as z.infer<z.ZodObject<typeof alertingShape>>.
  _raw: object,
  _base: BaseConfig,
  _problems: ConfigProblem[],
): AlertingConfig {
  return {};
}
