// Which sectors a storage path holds: `sealed/s-t0<M>-<N>` files and `cache/s-t0<M>-<N>/` dirs,
// and for SnapDeals-upgraded sectors `update/s-t0<M>-<N>` + `update-cache/s-t0<M>-<N>/`
// (docs/sector-layout.md, docs/verify.md#snap-upgraded-sectors). A sector with only one of a pair
// is still listed, so the scan can report what is missing.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { parseSectorName, sectorName, STORAGE_DIRS, storagePaths } from '../sector/storage-layout.js';
import type { ActorId, SectorNumber } from '../proofs/types.js';

/** sealed = sealed/ + cache/ (the original replica, or a snapped sector's key); update = update/ + update-cache/ */
export type ReplicaKind = 'sealed' | 'update';

/** One replica and the cache dir that proves it. */
export interface ReplicaFiles {
  readonly kind: ReplicaKind;
  /** s-t0<M>-<N> */
  readonly name: string;
  readonly replicaPath: string;
  readonly cacheDir: string;
}

/** Which of the four entries the storage path listed for the sector. */
export interface Entries {
  readonly sealed: boolean;
  readonly cache: boolean;
  readonly update: boolean;
  readonly updateCache: boolean;
}

export interface SectorLocation {
  readonly miner: ActorId;
  readonly number: SectorNumber;
  /** s-t0<M>-<N> */
  readonly name: string;
  readonly sealedPath: string;
  readonly cacheDir: string;
  readonly updatePath: string;
  readonly updateCacheDir: string;
  readonly present: Entries;
}

async function entries(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InputError(`cannot list ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const NONE: Entries = { sealed: false, cache: false, update: false, updateCache: false };

export const sectorLocation = (root: string, miner: ActorId, number: SectorNumber, present: Entries = NONE): SectorLocation => {
  const p = storagePaths(root, sectorName(miner, number));
  return { miner, number, name: p.name, sealedPath: p.sealed, cacheDir: p.cache, updatePath: p.update, updateCacheDir: p.updateCache, present };
};

/** The replica of `kind` with its cache dir. */
export const replicaFiles = (loc: Pick<SectorLocation, 'name' | 'sealedPath' | 'cacheDir' | 'updatePath' | 'updateCacheDir'>, kind: ReplicaKind): ReplicaFiles =>
  kind === 'sealed'
    ? { kind, name: loc.name, replicaPath: loc.sealedPath, cacheDir: loc.cacheDir }
    : { kind, name: loc.name, replicaPath: loc.updatePath, cacheDir: loc.updateCacheDir };

/** update/ or update-cache/ listed: the sector was upgraded with SnapDeals (lotus proves update/). */
export const isSnapped = (loc: SectorLocation): boolean => loc.present.update || loc.present.updateCache;

export interface FindOptions {
  readonly miner?: ActorId;
  /** only these numbers; they are listed even when no file exists (status missing) */
  readonly sectors?: readonly SectorNumber[];
}

type Dir = keyof Entries;
const DIRS: readonly Dir[] = ['sealed', 'cache', 'update', 'updateCache'];

/** Sectors under `root`, ordered by miner then number. */
export async function findSectors(root: string, opts: FindOptions = {}): Promise<SectorLocation[]> {
  const listed = await Promise.all(DIRS.map((d) => entries(join(root, STORAGE_DIRS[d]))));
  if (listed.every((l) => l === null)) {
    throw new InputError(`${root} has neither a sealed/ nor a cache/ directory (nor update/ or update-cache/): give the storage path that holds them (--sealing-result)`);
  }
  const seen = new Map<string, { miner: ActorId; number: SectorNumber; present: Record<Dir, boolean> }>();
  for (const [i, names] of listed.entries()) {
    for (const n of names ?? []) {
      const id = parseSectorName(n);
      // lotus skips nothing silently but we are read-only: foreign entries (fetching/, *.tmp) are ignored.
      if (!id) continue;
      if (opts.miner !== undefined && id.miner !== opts.miner) continue;
      const key = sectorName(id.miner, id.number);
      const s = seen.get(key) ?? { ...id, present: { ...NONE } };
      s.present[DIRS[i]!] = true;
      seen.set(key, s);
    }
  }
  const found = new Map([...seen].map(([k, s]) => [k, sectorLocation(root, s.miner, s.number, s.present)]));
  if (opts.sectors?.length) {
    const miners = opts.miner !== undefined ? [opts.miner] : [...new Set([...found.values()].map((l) => l.miner))];
    if (miners.length === 0) throw new InputError(`no sector of any miner under ${root}: pass --miner so the requested sectors can be named`);
    if (miners.length > 1) throw new InputError(`${root} holds sectors of several miners (${miners.map((m) => `f0${m}`).join(', ')}): pass --miner`);
    return opts.sectors.map((n) => found.get(sectorName(miners[0]!, n)) ?? sectorLocation(root, miners[0]!, n));
  }
  return [...found.values()].sort((a, b) => (a.miner === b.miner ? Number(a.number - b.number) : Number(a.miner - b.miner)));
}
