// Before any work: will the temp and result filesystems hold what the planned sectors need, and
// will memory hold the labeling buffers? Sizes from docs/trees.md. Refuses with numbers.
import { statfs, stat, mkdir, readdir, lstat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { availableParallelism, freemem } from 'node:os';
import { IoError } from '../errors.js';
import type { SealProof } from '../proofs/registry.js';
import type { SectorPlan } from './plan.js';
import { treeSizes } from '../sector/tree-shape.js';
import type { ProofsSettings } from '../sector/settings.js';
import { parentsCacheBytes } from '../seal/parents-cache.js';
import { parentsCacheFileName } from '../seal/graph-seeds.js';
import { join } from 'node:path';

export interface SectorNeeds {
  /** peak bytes in the working dir while sealing */
  readonly temp: bigint;
  /** bytes left under the result path after publish */
  readonly result: bigint;
  /** resident memory for labeling (current + previous layer) */
  readonly memory: bigint;
}

export function sectorNeeds(p: SealProof, opts: { staged: boolean; keepPrecommitFiles: boolean; settings: ProofsSettings }): SectorNeeds {
  const S = p.sectorBytes;
  const sizes = treeSizes(p, opts.settings.rowsToDiscard);
  const layers = BigInt(p.layers) * sizes.layerBytes;
  const treeC = BigInt(sizes.files) * sizes.treeCBytes;
  const treeR = BigInt(sizes.files) * sizes.treeRLastBytes;
  const treeD = sizes.treeDBytes;
  const aux = 64n * 1024n; // p_aux, t_aux, state.json
  const finalized = S + treeR + aux;
  return {
    temp: layers + treeD + treeC + finalized + (opts.staged ? S : 0n),
    result: finalized + (opts.keepPrecommitFiles ? layers + treeD + treeC : 0n),
    memory: 2n * S,
  };
}

/**
 * A snapped sector (docs/snap.md#recovery) needs, besides its key, the new replica, its tree-d and
 * tree-r-last and the staged new data while encoding; the key's finalized files stay in the result
 * only with --keep-sector-key.
 */
export function withUpdateNeeds(key: SectorNeeds, p: SealProof, opts: { staged: boolean; keepSectorKey: boolean; settings: ProofsSettings }): SectorNeeds {
  const S = p.sectorBytes;
  const sizes = treeSizes(p, opts.settings.rowsToDiscard);
  const finalized = S + BigInt(sizes.files) * sizes.treeRLastBytes + 64n * 1024n;
  return {
    temp: key.temp + finalized + sizes.treeDBytes + (opts.staged ? S : 0n),
    result: finalized + (opts.keepSectorKey ? key.result : 0n),
    memory: key.memory,
  };
}

/** How the host is probed; injectable so tests can simulate a full disk or little memory. */
export interface HostProbe {
  freeBytes(path: string): Promise<bigint>;
  device(path: string): Promise<bigint>;
  availableMemory(): bigint;
  /** cores for labeling threads; default os.availableParallelism() */
  cpuCores?(): number;
}

async function nearestExisting(path: string): Promise<string> {
  let p = resolve(path);
  for (;;) {
    try {
      await stat(p);
      return p;
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

export const realHostProbe: HostProbe = {
  async freeBytes(path) {
    const s = await statfs(await nearestExisting(path), { bigint: true });
    return s.bavail * s.bsize;
  },
  async device(path) {
    return (await stat(await nearestExisting(path), { bigint: true })).dev;
  },
  availableMemory() {
    // MemAvailable counts reclaimable page cache, which freemem() does not.
    try {
      const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
      if (m) return BigInt(m[1]!) * 1024n;
    } catch {
      /* not Linux */
    }
    return BigInt(freemem());
  },
  cpuCores: () => availableParallelism(),
};

export class PreflightError extends IoError {
  override name = 'PreflightError';
}

export interface PreflightInput {
  readonly plans: readonly SectorPlan[];
  readonly parallel: number;
  readonly tempRoot: string;
  readonly resultRoot: string;
  readonly keepPrecommitFiles: boolean;
  /** snapped sectors publish their sector key too */
  readonly keepSectorKey?: boolean;
  /** where the parents cache lives, and tree-r-last's rows_to_discard */
  readonly settings: ProofsSettings;
  readonly probe?: HostProbe;
}

export interface PreflightReport {
  readonly tempNeeded: bigint;
  readonly tempFree: bigint;
  readonly resultNeeded: bigint;
  readonly resultFree: bigint;
  readonly memoryNeeded: bigint;
  readonly memoryAvailable: bigint;
  readonly sameFilesystem: boolean;
  /** bytes of parents cache files that must still be generated */
  readonly parentsCacheNeeded: bigint;
  /** bytes the sectors' own working dirs already hold (checkpoints reused, or freed by --restart) */
  readonly alreadyPaid: bigint;
}

/**
 * Disk blocks a sector's working dir occupies. They are already taken from the free space the
 * probe reports, and a rerun either reuses them (the checkpoints are part of what the sector
 * needs) or frees them first (--restart, other inputs), so they count as paid. Blocks, not sizes:
 * a sparse file has not paid for its holes. docs/reliability.md#disk-full
 */
export async function checkpointBytes(dir: string): Promise<bigint> {
  let total = 0n;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0n;
  }
  for (const n of names) {
    const p = join(dir, n);
    const st = await lstat(p, { bigint: true }).catch(() => null);
    if (!st) continue;
    if (st.isDirectory()) total += await checkpointBytes(p);
    else if (st.isFile()) total += st.blocks * 512n;
  }
  return total;
}

export const fmtBytes = (n: bigint): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
};

export async function preflight(inp: PreflightInput): Promise<PreflightReport> {
  const probe = inp.probe ?? realHostProbe;
  const paid = await Promise.all(inp.plans.map((p) => checkpointBytes(p.workDir)));
  const alreadyPaid = paid.reduce((s, b) => s + b, 0n);
  const needs = inp.plans.map((p, i) => {
    const key = sectorNeeds(p.proof, { staged: p.data.kind === 'pieces', keepPrecommitFiles: inp.keepPrecommitFiles || p.keepPrecommitFiles, settings: inp.settings });
    const n = p.update
      ? withUpdateNeeds(key, p.proof, { staged: p.update.data.kind === 'pieces', keepSectorKey: inp.keepSectorKey ?? false, settings: inp.settings })
      : key;
    return { ...n, temp: n.temp > paid[i]! ? n.temp - paid[i]! : 0n };
  });
  const inFlight = Math.max(1, Math.min(inp.parallel, needs.length));
  // The largest sectors may run together: sum the `inFlight` largest temp needs.
  const byTemp = [...needs].sort((a, b) => (a.temp < b.temp ? 1 : a.temp > b.temp ? -1 : 0)).slice(0, inFlight);
  const tempNeeded = byTemp.reduce((s, n) => s + n.temp, 0n);
  const memoryNeeded = byTemp.reduce((s, n) => s + n.memory, 0n);
  const resultNeeded = needs.reduce((s, n) => s + n.result, 0n);

  await mkdir(inp.tempRoot, { recursive: true }).catch(() => undefined);
  const [tempFree, resultFree, tempDev, resultDev] = await Promise.all([
    probe.freeBytes(inp.tempRoot),
    probe.freeBytes(inp.resultRoot),
    probe.device(inp.tempRoot),
    probe.device(inp.resultRoot),
  ]);
  const sameFilesystem = tempDev === resultDev;
  const memoryAvailable = probe.availableMemory();
  const problems: string[] = [];
  const what = `${inp.plans.length} sector(s), ${inFlight} at a time${alreadyPaid > 0n ? ` (beyond the ${fmtBytes(alreadyPaid)} of checkpoints already in their working dirs)` : ''}`;
  if (sameFilesystem) {
    // Publishing hard-links/renames: the finished files are counted in the temp need already.
    if (tempNeeded + resultNeeded > tempFree) {
      problems.push(
        `--sealing-temp ${inp.tempRoot} and --sealing-result ${inp.resultRoot} share a filesystem with ${fmtBytes(tempFree)} free, ` +
          `but ${what} need ${fmtBytes(tempNeeded)} while sealing plus ${fmtBytes(resultNeeded)} of results`,
      );
    }
  } else {
    if (tempNeeded > tempFree) {
      problems.push(`--sealing-temp ${inp.tempRoot} has ${fmtBytes(tempFree)} free but ${what} need ${fmtBytes(tempNeeded)} (layers, tree-d, tree-c, replica per sector)`);
    }
    if (resultNeeded > resultFree) {
      problems.push(`--sealing-result ${inp.resultRoot} has ${fmtBytes(resultFree)} free but the results need ${fmtBytes(resultNeeded)}`);
    }
  }
  // Parents cache files (one per graph) that do not exist yet are generated before labeling.
  const parentsDir = inp.settings.parentCacheDir;
  let parentsCacheNeeded = 0n;
  const missing: string[] = [];
  for (const proof of new Map(inp.plans.map((p) => [parentsCacheFileName(p.proof), p.proof])).entries()) {
    const [name, pr] = proof;
    const want = parentsCacheBytes(pr);
    const have = await stat(join(parentsDir, name)).then((s) => BigInt(s.size), () => -1n);
    if (have !== want) {
      parentsCacheNeeded += want;
      missing.push(name);
    }
  }
  if (parentsCacheNeeded > 0n) {
    const free = await probe.freeBytes(parentsDir);
    if (parentsCacheNeeded > free) {
      problems.push(
        `the parents cache directory ${parentsDir} has ${fmtBytes(free)} free but ${missing.length} cache file(s) of ${fmtBytes(parentsCacheNeeded)} must be generated there (set FIL_PROOFS_PARENT_CACHE to a larger disk)`,
      );
    }
  }
  if (memoryNeeded > memoryAvailable) {
    problems.push(`labeling ${inFlight} sector(s) at once needs ${fmtBytes(memoryNeeded)} of memory but ${fmtBytes(memoryAvailable)} is available`);
  }
  if (problems.length) {
    throw new PreflightError(
      `pre-flight check failed, nothing was started:\n  - ${problems.join('\n  - ')}\n` +
        `Free space, choose other --sealing-temp/--sealing-result paths, or lower --parallel.`,
    );
  }
  return { tempNeeded, tempFree, resultNeeded, resultFree, memoryNeeded, memoryAvailable, sameFilesystem, parentsCacheNeeded, alreadyPaid };
}
