/**
 * TEST DOUBLE of `pulumi-resource-random` for the real-engine lane, and the only double the lane uses.
 *
 * The real provider is not served by the Go module proxy here, so the lane installs this one as the `random`
 * plugin (tests/engine/lib/stack.ts). It implements only what Observer uses, `random:index/randomPassword:
 * RandomPassword`, with the real provider's contract for it: a password of `length` characters drawn with a
 * cryptographic generator from lower, upper, numeric and (when `special`, the default) special characters, at
 * least `minLower`/`minUpper`/`minNumeric`/`minSpecial` of each; `result` (and `bcryptHash`, not produced here)
 * secret; any change of an input replaces the password (as the real provider's `ForceNew` inputs do).
 */
import * as crypto from "node:crypto";
import { main, type Provider } from "@pulumi/pulumi/provider";

const TYPE = "random:index/randomPassword:RandomPassword";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const NUMERIC = "0123456789";
/** The real provider's default special set. */
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

interface PasswordInputs {
  length: number;
  special?: boolean;
  upper?: boolean;
  lower?: boolean;
  numeric?: boolean;
  minLower?: number;
  minUpper?: number;
  minNumeric?: number;
  minSpecial?: number;
  overrideSpecial?: string;
  keepers?: Record<string, string>;
}

function pick(set: string): string {
  return set[crypto.randomInt(set.length)]!;
}

/** A password honouring the inputs, from a CSPRNG. */
export function generatePassword(i: PasswordInputs): string {
  const special = i.special ?? true;
  const sets: Array<[boolean, string, number]> = [
    [i.lower ?? true, LOWER, i.minLower ?? 0],
    [i.upper ?? true, UPPER, i.minUpper ?? 0],
    [i.numeric ?? true, NUMERIC, i.minNumeric ?? 0],
    [special, i.overrideSpecial ?? SPECIAL, i.minSpecial ?? 0],
  ];
  const chars: string[] = [];
  for (const [on, set, min] of sets) if (on) for (let n = 0; n < min; n++) chars.push(pick(set));
  const all = sets.filter(([on]) => on).map(([, set]) => set).join("");
  if (all.length === 0) throw new Error("RandomPassword: every character class is disabled");
  while (chars.length < i.length) chars.push(pick(all));
  // Fisher-Yates with the CSPRNG, so the minimum characters are not in front.
  for (let k = chars.length - 1; k > 0; k--) {
    const j = crypto.randomInt(k + 1);
    [chars[k], chars[j]] = [chars[j]!, chars[k]!];
  }
  return chars.join("");
}

const provider: Provider = {
  version: "4.21.2",
  async check(_urn, _olds, news) {
    const failures: Array<{ property: string; reason: string }> = [];
    if (typeof news.length !== "number" || !Number.isInteger(news.length) || news.length < 1) {
      failures.push({ property: "length", reason: "length must be a positive integer" });
    }
    return { inputs: news, failures };
  },
  async diff(_id, _urn, olds, news) {
    const keys = ["length", "special", "upper", "lower", "numeric", "minLower", "minUpper", "minNumeric", "minSpecial", "overrideSpecial", "keepers"];
    const changed = keys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
    return { changes: changed.length > 0, replaces: changed, deleteBeforeReplace: false };
  },
  async create(urn, inputs) {
    // urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>
    if (urn.split("::")[2]?.split("$").pop() !== TYPE) {
      throw new Error(`the lane's random provider double implements only ${TYPE}, not ${urn}`);
    }
    const result = generatePassword(inputs as PasswordInputs);
    return { id: crypto.randomUUID(), outs: { ...inputs, result } };
  },
  async read(id, _urn, props) {
    return { id, props };
  },
  async delete() {
    /* nothing outside the state */
  },
};

void main(provider, process.argv.slice(2));
