// What a job carries besides its payload: the progress a worker reports into it and the outcome it
// leaves (the sector's entry of the run report, exactly as `recover --json` writes it).
import type { SectorReport } from '../recover/report.js';
import type { JobPayload } from './payload.js';

export interface JobProgressInfo {
  /** the pipeline phase (staging, sealing, verifying, publishing) or seal stage (parents-cache, tree-d, pc1, tree-c, tree-r-last…) */
  readonly stage: string;
  /** of this stage, 0-100 */
  readonly percent: number;
  readonly layer?: number;
  readonly worker: string;
}

export interface JobOutcome {
  readonly worker: string;
  readonly sector: SectorReport;
}

/** A job's data: the payload, plus the last outcome when an attempt ended in failure or mismatch. */
export type JobData = JobPayload & { readonly outcome?: JobOutcome };
