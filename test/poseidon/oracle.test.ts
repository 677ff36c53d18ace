// PC2 against the reference oracle (fixtures/vectors/*.json: rust-fil-proofs' own
// seal_pre_commit_phase1/2 run by tools/oracle). 2KiB vectors embed the layer files, so PC2 runs
// on the reference's own labels; 8MiB vectors (SLOW=1) regenerate layers with our PC1 and check
// them against the oracle's layer digests first (one by default, all with SLOW=1).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeParentsCache } from '../../src/native/graph.js';
import { poseidonHash } from '../../src/native/poseidon.js';
import { fr32Pad } from '../../src/proofs/fr32.js';
import { sealProof } from '../../src/proofs/registry.js';
import type { ReplicaId } from '../../src/proofs/types.js';
import { decodeTAux, encodePAux, encodeTAux, temporaryAuxFor } from '../../src/sector/aux-files.js';
import { graphParams } from '../../src/seal/graph-seeds.js';
import { runPc1 } from '../../src/seal/pc1.js';
import { runPc2 } from '../../src/seal/pc2.js';
import { allVectors, fileBytes, loadPoseidonVectors, vectorPieceData, type OracleVector } from '../helpers/vectors.js';
import { frKernels } from '../../src/native/poseidon.js';
import { hex, removeTempDirs, sha256Hex, tempDir, unhex } from './helpers.js';

afterAll(removeTempDirs);

describe('oracle Poseidon vectors (neptune 11 via filecoin-hashers constants)', () => {
  const pv = loadPoseidonVectors();
  for (const arity of ['2', '8', '11'] as const) {
    it(`arity ${arity}: every case, plain and optimized, every kernel`, () => {
      expect(pv.arity[arity].length).toBeGreaterThan(0);
      for (const c of pv.arity[arity])
        for (const form of ['plain', 'optimized'] as const)
          for (const kernel of frKernels())
            expect(hex(poseidonHash(Number(arity), c.inputs.map(unhex), { form, kernel })), c.what).toBe(c.output);
    });
  }
});

/** The staged (fr32-padded) sector: pieces in order, fillers as zeros (lotus AddPiece layout). */
function stagedSector(v: OracleVector, sectorBytes: number): Uint8Array {
  const out = new Uint8Array(sectorBytes);
  if (v.data === 'cc') return out;
  const raw = vectorPieceData(v)!;
  let off = 0;
  let rawOff = 0;
  for (const p of v.pieces) {
    const padded = Number(p.padded_size);
    if (!p.filler) {
      const unpadded = Number(p.unpadded_size);
      out.set(fr32Pad(raw.subarray(rawOff, rawOff + unpadded)), off);
      rawOff += unpadded;
    }
    off += padded;
  }
  return out;
}

async function checkPc2(v: OracleVector, dir: string): Promise<void> {
  const proof = sealProof(v.proof.id);
  const staged = stagedSector(v, Number(proof.sectorBytes));
  expect(sha256Hex(staged.subarray(0, v.staged.size)), 'staged file rebuilt from the pieces').toBe(v.staged.sha256);
  let stagedPath: string | null = null;
  if (v.data !== 'cc') {
    stagedPath = join(dir, 'staged');
    await writeFile(stagedPath, staged);
  }
  const sealedPath = join(dir, 'sealed');
  const r = await runPc2({ proof, cacheDir: dir, stagedPath, sealedPath });
  expect(hex(r.commC)).toBe(v.comm_c);
  expect(hex(r.commRLast)).toBe(v.comm_r_last);
  expect(hex(r.commR)).toBe(v.comm_r);
  const digest = async (name: string, path = join(dir, name)) => sha256Hex(await readFile(path));
  for (const name of Object.keys(v.files).filter((n) => /tree-(c|r-last)/.test(n)))
    expect(await digest(name), name).toBe(v.files[name]!.sha256);
  expect(await digest('sealed', sealedPath)).toBe(v.files.sealed!.sha256);
  expect(await digest('p_aux')).toBe(v.files.p_aux!.sha256);
  expect(hex(encodePAux({ commC: r.commC, commRLast: r.commRLast }))).toBe(hex(fileBytes(v, 'p_aux')!));

  // t_aux: identical bytes once the reference's cache path is substituted for ours
  const tAuxFile = v.files.t_aux!;
  const ours = encodeTAux(temporaryAuxFor(proof, tAuxFile.cache_path!, 2));
  expect(sha256Hex(ours)).toBe(tAuxFile.sha256);
  expect(hex(ours)).toBe(hex(fileBytes(v, 't_aux')!));
  const written = decodeTAux(await readFile(join(dir, 't_aux')));
  expect(hex(encodeTAux(decodeTAux(encodeTAux(written), tAuxFile.cache_path)))).toBe(hex(ours));
  // reader against the reference's own decoding
  const parsed = decodeTAux(fileBytes(v, 't_aux')!);
  const d = tAuxFile.decoded!;
  const plain = (c: { path: string; id: string; size: bigint | null; rowsToDiscard: bigint }) => ({
    path: c.path,
    id: c.id,
    size: c.size === null ? null : Number(c.size),
    rows_to_discard: Number(c.rowsToDiscard),
  });
  expect(parsed.labels.map(plain)).toEqual(d.labels);
  expect([plain(parsed.treeD), plain(parsed.treeRLast), plain(parsed.treeC)]).toEqual([d.tree_d, d.tree_r_last, d.tree_c]);
}

const vectors = allVectors();
describe('oracle PC2: 2KiB vectors on the reference layer files', () => {
  it('has 2KiB vectors', () => expect(vectors.filter((x) => x.vector.proof.sector_size === '2048').length).toBeGreaterThan(0));
  for (const { name, vector: v } of vectors.filter((x) => x.vector.proof.sector_size === '2048')) {
    it(`${name}: comm_c, comm_r_last, comm_r, tree files, sealed, p_aux, t_aux`, async () => {
      const dir = await tempDir();
      for (let l = 1; l <= v.layers; l++) {
        const bytes = fileBytes(v, `sc-02-data-layer-${l}.dat`)!;
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(v.layer_sha256[l - 1]);
        await writeFile(join(dir, `sc-02-data-layer-${l}.dat`), bytes);
      }
      await checkPc2(v, dir);
    });
  }
});

// The tests above run the auto kernels (IFMA batches where present). The scalar twins must give the
// same sector: rerun PC2 in child processes with AVX-512 and then ADX disabled.
describe('oracle PC2 with the scalar kernels (child processes with SDR_DISABLE_*)', () => {
  const name = '2KiB-V1_1-random-f01000-s1';
  for (const env of [{ SDR_DISABLE_AVX512: '1' }, { SDR_DISABLE_AVX512: '1', SDR_DISABLE_ADX: '1' }]) {
    it(`${name} with ${Object.keys(env).join(' + ')}`, async () => {
      const v = vectors.find((x) => x.name === name)!.vector;
      const dir = await tempDir();
      for (let l = 1; l <= v.layers; l++) await writeFile(join(dir, `sc-02-data-layer-${l}.dat`), fileBytes(v, `sc-02-data-layer-${l}.dat`)!);
      await writeFile(join(dir, 'staged'), stagedSector(v, 2048));
      const script = `
        import { runPc2 } from './src/seal/pc2.ts';
        import { sealProof } from './src/proofs/registry.ts';
        import { poseidonKernels } from './src/native/poseidon.ts';
        const dir = ${JSON.stringify(dir)};
        const r = await runPc2({ proof: sealProof(${v.proof.id}), cacheDir: dir, stagedPath: dir + '/staged', sealedPath: dir + '/sealed' });
        const hex = (b) => Buffer.from(b).toString('hex');
        console.log(JSON.stringify({ kernels: poseidonKernels(), commC: hex(r.commC), commRLast: hex(r.commRLast), commR: hex(r.commR) }));`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: join(import.meta.dirname, '..', '..'),
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
      expect(out.kernels).not.toContain('ifma');
      if (env.SDR_DISABLE_ADX) expect(out.kernels).toEqual(['portable']);
      expect([out.commC, out.commRLast, out.commR]).toEqual([v.comm_c, v.comm_r_last, v.comm_r]);
    });
  }
});

// Default suite: the 8MiB data sector (encoding with real data at scale); SLOW=1: every 8MiB vector.
const DEFAULT_8MIB = '8MiB-V1_1-random-f01000-s1';
describe('oracle PC2: 8MiB vectors (layers from our PC1)', () => {
  const eight = vectors.filter((x) => x.vector.proof.sector_size === String(8 << 20));
  for (const { name, vector: v } of process.env.SLOW ? eight : eight.filter((x) => x.name === DEFAULT_8MIB)) {
    it(`${name}`, async () => {
      const proof = sealProof(v.proof.id);
      const dir = await tempDir();
      const parents = join(dir, 'parents.cache');
      await writeParentsCache(graphParams(proof), parents);
      await runPc1({ proof, replicaId: unhex(v.replica_id) as ReplicaId, cacheDir: dir, parentsCachePath: parents });
      for (let l = 1; l <= v.layers; l++)
        expect(sha256Hex(await readFile(join(dir, `sc-02-data-layer-${l}.dat`)))).toBe(v.layer_sha256[l - 1]);
      await checkPc2(v, dir);
    }, 600_000);
  }
});
