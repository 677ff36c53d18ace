// Inputs and expected files rebuilt from the oracle vectors (fixtures/vectors), shared by the
// test/seal suites.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { asCommitment, asReplicaId, fr32Pad, fromHex, sealProof, stagedLayout, toHex, type SealProof } from '../../../src/proofs/index.js';
import { sealSector } from '../../../src/seal/seal.js';
import type { TreeBuilder } from '../../../src/seal/tree-builder.js';
import { testSettings } from '../../helpers/settings.js';
import { vectorPieceData, type OracleVector } from '../../helpers/vectors.js';

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * The staged (unsealed, fr32-padded) sector the reference sealed: data pieces at their aligned
 * offsets, zeros elsewhere. `sectorBytes` defaults to the vector's registered proof's.
 */
export function stagedSector(
  v: Pick<OracleVector, 'data' | 'pieces'> & { readonly proof?: OracleVector['proof'] },
  sectorBytes = sealProof(v.proof!.id).sectorBytes,
): Buffer | null {
  const data = vectorPieceData(v);
  if (!data) return null;
  const staged = Buffer.alloc(Number(sectorBytes));
  const layout = stagedLayout(sectorBytes, v.pieces.map((p) => BigInt(p.padded_size)));
  const dataPieces = layout.pieces.filter((_, i) => !v.pieces[i]!.filler);
  expect(dataPieces).toHaveLength(1);
  staged.set(fr32Pad(data), Number(dataPieces[0]!.paddedOffset));
  return staged;
}

/** Swap the cache-dir string inside a bincode t_aux (u64le length prefix + bytes). */
export function withCachePath(tAux: Buffer, from: string, to: string): Buffer {
  const enc = (s: string): Buffer => {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(Buffer.byteLength(s)));
    return Buffer.concat([len, Buffer.from(s)]);
  };
  return Buffer.from(tAux.toString('latin1').split(enc(from).toString('latin1')).join(enc(to).toString('latin1')), 'latin1');
}

/** Every file of the vector equals ours byte for byte (t_aux with our cache dir in place of the oracle's). */
export async function expectOracleFiles(v: Pick<OracleVector, 'files'>, cacheDir: string, sealedPath: string): Promise<void> {
  for (const [file, f] of Object.entries(v.files)) {
    if (file === 'sealed') {
      expect(sha256(await readFile(sealedPath)), 'sealed file').toBe(f.sha256);
      continue;
    }
    const bytes = await readFile(path.join(cacheDir, file));
    if (file === 't_aux') {
      const expected = withCachePath(Buffer.from(f.base64!, 'base64'), f.cache_path!, cacheDir);
      expect(bytes.toString('hex'), 't_aux').toBe(expected.toString('hex'));
    } else {
      expect(bytes.length, `${file} size`).toBe(f.size);
      expect(sha256(bytes), file).toBe(f.sha256);
    }
  }
}

/** What sealing a vector again needs from it: inputs, commitments and files (oracle and shape vectors). */
export type SealableVector = Pick<
  OracleVector,
  'data' | 'pieces' | 'staged' | 'replica_id' | 'comm_d' | 'comm_c' | 'comm_r_last' | 'comm_r' | 'files'
>;

/**
 * Seals `v` with sealSector under `dir` and checks the commitments and every file against the
 * reference. The staged file written there first is the vector's own staged sector, or `staged`
 * (another file that must seal the same). Returns where the sector is.
 */
export async function sealLikeReference(
  v: SealableVector,
  proof: SealProof,
  dir: string,
  parentsDir: string,
  staged?: Buffer,
  treeBuilder?: TreeBuilder,
): Promise<{ cacheDir: string; sealedPath: string; treeDevice: string | undefined; treeDevices: { readonly treeC: string; readonly treeRLast: string } | undefined }> {
  if (staged === undefined) {
    const own = stagedSector(v, proof.sectorBytes);
    if (own) expect(sha256(own.subarray(0, v.staged.size)), 'staged file').toBe(v.staged.sha256);
    if (own) staged = own;
  }
  let stagedPath: string | null = null;
  if (staged) {
    stagedPath = path.join(dir, 'staged');
    await writeFile(stagedPath, staged);
  }
  const cacheDir = path.join(dir, 'cache');
  const sealedPath = path.join(dir, 'sealed');
  const out = await sealSector({
    proof,
    replicaId: asReplicaId(fromHex(v.replica_id)),
    commD: asCommitment(fromHex(v.comm_d)),
    stagedPath,
    cacheDir,
    sealedPath,
    settings: testSettings(parentsDir),
    ...(treeBuilder ? { treeBuilder } : {}),
  });
  expect(toHex(out.commC), 'comm_c').toBe(v.comm_c);
  expect(toHex(out.commRLast), 'comm_r_last').toBe(v.comm_r_last);
  expect(toHex(out.commR), 'comm_r').toBe(v.comm_r);
  await expectOracleFiles(v, cacheDir, sealedPath);
  return { cacheDir, sealedPath, treeDevice: out.treeDevice, treeDevices: out.treeDevices };
}
