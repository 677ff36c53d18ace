// SectorInfo decoding against the generator's inputs (an independent cbor-gen-style encoder in Go).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import { readSectorsFromStore } from '../../src/metastore/sector-info.js';
import { goStore, tempDir, type Truth, removeTempDirs } from './helpers.js';

const hex = (b: Uint8Array | null) => (b ? Buffer.from(b).toString('hex') : null);

describe('lotus SectorInfo records', () => {
  let dir: string;
  let truth: Truth;
  beforeAll(() => {
    dir = join(tempDir('sectors'), 'metadata');
    truth = goStore(dir, { sectors: 300, seed: 7 });
  });

  it('decodes every record with state, proof, ticket, epoch, CommD, CommR and pieces', async () => {
    const { sectors, problems } = await readSectorsFromStore(dir);
    expect(sectors.map((s) => s.key).sort()).toEqual(Object.keys(truth.sectors).sort());
    let canonical = 0;
    for (const s of sectors) {
      const t = truth.sectors[s.key]!;
      canonical += t.canonical ? 1 : 0;
      expect(s.fieldErrors).toEqual([]);
      expect(Number(s.number)).toBe(t.number);
      expect(s.state).toBe(t.state);
      expect(s.sectorType).toBe(t.sectorType);
      expect(s.proof?.id).toBe(t.sectorType);
      expect(hex(s.ticket)).toBe(t.ticketValue);
      expect(s.ticketEpoch).toBe(BigInt(t.ticketEpoch));
      expect(hex(s.commD)).toBe(t.commD);
      expect(hex(s.commR)).toBe(t.commR);
      if (t.commR) expect(s.commRCid).toMatch(/^bagboea4b5abc/);
      if (t.commD) expect(s.commDCid).toMatch(/^baga6ea4seaq/);
      expect(s.pieces.map((p) => ({ size: Number(p.size), cid: p.pieceCid, deal: p.dealId === null ? null : Number(p.dealId) }))).toEqual(
        t.pieces.map((p) => ({ size: p.size, cid: CID.decode(Buffer.from(p.pieceCid, 'hex')).toString(), deal: p.dealId })),
      );
    }
    // both map key orders occur: canonical (lotus ≥ v1.23) and struct order (older)
    expect(canonical).toBeGreaterThan(0);
    expect(canonical).toBeLessThan(sectors.length);
    // the truncated record is reported, and does not stop the others
    expect(problems.map((p) => p.key)).toEqual(truth.badSectorKeys);
    expect(problems[0]!.error).toMatch(/CBOR/);
  });
});

afterAll(removeTempDirs);
