// One message for a full disk wherever a sector hits it — staging deal data, sealing, publishing
// (docs/reliability.md#disk-full): which path filled, that nothing half-finished was published,
// that the checkpoints are kept, and how to go on (free space, rerun the same command; the
// pre-flight counts the sector's own checkpoints as already paid).
import { IoError } from '../errors.js';

export class DiskFullError extends IoError {
  override name = 'DiskFullError';
}

const FULL = new Set(['ENOSPC', 'EDQUOT']);

export type SectorStep = 'staging' | 'sealing' | 'verifying' | 'publishing';

/** `e` as a DiskFullError when it is a full disk or quota (errno or native code), else `e` unchanged. */
export function explainDiskFull(e: unknown, ctx: { step: SectorStep; sector: string; tempRoot: string; resultRoot: string }): unknown {
  if (e instanceof DiskFullError) return e;
  // Node errors and native addon errors both carry the errno name in `code` (native/sdr/README.md)
  const code = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  if (typeof code !== 'string' || !FULL.has(code)) return e;
  const path = (e as NodeJS.ErrnoException).path;
  const where = ctx.step === 'publishing' ? `--sealing-result ${ctx.resultRoot}` : `--sealing-temp ${ctx.tempRoot}`;
  const what = code === 'EDQUOT' ? 'the disk quota was exceeded' : 'the disk is full';
  return new DiskFullError(
    `${what} (${code}${path ? ` writing ${path}` : ''}) while ${ctx.step} ${ctx.sector}: nothing half-finished was published and the ` +
      `working dir keeps its checkpoints. Free space on ${where} and rerun the same command: it resumes where this run stopped.`,
    { cause: e },
  );
}
