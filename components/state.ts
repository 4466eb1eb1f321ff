/**
 * State and secrets safety. The dev profile on the `dev` stack (the one `npm run up` creates on a local file
 * backend) may use the documented dev passphrase; anything else must use a real passphrase or another secrets
 * provider, and a durable backend, because its state holds the Grafana password and every receiver/storage
 * credential.
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";

/** The documented, deliberately public passphrase of the local `dev` stack. */
export const DEV_PASSPHRASE = "observer-dev-only-insecure";
export const DEV_STACK = "dev";

/**
 * The passphrase the Pulumi CLI uses, as it reads it (pkg/secrets/passphrase: `PULUMI_CONFIG_PASSPHRASE` when set,
 * even empty; else the contents of `PULUMI_CONFIG_PASSPHRASE_FILE`, trimmed), or undefined (another secrets provider,
 * or a prompt). An unreadable file is the CLI's error to report: undefined here.
 */
export function effectivePassphrase(
  env: Record<string, string | undefined>,
  readFile: (path: string) => string = (p) => fs.readFileSync(p, "utf8"),
): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return env.PULUMI_CONFIG_PASSPHRASE;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file === undefined || file === "") return undefined;
  try {
    return readFile(file).trim();
  } catch {
    return undefined;
  }
}

/**
 * Throws a RunError (message only, no stack trace) when the dev passphrase protects anything but the dev profile
 * on the `dev` stack: a prod profile refuses it whatever the stack is called, and so does a dev profile on any
 * other stack (a shared or long-lived one). The passphrase is read the way the CLI reads it, from the variable or
 * the file.
 */
export function checkStateSafety(stack: string, profile: "dev" | "prod", env: Record<string, string | undefined>, readFile?: (path: string) => string): void {
  if (profile === "dev" && stack === DEV_STACK) return;
  if (effectivePassphrase(env, readFile) !== DEV_PASSPHRASE) return;
  const source = env.PULUMI_CONFIG_PASSPHRASE !== undefined ? "PULUMI_CONFIG_PASSPHRASE" : `PULUMI_CONFIG_PASSPHRASE_FILE (${env.PULUMI_CONFIG_PASSPHRASE_FILE})`;
  throw new pulumi.RunError(
    [
      `Stack "${stack}" (profile ${profile}) refuses the dev passphrase (from ${source}): only the dev profile on the "${DEV_STACK}" stack may use it,`,
      "because the state holds the Grafana admin password and every credential you configure.",
      "Set a real passphrase (export PULUMI_CONFIG_PASSPHRASE=<strong secret>, or PULUMI_CONFIG_PASSPHRASE_FILE),",
      "or use another secrets provider (pulumi stack change-secrets-provider awskms://… | azurekeyvault://… | gcpkms://… | hashivault://…),",
      "and a durable backend (pulumi login s3://<bucket> | gs://… | azblob://… | https://api.pulumi.com), not the local .pulumi-state/ folder.",
    ].join("\n"),
  );
}
