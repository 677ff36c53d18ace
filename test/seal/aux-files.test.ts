// t_aux path rewriting against the reference's own t_aux bytes (fixtures/vectors, written by
// rust-fil-proofs with the cache dir it sealed in): the result must be byte-identical to the
// reference file with only the length-prefixed path strings swapped.
import { describe, expect, it } from 'vitest';
import { decodeTAux, tAuxWithCacheDir } from '../../src/sector/aux-files.js';
import { loadVector } from '../helpers/vectors.js';
import { withCachePath } from './helpers/oracle-files.js';

describe('tAuxWithCacheDir', () => {
  for (const name of ['2KiB-V1_1-cc-f01000-s1', '8MiB-V1_1-cc-f01000-s5', '2KiB-NiPoRep-random-f01000-s1']) {
    it(`${name}: equals the oracle t_aux with the path substituted (shorter, longer, non-ASCII)`, () => {
      const f = loadVector(name).files.t_aux!;
      const theirs = Buffer.from(f.base64!, 'base64');
      for (const to of ['/s/cache/s-t01000-1', `/mnt/${'deep/'.repeat(40)}cache/s-t01000-1`, '/stockage/données/cache/s-t01000-1']) {
        const ours = Buffer.from(tAuxWithCacheDir(theirs, to));
        expect(ours.toString('hex')).toBe(withCachePath(theirs, f.cache_path!, to).toString('hex'));
        const d = decodeTAux(ours);
        expect([...d.labels, d.treeD, d.treeC, d.treeRLast].map((c) => c.path)).toEqual(Array(d.labels.length + 3).fill(to));
      }
      // the same path back gives the reference bytes unchanged
      expect(Buffer.from(tAuxWithCacheDir(theirs, f.cache_path!)).equals(theirs)).toBe(true);
    });
  }

  it('a damaged t_aux is refused with the file named', () => {
    const theirs = Buffer.from(loadVector('2KiB-V1_1-cc-f01000-s1').files.t_aux!.base64!, 'base64');
    expect(() => tAuxWithCacheDir(theirs.subarray(0, 40), '/x', '/w/cache/t_aux')).toThrow(/^\/w\/cache\/t_aux: .*the file is damaged/);
  });
});
