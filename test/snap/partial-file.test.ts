// The lotus unsealed partial-file trailer, against bytes written by go-bitfield's own encoder
// framed as lotus's writeTrailer does (tools/partialfile-gen → fixtures/partialfile/trailers.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { partialFileTrailer } from '../../src/unseal/partial-file.js';

interface GoCase {
  readonly name: string;
  readonly sectorSize: number;
  readonly runs: { val: boolean; len: number }[] | null;
  readonly trailer: string;
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'partialfile', 'trailers.json'), 'utf8')) as {
  cases: GoCase[];
};

it('has the Go-generated cases', () => expect(fixture.cases.length).toBeGreaterThanOrEqual(10));

it.each(fixture.cases)('$name ($sectorSize B): the trailer equals lotus/go-bitfield bytes', (c) => {
  const runs = (c.runs ?? []).map((r) => ({ val: r.val, len: BigInt(r.len) }));
  expect(Buffer.from(partialFileTrailer(runs)).toString('hex')).toBe(c.trailer);
});
