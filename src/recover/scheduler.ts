// --parallel: at most N sectors in flight. Sectors of one proof go in batches (labeled together by
// the multi-sector PC1); a batch of k sectors holds k of the N slots until all of its sectors are
// done. Batches not yet started when the run is cancelled are reported through `cancelled`.

export interface ScheduleOptions {
  readonly parallel: number;
  readonly signal?: AbortSignal;
}

function checkParallel(parallel: number): void {
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new RangeError(`--parallel must be a whole number ≥ 1, got ${parallel}`);
  }
}

/**
 * Groups items by `key` and cuts each group into batches of at most `maxBatch`, keeping the input
 * order inside a batch; batches are returned in the input order of their first items.
 */
export function batchesOf<T>(items: readonly T[], key: (item: T) => string, maxBatch: number): T[][] {
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`batch size must be ≥ 1, got ${maxBatch}`);
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const g = groups.get(k);
    if (g) g.push(it);
    else groups.set(k, [it]);
  }
  const out: T[][] = [];
  for (const g of groups.values()) for (let i = 0; i < g.length; i += maxBatch) out.push(g.slice(i, i + maxBatch));
  // Batches start in the order of their first item, so an ordered input (deadline order) stays
  // ordered across proofs too.
  const pos = new Map(items.map((it, i) => [it, i]));
  return out.sort((a, b) => pos.get(a[0]!)! - pos.get(b[0]!)!);
}

/** Runs batches in order, each taking as many of the `parallel` slots as it has items. */
export async function scheduleBatches<T>(
  batches: readonly (readonly T[])[],
  opts: ScheduleOptions,
  run: (batch: readonly T[]) => Promise<void>,
  cancelled: (item: T) => void,
): Promise<void> {
  checkParallel(opts.parallel);
  let free = opts.parallel;
  const waiting: Array<() => void> = [];
  // First come, first served: a big batch at the head is not overtaken by small ones behind it.
  const wake = () => {
    while (waiting.length > 0) {
      const next = waiting[0]!;
      const before = free;
      next();
      if (free === before) break;
      waiting.shift();
    }
  };
  await Promise.all(
    batches.map(async (batch) => {
      const need = Math.min(batch.length, opts.parallel);
      await new Promise<void>((granted) => {
        const tryTake = () => {
          if (free >= need) {
            free -= need;
            granted();
          }
        };
        waiting.push(tryTake);
        wake();
      });
      try {
        if (opts.signal?.aborted) for (const it of batch) cancelled(it);
        else await run(batch);
      } finally {
        free += need;
        wake();
      }
    }),
  );
}
