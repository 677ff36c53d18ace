// Naming the node that does not decode (docs/unseal.md#finding-the-bad-node). The decoded data's own
// tree (tree-d layout: leaves, then each row up to the root) gives every piece's root, so a bad
// piece is found by comparing roots with the piece CIDs. Inside a bad region:
//   * a zero region (lotus filler piece, alignment gap, CC sector): every non-zero node is bad;
//   * a node whose two top bits are set cannot be fr32-padded data: it is bad;
//   * an original tree-d still in the sector's cache (not finalized): leaves that differ are bad;
//   * otherwise the one-byte search: for each node and byte, the replica byte values that would make
//     the region's root equal its commitment (siblings from the decoded tree). A unique hit names the
//     node, the byte and the original value; it is exact for one damaged byte, and bounded in work.
import { open, type FileHandle } from 'node:fs/promises';
import { SHA256_IV, sha256CompressLanes } from '../native/hashing.js';
import { toHex, type Commitment } from '../proofs/types.js';

/** The BLS12-381 scalar field modulus: replica and key nodes are elements below it. */
export const FR_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

/** Nodes are 32-byte little-endian integers. */
export const leToBig = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).reverse().toString('hex') || '0'}`);
export const bigToLe = (v: bigint): Uint8Array => Buffer.from(v.toString(16).padStart(64, '0'), 'hex').reverse();

/** A binary sha254 tree in tree-d layout over `leaves` nodes whose leaf 0 is sector node `firstNode`. */
export class DecodedTree {
  private constructor(
    private readonly fh: FileHandle,
    readonly leaves: bigint,
    readonly firstNode: bigint,
  ) {}
  static async open(path: string, leaves: bigint, firstNode: bigint): Promise<DecodedTree> {
    return new DecodedTree(await open(path, 'r'), leaves, firstNode);
  }
  close(): Promise<void> {
    return this.fh.close();
  }
  /** node `index` of row `level` (0 = leaves) */
  async node(level: number, index: bigint): Promise<Uint8Array> {
    const before = level === 0 ? 0n : 2n * this.leaves - this.leaves / (1n << BigInt(level - 1));
    const buf = Buffer.alloc(32);
    await this.fh.read(buf, 0, 32, Number((before + index) * 32n));
    return buf;
  }
  /** `count` consecutive leaves from leaf `index` */
  async leafRange(index: bigint, count: bigint): Promise<Buffer> {
    const buf = Buffer.alloc(Number(count) * 32);
    await this.fh.read(buf, 0, buf.length, Number(index * 32n));
    return buf;
  }
  /** the root of the aligned region of `nodes` sector nodes starting at sector node `start` */
  regionRoot(start: bigint, nodes: bigint): Promise<Uint8Array> {
    const level = log2(nodes);
    return this.node(level, (start - this.firstNode) / nodes);
  }
}

export const log2 = (n: bigint): number => n.toString(2).length - 1;

/** Where a bad region lies and what its root must be. */
export interface Region {
  /** sector node index of the first node; `nodes` is a power of two and start is a multiple of it */
  readonly start: bigint;
  readonly nodes: bigint;
  readonly expected: Commitment;
  /** all-zero data expected (filler, gap, CC) */
  readonly zero: boolean;
  readonly what: string;
}

export interface BadNode {
  readonly node: bigint;
  /** byte offset of the node in the sealed (or update) file */
  readonly offset: bigint;
  readonly why: string;
}

export interface LocateInputs {
  readonly tree: DecodedTree;
  readonly region: Region;
  /** reads a replica node (the sealed or update file) */
  readonly replicaNode: (node: bigint) => Promise<Uint8Array>;
  /** the original tree-d (an unfinalized cache), if there is one */
  readonly originalTreeD?: DecodedTree;
  /** the damaged blocks of a range, from the stored tree-r-last; undefined when there is none */
  readonly narrow?: (start: bigint, nodes: bigint) => Promise<readonly { start: bigint; nodes: bigint }[] | undefined>;
  /**
   * How a change of a replica node changes its data node: data = (replica − key)·f(v), f = 1 for a
   * sealed sector, rho(v)⁻¹ for a snapped one (docs/unseal.md#finding-the-bad-node). Default 1.
   */
  readonly dataFactor?: (node: bigint) => bigint;
  /** most sha254 evaluations the one-byte search may spend */
  readonly searchBudget?: number;
  readonly signal?: AbortSignal;
}

export interface Located {
  readonly nodes: readonly BadNode[];
  /** how the nodes were found, or why none could be named */
  readonly method: string;
}

const bad = (node: bigint, why: string): BadNode => ({ node, offset: node * 32n, why });

/** Calls `fn` for each leaf of [start, start + nodes), reading the tree's leaf row in 1 MiB chunks. */
async function scanLeaves(tree: DecodedTree, start: bigint, nodes: bigint, fn: (v: bigint, leaf: Uint8Array) => Promise<void> | void): Promise<void> {
  const CHUNK = 32768n;
  for (let at = start; at < start + nodes; at += CHUNK) {
    const n = start + nodes - at < CHUNK ? start + nodes - at : CHUNK;
    const buf = await tree.leafRange(at - tree.firstNode, n);
    for (let k = 0; k < Number(n); k++) {
      const r = fn(at + BigInt(k), buf.subarray(k * 32, k * 32 + 32));
      if (r) await r; // only the tree-d comparison reads; the other scans stay synchronous
    }
  }
}

/** Reporting stops after this many nodes of one region: the rest of a wrecked region adds nothing. */
const MAX_LISTED = 16;

export async function locateBadNodes(i: LocateInputs): Promise<Located> {
  const { tree, region } = i;
  const found: BadNode[] = [];
  const note = (n: BadNode) => void (found.length < MAX_LISTED && found.push(n));
  if (region.zero) {
    await scanLeaves(tree, region.start, region.nodes, (v, l) => {
      if (l.some((b) => b !== 0)) note(bad(v, `decodes to ${toHex(l)} where ${region.what} must be zeros`));
    });
    return { nodes: found, method: 'zero region: non-zero nodes' };
  }
  await scanLeaves(tree, region.start, region.nodes, (v, l) => {
    if ((l[31]! & 0xc0) !== 0) note(bad(v, `decodes to ${toHex(l)}, whose two top bits are set: no fr32-padded data looks like that`));
  });
  if (found.length) return { nodes: found, method: 'fr32 check' };

  if (i.originalTreeD) {
    const orig = i.originalTreeD;
    await scanLeaves(tree, region.start, region.nodes, async (v, l) => {
      const o = await orig.node(0, v);
      if (Buffer.compare(o, l) !== 0) note(bad(v, `decodes to ${toHex(l)}, the sector's tree-d leaf is ${toHex(o)}`));
    });
    if (found.length) return { nodes: found, method: "the sector's own tree-d" };
  }
  const blocks = (await i.narrow?.(region.start, region.nodes)) ?? undefined;
  if (blocks && blocks.length === 0) return { nodes: [], method: 'the stored tree-r-last matches the replica here: the sealed bytes are as sealed, the record or key is wrong' };
  return oneByteSearch(i, blocks ?? [{ start: region.start, nodes: region.nodes }], blocks ? `tree-r-last narrowed the search to ${blocks.map((b) => `nodes ${b.start}..${b.start + b.nodes - 1n}`).join(', ')}; ` : '');
}

/**
 * One tree level for many candidates at once: out[j] = sha254(cur[j] ‖ sib) (or sib ‖ cur[j] when the
 * sibling is on the left), through the native multi-lane SHA-256, 64 lanes a call.
 */
function hashLevel(cur: Uint8Array, lanes: number, sib: Uint8Array, sibLeft: boolean): Uint8Array {
  const out = new Uint8Array(lanes * 32);
  const blocks = new Uint8Array(64 * 128);
  const states = new Uint32Array(64 * 8);
  const mine = sibLeft ? 32 : 0;
  const theirs = sibLeft ? 0 : 32;
  for (let at = 0; at < lanes; at += 64) {
    const n = Math.min(64, lanes - at);
    for (let i = 0; i < n; i++) {
      const o = i * 128;
      const src = (at + i) * 32;
      for (let q = 0; q < 32; q++) {
        blocks[o + mine + q] = cur[src + q]!;
        blocks[o + theirs + q] = sib[q]!;
      }
      blocks[o + 64] = 0x80;
      blocks[o + 126] = 0x02; // message length 512 bits, big-endian
      states.set(SHA256_IV, i * 8);
    }
    sha256CompressLanes(n === 64 ? states : states.subarray(0, n * 8), n === 64 ? blocks : blocks.subarray(0, n * 128), n);
    for (let i = 0; i < n; i++) {
      const o = (at + i) * 32;
      for (let w = 0; w < 8; w++) {
        const x = states[i * 8 + w]!;
        out[o + 4 * w] = x >>> 24;
        out[o + 4 * w + 1] = (x >>> 16) & 0xff;
        out[o + 4 * w + 2] = (x >>> 8) & 0xff;
        out[o + 4 * w + 3] = x & 0xff;
      }
      out[o + 31]! &= 0x3f;
    }
  }
  return out;
}

async function oneByteSearch(i: LocateInputs, blocks: readonly { start: bigint; nodes: bigint }[], how: string): Promise<Located> {
  const { tree, region } = i;
  const depth = log2(region.nodes);
  const suspects = blocks.reduce((n, b) => n + Number(b.nodes), 0);
  const budget = i.searchBudget ?? 256_000_000;
  // ~256 single-bit and ~7,904 other candidates a node, each `depth` hashes; a pass that would
  // exceed the budget is left out (and said so), so bit flips are still found in larger pieces.
  const passCost = { bit: suspects * 256 * Math.max(depth, 1), byte: suspects * 7904 * Math.max(depth, 1) };
  const passes = (['bit', 'byte'] as const).filter((p) => passCost[p] <= budget);
  const skipped = passes.length < 2 ? `; ${passes.length ? 'other byte values' : 'the search'} left out: ${suspects} suspect nodes × ${depth} levels exceed ${budget} hashes (no tree-r-last in the cache to narrow them)` : '';
  if (!passes.length) return { nodes: [], method: `${how}one-byte search not run${skipped}` };
  const hits: BadNode[] = [];
  // Pass 1 tries single-bit flips (bit rot, the usual damage: 256 candidates a node), pass 2 every
  // other byte value (7,904 more); each pass covers all suspect nodes before the next starts.
  for (const pass of passes) {
    for (const blk of blocks) for (let v = blk.start; v < blk.start + blk.nodes; v++) {
      i.signal?.throwIfAborted();
      // siblings of leaf v up to the region root, from the decoded tree (right except on v's path)
      const sibs: { left: boolean; hash: Uint8Array }[] = [];
      let idx = v - tree.firstNode;
      for (let level = 0; level < depth; level++) {
        sibs.push({ left: (idx & 1n) === 1n, hash: await tree.node(level, idx ^ 1n) });
        idx >>= 1n;
      }
      const replica = await i.replicaNode(v);
      const repValue = leToBig(replica);
      const data = leToBig(await tree.node(0, v - tree.firstNode));
      const factor = i.dataFactor?.(v) ?? 1n;
      // candidate original replica bytes for this node: (byte, value) and the data node they imply
      const cands: { byte: number; was: number; c: number }[] = [];
      const values: Uint8Array[] = [];
      for (let byte = 0; byte < 32; byte++) {
        const was = replica[byte]!;
        for (let c = 0; c < 256; c++) {
          const x = c ^ was;
          const oneBit = x !== 0 && (x & (x - 1)) === 0;
          if (c === was || (pass === 'bit') !== oneBit) continue;
          const delta = BigInt(c - was) << BigInt(8 * byte);
          if (repValue + delta >= FR_MODULUS) continue;
          const orig = (((data + delta * factor) % FR_MODULUS) + FR_MODULUS) % FR_MODULUS;
          if (orig >> 254n !== 0n) continue;
          cands.push({ byte, was, c });
          values.push(bigToLe(orig));
        }
      }
      const lanes = cands.length;
      let cur: Uint8Array = new Uint8Array(lanes * 32);
      values.forEach((b, j) => cur.set(b, j * 32));
      for (const sib of sibs) cur = hashLevel(cur, lanes, sib.hash, sib.left);
      for (let j = 0; j < lanes; j++) {
        if (Buffer.compare(cur.subarray(j * 32, j * 32 + 32), region.expected) !== 0) continue;
        const { byte, was, c } = cands[j]!;
        hits.push(bad(v, `byte ${byte} of the node (file offset ${v * 32n + BigInt(byte)}) reads 0x${was.toString(16).padStart(2, '0')}; with 0x${c.toString(16).padStart(2, '0')} the ${region.what} decodes to its commitment`));
        // A root match is a SHA-256 second preimage for any other explanation: this one is the answer.
        return { nodes: hits, method: `${how}one-byte search: the only change that restores the commitment` };
      }
    }
  }
  return { nodes: hits, method: `${how}one-byte search found no single damaged ${passes.length < 2 ? 'bit' : 'byte'}: more than one byte (or node) is damaged${skipped}` };
}
