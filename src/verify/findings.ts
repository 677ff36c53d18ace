// What a scan says about one sector: a list of named checks, each passed or failed with the
// expected and found values, folded into one status. Plain data so reports serialise as-is.
import type { ReplicaKind } from './sector-dirs.js';

export type CheckName =
  | 'proof-type'
  | 'sealed-file'
  /** a snapped sector's new replica, update/s-t0M-N: the same checks as sealed-file */
  | 'update-file'
  /** update/ without update-cache/ or the reverse: lotus needs both to prove a snapped sector */
  | 'update-pair'
  /** a snapped sector's original replica (sealed/): absent is fine, lotus releases it after the upgrade */
  | 'sector-key'
  /** update-cache/'s comm_c equals cache/'s: a snap upgrade keeps the key's columns */
  | 'update-comm_c'
  | 'p_aux'
  | 't_aux'
  | 'tree-r-last-files'
  | 'tree-r-last-rows'
  | 'comm_r_last'
  | 'comm_r'
  | 'chain-comm_r'
  /** a few tree-r-last nodes recomputed from slices of the sealed file: is it this sector's replica? */
  | 'replica-sample'
  | 'replica-tree-r-last'
  /** a file could not be read at all (permissions, I/O error): nothing about the sector is known */
  | 'read';

/**
 * - ok: every check passed
 * - missing: a file lotus needs to prove the sector (CheckProvable's list) is absent
 * - damaged: a file is present but wrong (size, decoding, a commitment that does not match)
 * - error: a check could not be carried out (node unreachable, sector unknown to the chain)
 */
export type SectorStatus = 'ok' | 'damaged' | 'missing' | 'error';

export interface Check {
  readonly name: CheckName;
  /** which replica the check is about: sealed/ + cache/ or update/ + update-cache/ (docs/verify.md#snap-upgraded-sectors) */
  readonly replica?: ReplicaKind;
  readonly ok: boolean;
  /** one line: what was checked, or what is wrong and what to do */
  readonly detail: string;
  readonly expected?: string;
  readonly found?: string;
  /** paths of absent files (status missing) */
  readonly missing?: readonly string[];
  /** failed because it could not be run, not because the sector is bad (status error) */
  readonly inconclusive?: boolean;
}

export const pass = (name: CheckName, detail: string, extra: Partial<Check> = {}): Check => ({ name, ok: true, detail, ...extra });
export const fail = (name: CheckName, detail: string, extra: Partial<Check> = {}): Check => ({ name, ok: false, detail, ...extra });

/** Missing outranks damaged (restore the file first), damaged outranks error. */
export function statusOf(checks: readonly Check[]): SectorStatus {
  const failed = checks.filter((c) => !c.ok);
  if (failed.some((c) => c.missing?.length)) return 'missing';
  if (failed.some((c) => !c.inconclusive)) return 'damaged';
  if (failed.length) return 'error';
  return 'ok';
}
