/**
 * Every PromQL query the Grafana area writes (dashboard panels, variable selectors, the Tempo
 * datasource's trace-to-metrics queries) goes into a rules file, with Grafana's variables replaced by
 * sample values, and must pass `promtool check rules` (Debian's promtool 2.42: `apt-get install -y
 * prometheus`). Without promtool the test fails and says how to install it.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { allQueries, substituteVariables } from "../unit/grafana/queries";

function promtool(): string {
  const found = spawnSync("sh", ["-c", "command -v promtool"], { encoding: "utf8" });
  const bin = found.stdout.trim();
  if (found.status !== 0 || bin === "") {
    throw new Error(
      "promtool is not installed: it is needed to check the dashboards' PromQL. Install it with " +
        "`sudo apt-get update && sudo apt-get install -y prometheus` (Debian/Ubuntu), or put a promtool binary on PATH.",
    );
  }
  return bin;
}

function checkRules(bin: string, groups: { name: string; rules: { record: string; expr: string }[] }[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "observer-dashboards-"));
  const file = path.join(dir, "dashboards.rules.yml");
  fs.writeFileSync(file, stringify({ groups }));
  const r = spawnSync(bin, ["check", "rules", file], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A valid recording-rule name for a query's location. */
function recordName(i: number, where: string): string {
  return `observer_dashboard_query:${where.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 80)}:${i}`;
}

describe("dashboards' PromQL under promtool", () => {
  const bin = promtool();

  beforeAll(() => {
    const version = execFileSync(bin, ["--version"], { encoding: "utf8" }).split("\n")[0];
    // Shown in the test output so a CI log says which parser checked the queries.
    console.log(`promtool: ${version}`);
  });

  it("parses every query (one recording rule each)", () => {
    const queries = allQueries().filter((q) => q.language === "promql");
    expect(queries.length).toBeGreaterThan(40);
    const rules = queries.map((q, i) => ({ record: recordName(i, q.where), expr: substituteVariables(q.expr) }));
    for (const r of rules) expect(r.expr).not.toContain("$");
    const { status, output } = checkRules(bin, [{ name: "observer-dashboards", rules }]);
    if (status !== 0) throw new Error(`promtool check rules failed:\n${output}`);
    expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it("rejects a broken query (the check can fail)", () => {
    const { status, output } = checkRules(bin, [
      { name: "broken", rules: [{ record: "observer_dashboard_query:broken", expr: 'sum by (service_name) (rate(x{a="b"}[5m])' }] },
    ]);
    expect(status).not.toBe(0);
    expect(output).toMatch(/parse error|unclosed|unexpected/i);
  });
});
