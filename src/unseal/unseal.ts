// Unsealing one sector (docs/unseal.md): regenerate the key with the full SDR, decode the needed node
// range, check it against comm_d / the piece CIDs, and only then write the output (.partial, rename).
//   key     = last layer's labels of the sector's own replica id (docs/sdr.md#encoding); for a snapped sector the
//             labels of its CC sector key, decoded with rho by a SnapDecoder
//   data    = replica − key mod r, per node (fr32-padded)
//   output  = raw unpadded piece bytes (--piece --out), or the lotus unsealed file (unsealed/s-t0M-N)
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { renameNoReplace, TargetExistsError } from '../platform/durable-write.js';
import { CorruptionError, InputError, MismatchError } from '../errors.js';
import { Fr32UnpadStream, toUnpaddedBytes } from '../proofs/fr32.js';
import { zeroCommitment } from '../proofs/zero-commitments.js';
import { commDToCid } from '../proofs/cid.js';
import { toHex, type Commitment } from '../proofs/types.js';
import type { StageOptions } from '../seal/contracts.js';
import { ensureParentsCache } from '../seal/parents-cache.js';
import { runPc1 } from '../seal/pc1.js';
import { unsealRange } from '../seal/unseal.js';
import { buildTreeDNative } from '../native/pc1.js';
import { cacheFiles } from '../sector/cache-files.js';
import type { ProofsSettings } from '../sector/settings.js';
import { storagePaths, STORAGE_DIRS } from '../sector/storage-layout.js';
import { writeUnsealedFile, type Allocation } from '../sector/unsealed-file.js';
import { DecodedTree, leToBig, locateBadNodes, type BadNode, type Region } from './locate.js';
import { phi, rho } from '../snap/rho.js';
import { updateProofFor } from '../snap/update-proof.js';
import { frOp } from '../native/poseidon.js';
import { damagedBlocks, findTreeRLast } from './tree-r-last-narrow.js';
import type { UnsealPlan } from './plan.js';
import type { SnapDecoder } from './snap-decoder.js';

export type UnsealOutput = { readonly kind: 'raw'; readonly path: string } | { readonly kind: 'unsealed-dir'; readonly dir: string };

export interface UnsealOptions extends StageOptions {
  readonly plan: UnsealPlan;
  /** scratch dir for the key (all layers: PC1 keeps them for resuming) and the decoded data */
  readonly workDir: string;
  readonly sealingResult: string;
  readonly output: UnsealOutput;
  readonly settings: ProofsSettings;
  readonly snapDecoder?: SnapDecoder;
  /** keep the work dir (the key) after success */
  readonly keepWork?: boolean;
  readonly onNotice?: (message: string) => void;
  /** bound of the one-byte search, in sha254 evaluations (default in locate.ts) */
  readonly searchBudget?: number;
}

export interface UnsealResult {
  readonly sector: string;
  readonly kind: 'deal' | 'cc' | 'snapped';
  /** the commitment the decoded data was checked against before anything was written */
  readonly checked: { readonly what: 'comm_d' | 'piece'; readonly cid: string };
  readonly output: string;
  /** bytes written (raw piece bytes, or the unsealed file with its trailer) */
  readonly bytes: bigint;
  readonly cc: boolean;
  readonly pieces: readonly { readonly pieceCid: string; readonly paddedOffset: string; readonly paddedSize: string }[];
  readonly note?: string;
}

/** The replica does not decode to the sector's commitments; `nodes` names where, when it can. */
export class UnsealCheckError extends CorruptionError {
  override name = 'UnsealCheckError';
  constructor(
    message: string,
    readonly badNodes: readonly BadNode[],
  ) {
    super(message);
  }
}

/** The key or replica belongs to another sector: nothing decodes. */
export class UnsealKeyMismatchError extends MismatchError {
  override name = 'UnsealKeyMismatchError';
}

/** Disk and time the key costs: the full SDR whatever range is asked for (docs/unseal.md#cost). */
export function unsealNeeds(plan: UnsealPlan): { workBytes: bigint; memoryBytes: bigint; labelNodes: bigint } {
  const S = plan.proof.sectorBytes;
  // every layer file + decoded data + its tree (2S); labeling holds the current and previous layer
  return { workBytes: BigInt(plan.proof.layers) * S + S + 2n * S, memoryBytes: 2n * S, labelNodes: BigInt(plan.proof.layers) * plan.proof.nodes };
}

async function regenerateKey(o: UnsealOptions, cacheDir: string): Promise<string> {
  const { plan } = o;
  const stage = { ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.signal ? { signal: o.signal } : {}) };
  const parentsCachePath = await ensureParentsCache(plan.proof, { ...stage, dir: o.settings.parentCacheDir });
  await runPc1({ ...stage, proof: plan.proof, replicaId: plan.keyReplicaId, cacheDir, parentsCachePath, ...(o.onNotice ? { onNotice: o.onNotice } : {}) });
  return cacheFiles(plan.proof, cacheDir).layers[plan.proof.layers - 1]!;
}

/** The regions whose roots are checked: each piece (fillers expect zeros) and the gaps between them. */
function regionsOf(plan: UnsealPlan, firstNode: bigint, nodes: bigint): Region[] {
  const inRange = (start: bigint, n: bigint) => start >= firstNode && start + n <= firstNode + nodes;
  if (plan.cc) return [{ start: 0n, nodes: plan.proof.nodes, expected: zeroCommitment(plan.proof.sectorBytes), zero: true, what: 'the CC sector' }];
  const out: Region[] = [];
  let cursor = 0n;
  const gap = (from: bigint, to: bigint) => {
    // aligned power-of-two blocks covering [from, to), each expected all-zero
    for (let s = from; s < to; ) {
      let size = 1n;
      while (s % (size * 2n) === 0n && s + size * 2n <= to) size *= 2n;
      if (inRange(s, size)) out.push({ start: s, nodes: size, expected: zeroCommitment(size * 32n), zero: true, what: `the alignment gap at nodes ${from}..${to - 1n}` });
      s += size;
    }
  };
  for (const p of plan.pieces) {
    const start = p.paddedOffset / 32n;
    const n = p.paddedSize / 32n;
    if (start > cursor) gap(cursor, start);
    if (inRange(start, n))
      out.push({ start, nodes: n, expected: p.commP, zero: p.filler, what: p.filler ? `zero filler piece ${p.index} (nodes ${start}..${start + n - 1n})` : `piece ${p.pieceCid} (nodes ${start}..${start + n - 1n})` });
    cursor = start + n;
  }
  if (cursor < plan.proof.nodes) gap(cursor, plan.proof.nodes);
  return out;
}

async function readNodeOf(path: string): Promise<(node: bigint) => Promise<Uint8Array>> {
  return async (node) => {
    const fh = await open(path, 'r');
    try {
      const b = Buffer.alloc(32);
      await fh.read(b, 0, 32, Number(node * 32n));
      return b;
    } finally {
      await fh.close();
    }
  };
}

/** Decoded data vs commitments; throws naming the bad nodes. */
async function checkDecoded(o: UnsealOptions, decodedPath: string, treePath: string, firstNode: bigint, nodes: bigint): Promise<void> {
  const { plan } = o;
  const root = await buildTreeDNative({ nodes, stagedPath: decodedPath, outPath: treePath, ...(o.signal ? { signal: o.signal } : {}) });
  const whole = firstNode === 0n && nodes === plan.proof.nodes;
  const tree = await DecodedTree.open(treePath, nodes, firstNode);
  try {
    const regions = regionsOf(plan, firstNode, nodes);
    if (whole && Buffer.compare(root, plan.commD) === 0) return;
    const badRegions: Region[] = [];
    for (const r of regions) if (Buffer.compare(await tree.regionRoot(r.start, r.nodes), r.expected) !== 0) badRegions.push(r);
    if (!badRegions.length) {
      if (!whole) return;
      throw new UnsealCommDMismatchError(`comm_d of the decoded sector is ${toHex(root)} but every piece matches its CID: the piece list and UnsealedCID ${toHex(plan.commD)} disagree`);
    }
    // A wrong key (other ticket, other sector's file) decodes every node to a random field element,
    // of which ~44% have a top bit set; one damaged node cannot do that to a quarter of a sample.
    if (await looksUndecodable(tree, nodes))
      throw new UnsealKeyMismatchError(
        `${plan.name}: ${plan.replicaPath} does not decode with this sector's key (comm_d ${toHex(root)} ≠ ${toHex(plan.commD)}, no piece matches): ` +
          `the file is not sector ${plan.sector}'s replica, or its record (ticket, proof) is wrong. Nothing was written.`,
      );
    const paths = storagePaths(o.sealingResult, plan.name);
    const origTreeD = cacheFiles(plan.proof, paths.cache).treeD;
    // the replica's own tree-r-last: cache/ for a sealed file, update-cache/ for a snapped replica
    const rLast = await findTreeRLast(plan.proof, plan.snap ? paths.updateCache : paths.cache);
    // snapped: data = (new − key)·rho⁻¹(v), so a replica change δ moves the data node by δ·rho⁻¹(v)
    const dataFactor = plan.snap ? snapDataFactor(plan, plan.snap.commROld) : undefined;
    const haveOrig = await stat(origTreeD).then((s) => BigInt(s.size) === (2n * plan.proof.nodes - 1n) * 32n, () => false);
    const original = haveOrig ? await DecodedTree.open(origTreeD, plan.proof.nodes, 0n) : undefined;
    try {
      const found: BadNode[] = [];
      const lines: string[] = [];
      for (const r of badRegions) {
        const loc = await locateBadNodes({
          tree,
          region: r,
          replicaNode: await readNodeOf(plan.replicaPath),
          ...(original ? { originalTreeD: original } : {}),
          ...(rLast ? { narrow: (start: bigint, n: bigint) => damagedBlocks(rLast, plan.replicaPath, start, n, o.signal) } : {}),
          ...(dataFactor ? { dataFactor } : {}),
          ...(o.searchBudget !== undefined ? { searchBudget: o.searchBudget } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
        });
        found.push(...loc.nodes);
        lines.push(
          loc.nodes.length
            ? `  ${r.what}: ${loc.nodes.map((n) => `node ${n.node} (bytes ${n.offset}..${n.offset + 31n} of ${plan.replicaPath}): ${n.why}`).join('; ')} [${loc.method}]`
            : `  ${r.what}: does not decode to its commitment ${toHex(r.expected)}; no single node could be named (${loc.method})`,
        );
      }
      const first = found[0];
      throw new UnsealCheckError(
        `${plan.name}: the replica ${plan.replicaPath} is damaged` +
          (first ? ` at node ${first.node} (byte offset ${first.offset})` : '') +
          `; the decoded data does not match ${whole ? `comm_d ${toHex(plan.commD)}` : 'the piece CID'}:\n${lines.join('\n')}\nNothing was written.`,
        found,
      );
    } finally {
      await original?.close();
    }
  } finally {
    await tree.close();
  }
}

function snapDataFactor(plan: UnsealPlan, commROld: Commitment): (node: bigint) => bigint {
  const u = updateProofFor(plan.proof);
  const p = phi(plan.commD, commROld);
  const cache = new Map<number, bigint>();
  return (node) => {
    const high = Number(node >> BigInt(u.bitsShr));
    let f = cache.get(high);
    if (f === undefined) {
      f = leToBig(frOp('inv', rho(p, high)));
      cache.set(high, f);
    }
    return f;
  };
}

/** Every piece decodes to its CID but comm_d differs: the record's piece list and UnsealedCID disagree. */
class UnsealCommDMismatchError extends MismatchError {
  override name = 'UnsealCommDMismatchError';
}

async function looksUndecodable(tree: DecodedTree, nodes: bigint): Promise<boolean> {
  const probe = nodes < 64n ? nodes : 64n;
  let invalid = 0n;
  for (let k = 0n; k < probe; k++) if (((await tree.node(0, (k * nodes) / probe))[31]! & 0xc0) !== 0) invalid++;
  return invalid * 4n >= probe;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

export async function unsealSector(o: UnsealOptions): Promise<UnsealResult> {
  const { plan } = o;
  if (plan.snap && !o.snapDecoder)
    throw new InputError(
      `${plan.name} is a snap-upgraded sector (SectorKeyCID ${plan.snap.sectorKeyCid}); unsealing it needs a SnapDeals decoder and none was given. Nothing was written.`,
    );
  if (o.output.kind === 'raw' && !plan.pieceOnly) throw new InputError(`--out writes one piece: name it with --piece`);
  const target = o.output.kind === 'raw' ? o.output.path : join(o.output.dir, STORAGE_DIRS.unsealed, plan.name);
  if (await exists(target)) throw new InputError(`${target} already exists: move it away first (unseal never overwrites a file)`);

  // The node range to decode: one piece, or the whole sector.
  const onlyPiece = plan.pieceOnly ? plan.wanted[0] : undefined;
  const firstNode = onlyPiece ? onlyPiece.paddedOffset / 32n : 0n;
  const nodes = onlyPiece ? onlyPiece.paddedSize / 32n : plan.proof.nodes;

  await mkdir(o.workDir, { recursive: true });
  const cacheDir = join(o.workDir, 'key');
  const decodedPath = join(o.workDir, 'decoded');
  const treePath = join(o.workDir, 'decoded-tree.dat');
  const keyPath = await regenerateKey(o, cacheDir);
  const stage = { ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.signal ? { signal: o.signal } : {}) };
  await rm(decodedPath, { force: true });
  if (plan.snap) {
    await o.snapDecoder!.decode({ ...stage, proof: plan.proof, keyPath, replicaPath: plan.replicaPath, commDNew: plan.commD, commROld: plan.snap.commROld, outPath: decodedPath, firstNode, nodes });
  } else {
    await unsealRange({ ...stage, proof: plan.proof, keyPath, sealedPath: plan.replicaPath, outPath: decodedPath, firstNode, nodes });
  }
  await checkDecoded(o, decodedPath, treePath, firstNode, nodes);

  // Checked: write the output next to its final name, then move it there unless something is.
  // Named for this run: two unseals of the same target never write into one file.
  const partial = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  let bytes: bigint;
  try {
    if (o.output.kind === 'raw') {
      const p = plan.wanted[0]!;
      await mkdir(join(target, '..'), { recursive: true });
      await pipeline(createReadStream(decodedPath), new Fr32UnpadStream(), createWriteStream(partial));
      const written = await open(partial, 'r+');
      try {
        await written.sync(); // durable before the rename makes it visible
      } finally {
        await written.close();
      }
      bytes = toUnpaddedBytes(p.paddedSize);
      const got = BigInt((await stat(partial)).size);
      if (got !== bytes) throw new Error(`internal: unpadding ${p.paddedSize} padded bytes gave ${got} bytes, expected ${bytes}`);
    } else {
      await mkdir(join(o.output.dir, STORAGE_DIRS.unsealed), { recursive: true });
      const allocations: Allocation[] =
        onlyPiece
          ? [{ offset: onlyPiece.paddedOffset, size: onlyPiece.paddedSize }]
          : [{ offset: 0n, size: plan.proof.sectorBytes }];
      await writeUnsealedFile(partial, plan.proof.sectorBytes, allocations, async (fh) => {
        const src = await open(decodedPath, 'r');
        try {
          const chunk = Buffer.alloc(1 << 20);
          for (let off = 0n; off < nodes * 32n; ) {
            const { bytesRead } = await src.read(chunk, 0, chunk.length, Number(off));
            if (bytesRead === 0) break;
            await fh.write(chunk, 0, bytesRead, Number(firstNode * 32n + off));
            off += BigInt(bytesRead);
          }
        } finally {
          await src.close();
        }
      });
      bytes = BigInt((await stat(partial)).size);
    }
    await renameNoReplace(partial, target);
  } catch (e) {
    await rm(partial, { force: true });
    if (e instanceof TargetExistsError)
      throw new InputError(`${target} appeared while this sector was being unsealed (another run, or a copy put there): it was left as it is and nothing was written; move it away and run again`);
    throw e;
  }
  if (!o.keepWork) await rm(o.workDir, { recursive: true, force: true });
  return {
    sector: String(plan.sector),
    kind: plan.snap ? 'snapped' : plan.cc ? 'cc' : 'deal',
    checked: onlyPiece ? { what: 'piece', cid: onlyPiece.pieceCid } : { what: 'comm_d', cid: commDToCid(plan.commD).toString() },
    output: target,
    bytes,
    cc: plan.cc,
    pieces: (onlyPiece ? [onlyPiece] : plan.wanted).map((p) => ({ pieceCid: p.pieceCid, paddedOffset: String(p.paddedOffset), paddedSize: String(p.paddedSize) })),
    ...(plan.cc ? { note: 'CC sector: it holds no deal data; it unseals to zeros (checked against the all-zero comm_d)' } : {}),
  };
}

