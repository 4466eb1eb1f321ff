/**
 * Test views of the metadata contract (components/contract.ts): the names its rows have in Prometheus, and the
 * ones Loki indexes as stream labels. The program needs neither list; the dashboard, rule and datasource tests
 * check queries against them.
 */
import { CONTRACT } from "../../components/contract";

/** Prometheus label names of the contract, in table order. */
export const CONTRACT_PROM_LABELS: readonly string[] = CONTRACT.map((r) => r.promLabel);

/** Loki index labels (the `index` rows, by their label names); everything else is structured metadata. */
export const LOKI_INDEX_LABELS: readonly string[] = CONTRACT.filter((r) => r.loki === "index").map((r) => r.promLabel);
