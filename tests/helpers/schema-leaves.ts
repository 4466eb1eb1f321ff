/**
 * Walks the zod config schema and yields every leaf with a value of the wrong type for it, so the
 * config tests cover each key (including keys areas add later) without a hand-written list.
 */
import type { z } from "zod";
import { unwrapSchema } from "../../components/forms";

export interface Leaf {
  /** Key path segments; numbers are array indexes. */
  path: (string | number)[];
  /** The leaf's zod type name (string, number, boolean, enum, record, …). */
  kind: string;
  /** A value of the wrong type for this leaf. */
  wrong: unknown;
}


const WRONG: Record<string, unknown> = {
  string: 12345,
  number: "not-a-number",
  int: "not-a-number",
  boolean: "maybe",
  enum: "definitely-not-an-allowed-value",
  literal: "definitely-not-the-literal",
  record: 42,
  array: "not-a-list",
  union: 3.14159e300,
  object: "not-an-object",
};

/** Every leaf of `schema` (objects and arrays are descended into; array elements at index 0). */
export function schemaLeaves(schema: z.ZodType, prefix: (string | number)[] = []): Leaf[] {
  const s = unwrapSchema(schema);
  const t: string = s?.def?.type;
  if (t === "object") {
    const out: Leaf[] = [];
    for (const [k, v] of Object.entries(s.shape as Record<string, z.ZodType>)) out.push(...schemaLeaves(v, [...prefix, k]));
    return out;
  }
  if (t === "array") {
    const el = unwrapSchema(s.def.element);
    const elType: string = el?.def?.type;
    // The list itself with a wrong type, then its element's leaves.
    const self: Leaf = { path: prefix, kind: "array", wrong: WRONG.array };
    if (elType === "object") return [self, ...schemaLeaves(el, [...prefix, 0])];
    return [self, { path: [...prefix, 0], kind: elType, wrong: WRONG[elType] ?? Symbol("wrong") }];
  }
  return [{ path: prefix, kind: t, wrong: t in WRONG ? WRONG[t] : { unexpected: true } }];
}

/** Builds `{a: {b: [ {c: value} ]}}` from a path. */
export function nest(path: (string | number)[], value: unknown): Record<string, unknown> {
  let cur: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i]!;
    cur = typeof seg === "number" ? [cur] : { [seg]: cur };
  }
  return cur as Record<string, unknown>;
}

/** `observer:a.b[0].c` */
export function keyPathOf(path: (string | number)[]): string {
  let out = "observer:";
  path.forEach((seg, i) => {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += (i === 0 ? "" : ".") + seg;
  });
  return out;
}
