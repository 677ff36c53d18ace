// commP of a piece read as a stream (a piece file), without holding it in memory: fr32-pad on the
// fly and fold 32-byte nodes into a binary sha254 tree kept as a stack of completed subtrees.
// Same result as commP() over the whole buffer.
import { Readable } from 'node:stream';
import { Fr32PadStream } from './fr32.js';
import { paddedPieceSize, type PieceCommitment } from './comm-p.js';
import { nodeHash } from './sha254.js';
import { InputError } from '../errors.js';
import { type Commitment } from './types.js';
import { zeroCommitment } from './zero-commitments.js';

/** Left-to-right binary Merkle root over 32-byte leaves, O(log n) memory. */
export class MerkleAccumulator {
  private readonly stack: { level: number; hash: Uint8Array }[] = [];
  private leaves = 0n;

  push(leaf: Uint8Array): void {
    let hash: Uint8Array = leaf.slice(0, 32);
    let level = 0;
    for (let top = this.stack.at(-1); top && top.level === level; top = this.stack.at(-1)) {
      hash = nodeHash(top.hash, hash);
      this.stack.pop();
      level++;
    }
    this.stack.push({ level, hash });
    this.leaves++;
  }

  get leafCount(): bigint {
    return this.leaves;
  }

  /** Root of the tree of `totalBytes` (a power of two ≥ 32), the missing right part being zeros. */
  root(totalBytes: bigint): Commitment {
    const levels = totalBytes.toString(2).length - 1 - 5;
    if (this.leaves * 32n > totalBytes) throw new InputError(`${this.leaves * 32n} bytes of nodes do not fit a ${totalBytes}-byte tree`);
    if (this.stack.length === 0) return zeroCommitment(totalBytes);
    const stack = this.stack.map((e) => ({ ...e }));
    const top = () => stack[stack.length - 1]!;
    while (stack.length > 1 || top().level < levels) {
      let level = top().level;
      let hash: Uint8Array = nodeHash(top().hash, zeroCommitment(32n << BigInt(level)));
      stack.pop();
      level++;
      for (let t = stack.at(-1); t && t.level === level; t = stack.at(-1)) {
        hash = nodeHash(t.hash, hash);
        stack.pop();
        level++;
      }
      stack.push({ level, hash });
    }
    return top().hash.slice() as Commitment;
  }
}

export interface CommPStreamOptions {
  /**
   * The piece's padded size when known (e.g. from the chain): the data is treated as zero-extended
   * to it, as lotus pads a short piece file. Default: the smallest size that holds the data.
   */
  readonly paddedSize?: bigint;
}

/** commP and padded size of the unpadded piece bytes produced by `source`. */
export async function commPOfStream(
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  opts: CommPStreamOptions = {},
): Promise<PieceCommitment> {
  const acc = new MerkleAccumulator();
  let unpadded = 0;
  let carry = new Uint8Array(0);
  const counted = Readable.from(
    (async function* () {
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        unpadded += chunk.length;
        yield chunk;
      }
    })(),
  );
  for await (const chunk of counted.pipe(new Fr32PadStream()) as AsyncIterable<Buffer>) {
    let buf: Uint8Array = chunk;
    if (carry.length) {
      buf = new Uint8Array(carry.length + chunk.length);
      buf.set(carry);
      buf.set(chunk, carry.length);
    }
    const whole = buf.length - (buf.length % 32);
    for (let off = 0; off < whole; off += 32) acc.push(buf.subarray(off, off + 32));
    carry = buf.slice(whole);
  }
  if (unpadded === 0) throw new InputError('cannot compute the commP of an empty piece');
  const needed = paddedPieceSize(unpadded);
  const size = opts.paddedSize ?? needed;
  if (size < needed || (size & (size - 1n)) !== 0n) {
    throw new InputError(`a piece of ${unpadded} bytes needs a padded size of at least ${needed} (a power of two), not ${size}`);
  }
  return { commP: acc.root(size), size };
}
