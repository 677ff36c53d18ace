// Which sectors a storage path holds: `sealed/s-t0<M>-<N>` files and `cache/s-t0<M>-<N>/` dirs
// (docs/sector-layout.md). A sector with only
// one of the two is still listed, so the scan can report what is missing.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { parseSectorName, sectorName, STORAGE_DIRS, storagePaths } from '../sector/storage-layout.js';
import type { ActorId, SectorNumber } from '../proofs/types.js';

export interface SectorLocation {
  readonly miner: ActorId;
  readonly number: SectorNumber;
  /** s-t0<M>-<N> */
  readonly name: string;
  readonly sealedPath: string;
  readonly cacheDir: string;
}

async function entries(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InputError(`cannot list ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export const sectorLocation = (root: string, miner: ActorId, number: SectorNumber): SectorLocation => {
  const p = storagePaths(root, sectorName(miner, number));
  return { miner, number, name: p.name, sealedPath: p.sealed, cacheDir: p.cache };
};

export interface FindOptions {
  readonly miner?: ActorId;
  /** only these numbers; they are listed even when no file exists (status missing) */
  readonly sectors?: readonly SectorNumber[];
}

/** Sectors under `root`, ordered by miner then number. */
export async function findSectors(root: string, opts: FindOptions = {}): Promise<SectorLocation[]> {
  const sealed = await entries(join(root, STORAGE_DIRS.sealed));
  const cache = await entries(join(root, STORAGE_DIRS.cache));
  if (sealed === null && cache === null) {
    throw new InputError(`${root} has neither a sealed/ nor a cache/ directory: give the storage path that holds them (--sealing-result)`);
  }
  const found = new Map<string, SectorLocation>();
  for (const n of [...(sealed ?? []), ...(cache ?? [])]) {
    const id = parseSectorName(n);
    // lotus skips nothing silently but we are read-only: foreign entries (fetching/, *.tmp) are ignored.
    if (!id) continue;
    const loc = sectorLocation(root, id.miner, id.number);
    if (opts.miner !== undefined && loc.miner !== opts.miner) continue;
    found.set(loc.name, loc);
  }
  if (opts.sectors?.length) {
    const miners = opts.miner !== undefined ? [opts.miner] : [...new Set([...found.values()].map((l) => l.miner))];
    if (miners.length === 0) throw new InputError(`no sector of any miner under ${root}: pass --miner so the requested sectors can be named`);
    if (miners.length > 1) throw new InputError(`${root} holds sectors of several miners (${miners.map((m) => `f0${m}`).join(', ')}): pass --miner`);
    return opts.sectors.map((n) => found.get(sectorName(miners[0]!, n)) ?? sectorLocation(root, miners[0]!, n));
  }
  return [...found.values()].sort((a, b) => (a.miner === b.miner ? Number(a.number - b.number) : Number(a.miner - b.miner)));
}
