// PC2 resume state. The native tree builders commit each base-tree file under its final name only
// once it is complete and fsynced (native/sdr/README.md, file contract), so after a kill the
// finished trees are the files present with their full size, and the root of each is its last 32
// bytes (the top row of the merkletree layout, docs/trees.md). What a file alone cannot tell is
// which inputs it was built from: `<cacheDir>/pc2-state.json` records the identity of the layer
// files and the staged data the trees belong to, and of the sealed file once encoding finished
// (tree-r-last is built over it). Trees from other inputs, or from a run without this state
// file, are deleted, never trusted.
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { partialPath } from '../native/addon.js';
import type { SealProof } from '../proofs/registry.js';
import { writeAtomic } from '../sector/aux-files.js';
import { readOwnJsonFile } from '../platform/json-text.js';

export const PC2_STATE_FILE = 'pc2-state.json';
const STATE_VERSION = 1;

interface Pc2State {
  readonly version: number;
  readonly proofId: number;
  /** identities of the layer files and the staged data (or "cc") that tree-c and the replica come from */
  readonly inputs: readonly string[];
  /** identity of the sealed file once encoding finished; tree-r-last files belong to it */
  readonly sealed?: string;
}

/** dev, inode, size and mtime: a file rewritten or replaced (rename) gets another identity. */
async function identity(path: string): Promise<string | undefined> {
  const s = await stat(path, { bigint: true }).catch(() => undefined);
  return s && `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
}

async function readState(cacheDir: string): Promise<Pc2State | undefined> {
  return (await readOwnJsonFile(join(cacheDir, PC2_STATE_FILE))) as Pc2State | undefined;
}

const writeState = (cacheDir: string, s: Pc2State): Promise<void> =>
  writeAtomic(join(cacheDir, PC2_STATE_FILE), new TextEncoder().encode(JSON.stringify(s, null, 2) + '\n'));

const removeFiles = (paths: readonly string[]): Promise<unknown> =>
  Promise.all(paths.flatMap((p) => [rm(p, { force: true }), rm(partialPath(p), { force: true })]));

/** The base trees of one tree kind: their files and the exact size of a complete one. */
export interface TreeFiles {
  readonly paths: readonly string[];
  readonly bytes: bigint;
}

/**
 * Roots of the finished trees (null where the tree must be built). A file of another size is
 * deleted: it cannot be a finished tree (a torn copy, or another rows_to_discard).
 */
export async function finishedRoots(trees: TreeFiles): Promise<Array<Uint8Array | null>> {
  return Promise.all(
    trees.paths.map(async (path) => {
      const size = (await stat(path, { bigint: true }).catch(() => undefined))?.size;
      if (size === undefined) return null;
      if (size !== trees.bytes || size < 32n) {
        await rm(path, { force: true });
        return null;
      }
      const fh = await open(path, 'r');
      try {
        const root = new Uint8Array(32);
        await fh.read(root, 0, 32, Number(size - 32n));
        return root;
      } finally {
        await fh.close();
      }
    }),
  );
}

export class Pc2Checkpoint {
  private constructor(
    private readonly cacheDir: string,
    private state: Pc2State,
    private readonly treeRLast: TreeFiles,
  ) {}

  /**
   * The checkpoint of `cacheDir` for these inputs. When the recorded inputs differ (or nothing is
   * recorded), every tree file is deleted first and `discarded` says why.
   */
  static async open(o: {
    cacheDir: string;
    proof: SealProof;
    layerPaths: readonly string[];
    stagedPath: string | null;
    treeC: TreeFiles;
    treeRLast: TreeFiles;
  }): Promise<{ checkpoint: Pc2Checkpoint; discarded?: string }> {
    const inputs = await Promise.all([...o.layerPaths, ...(o.stagedPath === null ? [] : [o.stagedPath])].map(identity));
    const fresh: Pc2State = {
      version: STATE_VERSION,
      proofId: o.proof.id,
      inputs: [...inputs.map((i) => i ?? 'missing'), ...(o.stagedPath === null ? ['cc'] : [])],
    };
    const old = await readState(o.cacheDir);
    const same =
      old !== undefined &&
      old.version === fresh.version &&
      old.proofId === fresh.proofId &&
      JSON.stringify(old.inputs) === JSON.stringify(fresh.inputs);
    if (same) return { checkpoint: new Pc2Checkpoint(o.cacheDir, old, o.treeRLast) };

    const all = [...o.treeC.paths, ...o.treeRLast.paths];
    const present = (await Promise.all(all.map(identity))).some((i) => i !== undefined);
    await removeFiles(all);
    await writeState(o.cacheDir, fresh);
    const discarded = !present
      ? undefined
      : old === undefined
        ? 'tree files without a PC2 state file'
        : 'tree files built from other layers or staged data';
    return { checkpoint: new Pc2Checkpoint(o.cacheDir, fresh, o.treeRLast), ...(discarded ? { discarded } : {}) };
  }

  /** True when `sealedPath` is the sealed file a finished encode recorded. */
  async encoded(sealedPath: string): Promise<boolean> {
    return this.state.sealed !== undefined && this.state.sealed === (await identity(sealedPath));
  }

  /** Before encoding: tree-r-last files belong to the sealed file about to be rewritten. */
  async encodeStarts(): Promise<void> {
    const { sealed: _, ...rest } = this.state;
    this.state = rest;
    await writeState(this.cacheDir, this.state);
    await removeFiles(this.treeRLast.paths);
  }

  /** After encoding: the sealed file as it is now is the one tree-r-last is built over. */
  async encodeFinished(sealedPath: string): Promise<void> {
    const sealed = await identity(sealedPath);
    if (sealed === undefined) throw new Error(`the encoder reported success but ${sealedPath} does not exist`);
    this.state = { ...this.state, sealed };
    await writeState(this.cacheDir, this.state);
  }
}
