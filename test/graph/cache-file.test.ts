// Whole parents-cache files against the reference manifest digests (docs/sdr.md#parents-cache-file, rfp
// storage-proofs-porep/parent_cache.json), and parallel generation against the single-threaded twin.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/registry.js';
import { graphParams } from '../../src/seal/graph-seeds.js';
import { graphParents, writeParentsCache } from '../../src/native/graph.js';

// docs/sdr.md#parents-cache-file manifest digests
const DIGESTS: Record<number, string> = {
  0: '3da49221e2ed55371b86d0bf3d6526fcf128af61bed904f966428db1b531750d',
  5: '840057702eea7652cf97e04306c30fe57174714d90de156a25eddd6075c25b97',
  1: 'a76604f2f59f2744c7151653bbb1d8596b6b57d295e6fa6c1f0c41d725b502ce',
  6: '03cd13565ded97c240a5f52e54295ad127bd0461b57904cb3a4d79b097bbecab',
  2: '3adcc092423aa76d6a7184016893406da44dd974b219a89cd3ece25e4e3018f5',
  7: 'b5877d1963793efebc261fd8fde4dd6bc59e6b5c7abf52617a4ee023b8dc173a',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'graph-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

describe('parents-cache file bytes', () => {
  it.each([0, 5, 1, 6])('proof %i: whole-file SHA-256 equals the reference manifest', async (id) => {
    const proof = sealProof(id);
    const path = join(dir, `p${id}.cache`);
    await writeParentsCache(graphParams(proof), path);
    expect((await stat(path)).size).toBe(Number(proof.nodes) * 56);
    expect(await sha256File(path)).toBe(DIGESTS[id]);
  });

  it.skipIf(!process.env.SLOW).each([2, 7])('proof %i (512MiB, SLOW=1): whole-file SHA-256 equals the manifest', async (id) => {
    const path = join(dir, `p${id}.cache`);
    await writeParentsCache(graphParams(sealProof(id)), path);
    expect(await sha256File(path)).toBe(DIGESTS[id]);
    await rm(path);
  }, 3_600_000);

  it('records are 14 little-endian u32 per node, matching graphParents', async () => {
    const bytes = await readFile(join(dir, 'p5.cache'));
    const want = graphParents(graphParams(sealProof(5)), 0, 64);
    for (let i = 0; i < want.length; i++) expect(bytes.readUInt32LE(4 * i)).toBe(want[i]);
  });

  it('parallel generation (4 workers) equals the single-threaded twin byte for byte, on an odd-sized graph', async () => {
    // An N that is not a multiple of the writer's chunk size exercises the ragged last chunk.
    const params = { ...graphParams(sealProof(10)), nodes: 3n * 16384n + 777n };
    const a = join(dir, 'one.cache');
    const b = join(dir, 'many.cache');
    await writeParentsCache(params, a, { threads: 1 });
    await writeParentsCache(params, b, { threads: 4 });
    const [x, y] = await Promise.all([readFile(a), readFile(b)]);
    expect(x.length).toBe(Number(params.nodes) * 56);
    expect(x.equals(y)).toBe(true);
    // and both equal the direct computation at the tail
    const tail = graphParents(params, params.nodes - 1n, 1);
    for (let i = 0; i < 14; i++) expect(x.readUInt32LE(x.length - 56 + 4 * i)).toBe(tail[i]);
  });

  it('reports progress up to the node count', async () => {
    const seen: number[] = [];
    await writeParentsCache(graphParams(sealProof(0)), join(dir, 'prog.cache'), { onProgress: (p) => seen.push(p.done / p.total) });
    expect(seen.at(-1)).toBe(1);
  });

  it('a throwing progress callback rejects the promise instead of crashing', async () => {
    await expect(
      writeParentsCache(graphParams(sealProof(0)), join(dir, 'throwing.cache'), {
        onProgress: () => {
          throw new Error('progress sink broke');
        },
      }),
    ).rejects.toThrow(/progress sink broke/);
  });

  it('cancellation rejects and leaves neither the file nor a temp file behind', async () => {
    const sub = await mkdtemp(join(dir, 'cancel-'));
    const path = join(sub, 'big.cache');
    const ac = new AbortController();
    const p = writeParentsCache(graphParams(sealProof(7)), path, {
      threads: 1,
      signal: ac.signal,
      onProgress: (q) => {
        if (q.done > 0) ac.abort(new Error('stop requested'));
      },
    });
    setTimeout(() => ac.abort(new Error('stop requested')), 300);
    await expect(p).rejects.toThrow(/stop requested/);
    expect(await readdir(sub)).toEqual([]);
  });

  it('rejects malformed graph params with errors naming the field', async () => {
    const good = graphParams(sealProof(0));
    expect(() => graphParents({ ...good, nodes: 1n }, 0, 1)).toThrow(/params.nodes must be between 2 and 2\^31/);
    expect(() => graphParents({ ...good, nodes: 1n << 32n }, 0, 1)).toThrow(/params.nodes/);
    expect(() => graphParents({ ...good, drgSeed: new Uint8Array(32) }, 0, 1)).toThrow(/drgSeed must be 28 bytes/);
    expect(() => graphParents({ ...good, feistelKeys: [1n, 2n] as never }, 0, 1)).toThrow(/feistelKeys/);
    expect(() => graphParents({ ...good, feistelKeys: [1n << 64n, 2n, 3n] }, 0, 1)).toThrow(/64-bit/);
    await expect(writeParentsCache({ ...good, legacy: 'yes' as never }, join(dir, 'x.cache'))).rejects.toThrow(/legacy must be a boolean/);
  });

  it('fails with a clear error when the directory does not exist', async () => {
    await expect(writeParentsCache(graphParams(sealProof(0)), join(dir, 'missing', 'x.cache'))).rejects.toThrow(
      /cannot create the parents cache/,
    );
  });
});
