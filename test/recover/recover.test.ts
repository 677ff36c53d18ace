import { describe, expect, it } from 'vitest';
import { readFile, stat, readdir, access } from 'node:fs/promises';
import { testSettings } from '../helpers/settings.js';
import { join } from 'node:path';
import { recoverSectors } from '../../src/recover/recover.js';
import { asSectorNumber, toHex, asCommitment, fromHex } from '../../src/proofs/types.js';
import { commRToCid } from '../../src/proofs/cid.js';
import { replicaId } from '../../src/proofs/replica-id.js';
import { proverId } from '../../src/proofs/address.js';
import { zeroCommitment } from '../../src/proofs/zero-commitments.js';
import { sealProof } from '../../src/proofs/registry.js';
import { asTicket } from '../../src/proofs/types.js';
import { PreflightError, realHostProbe, type HostProbe } from '../../src/recover/preflight.js';
import { FakeSealer, E2E_2K, type Outcome } from './helpers/fake-sealer.js';
import { dirs, f01000, listTree, options, records } from './helpers/setup.js';

const n = (x: number) => asSectorNumber(x);
const exists = (p: string) => access(p).then(() => true, () => false);
const table = { [E2E_2K.replicaId]: E2E_2K };

describe('recover orchestration (fake sealer writing real files)', () => {
  it('recovers the docs/vectors.md#end-to-end-vectors 2KiB sector and publishes the lotus layout', async () => {
    const d = await dirs();
    const sealer = new FakeSealer(table);
    const r = await recoverSectors(f01000, records([{ n: 1, sealedCid: E2E_2K.sealedCid }]), [n(1)], options(d, sealer));
    const s = r.sectors[0]!;
    expect(s.status).toBe('recovered');
    // The plan derived the spec's replica_id from (f01000, 1, 32×0x01, CC comm_d, V1_1 porep id).
    expect(toHex(sealer.calls[0]!.replicaId)).toBe(E2E_2K.replicaId);
    expect(toHex(sealer.calls[0]!.commD)).toBe('fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833');
    expect(sealer.calls[0]!.stagedPath).toBeNull();
    expect(s.commR).toEqual({ expected: E2E_2K.commR, got: E2E_2K.commR });
    expect(await listTree(d.result)).toEqual([
      'cache/',
      'cache/s-t01000-1/',
      'cache/s-t01000-1/p_aux',
      'cache/s-t01000-1/sc-02-data-tree-r-last.dat',
      'cache/s-t01000-1/t_aux',
      'sealed/',
      'sealed/s-t01000-1',
      'sectorstore.json',
    ]);
    expect((await readFile(join(d.result, 'cache/s-t01000-1/p_aux'))).toString('hex')).toBe(E2E_2K.commC + E2E_2K.commRLast);
    expect((await stat(join(d.result, 'sealed/s-t01000-1'))).size).toBe(2048);
    const store = JSON.parse(await readFile(join(d.result, 'sectorstore.json'), 'utf8'));
    expect(store).toMatchObject({ CanStore: true, Weight: 10 });
    expect(store.ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(await exists(join(d.temp, 's-t01000-1'))).toBe(false);
    expect(r.summary).toEqual({ recovered: 1, mismatch: 0, failed: 0, skipped: 0 });
  });

  it('keeps layers, tree-c and tree-d with --keep-precommit-files', async () => {
    const d = await dirs();
    await recoverSectors(f01000, records([{ n: 1, sealedCid: E2E_2K.sealedCid }]), [n(1)], options(d, new FakeSealer(table), { keepPrecommitFiles: true }));
    const files = await readdir(join(d.result, 'cache/s-t01000-1'));
    expect(files.sort()).toEqual(['p_aux', 'sc-02-data-layer-1.dat', 'sc-02-data-layer-2.dat', 'sc-02-data-tree-c.dat', 'sc-02-data-tree-d.dat', 'sc-02-data-tree-r-last.dat', 't_aux']);
  });

  it('wrong ticket → mismatch, nothing published, diagnosis kept in the report', async () => {
    const d = await dirs();
    const r = await recoverSectors(f01000, records([{ n: 1, ticketHex: '02'.repeat(32), sealedCid: E2E_2K.sealedCid }]), [n(1)], options(d, new FakeSealer(table)));
    const s = r.sectors[0]!;
    expect(s.status).toBe('mismatch');
    expect(s.reason).toMatch(/differs from the chain's SealedCID bagboea4b5abca52c.*nothing was published/);
    expect(s.replicaId).toMatch(/^[0-9a-f]{64}$/);
    expect(s.replicaId).not.toBe(E2E_2K.replicaId);
    expect(s.commC).toMatch(/^[0-9a-f]{64}$/);
    expect(s.commRLast).toMatch(/^[0-9a-f]{64}$/);
    expect(s.commR!.expected).toBe(E2E_2K.commR);
    expect(s.inputs!.ticket).toBe('02'.repeat(32));
    expect((await listTree(d.result)).filter((f) => f.includes('s-t0'))).toEqual([]);
  });

  it('tampered SealedCID → mismatch, nothing published', async () => {
    const d = await dirs();
    const other = asCommitment(fromHex('0a007160e8e18fc79d227b04494dd6c0d92b5b090c5d21598832c2f610bae207'));
    const r = await recoverSectors(f01000, records([{ n: 1, sealedCid: commRToCid(other).toString() }]), [n(1)], options(d, new FakeSealer(table)));
    expect(r.sectors[0]!.status).toBe('mismatch');
    expect(r.sectors[0]!.commR).toEqual({ expected: toHex(other), got: E2E_2K.commR });
    expect((await listTree(d.result)).filter((f) => f.includes('s-t0'))).toEqual([]);
  });

  it('--parallel 2 on four sectors: two in flight at most, all four recovered', async () => {
    const d = await dirs();
    const proof = sealProof(5);
    const ticket = asTicket(new Uint8Array(32).fill(1));
    const t: Record<string, Outcome> = { ...table };
    const entries = [{ n: 1, sealedCid: E2E_2K.sealedCid }];
    for (const k of [2, 3, 4]) {
      // Only sector 1 has a known-answer vector; for the others the fake's table defines the answer.
      const rid = toHex(replicaId(proverId(f01000.id), n(k), ticket, zeroCommitment(2048n), proof.porepId));
      const commR = `${k}`.repeat(2) + '00'.repeat(31);
      t[rid] = { commC: '11'.repeat(32), commRLast: '22'.repeat(32), commR };
      entries.push({ n: k, sealedCid: commRToCid(asCommitment(fromHex(commR))).toString() });
    }
    const sealer = new FakeSealer(t, { delayMs: 50 });
    const r = await recoverSectors(f01000, records(entries), [n(1), n(2), n(3), n(4)], options(d, sealer, { parallel: 2 }));
    expect(r.sectors.map((s) => s.status)).toEqual(['recovered', 'recovered', 'recovered', 'recovered']);
    expect(sealer.maxInFlight).toBe(2);
    expect((await readdir(join(d.result, 'sealed'))).sort()).toEqual(['s-t01000-1', 's-t01000-2', 's-t01000-3', 's-t01000-4']);
  });

  /** sectors 1..count of f01000 (2KiB V1_1 CC, ticket 32×1) with answers the fake sealer knows */
  function sectorsWithAnswers(count: number) {
    const proof = sealProof(5);
    const ticket = asTicket(new Uint8Array(32).fill(1));
    const t: Record<string, Outcome> = { ...table };
    const entries = [{ n: 1, sealedCid: E2E_2K.sealedCid }];
    for (let k = 2; k <= count; k++) {
      const rid = toHex(replicaId(proverId(f01000.id), n(k), ticket, zeroCommitment(2048n), proof.porepId));
      const commR = `${k}`.repeat(2) + '00'.repeat(31);
      t[rid] = { commC: '11'.repeat(32), commRLast: '22'.repeat(32), commR };
      entries.push({ n: k, sealedCid: commRToCid(asCommitment(fromHex(commR))).toString() });
    }
    return { t, entries };
  }
  const cores = (c: number): HostProbe => ({ ...realHostProbe, cpuCores: () => c });

  it('--parallel 4 on two cores: two labeling runs of two sectors, both at once; on four cores, no sharing', async () => {
    const d = await dirs();
    const { t, entries } = sectorsWithAnswers(4);
    const sealer = new FakeSealer(t, { batch: true, delayMs: 50 });
    const r = await recoverSectors(f01000, records(entries), [1, 2, 3, 4].map(n), options(d, sealer, { parallel: 4, probe: cores(2) }));
    expect(r.sectors.map((s) => [s.status, s.pc1BatchSize])).toEqual(Array(4).fill(['recovered', 2]));
    expect(sealer.batches).toEqual([2, 2]);
    expect(sealer.maxInFlight).toBe(4);

    const d4 = await dirs();
    const alone = new FakeSealer(t, { batch: true, delayMs: 50 });
    const r4 = await recoverSectors(f01000, records(entries), [1, 2, 3, 4].map(n), options(d4, alone, { parallel: 4, probe: cores(4) }));
    expect(r4.sectors.map((s) => s.status)).toEqual(Array(4).fill('recovered'));
    expect(alone.batches).toEqual([]);
    expect(alone.maxInFlight).toBe(4);
  });

  it('--parallel 3, five sectors of one proof: batches of 3 and 2, a failing sector fails alone', async () => {
    const d = await dirs();
    const proof = sealProof(5);
    const ticket = asTicket(new Uint8Array(32).fill(1));
    const t: Record<string, Outcome> = { ...table };
    const entries = [{ n: 1, sealedCid: E2E_2K.sealedCid }];
    let failing = '';
    for (const k of [2, 3, 4, 5]) {
      const rid = toHex(replicaId(proverId(f01000.id), n(k), ticket, zeroCommitment(2048n), proof.porepId));
      if (k === 3) failing = rid;
      const commR = `${k}`.repeat(2) + '00'.repeat(31);
      t[rid] = { commC: '11'.repeat(32), commRLast: '22'.repeat(32), commR };
      entries.push({ n: k, sealedCid: commRToCid(asCommitment(fromHex(commR))).toString() });
    }
    const sealer = new FakeSealer(t, { batch: true, failFor: failing });
    // one core: everything in flight shares the labeling thread
    const r = await recoverSectors(f01000, records(entries), [1, 2, 3, 4, 5].map(n), options(d, sealer, { parallel: 3, probe: cores(1) }));
    expect(sealer.batches).toEqual([3, 2]);
    expect(r.sectors.map((s) => s.status)).toEqual(['recovered', 'recovered', 'failed', 'recovered', 'recovered']);
    expect(r.sectors[2]!.reason).toBe('simulated sealing failure');
    expect(r.sectors.map((s) => s.pc1BatchSize)).toEqual([3, 3, undefined, 2, 2]);
    expect((await readdir(join(d.result, 'sealed'))).sort()).toEqual(['s-t01000-1', 's-t01000-2', 's-t01000-4', 's-t01000-5']);
  });

  it('skips sectors missing from the metadata and ones already published', async () => {
    const d = await dirs();
    const recs = records([{ n: 1, sealedCid: E2E_2K.sealedCid }]);
    await recoverSectors(f01000, recs, [n(1)], options(d, new FakeSealer(table)));
    const sealer = new FakeSealer(table);
    const r = await recoverSectors(f01000, recs, [n(1), n(9)], options(d, sealer));
    expect(r.sectors[0]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^already present in/) });
    expect(r.sectors[1]).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/not found in the recovery metadata/) });
    expect(sealer.calls).toHaveLength(0);
  });

  it('refuses before any work when the temp filesystem is too small, with the numbers', async () => {
    const d = await dirs();
    const probe: HostProbe = {
      freeBytes: async (p) => (p.includes('temp') ? 10_000n : 1n << 40n),
      device: async (p) => (p.includes('temp') ? 1n : 2n),
      availableMemory: () => 1n << 34n,
    };
    const sealer = new FakeSealer(table);
    const err = await recoverSectors(f01000, records([{ n: 1, sealedCid: E2E_2K.sealedCid }]), [n(1)], options(d, sealer, { probe })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PreflightError);
    // 2KiB: 2 layers 4096 + tree-d 4064 + tree-c 2336 + replica 2048 + tree-r-last 32 + 64 KiB aux allowance
    expect((err as Error).message).toMatch(/--sealing-temp .* has 9.8 KiB free but 1 sector\(s\), 1 at a time need 76.3 KiB/);
    expect((err as Error).message).toMatch(/lower --parallel/);
    expect(sealer.calls).toHaveLength(0);
    expect(await listTree(d.result)).toEqual([]);
  });

  it('refuses when memory cannot hold the layers of the sectors in flight', async () => {
    const d = await dirs();
    const probe: HostProbe = { freeBytes: async () => 1n << 40n, device: async () => 1n, availableMemory: () => 4096n };
    const recs = records([{ n: 1, sealedCid: E2E_2K.sealedCid }, { n: 2, sealedCid: E2E_2K.sealedCid }]);
    await expect(recoverSectors(f01000, recs, [n(1), n(2)], options(d, new FakeSealer(table), { probe, parallel: 2 }))).rejects.toThrow(
      /labeling 2 sector\(s\) at once needs 8.0 KiB of memory but 4.0 KiB is available/,
    );
  });

  it('a sealing failure is reported and does not stop the other sectors', async () => {
    const d = await dirs();
    const proof = sealProof(5);
    const rid2 = toHex(replicaId(proverId(f01000.id), n(2), asTicket(new Uint8Array(32).fill(1)), zeroCommitment(2048n), proof.porepId));
    const sealer = new FakeSealer(table, { failFor: rid2 });
    const r = await recoverSectors(f01000, records([{ n: 2, sealedCid: E2E_2K.sealedCid }, { n: 1, sealedCid: E2E_2K.sealedCid }]), [n(2), n(1)], options(d, sealer));
    expect(r.sectors.map((s) => [s.sector, s.status])).toEqual([['2', 'failed'], ['1', 'recovered']]);
    expect(r.sectors[0]!.reason).toBe('simulated sealing failure');
    // the failed sector's working dir stays for a resume
    expect(await exists(join(d.temp, 's-t01000-2', 'state.json'))).toBe(true);
  });

  it('cancellation (Ctrl-C): the running sector fails as cancelled, queued ones are skipped, the rerun resumes', async () => {
    const d = await dirs();
    const ac = new AbortController();
    const sealer = new FakeSealer(table, { delayMs: 200 });
    const recs = records([{ n: 1, sealedCid: E2E_2K.sealedCid }, { n: 2, sealedCid: E2E_2K.sealedCid }]);
    setTimeout(() => ac.abort(), 50);
    const r = await recoverSectors(f01000, recs, [n(1), n(2)], options(d, sealer, { signal: ac.signal }));
    expect(r.sectors[0]).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^cancelled .*rerun to resume/) });
    expect(r.sectors[1]).toMatchObject({ status: 'skipped', reason: 'cancelled before it started' });
    const again = await recoverSectors(f01000, recs, [n(1)], options(d, new FakeSealer(table)));
    expect(again.sectors[0]).toMatchObject({ status: 'recovered', resumed: true });
  });
});

describe('pre-flight: parents cache', () => {
  it('refuses when the parents cache cannot be generated in its directory, naming the variable to set', async () => {
    const d = await dirs();
    const probe: HostProbe = {
      freeBytes: async (p) => (p.includes('parents') ? 1000n : 1n << 40n),
      device: async () => 1n,
      availableMemory: () => 1n << 34n,
    };
    const parentsCacheDir = join(d.root, 'parents');
    // 2KiB graph: 64 nodes × 56 bytes (docs/sdr.md#parents-cache-file) = 3584 bytes
    await expect(
      recoverSectors(f01000, records([{ n: 1, sealedCid: E2E_2K.sealedCid }]), [n(1)], options(d, new FakeSealer(table), { probe, settings: testSettings(parentsCacheDir) })),
    ).rejects.toThrow(/parents cache directory .*parents has 1000 B free but 1 cache file\(s\) of 3.5 KiB must be generated there \(set FIL_PROOFS_PARENT_CACHE/);
  });
});
