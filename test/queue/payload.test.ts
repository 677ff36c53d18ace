// The job payload through JSON (as Redis stores it): every field of a deal sector's record comes
// back, bigint and bytes included; a payload that was altered or written by another version is
// refused with the job named.
import { describe, expect, it } from 'vitest';
import { parseRecoveryFile } from '../../src/records/export-file.js';
import { decodePayload, encodePayload } from '../../src/queue/payload.js';
import { parseMinerAddress } from '../../src/chain/address.js';
import { InputError } from '../../src/errors.js';
import { toHex } from '../../src/proofs/types.js';

// sector 4 of fixtures/devnet/network.json: a deal sector with one piece
const file = parseRecoveryFile(
  JSON.stringify({
    Miner: 'f01000',
    SectorSize: 2048,
    SectorInfos: [
      {
        SectorNumber: 4,
        Ticket: Buffer.alloc(32, 4).toString('base64'),
        SealProof: 5,
        SealedCID: { '/': 'bagboea4b5abcajldhj2jchtgjtyvpsvzs3rdr3q3njdfuo6tzh3xq3vqlh5aqc25' },
        SealRandEpoch: 120,
        UnsealedCID: { '/': 'baga6ea4seaqfrnrgy2gba5pjxqswy4mut5uzwqgxbeaqxqtm3ksen2ubqmn4kky' },
        DealIDs: [1],
        Pieces: [{ Size: 1024, PieceCID: { '/': 'baga6ea4seaqobcuclisuxa4e6xiaopm6evrgxxbwah7q4oou4whhweucv3mx4nq' } }],
      },
    ],
  }),
  'test',
);
const miner = parseMinerAddress('f01000');
const rec = file.sectors[0]!;
const viaRedis = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('job payload', () => {
  it('round-trips a deal sector record through JSON', () => {
    const p = encodePayload(miner, rec, { source: 'file x', pieceDir: '/shared/pieces', now: new Date(0) });
    const back = decodePayload(viaRedis(p), 's-t01000-4');
    expect(back.miner.id).toBe(1000n);
    expect(back.pieceDir).toBe('/shared/pieces');
    const r = back.record;
    expect(r.sectorNumber).toBe(4n);
    expect(toHex(r.ticket)).toBe('04'.repeat(32));
    expect(r.proof.id).toBe(5);
    expect(toHex(r.commR)).toBe(toHex(rec.commR));
    expect([r.sealedCid, r.unsealedCid, r.sealRandEpoch, r.dealIds]).toEqual([rec.sealedCid, rec.unsealedCid, 120, [1n]]);
    expect(r.pieces).toEqual([{ size: 1024n, pieceCid: 'baga6ea4seaqobcuclisuxa4e6xiaopm6evrgxxbwah7q4oou4whhweucv3mx4nq' }]);
    // and the re-encoded payload is the same document
    expect(encodePayload(back.miner, r, { source: 'file x', pieceDir: '/shared/pieces', now: new Date(0) })).toEqual(p);
  });

  it('refuses an altered payload, naming the job', () => {
    const p = viaRedis(encodePayload(miner, rec, { source: 's' }));
    const cases: [string, (d: any) => void, RegExp][] = [
      ['commR not the SealedCID\'s', (d) => (d.record.commR = '00'.repeat(32)), /commR .* is not the commitment of sealedCid/],
      ['short ticket', (d) => (d.record.ticket = 'abcd'), /field ticket/],
      ['unknown proof', (d) => (d.record.proof = 999), /field proof/],
      ['other version', (d) => (d.v = 2), /version 2/],
      ['sector number not a number', (d) => (d.record.sectorNumber = 'x'), /field sectorNumber/],
      ['piece CID not a piece CID', (d) => (d.record.pieces[0].pieceCid = d.record.sealedCid), /field pieces/],
    ];
    for (const [what, change, msg] of cases) {
      const d = structuredClone(p);
      change(d);
      expect(() => decodePayload(d, 's-t01000-4'), what).toThrow(InputError);
      expect(() => decodePayload(d, 's-t01000-4'), what).toThrow(msg);
      expect(() => decodePayload(d, 's-t01000-4'), what).toThrow(/job s-t01000-4/);
    }
  });
});
