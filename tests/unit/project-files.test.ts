/**
 * The project files the Pulumi CLI reads before the program runs. The CLI validates Pulumi.yaml's `config:`
 * declarations against each stack: a key declared without a `default` is required, and `pulumi up` on a fresh
 * stack stops with "Stack 'dev' is missing configuration values ..." before anything is created (seen on the
 * real engine; the real-engine lane runs the real CLI on these files too).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { schemaKeyPaths } from "../../components/config-reference";

const root = path.resolve(__dirname, "../..");
const read = (f: string) => parse(fs.readFileSync(path.join(root, f), "utf8")) as Record<string, unknown>;

test("Pulumi.yaml declares no config key without a default (the CLI would require it on every new stack)", () => {
  const project = read("Pulumi.yaml");
  expect(project.name).toBe("observer");
  const declared = (project.config ?? {}) as Record<string, unknown>;
  const required = Object.entries(declared)
    .filter(([, v]) => v === null || typeof v !== "object" || !("default" in (v as object)))
    .map(([k]) => k);
  expect(required).toEqual([]);
});

test.each(["Pulumi.dev.yaml", "Pulumi.prod.yaml"])("%s sets only keys the program knows", (file) => {
  const config = (read(file).config ?? {}) as Record<string, unknown>;
  const known = new Set(schemaKeyPaths().map((k) => k.split(".")[0]));
  const ours = Object.keys(config).filter((k) => k.startsWith("observer:"));
  expect(ours.length).toBeGreaterThan(0);
  expect(ours.filter((k) => !known.has(k.slice("observer:".length)))).toEqual([]);
  expect(Object.keys(config).filter((k) => !k.startsWith("observer:") && !k.startsWith("pulumi:"))).toEqual([]);
});
