// --parallel: at most N sectors in flight (p-limit). Sectors not yet started when the run is
// cancelled are reported through `cancelled` instead of being started.
import pLimit from 'p-limit';

export interface ScheduleOptions {
  readonly parallel: number;
  readonly signal?: AbortSignal;
}

export async function schedule<T, R>(
  items: readonly T[],
  opts: ScheduleOptions,
  run: (item: T, index: number) => Promise<R>,
  cancelled: (item: T) => R,
): Promise<R[]> {
  if (!Number.isInteger(opts.parallel) || opts.parallel < 1) {
    throw new RangeError(`--parallel must be a whole number ≥ 1, got ${opts.parallel}`);
  }
  const limit = pLimit(opts.parallel);
  return Promise.all(items.map((item, i) => limit(() => (opts.signal?.aborted ? Promise.resolve(cancelled(item)) : run(item, i)))));
}
