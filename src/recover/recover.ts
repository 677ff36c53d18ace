// The recovery run: plan every requested sector, pre-flight, then per sector (at most --parallel
// at once): working dir (resume or restart) → stage deal data → seal → verify CommR → publish.
// A sector's failure never stops the others; the report says what happened to each.
import { access } from 'node:fs/promises';
import { asCommitment, fromHex, toHex, type SectorNumber } from '../proofs/types.js';
import { formatMinerAddress, type MinerAddress } from '../chain/address.js';
import type { SectorRecord } from '../chain/export-file.js';
import type { SealProgress } from '../seal/contracts.js';
import { planSector, type SectorPlan } from './plan.js';
import { preflight, fmtBytes, type HostProbe } from './preflight.js';
import { schedule } from './scheduler.js';
import { SectorWorkDir } from './workdir.js';
import { stagePieces, stageUnsealedCopy } from './staging.js';
import { verifySealed } from './verify-commr.js';
import { isPublished, publish, recoverInterruptedPublishes, resultPaths, type PublishOptions } from './publish.js';
import { newReport, finishReport, type RunReport, type SectorReport } from './report.js';
import type { Sealer, SealOutcome } from './sealer.js';
import type { Logger } from './logger.js';

export type SectorPhase = 'queued' | 'staging' | 'sealing' | 'verifying' | 'publishing' | 'done';

/** What the progress display listens to. */
export interface RecoverEvents {
  phase?(name: string, phase: SectorPhase, detail?: string): void;
  progress?(name: string, p: SealProgress): void;
}

export interface RecoverOptions {
  readonly tempRoot: string;
  readonly resultRoot: string;
  readonly parallel: number;
  readonly restart?: boolean;
  readonly keepPrecommitFiles?: boolean;
  readonly pieceDir?: string;
  readonly unsealedDir?: string;
  readonly sealer: Sealer;
  readonly logger: Logger;
  readonly events?: RecoverEvents;
  readonly signal?: AbortSignal;
  readonly probe?: HostProbe;
  readonly parentsCacheDir?: string;
  readonly publishFault?: PublishOptions['fault'];
  readonly version: string;
  /** where the inputs came from, for the report */
  readonly source: string;
}

const exists = (p: string) => access(p).then(() => true, () => false);

export async function recoverSectors(
  miner: MinerAddress,
  records: readonly SectorRecord[],
  requested: readonly SectorNumber[],
  opts: RecoverOptions,
): Promise<RunReport> {
  const log = opts.logger;
  const minerStr = formatMinerAddress(miner);
  const report = newReport(opts.version, {
    source: opts.source,
    miner: minerStr,
    sealer: opts.sealer.name,
    parallel: opts.parallel,
    sealingTemp: opts.tempRoot,
    sealingResult: opts.resultRoot,
  });
  const rolled = await recoverInterruptedPublishes(opts.resultRoot);
  if (rolled.length) log.warn({ sectors: rolled }, 'completed publishes interrupted by an earlier run');

  const entries: { report: SectorReport; plan?: SectorPlan }[] = [];
  for (const n of requested) {
    const rep: SectorReport = { miner: minerStr, sector: String(n), status: 'skipped' };
    entries.push({ report: rep });
    const rec = records.find((r) => r.sectorNumber === n);
    if (!rec) {
      rep.reason = 'not found in the recovery metadata (export it first, or check the sector number)';
      log.warn({ sector: String(n) }, rep.reason);
      continue;
    }
    rep.proof = rec.proof.name;
    try {
      const plan = await planSector(rec, miner, {
        tempRoot: opts.tempRoot,
        ...(opts.pieceDir ? { pieceDir: opts.pieceDir } : {}),
        ...(opts.unsealedDir ? { unsealedDir: opts.unsealedDir } : {}),
        keepPrecommitFiles: opts.keepPrecommitFiles ?? false,
      });
      if (plan.keepPrecommitFiles && !opts.keepPrecommitFiles) {
        log.warn({ sector: String(n) }, 'pre-committed only: keeping layers, tree-c and tree-d for ProveCommit');
      }
      rep.inputs = { ticket: toHex(plan.ticket), sealedCid: plan.sealedCid, commD: toHex(plan.commD), data: plan.data.kind };
      rep.replicaId = toHex(plan.replicaId);
      if (plan.keepPrecommitFiles) rep.keptPrecommitFiles = true;
      rep.commR = { expected: toHex(plan.expectedCommR) };
      if (await isPublished(opts.resultRoot, plan.name)) {
        rep.reason = `already present in ${opts.resultRoot} (sealed/${plan.name} and cache/${plan.name}); move them away to recover again`;
        rep.paths = { sealed: resultPaths(opts.resultRoot, plan.name).sealedPath, cache: resultPaths(opts.resultRoot, plan.name).cacheDir };
        continue;
      }
      entries[entries.length - 1]!.plan = plan;
    } catch (e) {
      rep.status = 'failed';
      rep.reason = (e as Error).message;
      log.error({ sector: String(n), err: rep.reason }, 'cannot plan sector');
    }
  }

  const planned = entries.filter((e): e is { report: SectorReport; plan: SectorPlan } => e.plan !== undefined);
  if (planned.length) {
    const pf = await preflight({
      plans: planned.map((e) => e.plan),
      parallel: opts.parallel,
      tempRoot: opts.tempRoot,
      resultRoot: opts.resultRoot,
      keepPrecommitFiles: opts.keepPrecommitFiles ?? false,
      ...(opts.probe ? { probe: opts.probe } : {}),
      ...(opts.parentsCacheDir ? { parentsCacheDir: opts.parentsCacheDir } : {}),
    });
    report.preflight = {
      tempNeeded: fmtBytes(pf.tempNeeded),
      tempFree: fmtBytes(pf.tempFree),
      resultNeeded: fmtBytes(pf.resultNeeded),
      resultFree: fmtBytes(pf.resultFree),
      memoryNeeded: fmtBytes(pf.memoryNeeded),
      memoryAvailable: fmtBytes(pf.memoryAvailable),
      sameFilesystem: pf.sameFilesystem,
      parentsCacheToGenerate: fmtBytes(pf.parentsCacheNeeded),
    };
    log.info(report.preflight, 'pre-flight ok');
  }
  for (const e of planned) opts.events?.phase?.(e.plan.name, 'queued');

  await schedule(
    planned,
    { parallel: opts.parallel, ...(opts.signal ? { signal: opts.signal } : {}) },
    (e) => recoverOne(e.plan, e.report, opts),
    (e) => {
      e.report.status = 'skipped';
      e.report.reason = 'cancelled before it started';
      opts.events?.phase?.(e.plan.name, 'done', 'cancelled');
    },
  );
  report.sectors = entries.map((e) => e.report);
  return finishReport(report);
}

async function recoverOne(plan: SectorPlan, rep: SectorReport, opts: RecoverOptions): Promise<void> {
  const log = opts.logger.child({ sector: plan.name });
  const ev = opts.events;
  const t0 = performance.now();
  const timings: NonNullable<SectorReport['timings']> = { totalMs: 0 };
  rep.timings = timings;
  rep.paths = { workDir: plan.workDir };
  let wd: SectorWorkDir | undefined;
  let removed = false;
  const stageStart = new Map<string, number>();
  try {
    wd = await SectorWorkDir.open(plan, { restart: opts.restart ?? false });
    rep.resumed = wd.resumed;
    log.info({ proof: plan.proof.name, resumed: wd.resumed, replicaId: rep.replicaId }, 'start');
    let stagedPath: string | null = plan.data.kind === 'cc' ? null : wd.dir.stagedPath;
    if (plan.data.kind === 'pieces' && !wd.staged) {
      ev?.phase?.(plan.name, 'staging');
      await stagePieces(plan.proof, plan.data.pieces, wd.dir.stagedPath, `sector ${plan.sector}`);
      await wd.markStaged();
    } else if (plan.data.kind === 'unsealed') {
      if (!wd.staged) ev?.phase?.(plan.name, 'staging');
      stagedPath = wd.staged ? wd.dir.stagedPath : await stageUnsealedCopy(plan.proof, plan.data.path, wd.dir.stagedPath);
      if (stagedPath === wd.dir.stagedPath) await wd.markStaged();
    }
    let outcome: SealOutcome;
    const prior = wd.sealed;
    if (prior && (await exists(wd.dir.sealedPath))) {
      outcome = { commC: c(prior.commC), commRLast: c(prior.commRLast), commR: c(prior.commR) };
      log.info('sealing finished in an earlier run; verifying its output');
    } else {
      ev?.phase?.(plan.name, 'sealing');
      const ts = performance.now();
      outcome = await opts.sealer.seal({
        proof: plan.proof,
        miner: plan.miner.id,
        sector: plan.sector,
        ticket: plan.ticket,
        commD: plan.commD,
        replicaId: plan.replicaId,
        cacheDir: wd.dir.cacheDir,
        sealedPath: wd.dir.sealedPath,
        stagedPath,
        onProgress: (p) => {
          if (!stageStart.has(p.stage)) stageStart.set(p.stage, performance.now());
          ev?.progress?.(plan.name, p);
        },
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const end = performance.now();
      timings.sealMs = Math.round(end - ts);
      // PC1 = labeling (after parents cache and tree-d); PC2 = tree-c through aux.
      const pc1 = stageStart.get('pc1');
      const pc2 = stageStart.get('tree-c');
      if (pc1 !== undefined) timings.pc1Ms = Math.round((pc2 ?? end) - pc1);
      if (pc2 !== undefined) timings.pc2Ms = Math.round(end - pc2);
      await wd.markSealed(outcome);
    }
    rep.commC = toHex(outcome.commC);
    rep.commRLast = toHex(outcome.commRLast);
    rep.commR = { expected: toHex(plan.expectedCommR), got: toHex(outcome.commR) };

    ev?.phase?.(plan.name, 'verifying');
    const tv = performance.now();
    const verdict = await verifySealed(plan, wd.dir, outcome);
    timings.verifyMs = Math.round(performance.now() - tv);
    if (!verdict.match) {
      rep.status = 'mismatch';
      rep.reason = `computed CommR ${toHex(verdict.got)} differs from the chain's SealedCID ${plan.sealedCid} (${toHex(verdict.expected)}); nothing was published`;
      log.error({ expected: rep.commR.expected, got: rep.commR.got, commC: rep.commC, commRLast: rep.commRLast }, 'CommR mismatch');
      // Re-sealing the same inputs gives the same answer; the files are of no use.
      await wd.remove();
      removed = true;
      delete rep.paths.workDir;
      return;
    }
    ev?.phase?.(plan.name, 'publishing');
    const tp = performance.now();
    const out = await publish(verdict.sector, {
      resultRoot: opts.resultRoot,
      keepPrecommitFiles: plan.keepPrecommitFiles,
      ...(opts.publishFault ? { fault: opts.publishFault } : {}),
    });
    timings.publishMs = Math.round(performance.now() - tp);
    rep.status = 'recovered';
    delete rep.reason;
    rep.paths = { sealed: out.sealedPath, cache: out.cacheDir };
    await wd.remove();
    removed = true;
    log.info({ sealed: out.sealedPath }, 'recovered');
  } catch (e) {
    rep.status = 'failed';
    rep.reason = opts.signal?.aborted ? `cancelled (${(e as Error).message}); rerun to resume from the working dir` : (e as Error).message;
    log.error({ err: rep.reason }, 'failed');
  } finally {
    timings.totalMs = Math.round(performance.now() - t0);
    if (wd && !removed) await wd.release().catch(() => undefined);
    ev?.phase?.(plan.name, 'done', rep.status);
  }
}

const c = (hex: string) => asCommitment(fromHex(hex));
