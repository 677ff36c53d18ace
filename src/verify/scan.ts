// One scan pass over a storage path: find the sectors, run the quick checks (and the deep one
// with --deep) on up to `parallel` sectors at once, fold each sector's checks into a verdict.
// A snap-upgraded sector is checked on the replica lotus proves, update/ + update-cache/ against
// SealedCID, and on its sector key sealed/ + cache/ (against SectorKeyCID) only when sealed/ is
// still there (docs/verify.md#snap-upgraded-sectors).
import pLimit from 'p-limit';
import { formatIdAddress } from '../proofs/address.js';
import type { SealProof } from '../proofs/registry.js';
import { toHex } from '../proofs/types.js';
import type { ProofsSettings } from '../sector/settings.js';
import type { SectorEvents } from '../sector-events.js';
import type { SectorRecordSource } from '../records/source.js';
import type { TreeBuilder } from '../seal/tree-builder.js';
import { deepCheck } from './deep-check.js';
import type { ChainAnswer } from '../records/record.js';
import { readPAux } from '../sector/aux-files.js';
import { fail, pass, statusOf, type Check } from './findings.js';
import { quickCheck, type QuickResult } from './quick-check.js';
import { summarize, type SectorVerdict, type VerifyReport } from './report.js';
import { findSectors, isSnapped, replicaFiles, type FindOptions, type ReplicaFiles, type SectorLocation } from './sector-dirs.js';

export interface ScanOptions extends FindOptions {
  readonly storage: string;
  readonly deep: boolean;
  readonly parallel: number;
  /** where the expected CommR comes from; none = no chain comparison */
  readonly source?: SectorRecordSource;
  /** FIL_PROOFS_* settings the sectors were sealed with */
  readonly settings: ProofsSettings;
  readonly tempRoot?: string;
  /** who rebuilds tree-r-last under deep (docs/gpu.md); default the CPU */
  readonly treeBuilder?: TreeBuilder;
  readonly events?: SectorEvents;
  readonly signal?: AbortSignal;
  readonly version: string;
}

/** One sector's verdict; an unreadable file ends that sector's checks, never the pass. */
export async function scanSector(loc: SectorLocation, o: ScanOptions): Promise<SectorVerdict> {
  const t0 = Date.now();
  try {
    return await checkSector(loc, o, t0);
  } catch (e) {
    if (o.signal?.aborted) throw e;
    const checks = [fail('read', `could not read the sector's files: ${(e as Error).message}`, { inconclusive: true })];
    o.events?.phase?.(loc.name, 'done', 'error');
    return { miner: formatIdAddress(loc.miner, 'f'), sector: String(loc.number), name: loc.name, status: statusOf(checks), checks, ms: Date.now() - t0 };
  }
}

/** The expectation for each replica of a sector from one answer of the records (docs/verify.md#snap-upgraded-sectors). */
interface Expectations {
  readonly update?: ChainAnswer;
  readonly sealed?: ChainAnswer;
  readonly recordedProof?: SealProof;
}

function expectations(chain: ChainAnswer | undefined, snapped: boolean): Expectations {
  if (!chain) return {};
  if (chain.kind === 'unavailable') return snapped ? { update: chain } : { sealed: chain };
  const v = chain.value;
  if (!snapped) return { sealed: chain };
  const key = v.sectorKey;
  const update: ChainAnswer = {
    kind: 'found',
    value: key
      ? v
      : {
          ...v,
          note: [
            v.note,
            'the records give no SectorKeyCID for this sector: if its upgrade never landed on chain, lotus proves sealed/ and update/ is a leftover',
          ]
            .filter(Boolean)
            .join('; '),
        },
  };
  // Without SectorKeyCID nothing says what sealed/ (the key) must hash to: only the proof is used.
  return key
    ? {
        update,
        sealed: {
          kind: 'found',
          value: { ...v, commR: key.commR, cid: key.cid, note: ['SectorKeyCID: the sector key, the replica before the snap upgrade', v.note].filter(Boolean).join('; ') },
        },
        recordedProof: v.proof,
      }
    : { update, recordedProof: v.proof };
}

interface ReplicaVerdict {
  readonly checks: Check[];
  readonly quick: QuickResult;
}

async function checkReplica(r: ReplicaFiles, chain: ChainAnswer | undefined, recordedProof: SealProof | undefined, o: ScanOptions): Promise<ReplicaVerdict> {
  const q = await quickCheck(r, { ...(chain ? { chain } : {}), ...(recordedProof ? { recordedProof } : {}), settings: o.settings });
  const checks = [...q.checks];
  if (o.deep && q.proof) {
    if (q.replicaReadable) {
      o.events?.phase?.(r.name, 'verifying', r.kind === 'update' ? 'rebuilding tree-r-last of update/' : 'rebuilding tree-r-last');
      checks.push(
        await deepCheck(r, {
          proof: q.proof.proof,
          rowsToDiscard: q.rowsToDiscard,
          ...(q.pAux ? { commRLast: q.pAux.commRLast, commC: q.pAux.commC } : {}),
          ...(chain?.kind === 'found' ? { expected: { commR: chain.value.commR, cid: chain.value.cid } } : {}),
          ...(o.tempRoot ? { tempRoot: o.tempRoot } : {}),
          ...(o.treeBuilder ? { treeBuilder: o.treeBuilder } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          onProgress: (done, total) => o.events?.progress?.(r.name, { stage: 'tree-r-last', done, total }),
        }),
      );
    } else
      checks.push({
        ...fail('replica-tree-r-last', `not run: ${r.kind === 'sealed' ? 'the sealed file' : 'the update replica'} is missing or has the wrong size`, { inconclusive: true }),
        replica: r.kind,
      });
  }
  return { checks, quick: q };
}

/** update/ and update-cache/ must come together: one without the other cannot be proven. */
function updatePair(loc: SectorLocation): Check | undefined {
  const { update, updateCache } = loc.present;
  if (update === updateCache) return undefined;
  const [have, lack] = update ? [loc.updatePath, loc.updateCacheDir] : [`${loc.updateCacheDir}/`, loc.updatePath];
  return {
    ...fail(
      'update-pair',
      `${have} is present but ${lack} is missing: lotus proves a snap-upgraded sector with both. Restore the missing half from a backup, or recover the sector again ` +
        '(sealer-recover recover with the piece data; --overwrite moves the half that is there to sealer-recover-backup/)',
      { missing: [lack] },
    ),
    replica: 'update',
  };
}

/**
 * A snap upgrade keeps comm_c (the columns of the key's layers do not change), so update-cache/'s
 * p_aux must carry the comm_c of cache/'s p_aux when lotus kept cache/ (it releases only sealed/).
 */
async function updateCommC(loc: SectorLocation, update: QuickResult): Promise<Check | undefined> {
  if (!update.pAux || !loc.present.cache) return undefined;
  let key;
  try {
    key = await readPAux(loc.cacheDir);
  } catch {
    return undefined; // the key's cache is not needed for proving; its own checks run when sealed/ is there
  }
  const tag = { replica: 'update' as const };
  if (Buffer.compare(key.commC, update.pAux.commC) === 0)
    return { ...pass('update-comm_c', "update-cache/'s comm_c equals cache/'s (the sector key's), as a snap upgrade keeps it"), ...tag };
  return {
    ...fail(
      'update-comm_c',
      "update-cache/'s p_aux holds another comm_c than cache/'s (the sector key's): a snap upgrade keeps comm_c, so one p_aux is damaged or the two belong to different sectors (chain-comm_r tells which matches the records)",
      { expected: toHex(key.commC), found: toHex(update.pAux.commC) },
    ),
    ...tag,
  };
}

async function checkSector(loc: SectorLocation, o: ScanOptions, t0: number): Promise<SectorVerdict> {
  const chain = o.source ? await o.source.expectedCommR(loc.miner, loc.number) : undefined;
  // Snapped when update/ or update-cache/ is there, or when the records hold a SectorKeyCID (then an
  // absent update/ is exactly what lotus will fail to prove).
  const snapped = isSnapped(loc) || (chain?.kind === 'found' && chain.value.sectorKey !== undefined);
  const e = expectations(chain, snapped);
  const checks: Check[] = [];
  let shown: QuickResult | undefined;
  if (!snapped) {
    const r = await checkReplica(replicaFiles(loc, 'sealed'), e.sealed, undefined, o);
    checks.push(...r.checks);
    shown = r.quick;
  } else {
    const pair = updatePair(loc);
    if (pair) checks.push(pair);
    const u = await checkReplica(replicaFiles(loc, 'update'), e.update, e.recordedProof, o);
    checks.push(...u.checks);
    shown = u.quick;
    const commC = await updateCommC(loc, u.quick);
    if (commC) checks.push(commC);
    // The sector key: lotus removes sealed/ once the upgrade is final (ReleaseSectorKey), keeping
    // cache/; recover publishes it only with --keep-sector-key. Absent is fine; present, it is checked.
    if (loc.present.sealed) {
      const k = await checkReplica(replicaFiles(loc, 'sealed'), e.sealed, e.recordedProof ?? u.quick.proof?.proof, o);
      checks.push(...k.checks);
    } else
      checks.push({
        ...pass('sector-key', 'sealed/ is absent: the sector key was released after the snap upgrade (as lotus does), WindowPoSt reads update/ + update-cache/'),
        replica: 'sealed',
      });
  }
  const status = statusOf(checks);
  o.events?.phase?.(loc.name, 'done', status);
  return {
    miner: formatIdAddress(loc.miner, 'f'),
    sector: String(loc.number),
    name: loc.name,
    ...(snapped ? { snapped: true } : {}),
    ...(shown.proof ? { proof: shown.proof.proof.name } : {}),
    ...(shown.proof?.assumption ? { proofAssumption: shown.proof.assumption } : {}),
    status,
    ...(shown.commR ? { commR: toHex(shown.commR) } : {}),
    checks,
    ms: Date.now() - t0,
  };
}

export async function scan(o: ScanOptions): Promise<VerifyReport> {
  const report: VerifyReport = {
    tool: { name: 'sealer-recover', command: 'verify', version: o.version },
    startedAt: new Date().toISOString(),
    storage: o.storage,
    mode: o.deep ? 'deep' : 'quick',
    chainSource: o.source?.description ?? 'none',
    sectors: [],
  };
  const locs = await findSectors(o.storage, { ...(o.miner !== undefined ? { miner: o.miner } : {}), ...(o.sectors ? { sectors: o.sectors } : {}) });
  for (const l of locs) o.events?.phase?.(l.name, 'queued');
  const limit = pLimit(o.parallel);
  report.sectors = await Promise.all(
    locs.map((l) =>
      limit(async () => {
        o.signal?.throwIfAborted();
        return scanSector(l, o);
      }),
    ),
  );
  return summarize(report);
}
