// Inputs and expected files rebuilt from the oracle vectors (fixtures/vectors), shared by the
// test/seal suites.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { fr32Pad, sealProof, stagedLayout } from '../../../src/proofs/index.js';
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
