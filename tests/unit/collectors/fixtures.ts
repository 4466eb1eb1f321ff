/**
 * Config fixtures for the collectors' tests. Prod is derived from the parsed dev config with the
 * collectors' own resolver, so these tests do not depend on other areas' prod-only keys.
 */
import { parseConfig, type ObserverConfig } from "../../../components/config";
import { resolveCollectors } from "../../../components/collectors/config";

export function devConfig(raw: Record<string, unknown> = {}): ObserverConfig {
  return parseConfig(raw);
}

export function prodConfig(raw: Record<string, unknown> = {}, tenant?: string): ObserverConfig {
  const d = parseConfig({ clusterName: "prod-eu-1", ...raw });
  const base = { ...d, profile: "prod" as const, loki: tenant !== undefined ? { tenant } : {} };
  const problems: { path: string; message: string }[] = [];
  const collectors = resolveCollectors(raw as Parameters<typeof resolveCollectors>[0], base, problems);
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return { ...base, ...collectors };
}
