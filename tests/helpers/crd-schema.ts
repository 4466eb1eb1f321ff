/**
 * Validates custom resource bodies against the upstream CRDs' openAPIV3Schema
 * (../shared/reference/crds, see SOURCES.md), with ajv.
 *
 * The API server prunes fields a structural schema does not declare, silently: a typo'd key is
 * accepted and then lost. So, unlike plain JSON Schema, every object schema that declares
 * `properties` (and does not say `x-kubernetes-preserve-unknown-fields`) is closed here
 * (`additionalProperties: false`): unknown keys are errors. `x-kubernetes-*` keywords are removed
 * after being read; Kubernetes formats (`int32`, `int64`, `int-or-string`, `date-time`, …) are known.
 *
 * Usage: `expectValidCR(body)` in a test, or `validateCR(apiVersion, kind, body)` for the errors.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

/** ../shared/reference, resolved from the repository root (this file is tests/helpers/). */
export const REFERENCE_DIR = path.resolve(__dirname, "../../../shared/reference");
export const CRD_DIR = path.join(REFERENCE_DIR, "crds");

export interface CRValidation {
  readonly valid: boolean;
  /** One line per problem: `<json pointer>: <message>`. */
  readonly errors: string[];
}

interface Entry {
  readonly file: string;
  readonly schema: object;
  validate?: ValidateFunction;
}

let index: Map<string, Entry> | undefined;

function key(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** Throws a clear error when the reference data is missing (never skips). */
export function assertReferencePresent(): void {
  if (!fs.existsSync(CRD_DIR)) {
    throw new Error(
      `Reference CRDs not found at ${CRD_DIR}. The contract tests need ../shared/reference beside the repository ` +
        "(see ../shared/reference/SOURCES.md); they cannot run without it.",
    );
  }
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return walk(p);
    return /\.ya?ml$/.test(d.name) ? [p] : [];
  });
}

function loadIndex(): Map<string, Entry> {
  if (index) return index;
  assertReferencePresent();
  const m = new Map<string, Entry>();
  for (const file of walk(CRD_DIR)) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const crd = doc.toJS() as any;
      if (crd?.kind !== "CustomResourceDefinition") continue;
      const group: string = crd.spec.group;
      const kind: string = crd.spec.names.kind;
      for (const v of crd.spec.versions ?? []) {
        const schema = v.schema?.openAPIV3Schema;
        if (schema) m.set(key(`${group}/${v.name}`, kind), { file, schema });
      }
    }
  }
  if (m.size === 0) throw new Error(`No CustomResourceDefinition found under ${CRD_DIR}`);
  index = m;
  return m;
}

/** Every `apiVersion/kind` the reference CRDs define. */
export function knownKinds(): string[] {
  return [...loadIndex().keys()].sort();
}

/**
 * Converts a Kubernetes structural schema into a strict JSON Schema: `x-kubernetes-*` removed,
 * int-or-string kept as its anyOf, preserve-unknown-fields left open, everything else closed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function toStrictJsonSchema(node: any): any {
  if (Array.isArray(node)) return node.map(toStrictJsonSchema);
  if (node === null || typeof node !== "object") return node;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith("x-kubernetes-")) continue;
    if (k === "pattern" && typeof v === "string" && v.includes("(?i)")) {
      out[k] = caseInsensitivePattern(v);
    } else if (k === "properties" || k === "patternProperties" || k === "definitions") {
      out[k] = Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, toStrictJsonSchema(s)]));
    } else {
      out[k] = toStrictJsonSchema(v);
    }
  }
  if (node["x-kubernetes-int-or-string"] === true && !node.anyOf && !node.oneOf) {
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
  if (node.type === "object" && node.properties && node.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * Go's RE2 accepts the inline flag `(?i)` (the PrometheusRule CRD uses `^(?i)(abort|warn)?$`);
 * JavaScript does not. Rewrites such a pattern without the flag, each ASCII letter outside a
 * character class or escape becoming `[xX]`.
 */
export function caseInsensitivePattern(pattern: string): string {
  const src = pattern.replace(/\(\?i\)/g, "");
  let out = "";
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "\\") {
      out += c + (src[i + 1] ?? "");
      i++;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === "]") {
      inClass = false;
      out += c;
    } else if (!inClass && /[A-Za-z]/.test(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      out += c;
    }
  }
  return out;
}

function ajv(): Ajv {
  const a = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  a.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  a.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  a.addFormat("float", { type: "number", validate: () => true });
  a.addFormat("double", { type: "number", validate: () => true });
  a.addFormat("int-or-string", true);
  a.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  a.addFormat("duration", true);
  a.addFormat("byte", /^[A-Za-z0-9+/]*={0,2}$/);
  a.addFormat("password", true);
  a.addFormat("uri", /^[a-zA-Z][a-zA-Z0-9+.-]*:/);
  return a;
}
let sharedAjv: Ajv | undefined;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Checks the parts the CRD schema leaves to the API server: name, namespace, labels, annotations. */
function metadataErrors(body: Record<string, unknown>): string[] {
  const errors: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const md = body["metadata"] as any;
  if (!md || typeof md !== "object") return ["/metadata: required"];
  if (typeof md.name !== "string" || md.name.length > 253 || !DNS_SUBDOMAIN.test(md.name)) {
    errors.push(`/metadata/name: ${JSON.stringify(md.name)} is not a DNS-1123 subdomain`);
  }
  if (md.namespace !== undefined && (typeof md.namespace !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(md.namespace))) {
    errors.push(`/metadata/namespace: ${JSON.stringify(md.namespace)} is not a DNS-1123 label`);
  }
  for (const [k, v] of Object.entries(md.labels ?? {})) {
    if (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v)) errors.push(`/metadata/labels/${k}: invalid label value ${JSON.stringify(v)}`);
  }
  for (const [k, v] of Object.entries(md.annotations ?? {})) {
    if (typeof v !== "string") errors.push(`/metadata/annotations/${k}: annotation values must be strings`);
  }
  return errors;
}

/**
 * Validates `body` (a whole object: apiVersion, kind, metadata, spec) against the upstream CRD of
 * `apiVersion`/`kind`. Throws when no reference CRD defines that version and kind.
 */
export function validateCR(apiVersion: string, kind: string, body: unknown): CRValidation {
  const entry = loadIndex().get(key(apiVersion, kind));
  if (!entry) {
    throw new Error(`No reference CRD defines ${apiVersion} ${kind} (known: ${knownKinds().join(", ")})`);
  }
  if (!entry.validate) {
    sharedAjv ??= ajv();
    entry.validate = sharedAjv.compile(toStrictJsonSchema(entry.schema));
  }
  const errors: string[] = [];
  const b = (body ?? {}) as Record<string, unknown>;
  if (b["apiVersion"] !== apiVersion) errors.push(`/apiVersion: expected ${apiVersion}, got ${JSON.stringify(b["apiVersion"])}`);
  if (b["kind"] !== kind) errors.push(`/kind: expected ${kind}, got ${JSON.stringify(b["kind"])}`);
  // Compare the JSON form: what the provider sends (undefined fields dropped).
  const json = JSON.parse(JSON.stringify(body ?? null));
  if (!entry.validate(json)) {
    for (const e of entry.validate.errors ?? []) {
      const extra = e.keyword === "additionalProperties" ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : "";
      errors.push(`${e.instancePath || "/"}: ${e.message}${extra}`);
    }
  }
  errors.push(...metadataErrors(b));
  return { valid: errors.length === 0, errors };
}

/** Jest helper: fails with every schema error listed. */
export function expectValidCR(body: { apiVersion: string; kind: string }): void {
  const r = validateCR(body.apiVersion, body.kind, body);
  if (!r.valid) {
    throw new Error(`${body.kind} is not valid against its upstream CRD:\n  ${r.errors.join("\n  ")}`);
  }
}
