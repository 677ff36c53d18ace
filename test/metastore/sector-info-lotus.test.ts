// SectorInfo decoding against records encoded by cbor-gen, the generator lotus uses for its own
// marshallers (tools/leveldb-gen/lotustypes), written into a real goleveldb store. The expected
// values (expected.json) were written by the Go program from its own Go values, never by our code.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { readSectorsFromStore } from '../../src/metastore/sector-info.js';
import { dumpStore } from '../../src/metastore/dump.js';
import { toJson } from '../../src/metastore/json.js';
import { formatSector } from '../../src/metastore/sector-format.js';
import { leveldbGen, removeTempDirs, tempDir } from './helpers.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'sectorinfo');
const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as { miner: string; sectors: Array<Record<string, unknown>> };
afterAll(removeTempDirs);

/** our decoded sector as JSON (bigints as decimal text, bytes as hex), like expected.json */
const asJson = (v: unknown) => JSON.parse(toJson(v)) as Record<string, unknown>;

describe('SectorInfo written by lotus’s cbor-gen encoders', () => {
  it('every field of every record shape decodes to the Go values', async () => {
    const { sectors, problems } = await readSectorsFromStore(join(fixture, 'store'));
    expect(problems).toEqual([]);
    expect(sectors.map((s) => s.number)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    for (const want of expected.sectors) {
      const got = asJson(sectors.find((s) => s.number.toString() === want.number)!);
      expect(got, `sector ${want.number as string}`).toMatchObject(want);
      expect(got.fieldErrors).toEqual([]);
      expect(got.otherFields).toEqual({});
    }
    // the commitments behind the CIDs, for the record source
    const snapped = sectors.find((s) => s.number === 3n)!;
    expect(snapped.updateCommR).not.toBeNull();
    expect(snapped.commR).not.toBeNull();
    expect(Buffer.from(snapped.updateCommR!).equals(Buffer.from(snapped.commR!))).toBe(false);
  });

  it('the text view prints every field that holds something', async () => {
    const { sectors } = await readSectorsFromStore(join(fixture, 'store'));
    const text = (n: bigint) => formatSector(sectors.find((s) => s.number === n)!);
    const w = (n: string) => expected.sectors.find((s) => s.number === n)! as Record<string, any>;
    expect(text(3n)).toContain(`UpdateSealed (CommR)   ${w('3').updateSealedCid}`);
    expect(text(3n)).toContain(`DDO manifest ${w('3').pieces[0].deal.activationManifest.cid} size 2048 allocation 99 of client f01234 notify f05(dead)`);
    expect(text(2n)).toContain(`proposal: client ${w('2').pieces[0].deal.proposal.client} provider f01000 verified`);
    expect(text(1n)).toContain(`seed                   ${w('1').seedValue} @1350`);
    expect(text(1n)).toContain('pre-commit deposit     0.000001234567890123 FIL');
    expect(text(6n)).toContain('remote cache           local file:///cache/6');
    expect(text(6n)).toContain('terminated at          9000');
    expect(text(7n)).toContain(`PreCommitInfo (legacy) proof 0 sealed ${w('7').legacyPreCommitInfo.sealedCid} epoch 90 deals [12] expires 600000`);
  });

  it('dump --decode shows the same decoded records', async () => {
    const { entries } = await dumpStore(join(fixture, 'store'), { prefix: '/sectors/', decode: true });
    expect(entries).toHaveLength(8);
    const three = asJson(entries.find((e) => e.key === '/sectors/3')!.decoded);
    expect(three).toMatchObject(expected.sectors.find((s) => s.number === '3')!);
  });

  it('the committed fixture is what the generator writes (no drift between Go and fixture)', () => {
    const dir = join(tempDir('sectorinfo'), 'store');
    const truth = `${dir}.json`;
    execFileSync(leveldbGen(), ['sectorinfo', '-dir', dir, '-truth', truth]);
    expect(JSON.parse(readFileSync(truth, 'utf8'))).toEqual(expected);
    const log = (d: string) => readFileSync(join(d, '000001.log'));
    expect(log(dir).equals(log(join(fixture, 'store')))).toBe(true);
  });
});
