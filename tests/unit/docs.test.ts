/**
 * The README and docs/ stay true: the generated sections (the configuration reference's table, the NetworkPolicy
 * flows) are what `npm run docs` writes, every documented key exists, the README gives the two real commands and CI
 * runs the test command, and every link between the documents resolves, to a file and to a heading.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { GENERATED_SECTIONS, KEY_DOCS, endMarker, schemaKeyPaths, startMarker, withGenerated } from "../../components/config-reference";

const root = path.resolve(__dirname, "../..");
const read = (f: string) => fs.readFileSync(path.join(root, f), "utf8");
const readme = read("README.md");
const DOCS = ["README.md", ...fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`), "tests/engine/README.md", "tests/e2e/README.md"];

test("every schema key is documented and every documented key exists", () => {
  const keys = schemaKeyPaths();
  expect(keys.filter((k) => !(k in KEY_DOCS))).toEqual([]);
  expect(Object.keys(KEY_DOCS).filter((k) => !keys.includes(k))).toEqual([]);
});

test.each(GENERATED_SECTIONS.map((s) => [`${s.file} ${s.name}`, s] as const))("%s is the generated one (run `npm run docs`)", (_name, s) => {
  const text = read(s.file);
  expect(text).toContain(startMarker(s));
  expect(text).toContain(endMarker(s));
  expect(withGenerated(text, s)).toBe(text);
  expect(text).toContain(s.markdown());
});

test("the two commands the README gives are real scripts, and CI runs the test command", () => {
  expect(readme).toContain("npm ci && npm run up");
  expect(readme).toContain("npm test");
  const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string>; engines: { node: string } };
  for (const s of ["build", "test", "preview", "up", "destroy", "check", "bench", "docs", "generate", "test:e2e", "test:engine"]) expect([s, typeof pkg.scripts[s]]).toEqual([s, "string"]);
  expect(pkg.scripts.destroy).toContain("destroy");
  expect(pkg.engines.node).toBe(">=22");
  const ci = read(".ci/run");
  expect(ci).toMatch(/^npm test$/m);
  // The real-engine lane runs on every submission, after npm test (under a time limit, so a hang fails the run).
  const lane = /^(?:timeout [^\n#]*?)?npm run test:engine\b/m.exec(ci);
  expect(lane).not.toBeNull();
  expect(lane!.index).toBeGreaterThan(/^npm test$/m.exec(ci)!.index);
});

test("the README stays the front door (the topics are in docs/, each linked from it)", () => {
  expect(readme.split("\n").length).toBeLessThanOrEqual(300);
  const docs = DOCS.filter((f) => f.startsWith("docs/"));
  expect(docs.filter((f) => !readme.includes(`](${f})`))).toEqual([]);
});

/** GitHub's heading anchors of a Markdown text (fenced code skipped; repeated headings get -1, -2 …). */
function anchors(text: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const m = fenced ? null : /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, "").replace(/ /g, "-");
    let a = base;
    for (let i = 1; out.has(a); i++) a = `${base}-${i}`;
    out.add(a);
  }
  return out;
}

test.each(DOCS)("%s: links to files and headings resolve", (doc) => {
  const text = read(doc);
  const bad: string[] = [];
  for (const m of text.matchAll(/\]\(((?!https?:|mailto:)[^)\s]+)\)/g)) {
    const [file, anchor] = m[1]!.split("#") as [string, string | undefined];
    const target = file === "" ? doc : path.normalize(path.join(path.dirname(doc), file));
    if (!fs.existsSync(path.join(root, target))) bad.push(`${m[1]}: no file ${target}`);
    else if (anchor !== undefined && target.endsWith(".md") && !anchors(read(target)).has(anchor)) bad.push(`${m[1]}: no heading #${anchor} in ${target}`);
  }
  expect(bad).toEqual([]);
});
