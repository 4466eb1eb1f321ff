/**
 * Ordered steps in one suite: a step runs only when the steps it builds on passed, and otherwise fails at
 * once saying which did not (never a silent skip).
 */
export function steps(): (n: number, title: string, requires: number[], fn: () => Promise<void>, timeoutMs?: number) => void {
  const passed = new Set<number>();
  return (n, title, requires, fn, timeoutMs = 15 * 60_000) => {
    test(
      `${n}. ${title}`,
      async () => {
        const missing = requires.filter((r) => !passed.has(r));
        if (missing.length) throw new Error(`not run: step ${missing.join(", ")} did not pass`);
        await fn();
        passed.add(n);
      },
      timeoutMs,
    );
  };
}
