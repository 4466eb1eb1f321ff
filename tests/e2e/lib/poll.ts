/**
 * Polling with a deadline, for the end-to-end suite. Pure apart from the injected {@link Clock}:
 * unit tests pass a fake clock, so nothing really sleeps.
 */

/** Time source and sleep, injectable for tests. */
export interface Clock {
  /** Milliseconds since an arbitrary origin (monotonic enough for deadlines). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** One attempt's outcome: done with a value, or not yet (with what was seen, for the timeout message). */
export type PollStep<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly last: unknown };

export const done = <T>(value: T): PollStep<T> => ({ done: true, value });
export const notYet = (last: unknown): PollStep<never> => ({ done: false, last });

export interface PollOptions {
  /** Give up after this long (measured from the first attempt). */
  readonly timeoutMs: number;
  /** Pause between attempts (the last pause is shortened so the final attempt falls on the deadline). */
  readonly intervalMs: number;
  /** What is awaited, for the timeout message: "the trace in Tempo". */
  readonly describe: string;
  /** @default realClock */
  readonly clock?: Clock;
}

/** Thrown by an attempt to stop polling at once (a failure that waiting cannot fix). */
export class PollAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PollAbort";
  }
}

export class PollTimeoutError extends Error {
  constructor(
    message: string,
    /** Attempts made. */
    readonly attempts: number,
    /** The last value seen (a not-yet value or the last error). */
    readonly last: unknown,
  ) {
    super(message);
    this.name = "PollTimeoutError";
  }
}

/** Renders a last value or error for a message, at most `max` characters. */
export function describeLast(last: unknown, max = 2000): string {
  let text: string;
  if (last instanceof Error) text = `error: ${last.message}`;
  else if (typeof last === "string") text = `value: ${last}`;
  else if (last === undefined) text = "value: undefined";
  else {
    try {
      text = `value: ${JSON.stringify(last)}`;
    } catch {
      text = `value: ${String(last)}`;
    }
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

/**
 * Calls `attempt` until it returns {@link done}, at most `timeoutMs` after the first call. An attempt
 * that throws counts as "not yet" (its error is kept as the last value), except {@link PollAbort},
 * which is rethrown at once. On timeout, throws {@link PollTimeoutError} whose message names what was
 * awaited, how long and how many attempts, and the last value or error.
 */
export async function pollUntil<T>(attempt: () => Promise<PollStep<T>> | PollStep<T>, opts: PollOptions): Promise<T> {
  if (!(opts.timeoutMs >= 0) || !(opts.intervalMs > 0)) {
    throw new RangeError(`pollUntil(${opts.describe}): timeoutMs must be >= 0 and intervalMs > 0`);
  }
  const clock = opts.clock ?? realClock;
  const deadline = clock.now() + opts.timeoutMs;
  let attempts = 0;
  let last: unknown = undefined;
  for (;;) {
    attempts++;
    try {
      const step = await attempt();
      if (step.done) return step.value;
      last = step.last;
    } catch (err) {
      if (err instanceof PollAbort) throw err;
      last = err instanceof Error ? err : new Error(String(err));
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) break;
    await clock.sleep(Math.min(opts.intervalMs, remaining));
  }
  throw new PollTimeoutError(
    `Timed out after ${formatDuration(opts.timeoutMs)} (${attempts} attempt${attempts === 1 ? "" : "s"}) waiting for ${opts.describe}. Last ${describeLast(last)}`,
    attempts,
    last,
  );
}

/** `90000` -> `1m30s`, `1500` -> `1.5s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}
