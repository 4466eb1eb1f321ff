/**
 * Processes the lane starts (operators, stand-ins, the chart server) and commands it runs: every child is
 * tracked and killed by {@link Processes.stopAll}, also when a test fails; output goes to log files in the
 * lane's work directory, whose tail is quoted when something fails.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, waitFor as pollUntil } from "../../helpers/processes";

export { run, runOk, type CommandResult } from "../../helpers/processes";
export { freePort };

/** Polls `check` until it returns a value other than undefined (tests/helpers/processes.ts waitFor, positional form). */
export function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500): Promise<T> {
  return pollUntil(what, check, { deadlineMs: timeoutMs, everyMs });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Long-running children of the lane. */
export class Processes {
  private readonly children: Array<{ name: string; child: ChildProcess; log: string }> = [];
  private closed = false;

  constructor(readonly logDir: string) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  /** Starts a child; refused once {@link Processes.stopAll} ran (nothing may outlive the lane's cluster). */
  start(name: string, cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
    if (this.closed) throw new Error(`${name} not started: the lane's processes were stopped`);
    const log = path.join(this.logDir, `${name}.log`);
    const fd = fs.openSync(log, "a");
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", fd, fd], detached: true });
    fs.closeSync(fd);
    this.children.push({ name, child, log });
    return child;
  }

  /** The last lines a child wrote (for failure messages). */
  tail(name: string, lines = 40): string {
    const entry = this.children.find((c) => c.name === name);
    if (!entry || !fs.existsSync(entry.log)) return "";
    return fs.readFileSync(entry.log, "utf8").split("\n").slice(-lines).join("\n");
  }

  alive(name: string): boolean {
    const entry = this.children.find((c) => c.name === name);
    return entry !== undefined && entry.child.exitCode === null && entry.child.signalCode === null;
  }

  async stop(name: string): Promise<void> {
    const i = this.children.findIndex((c) => c.name === name);
    if (i < 0) return;
    const [entry] = this.children.splice(i, 1);
    await kill(entry!.child);
  }

  /** Kills every child (its whole process group), SIGTERM then SIGKILL after 5 s. */
  async stopAll(): Promise<void> {
    this.closed = true;
    const all = this.children.splice(0);
    await Promise.all(all.map((c) => kill(c.child)));
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        /* gone */
      }
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs `fn` every `ms` without overlapping runs; errors are kept (see `lastError`) and do not stop the loop.
 * {@link Loop.stop} waits for a running iteration, and no iteration starts after it: an iteration still in flight
 * when its owner shut down could otherwise start a process or a server after the owner stopped everything (a lane
 * run in CI stayed alive after its last test that way).
 */
export class Loop {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private stopped = false;
  lastError: unknown;

  constructor(
    private readonly ms: number,
    private readonly fn: () => Promise<void>,
  ) {}

  start(): this {
    if (!this.stopped) this.timer ??= setInterval(() => void this.tick(), this.ms);
    return this;
  }

  /** Runs one iteration now (waits for a running one first); nothing once stopped. */
  async tick(): Promise<void> {
    while (this.busy) await sleep(20);
    if (this.stopped) return;
    this.busy = true;
    try {
      await this.fn();
      this.lastError = undefined;
    } catch (e) {
      this.lastError = e;
    } finally {
      this.busy = false;
    }
  }

  /** Stops the timer and waits for an iteration in flight to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.busy) await sleep(20);
  }
}
