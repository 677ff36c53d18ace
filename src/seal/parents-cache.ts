// The parents cache as rust-fil-proofs keeps it (docs/sdr.md#parents-cache-file): same directory, file name and bytes,
// so an operator's existing lotus cache is reused and ours is usable by lotus.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SealProof } from '../proofs/registry.js';
import { graphParents, PARENTS_RECORD_BYTES, TOTAL_PARENTS, writeParentsCache } from '../native/graph.js';
import type { EnsureParentsCache, ParentsCacheOptions, SealProgress } from './contracts.js';
import { graphParams, parentsCacheFileName } from './graph-seeds.js';
import { manifestEntryFor } from './parents-cache-manifest.js';
import { processAlive } from '../platform/process-alive.js';
import { proofsSettings } from '../sector/settings.js';
import { readOwnJsonFile } from '../platform/json-text.js';

export const parentsCacheBytes = (proof: SealProof): bigint => proof.nodes * BigInt(PARENTS_RECORD_BYTES);

export type ParentsCacheAction = 'reused' | 'generated' | 'regenerated';

export interface ParentsCacheResult {
  readonly path: string;
  readonly action: ParentsCacheAction;
  /** whether the whole-file digest was matched against the reference manifest (this run or a valid stamp) */
  readonly digestVerified: boolean;
  /** human-readable notes on what was found and done (wrong size, digest mismatch, …) */
  readonly notes: readonly string[];
}

export interface EnsureParentsCacheOptions extends ParentsCacheOptions {
  /** called with each note as it happens (e.g. to log "regenerating a corrupt cache") */
  readonly onNotice?: (message: string) => void;
  /** generation threads; default all cores */
  readonly threads?: number;
}

/** Recorded next to a verified cache so later runs skip rehashing up to 112 GiB while it is unchanged. */
interface VerifiedStamp {
  size: number;
  mtimeMs: number;
  ino: number;
  digest: string;
}

const stampPath = (path: string) => `${path}.verified.json`;

async function readStamp(path: string): Promise<VerifiedStamp | undefined> {
  return (await readOwnJsonFile(stampPath(path))) as VerifiedStamp | undefined;
}

/** Best effort: a read-only cache directory (e.g. lotus's, owned by another user) only costs a rehash next time. */
async function writeStamp(path: string, digest: string): Promise<boolean> {
  const tmp = `${stampPath(path)}.tmp-${process.pid}`;
  try {
    const s = await stat(path);
    const stamp: VerifiedStamp = { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, digest };
    await writeFile(tmp, JSON.stringify(stamp) + '\n');
    await rename(tmp, stampPath(path));
    return true;
  } catch {
    await unlink(tmp).catch(() => undefined);
    return false;
  }
}

/** Adds the way out to errors an operator can fix by pointing the cache elsewhere. */
function withDirHint(err: unknown, dir: string): unknown {
  const e = err as NodeJS.ErrnoException;
  const msg = String(e?.message ?? err);
  const codes = ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EEXIST'];
  // Node's fs errors and the addon's (native/sdr/README.md) both carry the errno name as `code`.
  if (codes.includes(e?.code ?? '')) {
    return new Error(
      `${msg} — the parents cache directory ${dir} is not usable: free space or fix its permissions, ` +
        'or set FIL_PROOFS_PARENT_CACHE to a writable directory with enough space.',
      { cause: err },
    );
  }
  return err;
}

async function stampMatches(path: string, digest: string): Promise<boolean> {
  const [stamp, s] = await Promise.all([readStamp(path), stat(path)]);
  return !!stamp && stamp.digest === digest && stamp.size === s.size && stamp.mtimeMs === s.mtimeMs && stamp.ino === s.ino;
}

/** Streaming SHA-256 of a file, with progress in bytes. */
export async function sha256File(path: string, onBytes?: (done: number) => void, signal?: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  let done = 0;
  const stream = createReadStream(path, { highWaterMark: 4 << 20, signal });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    h.update(chunk);
    done += chunk.length;
    onBytes?.(done);
  }
  return h.digest('hex');
}

/**
 * Cheap check for caches without a published digest: a few records compared with the graph computed
 * on the spot. It catches a file of the right size holding another graph or garbage at those spots.
 */
async function spotCheck(proof: SealProof, path: string): Promise<boolean> {
  const params = graphParams(proof);
  const n = proof.nodes;
  const samples = new Set<bigint>([0n, 1n, 2n, 3n, n - 1n]);
  for (let i = 1n; i < 16n; i++) samples.add((n * i) / 16n);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(PARENTS_RECORD_BYTES);
    for (const v of samples) {
      await fh.read(buf, 0, PARENTS_RECORD_BYTES, Number(v) * PARENTS_RECORD_BYTES);
      const want = graphParents(params, v, 1n);
      for (let i = 0; i < TOTAL_PARENTS; i++) if (buf.readUInt32LE(4 * i) !== want[i]) return false;
    }
    return true;
  } finally {
    await fh.close();
  }
}

/**
 * A killed run leaves its staging file (up to 112 GiB) behind; remove those whose process is gone.
 * Names: `<cache>.staged-<pid>-<hex>` (ours) and partialPath of it (the native writer's).
 */
async function removeStaleStaging(dir: string, name: string, note: (m: string) => void): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const f of entries) {
    if (!f.startsWith(`${name}.staged-`)) continue;
    const pids = [...f.matchAll(/\.(?:staged|tmp)-(\d+)-[0-9a-f]+/g)].map((m) => Number(m[1]));
    if (pids.length > 0 && pids.every((pid) => pid !== process.pid && !processAlive(pid))) {
      await unlink(join(dir, f)).then(
        () => note(`removed ${join(dir, f)} left by an interrupted run`),
        () => undefined,
      );
    }
  }
}

async function ensure(proof: SealProof, opts: EnsureParentsCacheOptions): Promise<ParentsCacheResult> {
  const dir = opts.dir ?? proofsSettings().parentCacheDir;
  const name = parentsCacheFileName(proof);
  const path = join(dir, name);
  const expectedSize = parentsCacheBytes(proof);
  const entry = manifestEntryFor(name);
  const total = Number(proof.nodes);
  const notes: string[] = [];
  const note = (m: string) => {
    notes.push(m);
    opts.onNotice?.(m);
  };
  const progress = (done: number, tot: number) =>
    opts.onProgress?.({ stage: 'parents-cache', done, total: tot } satisfies SealProgress);
  const hashWithProgress = (p: string, offsetNodes: number, tot: number) =>
    sha256File(p, (bytes) => progress(offsetNodes + Math.floor(bytes / PARENTS_RECORD_BYTES), tot), opts.signal);

  // An existing file (ours or lotus's) is reused when it checks out.
  const existing = await stat(path).catch(() => undefined);
  if (existing) {
    if (BigInt(existing.size) !== expectedSize) {
      note(`parents cache ${path} has ${existing.size} bytes, expected ${expectedSize}: regenerating it`);
    } else if (entry) {
      if (await stampMatches(path, entry.digest)) {
        return { path, action: 'reused', digestVerified: true, notes };
      }
      const digest = await hashWithProgress(path, 0, total);
      if (digest === entry.digest) {
        if (!(await writeStamp(path, digest))) note(`cannot write ${stampPath(path)}; the cache will be rehashed next time`);
        return { path, action: 'reused', digestVerified: true, notes };
      }
      note(`parents cache ${path} is corrupt (SHA-256 ${digest}, reference ${entry.digest}): regenerating it`);
    } else {
      // Ids 10–19 (SyntheticPoRep, NI-PoRep): upstream publishes no digest, so a spot check is all we can do.
      if (await spotCheck(proof, path)) return { path, action: 'reused', digestVerified: false, notes };
      note(`parents cache ${path} does not hold this proof's graph (spot check failed): regenerating it`);
    }
  }

  await mkdir(dir, { recursive: true }).catch((err: unknown) => {
    throw withDirHint(err, dir);
  });
  await removeStaleStaging(dir, name, note);
  // Generate under a staging name and move it into place only once verified, so neither a killed
  // run nor a wrong graph ever sits under the name lotus would read.
  const staged = `${path}.staged-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tot = entry ? 2 * total : total;
  try {
    await writeParentsCache(graphParams(proof), staged, {
      threads: opts.threads,
      signal: opts.signal,
      onProgress: (p) => progress(p.done, tot),
    });
    if (entry) {
      const digest = await hashWithProgress(staged, total, tot);
      if (digest !== entry.digest) {
        throw new Error(
          `generated parents cache for ${proof.name} has SHA-256 ${digest} but the reference manifest says ${entry.digest}: ` +
            'the graph implementation is wrong for this proof. This is a bug in sealer-recover; please report it.',
        );
      }
    }
    await rename(staged, path);
  } catch (err) {
    await unlink(staged).catch(() => undefined);
    throw withDirHint(err, dir);
  }
  if (entry) await writeStamp(path, entry.digest);
  else await unlink(stampPath(path)).catch(() => undefined);
  return { path, action: existing ? 'regenerated' : 'generated', digestVerified: !!entry, notes };
}

// Several sectors of one proof may ask at once (recover --parallel): they share one ensure per file.
// The shared run is cancelled only when every caller waiting on it has aborted, and its progress
// and notices go to every caller still waiting.
interface SharedEnsure {
  readonly result: Promise<ParentsCacheResult>;
  readonly controller: AbortController;
  readonly callers: Set<EnsureParentsCacheOptions>;
}
const inFlight = new Map<string, SharedEnsure>();

function startShared(key: string, proof: SealProof, first: EnsureParentsCacheOptions): SharedEnsure {
  const controller = new AbortController();
  const callers = new Set<EnsureParentsCacheOptions>();
  const result = ensure(proof, {
    dir: first.dir,
    threads: first.threads,
    signal: controller.signal,
    onProgress: (p) => callers.forEach((c) => c.onProgress?.(p)),
    onNotice: (m) => callers.forEach((c) => c.onNotice?.(m)),
  }).finally(() => inFlight.delete(key));
  result.catch(() => undefined); // a run every caller abandoned must not surface as an unhandled rejection
  const shared = { result, controller, callers };
  inFlight.set(key, shared);
  return shared;
}

/** Finds, verifies, or generates the parents cache for `proof` and says what it did. */
export async function ensureParentsCacheDetailed(
  proof: SealProof,
  opts: EnsureParentsCacheOptions = {},
): Promise<ParentsCacheResult> {
  opts.signal?.throwIfAborted();
  const key = join(opts.dir ?? proofsSettings().parentCacheDir, parentsCacheFileName(proof));
  const shared = inFlight.get(key) ?? startShared(key, proof, opts);
  const me = { ...opts };
  shared.callers.add(me);
  const { signal } = opts;
  let onAbort: (() => void) | undefined;
  try {
    if (!signal) return await shared.result;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        shared.callers.delete(me);
        if (shared.callers.size > 0) return reject(signal.reason);
        // The last caller cancels the run and waits for its cleanup, so that once this rejects
        // no staging file is left behind.
        shared.controller.abort(signal.reason);
        shared.result.then(
          () => reject(signal.reason),
          () => reject(signal.reason),
        );
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return await Promise.race([shared.result, aborted]);
  } finally {
    shared.callers.delete(me);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

export async function ensureParentsCache(proof: SealProof, opts?: EnsureParentsCacheOptions): Promise<string> {
  return (await ensureParentsCacheDetailed(proof, opts)).path;
}
ensureParentsCache satisfies EnsureParentsCache;
