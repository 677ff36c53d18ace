// The gate before publish: the CommR we computed must equal the chain's SealedCID, and the files
// must be what lotus will open (replica of sector size, p_aux = comm_c ‖ comm_r_last, t_aux,
// tree-r-last of the cached size). Only a VerifiedSector can be published.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CorruptionError } from '../errors.js';
import { toHex, type Commitment } from '../proofs/types.js';
import type { SectorPlan } from './plan.js';
import type { SealOutcome } from './sealer.js';
import type { WorkDir } from './workdir.js';
import { cacheFiles } from '../sector/cache-files.js';
import type { ProofsSettings } from '../sector/settings.js';
import { treeSizes } from '../sector/tree-shape.js';

declare const verified: unique symbol;
export interface VerifiedSector {
  readonly [verified]: true;
  readonly plan: SectorPlan;
  readonly dir: WorkDir;
  readonly outcome: SealOutcome;
}

export type Verdict =
  | { readonly match: true; readonly sector: VerifiedSector }
  | { readonly match: false; readonly expected: Commitment; readonly got: Commitment };

/** Files disagree with the sealer's own result: a broken run, not a wrong input. */
export class SectorFilesError extends CorruptionError {
  override name = 'SectorFilesError';
}

export async function verifySealed(plan: SectorPlan, dir: WorkDir, outcome: SealOutcome, settings: ProofsSettings): Promise<Verdict> {
  if (Buffer.compare(outcome.commR, plan.expectedCommR) !== 0) {
    return { match: false, expected: plan.expectedCommR, got: outcome.commR };
  }
  await checkFiles(plan, dir, outcome, settings);
  return { match: true, sector: { plan, dir, outcome } as VerifiedSector };
}

async function checkFiles(plan: SectorPlan, dir: WorkDir, o: SealOutcome, settings: ProofsSettings): Promise<void> {
  const fail = (what: string): never => {
    throw new SectorFilesError(`${plan.name}: CommR matches but ${what}; rerun with --restart`);
  };
  const size = async (p: string) => (await stat(p).catch(() => undefined))?.size;
  const sealed = await size(dir.sealedPath);
  if (sealed === undefined || BigInt(sealed) !== plan.proof.sectorBytes) fail(`the replica ${dir.sealedPath} has ${sealed ?? 'no'} bytes, not ${plan.proof.sectorBytes}`);
  const files = cacheFiles(plan.proof, dir.cacheDir);
  const paux = await readFile(files.pAux).catch(() => undefined);
  if (!paux || paux.length !== 64) fail(`p_aux is missing or not 64 bytes`);
  if (Buffer.compare(paux!.subarray(0, 32), o.commC) !== 0 || Buffer.compare(paux!.subarray(32), o.commRLast) !== 0) {
    fail(`p_aux (${paux!.toString('hex')}) is not comm_c ‖ comm_r_last (${toHex(o.commC)}${toHex(o.commRLast)})`);
  }
  if ((await size(files.tAux)) === undefined) fail('t_aux is missing');
  const want = treeSizes(plan.proof, settings.rowsToDiscard).treeRLastBytes;
  for (const p of files.treeRLast) {
    const s = await size(p);
    if (s === undefined || BigInt(s) !== want) fail(`${basename(p)} has ${s ?? 'no'} bytes, expected ${want} (FIL_PROOFS_ROWS_TO_DISCARD ${settings.rowsToDiscard})`);
  }
}
