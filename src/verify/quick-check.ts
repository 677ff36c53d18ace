// The quick scan: everything lotus' CheckProvable looks at without generating a proof
// (docs/verify.md#quick-scan, docs/verify.md#what-lotus-checks), plus what the small files can prove about each other:
//   sealed file of exactly sector_bytes; p_aux = 64 bytes of two field elements; t_aux decodes
//   and describes this sector size; every tree-r-last file present with its exact size and its
//   upper rows consistent; the compound root of the stored base-tree roots = p_aux's comm_r_last;
//   comm_r = Poseidon_2(comm_c, comm_r_last) = the chain's SealedCID when a chain source is given.
// It reads no more than p_aux, t_aux, tree-r-last (≤ 10 MB per file) and a few slices of the
// replica, enough to tell another sector's sealed file (docs/verify.md#replica-sample); a flipped
// byte elsewhere in the sealed file passes here and needs --deep. A sealed path that is a link,
// directory or FIFO is reported, never followed or opened (docs/verify.md#sealed-path-that-is-not-a-file).
// The same checks run on a snapped sector's update/ + update-cache/ (kind 'update'): the update
// cache holds the key's comm_c, comm_r_last of the new tree-r-last and the key's t_aux, so nothing
// differs but the names in the messages and the CommR it is held against (docs/verify.md#snap-upgraded-sectors).
import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { commRToCid } from '../proofs/cid.js';
import type { SealProof } from '../proofs/registry.js';
import { toHex, type Commitment } from '../proofs/types.js';
import { frIsCanonical } from '../native/poseidon.js';
import { decodePAux, decodeTAux, temporaryAuxFor, type PersistentAux, type StoreConfig, type TemporaryAux } from '../sector/aux-files.js';
import { cacheFiles } from '../sector/cache-files.js';
import type { ProofsSettings } from '../sector/settings.js';
import { treeSizes } from '../sector/tree-shape.js';
import { commR, compoundRoot } from '../seal/comm-r.js';
import type { ChainAnswer } from '../records/record.js';
import { fail, pass, type Check } from './findings.js';
import { chooseProof, type ProofChoice } from './proof-type.js';
import type { ReplicaFiles } from './sector-dirs.js';
import { checkStoredRows } from './tree-r-last-store.js';
import { MAX_SAMPLE_BYTES, openSealedFile, sampleIndices, sampleReplica, type StoredNodeSample } from './replica-sample.js';
import { storedRowWidths } from '../sector/tree-shape.js';
import { readBoundedFile } from '../platform/json-text.js';

export interface QuickResult {
  readonly checks: Check[];
  readonly proof?: ProofChoice;
  readonly pAux?: PersistentAux;
  /** Poseidon_2(comm_c, comm_r_last) of p_aux */
  readonly commR?: Commitment;
  readonly rowsToDiscard: number;
  /** the replica file has the sector's size, so --deep can read it */
  readonly replicaReadable: boolean;
}

export interface QuickOptions {
  /**
   * from the chain or an export file, already the value for this replica (SealedCID, or SectorKeyCID
   * for a snapped sector's sealed/); undefined = nothing to compare with
   */
  readonly chain?: ChainAnswer;
  /** the recorded seal proof when `chain` is left out for this replica but the source knows it */
  readonly recordedProof?: SealProof;
  /** FIL_PROOFS_* settings the sector was sealed with (tree-r-last's rows_to_discard) */
  readonly settings: ProofsSettings;
}

/** lotus bounds the small cache files when it fetches them (storage/sealer/tarutil/systar.go). */
const MAX_T_AUX = 10_240;

async function sizeOf(path: string): Promise<bigint | null> {
  try {
    return (await stat(path, { bigint: true })).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}

const hex = (b: Uint8Array): string => toHex(b);

/** How the messages name the replica and its directory. */
const WORDS = {
  sealed: { file: 'sealed-file', what: 'the sealed file', dir: 'sealed/' },
  update: { file: 'update-file', what: 'the update replica', dir: 'update/' },
} as const;

/** The replica path when it is not a regular file: a symlink is not followed, a FIFO never opened. */
async function notARegularFile(path: string, w: (typeof WORDS)[keyof typeof WORDS]): Promise<Check | undefined> {
  let st;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
  if (st.isFile()) return undefined;
  if (st.isSymbolicLink()) {
    const target = await readlink(path).catch(() => '?');
    return fail(w.file, `${w.what} is a symbolic link to ${target}; ${w.dir} must hold the replica itself: replace the link with the file (cp --remove-destination)`, {
      expected: 'a regular file',
      found: `symbolic link → ${target}`,
    });
  }
  const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device';
  return fail(w.file, `${w.what} is ${kind}, not a regular file: move it away and restore the replica`, { expected: 'a regular file', found: kind });
}

/** The quick checks of one replica (sealed/ + cache/ or update/ + update-cache/), each tagged with its kind. */
export async function quickCheck(r: ReplicaFiles, o: QuickOptions): Promise<QuickResult> {
  const q = await quickCheckUntagged(r, o);
  return { ...q, checks: q.checks.map((c) => ({ ...c, replica: r.kind })) };
}

async function quickCheckUntagged(loc: ReplicaFiles, o: QuickOptions): Promise<QuickResult> {
  const checks: Check[] = [];
  const w = WORDS[loc.kind];
  const sealedNotFile = await notARegularFile(loc.replicaPath, w);
  const sealedBytes = sealedNotFile ? null : await sizeOf(loc.replicaPath);
  // The names do not depend on the proof; the tree-r-last count does and is taken once it is known.
  const { pAux: pAuxPath, tAux: tAuxPath } = cacheFiles({ layers: 0, baseTrees: 1 }, loc.cacheDir);

  // t_aux first: its label size is the fallback for the sector size when the sealed file is gone.
  let tAux: TemporaryAux | undefined;
  let tAuxProblem: Check | undefined;
  const tAuxBytes = await sizeOf(tAuxPath);
  if (tAuxBytes === null) tAuxProblem = fail('t_aux', `t_aux is missing: restore it (sealer-recover recover rewrites it)`, { missing: [tAuxPath] });
  else if (tAuxBytes > BigInt(MAX_T_AUX))
    tAuxProblem = fail('t_aux', `t_aux is ${tAuxBytes} bytes; a real one is a few hundred (lotus refuses > ${MAX_T_AUX})`, { found: `${tAuxBytes} bytes` });
  else {
    try {
      // regular files only: a FIFO of size 0 would otherwise block the read forever
      tAux = decodeTAux(await readBoundedFile(tAuxPath, { what: 't_aux', maxBytes: MAX_T_AUX }), loc.cacheDir, tAuxPath);
    } catch (e) {
      tAuxProblem = fail('t_aux', `t_aux does not decode: ${(e as Error).message}`);
    }
  }

  const recorded = o.chain?.kind === 'found' ? o.chain.value.proof : o.recordedProof;
  const proof = chooseProof({
    ...(recorded ? { recorded } : {}),
    ...(sealedBytes !== null ? { sealedBytes } : {}),
    ...(tAux?.labels[0]?.size != null ? { tAuxNodes: tAux.labels[0].size } : {}),
  });
  if (!proof) {
    checks.push(
      fail('proof-type', `cannot tell the sector size: ${w.what} is ${sealedBytes === null ? 'missing' : `${sealedBytes} bytes (no sector size)`} and t_aux gives none`, {
        ...(sealedBytes === null ? { missing: [loc.replicaPath] } : {}),
      }),
    );
    if (tAuxProblem) checks.push(tAuxProblem);
    return { checks, rowsToDiscard: 0, replicaReadable: false };
  }
  const p = proof.proof;
  checks.push(pass('proof-type', proof.assumption ?? `${p.name} (from ${o.chain?.kind === 'found' ? o.chain.value.source : 'the records'})`, { found: p.name }));
  const layout = treeSizes(p, o.settings.rowsToDiscard);
  const rows = layout.rowsToDiscard;

  // sealed file
  let sealedReadable = false;
  if (sealedNotFile) checks.push(sealedNotFile);
  else if (sealedBytes === null) checks.push(fail(w.file, `${w.what} is missing`, { missing: [loc.replicaPath] }));
  else if (sealedBytes !== p.sectorBytes)
    checks.push(
      fail(w.file, `${w.what} is ${sealedBytes < p.sectorBytes ? 'truncated' : 'too long'}: ${sealedBytes} bytes, a ${p.sizeName} replica is ${p.sectorBytes}`, {
        expected: `${p.sectorBytes} bytes`,
        found: `${sealedBytes} bytes`,
      }),
    );
  else {
    sealedReadable = true;
    checks.push(pass(w.file, `${p.sectorBytes} bytes`));
  }

  // p_aux
  let pAux: PersistentAux | undefined;
  const pAuxBytes = await sizeOf(pAuxPath);
  if (pAuxBytes === null) checks.push(fail('p_aux', 'p_aux is missing (comm_c ‖ comm_r_last): WindowPoSt cannot open the sector', { missing: [pAuxPath] }));
  else if (pAuxBytes !== 64n) checks.push(fail('p_aux', `p_aux is ${pAuxBytes} bytes; it must be 64 (comm_c ‖ comm_r_last)`, { expected: '64 bytes', found: `${pAuxBytes} bytes` }));
  else {
    const a = decodePAux(await readFile(pAuxPath), pAuxPath);
    const bad = [a.commC, a.commRLast].map((c, i) => (frIsCanonical(c) ? null : i === 0 ? 'comm_c' : 'comm_r_last')).filter((x) => x !== null);
    if (bad.length)
      checks.push(fail('p_aux', `p_aux's ${bad.join(' and ')} ${bad.length > 1 ? 'are' : 'is'} not a field element (≥ r): the file is corrupt`, { found: hex(await readFile(pAuxPath)) }));
    else {
      pAux = a;
      checks.push(pass('p_aux', `comm_c ${hex(a.commC)}, comm_r_last ${hex(a.commRLast)}`));
    }
  }

  // t_aux against what rust-fil-proofs writes for this proof
  if (tAuxProblem) checks.push(tAuxProblem);
  else if (tAux) checks.push(compareTAux(tAux, temporaryAuxFor(p, loc.cacheDir, o.settings.rowsToDiscard)));

  // tree-r-last files
  const treeRLast = cacheFiles(p, loc.cacheDir).treeRLast;
  const missing: string[] = [];
  const wrongSize: string[] = [];
  const roots: (Uint8Array | undefined)[] = [];
  const rowProblems: string[] = [];
  const lowest = storedRowWidths(p.nodesPerBaseTree, rows)[0]!;
  const samples: StoredNodeSample[] = [];
  for (const [tree, path] of treeRLast.entries()) {
    const name = basename(path);
    const size = await sizeOf(path);
    if (size === null) missing.push(path);
    else if (size !== layout.treeRLastBytes) wrongSize.push(`${name} is ${size} bytes`);
    if (size !== layout.treeRLastBytes) {
      roots.push(undefined);
      continue;
    }
    const bytes = await readFile(path);
    const r = checkStoredRows(bytes, p.nodesPerBaseTree, rows);
    for (const index of sampleIndices(lowest)) samples.push({ tree, index, stored: bytes.slice(index * 32, index * 32 + 32) });
    roots.push(r.root);
    if (r.problem) rowProblems.push(`${name}: ${r.problem}`);
  }
  if (missing.length) checks.push(fail('tree-r-last-files', `${missing.length} of ${treeRLast.length} tree-r-last file(s) missing`, { missing }));
  if (wrongSize.length)
    checks.push(
      fail('tree-r-last-files', `${wrongSize.join(', ')}; with rows_to_discard ${rows} each must be ${layout.treeRLastBytes}`, {
        expected: `${layout.treeRLastBytes} bytes`,
        found: wrongSize.join(', '),
      }),
    );
  if (!missing.length && !wrongSize.length) checks.push(pass('tree-r-last-files', `${treeRLast.length} × ${layout.treeRLastBytes} bytes`));
  if (rowProblems.length) checks.push(fail('tree-r-last-rows', `tree-r-last is corrupt: ${rowProblems.join('; ')}`));
  else if (roots.some((r) => r)) checks.push(pass('tree-r-last-rows', 'stored rows hash up to the stored root'));

  // the stored roots against p_aux
  if (pAux && roots.every((r) => r)) {
    const root = compoundRoot(p.shape, roots as Uint8Array[]);
    if (Buffer.compare(root, pAux.commRLast) === 0) checks.push(pass('comm_r_last', `tree-r-last root${treeRLast.length > 1 ? 's combine' : ''} to p_aux's comm_r_last`));
    else {
      // p_aux whose comm_r reproduces the chain's CommR is intact, so the tree file is the bad one.
      const chainBacksPAux = o.chain?.kind === 'found' && Buffer.compare(o.chain.value.commR, commR(pAux.commC, pAux.commRLast)) === 0;
      checks.push(
        fail('comm_r_last', chainBacksPAux
          ? `tree-r-last's root does not match p_aux's comm_r_last, and p_aux agrees with the chain: tree-r-last is corrupt (rebuild it from the replica)`
          : `tree-r-last's root does not match p_aux's comm_r_last: one of them is corrupt (--deep rebuilds tree-r-last from the replica to tell which)`, {
          expected: hex(pAux.commRLast),
          found: hex(root),
        }),
      );
    }
  }

  // the replica against tree-r-last (docs/verify.md#replica-sample)
  if (sealedReadable && !missing.length && !wrongSize.length) {
    const sample = await checkReplicaSample(loc.replicaPath, w, samples, p.nodesPerBaseTree, p.nodesPerBaseTree / lowest, checks);
    if (sample) checks.push(sample);
  }

  // comm_r and the chain
  let cr: Commitment | undefined;
  if (pAux) {
    cr = commR(pAux.commC, pAux.commRLast);
    const cid = commRToCid(cr).toString();
    checks.push(pass('comm_r', `Poseidon_2(comm_c, comm_r_last) = ${hex(cr)} (${cid})`, { found: cid }));
    const chain = o.chain;
    if (chain?.kind === 'found') {
      const e = chain.value;
      if (Buffer.compare(e.commR, cr) === 0) checks.push(pass('chain-comm_r', `equals ${e.cid} from ${e.source}${e.note ? ` (${e.note})` : ''}`, { expected: e.cid }));
      else {
        // With comm_r_last backed by the tree file, only comm_c (or the sector's identity) is left to blame.
        const rLastOk = checks.some((c) => c.name === 'comm_r_last' && c.ok);
        const blame = rLastOk
          ? "p_aux's comm_c is damaged (its comm_r_last agrees with tree-r-last), or these files belong to another sector"
          : 'p_aux is damaged or belongs to another sector';
        checks.push(
          fail('chain-comm_r', `comm_r from p_aux is not the sector's CommR on ${e.source}${e.note ? ` (${e.note})` : ''}: ${blame}`, {
            expected: `${e.cid} (${hex(e.commR)})`,
            found: `${cid} (${hex(cr)})`,
          }),
        );
      }
    } else if (chain?.kind === 'unavailable') checks.push(fail('chain-comm_r', chain.reason, { inconclusive: true }));
  }
  return { checks, proof, ...(pAux ? { pAux } : {}), ...(cr ? { commR: cr } : {}), rowsToDiscard: rows, replicaReadable: sealedReadable };
}

async function checkReplicaSample(
  sealedPath: string,
  w: (typeof WORDS)[keyof typeof WORDS],
  samples: StoredNodeSample[],
  nodesPerBaseTree: bigint,
  leavesPerStoredNode: bigint,
  checks: readonly Check[],
): Promise<Check | undefined> {
  if (leavesPerStoredNode * 32n > BigInt(MAX_SAMPLE_BYTES)) return undefined;
  const fh = await openSealedFile(sealedPath);
  if (!fh) return fail(w.file, `${w.what} changed into something other than a regular file during the scan`);
  try {
    const r = await sampleReplica(fh, samples, { nodesPerBaseTree, leavesPerStoredNode });
    const treeBacked = checks.some((c) => c.name === 'comm_r_last' && c.ok);
    const blame = treeBacked
      ? `tree-r-last agrees with p_aux, so ${w.what} is the wrong one: it belongs to another sector or was overwritten (restore this sector's replica, or re-run recover)`
      : `${w.what} belongs to another sector, or tree-r-last is damaged (--deep rebuilds tree-r-last from the replica)`;
    if (r.notField) return fail('replica-sample', `${w.what} holds values that are not field elements (${r.notField}): it is not a replica; ${blame}`);
    if (r.mismatches.length) {
      const m = r.mismatches[0]!;
      return fail('replica-sample', `${r.mismatches.length} of ${r.checked} sampled tree-r-last nodes do not hash from ${w.what}: ${blame}`, {
        expected: `tree ${m.tree} node ${m.index}: ${m.stored} (stored in tree-r-last)`,
        found: `${m.computed} (from ${w.what})`,
      });
    }
    return pass('replica-sample', `${r.checked} tree-r-last nodes recomputed from ${leavesPerStoredNode * 32n}-byte slices of ${w.what}`);
  } finally {
    await fh.close();
  }
}

function compareTAux(got: TemporaryAux, want: TemporaryAux): Check {
  const diffs: string[] = [];
  const cmp = (what: string, g: StoreConfig, w: StoreConfig) => {
    if (g.id !== w.id) diffs.push(`${what} id "${g.id}" (expected "${w.id}")`);
    if (g.size !== w.size) diffs.push(`${what} size ${g.size ?? 'None'} (expected ${w.size})`);
    if (g.rowsToDiscard !== w.rowsToDiscard) diffs.push(`${what} rows_to_discard ${g.rowsToDiscard} (expected ${w.rowsToDiscard})`);
  };
  if (got.labels.length !== want.labels.length) diffs.push(`${got.labels.length} layers (expected ${want.labels.length})`);
  else got.labels.forEach((l, i) => cmp(`labels[${i}]`, l, want.labels[i]!));
  cmp('tree_d', got.treeD, want.treeD);
  cmp('tree_r_last', got.treeRLast, want.treeRLast);
  cmp('tree_c', got.treeC, want.treeC);
  if (!diffs.length) return pass('t_aux', `${got.labels.length} layers, tree_r_last rows_to_discard ${got.treeRLast.rowsToDiscard}`);
  return fail('t_aux', `t_aux does not describe this sector: ${diffs.join('; ')}`, { expected: 'the TemporaryAux rust-fil-proofs writes for this proof', found: diffs.join('; ') });
}
