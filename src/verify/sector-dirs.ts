// Which sectors a storage path holds: `sealed/s-t0<M>-<N>` files and `cache/s-t0<M>-<N>/` dirs
// (lotus: storage/sealer/storiface/filetype.go SectorName; ecosystem.md §4.2). A sector with only
// one of the two is still listed, so the scan can report what is missing.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sectorFileName } from '../chain/address.js';
import { InputError, asActorId, asSectorNumber, type ActorId, type SectorNumber } from '../proofs/types.js';

export interface SectorLocation {
  readonly miner: ActorId;
  readonly number: SectorNumber;
  /** s-t0<M>-<N> */
  readonly name: string;
  readonly sealedPath: string;
  readonly cacheDir: string;
}

const NAME = /^s-t0(\d+)-(\d+)$/;

async function entries(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InputError(`cannot list ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export const sectorLocation = (root: string, miner: ActorId, number: SectorNumber): SectorLocation => {
  const name = sectorFileName(miner, number);
  return { miner, number, name, sealedPath: join(root, 'sealed', name), cacheDir: join(root, 'cache', name) };
};

export interface FindOptions {
  readonly miner?: ActorId;
  /** only these numbers; they are listed even when no file exists (status missing) */
  readonly sectors?: readonly SectorNumber[];
}

/** Sectors under `root`, ordered by miner then number. */
export async function findSectors(root: string, opts: FindOptions = {}): Promise<SectorLocation[]> {
  const sealed = await entries(join(root, 'sealed'));
  const cache = await entries(join(root, 'cache'));
  if (sealed === null && cache === null) {
    throw new InputError(`${root} has neither a sealed/ nor a cache/ directory: give the storage path that holds them (--sealing-result)`);
  }
  const found = new Map<string, SectorLocation>();
  for (const n of [...(sealed ?? []), ...(cache ?? [])]) {
    const m = NAME.exec(n);
    // lotus skips nothing silently but we are read-only: foreign entries (fetching/, *.tmp) are ignored.
    if (!m) continue;
    const loc = sectorLocation(root, asActorId(BigInt(m[1]!)), asSectorNumber(m[2]!));
    if (opts.miner !== undefined && loc.miner !== opts.miner) continue;
    found.set(loc.name, loc);
  }
  if (opts.sectors?.length) {
    const miners = opts.miner !== undefined ? [opts.miner] : [...new Set([...found.values()].map((l) => l.miner))];
    if (miners.length === 0) throw new InputError(`no sector of any miner under ${root}: pass --miner so the requested sectors can be named`);
    if (miners.length > 1) throw new InputError(`${root} holds sectors of several miners (${miners.map((m) => `f0${m}`).join(', ')}): pass --miner`);
    return opts.sectors.map((n) => found.get(sectorFileName(miners[0]!, n)) ?? sectorLocation(root, miners[0]!, n));
  }
  return [...found.values()].sort((a, b) => (a.miner === b.miner ? Number(a.number - b.number) : Number(a.miner - b.miner)));
}
