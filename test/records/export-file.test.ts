import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatRecoveryFile, parseRecoveryFile, readRecoveryFile, writeRecoveryFile, exportFileName } from '../../src/records/export-file.js';
import { toHex } from '../../src/proofs/types.js';

// Written by hand from docs/export-file.md#format the way the Go tool emits it: json.MarshalIndent(v, "", "\t"),
// Ticket = base64 std of 32 bytes, SealedCID as CID JSON, no trailing newline. The SealedCID is the
// spec's verified example (§3.5); the 64 GiB size/proof 9 pair follows go-state-types.
const GO_SAMPLE = `{
\t"Miner": "f01222595",
\t"SectorSize": 68719476736,
\t"SectorInfos": [
\t\t{
\t\t\t"SectorNumber": 5785,
\t\t\t"Ticket": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
\t\t\t"SealProof": 9,
\t\t\t"SealedCID": {
\t\t\t\t"/": "bagboea4b5abcasqanjadumno7blvgx4k5pk765cki6vurnpgs2q3trt2trkznhj3"
\t\t\t}
\t\t}
\t]
}`;

describe('sectors-recovery-<miner>.json', () => {
  it('reads the Go tool’s file', () => {
    const f = parseRecoveryFile(GO_SAMPLE, 'go.json');
    expect(f.miner.id).toBe(1222595n);
    expect(f.sectorSize).toBe(64n << 30n);
    const s = f.sectors[0]!;
    expect(s.sectorNumber).toBe(5785n);
    expect(toHex(s.ticket)).toBe('01'.repeat(32));
    expect(s.proof.name).toBe('StackedDrg64GiBV1_1');
    // §3.5: the CID decodes to prefix 0182e20381e80220 + these 32 bytes
    expect(toHex(s.commR)).toBe('4a006a403a31aef857535f8aebd5ff744a47ab48b5e696a1b9c67a9c55969d3b');
    expect(s.unsealedCid).toBeUndefined();
  });

  it('writes byte-identical Go output for CC sectors (round trip)', () => {
    expect(formatRecoveryFile(parseRecoveryFile(GO_SAMPLE, 'go.json'))).toBe(GO_SAMPLE);
  });

  it('keeps our optional fields through a round trip, still readable as the Go shape', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'exp-'));
    const withDeal = JSON.parse(GO_SAMPLE);
    Object.assign(withDeal.SectorInfos[0], {
      SealRandEpoch: 100,
      UnsealedCID: { '/': 'baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy' },
      DealIDs: [7],
      Pieces: [{ Size: 2048, PieceCID: { '/': 'baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy' } }],
    });
    const f = parseRecoveryFile(JSON.stringify(withDeal), 'x');
    const path = join(dir, exportFileName(f.miner));
    expect(path.endsWith('sectors-recovery-f01222595.json')).toBe(true);
    await writeRecoveryFile(path, f);
    const back = await readRecoveryFile(path);
    expect(back).toEqual(f);
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(Object.keys(json.SectorInfos[0]).slice(0, 4)).toEqual(['SectorNumber', 'Ticket', 'SealProof', 'SealedCID']);
  });

  it('names the file, entry, sector and field on bad input', async () => {
    const bad = (mut: (j: any) => void) => {
      const j = JSON.parse(GO_SAMPLE);
      mut(j);
      return () => parseRecoveryFile(JSON.stringify(j), 'f.json');
    };
    expect(bad((j) => (j.SectorInfos[0].Ticket = 'AQID'))).toThrow(
      'f.json: SectorInfos[0] (sector 5785): field SectorInfos[0].Ticket must be base64 of exactly 32 bytes, got "AQID"',
    );
    expect(bad((j) => (j.SectorInfos[0].SealProof = 99))).toThrow(/SectorInfos\[0\] \(sector 5785\): unknown seal proof id 99/);
    expect(bad((j) => (j.SectorInfos[0].SealProof = 8))).toThrow(/SealProof 8 \(StackedDrg32GiBV1_1\) is for 34359738368-byte sectors but SectorSize is 68719476736/);
    expect(bad((j) => (j.SectorInfos[0].SealedCID = { '/': 'baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy' }))).toThrow(
      /SectorInfos\[0\] \(sector 5785\): baga6ea4seaq\w+ is an unsealed CID \(CommD\/CommP\), but a CommR/,
    );
    expect(bad((j) => (j.Miner = 'f3xyz'))).toThrow(/f.json: Miner: .*an ID address \(f0…\) is required/);
    expect(() => parseRecoveryFile('{', 'f.json')).toThrow(/f.json: not valid JSON/);
    const dir = await mkdtemp(join(tmpdir(), 'exp-'));
    await expect(readRecoveryFile(join(dir, 'nope.json'))).rejects.toThrow(/ENOENT.*sealer-recover export --miner/);
    await writeFile(join(dir, 'dup.json'), GO_SAMPLE.replace('"SectorInfos": [', '"SectorInfos": [{"SectorNumber":5785,"Ticket":"' + Buffer.alloc(32, 2).toString('base64') + '","SealProof":9,"SealedCID":{"/":"bagboea4b5abcasqanjadumno7blvgx4k5pk765cki6vurnpgs2q3trt2trkznhj3"}},'));
    await expect(readRecoveryFile(join(dir, 'dup.json'))).rejects.toThrow(/sector 5785 appears twice with different values/);
  });
});

describe('SectorKeyCID (SnapDeals-upgraded sectors, lotus field name)', () => {
  // comm_r CIDs of the oracle's snap vector snap/2KiB-V1_1-cc-f01000-s5-snap-devnet (key, update)
  const KEY = 'bagboea4b5abcbiazev4pa6knj4yxudv5dw4es4wac7vqs242pwdxzuoiqdcuqgte';
  const NEW = 'bagboea4b5abcadanet7x2yptopy7wpcpkvoosltfzkl7pfkilgsrca52wk3kdfjr';
  const doc = (key: unknown) =>
    JSON.stringify({
      Miner: 'f01000',
      SectorSize: 2048,
      SectorInfos: [{ SectorNumber: 5, Ticket: Buffer.alloc(32, 5).toString('base64'), SealProof: 5, SealedCID: { '/': NEW }, SectorKeyCID: key }],
    });

  it('is read into sectorKey (cid + CommR) and written back unchanged', () => {
    const f = parseRecoveryFile(doc({ '/': KEY }), 'snap.json');
    const s = f.sectors[0]!;
    expect(s.sealedCid).toBe(NEW);
    expect(s.sectorKey?.cid).toBe(KEY);
    expect(toHex(s.sectorKey!.commR)).toBe('a0192578f0794d4f317a0ebd1db84972c017eb096b9a7d877cd1c880c5481a64'); // the vector's sector_key.comm_r
    const again = parseRecoveryFile(formatRecoveryFile(f), 'again.json');
    expect(again.sectors[0]!.sectorKey?.cid).toBe(KEY);
    expect(JSON.parse(formatRecoveryFile(f)).SectorInfos[0].SectorKeyCID).toEqual({ '/': KEY });
  });

  it('a SectorKeyCID that is not a CommR CID is refused naming the field', () => {
    expect(() => parseRecoveryFile(doc({ '/': 'baga6ea4seaqfv43ufg5wizrlyegrco35fv77nkk4vi7hnuazcwqw4whsps34uia' }), 'bad.json')).toThrow(/SectorKeyCID|sector 5/);
  });
});
