import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import { PassThrough } from 'node:stream';
import { runRecover } from '../../src/cli/commands/recover.js';
import { FakeSealer } from '../recover/helpers/fake-sealer.js';
import { dirs } from '../recover/helpers/setup.js';
import { metastoreInputs } from '../../src/records/metastore-source.js';
import { parseMinerAddress } from '../../src/chain/address.js';
import { toHex, asCommitment, fromHex } from '../../src/proofs/types.js';
import { commDToCid } from '../../src/proofs/cid.js';
import { goStore, tempDir } from '../metastore/helpers.js';

// A lotus-style store written by real goleveldb (tools/leveldb-gen); its truth file is the expectation.
describe('--metadata-store inputs', () => {
  it('turns /sectors/<n> records into recovery inputs, miner from /miner-address', async () => {
    const dir = join(tempDir('recover-inputs'), 'metadata');
    const truth = goStore(dir, { sectors: 40 });
    const m = await metastoreInputs(dir);
    expect(m.miner.id).toBe(1000n);
    const bad = new Set(truth.badSectorKeys.map((k) => Buffer.from(k, 'base64').toString('latin1')));
    let checked = 0;
    for (const t of Object.values(truth.sectors)) {
      if (bad.has(`/sectors/${t.number}`)) continue;
      const rec = m.records.find((r) => r.sectorNumber === BigInt(t.number));
      if (t.commR === null) {
        expect(rec).toBeUndefined();
        expect(m.unusable.get(BigInt(t.number))).toMatch(/no CommR in the record .*never pre-committed/);
        continue;
      }
      expect(rec, `sector ${t.number}`).toBeDefined();
      expect(toHex(rec!.ticket)).toBe(t.ticketValue);
      expect(toHex(rec!.commR)).toBe(t.commR);
      expect(rec!.proof.id).toBe(t.sectorType);
      expect(rec!.sealRandEpoch).toBe(t.ticketEpoch);
      // the truth file holds binary CIDs (hex)
      expect(rec!.pieces?.map((p) => p.pieceCid)).toEqual(t.pieces.map((p) => CID.decode(Buffer.from(p.pieceCid, 'hex')).toString()));
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('refuses a --miner that is not the store’s', async () => {
    const dir = join(tempDir('recover-inputs'), 'metadata');
    goStore(dir, { sectors: 5 });
    await expect(metastoreInputs(dir, parseMinerAddress('f01001'))).rejects.toThrow(/--miner f01001 does not match the store's \/miner-address f01000/);
  });

  it('recover --metadata-store feeds the pipeline from the store (CLI wiring)', async () => {
    const dir = join(tempDir('recover-inputs'), 'metadata');
    const truth = goStore(dir, { sectors: 40 });
    // leveldb-gen's comm_d and piece CIDs are random bytes, so every record looks like a deal
    // sector whose pieces are missing: the refusal must name that record's own UnsealedCID.
    const t = Object.values(truth.sectors).find((x) => x.sectorType === 5 && x.commR !== null && x.commD !== null)!;
    const d = await dirs();
    let out = '';
    const stdout = new PassThrough().on('data', (c) => (out += c));
    const code = await runRecover(
      { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, metadataStore: dir, numbers: [String(t.number)], json: true },
      { sealer: new FakeSealer({}), stdout, stderr: new PassThrough(), tty: false, cwd: process.cwd(), env: {} },
    );
    const s = JSON.parse(out).sectors[0];
    expect(s.status).toBe('failed');
    expect(s.proof).toBe('StackedDrg2KiBV1_1');
    expect(s.reason).toContain(`sector ${t.number} of f01000 holds deal data (UnsealedCID ${commDToCid(asCommitment(fromHex(t.commD!))).toString()})`);
    expect(code).toBe('incomplete');
  });
});
