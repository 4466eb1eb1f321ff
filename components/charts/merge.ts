/**
 * Deep merge of Helm values objects (pure). Used to fold other areas' blocks (Grafana, Alertmanager,
 * Tempo's metrics generator) into the chart values built here.
 */

/** A plain object (not an array, not null, not a Pulumi Output or other class instance). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Merges `overlay` into `base` and returns a new object (neither argument is modified).
 * Plain objects merge key by key, recursively; anything else in `overlay` (scalars, arrays, Pulumi
 * Outputs) replaces the value in `base` whole, as Helm does with lists. `undefined` in `overlay` is
 * ignored (it never erases a base value).
 */
export function deepMerge<T extends Record<string, unknown>>(base: T, overlay: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : clone(value);
  }
  return out as T;
}

function clone(v: unknown): unknown {
  if (isPlainObject(v)) return deepMerge({}, v);
  if (Array.isArray(v)) return v.map(clone);
  return v;
}
