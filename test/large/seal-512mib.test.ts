// Opt-in (SLOW=1): a 512MiB CC sector sealed end to end must equal rust-fil-proofs' own run
// (fixtures/vectors-large, written by tools/oracle) in every commitment and every file.
// Needs ~3.5 GiB of temp disk (parents cache 0.9 GiB, layers, trees, sealed file) and minutes.
import { createHash } from 'node:crypto';
import { testSettings } from '../helpers/settings.js';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCommitment, asReplicaId, fromHex, sealProof, toHex } from '../../src/proofs/index.js';
import { sealSector } from '../../src/seal/seal.js';
import { largeVectors } from '../helpers/vectors.js';
import { withCachePath } from '../seal/helpers/oracle-files.js';

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

let tmp = '';
beforeAll(async () => {
  if (process.env.SLOW) tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-512-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!process.env.SLOW)('512MiB CC sector end to end (SLOW=1)', () => {
  it.each(largeVectors().map((v) => ({ ...v, label: v.name })))(
    '$label',
    async ({ vector: v }) => {
      expect(v.data).toBe('cc');
      const cacheDir = path.join(tmp, 'cache');
      const sealedPath = path.join(tmp, 'sealed');
      const started = Date.now();
      const out = await sealSector({
        proof: sealProof(v.proof.id),
        replicaId: asReplicaId(fromHex(v.replica_id)),
        commD: asCommitment(fromHex(v.comm_d)),
        stagedPath: null,
        cacheDir,
        sealedPath,
        settings: testSettings(path.join(tmp, 'parents')),
      });
      console.log(`[512MiB] sealed in ${((Date.now() - started) / 1000).toFixed(1)} s (incl. parents cache)`);
      expect(toHex(out.commC), 'comm_c').toBe(v.comm_c);
      expect(toHex(out.commRLast), 'comm_r_last').toBe(v.comm_r_last);
      expect(toHex(out.commR), 'comm_r').toBe(v.comm_r);
      for (const [file, f] of Object.entries(v.files)) {
        const p = file === 'sealed' ? sealedPath : path.join(cacheDir, file);
        if (file === 't_aux') {
          const expected = withCachePath(Buffer.from(f.base64!, 'base64'), f.cache_path!, cacheDir);
          expect((await readFile(p)).toString('hex'), 't_aux').toBe(expected.toString('hex'));
          continue;
        }
        expect((await stat(p)).size, `${file} size`).toBe(f.size);
        expect(await sha256File(p), file).toBe(f.sha256);
      }
    },
    3 * 60 * 60 * 1000,
  );
});
