// rust's PC1 copies the staged file and set_len()s it to the sector size (docs/proofs.md#staged-sector-file): a longer
// file (a lotus unsealed "partial file" with its trailer) is cut, a shorter one zero-extended.
// Every stage must read the file the same way: the results equal the oracle's files for the
// deal vector, whatever follows or is missing after the data.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealProof } from '../../src/proofs/index.js';
import { buildTreeD } from '../../src/seal/tree-d.js';
import { loadVector } from '../helpers/vectors.js';
import { sealLikeReference, stagedSector } from './helpers/oracle-files.js';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-staged-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const V = loadVector('2KiB-V1_1-deal-f01000-s4');
const proof = sealProof(V.proof.id);
const sector = stagedSector(V)!;
// the data piece fills the first part; the filler piece after it is zeros
let lastNonZero = sector.length - 1;
while (lastNonZero >= 0 && sector[lastNonZero] === 0) lastNonZero--;
const dataEnd = Math.ceil((lastNonZero + 1) / 32) * 32;
// 0xff bytes are no field element: were any of them read as data, encoding would refuse them.
const variants: Record<string, Buffer> = {
  'a 26-byte lotus trailer': Buffer.concat([sector, Buffer.from('lotus-partial-file-trailer')]),
  'a whole extra sector of 0xff': Buffer.concat([sector, Buffer.alloc(sector.length, 0xff)]),
  'only the data piece, shorter than the sector': sector.subarray(0, dataEnd),
};

describe('staged files longer or shorter than the sector', () => {
  it('the staged sector is the one the oracle sealed, with zeros after the data piece', () => {
    expect(V.staged.size).toBe(sector.length);
    expect(dataEnd).toBeGreaterThan(0);
    expect(dataEnd).toBeLessThan(sector.length);
  });

  for (const [what, bytes] of Object.entries(variants)) {
    it(`${what}: comm_d, the replica and every cache file equal the oracle`, async () => {
      await sealLikeReference(V, proof, await mkdtemp(path.join(tmp, 'v-')), path.join(tmp, 'parents'), bytes);
    });
  }

  it('an empty staged file is refused', async () => {
    const p = path.join(tmp, 'empty');
    await writeFile(p, Buffer.alloc(0));
    await expect(buildTreeD({ proof, stagedPath: p, cacheDir: path.join(tmp, 'empty-cache') })).rejects.toThrow(/is empty: pass null for a CC sector/);
  });
});
