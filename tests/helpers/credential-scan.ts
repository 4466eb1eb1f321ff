/**
 * Proves credentials stay inside Kubernetes Secrets: given the recorded resources of a program run
 * (type + inputs, as the mock recorder sees them) and the plaintext of every secret, returns each
 * place a secret appears anywhere but a `kubernetes:core/v1:Secret`: Helm values (Helm keeps them in
 * clear in the cluster), ConfigMaps, CR bodies, annotations, outputs... Pure.
 *
 * Matches are substring matches on every string (so a password embedded in a URL or a config file
 * is found), after unwrapping Pulumi's secret signature objects; object KEYS are checked too. Also
 * finds base64 of each secret (a hand-made `data:` elsewhere). Secrets shorter than 4 characters
 * are rejected (they would match by accident).
 */

export interface ScannedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: unknown;
}

export interface CredentialLeak {
  readonly type: string;
  readonly name: string;
  /** JSON-ish path inside the inputs, e.g. `values.grafana.adminPassword`. */
  readonly path: string;
  /** Index of the secret in the list given (never the secret itself, so reports can be printed). */
  readonly secretIndex: number;
  readonly encoding: "plain" | "base64";
}

export const SECRET_TYPE = "kubernetes:core/v1:Secret";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export function scanForCredentials(resources: readonly ScannedResource[], secrets: readonly string[]): CredentialLeak[] {
  secrets.forEach((s, i) => {
    if (typeof s !== "string" || s.length < 4) throw new Error(`scanForCredentials: secret #${i} is shorter than 4 characters; it would match by accident`);
  });
  const needles = secrets.flatMap((s, i) => [
    { text: s, index: i, encoding: "plain" as const },
    { text: Buffer.from(s, "utf8").toString("base64"), index: i, encoding: "base64" as const },
  ]);
  const leaks: CredentialLeak[] = [];
  for (const r of resources) {
    if (r.type === SECRET_TYPE) continue;
    const seen = new Set<string>();
    walk(r.inputs, "", (path, text) => {
      for (const n of needles) {
        const key = `${path}\u0000${n.index}\u0000${n.encoding}`;
        if (!seen.has(key) && text.includes(n.text)) {
          seen.add(key);
          leaks.push({ type: r.type, name: r.name, path, secretIndex: n.index, encoding: n.encoding });
        }
      }
    });
  }
  return leaks;
}

function walk(value: unknown, path: string, visit: (path: string, text: string) => void, depth = 0): void {
  if (depth > 200) return;
  if (typeof value === "string") return visit(path, value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return visit(path, String(value));
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, visit, depth + 1));
    return;
  }
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270" && "value" in obj) {
      return walk(obj.value, path, visit, depth + 1); // a Pulumi secret: look inside
    }
    for (const [k, v] of Object.entries(obj)) {
      const p = path ? `${path}.${k}` : k;
      visit(`${p} (key)`, k);
      walk(v, p, visit, depth + 1);
    }
  }
}
