// The run report (design.md "Report"): one object per run, one entry per requested sector with its
// outcome, the commitments needed to diagnose a mismatch, timings and paths.
import { writeFile, rename } from 'node:fs/promises';
import { cpus } from 'node:os';
import { threadPoolSize } from '../platform/thread-pool.js';
import type { DeadlinePlan } from './deadline-order.js';
import type { NextSteps } from './next-steps.js';

export type SectorStatus = 'recovered' | 'mismatch' | 'failed' | 'skipped';

/**
 * Why a sector was not worked on or not published by this run, as data (decisions never read
 * `reason`): `already-present` = a complete copy that passes the quick check is in the result path
 * (counts as done); `damaged-published` = the published copy fails the quick check (rerun with
 * --overwrite); `not-found` = no record for it; `cancelled` = the run stopped before it started.
 */
export type SectorOutcomeKind = 'already-present' | 'damaged-published' | 'not-found' | 'cancelled';

export interface SectorReport {
  miner: string;
  sector: string;
  proof?: string;
  status: SectorStatus;
  /** set with status skipped/failed when the cause is one of the typed kinds above */
  kind?: SectorOutcomeKind;
  reason?: string;
  /** the quick checks the published copy failed (kind damaged-published) */
  damage?: { check: string; detail: string }[];
  /** where --overwrite moved the files it replaced */
  backup?: string[];
  inputs?: { ticket: string; sealedCid: string; commD: string; data: 'cc' | 'pieces' | 'unsealed' };
  replicaId?: string;
  commC?: string;
  commRLast?: string;
  commR?: { expected: string; got?: string };
  resumed?: boolean;
  /** sectors labeled together in this sector's PC1 run (multi-sector labeling), 1 = alone */
  pc1BatchSize?: number;
  /** who built tree-c and tree-r-last: 'cpu', OpenCL device ids (comma-separated when base trees spread over several), or 'resumed' (docs/gpu.md) */
  trees?: { treeC: string; treeRLast: string };
  /** layers, tree-c and tree-d were published too (pre-committed only, or --keep-precommit-files) */
  keptPrecommitFiles?: boolean;
  timings?: { sealMs?: number; updateMs?: number; pc1Ms?: number; pc2Ms?: number; verifyMs?: number; publishMs?: number; totalMs: number };
  /** a snapped sector: inputs/commR above are its sector key's (SectorKeyCID), this is the update (SealedCID) */
  update?: { sealedCid: string; commD: string; data: 'pieces' | 'unsealed'; commR: { expected: string; got?: string }; commRLast?: string };
  paths?: { workDir?: string; sealed?: string; cache?: string; update?: string; updateCache?: string };
}

export interface RunReport {
  tool: { name: 'sealer-recover'; version: string };
  startedAt: string;
  finishedAt?: string;
  inputs: { source: string; miner: string; sealer: string; parallel: number; sealingTemp: string; sealingResult: string };
  /** uvThreadpoolSize: libuv's pool, one thread per running native job (docs/operator-guide.md#threads) */
  machine: { cpus: number; model: string; uvThreadpoolSize: number };
  preflight?: Record<string, string | boolean>;
  sectors: SectorReport[];
  summary?: Record<SectorStatus, number>;
  /** how the sectors were chosen (arguments, file, chain faults) */
  selection?: { origins: string[]; faulty?: { faults: number; recovering: number; via: string } };
  /** the order the sectors were worked in, with their proving deadlines when a node gave them */
  order?: DeadlinePlan;
  /** commands to bring the recovered sectors back into proving; sectors still failing */
  nextSteps?: NextSteps;
}

export function newReport(version: string, inputs: RunReport['inputs']): RunReport {
  const c = cpus();
  return {
    tool: { name: 'sealer-recover', version },
    startedAt: new Date().toISOString(),
    inputs,
    machine: { cpus: c.length, model: c[0]?.model ?? 'unknown', uvThreadpoolSize: threadPoolSize() },
    sectors: [],
  };
}

export function finishReport(r: RunReport): RunReport {
  r.finishedAt = new Date().toISOString();
  const summary: Record<SectorStatus, number> = { recovered: 0, mismatch: 0, failed: 0, skipped: 0 };
  for (const s of r.sectors) summary[s.status]++;
  r.summary = summary;
  return r;
}

/** Exit code for the CLI: 0 only if every requested sector was recovered (or already present). */
export const allRecovered = (r: RunReport): boolean =>
  r.sectors.length > 0 && r.sectors.every((s) => s.status === 'recovered' || (s.status === 'skipped' && s.kind === 'already-present'));

export async function writeReport(path: string, r: RunReport): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(r, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/**
 * " (trees on opencl:0:0)" when a device other than the CPU built any base tree (every device that
 * did, the CPU included after a fallback); nothing when the CPU built them all.
 */
function treesOn(s: SectorReport): string {
  const named = [s.trees?.treeC, s.trees?.treeRLast].flatMap((d) => (d ? d.split(', ') : []));
  const on = [...new Set(named)].filter((d) => d !== 'resumed').sort();
  return on.some((d) => d !== 'cpu') ? ` (trees on ${on.join(', ')})` : '';
}

/** Human table for a terminal. */
export function renderReport(r: RunReport): string {
  const rows = [['sector', 'proof', 'status', 'time', 'detail']];
  for (const s of r.sectors) {
    const t = s.timings ? `${(s.timings.totalMs / 1000).toFixed(1)}s` : '';
    const detail =
      s.status === 'recovered'
        ? (s.paths?.update ?? s.paths?.sealed ?? '') + treesOn(s)
        : s.status === 'mismatch'
          ? s.update?.commR.got !== undefined
            ? `update CommR expected ${s.update.commR.expected.slice(0, 16)}… got ${s.update.commR.got.slice(0, 16)}…`
            : `CommR expected ${s.commR?.expected.slice(0, 16)}… got ${s.commR?.got?.slice(0, 16)}…`
          : (s.reason ?? '');
    rows.push([`${s.miner}/${s.sector}`, s.proof ?? '', s.status, t, detail.replace(/\s*\n\s*/g, ' ')]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(w[i]!))).join('  ');
  const sum = r.summary ? `\n${Object.entries(r.summary).map(([k, v]) => `${k}: ${v}`).join(', ')}` : '';
  return rows.map(line).join('\n') + sum;
}
