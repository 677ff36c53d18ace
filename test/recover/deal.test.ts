import { describe, expect, it } from 'vitest';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { recoverSectors } from '../../src/recover/recover.js';
import { asSectorNumber } from '../../src/proofs/types.js';
import { fromHex } from '../../src/proofs/types.js';
import { loadVector, VECTORS_DIR } from '../helpers/vectors.js';
import { FakeSealer, E2E_2K, vectorTable } from './helpers/fake-sealer.js';
import { createHash } from 'node:crypto';
import { toHex } from '../../src/proofs/types.js';
import { dirs, f01000, options, records } from './helpers/setup.js';

// The oracle's 2KiB deal sector (fixtures/vectors/2KiB-V1_1-deal-f01000-s4.json): a 1016-byte piece
// (1024 B padded) and a zero filler; piece CID, comm_d and UnsealedCID come from rust-fil-proofs.
const V = loadVector('2KiB-V1_1-deal-f01000-s4');
async function dealSector() {
  const d = await dirs();
  const pieceDir = join(d.root, 'pieces');
  await mkdir(pieceDir);
  const piece = V.pieces.find((p) => !p.filler)!;
  const data = await readFile(join(VECTORS_DIR, 'piece-1016-sha256ctr-44.bin'));
  const pieceCid = piece.cid;
  await writeFile(join(pieceDir, pieceCid), data);
  const commD = fromHex(V.comm_d);
  // as the chain lists a deal sector: UnsealedCID and the deal pieces only (no filler)
  const extra = { UnsealedCID: { '/': V.comm_d_cid }, DealIDs: [3], Pieces: [{ Size: Number(piece.padded_size), PieceCID: { '/': pieceCid } }] };
  return { d, pieceDir, data, pieceCid, commD, extra };
}

describe('deal sectors', () => {
  it('stages the pieces fr32-padded at their offsets and seals with the chain comm_d', async () => {
    const { d, pieceDir, data, commD, extra } = await dealSector();
    let staged: Buffer | undefined;
    const sealer = new FakeSealer(await vectorTable(['2KiB-V1_1-deal-f01000-s4']));
    const orig = sealer.seal.bind(sealer);
    sealer.seal = async (job) => {
      staged = await readFile(job.stagedPath!);
      return orig(job);
    };
    const r = await recoverSectors(f01000, records([{ n: 4, ticketHex: V.ticket, sealedCid: V.comm_r_cid, extra }]), [asSectorNumber(4)], options(d, sealer, { pieceDir }));
    expect(Buffer.from(sealer.calls[0]!.commD).equals(Buffer.from(commD))).toBe(true);
    // the staged file is exactly what rust's add_piece wrote (oracle staged.sha256)
    expect(staged!.length).toBe(V.staged.size);
    expect(createHash('sha256').update(staged!).digest('hex')).toBe(V.staged.sha256);
    expect(toHex(sealer.calls[0]!.replicaId)).toBe(V.replica_id);
    expect(r.sectors[0]!.inputs!.data).toBe('pieces');
    expect(r.sectors[0]!.status).toBe('recovered');
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
    // comm_d of another sector (oracle vector 2KiB-V1_1-random-f01000-s1)
    const wrong = { ...extra, UnsealedCID: { '/': 'baga6ea4seaqi2lzayaqfxfp4r3jwihhgdhiqr6qxi2l5fr5lglwnhxgkpcut6ka' } };
    const r1 = await recoverSectors(f01000, records([{ n: 5, sealedCid: E2E_2K.sealedCid, extra: wrong }]), [asSectorNumber(5)], options(d, new FakeSealer({}), { pieceDir }));
    expect(r1.sectors[0]!.status).toBe('failed');
    expect(r1.sectors[0]!.reason).toMatch(/give comm_d 58b626c68c1075e9bc256c71949f699b40d709010bc26cdaa446ea81831bc52b but the chain's UnsealedCID is 8d2f20c0205b/);
  });

  it('asks for --piece-dir when a deal sector has no data source', async () => {
    const { d, extra } = await dealSector();
    const r = await recoverSectors(f01000, records([{ n: 5, sealedCid: E2E_2K.sealedCid, extra }]), [asSectorNumber(5)], options(d, new FakeSealer({})));
    expect(r.sectors[0]!.status).toBe('failed');
    expect(r.sectors[0]!.reason).toMatch(/sector 5 of f01000 holds deal data .*no --piece-dir was given: pass --piece-dir/);
  });
});
