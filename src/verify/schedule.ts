// --interval: repeat a pass every N minutes (start to start; a pass longer than the interval is
// followed at once by the next) until the signal fires. A pass in progress is allowed to finish
// its sector work only as far as the signal lets it; the wait between passes ends at once.
import { setTimeout as sleep } from 'node:timers/promises';

export async function repeatEvery(intervalMs: number, signal: AbortSignal, pass: (n: number) => Promise<void>): Promise<number> {
  let n = 0;
  while (!signal.aborted) {
    const started = Date.now();
    n++;
    await pass(n);
    const wait = intervalMs - (Date.now() - started);
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
  }
  return n;
}
