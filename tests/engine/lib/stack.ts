/**
 * A lane stack: the real program against a lane cluster, through the real Pulumi CLI and the real kubernetes
 * provider (built by tests/engine/toolchain), with a throwaway file backend and passphrase, its own
 * PULUMI_HOME holding the two provider plugins, and a stack file `Pulumi.<stack>.yaml` at the repository root
 * made like the e2e suite's (the profile's stack file plus the lane's few settings), removed afterwards.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { e2eStackFile } from "../../e2e/lib/settings";
import type { EngineCluster } from "./cluster";
import { run, runOk } from "./proc";
import type { RunnerRequest, RunnerResult } from "./stack-runner";
import { ENGINE_VERSIONS, REPO, engineBin } from "./toolchain";

const RANDOM_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules", "@pulumi", "random", "package.json"), "utf8")) as { version: string }).version;
const KUBERNETES_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules", "@pulumi", "kubernetes", "package.json"), "utf8")) as { version: string }).version;

/**
 * A PULUMI_HOME with the kubernetes provider built from the Go module proxy (installed as the version the SDK
 * asks for) and the lane's random provider double (tests/engine/random-double), so nothing is downloaded.
 */
export async function preparePulumiHome(dir: string): Promise<string> {
  const home = path.join(dir, "pulumi-home");
  if (fs.existsSync(path.join(home, ".ready"))) return home;
  fs.mkdirSync(home, { recursive: true });
  if (KUBERNETES_VERSION !== ENGINE_VERSIONS.kubernetesProvider) {
    throw new Error(`@pulumi/kubernetes is ${KUBERNETES_VERSION} but the lane's provider is stamped ${ENGINE_VERSIONS.kubernetesProvider}: change K8S_PROVIDER_SDK_VERSION in tests/engine/toolchain/build.sh and ENGINE_VERSIONS`);
  }
  const launcher = path.join(dir, "pulumi-resource-random");
  fs.writeFileSync(
    launcher,
    [
      "#!/bin/sh",
      "# The lane's test double of pulumi-resource-random (tests/engine/random-double/provider.ts).",
      `exec "${process.execPath}" -r "${path.join(REPO, "node_modules", "ts-node", "register", "transpile-only")}" "${path.join(REPO, "tests", "engine", "random-double", "provider.ts")}" "$@"`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  const env = { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" };
  await runOk(engineBin("pulumi"), ["plugin", "install", "resource", "kubernetes", `v${KUBERNETES_VERSION}`, "--file", engineBin("pulumi-resource-kubernetes")], { env });
  await runOk(engineBin("pulumi"), ["plugin", "install", "resource", "random", `v${RANDOM_VERSION}`, "--file", launcher], { env });
  fs.writeFileSync(path.join(home, ".ready"), "");
  return home;
}

export interface LaneStackOptions {
  readonly cluster: EngineCluster;
  /** dev or prod: the stack file starts from Pulumi.<profile>.yaml. */
  readonly profile: "dev" | "prod";
  /** A short id, unique in the lane run. */
  readonly id: string;
  /** Config beyond the profile's stack file and the charts mirror. */
  readonly config?: Record<string, unknown>;
}

export class LaneStack {
  readonly stackName: string;
  readonly stackFile: string;
  readonly logFile: string;
  private readonly backend: string;
  /** TMPDIR of every Pulumi process of this stack (inside the cluster directory). */
  private readonly tmp: string;
  private readonly passphrase = `observer-engine-${crypto.randomBytes(16).toString("hex")}`;
  private home = "";
  private created = false;

  constructor(readonly opts: LaneStackOptions) {
    this.stackName = `engine-${opts.id}-${crypto.randomBytes(3).toString("hex")}`;
    this.stackFile = path.join(REPO, `Pulumi.${this.stackName}.yaml`);
    this.backend = path.join(opts.cluster.dir, `state-${opts.id}`);
    this.logFile = path.join(opts.cluster.dir, "logs", `pulumi-${opts.id}.log`);
    fs.mkdirSync(this.backend, { recursive: true });
    this.tmp = path.join(opts.cluster.dir, `tmp-${opts.id}`);
    fs.mkdirSync(this.tmp, { recursive: true });
  }

  env(): Record<string, string> {
    const bin = path.dirname(engineBin("pulumi"));
    return {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: `file://${this.backend}`,
      PULUMI_CONFIG_PASSPHRASE: this.passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      KUBECONFIG: this.opts.cluster.kubeconfig,
      // The kubernetes provider writes a copy of the kubeconfig it is given to a new temporary file at every
      // configure and never removes it: kept inside the cluster's directory, removed with it.
      TMPDIR: this.tmp,
    };
  }

  /** Writes the stack file: the profile's config, the charts mirror, then `config` (which wins). */
  writeConfig(config: Record<string, unknown> = this.opts.config ?? {}): void {
    const profileFile = path.join(REPO, `Pulumi.${this.opts.profile}.yaml`);
    const init = fs.existsSync(this.stackFile) ? fs.readFileSync(this.stackFile, "utf8") : "";
    const { text } = e2eStackFile(init, fs.readFileSync(profileFile, "utf8"), {
      "observer:charts": { mirror: this.opts.cluster.chartsUrl },
      ...config,
    });
    fs.writeFileSync(this.stackFile, text);
  }

  private async exec(req: Omit<RunnerRequest, "stackName" | "workDir" | "envVars" | "logFile">, timeoutMs = 15 * 60_000): Promise<RunnerResult> {
    if (!this.home) this.home = await preparePulumiHome(path.dirname(this.backend));
    if (!this.created) {
      // `stack init` writes the encryption salt into the stack file; the config is written after it.
      await runOk(engineBin("pulumi"), ["stack", "init", this.stackName, "--non-interactive"], { env: { ...process.env, ...this.env() }, cwd: REPO });
      this.created = true;
      this.writeConfig();
    }
    const dir = path.dirname(this.logFile);
    fs.mkdirSync(dir, { recursive: true });
    const requestFile = path.join(dir, `request-${this.opts.id}.json`);
    const resultFile = path.join(dir, `result-${this.opts.id}.json`);
    if (fs.existsSync(resultFile)) fs.rmSync(resultFile);
    fs.appendFileSync(this.logFile, `\n===== ${req.op}${req.runProgram ? " --run-program" : ""}${req.expectNoChanges ? " --expect-no-changes" : ""} (${new Date().toISOString()})\n`);
    fs.writeFileSync(requestFile, JSON.stringify({ ...req, stackName: this.stackName, workDir: REPO, envVars: this.env(), logFile: this.logFile } satisfies RunnerRequest));
    const r = await run(
      process.execPath,
      ["-r", path.join(REPO, "node_modules", "ts-node", "register", "transpile-only"), path.join(__dirname, "stack-runner.ts"), requestFile, resultFile],
      { env: { ...process.env, ...this.env() }, cwd: REPO, timeoutMs },
    );
    if (!fs.existsSync(resultFile)) throw new Error(`the stack runner died (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
    return JSON.parse(fs.readFileSync(resultFile, "utf8")) as RunnerResult;
  }

  /** The engine's output of this stack (for failure messages). */
  tail(lines = 60): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8").split("\n").slice(-lines).join("\n") : "";
  }

  async up(): Promise<RunnerResult> {
    return this.exec({ op: "up" });
  }

  async preview(expectNoChanges = false): Promise<RunnerResult> {
    return this.exec({ op: "preview", expectNoChanges });
  }

  async destroy(runProgram: boolean): Promise<RunnerResult> {
    return this.exec({ op: "destroy", runProgram });
  }

  async outputs(): Promise<RunnerResult> {
    return this.exec({ op: "outputs" });
  }

  /** `pulumi config set [--secret] --path <key> <value>` on this stack. */
  async setConfig(key: string, value: string, secret = false): Promise<void> {
    if (!this.created) await this.exec({ op: "outputs" });
    await runOk(engineBin("pulumi"), ["config", "set", "--stack", this.stackName, "--path", ...(secret ? ["--secret"] : ["--plaintext"]), key, value], {
      env: { ...process.env, ...this.env() },
      cwd: REPO,
    });
  }

  /** Removes the stack file (the state lives in the cluster's directory, removed with it). */
  dispose(): void {
    if (fs.existsSync(this.stackFile)) fs.rmSync(this.stackFile);
  }
}
