/**
 * Local processes and listeners for the end-to-end tool tests: free loopback ports, child processes that are
 * always stopped (register them in a {@link Processes} and call `stopAll()` in `afterAll`), polling with a
 * deadline (a wait for a condition, never a timing assertion) and small HTTP helpers. Everything binds and
 * dials 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export const LOOPBACK = "127.0.0.1";

/** A free TCP port on 127.0.0.1 (bound, read, released: the caller binds it right after). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, LOOPBACK, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (never throws for a non-zero exit; see {@link runOk}). */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      stdio: [opts.input !== undefined ? "pipe" : "ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${opts.timeoutMs ?? 300_000} ms)`;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 300_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on("error", () => undefined);
      child.stdin.end(opts.input);
    }
  });
}

/** {@link run}, failing with the command and its output when it exits non-zero. */
export async function runOk(cmd: string, args: readonly string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${path.basename(cmd)} ${args.join(" ")} exited ${r.code}:\n${r.stderr.trim() || r.stdout.trim()}`.slice(0, 8000));
  }
  return r.stdout;
}

/** `n` distinct free ports. */
export async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

/**
 * The environment for a child process: the parent's, without proxy settings (nothing may be sent through a
 * proxy; loopback is never proxied by Go, but a child must not even learn of one) plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(https?|all|no)_proxy$/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything the process wrote (stdout and stderr), also in `logFile`. */
  output(): string;
  readonly logFile: string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exited: Promise<number | string>;
}

/** Child processes of one test file: {@link stopAll} in `afterAll` stops every one still running. */
export class Processes {
  private readonly procs: Proc[] = [];

  start(name: string, bin: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; logFile: string }): Proc {
    const out = fs.openSync(opts.logFile, "a");
    const child = spawn(bin, args, { stdio: ["ignore", out, out], env: childEnv(opts.env), ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    fs.closeSync(out);
    const exited = new Promise<number | string>((resolve) => {
      child.on("exit", (code, signal) => resolve(code ?? signal ?? -1));
      child.on("error", (e) => resolve(`spawn error: ${e.message}`));
    });
    const p: Proc = { name, child, logFile: opts.logFile, output: () => (fs.existsSync(opts.logFile) ? fs.readFileSync(opts.logFile, "utf8") : ""), exited };
    this.procs.push(p);
    return p;
  }

  /** SIGTERM, then SIGKILL for what is still running after `graceMs`. */
  async stop(p: Proc, graceMs = 10_000): Promise<void> {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    p.child.kill("SIGTERM");
    const timer = setTimeout(() => p.child.kill("SIGKILL"), graceMs);
    await p.exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.procs.map((p) => this.stop(p)));
  }
}

/**
 * Polls `probe` until it returns a value other than `undefined` (or `deadlineMs` passes: then fails with
 * `what` and the last value or error seen). A wait for something to happen, not a timing assertion.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, opts: { deadlineMs?: number; everyMs?: number; context?: () => string } = {}): Promise<T> {
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : last === undefined ? "no result" : String(last);
      throw new Error(`gave up waiting for ${what} (${detail})${opts.context ? `\n${opts.context()}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 250));
  }
}

/** GET (or POST with a JSON body) on loopback; throws on a non-2xx answer with its body. */
export async function httpJson<T>(url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  if (!new URL(url).hostname.startsWith("127.")) throw new Error(`refusing to dial ${url}: loopback only`);
  const res = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${body === undefined ? "GET" : "POST"} ${url}: ${res.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
