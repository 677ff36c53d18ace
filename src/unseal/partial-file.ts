// lotus's unsealed "partial file" (docs/snap.md#unsealed-partial-file): the fr32-padded sector data,
// then an RLE+ bitfield over padded byte offsets marking which bytes hold unsealed data, then the
// bitfield's length as u32 little-endian. lotus, boost and curio serve retrievals from it.
//
// RLE+ (Filecoin spec, go-bitfield rle): bits are packed least-significant first; 2 version bits
// (0), one bit for the value of the first run, then each run's length: a single 1 bit for length 1,
// bits "01" + 4 bits for lengths 2..15, bits "00" + the LEB128 varint (8 bits per byte) otherwise.
// Trailing zero bytes are dropped.

export interface Run {
  readonly val: boolean;
  readonly len: bigint;
}

class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;
  put(value: number, bits: number): void {
    for (let i = 0; i < bits; i++) {
      this.acc |= ((value >> i) & 1) << this.n;
      if (++this.n === 8) {
        this.bytes.push(this.acc);
        this.acc = 0;
        this.n = 0;
      }
    }
  }
  out(): Uint8Array {
    const b = [...this.bytes];
    if (this.n > 0) b.push(this.acc);
    while (b.length > 0 && b[b.length - 1] === 0) b.pop();
    return Uint8Array.from(b);
  }
}

/** RLE+ of runs that alternate in value (adjacent runs of one value are merged first; empty runs dropped). */
export function encodeRlePlus(input: readonly Run[]): Uint8Array {
  const runs: Run[] = [];
  for (const r of input) {
    if (r.len <= 0n) continue;
    const last = runs[runs.length - 1];
    if (last && last.val === r.val) runs[runs.length - 1] = { val: r.val, len: last.len + r.len };
    else runs.push(r);
  }
  const w = new BitWriter();
  w.put(0, 2);
  if (runs.length === 0) {
    w.put(0, 1);
    return w.out();
  }
  w.put(runs[0]!.val ? 1 : 0, 1);
  for (const { len } of runs) {
    if (len === 1n) w.put(1, 1);
    else if (len < 16n) {
      w.put(2, 2);
      w.put(Number(len), 4);
    } else {
      w.put(0, 2);
      let v = len;
      do {
        let byte = Number(v & 0x7fn);
        v >>= 7n;
        if (v > 0n) byte |= 0x80;
        w.put(byte, 8);
      } while (v > 0n);
    }
  }
  return w.out();
}

/** lotus PieceRun: unallocated up to `offset`, then `size` allocated padded bytes. */
export const pieceRuns = (offset: bigint, size: bigint): Run[] => [
  ...(offset > 0n ? [{ val: false, len: offset }] : []),
  { val: true, len: size },
];

/** What follows the padded sector data: the RLE+ bytes and their u32 LE length. */
export function partialFileTrailer(runs: readonly Run[]): Uint8Array {
  const rle = encodeRlePlus(runs);
  const out = new Uint8Array(rle.length + 4);
  out.set(rle, 0);
  new DataView(out.buffer).setUint32(rle.length, rle.length, true);
  return out;
}
