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
import { goRun, goStore, tempDir } from '../metastore/helpers.js';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metadataStoreSource } from '../../src/records/metastore-source.js';
import { readLog } from '../../src/metastore/log-reader.js';
import { decodeWriteBatch } from '../../src/metastore/write-batch.js';
import { scanStore } from '../../src/metastore/store-files.js';
import { scanTable } from '../../src/metastore/table-reader.js';
import { asSectorNumber } from '../../src/proofs/types.js';
import { cidToCommR } from '../../src/proofs/cid.js';
import { StrictRefusalError } from '../../src/metastore/latest-view.js';
import { errorKind } from '../../src/errors.js';

// records encoded by lotus's cbor-gen marshallers; expected values written by the Go program
const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'metastore', 'fixtures', 'sectorinfo');
type Want = { number: string; commRCid: string; commDCid: string | null; updateSealedCid: string | null; updateUnsealedCid: string | null; pieces: Array<{ pieceCid: string; size: string; dealId: string | null }>; ccPieces: Array<{ pieceCid: string }> };
const want = (n: number): Want => (JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as { sectors: Want[] }).sectors.find((s) => s.number === String(n))!;

describe('--metadata-store: State, snap fields and damage (cbor-gen fixture)', () => {
  const store = join(fixture, 'store');

  it('a snap-upgraded sector: CommR from UpdateSealed, sector key from CommR, new pieces, and says so', async () => {
    const m = await metastoreInputs(store);
    const rec = m.records.find((r) => r.sectorNumber === 3n)!;
    const w = want(3);
    expect(rec.sealedCid).toBe(w.updateSealedCid);
    expect(toHex(rec.commR)).toBe(toHex(cidToCommR(w.updateSealedCid!)));
    expect(rec.sectorKey?.cid).toBe(w.commRCid);
    expect(toHex(rec.sectorKey!.commR)).toBe(toHex(cidToCommR(w.commRCid)));
    expect(rec.unsealedCid).toBe(w.updateUnsealedCid);
    expect(rec.pieces).toEqual(w.pieces.map((p) => ({ size: BigInt(p.size), pieceCid: p.pieceCid })));
    expect(rec.pieces!.map((p) => p.pieceCid)).not.toContain(w.ccPieces[0]!.pieceCid);
    expect(rec.preCommitOnly).toBeUndefined();
    expect(m.provenance.get(3n)!.join('\n')).toMatch(/CommR .* from UpdateSealed; sector key .* from CommR/);
    // verify's CommR source names where it came from
    const src = await metadataStoreSource(store);
    const ans = await src.expectedCommR(m.miner.id, asSectorNumber(3n));
    expect(ans.kind).toBe('found');
    if (ans.kind === 'found') {
      // like the chain source: update/ against UpdateSealed, sealed/ (the original replica) against the sector key
      expect(ans.value.cid).toBe(w.updateSealedCid);
      expect(ans.value.sectorKey?.cid).toBe(w.commRCid);
      expect(ans.value.source).toContain('/sectors/3');
      expect(ans.value.note).toMatch(/snap-upgraded: update\/ is compared with UpdateSealed .*sealed\/ with the sector key .*UpdateSealed/);
    }
  });

  it('preCommitOnly follows the sector State', async () => {
    const m = await metastoreInputs(store);
    const by = (n: bigint) => m.records.find((r) => r.sectorNumber === n);
    expect(by(4n)?.preCommitOnly).toBe(true); // WaitSeed
    expect(by(1n)?.preCommitOnly).toBeUndefined(); // Proving
    expect(by(2n)?.preCommitOnly).toBeUndefined();
    expect(by(2n)?.dealIds).toEqual([77n]);
    expect(by(1n)?.sealedCid).toBe(want(1).commRCid);
    expect(by(1n)?.unsealedCid).toBe(want(1).commDCid);
    expect(m.provenance.get(4n)!.join('\n')).toMatch(/pre-commit only: state WaitSeed/);
    expect(m.unusable.get(5n)).toMatch(/no CommR in the record \(state PreCommit1\)/);
    expect(m.unusable.get(6n)).toMatch(/state Removed/);
    expect(by(7n)?.sealedCid).toBe(want(7).commRCid); // legacy record shape
    expect(by(7n)?.dealIds).toEqual([12n]);
    expect(by(8n)?.dealIds).toEqual([3n]); // early record: a deal id without PublishCid
    expect(by(8n)?.pieces).toEqual(want(8).pieces.map((p) => ({ size: BigInt(p.size), pieceCid: p.pieceCid })));
  });

  it('a sector whose record was in a damaged journal region is reported as lost there, not "never held"', async () => {
    const d = join(tempDir('lost-journal'), 'store');
    cpSync(store, d, { recursive: true });
    const log = join(d, '000001.log');
    const buf = readFileSync(log);
    const rec = readLog(buf, log, 'strict').records.find((r) => decodeWriteBatch(r.data).entries.some((e) => Buffer.from(e.key).toString() === '/sectors/4'))!;
    buf.fill(0, rec.offset, rec.offset + 7 + rec.data.length);
    writeFileSync(log, buf);
    const src = await metadataStoreSource(d);
    const r = await src.recoveryRecords(src.miner!, [asSectorNumber(4n), asSectorNumber(99n)]);
    expect(r.failed.get(4n)).toMatch(/possibly lost in the damaged store region 000001\.log/);
    expect(r.failed.get(4n)).not.toMatch(/never held/);
    expect(r.failed.get(99n)).toMatch(/possibly lost in the damaged store region/);
  });
});

describe('--metadata-store: a sector in a damaged table block', () => {
  it('is reported as lost in the damaged store region, with the region', async () => {
    const dir = join(tempDir('lost-table'), 'metadata');
    const truth = goStore(dir, { sectors: 60 });
    const v = (await scanStore(dir)).version!;
    // the deepest table's first data block: overwrite its middle so neither checksum nor correction saves it
    const t = [...v.files.values()].sort((a, b) => b.level - a.level || b.size - a.size)[0]!;
    const file = join(dir, `${String(t.number).padStart(6, '0')}.ldb`);
    const before = scanTable(readFileSync(file), file, { correct: false });
    const block = before.blocks.find((b) => b.role === 'data')!;
    const b = readFileSync(file);
    for (let i = block.offset + 8; i < block.offset + block.size - 8; i += 3) b[i] = b[i]! ^ 0x5a;
    writeFileSync(file, b);
    const keysInBlock = before.entries.filter((e) => e.seq >= 0n).map((e) => Buffer.from(e.userKey).toString('latin1'));
    const m = await metastoreInputs(dir, parseMinerAddress('f01000'));
    const lostSector = [...keysInBlock].map((k) => /^\/sectors\/(\d+)$/.exec(k)?.[1]).filter((x): x is string => !!x).map(BigInt).find((n) => !m.records.some((r) => r.sectorNumber === n) && !m.unusable.has(n) && truth.final.has(Buffer.from(`/sectors/${n}`).toString('base64')));
    expect(lostSector, 'a sector whose only version was in the damaged block').toBeDefined();
    expect(m.lostIn(lostSector!)).toMatch(/lost in the damaged store region/);
    expect(m.lostIn(lostSector!)).toContain(`${String(t.number).padStart(6, '0')}.ldb`);
  });

  it('asked for strict, refuses the damaged store naming the table and block offset (as goleveldb with lotus options does)', async () => {
    const dir = join(tempDir('strict-source'), 'metadata');
    goStore(dir, { sectors: 60 });
    const v = (await scanStore(dir)).version!;
    const t = [...v.files.values()].sort((a, b) => b.level - a.level || b.size - a.size)[0]!;
    const name = `${String(t.number).padStart(6, '0')}.ldb`;
    const file = join(dir, name);
    const block = scanTable(readFileSync(file), file, { correct: false }).blocks.find((b) => b.role === 'data')!;
    const b = readFileSync(file);
    b[block.offset + 10] = b[block.offset + 10]! ^ 0x80;
    writeFileSync(file, b);
    await expect(metastoreInputs(dir, parseMinerAddress('f01000'), 'strict')).rejects.toThrow(new RegExp(`strict mode refuses this store.*${name} @ ${block.offset}: data block: checksum mismatch`));
    expect(goRun('dump', dir, 'all').ok).toBe(false);
    // lenient still reads it
    await expect(metastoreInputs(dir, parseMinerAddress('f01000'))).resolves.toBeDefined();

    // the same choice from the command line: recover --metadata-store … --metadata-store-mode strict
    const d = await dirs();
    const recover = (mode?: 'strict' | 'lenient') =>
      runRecover(
        { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, metadataStore: dir, ...(mode ? { metadataStoreMode: mode } : {}), numbers: ['1'], json: true },
        { sealer: new FakeSealer({}), stdout: new PassThrough(), stderr: new PassThrough(), tty: false, cwd: process.cwd(), env: {} },
      );
    const refused = (await recover('strict').then(() => new Error('expected a refusal'), (e: unknown) => e)) as Error;
    expect(refused).toBeInstanceOf(StrictRefusalError);
    expect(errorKind(refused)).toBe('corruption');
    expect(refused.message).toContain(`${name} @ ${block.offset}`);
    expect(existsSync(d.result) ? readdirSync(d.result) : []).toEqual([]); // nothing started
    await expect(recover()).resolves.toBeDefined();
    await expect(
      runRecover(
        { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, devnet: '', metadataStoreMode: 'strict', numbers: ['1'], json: true },
        { sealer: new FakeSealer({}), stdout: new PassThrough(), stderr: new PassThrough(), tty: false, cwd: process.cwd(), env: {} },
      ),
    ).rejects.toThrow(/--metadata-store-mode applies to --metadata-store/);
  });
});


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
      if (t.state === 'Removed') {
        expect(rec).toBeUndefined();
        expect(m.unusable.get(BigInt(t.number))).toMatch(/lotus-miner removed this sector \(state Removed\)/);
        continue;
      }
      // the State decides pre-commit-only (lotus: WaitSeed … CommitWait precede the ProveCommit)
      expect(rec?.preCommitOnly ?? false, `sector ${t.number} in ${t.state}`).toBe(['WaitSeed', 'PreCommit2', 'CommitWait'].includes(t.state));
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
