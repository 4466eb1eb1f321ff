/** Unit tests of the e2e polling helper, on a fake clock (nothing really sleeps). */
import { PollAbort, PollTimeoutError, describeLast, done, formatDuration, notYet, pollUntil, type Clock } from "./lib/poll";

/** A clock whose sleep advances time instantly, recording every pause. */
function fakeClock(start = 1_000_000): Clock & { sleeps: number[]; t: number } {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe("pollUntil", () => {
  test("returns the value of the first done attempt, without sleeping when it is the first", async () => {
    const clock = fakeClock();
    const v = await pollUntil(() => done("ok"), { timeoutMs: 10_000, intervalMs: 1000, describe: "x", clock });
    expect(v).toBe("ok");
    expect(clock.sleeps).toEqual([]);
  });

  test("retries at the interval until done", async () => {
    const clock = fakeClock();
    let n = 0;
    const v = await pollUntil(() => (++n === 4 ? done(n) : notYet(n)), { timeoutMs: 10_000, intervalMs: 1000, describe: "x", clock });
    expect(v).toBe(4);
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
  });

  test("supports async attempts", async () => {
    const clock = fakeClock();
    let n = 0;
    const v = await pollUntil(async () => (++n === 2 ? done("async") : notYet(null)), { timeoutMs: 5000, intervalMs: 500, describe: "x", clock });
    expect(v).toBe("async");
    expect(n).toBe(2);
  });

  test("times out with what was awaited, the duration, the attempt count and the last value", async () => {
    const clock = fakeClock();
    let n = 0;
    const p = pollUntil(() => notYet({ ready: `${++n}/2` }), { timeoutMs: 3000, intervalMs: 1000, describe: "the collectors", clock });
    await expect(p).rejects.toThrow(new PollTimeoutError('Timed out after 3s (4 attempts) waiting for the collectors. Last value: {"ready":"4/2"}', 4, null));
    // attempts at t0, +1s, +2s, +3s (the deadline): the last attempt falls on the deadline
    expect(clock.sleeps).toEqual([1000, 1000, 1000]);
  });

  test("shortens the last pause so the final attempt falls exactly on the deadline", async () => {
    const clock = fakeClock();
    const start = clock.t;
    const times: number[] = [];
    await expect(pollUntil(() => (times.push(clock.t - start), notYet(0)), { timeoutMs: 2500, intervalMs: 1000, describe: "x", clock })).rejects.toThrow(
      "Timed out after 2.5s (4 attempts) waiting for x. Last value: 0",
    );
    expect(times).toEqual([0, 1000, 2000, 2500]);
    expect(clock.sleeps).toEqual([1000, 1000, 500]);
  });

  test("a thrown error counts as not yet and is reported as the last error", async () => {
    const clock = fakeClock();
    let n = 0;
    const p = pollUntil(
      () => {
        n++;
        throw new Error(`connection refused #${n}`);
      },
      { timeoutMs: 1000, intervalMs: 1000, describe: "Grafana", clock },
    );
    await expect(p).rejects.toThrow("Timed out after 1s (2 attempts) waiting for Grafana. Last error: connection refused #2");
  });

  test("recovers after errors", async () => {
    const clock = fakeClock();
    let n = 0;
    const v = await pollUntil(
      () => {
        if (++n < 3) throw new Error("not yet");
        return done("up");
      },
      { timeoutMs: 10_000, intervalMs: 100, describe: "x", clock },
    );
    expect(v).toBe("up");
    expect(clock.sleeps).toEqual([100, 100]);
  });

  test("PollAbort stops at once, unwrapped", async () => {
    const clock = fakeClock();
    let n = 0;
    const p = pollUntil(
      () => {
        n++;
        throw new PollAbort("the Job failed");
      },
      { timeoutMs: 60_000, intervalMs: 1000, describe: "x", clock },
    );
    await expect(p).rejects.toThrow(new PollAbort("the Job failed"));
    expect(n).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  test("timeout 0 makes exactly one attempt", async () => {
    const clock = fakeClock();
    await expect(pollUntil(() => notYet("no"), { timeoutMs: 0, intervalMs: 1000, describe: "x", clock })).rejects.toThrow(
      "Timed out after 0s (1 attempt) waiting for x. Last value: no",
    );
    expect(clock.sleeps).toEqual([]);
  });

  test("the timeout error carries attempts and the last value", async () => {
    const clock = fakeClock();
    const err = await pollUntil(() => notYet(["pod-a: phase Pending"]), { timeoutMs: 2000, intervalMs: 1000, describe: "x", clock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PollTimeoutError);
    expect((err as PollTimeoutError).attempts).toBe(3);
    expect((err as PollTimeoutError).last).toEqual(["pod-a: phase Pending"]);
  });

  test("rejects a non-positive interval", async () => {
    await expect(pollUntil(() => done(1), { timeoutMs: 1000, intervalMs: 0, describe: "bad", clock: fakeClock() })).rejects.toThrow(
      "pollUntil(bad): timeoutMs must be >= 0 and intervalMs > 0",
    );
  });

  test("with the real clock and a 1 ms interval it still works", async () => {
    let n = 0;
    await expect(pollUntil(() => (++n === 3 ? done(n) : notYet(n)), { timeoutMs: 1000, intervalMs: 1, describe: "x" })).resolves.toBe(3);
  });
});

describe("describeLast", () => {
  test.each([
    [new Error("boom"), "error: boom"],
    ["text", "value: text"],
    [undefined, "value: undefined"],
    [{ a: [1, 2] }, 'value: {"a":[1,2]}'],
    [42, "value: 42"],
  ])("%p -> %p", (input, expected) => {
    expect(describeLast(input)).toBe(expected);
  });

  test("truncates long values and says how much was cut", () => {
    expect(describeLast("x".repeat(30), 10)).toBe("value: xxx… (27 more characters)");
  });

  test("survives circular values", () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    expect(describeLast(o)).toBe("value: [object Object]");
  });
});

describe("formatDuration", () => {
  test.each([
    [0, "0s"],
    [1500, "1.5s"],
    [59_000, "59s"],
    [60_000, "1m"],
    [90_000, "1m30s"],
    [119_600, "2m"],
    [45 * 60_000, "45m"],
  ])("%d ms -> %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});
