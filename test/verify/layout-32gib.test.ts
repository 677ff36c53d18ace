// The 32GiB layout without sealing 32 GiB: a sparse sealed file of the exact size (the quick scan
// only sizes it), eight tree-r-last files of 9,586,976 bytes (docs/trees.md#file-sizes) named -0 … -7 whose
// rows are a random canonical row 3 hashed upwards, and p_aux with comm_r_last =
// Poseidon_8(root_0 … root_7) computed here from the spec's formula (docs/trees.md#column-hashes-and-tree-c, Sub8).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, truncate, unlink, writeFile, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { octreeInMemory, poseidonHash } from '../../src/native/poseidon.js';
import { sealProof } from '../../src/proofs/registry.js';
import { toHex } from '../../src/proofs/types.js';
import { encodeTAux, temporaryAuxFor } from '../../src/sector/aux-files.js';
import type { Outcome } from '../../src/cli/command.js';
import { runVerify } from '../../src/cli/commands/verify.js';
import { PassThrough } from 'node:stream';
import type { VerifyReport } from '../../src/verify/report.js';
import { sampleIndices } from '../../src/verify/replica-sample.js';

const proof = sealProof('32GiB/V1_1');
const ROW3 = 262_144; // 2^27 leaves / 8^3
let root = '';
let commRLast = '';

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-verify-32g-'));
  const name = 's-t01000-7';
  const cache = path.join(root, 'cache', name);
  await mkdir(cache, { recursive: true });
  await mkdir(path.join(root, 'sealed'));
  const sealed = await open(path.join(root, 'sealed', name), 'w');
  await sealed.truncate(Number(proof.sectorBytes)); // sparse
  await sealed.close();
  const roots: Uint8Array[] = [];
  // The sparse replica is zeros, so the row-3 nodes the quick scan recomputes from it (replica-sample)
  // must be the root of a 512-leaf all-zero subtree; every other node stays random.
  const zeroSubtree = octreeInMemory(Buffer.alloc(512 * 32), 0).slice(-32);
  for (let i = 0; i < 8; i++) {
    const row = randomBytes(ROW3 * 32);
    for (let n = 31; n < row.length; n += 32) row[n]! &= 0x3f; // < 2^254 < r
    for (const k of sampleIndices(BigInt(ROW3))) row.set(zeroSubtree, k * 32);
    const file = octreeInMemory(row, 0);
    expect(file.length).toBe(9_586_976);
    roots.push(file.slice(file.length - 32));
    await writeFile(path.join(cache, `sc-02-data-tree-r-last-${i}.dat`), file);
  }
  const rLast = poseidonHash(8, roots);
  commRLast = toHex(rLast);
  const commC = randomBytes(32);
  commC[31]! &= 0x3f;
  await writeFile(path.join(cache, 'p_aux'), Buffer.concat([commC, rLast]));
  await writeFile(path.join(cache, 't_aux'), encodeTAux(temporaryAuxFor(proof, '/seal/time/cache/s-t01000-7', 2)));
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function verify(): Promise<{ code: Outcome; report: VerifyReport }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c) => (out += c));
  const code = await runVerify({ sealingResult: root, json: true }, { stdout, stderr: new PassThrough(), tty: false, cwd: process.cwd(), env: {} });
  return { code, report: JSON.parse(out) as VerifyReport };
}

describe('32GiB layout (Sub8: eight base trees)', () => {
  it('quick scan passes: eight files of 9,586,976 bytes, roots combine to p_aux comm_r_last', async () => {
    const { code, report } = await verify();
    const s = report.sectors[0]!;
    expect(s.checks.filter((c) => !c.ok)).toEqual([]);
    expect(code).toBe('ok');
    expect(s.proof).toBe('StackedDrg32GiBV1_1');
    expect(s.checks.find((c) => c.name === 'tree-r-last-files')!.detail).toBe('8 × 9586976 bytes');
    expect(s.checks.find((c) => c.name === 'p_aux')!.detail).toContain(commRLast);
  });

  it('base tree 5 damaged in its root → comm_r_last fails; its file deleted → missing, named', async () => {
    const f = path.join(root, 'cache', 's-t01000-7', 'sc-02-data-tree-r-last-5.dat');
    const fh = await open(f, 'r+');
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, 9_586_976 - 30);
    b[0]! ^= 1;
    await fh.write(b, 0, 1, 9_586_976 - 30);
    await fh.close();
    let { code, report } = await verify();
    expect(code).toBe('incomplete');
    let s = report.sectors[0]!;
    // the root is recomputed from row 8 too, so the row check points at the root of file 5
    expect(s.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['tree-r-last-rows', 'comm_r_last']);
    expect(s.checks.find((c) => c.name === 'tree-r-last-rows')!.detail).toMatch(/tree-r-last-5\.dat: row 9 node 0/);
    expect(s.checks.find((c) => c.name === 'comm_r_last')!.expected).toBe(commRLast);

    await unlink(f);
    ({ code, report } = await verify());
    s = report.sectors[0]!;
    expect(s.status).toBe('missing');
    expect(s.checks.find((c) => c.name === 'tree-r-last-files')!.missing).toEqual([f]);
  });

  it('sealed file one byte short → damaged with both sizes', async () => {
    await truncate(path.join(root, 'sealed', 's-t01000-7'), Number(proof.sectorBytes) - 1);
    const { report } = await verify();
    expect(report.sectors[0]!.checks.find((c) => c.name === 'sealed-file')).toMatchObject({
      ok: false,
      expected: '34359738368 bytes',
      found: '34359738367 bytes',
    });
  });
});
