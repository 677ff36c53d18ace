// FIL_PROOFS_* settings as rust-fil-proofs reads them (storage-proofs-core/src/settings.rs).
import { describe, expect, it } from 'vitest';
import { readProofsSettings } from '../../src/sector/settings.js';
import { InputError } from '../../src/errors.js';

describe('parent cache directory', () => {
  it('is FIL_PROOFS_PARENT_CACHE when set', () => {
    expect(readProofsSettings({ FIL_PROOFS_PARENT_CACHE: '/srv/parents', FIL_PROOFS_CACHE_DIR: '/x/' }).parentCacheDir).toBe('/srv/parents');
  });
  it('else FIL_PROOFS_CACHE_DIR + "filecoin-parents" by plain concatenation, default /var/tmp/', () => {
    expect(readProofsSettings({}).parentCacheDir).toBe('/var/tmp/filecoin-parents');
    expect(readProofsSettings({ FIL_PROOFS_CACHE_DIR: '/data/cache/' }).parentCacheDir).toBe('/data/cache/filecoin-parents');
    expect(readProofsSettings({ FIL_PROOFS_CACHE_DIR: '/data/cache' }).parentCacheDir).toBe('/data/cachefilecoin-parents');
  });
});

describe('rows to discard', () => {
  it('defaults to 2 and reads FIL_PROOFS_ROWS_TO_DISCARD', () => {
    expect(readProofsSettings({}).rowsToDiscard).toBe(2);
    expect(readProofsSettings({ FIL_PROOFS_ROWS_TO_DISCARD: '' }).rowsToDiscard).toBe(2);
    expect(readProofsSettings({ FIL_PROOFS_ROWS_TO_DISCARD: '0' }).rowsToDiscard).toBe(0);
    expect(readProofsSettings({ FIL_PROOFS_ROWS_TO_DISCARD: '4' }).rowsToDiscard).toBe(4);
  });
  it('refuses what is not a small non-negative integer, naming the variable', () => {
    for (const bad of ['-1', 'two', '1.5', '99999999999']) {
      expect(() => readProofsSettings({ FIL_PROOFS_ROWS_TO_DISCARD: bad })).toThrow(InputError);
      expect(() => readProofsSettings({ FIL_PROOFS_ROWS_TO_DISCARD: bad })).toThrow(/FIL_PROOFS_ROWS_TO_DISCARD/);
    }
  });
});
