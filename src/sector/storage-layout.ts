// A lotus-miner / curio storage path (docs/sector-layout.md): one directory per file type, each
// holding `s-t0<miner>-<number>` entries. lotus storage/sealer/storiface/filetype.go.
import { join } from 'node:path';
import { asActorId, asSectorNumber, type ActorId, type SectorNumber } from '../proofs/types.js';

export const STORAGE_DIRS = {
  sealed: 'sealed',
  cache: 'cache',
  update: 'update',
  updateCache: 'update-cache',
  unsealed: 'unsealed',
} as const;

/** lotus `storage attach` reads this file to learn what the path may hold. */
export const SECTORSTORE_JSON = 'sectorstore.json';

/** The sector file name, `t0` even on mainnet (lotus storiface SectorName). */
export const sectorName = (miner: ActorId, sector: bigint): string => `s-t0${miner}-${sector}`;

const NAME = /^s-t0(\d+)-(\d+)$/;

/** The miner and number a `s-t0M-N` entry names, or undefined for a foreign entry. */
export function parseSectorName(name: string): { miner: ActorId; number: SectorNumber } | undefined {
  const m = NAME.exec(name);
  return m ? { miner: asActorId(BigInt(m[1]!)), number: asSectorNumber(m[2]!) } : undefined;
}

export interface SectorStoragePaths {
  readonly name: string;
  readonly sealed: string;
  readonly cache: string;
  readonly update: string;
  readonly updateCache: string;
  readonly unsealed: string;
}

export function storagePaths(root: string, name: string): SectorStoragePaths {
  return {
    name,
    sealed: join(root, STORAGE_DIRS.sealed, name),
    cache: join(root, STORAGE_DIRS.cache, name),
    update: join(root, STORAGE_DIRS.update, name),
    updateCache: join(root, STORAGE_DIRS.updateCache, name),
    unsealed: join(root, STORAGE_DIRS.unsealed, name),
  };
}
