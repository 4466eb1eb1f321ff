/**
 * State and secrets safety. The `dev` stack may use the documented dev passphrase on a local file
 * backend; any other stack must use a real passphrase or another secrets provider, and a durable
 * backend, because its state holds the Grafana password and every receiver/storage credential.
 */
import * as pulumi from "@pulumi/pulumi";

/** The documented, deliberately public passphrase of the local `dev` stack. */
export const DEV_PASSPHRASE = "observer-dev-only-insecure";
export const DEV_STACK = "dev";

/** Throws a RunError (message only, no stack trace) when a non-dev stack uses the dev passphrase. */
export function checkStateSafety(stack: string, env: Record<string, string | undefined>): void {
  if (stack === DEV_STACK) return;
  if (env.PULUMI_CONFIG_PASSPHRASE === DEV_PASSPHRASE) {
    throw new pulumi.RunError(
      [
        `Stack "${stack}" refuses the dev passphrase: its state holds the Grafana admin password and every credential you configure.`,
        "Set a real passphrase (export PULUMI_CONFIG_PASSPHRASE=<strong secret>, or PULUMI_CONFIG_PASSPHRASE_FILE),",
        "or use another secrets provider (pulumi stack change-secrets-provider awskms://… | azurekeyvault://… | gcpkms://… | hashivault://…),",
        "and a durable backend (pulumi login s3://<bucket> | gs://… | azblob://… | https://api.pulumi.com), not the local .pulumi-state/ folder.",
      ].join("\n"),
    );
  }
}
