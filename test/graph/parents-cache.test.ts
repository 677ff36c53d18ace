// ensureParentsCache: generation verified against the manifest digest,
// reuse of an existing (lotus) cache, detection and atomic replacement of a corrupt one, stamps,
// cancellation. Real files in a temp dir throughout.
import { createHash } from 'node:crypto';
import { mkdtemp, open, readdir, readFile, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { parentsCacheFileName } from '../../src/seal/graph-seeds.js';
import { ensureParentsCache, ensureParentsCacheDetailed } from '../../src/seal/parents-cache.js';
import type { SealProgress } from '../../src/seal/contracts.js';

// docs/sdr.md#parents-cache-file manifest digest of the 2KiB V1_1 (id 5) cache
const DIGEST_5 = '840057702eea7652cf97e04306c30fe57174714d90de156a25eddd6075c25b97';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'parents-cache-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const freshDir = () => mkdtemp(join(root, 'd-'));

describe('ensureParentsCache', () => {
  it('generates the file under the reference name, verified against the manifest, with progress', async () => {
    const dir = await freshDir();
    const seen: SealProgress[] = [];
    const r = await ensureParentsCacheDetailed(sealProof(5), { dir, onProgress: (p) => seen.push(p) });
    expect(r.path).toBe(join(dir, parentsCacheFileName(sealProof(5))));
    expect(r).toMatchObject({ action: 'generated', digestVerified: true });
    expect(sha256(await readFile(r.path))).toBe(DIGEST_5);
    expect(seen.every((p) => p.stage === 'parents-cache')).toBe(true);
    expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);
    // only the cache and its stamp remain
    expect((await readdir(dir)).sort()).toEqual([parentsCacheFileName(sealProof(5)), `${parentsCacheFileName(sealProof(5))}.verified.json`]);
  });

  it('reuses an unchanged verified cache without rehashing it (stamp)', async () => {
    const dir = await freshDir();
    const first = await ensureParentsCacheDetailed(sealProof(5), { dir });
    const before = await stat(first.path);
    const seen: SealProgress[] = [];
    const again = await ensureParentsCacheDetailed(sealProof(5), { dir, onProgress: (p) => seen.push(p) });
    expect(again).toMatchObject({ action: 'reused', digestVerified: true });
    expect(seen).toEqual([]); // neither hashed nor generated
    expect((await stat(again.path)).mtimeMs).toBe(before.mtimeMs);
  });

  it("reuses an operator's existing cache (no stamp) after hashing it", async () => {
    const dir = await freshDir();
    const made = await ensureParentsCache(sealProof(5), { dir });
    await rm(`${made}.verified.json`);
    const r = await ensureParentsCacheDetailed(sealProof(5), { dir });
    expect(r).toMatchObject({ action: 'reused', digestVerified: true, notes: [] });
    const stamp = JSON.parse(await readFile(`${made}.verified.json`, 'utf8')) as { digest: string };
    expect(stamp.digest).toBe(DIGEST_5);
  });

  it('detects a cache with one wrong byte, says so, and replaces it atomically', async () => {
    const dir = await freshDir();
    const path = await ensureParentsCache(sealProof(5), { dir });
    const fh = await open(path, 'r+');
    await fh.write(Buffer.from([0xff]), 0, 1, 1000);
    await fh.close();
    const later = new Date(Date.now() + 5000);
    await utimes(path, later, later); // a modified file has a new mtime; the stamp no longer vouches for it
    const notices: string[] = [];
    const r = await ensureParentsCacheDetailed(sealProof(5), { dir, onNotice: (m) => notices.push(m) });
    expect(r.action).toBe('regenerated');
    expect(notices.join('\n')).toMatch(/corrupt.*regenerating/);
    expect(sha256(await readFile(path))).toBe(DIGEST_5);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp') || f.includes('.staged'))).toEqual([]);
  });

  it('regenerates a cache of the wrong size (e.g. truncated copy)', async () => {
    const dir = await freshDir();
    const path = await ensureParentsCache(sealProof(5), { dir });
    await truncate(path, 1000);
    const r = await ensureParentsCacheDetailed(sealProof(5), { dir });
    expect(r.action).toBe('regenerated');
    expect(r.notes.join()).toMatch(/1000 bytes, expected 3584/);
    expect(sha256(await readFile(path))).toBe(DIGEST_5);
  });

  it('proofs without a reference digest (SyntheticPoRep id 10): generated unverified, reuse spot-checks the graph', async () => {
    const dir = await freshDir();
    const r = await ensureParentsCacheDetailed(sealProof(10), { dir });
    expect(r).toMatchObject({ action: 'generated', digestVerified: false });
    expect(await ensureParentsCacheDetailed(sealProof(10), { dir })).toMatchObject({ action: 'reused' });
    // overwrite with another graph of the same size (the V1_1 2KiB cache): the spot check rejects it
    const other = await ensureParentsCache(sealProof(5), { dir: await freshDir() });
    await writeFile(r.path, await readFile(other));
    const again = await ensureParentsCacheDetailed(sealProof(10), { dir });
    expect(again.action).toBe('regenerated');
    expect(again.notes.join()).toMatch(/spot check failed/);
  });

  it('shares one generation between concurrent callers for the same file', async () => {
    const dir = await freshDir();
    const [a, b] = await Promise.all([ensureParentsCacheDetailed(sealProof(0), { dir }), ensureParentsCacheDetailed(sealProof(0), { dir })]);
    expect(a).toBe(b);
  });

  it('one caller aborting does not cancel the generation another caller still waits for', async () => {
    const dir = await freshDir();
    const quitter = new AbortController();
    const a = ensureParentsCacheDetailed(sealProof(6), { dir, signal: quitter.signal });
    const seenByB: number[] = [];
    const b = ensureParentsCacheDetailed(sealProof(6), { dir, onProgress: (p) => seenByB.push(p.done) });
    setTimeout(() => quitter.abort(new Error('sector 1 cancelled')), 50);
    await expect(a).rejects.toThrow(/sector 1 cancelled/);
    const r = await b;
    expect(r).toMatchObject({ action: 'generated', digestVerified: true });
    expect(seenByB.length).toBeGreaterThan(0);
  });

  it('removes staging files left by a killed run (dead pid) before generating, keeps live ones', async () => {
    const dir = await freshDir();
    const name = parentsCacheFileName(sealProof(0));
    const dead = `${name}.staged-999999999-abcd1234`;
    const deadNative = `${name}.staged-999999998-abcd1234.tmp-999999998-00ff00ff`;
    const live = `${name}.staged-${process.ppid}-abcd1234`;
    for (const f of [dead, deadNative, live]) await writeFile(join(dir, f), 'partial');
    const r = await ensureParentsCacheDetailed(sealProof(0), { dir });
    const left = await readdir(dir);
    expect(left).not.toContain(dead);
    expect(left).not.toContain(deadNative);
    expect(left).toContain(live);
    expect(r.notes.join('\n')).toMatch(/interrupted run/);
  });

  it('a freshly generated cache that misses the manifest digest is an error and never reaches the real name', async () => {
    // Same porep id (so the same file name and manifest entry as id 5) but the V1_0 slot layout:
    // stands in for a broken graph implementation.
    const broken = { ...sealProof(5), apiVersion: 'V1_0_0' as const };
    const dir = await freshDir();
    await expect(ensureParentsCache(broken, { dir })).rejects.toThrow(/reference manifest says 840057702eea.*bug in sealer-recover/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an unusable directory fails with the way out (FIL_PROOFS_PARENT_CACHE)', async () => {
    const file = join(await freshDir(), 'not-a-dir');
    await writeFile(file, 'x');
    await expect(ensureParentsCache(sealProof(0), { dir: join(file, 'parents') })).rejects.toThrow(/FIL_PROOFS_PARENT_CACHE/);
  });

  it('cancellation mid-generation leaves no file under the real name and no temp files', async () => {
    const dir = await freshDir();
    const ac = new AbortController();
    const p = ensureParentsCache(sealProof(7), { dir, threads: 1, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('operator cancelled')), 300);
    await expect(p).rejects.toThrow(/operator cancelled/);
    expect(await readdir(dir)).toEqual([]);
  });
});
