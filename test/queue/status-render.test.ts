// `status` as text: one row per sector with its state, worker and detail (stage %, path, reason,
// retries), then the totals, workers and ETA; the credentials of the URL never appear.
import { describe, expect, it } from 'vitest';
import { allQueueRecovered, renderStatus, type QueueStatus } from '../../src/queue/status.js';
import { parseQueueUrl } from '../../src/queue/url.js';

const status = (over: Partial<QueueStatus> = {}): QueueStatus => ({
  queue: parseQueueUrl('redis://ops:hunter2@10.0.0.5:6379/0').display,
  at: '2026-12-04T00:00:00.000Z',
  workers: ['w1', 'w2'],
  totals: { sectors: 4, waiting: 1, active: 1, retrying: 0, recovered: 1, mismatch: 1, failed: 0 },
  meanSectorMs: 60_000,
  etaSeconds: 60,
  settled: false,
  sectors: [
    { miner: 'f01000', sector: '1', job: 's-t01000-1', state: 'recovered', worker: 'w2', path: '/r2/sealed/s-t01000-1', attempts: 1, stalled: 0, retried: 0 },
    { miner: 'f01000', sector: '2', job: 's-t01000-2', state: 'active', worker: 'w1', stage: 'pc1', layer: 2, percent: 40, attempts: 0, stalled: 1, retried: 1 },
    { miner: 'f01000', sector: '3', job: 's-t01000-3', state: 'mismatch', worker: 'w1', reason: 'computed CommR aa differs', attempts: 1, stalled: 0, retried: 0 },
    { miner: 'f01000', sector: '4', job: 's-t01000-4', state: 'waiting', attempts: 0, stalled: 0, retried: 0 },
  ],
  ...over,
});

describe('status text', () => {
  it('shows each sector, the totals and the ETA, with the password masked', () => {
    const text = renderStatus(status());
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^f01000\/1\s+recovered\s+w2\s+\/r2\/sealed\/s-t01000-1$/);
    expect(lines[2]).toMatch(/^f01000\/2\s+active \(retried 1×\)\s+w1\s+pc1 layer 2 40%$/);
    expect(lines[3]).toMatch(/^f01000\/3\s+mismatch\s+w1\s+computed CommR aa differs$/);
    expect(lines[4]).toMatch(/^f01000\/4\s+waiting$/);
    expect(text).toContain('4 sectors: 1 recovered, 1 active, 1 waiting, 0 retrying, 1 mismatch, 0 failed; 2 worker(s) connected, ETA ~60s');
    expect(text).toContain('queue redis://ops:***@10.0.0.5:6379/0');
    expect(text).not.toContain('hunter2');
  });

  it('all recovered only when every sector is, and there is at least one', () => {
    expect(allQueueRecovered(status())).toBe(false);
    expect(allQueueRecovered(status({ totals: { sectors: 2, waiting: 0, active: 0, retrying: 0, recovered: 2, mismatch: 0, failed: 0 } }))).toBe(true);
    expect(allQueueRecovered(status({ totals: { sectors: 0, waiting: 0, active: 0, retrying: 0, recovered: 0, mismatch: 0, failed: 0 } }))).toBe(false);
  });
});
