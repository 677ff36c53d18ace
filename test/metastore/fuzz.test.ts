// Random damage (seeded): whatever is hit, reading never throws and never yields a value that was
// not written for that key, in either mode. METASTORE_FUZZ=<n> runs n seeds (default 40; 400 pass).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildView, liveEntries, StrictRefusalError } from '../../src/metastore/latest-view.js';
import { b64, goStore, removeTempDirs, tempDir, type Truth } from './helpers.js';

const flipBit = (b: Buffer, at: number, bit: number): void => {
  b[at] = b[at]! ^ (1 << bit);
};

// xorshift32: reproducible damage
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

let root: string;
const bases: Array<{ dir: string; truth: Truth }> = [];
beforeAll(() => {
  root = tempDir('fuzz');
  for (const compression of ['none', 'snappy'] as const) {
    const dir = join(root, `base-${compression}`);
    bases.push({ dir, truth: goStore(dir, { sectors: 200, seed: 3, compression }) });
  }
});
afterAll(removeTempDirs);

describe('random damage', () => {
  it.each(Array.from({ length: Number(process.env.METASTORE_FUZZ ?? 40) }, (_, i) => i + 1))('seed %i', async (seed) => {
    const r = rng(seed * 2654435761);
    const { dir: base, truth } = bases[seed % 2]!; // uncompressed (lotus) and Snappy stores in turn
    const dir = join(root, `s${seed}`);
    cpSync(base, dir, { recursive: true });
    const files = readdirSync(dir).filter((f) => /\.(ldb|log)$|^MANIFEST-|^CURRENT/.test(f));
    for (let k = 0; k < 1 + r(4); k++) {
      const f = join(dir, files[r(files.length)]!);
      let size: number;
      try {
        size = statSync(f).size;
      } catch {
        continue; // removed by an earlier step
      }
      const b = readFileSync(f);
      switch (r(6)) {
        case 0: // one bit
          if (size) flipBit(b, r(size), r(8));
          writeFileSync(f, b);
          break;
        case 1: // a run of garbage
          for (let i = 0, at = r(Math.max(1, size)), n = 1 + r(600); i < n && at + i < size; i++) b[at + i] = r(256);
          writeFileSync(f, b);
          break;
        case 2: // zeros
          {
            const at = r(Math.max(1, size));
            b.fill(0, Math.min(at, size), Math.min(size, at + 1 + r(5000)));
          }
          writeFileSync(f, b);
          break;
        case 3: // truncation
          truncateSync(f, r(Math.max(1, size)));
          break;
        case 4: // removal
          unlinkSync(f);
          break;
        default: // a bit in the last 64 bytes (footers, torn tails)
          if (size) flipBit(b, Math.max(0, size - 1 - r(64)), r(8));
          writeFileSync(f, b);
      }
    }
    for (const mode of ['lenient', 'strict'] as const) {
      // strict may refuse (goleveldb with lotus's options refuses damaged stores); it then names the file
      const view = await buildView(dir, mode).catch((e: unknown) => {
        if (mode === 'strict' && e instanceof StrictRefusalError) {
          expect(e.refusals[0]!.file).not.toBe('');
          return null;
        }
        throw e;
      });
      if (!view) continue;
      for (const e of liveEntries(view)) {
        const ever = truth.everWritten.get(b64(e.key));
        expect(ever?.has(b64(e.value)), `${mode}: ${Buffer.from(e.key).toString()} has a value never written`).toBe(true);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
