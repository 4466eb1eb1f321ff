/**
 * Every PromQL query the Grafana area writes (dashboard panels, variable selectors, the Tempo
 * datasource's trace-to-metrics queries) goes into a rules file, with Grafana's variables replaced by
 * sample values, and must pass `promtool check rules` (promtool 3.14.0, the deployed Prometheus' own, built by
 * `tests/engine/toolchain/build.sh prometheus alertmanager`). Without it the tests fail and give that command
 * (tests/helpers/tools.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { requireTool, runTool } from "../helpers/tools";
import { allQueries, substituteVariables } from "../unit/grafana/queries";

function checkRules(groups: { name: string; rules: { record: string; expr: string }[] }[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-dashboards-"));
  const file = path.join(dir, "dashboards.rules.yml");
  fs.writeFileSync(file, stringify({ groups }));
  const r = runTool("promtool", ["check", "rules", file]);
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, output: r.out };
}

/** A valid recording-rule name for a query's location. */
function recordName(i: number, where: string): string {
  return `observer_dashboard_query:${where.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 80)}:${i}`;
}

describe("dashboards' PromQL under promtool", () => {
  beforeAll(() => {
    const version = requireTool("promtool");
    // Shown in the test output so a CI log says which parser checked the queries.
    console.log(`promtool: ${version}`);
  });

  it("parses every query (one recording rule each)", () => {
    const queries = allQueries().filter((q) => q.language === "promql");
    expect(queries.length).toBeGreaterThan(40);
    const rules = queries.map((q, i) => ({ record: recordName(i, q.where), expr: substituteVariables(q.expr) }));
    for (const r of rules) expect(r.expr).not.toContain("$");
    const { status, output } = checkRules([{ name: "observer-dashboards", rules }]);
    if (status !== 0) throw new Error(`promtool check rules failed:\n${output}`);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it("rejects a broken query (the check can fail)", () => {
    const { status, output } = checkRules([
      { name: "broken", rules: [{ record: "observer_dashboard_query:broken", expr: 'sum by (service_name) (rate(x{a="b"}[5m])' }] },
    ]);
    expect(status).not.toBe(0);
    expect(output).toMatch(/parse error|unclosed|unexpected/i);
  });
});
