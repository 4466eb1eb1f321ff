/**
 * kubectl as a child process: the suite's only way to the cluster (besides Pulumi itself). Shelling
 * out avoids loading the ESM-only @kubernetes/client-node under ts-jest, and `kubectl port-forward`
 * is the same command users run (stack output `grafanaPortForward`).
 */
import { spawn, type ChildProcess } from "node:child_process";

import { run, type CommandResult } from "../../helpers/processes";

/** `--kubeconfig <path> [--context <ctx>]`, put before every kubectl command. */
export function kubectlBaseArgs(kubeconfig: string, context?: string): string[] {
  return ["--kubeconfig", kubeconfig, ...(context ? ["--context", context] : [])];
}

/** The local port in kubectl port-forward's `Forwarding from 127.0.0.1:43567 -> 3000`. */
export function parsePortForwardPort(output: string): number | undefined {
  const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(output);
  return m ? Number(m[1]) : undefined;
}

/** What a kubectl run gives back (the shared command runner's result). */
export type RunResult = CommandResult;

export class Kubectl {
  constructor(
    readonly kubeconfig: string,
    readonly context?: string,
    readonly bin: string = "kubectl",
  ) {}

  /** Runs kubectl; never throws for a non-zero exit (see {@link ok}). */
  run(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    const full = [...kubectlBaseArgs(this.kubeconfig, this.context), ...args];
    return run(this.bin, full, { ...(opts.input !== undefined ? { input: opts.input } : {}), timeoutMs: opts.timeoutMs ?? 120_000 }).catch((err: unknown) => {
      throw (err as NodeJS.ErrnoException).code === "ENOENT"
        ? new Error(`kubectl was not found on PATH (${this.bin}); the e2e suite needs kubectl >= 1.25 (tests/e2e/README.md)`)
        : err;
    });
  }

  /** Runs kubectl and returns stdout; throws with the command and stderr on failure. */
  async ok(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  }

  /** `kubectl get ... -o json`, parsed. */
  async json<T>(args: readonly string[]): Promise<T> {
    return JSON.parse(await this.ok([...args, "-o", "json"])) as T;
  }

  /** Server-side apply of one object (idempotent). */
  async apply(obj: unknown): Promise<void> {
    await this.ok(["apply", "--server-side", "--field-manager=observer-e2e", "-f", "-"], { input: JSON.stringify(obj) });
  }

  /** Creates one object (fails if it exists). */
  async create(obj: unknown): Promise<void> {
    await this.ok(["create", "-f", "-"], { input: JSON.stringify(obj) });
  }

  /** Starts `kubectl port-forward` to `target` (e.g. `service/observer-grafana`) on a free local port. */
  portForward(namespace: string, target: string, remotePort: number, timeoutMs = 30_000): Promise<PortForward> {
    const args = [...kubectlBaseArgs(this.kubeconfig, this.context), "--namespace", namespace, "port-forward", "--address", "127.0.0.1", target, `:${remotePort}`];
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin, args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let settled = false;
      const fail = (msg: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill("SIGTERM");
        reject(new Error(`kubectl port-forward ${target} in ${namespace}: ${msg}${out.trim() ? `\n${out.trim()}` : ""}`));
      };
      const timer = setTimeout(() => fail(`no local port after ${timeoutMs} ms`), timeoutMs);
      const onData = (d: Buffer) => {
        out += d.toString("utf8");
        const port = parsePortForwardPort(out);
        if (port !== undefined && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(new PortForward(child, port));
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", (d: Buffer) => (out += d.toString("utf8")));
      child.on("error", (err) => fail(err.message));
      child.on("exit", (code) => fail(`exited with code ${code}`));
    });
  }
}

/** A running `kubectl port-forward`; {@link alive} turns false when it exits (e.g. the pod restarted). */
export class PortForward {
  private exited = false;
  private readonly exitPromise: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    readonly localPort: number,
  ) {
    this.exitPromise = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      child.on("exit", () => resolve());
    }).then(() => {
      this.exited = true;
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.localPort}`;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    this.child.kill("SIGTERM");
    await this.exitPromise;
  }
}
