// Unsealing a snap-upgraded sector through the SnapDecoder seam (src/unseal/snap-decoder.ts), on the
// reference's snap vector fixtures/vectors/snap/2KiB-V1_1-cc-f01000-s1-snap-random.json: the update
// file is the reference's, the key we regenerate must hash to the reference's CC key (its last
// layer), and the decoder is handed the reference's comm_d_new and comm_r_old. The decoding itself
// is the snap module's (not in this build): the stand-in decoder writes the reference's staged data,
// so what is tested here is the plan (key replica id, update/ path, commitments), the checks and the
// output. Without a decoder the command refuses snapped sectors with a clear error.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planUnseal } from '../../src/unseal/plan.js';
import { unsealSector } from '../../src/unseal/unseal.js';
import { builtInSnapDecoder, type SnapDecodeRequest, type SnapDecoder } from '../../src/unseal/snap-decoder.js';
import { InputError } from '../../src/errors.js';
import { parseMinerAddress } from '../../src/chain/address.js';
import { sealProof } from '../../src/proofs/registry.js';
import { asSectorNumber, fromHex, toHex, type Commitment, type Ticket } from '../../src/proofs/types.js';
import { fr32Pad } from '../../src/proofs/fr32.js';
import type { SectorRecord } from '../../src/records/record.js';
import { loadFamilyVector, sha256Ctr, type SnapVector } from '../helpers/vectors.js';
import { testSettings } from '../helpers/settings.js';

const NAME = '2KiB-V1_1-cc-f01000-s1-snap-random';
const V = loadFamilyVector<SnapVector>('snap', NAME);
const raw = V as unknown as {
  files: { update: { base64: string } };
  sector_key: { files: Record<string, { sha256: string }>; comm_r_cid: string; comm_r: string; ticket: string; sector_id: number; miner: string; proof: { id: number } };
  data: { seed: string; unpadded_bytes: number; sha256: string }[];
  pieces: { cid: string; padded_size: string; unpadded_size: string }[];
  comm_d_new_cid: string;
  comm_d_new: string;
  comm_r_new: string;
  comm_r_new_cid: string;
};

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'unseal-snap-'));
  const result = join(root, 'storage');
  mkdirSync(join(result, 'update'), { recursive: true });
  const key = raw.sector_key;
  writeFileSync(join(result, 'update', `s-t01000-${key.sector_id}`), Buffer.from(raw.files.update.base64, 'base64'));
  const rec: SectorRecord = {
    sectorNumber: asSectorNumber(key.sector_id),
    ticket: fromHex(key.ticket) as Ticket,
    proof: sealProof(key.proof.id),
    sealedCid: raw.comm_r_new_cid,
    commR: fromHex(raw.comm_r_new) as Commitment,
    unsealedCid: raw.comm_d_new_cid,
    pieces: raw.pieces.map((p) => ({ size: BigInt(p.padded_size), pieceCid: p.cid })),
    sectorKey: { cid: key.comm_r_cid, commR: fromHex(key.comm_r) as Commitment },
  };
  return { root, result, rec, miner: parseMinerAddress(key.miner) };
}

const data = () => sha256Ctr(raw.data[0]!.seed, raw.data[0]!.unpadded_bytes);

/** Stand-in: checks what it is handed against the reference, then writes the reference's data. */
class ReferenceDataDecoder implements SnapDecoder {
  seen?: SnapDecodeRequest;
  keySha?: string;
  async decode(r: SnapDecodeRequest): Promise<void> {
    this.seen = r;
    this.keySha = createHash('sha256').update(readFileSync(r.keyPath)).digest('hex');
    const padded = Buffer.from(fr32Pad(data()));
    const fh = await open(r.outPath, 'a+');
    try {
      await fh.write(padded, Number(r.firstNode * 32n), Number(r.nodes * 32n), Number(r.outByteOffset ?? 0n));
    } finally {
      await fh.close();
    }
  }
}

describe('unseal a snapped sector', () => {
  it('without a SnapDecoder (API callers): a clear InputError, nothing written', async () => {
    const s = setup();
    const plan = await planUnseal(s.rec, s.miner, { sealingResult: s.result });
    const out = join(s.root, 'u');
    const err = await unsealSector({ plan, workDir: join(s.root, 'w'), sealingResult: s.result, output: { kind: 'unsealed-dir', dir: out }, settings: testSettings(join(s.root, 'p')) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/snap-upgraded.*needs a SnapDeals decoder/);
    expect(existsSync(out)).toBe(false);
  });

  it('the key is the CC sector key (reference layer-2 digest), the decoder gets update/ and the reference commitments; the piece is checked and written', async () => {
    const s = setup();
    const piece = raw.pieces[0]!;
    const plan = await planUnseal(s.rec, s.miner, { sealingResult: s.result, piece: piece.cid });
    const dec = new ReferenceDataDecoder();
    const out = join(s.root, 'piece.bin');
    const r = await unsealSector({ plan, workDir: join(s.root, 'w'), sealingResult: s.result, output: { kind: 'raw', path: out }, settings: testSettings(join(s.root, 'p')), snapDecoder: dec });
    expect(dec.keySha).toBe(raw.sector_key.files['sc-02-data-layer-2.dat']!.sha256);
    expect(dec.seen!.replicaPath).toBe(join(s.result, 'update', 's-t01000-1'));
    expect(toHex(dec.seen!.commDNew)).toBe(raw.comm_d_new);
    expect(toHex(dec.seen!.commROld)).toBe(raw.sector_key.comm_r);
    expect(r.bytes).toBe(BigInt(piece.unpadded_size));
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(raw.data[0]!.sha256);
  });

  it("the build's decoder (src/snap/decode) decodes the reference update file to the reference data", async () => {
    const s = setup();
    const piece = raw.pieces[0]!;
    const plan = await planUnseal(s.rec, s.miner, { sealingResult: s.result, piece: piece.cid });
    const out = join(s.root, 'piece.bin');
    await unsealSector({ plan, workDir: join(s.root, 'w'), sealingResult: s.result, output: { kind: 'raw', path: out }, settings: testSettings(join(s.root, 'p')), snapDecoder: builtInSnapDecoder });
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(raw.data[0]!.sha256);
  });
});
