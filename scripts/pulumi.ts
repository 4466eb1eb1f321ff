/**
 * `npm run up | preview | destroy`: checks the prerequisites and says exactly what to do when one is
 * missing, then runs the Pulumi CLI on the `dev` stack (local file backend, dev passphrase) unless
 * the user chose another stack/backend (never the dev passphrase on a shared backend).
 *
 *   npm run up        prerequisites → select or create the stack → pulumi up
 *   npm run preview   prerequisites → pulumi preview
 *   npm run destroy   pulumi destroy --run-program (delete hooks need the program: see docs/lifecycle.md)
 *   npm run check     the prerequisites only (Node, Pulumi CLI, a reachable cluster), each reported
 *
 * Extra arguments pass through: `npm run up -- --yes`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DEV_PASSPHRASE, DEV_STACK } from "../components/state";
import { compareSemver } from "../components/lifecycle/preflight";

/** Resource hooks and `destroy --run-program` arrived in Pulumi 3.182. */
export const MIN_PULUMI = "3.182.0";
export const MIN_NODE_MAJOR = 22;

export type Command = "up" | "preview" | "destroy" | "check";

/** Compares dotted versions (`v3.190.0` vs `3.182.0`): negative, zero or positive (the one comparison, components/lifecycle/preflight.ts). */
export const compareVersions = compareSemver;

/** What to tell the user when the Pulumi CLI is missing or too old (undefined when fine). */
export function pulumiProblem(version: string | undefined): string | undefined {
  const install = [
    "Install or upgrade the Pulumi CLI (>= " + MIN_PULUMI + "):",
    "  curl -fsSL https://get.pulumi.com | sh        # Linux/macOS",
    "  brew install pulumi/tap/pulumi                # Homebrew",
    "  choco install pulumi                          # Windows",
    "then open a new shell and run `pulumi version`.",
  ].join("\n");
  if (version === undefined) return `The Pulumi CLI was not found on PATH.\n${install}`;
  if (compareVersions(version, MIN_PULUMI) < 0) {
    return `Pulumi CLI ${version} is too old: resource hooks and \`pulumi destroy --run-program\` need >= ${MIN_PULUMI}.\n${install}`;
  }
  return undefined;
}

/** What to tell the user when Node is too old (undefined when fine). */
export function nodeProblem(version: string): string | undefined {
  const major = Number.parseInt(version.replace(/^v/, ""), 10);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return `Node ${version} is too old: the Pulumi SDK needs Node >= ${MIN_NODE_MAJOR} (nvm install 22, or https://nodejs.org).`;
}

/** What to tell the user when no cluster answers (undefined when fine). */
export function clusterProblem(result: { ok: boolean; context?: string; server?: string; error?: string }): string | undefined {
  if (result.ok) return undefined;
  const where = result.context ? ` (context "${result.context}"${result.server ? `, server ${result.server}` : ""})` : "";
  return [
    `No reachable Kubernetes cluster${where}: ${result.error ?? "unknown error"}.`,
    "Point KUBECONFIG (or `pulumi config set observer:kubeContext <context>`) at a cluster, or create a local one:",
    "  kind create cluster --name observer           # needs Docker; https://kind.sigs.k8s.io",
    "  k3d cluster create observer                   # alternative; https://k3d.io",
    "The cluster needs Kubernetes >= 1.25 and a default StorageClass (kind and k3d have one).",
  ].join("\n");
}

/**
 * The backend the CLI will use without our help: `$PULUMI_BACKEND_URL`, else the one `pulumi login` recorded
 * (`current` in `$PULUMI_HOME/credentials.json`, by default `~/.pulumi/credentials.json`), else undefined.
 */
export function loggedInBackend(env: NodeJS.ProcessEnv): string | undefined {
  if (env.PULUMI_BACKEND_URL) return env.PULUMI_BACKEND_URL;
  const home = env.PULUMI_HOME ?? path.join(env.HOME ?? "~", ".pulumi");
  try {
    const current = (JSON.parse(fs.readFileSync(path.join(home, "credentials.json"), "utf8")) as { current?: unknown }).current;
    return typeof current === "string" && current !== "" ? current : undefined;
  } catch {
    return undefined;
  }
}

/** A local file backend (`file://…`): state on this machine, not shared. Anything else (s3, gs, azblob, Pulumi Cloud) is shared. */
export function isLocalBackend(url: string): boolean {
  return url.startsWith("file://");
}

/**
 * The environment the CLI runs with. For the dev stack: a local file backend under the project (`.pulumi-state/`)
 * unless the user chose or logged in to one, and the documented dev passphrase only when the backend is local and
 * the user set no passphrase: on a shared backend a public passphrase would let anyone who reads the state decrypt
 * its secrets (Pulumi Cloud needs none; other backends prompt for one or take PULUMI_CONFIG_PASSPHRASE[_FILE]).
 */
export function pulumiEnv(env: NodeJS.ProcessEnv, projectDir: string, stack: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  if (stack === DEV_STACK) {
    const backend = loggedInBackend(env) ?? (out.PULUMI_BACKEND_URL = `file://${path.join(projectDir, ".pulumi-state")}`);
    if (isLocalBackend(backend) && out.PULUMI_CONFIG_PASSPHRASE === undefined && !out.PULUMI_CONFIG_PASSPHRASE_FILE) {
      out.PULUMI_CONFIG_PASSPHRASE = DEV_PASSPHRASE;
    }
  }
  return out;
}

/**
 * The CLI invocations for a command, in order. A stack created on a local backend uses the passphrase secrets
 * provider; on a shared one the backend's default applies (Pulumi Cloud: its own; others: a passphrase you give).
 */
export function plan(command: Command, stack: string, extra: readonly string[], backend: { local: boolean } = { local: true }): string[][] {
  const select = ["stack", "select", stack, "--create", ...(backend.local ? ["--secrets-provider", "passphrase"] : [])];
  switch (command) {
    case "up":
      return [select, ["up", "--stack", stack, ...extra]];
    case "preview":
      return [select, ["preview", "--stack", stack, ...extra]];
    case "destroy":
      return [["destroy", "--run-program", "--stack", stack, ...extra]];
    case "check":
      return [];
  }
}

async function probeCluster(context: string | undefined): Promise<{ ok: boolean; context?: string; server?: string; error?: string }> {
  try {
    // @kubernetes/client-node is ESM-only: a real dynamic import (not rewritten to require).
    const load = new Function("s", "return import(s)") as (s: string) => Promise<typeof import("@kubernetes/client-node")>;
    const kc = await load("@kubernetes/client-node");
    const cfg = new kc.KubeConfig();
    cfg.loadFromDefault();
    const ctx = context ?? cfg.getCurrentContext();
    if (!ctx || !cfg.getContextObject(ctx)) return { ok: false, context: ctx, error: ctx ? "that context is not in the kubeconfig" : "the kubeconfig has no current context" };
    cfg.setCurrentContext(ctx);
    const server = cfg.getCurrentCluster()?.server;
    const version = await cfg.makeApiClient(kc.VersionApi).getCode();
    const minor = Number.parseInt(String(version.minor).replace(/\D.*$/, ""), 10);
    if (Number(version.major) === 1 && minor < 25) return { ok: false, context: ctx, server, error: `Kubernetes ${version.gitVersion} is older than 1.25` };
    return { ok: true, context: ctx, server };
  } catch (e) {
    return { ok: false, context, error: (e as Error).message };
  }
}

/** `observer:kubeContext` from Pulumi.<stack>.yaml, if set there (the provider pins the same context). */
export function stackKubeContext(projectDir: string, stack: string): string | undefined {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return undefined;
  const m = fs.readFileSync(file, "utf8").match(/^\s+observer:kubeContext:\s*["']?([^"'\s#]+)["']?\s*(#.*)?$/m);
  return m?.[1];
}

function pulumiVersion(): string | undefined {
  const r = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Runs the prerequisite checks of a command: one line per check passed, or the problems with their fixes. */
export async function checkPrerequisites(command: Command, projectDir: string, stack: string): Promise<{ passed: string[]; problems: string[] }> {
  const passed: string[] = [];
  const problems: string[] = [];
  const node = nodeProblem(process.version);
  if (node) problems.push(node);
  else passed.push(`Node ${process.version}`);
  const version = pulumiVersion();
  const cli = pulumiProblem(version);
  if (cli) problems.push(cli);
  else passed.push(`Pulumi CLI ${version}`);
  if (problems.length === 0 && command !== "destroy") {
    const probe = await probeCluster(stackKubeContext(projectDir, stack));
    const p = clusterProblem(probe);
    if (p) problems.push(p);
    else passed.push(`cluster reachable: context "${probe.context}", server ${probe.server}`);
  }
  return { passed, problems };
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] as Command;
  if (!["up", "preview", "destroy", "check"].includes(command)) {
    console.error("usage: ts-node scripts/pulumi.ts up|preview|destroy|check [pulumi args…]");
    return 2;
  }
  const projectDir = path.resolve(__dirname, "..");
  const stack = process.env.PULUMI_STACK ?? DEV_STACK;
  const { passed, problems } = await checkPrerequisites(command, projectDir, stack);
  if (command === "check") for (const line of passed) console.error(`ok: ${line}`);
  if (problems.length > 0) {
    console.error(problems.join("\n\n"));
    return 1;
  }
  const env = pulumiEnv(process.env, projectDir, stack);
  if (command !== "check" && env.PULUMI_BACKEND_URL?.startsWith("file://")) fs.mkdirSync(env.PULUMI_BACKEND_URL.slice("file://".length), { recursive: true });
  const backend = loggedInBackend(env);
  for (const args of plan(command, stack, argv.slice(1), { local: backend === undefined || isLocalBackend(backend) })) {
    console.error(`$ pulumi ${args.join(" ")}`);
    const r = spawnSync("pulumi", args, { cwd: projectDir, env, stdio: "inherit" });
    if (r.status !== 0) return r.status ?? 1;
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error((e as Error).message);
      process.exit(1);
    },
  );
}
