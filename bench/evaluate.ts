/**
 * One program evaluation under Pulumi mocks, in a fresh process (run by bench/index.ts).
 * Prints one JSON line: {"profile", "ms", "resources"}. `ms` covers config parsing, every
 * constructor and the registration of every resource, not Node/TypeScript start-up.
 */
import * as pulumi from "@pulumi/pulumi";

async function main(): Promise<void> {
  const profile = process.argv[2] === "prod" ? "prod" : "dev";
  const fixtures = profile === "prod" ? await import("../tests/helpers/fixtures").then((f) => f.PROD_CONFIG) : await import("../tests/helpers/fixtures").then((f) => f.DEV_CONFIG);
  let count = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        count++;
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") state.result = pulumi.secret("bench-password");
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        return args.inputs;
      },
    },
    "observer",
    profile,
    false,
  );
  pulumi.runtime.setAllConfig(fixtures, []);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const monitor: any = pulumi.runtime.getMonitor();
  monitor.registerResourceHook = (_r: unknown, cb: (e: unknown, r: unknown) => void) => cb(null, {});
  monitor.registerErrorHook = (_r: unknown, cb: (e: unknown, r: unknown) => void) => cb(null, {});
  // Load (and transpile) the modules first, so the timing is the program's evaluation alone.
  await import("../components/observer");
  await import("../components/config");
  const start = process.hrtime.bigint();
  await import("../index");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stdout.write(`${JSON.stringify({ profile, ms, resources: count })}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
