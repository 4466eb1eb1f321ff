/**
 * Config fixtures for the collectors' tests: real parses of the dev and prod configs.
 */
import { parseConfig, type ObserverConfig } from "../../../components/config";
import { PROD_RAW } from "../../helpers/fixtures";

export function devConfig(raw: Record<string, unknown> = {}): ObserverConfig {
  return parseConfig(raw);
}

export function prodConfig(raw: Record<string, unknown> = {}, tenant?: string): ObserverConfig {
  return parseConfig({ ...PROD_RAW, ...(tenant !== undefined ? { loki: { tenant } } : {}), ...raw });
}
