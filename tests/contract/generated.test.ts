/**
 * The generated fixtures are what their generators write NOW: tests/fixtures/rendered-facts.json and
 * tests/fixtures/rendered-inventory.json are rendered again in memory from ../shared/charts with helm (tests/helpers/helm.ts)
 * and the program's current values, and compared with the checked-in files. After a chart bump or a values change
 * this fails until `npm run generate` has rewritten them (review the diff; it is what the charts will deploy).
 */
import * as fs from "fs";
import { INVENTORY_FILE, inventoryRows } from "../fixtures/generate-inventory";
import { RENDERED_FACTS_FILE, renderedFacts } from "../fixtures/generate-rendered-facts";
import { REGENERATE } from "../fixtures/facts";

const HOW = `the checked-in file differs from what the pinned charts render now: run \`${REGENERATE}\` and review the diff`;

/**
 * helm generates the operator's webhook certificate at render time: its dates are the time of rendering. They are
 * compared as validity periods in whole days (what tests/contract/operator-webhook.test.ts reads), not as instants:
 * helm makes the CA and the certificate a moment apart, sometimes across a second.
 */
const days = (ms: number) => Math.round(ms / 86_400_000);

function withoutRenderTime(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutRenderTime);
  if (v === null || typeof v !== "object") return v;
  const o = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, withoutRenderTime(x)]));
  if (typeof o.notBefore === "string" && typeof o.notAfter === "string") {
    const from = Date.parse(o.notBefore);
    const { notBefore: _from, ...rest } = o;
    return {
      ...rest,
      notAfter: `notBefore + ${days(Date.parse(o.notAfter as string) - from)} days`,
      ...(typeof o.caNotAfter === "string" ? { caNotAfter: `notBefore + ${days(Date.parse(o.caNotAfter) - from)} days` } : {}),
    };
  }
  return o;
}

test(`rendered-facts.json is what the charts render now (${REGENERATE})`, () => {
  const checkedIn = JSON.parse(fs.readFileSync(RENDERED_FACTS_FILE, "utf8")) as unknown;
  expect([HOW, withoutRenderTime(checkedIn)]).toEqual([HOW, withoutRenderTime(renderedFacts())]);
});

test(`rendered-inventory.json is what the charts render now (${REGENERATE})`, () => {
  const checkedIn = JSON.parse(fs.readFileSync(INVENTORY_FILE, "utf8")) as unknown;
  expect([HOW, checkedIn]).toEqual([HOW, JSON.parse(JSON.stringify(inventoryRows()))]);
});
