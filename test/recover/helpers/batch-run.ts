// The two 8MiB V1_1 oracle sectors of f01000 (sectors 1 and 5, fixtures/vectors) recovered with the
// native sealer and labeled together (one core, --parallel 2). Used in-process and by batch-child.ts.
import { recoverSectors } from '../../../src/recover/recover.js';
import { nativeSealer } from '../../../src/recover/sealer.js';
import { realHostProbe } from '../../../src/recover/preflight.js';
import { asSectorNumber } from '../../../src/proofs/types.js';
import { loadVector } from '../../helpers/vectors.js';
import { f01000, options, records } from './setup.js';

export const BATCH_VECTORS = ['8MiB-V1_1-cc-f01000-s1', '8MiB-V1_1-cc-f01000-s5'] as const;

export function batchRun(temp: string, result: string) {
  const entries = BATCH_VECTORS.map((name) => {
    const v = loadVector(name);
    return { n: Number(v.sector_id), ticketHex: v.ticket, proof: v.proof.id, sealedCid: v.comm_r_cid };
  });
  return recoverSectors(
    f01000,
    records(entries, 8 << 20),
    entries.map((e) => asSectorNumber(e.n)),
    options({ temp, result }, nativeSealer(), { parallel: 2, probe: { ...realHostProbe, cpuCores: () => 1 } }),
  );
}
