/**
 * The dev-passphrase guard: which profile and stack may use it, and the passphrase read as the Pulumi CLI reads it.
 */
import { checkStateSafety, DEV_PASSPHRASE, effectivePassphrase } from "../../components/state";

const files = (contents: Record<string, string>) => (p: string): string => {
  if (!(p in contents)) throw new Error(`ENOENT: ${p}`);
  return contents[p]!;
};

describe("effectivePassphrase (pkg/secrets/passphrase readPassphrase)", () => {
  it("the variable wins, even empty; else the file, trimmed; else none", () => {
    const read = files({ "/p": `  ${DEV_PASSPHRASE}\n` });
    expect(effectivePassphrase({ PULUMI_CONFIG_PASSPHRASE: "", PULUMI_CONFIG_PASSPHRASE_FILE: "/p" }, read)).toBe("");
    expect(effectivePassphrase({ PULUMI_CONFIG_PASSPHRASE_FILE: "/p" }, read)).toBe(DEV_PASSPHRASE);
    expect(effectivePassphrase({ PULUMI_CONFIG_PASSPHRASE_FILE: "" }, read)).toBeUndefined();
    expect(effectivePassphrase({ PULUMI_CONFIG_PASSPHRASE_FILE: "/missing" }, read)).toBeUndefined();
    expect(effectivePassphrase({}, read)).toBeUndefined();
  });
});

describe("checkStateSafety", () => {
  const dev = { PULUMI_CONFIG_PASSPHRASE: DEV_PASSPHRASE };
  it("only the dev profile on the dev stack may use the dev passphrase", () => {
    expect(() => checkStateSafety("dev", "dev", dev)).not.toThrow();
    expect(() => checkStateSafety("dev", "prod", dev)).toThrow('Stack "dev" (profile prod) refuses the dev passphrase (from PULUMI_CONFIG_PASSPHRASE)');
    expect(() => checkStateSafety("team-dev", "dev", dev)).toThrow('Stack "team-dev" (profile dev) refuses the dev passphrase');
    expect(() => checkStateSafety("prod", "prod", dev)).toThrow(/refuses the dev passphrase/);
  });

  it("reads PULUMI_CONFIG_PASSPHRASE_FILE too; a real passphrase or another secrets provider passes", () => {
    const read = files({ "/dev": `${DEV_PASSPHRASE}\n`, "/real": "s3cr3t-and-long\n" });
    expect(() => checkStateSafety("prod", "prod", { PULUMI_CONFIG_PASSPHRASE_FILE: "/dev" }, read)).toThrow("(from PULUMI_CONFIG_PASSPHRASE_FILE (/dev))");
    expect(() => checkStateSafety("prod", "prod", { PULUMI_CONFIG_PASSPHRASE_FILE: "/real" }, read)).not.toThrow();
    expect(() => checkStateSafety("prod", "prod", {}, read)).not.toThrow();
  });
});
