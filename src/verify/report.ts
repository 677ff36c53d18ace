// One report per scan pass: per sector its status and every check, plus a summary. JSON for
// machines (--json, --report), a table for people.
import { rename, writeFile } from 'node:fs/promises';
import type { Check, SectorStatus } from './findings.js';

export interface SectorVerdict {
  miner: string;
  sector: string;
  /** s-t0<M>-<N> */
  name: string;
  /** SnapDeals-upgraded: update/ + update-cache/ are what lotus proves; commR is then comm_r_new */
  snapped?: boolean;
  proof?: string;
  proofAssumption?: string;
  status: SectorStatus;
  commR?: string;
  checks: Check[];
  ms: number;
}

export interface VerifyReport {
  tool: { name: 'sealer-recover'; command: 'verify'; version: string };
  startedAt: string;
  finishedAt?: string;
  storage: string;
  mode: 'quick' | 'deep';
  /** where expected CommRs came from, or "none" */
  chainSource: string;
  sectors: SectorVerdict[];
  summary?: Record<SectorStatus, number>;
}

export function summarize(r: VerifyReport): VerifyReport {
  const s: Record<SectorStatus, number> = { ok: 0, damaged: 0, missing: 0, error: 0 };
  for (const v of r.sectors) s[v.status]++;
  r.summary = s;
  r.finishedAt ??= new Date().toISOString();
  return r;
}

export const allOk = (r: VerifyReport): boolean => r.sectors.every((s) => s.status === 'ok');

export async function writeVerifyReport(path: string, r: VerifyReport): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(r, null, 2)}\n`);
  await rename(tmp, path);
}

/** `verify.json` → `verify-20261122T021500.123Z.json`: one file per scheduled pass. */
export function passReportPath(path: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '');
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return dot > slash + 1 ? `${path.slice(0, dot)}-${stamp}${path.slice(dot)}` : `${path}-${stamp}`;
}

function describe(v: SectorVerdict): string {
  const bad = v.checks.filter((c) => !c.ok);
  if (!bad.length) return v.commR ? `${v.snapped ? 'update/ CommR' : 'CommR'} ${v.commR}` : '';
  return bad
    .map((c) => {
      const ev = c.expected || c.found ? ` [expected ${c.expected ?? '?'}, found ${c.found ?? '?'}]` : '';
      const miss = c.missing?.length ? ` (${c.missing.join(', ')})` : '';
      return `${c.replica ? `[${c.replica}] ` : ''}${c.name}: ${c.detail}${miss}${ev}`;
    })
    .join(' | ');
}

export function renderVerifyReport(r: VerifyReport): string {
  const rows = [['sector', 'proof', 'status', 'detail']];
  for (const v of r.sectors) rows.push([`${v.miner}/${v.sector}`, `${v.proof ?? ''}${v.snapped ? ' (snapped)' : ''}`, v.status, describe(v).replace(/\s*\n\s*/g, ' ')]);
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(w[i]!))).join('  ');
  const notes = [...new Set(r.sectors.map((v) => v.proofAssumption).filter((a): a is string => !!a))].map((a) => `note: ${a}`);
  const sum = r.summary ? `${r.mode} scan of ${r.storage}: ${Object.entries(r.summary).map(([k, n]) => `${k} ${n}`).join(', ')}` : '';
  return [...rows.map(line), ...notes, sum].filter((l) => l !== '').join('\n');
}
