// Per-sector working directory <temp>/s-t0M-N: the cache dir the sealer fills (and resumes from),
// the replica being built, staged deal data, and state.json tying the files to the exact inputs.
// A rerun with the same inputs resumes; different inputs or --restart discard the old files.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { toHex, type Commitment } from '../proofs/types.js';
import type { SectorPlan } from './plan.js';
import { acquireLock, LockHeldError, type HeldLock } from '../platform/lock.js';
import { writeFileDurably } from '../platform/durable-write.js';
import { readOwnJsonFile } from '../platform/json-text.js';

export interface WorkDir {
  readonly root: string;
  readonly cacheDir: string;
  readonly sealedPath: string;
  readonly stagedPath: string;
}

export interface SealedState {
  readonly commC: string;
  readonly commRLast: string;
  readonly commR: string;
}

interface State {
  readonly version: 1;
  readonly inputs: string;
  staged?: boolean;
  sealed?: SealedState;
}

/** The work dir's lock file (src/platform/lock.ts); its name prefix also covers the lock's temp files. */
export const WORKDIR_LOCK = 'lock';

export const workDirLayout = (root: string): WorkDir => ({
  root,
  cacheDir: join(root, 'cache'),
  sealedPath: join(root, 'sealed'),
  stagedPath: join(root, 'staged'),
});

/** Everything the sealed output depends on; a change means old checkpoints are useless. */
export function inputsDigest(p: SectorPlan): string {
  const h = createHash('sha256');
  h.update(`${p.proof.id}|${p.miner.id}|${p.sector}|${toHex(p.ticket)}|${toHex(p.commD)}|${toHex(p.replicaId)}|${p.data.kind}`);
  return h.digest('hex');
}

export class SectorWorkDir {
  private constructor(
    readonly dir: WorkDir,
    private state: State,
    /** true when checkpoints from an earlier run were kept */
    readonly resumed: boolean,
    private readonly lock: HeldLock,
  ) {}

  static async open(plan: SectorPlan, opts: { restart?: boolean } = {}): Promise<SectorWorkDir> {
    const dir = workDirLayout(plan.workDir);
    const inputs = inputsDigest(plan);
    await mkdir(dir.root, { recursive: true });
    // Lock first: --restart must not wipe a directory another run is still writing.
    const lock = await acquireLock(join(dir.root, WORKDIR_LOCK), { purpose: `the working dir of ${plan.name}` });
    try {
      await removeLeftAside(dir.root);
      return await SectorWorkDir.openLocked(dir, inputs, lock, opts.restart ?? false);
    } catch (e) {
      await lock.release();
      throw e;
    }
  }

  private static async openLocked(dir: WorkDir, inputs: string, lock: HeldLock, restart: boolean): Promise<SectorWorkDir> {
    if (restart) {
      for (const n of await readdir(dir.root)) if (!n.startsWith(WORKDIR_LOCK)) await rm(join(dir.root, n), { recursive: true, force: true });
    }
    // bounded, regular files only: a damaged or foreign state.json just means "start afresh"
    let state = (await readOwnJsonFile(join(dir.root, 'state.json'))) as State | undefined;
    let resumed = false;
    if (state && state.version === 1 && state.inputs === inputs) {
      resumed = true;
    } else {
      // Unknown or different inputs: nothing in here can be trusted.
      await rm(dir.cacheDir, { recursive: true, force: true });
      await rm(dir.sealedPath, { force: true });
      await rm(dir.stagedPath, { force: true });
      state = { version: 1, inputs };
    }
    await mkdir(dir.cacheDir, { recursive: true });
    const wd = new SectorWorkDir(dir, state, resumed, lock);
    await wd.save();
    return wd;
  }

  /**
   * A published sector's working dir left by a run killed after its publish: removed unless a live
   * process holds it. Returns whether it was removed.
   */
  static async discardIfIdle(plan: SectorPlan): Promise<boolean> {
    if (!(await stat(plan.workDir).then(() => true, () => false))) return false;
    let lock: HeldLock;
    try {
      lock = await acquireLock(join(plan.workDir, WORKDIR_LOCK), { purpose: `the working dir of ${plan.name}`, heartbeatMs: 0 });
    } catch (e) {
      if (e instanceof LockHeldError || (e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    await removeLocked(plan.workDir);
    await lock.release();
    return true;
  }

  get staged(): boolean {
    return this.state.staged === true;
  }
  get sealed(): SealedState | undefined {
    return this.state.sealed;
  }

  async markStaged(): Promise<void> {
    this.state.staged = true;
    await this.save();
  }

  async markSealed(o: { commC: Commitment; commRLast: Commitment; commR: Commitment }): Promise<void> {
    this.state.sealed = { commC: toHex(o.commC), commRLast: toHex(o.commRLast), commR: toHex(o.commR) };
    await this.save();
  }

  async release(): Promise<void> {
    await this.lock.release();
  }

  /** After a publish or a mismatch: the big files are not needed any more. */
  async remove(): Promise<void> {
    await removeLocked(this.dir.root);
    await this.lock.release();
  }

  /** temp + fsync + rename + fsync of the dir: a crash leaves the old state or the new one. */
  private async save(): Promise<void> {
    await writeFileDurably(join(this.dir.root, 'state.json'), JSON.stringify(this.state, null, 2));
  }
}

/**
 * Removes a working dir whose lock we hold. It is first renamed aside in one step, lock file
 * included: a recursive delete in place could also delete the lock and files of another run that
 * opens the same sector meanwhile (it recreates the dir as soon as our lock is gone).
 */
async function removeLocked(root: string): Promise<void> {
  const aside = `${root}.removing-${randomBytes(4).toString('hex')}`;
  try {
    await rename(root, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  await rm(aside, { recursive: true, force: true });
}

/** Copies renamed aside by a removal that was killed before it finished deleting them. */
async function removeLeftAside(root: string): Promise<void> {
  const prefix = `${basename(root)}.removing-`;
  for (const n of await readdir(dirname(root)).catch(() => [] as string[])) {
    if (n.startsWith(prefix)) await rm(join(dirname(root), n), { recursive: true, force: true });
  }
}
