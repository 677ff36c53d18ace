// What long-running work on sectors (recover, verify, and what comes next) tells whoever shows
// it: a phase per sector, and stage progress. The CLI's progress display implements it; the work
// modules depend only on this seam, never on each other.
import type { SealProgress } from './seal/contracts.js';

export type SectorPhase = 'queued' | 'staging' | 'sealing' | 'verifying' | 'publishing' | 'done';

export interface SectorEvents {
  /** `name` is the sector's file name (s-t0M-N) */
  phase?(name: string, phase: SectorPhase, detail?: string): void;
  progress?(name: string, p: SealProgress): void;
}
