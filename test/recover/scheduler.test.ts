import { describe, expect, it } from 'vitest';
import { batchesOf, scheduleBatches } from '../../src/recover/scheduler.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('batchesOf', () => {
  it('groups by key, cuts groups at the batch size, and starts batches in the order of their first items', () => {
    const items = ['a1', 'b1', 'a2', 'a3', 'b2', 'a4', 'a5'];
    expect(batchesOf(items, (s) => s[0]!, 2)).toEqual([['a1', 'a2'], ['b1', 'b2'], ['a3', 'a4'], ['a5']]);
    // one at a time: exactly the input order (deadline order survives mixed proofs)
    expect(batchesOf(items, (s) => s[0]!, 1)).toEqual(items.map((i) => [i]));
    expect(() => batchesOf(items, (s) => s[0]!, 0)).toThrow(/batch size must be ≥ 1/);
  });
});

describe('scheduleBatches', () => {
  it('a batch holds as many slots as it has items; never more than --parallel items in flight', async () => {
    let inFlight = 0;
    let max = 0;
    const started: string[] = [];
    await scheduleBatches([['a', 'b', 'c'], ['d', 'e'], ['f']], { parallel: 4 }, async (batch) => {
      started.push(batch.join(''));
      inFlight += batch.length;
      max = Math.max(max, inFlight);
      await tick(20);
      inFlight -= batch.length;
    }, () => undefined);
    // abc + f would fit in 4 slots, but de is first in line after abc: no overtaking; then de + f
    expect(max).toBe(3);
    expect(started).toEqual(['abc', 'de', 'f']);
  });

  it('a batch larger than --parallel still runs (alone); cancelled batches are reported, not run', async () => {
    const ran: string[] = [];
    const cancelled: string[] = [];
    const ac = new AbortController();
    await scheduleBatches([['a', 'b', 'c'], ['d']], { parallel: 2, signal: ac.signal }, async (batch) => {
      ran.push(batch.join(''));
      ac.abort();
    }, (it) => cancelled.push(it));
    expect([ran, cancelled]).toEqual([['abc'], ['d']]);
    await expect(scheduleBatches([['a']], { parallel: 0 }, async () => undefined, () => undefined)).rejects.toThrow(/--parallel must be a whole number ≥ 1, got 0/);
  });
});
