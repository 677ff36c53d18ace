import { describe, expect, it } from 'vitest';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { recoverSectors } from '../../src/recover/recover.js';
import { asSectorNumber } from '../../src/proofs/types.js';
import { commP } from '../../src/proofs/comm-p.js';
import { computeCommD } from '../../src/proofs/comm-d.js';
import { commDToCid } from '../../src/proofs/cid.js';
import { fr32Pad } from '../../src/proofs/fr32.js';
import { sealProof } from '../../src/proofs/registry.js';
import { FakeSealer, E2E_2K } from './helpers/fake-sealer.js';
import { dirs, f01000, options, records } from './helpers/setup.js';

// A 2KiB deal sector: one 1016-byte piece (1024 B padded) then zero padding. The piece CID and
// UnsealedCID are computed with src/proofs (checked there against the reference vectors).
async function dealSector() {
  const d = await dirs();
  const pieceDir = join(d.root, 'pieces');
  await mkdir(pieceDir);
  const data = randomBytes(1016);
  const cp = commP(data);
  const pieceCid = commDToCid(cp.commP).toString();
  await writeFile(join(pieceDir, pieceCid), data);
  const commD = computeCommD(sealProof(5), [{ size: cp.size, commP: cp.commP }]);
  const extra = { UnsealedCID: { '/': commDToCid(commD).toString() }, DealIDs: [3], Pieces: [{ Size: Number(cp.size), PieceCID: { '/': pieceCid } }] };
  return { d, pieceDir, data, pieceCid, commD, extra };
}

describe('deal sectors', () => {
  it('stages the pieces fr32-padded at their offsets and seals with the chain comm_d', async () => {
    const { d, pieceDir, data, commD, extra } = await dealSector();
    let staged: Buffer | undefined;
    const sealer = new FakeSealer({});
    const orig = sealer.seal.bind(sealer);
    sealer.seal = async (job) => {
      staged = await readFile(job.stagedPath!);
      return orig(job);
    };
    const r = await recoverSectors(f01000, records([{ n: 5, sealedCid: E2E_2K.sealedCid, extra }]), [asSectorNumber(5)], options(d, sealer, { pieceDir }));
    expect(Buffer.from(sealer.calls[0]!.commD).equals(Buffer.from(commD))).toBe(true);
    expect(staged!.length).toBe(2048);
    expect(staged!.subarray(0, 1024).equals(Buffer.from(fr32Pad(data)))).toBe(true);
    expect(staged!.subarray(1024).every((b) => b === 0)).toBe(true);
    expect(r.sectors[0]!.inputs!.data).toBe('pieces');
    // The fake's answer for this replica is not the chain's CommR: reported, not published.
    expect(r.sectors[0]!.status).toBe('mismatch');
  });

  it('refuses a piece file whose commP is not the piece CID', async () => {
    const { d, pieceDir, pieceCid, extra } = await dealSector();
    await writeFile(join(pieceDir, pieceCid), randomBytes(1016));
    const sealer = new FakeSealer({});
    const r = await recoverSectors(f01000, records([{ n: 5, sealedCid: E2E_2K.sealedCid, extra }]), [asSectorNumber(5)], options(d, sealer, { pieceDir }));
    expect(r.sectors[0]!.status).toBe('failed');
    expect(r.sectors[0]!.reason).toMatch(new RegExp(`piece file .*${pieceCid} has commP [0-9a-f]{64} .* but the chain names ${pieceCid}`));
    expect(sealer.calls).toHaveLength(0);
  });

  it('refuses pieces that do not add up to the chain UnsealedCID, before sealing', async () => {
    const { d, pieceDir, extra } = await dealSector();
    const wrong = { ...extra, UnsealedCID: { '/': 'baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy' } };
    const r1 = await recoverSectors(f01000, records([{ n: 5, sealedCid: E2E_2K.sealedCid, extra: wrong }]), [asSectorNumber(5)], options(d, new FakeSealer({}), { pieceDir }));
    expect(r1.sectors[0]!.status).toBe('failed');
    expect(r1.sectors[0]!.reason).toMatch(/give comm_d [0-9a-f]{64} but the chain's UnsealedCID is fc7e9282/);
  });

  it('asks for --piece-dir when a deal sector has no data source', async () => {
    const { d, extra } = await dealSector();
    const r = await recoverSectors(f01000, records([{ n: 5, sealedCid: E2E_2K.sealedCid, extra }]), [asSectorNumber(5)], options(d, new FakeSealer({})));
    expect(r.sectors[0]!.status).toBe('failed');
    expect(r.sectors[0]!.reason).toMatch(/sector 5 of f01000 holds deal data .*no --piece-dir was given: pass --piece-dir/);
  });
});
