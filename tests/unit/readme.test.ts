/**
 * The README stays true: its configuration table is the one generated from the schema, every
 * documented key exists, the two commands are the real ones and CI runs the test command.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { KEY_DOCS, TABLE_END, TABLE_START, configTableMarkdown, schemaKeyPaths, withConfigTable } from "../../components/config-reference";

const root = path.resolve(__dirname, "../..");
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

test("every schema key is documented and every documented key exists", () => {
  const keys = schemaKeyPaths();
  expect(keys.filter((k) => !(k in KEY_DOCS))).toEqual([]);
  expect(Object.keys(KEY_DOCS).filter((k) => !keys.includes(k))).toEqual([]);
});

test("README's configuration table is the generated one (run `npm run docs` after changing the schema)", () => {
  expect(readme).toContain(TABLE_START);
  expect(readme).toContain(TABLE_END);
  expect(withConfigTable(readme)).toBe(readme);
  expect(readme).toContain(configTableMarkdown());
});

test("the two commands the README gives are real scripts, and CI runs the test command", () => {
  expect(readme).toContain("npm ci && npm run up");
  expect(readme).toContain("npm test");
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string>; engines: { node: string } };
  for (const s of ["build", "test", "preview", "up", "destroy", "check", "bench", "docs", "test:e2e", "test:engine"]) expect([s, typeof pkg.scripts[s]]).toEqual([s, "string"]);
  expect(pkg.scripts.destroy).toContain("destroy");
  expect(pkg.engines.node).toBe(">=22");
  const ci = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");
  expect(ci).toMatch(/^npm test$/m);
  // The real-engine lane runs on every submission, after npm test.
  const lane = /^npm run test:engine\b/m.exec(ci);
  expect(lane).not.toBeNull();
  expect(lane!.index).toBeGreaterThan(/^npm test$/m.exec(ci)!.index);
});

test("links to files in the repository resolve", () => {
  const links = [...readme.matchAll(/\]\(((?!https?:|#)[^)]+)\)/g)].map((m) => m[1]!);
  expect(links.length).toBeGreaterThan(0);
  expect(links.filter((l) => !fs.existsSync(path.join(root, l.split("#")[0]!)))).toEqual([]);
});
