// FIL_PROOFS_ROWS_TO_DISCARD ≠ 2 through the whole recovery (CLI → settings → seal → post-seal
// check → publish), held against the oracle run under the same setting
// (fixtures/vectors/rows-to-discard/8MiB-V1_1-cc-f01000-s1-rtd{1,4,7}.json, tools/oracle
// `seal --rows-to-discard k`). 7 exceeds what an 8MiB tree can drop; the reference clamps it to 5
// (docs/settings.md#fil_proofs_rows_to_discard), so that case also checks the clamp.
// Each case seals an 8MiB sector: a few seconds, up to ~30 s on a busy 2-core machine.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { runRecover } from '../../src/cli/commands/recover.js';
import { decodeTAux } from '../../src/sector/aux-files.js';
import { loadFamilyVector, type RowsToDiscardSealVector } from '../helpers/vectors.js';
import { withCachePath } from '../seal/helpers/oracle-files.js';
import { dirs, recoveryJson } from './helpers/setup.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function capture() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c) => (text += c));
  return { s, text: () => text };
}

describe('recover with FIL_PROOFS_ROWS_TO_DISCARD set (vs the oracle under the same setting)', () => {
  it.each([1, 4, 7])('FIL_PROOFS_ROWS_TO_DISCARD=%i: published cache equals the reference byte for byte', async (k) => {
    const v = loadFamilyVector<RowsToDiscardSealVector>('rows-to-discard', `8MiB-V1_1-cc-f01000-s1-rtd${k}`);
    const rtd = v.rows_to_discard;
    const d = await dirs();
    await mkdir(d.root, { recursive: true });
    const file = join(d.root, 'sectors-recovery-f01000.json');
    await writeFile(file, recoveryJson([{ n: 1, ticketHex: v.ticket, proof: 6, sealedCid: v.comm_r_cid }], 8 << 20));
    const out = capture();
    const err = capture();
    const code = await runRecover(
      { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, sectorsRecoveryMetadata: file, sectors: ['1'], json: true },
      { stdout: out.s, stderr: err.s, tty: false, cwd: process.cwd(), env: { FIL_PROOFS_ROWS_TO_DISCARD: String(k) } },
    );
    expect([code, err.text()]).toEqual(['ok', expect.any(String)]);
    const rep = JSON.parse(out.text());
    expect(rep.sectors[0].status).toBe('recovered');

    const cache = join(d.result, 'cache', 's-t01000-1');
    expect((await readdir(cache)).sort()).toEqual(['p_aux', 'sc-02-data-tree-r-last.dat', 't_aux']);
    expect(sha(await readFile(join(d.result, 'sealed', 's-t01000-1')))).toBe(v.files.sealed!.sha256);
    const treeRLast = await readFile(join(cache, 'sc-02-data-tree-r-last.dat'));
    expect(treeRLast.length).toBe(v.files['sc-02-data-tree-r-last.dat']!.size);
    expect(sha(treeRLast)).toBe(v.files['sc-02-data-tree-r-last.dat']!.sha256);
    expect(sha(await readFile(join(cache, 'p_aux')))).toBe(v.files.p_aux!.sha256);
    const tAux = await readFile(join(cache, 't_aux'));
    const theirs = withCachePath(Buffer.from(v.files.t_aux!.base64!, 'base64'), v.files.t_aux!.cache_path!, resolve(cache));
    expect(tAux.toString('hex')).toBe(theirs.toString('hex'));
    expect(decodeTAux(tAux).treeRLast.rowsToDiscard).toBe(BigInt(rtd.tree_r_last_rows_to_discard));
  }, 180_000);
});
