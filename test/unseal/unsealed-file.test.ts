// Our unsealed-file writer and reader against files written by lotus's partialfile logic with
// go-bitfield (tools/partialfile-gen → fixtures/unsealed).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readUnsealedAllocations, unsealedTrailer, writeUnsealedFile } from '../../src/sector/unsealed-file.js';
import { CorruptionError } from '../../src/errors.js';

const DIR = resolve(import.meta.dirname, '../../fixtures/unsealed');
interface Case {
  name: string;
  sectorBytes: string;
  allocations: { offset: number; size: number }[];
  trailerHex: string;
  fileBytes: number;
  fileSha256: string;
  file: string;
}
const cases = (JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;
const pattern = (i: number) => ((i * 31 + 7) % 256) & (i % 32 === 31 ? 0x3f : 0xff);

describe('lotus unsealed partial file', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(5));
  for (const c of cases) {
    const allocs = c.allocations.map((a) => ({ offset: BigInt(a.offset), size: BigInt(a.size) }));
    const sector = BigInt(c.sectorBytes);
    it(`${c.name}: trailer equals go-bitfield's`, () => {
      const t = unsealedTrailer(sector, allocs);
      expect(Buffer.from(t.subarray(0, t.length - 4)).toString('hex')).toBe(c.trailerHex);
      expect(Buffer.from(t).readUInt32LE(t.length - 4)).toBe(c.trailerHex.length / 2);
    });
    it(`${c.name}: written file is byte-identical`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'unsealed-file-')), 'f');
      await writeUnsealedFile(out, sector, allocs, async (fh) => {
        for (const a of c.allocations) {
          const buf = Buffer.alloc(a.size);
          for (let i = 0; i < a.size; i++) buf[i] = pattern(a.offset + i);
          await fh.write(buf, 0, buf.length, a.offset);
        }
      });
      const got = readFileSync(out);
      expect(got.length).toBe(c.fileBytes);
      expect(createHash('sha256').update(got).digest('hex')).toBe(c.fileSha256);
    });
    it(`${c.name}: reader returns the allocations`, async () => {
      const got = await readUnsealedAllocations(join(DIR, c.file), sector);
      // merged: adjacent allocations come back as one run
      const bytes = got.reduce((n, a) => n + a.size, 0n);
      expect(bytes).toBe(allocs.reduce((n, a) => n + a.size, 0n));
      for (const a of allocs) expect(got.some((g) => g.offset <= a.offset && a.offset + a.size <= g.offset + g.size)).toBe(true);
    });
  }
  it('refuses a file whose trailer length is inconsistent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'unsealed-file-'));
    const raw = Buffer.from(readFileSync(join(DIR, 'full-2KiB.bin')));
    raw.writeUInt32LE(9, raw.length - 4);
    writeFileSync(join(dir, 'bad'), raw);
    await expect(readUnsealedAllocations(join(dir, 'bad'), 2048n)).rejects.toBeInstanceOf(CorruptionError);
  });
});
