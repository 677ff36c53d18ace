// PC2 after kill -9 (pc2-checkpoint.ts): a rerun keeps every committed base tree and the finished
// sealed file, rebuilds only the rest, and ends with the same bytes. The 8MiB oracle vector (one
// base tree) must still match rust-fil-proofs' files; the same sector laid out 8-8-0 (8 base trees,
// the 32GiB shape) must match an uninterrupted run of that layout. A half-written, foreign or torn
// tree file is never taken for a finished one.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partialPath, partialSuffix } from '../../src/native/addon.js';
import { asReplicaId, fromHex, sealProof, type SealProof } from '../../src/proofs/index.js';
import type { SealProgress } from '../../src/seal/contracts.js';
import { ensureParentsCache } from '../../src/seal/parents-cache.js';
import { runPc1 } from '../../src/seal/pc1.js';
import { runPc2 } from '../../src/seal/pc2.js';
import { cacheFiles, treeFileNames } from '../../src/sector/cache-files.js';
import { PC2_STATE_FILE } from '../../src/seal/pc2-checkpoint.js';
import { buildTreeD } from '../../src/seal/tree-d.js';
import { loadFamilyVector, loadVector, type OracleVector, type ShapeVector } from '../helpers/vectors.js';
import { expectOracleFiles, sealLikeReference } from './helpers/oracle-files.js';
import { SHAPE_8_8_0, shapeVectorProof, withShape } from './helpers/shapes.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const V8M = loadVector('8MiB-V1_1-cc-f01000-s1');
const V2K = loadVector('2KiB-V1_1-cc-f01000-s1');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let tmp = '';
/** per vector: a cache dir with tree-d and the layers, made once by our PC1 */
const base = new Map<OracleVector, string>();

async function sealPc1(v: OracleVector): Promise<void> {
  const proof = sealProof(v.proof.id);
  const dir = path.join(tmp, `base-${v.proof.name}`);
  const parentsCachePath = await ensureParentsCache(proof, { dir: path.join(tmp, 'parents') });
  await buildTreeD({ proof, stagedPath: null, cacheDir: dir });
  await runPc1({ proof, replicaId: asReplicaId(fromHex(v.replica_id)), cacheDir: dir, parentsCachePath });
  base.set(v, dir);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-pc2-resume-'));
  await sealPc1(V8M);
  await sealPc1(V2K);
}, 60_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A fresh sector dir holding copies of the PC1 output of `v`. */
async function sectorDir(v: OracleVector, name: string): Promise<{ cacheDir: string; sealedPath: string }> {
  const cacheDir = path.join(tmp, name, 'cache');
  await mkdir(cacheDir, { recursive: true });
  const from = base.get(v)!;
  for (const f of await readdir(from)) await copyFile(path.join(from, f), path.join(cacheDir, f));
  return { cacheDir, sealedPath: path.join(tmp, name, 'sealed') };
}

function killMidway(o: {
  proof: SealProof;
  shape?: '8-8-0';
  cacheDir: string;
  sealedPath: string;
  stage: 'tree-c' | 'tree-r-last';
  afterTrees: number;
  chunkLeaves: bigint;
}): void {
  const cfg = { ...o, proof: o.proof.name, chunkLeaves: o.chunkLeaves.toString() };
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'pc2-kill-child.ts'), JSON.stringify(cfg)], {
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.signal, r.stdout).toBe('SIGKILL');
}

interface Rerun {
  readonly stages: Set<string>;
  /** the total of the last progress record of each tree stage: the leaves it rebuilt */
  readonly totals: Map<string, number>;
  readonly notices: string[];
}
async function rerun(proof: SealProof, dirs: { cacheDir: string; sealedPath: string }, chunkLeaves?: bigint): Promise<Rerun> {
  const r: Rerun = { stages: new Set(), totals: new Map(), notices: [] };
  await runPc2({
    proof,
    ...dirs,
    stagedPath: null,
    ...(chunkLeaves ? { chunkLeaves } : {}),
    onNotice: (m) => r.notices.push(m),
    onProgress: (p: SealProgress) => {
      r.stages.add(p.stage);
      r.totals.set(p.stage, p.total);
    },
  });
  return r;
}

const committed = (proof: SealProof, cacheDir: string, id: 'tree-c' | 'tree-r-last') =>
  treeFileNames(proof.baseTrees, id).filter((f) => existsSync(path.join(cacheDir, f)));
const partials = async (cacheDir: string) => (await readdir(cacheDir)).filter((f) => f.endsWith(partialSuffix()));

describe('PC2 resume on the 8MiB oracle vector (one base tree)', () => {
  const proof = sealProof(V8M.proof.id);

  it('killed mid tree-c: the half-written tree is rebuilt and every file equals rust-fil-proofs', async () => {
    const dirs = await sectorDir(V8M, 'kill-tree-c-1');
    killMidway({ proof, ...dirs, stage: 'tree-c', afterTrees: 0, chunkLeaves: 512n });
    expect(committed(proof, dirs.cacheDir, 'tree-c')).toEqual([]);
    // The tree being built was left at its partial name, never under the final one.
    expect(await partials(dirs.cacheDir)).toEqual(['sc-02-data-tree-c.dat' + partialSuffix()]);

    const r = await rerun(proof, dirs);
    expect([...r.stages]).toEqual(['tree-c', 'encode', 'tree-r-last', 'aux']);
    await expectOracleFiles(V8M, dirs.cacheDir, dirs.sealedPath);
    expect(await partials(dirs.cacheDir)).toEqual([]);
  });

  it('killed mid tree-r-last: tree-c and the sealed file are kept, every file equals rust-fil-proofs', async () => {
    const dirs = await sectorDir(V8M, 'kill-tree-r-last-1');
    killMidway({ proof, ...dirs, stage: 'tree-r-last', afterTrees: 0, chunkLeaves: 512n });
    expect(committed(proof, dirs.cacheDir, 'tree-c')).toHaveLength(1);
    expect(committed(proof, dirs.cacheDir, 'tree-r-last')).toEqual([]);
    expect(await partials(dirs.cacheDir)).toEqual(['sc-02-data-tree-r-last.dat' + partialSuffix()]);
    const sealedBefore = await stat(dirs.sealedPath, { bigint: true });

    const r = await rerun(proof, dirs);
    expect([...r.stages]).toEqual(['tree-r-last', 'aux']);
    expect((await stat(dirs.sealedPath, { bigint: true })).mtimeNs).toBe(sealedBefore.mtimeNs);
    await expectOracleFiles(V8M, dirs.cacheDir, dirs.sealedPath);
  });
});

describe('PC2 resume per base tree: the 8MiB sector laid out 8-8-0', () => {
  const proof = withShape(sealProof(V8M.proof.id), SHAPE_8_8_0);
  const leavesPerTree = Number(proof.nodesPerBaseTree);
  const chunkLeaves = 64n;
  let reference: Map<string, string>;

  /** sha256 of every tree file, the sealed file and p_aux */
  async function digests(dirs: { cacheDir: string; sealedPath: string }): Promise<Map<string, string>> {
    const names = [...treeFileNames(proof.baseTrees, 'tree-c'), ...treeFileNames(proof.baseTrees, 'tree-r-last'), 'p_aux'];
    const out = new Map<string, string>();
    for (const n of names) out.set(n, sha256(await readFile(path.join(dirs.cacheDir, n))));
    out.set('sealed', sha256(await readFile(dirs.sealedPath)));
    return out;
  }

  beforeAll(async () => {
    const dirs = await sectorDir(V8M, 'uninterrupted-8-8-0');
    await rerun(proof, dirs, chunkLeaves);
    reference = await digests(dirs);
    // Not rust-fil-proofs' bytes (no oracle vector has this layout here), but the sealed file does
    // not depend on the layout: it must still be the reference replica.
    expect(reference.get('sealed')).toBe(V8M.files.sealed!.sha256);
  }, 60_000);

  for (const stage of ['tree-c', 'tree-r-last'] as const) {
    it(`killed after the first committed ${stage} base tree: the rerun builds only the missing ones`, async () => {
      const dirs = await sectorDir(V8M, `kill-${stage}-8`);
      killMidway({ proof, shape: '8-8-0', ...dirs, stage, afterTrees: 1, chunkLeaves });
      const kept = committed(proof, dirs.cacheDir, stage);
      expect(kept.length).toBeGreaterThanOrEqual(1);
      expect(kept.length).toBeLessThan(8);
      const keptIds = await Promise.all(kept.map((f) => stat(path.join(dirs.cacheDir, f), { bigint: true })));

      const r = await rerun(proof, dirs, chunkLeaves);
      expect(r.notices.join('\n')).toContain(`resuming ${stage}: ${kept.length} of 8 base trees already built`);
      expect(r.totals.get(stage)).toBe((8 - kept.length) * leavesPerTree);
      if (stage === 'tree-r-last') expect([...r.stages]).toEqual(['tree-r-last', 'aux']);
      for (const [i, f] of kept.entries()) {
        const now = await stat(path.join(dirs.cacheDir, f), { bigint: true });
        expect([now.ino, now.mtimeNs], `${f} kept as it was`).toEqual([keptIds[i]!.ino, keptIds[i]!.mtimeNs]);
      }
      expect(await digests(dirs)).toEqual(reference);
      expect(await partials(dirs.cacheDir)).toEqual([]);
    });
  }

  it('a torn base-tree file (wrong size) is deleted and rebuilt, alone', async () => {
    const dirs = await sectorDir(V8M, 'torn-8');
    await rerun(proof, dirs, chunkLeaves);
    const victim = path.join(dirs.cacheDir, treeFileNames(proof.baseTrees, 'tree-r-last')[5]!);
    await truncate(victim, 1000);
    const r = await rerun(proof, dirs, chunkLeaves);
    expect([...r.stages]).toEqual(['tree-r-last', 'aux']);
    expect(r.totals.get('tree-r-last')).toBe(leavesPerTree);
    expect(await digests(dirs)).toEqual(reference);
  });
});

describe('PC2 never trusts tree files it cannot tie to these inputs (2KiB oracle vector)', () => {
  const proof = sealProof(V2K.proof.id);

  it('full-size tree files without a PC2 state file (an older or foreign run) are discarded', async () => {
    const dirs = await sectorDir(V2K, 'foreign-2k');
    for (const id of ['tree-c', 'tree-r-last'] as const) {
      const { size } = V2K.files[treeFileNames(proof.baseTrees, id)[0]!]!;
      await writeFile(path.join(dirs.cacheDir, treeFileNames(proof.baseTrees, id)[0]!), Buffer.alloc(size, 0x11));
    }
    const r = await rerun(proof, dirs);
    expect(r.notices.join('\n')).toMatch(/tree files without a PC2 state file; PC2 starts over/);
    expect([...r.stages]).toEqual(['tree-c', 'encode', 'tree-r-last', 'aux']);
    await expectOracleFiles(V2K, dirs.cacheDir, dirs.sealedPath);
  });

  it('rewritten layers (another PC1 run) discard every tree; an unchanged dir is not redone', async () => {
    const dirs = await sectorDir(V2K, 'inputs-2k');
    await rerun(proof, dirs);
    expect([...(await rerun(proof, dirs)).stages]).toEqual(['aux']);

    // Same bytes, new file: the trees cannot know they still match, so they are rebuilt.
    const layer1 = cacheFiles(proof, dirs.cacheDir).layers[0]!;
    const bytes = await readFile(layer1);
    await rm(layer1);
    await writeFile(layer1, bytes);
    const r = await rerun(proof, dirs);
    expect(r.notices.join('\n')).toMatch(/built from other layers or staged data; PC2 starts over/);
    expect([...r.stages]).toEqual(['tree-c', 'encode', 'tree-r-last', 'aux']);
    await expectOracleFiles(V2K, dirs.cacheDir, dirs.sealedPath);
    expect(JSON.parse(await readFile(path.join(dirs.cacheDir, PC2_STATE_FILE), 'utf8')).sealed).toBeDefined();
  });

  it('a changed sealed file is encoded again and its tree-r-last rebuilt', async () => {
    const dirs = await sectorDir(V2K, 'sealed-2k');
    await rerun(proof, dirs);
    await writeFile(dirs.sealedPath, Buffer.alloc(2048, 0));
    const r = await rerun(proof, dirs);
    expect([...r.stages]).toEqual(['encode', 'tree-r-last', 'aux']);
    await expectOracleFiles(V2K, dirs.cacheDir, dirs.sealedPath);
  });
});

describe('PC2 resume on an 8-8-0 oracle vector (8 base trees, 11 layers)', () => {
  const v = loadFamilyVector<ShapeVector>('shapes', '8-8-0-V1_1-cc-n4096');
  const proof = shapeVectorProof(v);

  it('a state a kill leaves (some trees committed, one partial) resumes to rust-fil-proofs\' bytes', async () => {
    const dir = path.join(tmp, 'shape-8-8-0');
    await mkdir(dir);
    const dirs = await sealLikeReference(v, proof, dir, path.join(tmp, 'parents'));

    // As if killed while building tree-c tree 3: trees 0–2 committed, 3 half-written, the rest not begun.
    const files = cacheFiles(proof, dirs.cacheDir);
    for (const f of files.treeC.slice(3)) await rm(f);
    await writeFile(partialPath(files.treeC[3]!), Buffer.alloc(1000, 0x22));
    for (const f of [...files.treeRLast, files.pAux, files.tAux, dirs.sealedPath]) await rm(f);
    const r = await rerun(proof, dirs);
    expect(r.notices.join('\n')).toContain('resuming tree-c: 3 of 8 base trees already built');
    expect(r.totals.get('tree-c')).toBe(5 * Number(proof.nodesPerBaseTree));
    await expectOracleFiles(v, dirs.cacheDir, dirs.sealedPath);
    expect(await partials(dirs.cacheDir)).toEqual([]);

    // As if killed during tree-r-last: the sealed file and 5 trees kept.
    for (const f of [...files.treeRLast.slice(5), files.pAux, files.tAux]) await rm(f);
    const r2 = await rerun(proof, dirs);
    expect([...r2.stages]).toEqual(['tree-r-last', 'aux']);
    expect(r2.totals.get('tree-r-last')).toBe(3 * Number(proof.nodesPerBaseTree));
    await expectOracleFiles(v, dirs.cacheDir, dirs.sealedPath);
  });
});
