// The recovery run: plan every requested sector, pre-flight, then per sector (at most --parallel
// at once, sectors of one proof in batches that share their labeling): working dir (resume or
// restart) → stage deal data → seal → verify CommR → publish.
// A sector's failure never stops the others; the report says what happened to each.
import { access } from 'node:fs/promises';
import { asCommitment, fromHex, toHex, type SectorNumber } from '../proofs/types.js';
import { formatMinerAddress, type MinerAddress } from '../chain/address.js';
import { sectorName } from '../sector/storage-layout.js';
import type { SectorRecord } from '../records/record.js';
import type { SectorEvents } from '../sector-events.js';
import { planSector, type SectorPlan } from './plan.js';
import { preflight, fmtBytes, realHostProbe, sectorNeeds, type HostProbe } from './preflight.js';
import { batchesOf, scheduleBatches } from './scheduler.js';
import { SectorWorkDir } from './workdir.js';
import { stagePieces } from './staging.js';
import { verifySealed } from './verify-commr.js';
import { isPublished, publish, publishedPaths, recoverInterruptedPublishes, sealedEntry, type PublishEntry, type PublishOptions } from './publish.js';
import { BACKUP_DIR, backupStamp, checkResultDirUsable, describePublished, halfSectorError, inspectPublished, publishedState, publishedUpdateDamage, type PublishedVerdict } from './result-dir.js';
import { explainDiskFull, type SectorStep } from './disk-full.js';
import type { VerifiedSector } from './verify-commr.js';
import { join } from 'node:path';
import { newReport, finishReport, type RunReport, type SectorReport } from './report.js';
import type { BatchOutcome, Sealer, SealJob, SealOutcome } from './sealer.js';
import type { Logger } from './logger.js';
import type { ProofsSettings } from '../sector/settings.js';
import { threadsNeeded } from '../platform/thread-pool.js';
import type { SealStage } from '../seal/contracts.js';

export interface RecoverOptions {
  readonly tempRoot: string;
  readonly resultRoot: string;
  readonly parallel: number;
  readonly restart?: boolean;
  /** move published copies (complete, damaged or half) to sealer-recover-backup/<stamp>/ and recover again */
  readonly overwrite?: boolean;
  /** the <stamp> of this run's backups; default the start time */
  readonly backupStamp?: string;
  readonly keepPrecommitFiles?: boolean;
  /** snapped sectors: also publish the rebuilt sector key as sealed/ + cache/ */
  readonly keepSectorKey?: boolean;
  readonly pieceDir?: string;
  readonly unsealedDir?: string;
  readonly sealer: Sealer;
  readonly logger: Logger;
  readonly events?: SectorEvents;
  readonly signal?: AbortSignal;
  readonly probe?: HostProbe;
  /** FIL_PROOFS_* settings: parents cache dir, tree-r-last rows_to_discard */
  readonly settings: ProofsSettings;
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
  if (report.machine.uvThreadpoolSize < threadsNeeded(opts.parallel)) {
    log.warn(
      { uvThreadpoolSize: report.machine.uvThreadpoolSize, parallel: opts.parallel },
      `UV_THREADPOOL_SIZE=${report.machine.uvThreadpoolSize} is too small for --parallel ${opts.parallel}: sectors will wait for each other's native jobs and file writes stall; ` +
        `set UV_THREADPOOL_SIZE=${threadsNeeded(opts.parallel)} or more (sealer-recover sets 64 unless you set it)`,
    );
  }
  opts = { ...opts, backupStamp: opts.backupStamp ?? backupStamp() };
  await checkResultDirUsable(opts.resultRoot);
  const rolled = await recoverInterruptedPublishes(opts.resultRoot);
  if (rolled.length) log.warn({ sectors: rolled }, 'completed publishes interrupted by an earlier run');

  const entries: { report: SectorReport; plan?: SectorPlan }[] = [];
  const halves: { name: string; state: Extract<PublishedVerdict, { kind: 'half' }>['state'] }[] = [];
  for (const n of requested) {
    const rep: SectorReport = { miner: minerStr, sector: String(n), status: 'skipped' };
    const name = sectorName(miner.id, n); // logs name sectors as their files do
    entries.push({ report: rep });
    const rec = records.find((r) => r.sectorNumber === n);
    if (!rec) {
      rep.kind = 'not-found';
      rep.reason = 'not found in the recovery metadata (export it first, or check the sector number)';
      log.warn({ sector: name }, rep.reason);
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
        log.warn({ sector: name }, 'pre-committed only: keeping layers, tree-c and tree-d for ProveCommit');
      }
      rep.inputs = { ticket: toHex(plan.ticket), sealedCid: plan.sealedCid, commD: toHex(plan.commD), data: plan.data.kind };
      rep.replicaId = toHex(plan.replicaId);
      if (plan.keepPrecommitFiles) rep.keptPrecommitFiles = true;
      rep.commR = { expected: toHex(plan.expectedCommR) };
      if (plan.update) {
        const u = plan.update;
        rep.update = { sealedCid: u.sealedCid, commD: toHex(u.commD), data: u.data.kind, commR: { expected: toHex(u.expectedCommR) } };
        // update/ + update-cache/: complete → skipped (or backed up with --overwrite); one half → the
        // operator decides (--overwrite), as for sealed/ + cache/.
        const there = await publishedState(opts.resultRoot, plan.name, ['update']);
        if (there.kind === 'half' && !opts.overwrite) {
          halves.push({ name: plan.name, state: there });
          rep.status = 'skipped';
          rep.reason = `half published: ${there.present.join(', ')} present, ${there.missing.join(', ')} missing`;
          continue;
        }
        if (there.kind === 'complete' && !opts.overwrite) {
          rep.paths = publishedPaths(opts.resultRoot, plan.name, ['update']);
          // as for sealed/ + cache/: a complete but damaged update is not "already present"
          const damage = await publishedUpdateDamage(opts.resultRoot, plan, opts.settings, opts.source);
          if (damage.length) {
            rep.status = 'failed';
            rep.kind = 'damaged-published';
            rep.damage = damage.map((c) => ({ check: c.name, detail: c.detail }));
            rep.reason =
              `the published update in ${opts.resultRoot} (update/${plan.name}, update-cache/${plan.name}) is damaged (${damage.map((c) => `${c.name}: ${c.detail}`).join('; ')}); ` +
              `rerun with --overwrite to move it to ${join(opts.resultRoot, BACKUP_DIR)}/<UTC time>/ and recover the sector again`;
            continue;
          }
          rep.status = 'skipped';
          rep.kind = 'already-present';
          rep.reason = `already present in ${opts.resultRoot} (update/${plan.name} and update-cache/${plan.name} pass the quick check); rerun with --overwrite to back them up and recover again`;
          continue;
        }
      } else {
        const there = await inspectPublished(opts.resultRoot, plan, { overwrite: opts.overwrite ?? false, settings: opts.settings, source: opts.source });
        if (there.kind !== 'to-seal') {
          describePublished(rep, there, opts.resultRoot, plan.name);
          if (there.kind === 'half') halves.push({ name: plan.name, state: there.state });
          // a run killed after publishing left its working dir behind
          if (there.kind === 'present') await SectorWorkDir.discardIfIdle(plan);
          continue;
        }
      }
      entries[entries.length - 1]!.plan = plan;
    } catch (e) {
      rep.status = 'failed';
      rep.reason = (e as Error).message;
      log.error({ sector: name, err: rep.reason }, 'cannot plan sector');
    }
  }

  // Before any sealing: half-published sectors need the operator's decision (--overwrite).
  if (halves.length) throw halfSectorError(opts.resultRoot, halves);
  const planned = entries.filter((e): e is { report: SectorReport; plan: SectorPlan } => e.plan !== undefined);
  if (planned.length) {
    const pf = await preflight({
      plans: planned.map((e) => e.plan),
      parallel: opts.parallel,
      tempRoot: opts.tempRoot,
      resultRoot: opts.resultRoot,
      keepPrecommitFiles: opts.keepPrecommitFiles ?? false,
      keepSectorKey: opts.keepSectorKey ?? false,
      ...(opts.probe ? { probe: opts.probe } : {}),
      settings: opts.settings,
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
      ...(pf.alreadyPaid > 0n ? { checkpointsOnDisk: fmtBytes(pf.alreadyPaid) } : {}),
    };
    log.info(report.preflight, 'pre-flight ok');
  }
  for (const e of planned) opts.events?.phase?.(e.plan.name, 'queued');

  const batches = batchesOf(planned, (e) => String(e.plan.proof.id), pc1BatchSize(planned, opts));
  await scheduleBatches(
    batches,
    { parallel: opts.parallel, ...(opts.signal ? { signal: opts.signal } : {}) },
    (batch) => recoverBatch(batch, opts),
    (e) => {
      e.report.status = 'skipped';
      e.report.kind = 'cancelled';
      e.report.reason = 'cancelled before it started';
      opts.events?.phase?.(e.plan.name, 'done', 'cancelled');
    },
  );
  report.sectors = entries.map((e) => e.report);
  return finishReport(report);
}

/**
 * How many sectors of one proof share a labeling run. A run is one thread: labeling K sectors in
 * it interleaves their SHA-256 streams (1.3–1.5× the throughput of one), but K sectors on K idle
 * cores go K× as fast. So the sectors in flight are spread over the cores first and only the
 * surplus is interleaved: ceil(in flight / min(in flight, cores)), never more than memory holds
 * (PC1 keeps two layers per sector in RAM; the largest proof decides).
 */
export function pc1BatchSize(planned: readonly { plan: SectorPlan }[], opts: Pick<RecoverOptions, 'parallel' | 'probe' | 'settings'>): number {
  const probe = opts.probe ?? realHostProbe;
  const inFlight = Math.max(1, Math.min(opts.parallel, planned.length));
  const threads = Math.max(1, Math.min(inFlight, (probe.cpuCores ?? realHostProbe.cpuCores!)()));
  const perSector = planned.reduce((m, e) => {
    const need = sectorNeeds(e.plan.proof, { staged: false, keepPrecommitFiles: false, settings: opts.settings }).memory;
    return need > m ? need : m;
  }, 1n);
  const byMemory = Number(probe.availableMemory() / perSector);
  return Math.max(1, Math.min(Math.ceil(inFlight / threads), byMemory));
}

/** One sector's run through a batch: opened work dir, then the sealer's outcome, then verify/publish. */
interface SectorRun {
  readonly plan: SectorPlan;
  readonly rep: SectorReport;
  readonly log: Logger;
  readonly t0: number;
  readonly timings: NonNullable<SectorReport['timings']>;
  /** when each sealing stage last reported progress (its final milestone marks its end) */
  readonly stageLast: Map<SealStage, number>;
  /** what the sector is doing, for error messages (a full disk names the step) */
  step: SectorStep;
  wd?: SectorWorkDir;
  removed: boolean;
  /** set when the sector cannot go on (error already recorded) */
  done: boolean;
  job?: SealJob;
  outcome?: SealOutcome;
  sealStart?: number;
}

/** Stages, seals (sharing PC1 when the sealer can), verifies and publishes a batch of one proof. */
async function recoverBatch(batch: readonly { plan: SectorPlan; report: SectorReport }[], opts: RecoverOptions): Promise<void> {
  const runs: SectorRun[] = batch.map((e) => ({
    plan: e.plan,
    rep: e.report,
    log: opts.logger.child({ sector: e.plan.name }),
    t0: performance.now(),
    timings: { totalMs: 0 },
    stageLast: new Map(),
    step: 'staging',
    removed: false,
    done: false,
  }));
  await Promise.all(runs.map((r) => guarded(r, opts, () => prepare(r, opts))));
  const toSeal = runs.filter((r) => !r.done && r.job);
  if (toSeal.length > 1 && opts.sealer.sealBatch) {
    for (const r of toSeal) {
      r.log.info({ pc1Batch: toSeal.length, with: toSeal.filter((o) => o !== r).map((o) => o.plan.name) }, 'labeling together with other sectors');
      opts.events?.phase?.(r.plan.name, 'sealing', `PC1 batch of ${toSeal.length}`);
      r.sealStart = performance.now();
    }
    let outs: BatchOutcome[];
    try {
      outs = await opts.sealer.sealBatch(
        toSeal.map((r) => r.job!),
        (msg) => opts.logger.warn({ sectors: toSeal.map((r) => r.plan.name) }, msg),
      );
    } catch (e) {
      outs = toSeal.map(() => ({ ok: false, error: e as Error }));
    }
    await Promise.all(
      toSeal.map((r, k) =>
        guarded(r, opts, async () => {
          const o = outs[k]!;
          if (!o.ok) throw o.error;
          await sealed(r, o.outcome);
        }),
      ),
    );
  } else {
    await Promise.all(
      toSeal.map((r) =>
        guarded(r, opts, async () => {
          opts.events?.phase?.(r.plan.name, 'sealing');
          r.sealStart = performance.now();
          await sealed(r, await opts.sealer.seal(r.job!));
        }),
      ),
    );
  }
  await Promise.all(runs.map((r) => guarded(r, opts, () => finish(r, opts))));
  await Promise.all(runs.map((r) => close(r, opts)));
}

/** Runs one step of a sector; an error marks that sector failed and leaves the others alone. */
async function guarded(r: SectorRun, opts: RecoverOptions, step: () => Promise<void>): Promise<void> {
  if (r.done) return;
  try {
    await step();
  } catch (thrown) {
    const e = explainDiskFull(thrown, { step: r.step, sector: r.plan.name, tempRoot: opts.tempRoot, resultRoot: opts.resultRoot });
    r.done = true;
    r.rep.status = 'failed';
    r.rep.reason = opts.signal?.aborted ? `cancelled (${(e as Error).message}); rerun to resume from the working dir` : (e as Error).message;
    r.log.error({ err: r.rep.reason }, 'failed');
  }
}

/** Work dir (resume or restart), deal data staged, and the seal job unless an earlier run sealed it. */
async function prepare(r: SectorRun, opts: RecoverOptions): Promise<void> {
  const { plan, rep, log } = r;
  const ev = opts.events;
  rep.timings = r.timings;
  rep.paths = { workDir: plan.workDir };
  const wd = (r.wd = await SectorWorkDir.open(plan, { restart: opts.restart ?? false }));
  rep.resumed = wd.resumed;
  log.info({ proof: plan.proof.name, resumed: wd.resumed, replicaId: rep.replicaId }, 'start');
  let stagedPath: string | null = plan.data.kind === 'cc' ? null : wd.dir.stagedPath;
  if (plan.data.kind === 'pieces' && !wd.staged) {
    ev?.phase?.(plan.name, 'staging');
    await stagePieces(plan.proof, plan.data.pieces, wd.dir.stagedPath, `sector ${plan.sector}`);
    await wd.markStaged();
  } else if (plan.data.kind === 'unsealed') {
    // Read in place: every stage reads only the first sector_bytes, so the partial file's trailer
    // is ignored as rust's set_len() cuts it (no copy needed).
    stagedPath = plan.data.path;
  }
  r.step = 'sealing';
  const prior = wd.sealed;
  if (prior && (await exists(wd.dir.sealedPath))) {
    r.outcome = { commC: c(prior.commC), commRLast: c(prior.commRLast), commR: c(prior.commR) };
    log.info('sealing finished in an earlier run; verifying its output');
    return;
  }
  r.job = {
    proof: plan.proof,
    miner: plan.miner.id,
    sector: plan.sector,
    ticket: plan.ticket,
    commD: plan.commD,
    replicaId: plan.replicaId,
    cacheDir: wd.dir.cacheDir,
    sealedPath: wd.dir.sealedPath,
    stagedPath,
    settings: opts.settings,
    onProgress: (p) => {
      r.stageLast.set(p.stage, performance.now());
      ev?.progress?.(plan.name, p);
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}

/**
 * PC1 = labeling, PC2 = tree-c through aux, from when each stage last reported progress: kernels
 * report after their first chunk (a GPU tree-c of an 8MiB sector reports once, at its end), so a
 * stage starts where the stage before it ended (its final milestone), not at its first report.
 * Stages an earlier run finished report nothing and get no figure.
 */
export function stageTimings(last: ReadonlyMap<SealStage, number>, sealStart: number, end: number): { pc1Ms?: number; pc2Ms?: number } {
  const pc1End = last.get('pc1');
  if (pc1End === undefined) {
    const pc2Stages = (['tree-c', 'encode', 'tree-r-last', 'aux'] as const).some((st) => last.has(st));
    return pc2Stages ? { pc2Ms: Math.round(end - sealStart) } : {};
  }
  const beforePc1 = Math.max(sealStart, last.get('parents-cache') ?? -Infinity, last.get('tree-d') ?? -Infinity);
  return { pc1Ms: Math.round(pc1End - beforePc1), pc2Ms: Math.round(end - pc1End) };
}

async function sealed(r: SectorRun, outcome: SealOutcome): Promise<void> {
  const end = performance.now();
  r.timings.sealMs = Math.round(end - (r.sealStart ?? end));
  const t = stageTimings(r.stageLast, r.sealStart ?? end, end);
  if (t.pc1Ms !== undefined) r.timings.pc1Ms = t.pc1Ms;
  if (t.pc2Ms !== undefined) r.timings.pc2Ms = t.pc2Ms;
  if (outcome.pc1BatchSize !== undefined) r.rep.pc1BatchSize = outcome.pc1BatchSize;
  r.outcome = outcome;
  await r.wd!.markSealed(outcome);
}

/** Verify CommR against the chain, then publish (or discard on a mismatch). */
async function finish(r: SectorRun, opts: RecoverOptions): Promise<void> {
  const { plan, rep, log } = r;
  const ev = opts.events;
  const wd = r.wd!;
  const outcome = r.outcome!;
  rep.commC = toHex(outcome.commC);
  rep.commRLast = toHex(outcome.commRLast);
  if (outcome.treeDevices) rep.trees = { ...outcome.treeDevices };
  rep.commR = { expected: toHex(plan.expectedCommR), got: toHex(outcome.commR) };

  r.step = 'verifying';
  ev?.phase?.(plan.name, 'verifying');
  const tv = performance.now();
  const verdict = await verifySealed(plan, wd.dir, outcome, opts.settings);
  r.timings.verifyMs = Math.round(performance.now() - tv);
  if (!verdict.match) {
    rep.status = 'mismatch';
    rep.reason = plan.update
      ? `the rebuilt sector key's CommR ${toHex(verdict.got)} differs from the chain's SectorKeyCID ${plan.sealedCid} (${toHex(verdict.expected)}): the key (ticket, seal proof) is not this sector's; nothing was published`
      : `computed CommR ${toHex(verdict.got)} differs from the chain's SealedCID ${plan.sealedCid} (${toHex(verdict.expected)}); nothing was published`;
    log.error({ expected: rep.commR.expected, got: rep.commR.got, commC: rep.commC, commRLast: rep.commRLast }, 'CommR mismatch');
    // Re-sealing the same inputs gives the same answer; the files are of no use.
    await wd.remove();
    r.removed = true;
    delete rep.paths!.workDir;
    return;
  }
  if (plan.update) {
    await finishUpdate(r, opts, verdict.sector);
    return;
  }
  await publishSector(r, [sealedEntry(verdict.sector, plan.keepPrecommitFiles)], opts);
}

/** Publishes a verified sector's parts, fills its report entry, removes its working dir. */
async function publishSector(r: SectorRun, entries: readonly PublishEntry[], opts: RecoverOptions): Promise<void> {
  const { plan, rep, log } = r;
  r.step = 'publishing';
  opts.events?.phase?.(plan.name, 'publishing');
  const tp = performance.now();
  const out = await publish(plan.name, entries, {
    resultRoot: opts.resultRoot,
    ...(opts.overwrite ? { overwrite: { stamp: opts.backupStamp! } } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.publishFault ? { fault: opts.publishFault } : {}),
  });
  r.timings.publishMs = Math.round(performance.now() - tp);
  rep.paths = out.paths;
  if (out.kind === 'already-present') {
    // another run on the same result path published it while this one sealed
    rep.status = 'skipped';
    rep.kind = 'already-present';
    rep.reason = `already present in ${opts.resultRoot}: another run published it while this one was sealing`;
  } else {
    rep.status = 'recovered';
    delete rep.reason;
    if (out.backup) rep.backup = [...out.backup];
  }
  await r.wd!.remove();
  r.removed = true;
  log.info(
    { ...out.paths, ...(out.kind === 'published' && out.backup ? { backup: out.backup } : {}) },
    out.kind === 'published' ? 'recovered' : 'already present: another run published it',
  );
}

/**
 * A snapped sector whose key matched SectorKeyCID: stage the new data, encode it into the key, check
 * the new CommR against SealedCID, publish update/ + update-cache/ (and the key with --keep-sector-key).
 */
async function finishUpdate(r: SectorRun, opts: RecoverOptions, key: VerifiedSector): Promise<void> {
  const { plan, rep, log } = r;
  const u = plan.update!;
  const wd = r.wd!;
  const ev = opts.events;
  if (!opts.sealer.encodeUpdate) throw new Error(`${plan.name} is snap-upgraded and the ${opts.sealer.name} sealer cannot encode SnapDeals updates`);
  let stagedPath: string;
  if (u.data.kind === 'pieces') {
    r.step = 'staging';
    ev?.phase?.(plan.name, 'staging', 'update data');
    stagedPath = join(wd.dir.root, 'update-staged');
    await stagePieces(plan.proof, u.data.pieces, stagedPath, `sector ${plan.sector} (snap update)`);
  } else stagedPath = u.data.path;
  r.step = 'sealing'; // a full disk here names --sealing-temp, where the new replica is written
  ev?.phase?.(plan.name, 'sealing', 'snap encode');
  const te = performance.now();
  const replicaPath = join(wd.dir.root, 'update');
  const updateCacheDir = join(wd.dir.root, 'update-cache');
  const out = await opts.sealer.encodeUpdate({
    proof: plan.proof,
    keyPath: wd.dir.sealedPath,
    keyCacheDir: wd.dir.cacheDir,
    stagedPath,
    commD: u.commD,
    replicaPath,
    updateCacheDir,
    onProgress: (p) => ev?.progress?.(plan.name, p),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  r.timings.updateMs = Math.round(performance.now() - te);
  rep.update!.commR.got = toHex(out.commR);
  rep.update!.commRLast = toHex(out.commRLast);
  if (Buffer.compare(out.commR, u.expectedCommR) !== 0) {
    rep.status = 'mismatch';
    rep.reason =
      `the sector key matched SectorKeyCID ${plan.sealedCid}, but the updated replica's CommR ${toHex(out.commR)} differs from the chain's SealedCID ` +
      `${u.sealedCid} (${toHex(u.expectedCommR)}): the new data (pieces or unsealed copy) is not what was snapped in; nothing was published`;
    log.error({ expected: rep.update!.commR.expected, got: rep.update!.commR.got }, 'update CommR mismatch');
    await wd.remove();
    r.removed = true;
    delete rep.paths!.workDir;
    return;
  }
  // One publish: update/ + update-cache/, with --keep-sector-key the key's sealed/ + cache/ too
  // (unless a copy of the key is already there: the operator's, left as it is).
  const entries: PublishEntry[] = [{ part: 'update', replica: replicaPath, cacheDir: updateCacheDir }];
  if (opts.keepSectorKey && (await isPublished(opts.resultRoot, plan.name, ['sealed']))) {
    log.warn('--keep-sector-key: sealed/ and cache/ of this sector already exist in the result path; left as they are');
  } else if (opts.keepSectorKey) entries.push(sealedEntry(key, plan.keepPrecommitFiles));
  await publishSector(r, entries, opts);
}

async function close(r: SectorRun, opts: RecoverOptions): Promise<void> {
  r.timings.totalMs = Math.round(performance.now() - r.t0);
  if (r.wd && !r.removed) await r.wd.release().catch(() => undefined);
  opts.events?.phase?.(r.plan.name, 'done', r.rep.status);
}

const c = (hex: string) => asCommitment(fromHex(hex));
