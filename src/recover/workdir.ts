// Per-sector working directory <temp>/s-t0M-N: the cache dir the sealer fills (and resumes from),
// the replica being built, staged deal data, and state.json tying the files to the exact inputs.
// A rerun with the same inputs resumes; different inputs or --restart discard the old files.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { toHex, type Commitment } from '../proofs/types.js';
import type { SectorPlan } from './plan.js';
import { processAlive } from '../platform/process-alive.js';

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
    private readonly lock: string,
  ) {}

  static async open(plan: SectorPlan, opts: { restart?: boolean } = {}): Promise<SectorWorkDir> {
    const dir = workDirLayout(plan.workDir);
    const inputs = inputsDigest(plan);
    await mkdir(dir.root, { recursive: true });
    const lock = join(dir.root, 'lock');
    // Lock first: --restart must not wipe a directory another run is still writing.
    await takeLock(lock, plan.name);
    if (opts.restart) {
      for (const n of await readdir(dir.root)) if (n !== 'lock') await rm(join(dir.root, n), { recursive: true, force: true });
    }
    let state: State | undefined;
    try {
      state = JSON.parse(await readFile(join(dir.root, 'state.json'), 'utf8')) as State;
    } catch {
      state = undefined;
    }
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
    await rm(this.lock, { force: true });
  }

  /** After a publish or a mismatch: the big files are not needed any more. */
  async remove(): Promise<void> {
    await rm(this.dir.root, { recursive: true, force: true });
  }

  private async save(): Promise<void> {
    const p = join(this.dir.root, 'state.json');
    await writeFile(`${p}.tmp`, JSON.stringify(this.state, null, 2));
    await rename(`${p}.tmp`, p);
  }
}

/** One process per sector: a second run on the same temp dir must not interleave writes. */
async function takeLock(path: string, name: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && processAlive(pid)) {
        throw new Error(`${name} is being worked on by process ${pid} (lock ${path}); wait for it or stop it first`);
      }
      await rm(path, { force: true }); // stale lock from a killed run
    }
  }
  throw new Error(`could not lock ${path}`);
}
