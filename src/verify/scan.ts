// One scan pass over a storage path: find the sectors, run the quick checks (and the deep one
// with --deep) on up to `parallel` sectors at once, fold each sector's checks into a verdict.
import pLimit from 'p-limit';
import { formatIdAddress } from '../proofs/address.js';
import type { SealProof } from '../proofs/registry.js';
import { toHex } from '../proofs/types.js';
import type { ProofsSettings } from '../sector/settings.js';
import type { SectorEvents } from '../sector-events.js';
import type { SectorRecordSource } from '../records/source.js';
import type { TreeBuilder } from '../seal/tree-builder.js';
import { deepCheck } from './deep-check.js';
import { fail, statusOf } from './findings.js';
import { quickCheck } from './quick-check.js';
import { summarize, type SectorVerdict, type VerifyReport } from './report.js';
import { findSectors, type FindOptions, type SectorLocation } from './sector-dirs.js';

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

async function checkSector(loc: SectorLocation, o: ScanOptions, t0: number): Promise<SectorVerdict> {
  const chain = o.source ? await o.source.expectedCommR(loc.miner, loc.number) : undefined;
  const q = await quickCheck(loc, { ...(chain ? { chain } : {}), settings: o.settings });
  const checks = [...q.checks];
  if (o.deep && q.proof) {
    if (q.sealedReadable) {
      o.events?.phase?.(loc.name, 'verifying', 'rebuilding tree-r-last');
      checks.push(
        await deepCheck(loc, {
          proof: q.proof.proof,
          rowsToDiscard: q.rowsToDiscard,
          ...(q.pAux ? { commRLast: q.pAux.commRLast } : {}),
          ...(o.tempRoot ? { tempRoot: o.tempRoot } : {}),
          ...(o.treeBuilder ? { treeBuilder: o.treeBuilder } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          onProgress: (done, total) => o.events?.progress?.(loc.name, { stage: 'tree-r-last', done, total }),
        }),
      );
    } else checks.push(fail('replica-tree-r-last', 'not run: the sealed file is missing or has the wrong size', { inconclusive: true }));
  }
  const status = statusOf(checks);
  o.events?.phase?.(loc.name, 'done', status);
  return {
    miner: formatIdAddress(loc.miner, 'f'),
    sector: String(loc.number),
    name: loc.name,
    ...(q.proof ? { proof: q.proof.proof.name } : {}),
    ...(q.proof?.assumption ? { proofAssumption: q.proof.assumption } : {}),
    status,
    ...(q.commR ? { commR: toHex(q.commR) } : {}),
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
