// What the operator does after a run (docs/operator-guide.md#after-the-run): make the storage
// path known to lotus-miner or curio, check the recovered sectors can be proven in their
// deadlines, and see the faults clear. The commands are built from the run's own facts (the result
// path, the sectors and their deadlines) so they can be pasted as printed.
import type { RunReport } from './report.js';
import type { DeadlinePlan } from './deadline-order.js';

export interface Step {
  /** when / why to run it */
  readonly why: string;
  readonly command: string;
}

export interface RecoveredSector {
  readonly sector: string;
  readonly sealed?: string;
  readonly cache?: string;
  /** snap-upgraded sectors: the updated replica and its cache (what lotus-miner / curio prove with) */
  readonly update?: string;
  readonly updateCache?: string;
  /** the chain's SealedCID the published replica matches (for a snapped sector, the update's) */
  readonly sealedCid?: string;
  /** snapped sectors: the SectorKeyCID the rebuilt key matched */
  readonly sectorKeyCid?: string;
  readonly deadline?: number;
  readonly partition?: number;
  /** the chain's CommR was compared and equal (always true for a recovered sector) */
  readonly commRMatchesChain: boolean;
  readonly note?: string;
}

export interface NextSteps {
  readonly storagePath: string;
  readonly recovered: readonly RecoveredSector[];
  readonly lotus: readonly Step[];
  readonly curio: readonly Step[];
  readonly stillFailing: readonly { readonly sector: string; readonly status: string; readonly reason: string }[];
  readonly notes: readonly string[];
}

/** POSIX shell quoting, only when needed, so printed commands paste safely. */
export const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function buildNextSteps(report: RunReport, plan?: DeadlinePlan): NextSteps {
  const path = report.inputs.sealingResult;
  const q = shellQuote(path);
  const where = new Map(plan?.sectors.map((s) => [s.sector, s]) ?? []);
  const recovered: RecoveredSector[] = [];
  const stillFailing: { sector: string; status: string; reason: string }[] = [];
  for (const s of report.sectors) {
    const alreadyThere = s.status === 'skipped' && s.kind === 'already-present';
    if (s.status === 'recovered' || alreadyThere) {
      const at = where.get(s.sector);
      recovered.push({
        sector: s.sector,
        ...(s.paths?.sealed ? { sealed: s.paths.sealed } : {}),
        ...(s.paths?.cache ? { cache: s.paths.cache } : {}),
        ...(s.paths?.update ? { update: s.paths.update } : {}),
        ...(s.paths?.updateCache ? { updateCache: s.paths.updateCache } : {}),
        ...(s.update
          ? { sealedCid: s.update.sealedCid, ...(s.inputs?.sealedCid ? { sectorKeyCid: s.inputs.sealedCid } : {}) }
          : s.inputs?.sealedCid
            ? { sealedCid: s.inputs.sealedCid }
            : {}),
        ...(at?.deadline !== undefined ? { deadline: at.deadline } : {}),
        ...(at?.partition !== undefined ? { partition: at.partition } : {}),
        // a sector is published only after its CommR equalled the chain's (recover.ts finish());
        // one already present was checked by the run that published it
        commRMatchesChain: s.status === 'recovered',
        ...(alreadyThere ? { note: 'already in the result path from an earlier run (its CommR is not re-computed now; `sealer-recover verify --deep` does that)' } : {}),
      });
    } else {
      stillFailing.push({ sector: s.sector, status: s.status, reason: s.reason ?? (s.status === 'mismatch' ? 'computed CommR differs from the chain' : 'unknown') });
    }
  }
  const lotus: Step[] = [];
  const curio: Step[] = [];
  const notes: string[] = [];
  if (recovered.length > 0) {
    lotus.push(
      { why: `if ${path} is not yet a lotus-miner storage path (it has a sectorstore.json, so no --init)`, command: `lotus-miner storage attach --init=false --store ${q}` },
      { why: `if ${path} is already attached (lotus-miner must re-read which sectors it holds)`, command: `lotus-miner storage redeclare ${q}` },
    );
    curio.push(
      { why: `if ${path} is not yet a storage path of the curio node that proves these sectors`, command: `curio cli --machine <host:port> storage attach ${q}` },
      { why: 'if it is already attached: curio declares the sectors of its paths when it starts', command: 'restart that curio node (curio run …)' },
    );
    const byDeadline = new Map<number, { partitions: Set<number>; sectors: string[] }>();
    const unknown: string[] = [];
    for (const r of recovered) {
      if (r.deadline === undefined) unknown.push(r.sector);
      else {
        const e = byDeadline.get(r.deadline) ?? { partitions: new Set<number>(), sectors: [] };
        e.sectors.push(r.sector);
        if (r.partition !== undefined) e.partitions.add(r.partition);
        byDeadline.set(r.deadline, e);
      }
    }
    // in plan order: the soonest deadline's check first
    const order = [...byDeadline.keys()].sort((a, b) => firstIndex(plan, a) - firstIndex(plan, b));
    for (const d of order) {
      const e = byDeadline.get(d)!;
      const row = plan?.sectors.find((s) => s.deadline === d);
      const when = row?.openNow && !row.deferred ? ', open now' : row?.nextOpenTime ? `, opens ~${row.nextOpenTime.replace(/\.\d+Z$/, 'Z')}` : '';
      lotus.push({ why: `deadline ${d} (sectors ${e.sectors.join(', ')})${when}: every sector must read back and prove`, command: `lotus-miner proving check --slow ${d}` });
      for (const p of [...e.partitions].sort((a, b) => a - b)) {
        curio.push({ why: `deadline ${d} partition ${p}: compute a WindowPoSt here without sending it`, command: `curio test window-post here --deadline ${d} --partition ${p}` });
      }
    }
    if (unknown.length) {
      lotus.push({
        why: `sectors ${unknown.join(', ')}: deadline not known to this run (no node, or not active on chain); \`lotus-miner sectors status --on-chain-info <n>\` shows it`,
        command: 'lotus-miner proving check --slow <deadline>',
      });
      curio.push({ why: `sectors ${unknown.join(', ')}: with their deadline and partition`, command: 'curio test window-post here --deadline <deadline> --partition <partition>' });
    }
    lotus.push({ why: 'watch the faults clear: lotus-miner declares the recovery itself before the deadline\'s fault cutoff once the sectors check out', command: 'lotus-miner proving faults' });
    notes.push('curio declares recoveries on its own (its recover task) once the files are found in an attached path.');
    const pre = report.sectors.filter((s) => s.keptPrecommitFiles && (s.status === 'recovered' || s.status === 'skipped'));
    if (pre.length) notes.push(`sectors ${pre.map((s) => s.sector).join(', ')}: pre-committed only, never proven: their layers, tree-c and tree-d are kept in the cache dir for the sealing pipeline's ProveCommit.`);
  }
  if (!plan?.byDeadline) notes.push('no node gave the proving deadlines: sectors were recovered in the order given.');
  return { storagePath: path, recovered, lotus, curio, stillFailing, notes };
}

function firstIndex(plan: DeadlinePlan | undefined, d: number): number {
  const i = plan?.sectors.findIndex((s) => s.deadline === d) ?? -1;
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

/** The human block printed after the report table. */
export function renderNextSteps(n: NextSteps): string {
  const out: string[] = [];
  if (n.recovered.length) {
    out.push('', 'Recovered sectors:');
    for (const r of n.recovered) {
      const dl = r.deadline !== undefined ? ` (deadline ${r.deadline}, partition ${r.partition ?? '?'})` : '';
      out.push(`  sector ${r.sector}${dl}: ${r.commRMatchesChain ? 'CommR matches the chain' : 'already present'}${r.sealedCid ? ` (${r.sealedCid})` : ''}`);
      if (r.sectorKeyCid && r.commRMatchesChain) out.push(`    snap-upgraded: the rebuilt sector key matches SectorKeyCID ${r.sectorKeyCid}`);
      if (r.update) out.push(`    update        ${r.update}`);
      if (r.updateCache) out.push(`    update-cache  ${r.updateCache}`);
      if (r.sealed) out.push(`    sealed  ${r.sealed}`);
      if (r.cache) out.push(`    cache   ${r.cache}`);
      if (r.note) out.push(`    note    ${r.note}`);
    }
  }
  if (n.stillFailing.length) {
    out.push('', 'Still failing:');
    for (const f of n.stillFailing) out.push(`  sector ${f.sector} (${f.status}): ${f.reason.replace(/\s*\n\s*/g, ' ')}`);
  }
  if (n.lotus.length) {
    out.push('', 'Next steps with lotus-miner:');
    for (const s of n.lotus) out.push(`  # ${s.why}`, `  ${s.command}`);
    out.push('', 'Next steps with curio:');
    for (const s of n.curio) out.push(`  # ${s.why}`, `  ${s.command}`);
  }
  for (const note of n.notes) out.push(`note: ${note}`);
  return out.join('\n');
}
