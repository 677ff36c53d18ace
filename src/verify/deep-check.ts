// The deep scan: rebuild tree-r-last from the replica (sealed/, or a snapped sector's update/, read
// end to end by the native builder, off the JS thread) into a scratch dir and compare it byte for
// byte with the stored files, and its compound root with p_aux's comm_r_last; with a chain record,
// Poseidon_2(comm_c, rebuilt root) with the CommR lotus proves. This is what catches damage inside
// the replica, which WindowPoSt would otherwise only hit when a challenge lands on it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SealProof } from '../proofs/registry.js';
import { toHex, type Commitment } from '../proofs/types.js';
import { commR, compoundRoot } from '../seal/comm-r.js';
import { cpuTreeBuilder, type TreeBuilder } from '../seal/tree-builder.js';
import { treeFileNames } from '../sector/cache-files.js';
import { storedRowWidths } from '../sector/tree-shape.js';
import { fail, pass, type Check } from './findings.js';
import type { ReplicaFiles } from './sector-dirs.js';
import { firstDifference, locate } from './tree-r-last-store.js';

export interface DeepOptions {
  readonly proof: SealProof;
  readonly rowsToDiscard: number;
  /** p_aux's value when p_aux decoded */
  readonly commRLast?: Commitment;
  /** p_aux's comm_c, to derive comm_r from the rebuilt root */
  readonly commC?: Commitment;
  /** the CommR the records hold for this replica (SealedCID, or SectorKeyCID for a snapped sector's sealed/) */
  readonly expected?: { readonly commR: Commitment; readonly cid: string };
  /** scratch parent dir (default os.tmpdir()) */
  readonly tempRoot?: string;
  readonly threads?: number;
  /** who rebuilds tree-r-last (docs/gpu.md); default the CPU */
  readonly treeBuilder?: TreeBuilder;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}

export async function deepCheck(loc: ReplicaFiles, o: DeepOptions): Promise<Check> {
  const c = await deepCheckUntagged(loc, o);
  return { ...c, replica: loc.kind };
}

const WHAT = { sealed: 'the sealed file', update: 'the update replica' } as const;

async function deepCheckUntagged(loc: ReplicaFiles, o: DeepOptions): Promise<Check> {
  const what = WHAT[loc.kind];
  const scratch = await mkdtemp(join(o.tempRoot ?? tmpdir(), `verify-${loc.name}-`));
  try {
    const names = treeFileNames(o.proof.baseTrees, 'tree-r-last');
    let roots: Uint8Array[];
    try {
      roots = (await (o.treeBuilder ?? cpuTreeBuilder).buildTreeRLast({
        replicaPath: loc.replicaPath,
        outPaths: names.map((n) => join(scratch, n)),
        leavesPerTree: o.proof.nodesPerBaseTree,
        rowsToDiscard: o.rowsToDiscard,
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.onProgress ? { onProgress: (p: { done: number; total: number }) => o.onProgress!(p.done, p.total) } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      })) as Uint8Array[];
    } catch (e) {
      if (o.signal?.aborted) throw e;
      return fail('replica-tree-r-last', `the replica cannot be hashed: ${(e as Error).message}`);
    }
    const rebuilt = compoundRoot(o.proof.shape, roots);
    const widths = storedRowWidths(o.proof.nodesPerBaseTree, o.rowsToDiscard);
    const differ: string[] = [];
    for (const [i, name] of names.entries()) {
      const ours = await readFile(join(scratch, name));
      const stored = await readOrNull(join(loc.cacheDir, name));
      if (stored === null) differ.push(`${name} is missing`);
      else if (stored.length !== ours.length) differ.push(`${name} is ${stored.length} bytes, rebuilt ${ours.length}`);
      else if (!stored.equals(ours)) {
        const at = firstDifference(ours, stored);
        const { row, index } = locate(widths, o.rowsToDiscard, Math.floor(at / 32));
        // Replica leaves of base tree i start at node i·nodesPerBaseTree (rfp ReplicaConfig offsets).
        const span = 8n ** BigInt(row); // leaves under one node of that row
        const firstLeaf = BigInt(i) * o.proof.nodesPerBaseTree + BigInt(index) * span;
        differ.push(
          `${name} differs first at byte ${at} (row ${row} node ${index}, covering ${loc.kind === 'sealed' ? 'sealed-file' : 'update-replica'} bytes ${firstLeaf * 32n}…${(firstLeaf + span) * 32n - 1n})`,
        );
      }
    }
    const rootOk = o.commRLast === undefined || Buffer.compare(rebuilt, o.commRLast) === 0;
    const on = o.treeBuilder && o.treeBuilder.device !== 'cpu' ? ` on ${o.treeBuilder.device}` : '';
    // comm_r from the rebuilt root: what the replica itself commits to, held against the records.
    const fromReplica = o.commC ? commR(o.commC, rebuilt) : undefined;
    const chainOk = !o.expected || !fromReplica ? undefined : Buffer.compare(fromReplica, o.expected.commR) === 0;
    const chainNote =
      chainOk === undefined ? '' : chainOk ? `; Poseidon_2(comm_c, rebuilt root) = ${o.expected!.cid}` : `; Poseidon_2(comm_c, rebuilt root) ${toHex(fromReplica!)} is not ${o.expected!.cid}`;
    if (!differ.length && rootOk)
      return pass('replica-tree-r-last', `tree-r-last rebuilt${on} from the replica${loc.kind === 'update' ? ' in update/' : ''} matches the stored file(s) and p_aux (root ${toHex(rebuilt)})${chainNote}`);
    // Which side is wrong: the stored tree and p_aux were already held against each other by the quick scan.
    const verdict =
      !rootOk && differ.length
        ? `${what} is damaged (it no longer hashes to the stored tree-r-last and p_aux)`
        : differ.length
          ? "tree-r-last is damaged (the replica still hashes to p_aux's comm_r_last)"
          : "p_aux's comm_r_last is damaged (the replica hashes to the stored tree-r-last)";
    return fail('replica-tree-r-last', `${verdict}: ${[...differ, ...(rootOk ? [] : ['rebuilt comm_r_last differs from p_aux'])].join('; ')}${chainNote}`, {
      ...(o.commRLast ? { expected: toHex(o.commRLast) } : {}),
      found: toHex(rebuilt),
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
