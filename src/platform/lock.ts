// An exclusive lock held by one process: a small JSON file naming its owner (pid, host, boot id,
// process start time, command line, a random nonce, what it guards and since when), refreshed by
// a heartbeat (mtime). docs/reliability.md#locks explains the rules; in short:
//   - taking it is atomic: the owner record is written to a temp file first and hard-linked to the
//     lock path (link fails with EEXIST like an O_EXCL create, and nobody ever reads a half-written
//     record);
//   - a lock left behind is taken over when its owner is provably gone: the pid is dead, the host
//     rebooted (boot id changed), the pid was reused by another process (its start time or command
//     line differs from the record), or — for an owner on another host, which cannot be asked —
//     its heartbeat stopped for longer than `staleAfterMs`;
//   - a takeover moves the stale file aside with rename() under a short takeover guard (itself an
//     exclusive create), re-reading the nonce first, so two takers can never both win;
//   - otherwise acquiring throws LockHeldError naming the owner and the way out.
// Nothing here knows about sectors: callers pass the path and a `purpose` phrase.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { dirname } from 'node:path';
import { IoError } from '../errors.js';
import { processAlive } from './process-alive.js';
import { fsyncDir } from './durable-write.js';
import { ensureDir } from './ensure-dir.js';

/** What a lock file records about its owner. */
export interface LockOwner {
  readonly tool: 'sealer-recover';
  readonly pid: number;
  readonly hostname: string;
  /** /proc/sys/kernel/random/boot_id; undefined off Linux */
  readonly bootId?: string;
  /** /proc/<pid>/stat field 22 (clock ticks after boot); with the pid it names one process */
  readonly startTime?: string;
  readonly cmdline: string;
  readonly nonce: string;
  readonly purpose: string;
  /** ISO time the lock was taken */
  readonly since: string;
}

/** The lock is held by a live process (or one on another host whose heartbeat is fresh). */
export class LockHeldError extends IoError {
  override name = 'LockHeldError';
  constructor(
    message: string,
    readonly path: string,
    readonly owner: Partial<LockOwner>,
  ) {
    super(message);
  }
}

export interface AcquireOptions {
  /** what the lock guards, as a noun phrase: "the working dir of s-t01000-1" */
  readonly purpose: string;
  /** heartbeat period; 0 = no timer (the caller calls heartbeat()). Default 10 s. */
  readonly heartbeatMs?: number;
  /** an owner on another host is presumed gone after this long without a heartbeat. Default 2 min. */
  readonly staleAfterMs?: number;
  /** keep retrying a held lock for this long before throwing (polling). Default 0: fail at once. */
  readonly waitMs?: number;
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** told when a stale lock was taken over, with the reason */
  readonly onTakeover?: (reason: string, previous: Partial<LockOwner>) => void;
}

export interface HeldLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** refreshes the mtime; false (and `lost` set) when the file is no longer ours */
  heartbeat(): Promise<boolean>;
  /** true once another process took the lock over (our heartbeat stopped for too long) */
  readonly lost: boolean;
  /** removes the lock if it is still ours; idempotent */
  release(): Promise<void>;
}

const DEFAULT_HEARTBEAT_MS = 10_000;
const DEFAULT_STALE_AFTER_MS = 120_000;
/** a takeover takes milliseconds; a guard older than this was left by a crashed taker */
const GUARD_STALE_MS = 30_000;

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export const bootId = (): string | undefined => readProc('/proc/sys/kernel/random/boot_id')?.trim();

/** Field 22 of /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses, so fields are counted after its last ')'. */
export function processStartTime(pid: number): string | undefined {
  const s = readProc(`/proc/${pid}/stat`);
  if (!s) return undefined;
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return rest[22 - 3];
}

export function processCmdline(pid: number): string | undefined {
  const s = readProc(`/proc/${pid}/cmdline`);
  return s === undefined ? undefined : s.replace(/\0+$/, '').split('\0').join(' ');
}

function ownRecord(purpose: string): LockOwner {
  const bid = bootId();
  const st = processStartTime(process.pid);
  return {
    tool: 'sealer-recover',
    pid: process.pid,
    hostname: osHostname(),
    ...(bid ? { bootId: bid } : {}),
    ...(st ? { startTime: st } : {}),
    cmdline: processCmdline(process.pid) ?? process.argv.join(' '),
    nonce: randomBytes(12).toString('hex'),
    purpose,
    since: new Date().toISOString(),
  };
}

/** A lock file's record; an older bare-pid lock becomes { pid }; unreadable → undefined. */
async function readOwner(path: string): Promise<{ owner: Partial<LockOwner>; mtimeMs: number } | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([readFile(path, 'utf8'), stat(path).then((s) => s.mtimeMs)]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const t = text.trim();
  if (/^\d+$/.test(t)) return { owner: { pid: Number(t) }, mtimeMs };
  try {
    const o = JSON.parse(t) as Partial<LockOwner>;
    if (o && typeof o === 'object') return { owner: o, mtimeMs };
  } catch {
    /* fall through: garbage */
  }
  return { owner: {}, mtimeMs };
}

/** Why the owner is provably gone, or undefined when it may still be working. */
export function staleReason(o: Partial<LockOwner>, mtimeMs: number, staleAfterMs: number, now = Date.now()): string | undefined {
  const age = now - mtimeMs;
  if (typeof o.pid !== 'number' || !Number.isInteger(o.pid) || o.pid <= 0) {
    // unreadable record: a writer never leaves one (records are linked in whole), so it is damage
    return 'the lock file does not name an owner';
  }
  if (o.hostname !== undefined && o.hostname !== osHostname()) {
    return age > staleAfterMs ? `its owner on ${o.hostname} has not refreshed it for ${Math.round(age / 1000)} s` : undefined;
  }
  const bid = bootId();
  if (o.bootId && bid && o.bootId !== bid) return 'the machine rebooted since it was taken';
  if (o.pid === process.pid) {
    // ourselves: held by another part of this process unless the record is from an earlier process with our pid
    const st = processStartTime(process.pid);
    return o.startTime && st && o.startTime !== st ? `process ${o.pid} that took it has exited (pid reused)` : undefined;
  }
  if (!processAlive(o.pid)) return `process ${o.pid} that took it has exited`;
  const st = processStartTime(o.pid);
  if (o.startTime && st) {
    return o.startTime !== st ? `pid ${o.pid} now belongs to another process (${processCmdline(o.pid) ?? 'unknown'})` : undefined;
  }
  const cmd = processCmdline(o.pid);
  if (o.cmdline && cmd !== undefined && o.cmdline !== cmd) return `pid ${o.pid} now belongs to another process (${cmd})`;
  return undefined;
}

/** The owner of a lock that is held by a live process (as acquireLock would judge it), else undefined. */
export async function lockOwnerIfLive(path: string, staleAfterMs = DEFAULT_STALE_AFTER_MS): Promise<Partial<LockOwner> | undefined> {
  const cur = await readOwner(path).catch(() => undefined);
  if (!cur) return undefined;
  return staleReason(cur.owner, cur.mtimeMs, staleAfterMs) === undefined ? cur.owner : undefined;
}

function heldMessage(path: string, o: Partial<LockOwner>, purpose: string, mtimeMs: number): string {
  const who = `process ${o.pid}${o.hostname ? ` on ${o.hostname}` : ''}${o.cmdline ? ` (${o.cmdline})` : ''}`;
  const since = o.since ? `, since ${o.since}` : '';
  const beat = `, last heartbeat ${new Date(mtimeMs).toISOString()}`;
  const remote = o.hostname !== undefined && o.hostname !== osHostname();
  const way = remote
    ? `wait for it to finish or stop it there; if ${o.hostname} is down, the lock is taken over once its heartbeat is older than the stale limit (or remove ${path})`
    : `wait for it to finish or stop it (kill ${o.pid}); once it has exited the lock is taken over automatically`;
  return `${purpose} is locked by ${who}${since}${beat} (lock ${path}): ${way}`;
}

/** Writes our record beside the lock and links it into place; false when the lock exists. */
async function tryCreate(path: string, rec: LockOwner): Promise<boolean> {
  const tmp = `${path}.${rec.nonce}.tmp`;
  for (let tries = 0; ; tries++) {
    try {
      await writeFile(tmp, `${JSON.stringify(rec)}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      // The lock's directory may be shared and tidied (rmdir when empty) by another process between
      // our mkdir and this write: make it again. Once our file is in it, it is not empty any more.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || tries >= 5) throw e;
      await ensureDir(dirname(path));
    }
  }
  try {
    await link(tmp, path);
    await fsyncDir(dirname(path));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Moves a stale lock aside when its file still holds the nonce (or pid, for a record without one)
 * that was judged stale. Only the holder of the takeover guard may do so, so a second taker cannot
 * move the first taker's fresh lock. Returns whether the path is now free to try again.
 */
async function takeOver(path: string, judged: Partial<LockOwner>): Promise<boolean> {
  const guard = `${path}.takeover`;
  try {
    await writeFile(guard, String(process.pid), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > GUARD_STALE_MS) await unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    const now = await readOwner(path);
    if (!now) return true;
    if (now.owner.nonce !== judged.nonce || now.owner.pid !== judged.pid) return false; // replaced meanwhile
    const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
    await rename(path, aside);
    await unlink(aside).catch(() => undefined);
    return true;
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((res, rej) => {
    if (signal?.aborted) return rej(signal.reason as Error);
    const t = setTimeout(res, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), rej(signal.reason as Error)), { once: true });
  });

export async function acquireLock(path: string, opts: AcquireOptions): Promise<HeldLock> {
  const staleAfter = opts.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const deadline = Date.now() + (opts.waitMs ?? 0);
  await ensureDir(dirname(path));
  const rec = ownRecord(opts.purpose);
  for (let attempt = 0; ; attempt++) {
    opts.signal?.throwIfAborted();
    if (await tryCreate(path, rec)) return held(path, rec, opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    const cur = await readOwner(path);
    if (!cur) continue; // released between our create and read
    const reason = staleReason(cur.owner, cur.mtimeMs, staleAfter);
    if (reason !== undefined) {
      if (await takeOver(path, cur.owner)) opts.onTakeover?.(reason, cur.owner);
      else await sleep(20 + Math.floor(Math.random() * 30), opts.signal);
      continue;
    }
    if (Date.now() >= deadline) throw new LockHeldError(heldMessage(path, cur.owner, opts.purpose, cur.mtimeMs), path, cur.owner);
    await sleep(Math.min(opts.pollMs ?? 500, Math.max(1, deadline - Date.now())), opts.signal);
  }
}

function held(path: string, owner: LockOwner, heartbeatMs: number): HeldLock {
  let lost = false;
  let released = false;
  const ours = async () => (await readOwner(path).catch(() => undefined))?.owner.nonce === owner.nonce;
  const lock: HeldLock = {
    path,
    owner,
    get lost() {
      return lost;
    },
    async heartbeat() {
      if (released || lost) return false;
      if (!(await ours())) {
        lost = true;
        return false;
      }
      const t = new Date();
      await utimes(path, t, t).catch(() => undefined);
      return true;
    },
    async release() {
      if (released) return;
      released = true;
      if (timer) clearInterval(timer);
      if (await ours()) await unlink(path).catch(() => undefined);
    },
  };
  const timer = heartbeatMs > 0 ? setInterval(() => void lock.heartbeat(), heartbeatMs) : undefined;
  timer?.unref();
  return lock;
}
