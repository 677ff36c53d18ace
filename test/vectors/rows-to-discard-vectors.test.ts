// The committed FIL_PROOFS_ROWS_TO_DISCARD vectors (fixtures/vectors/rows-to-discard/, tools/oracle
// `--rows-to-discard k`) are loadable and agree with the default-setting vectors of the same inputs:
// identical commitments, layers and trees except tree-r-last's cache files and t_aux's
// rows_to_discard, which follow min(row_count − 2, k).
import { describe, expect, it } from 'vitest';
import {
  entryBytes,
  familyVectorNames,
  loadFamilyVector,
  loadVector,
  treeRLastCachedNodes,
  type RowsToDiscardSealVector,
  type ShapeVector,
  type SnapVector,
} from '../helpers/vectors.js';

const FAMILY = 'rows-to-discard';
const names = familyVectorNames(FAMILY);
const sealNames = names.filter((n) => n.startsWith('8MiB-') && !n.includes('-snap-'));
const shapeNames = names.filter((n) => n.startsWith('8-8-'));
const snapNames = names.filter((n) => n.includes('-snap-'));

/** Row sizes (leaves first) of an 8-ary tree with `leaves` leaves. */
const rowsOf = (leaves: number): number[] => {
  const rows: number[] = [];
  for (let r = leaves; r >= 1; r /= 8) rows.push(r);
  return rows;
};

/** The rows_to_discard the reference applies for setting k (arity 8). */
const applied = (rowCount: number, k: number): number => (rowCount <= 2 ? 0 : rowCount === 3 ? 1 : Math.min(rowCount - 2, k));

/** File entries equal except the ones listed. */
function expectSameFilesExcept(a: Record<string, { sha256: string }>, b: Record<string, { sha256: string }>, except: (n: string) => boolean): void {
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const n of Object.keys(a)) if (!except(n)) expect(a[n]!.sha256, n).toBe(b[n]!.sha256);
}

describe('fixtures/vectors/rows-to-discard: inventory', () => {
  it('has 8MiB V1_1 CC with 1, 4 and 7, one 8-8-0 shape with a non-default value, and a snap on such a key', () => {
    for (const k of [1, 4, 7]) expect(names).toContain(`8MiB-V1_1-cc-f01000-s1-rtd${k}`);
    expect(shapeNames.length).toBeGreaterThan(0);
    expect(snapNames).toContain('8MiB-V1_1-cc-f01000-s1-rtd1-snap-random');
  });
});

describe.each(sealNames)('rows-to-discard/%s (seal)', (name) => {
  const v = loadFamilyVector<RowsToDiscardSealVector>(FAMILY, name);
  const base = loadVector('8MiB-V1_1-cc-f01000-s1');
  const r = v.rows_to_discard;
  const rows = rowsOf(Number(v.nodes));

  it('records the setting and what the reference applied (clamped to row_count − 2)', () => {
    expect(name.endsWith(`-rtd${r.setting}`)).toBe(true);
    expect(r.env).toBe(`FIL_PROOFS_ROWS_TO_DISCARD=${r.setting}`);
    expect(r.settings_rows_to_discard).toBe(r.setting);
    expect(r.base_tree_row_count).toBe(rows.length);
    expect(r.max_rows_to_discard).toBe(rows.length - 2);
    expect(r.tree_r_last_rows_to_discard).toBe(applied(rows.length, r.setting));
    expect(r.clamped).toBe(r.setting > r.max_rows_to_discard);
    expect(v.files['t_aux']!.decoded!.tree_r_last.rows_to_discard).toBe(r.tree_r_last_rows_to_discard);
  });

  it('same commitments and files as the default vector except tree-r-last and t_aux', () => {
    for (const k of ['comm_d', 'replica_id', 'comm_c', 'comm_r_last', 'comm_r'] as const) expect(v[k], k).toBe(base[k]);
    expectSameFilesExcept(v.files, base.files, (n) => n === 't_aux' || n.includes('tree-r-last'));
    const t = v.files['t_aux']!.decoded!;
    const tb = base.files['t_aux']!.decoded!;
    expect({ ...t.tree_r_last, path: '', rows_to_discard: 0 }).toEqual({ ...tb.tree_r_last, path: '', rows_to_discard: 0 });
  });

  it('tree-r-last cache file keeps the rows above the discarded ones, ending in comm_r_last', () => {
    const f = v.files['sc-02-data-tree-r-last.dat']!;
    expect(f.size).toBe(treeRLastCachedNodes(rows, r.tree_r_last_rows_to_discard) * 32);
    const b = entryBytes(f);
    if (b) expect(Buffer.from(b.subarray(b.length - 32)).toString('hex')).toBe(v.comm_r_last);
  });
});

describe.each(shapeNames)('rows-to-discard/%s (shape-seal)', (name) => {
  const v = loadFamilyVector<ShapeVector>(FAMILY, name);
  const baseName = name.replace(/-rtd\d+$/, '');
  const base = loadFamilyVector<ShapeVector>('shapes', baseName);
  const r = v.rows_to_discard!;

  it('applies a non-default value to every base tree-r-last and to t_aux', () => {
    const rows = v.setup.shape.base_tree_rows;
    expect(r.tree_r_last_rows_to_discard).toBe(applied(rows.length, r.setting));
    expect(r.tree_r_last_rows_to_discard).not.toBe(base.setup.shape.tree_r_last_rows_to_discard);
    expect(v.setup.shape.tree_r_last_rows_to_discard).toBe(r.tree_r_last_rows_to_discard);
    expect(v.files['t_aux']!.decoded!.tree_r_last.rows_to_discard).toBe(r.tree_r_last_rows_to_discard);
    for (let i = 0; i < v.setup.shape.base_tree_count; i++) {
      expect(v.files[`sc-02-data-tree-r-last-${i}.dat`]!.size).toBe(treeRLastCachedNodes(rows, r.tree_r_last_rows_to_discard) * 32);
    }
  });

  it('same setup, commitments and other files as shapes/' + baseName, () => {
    expect(v.setup.porep_id).toBe(base.setup.porep_id);
    for (const k of ['comm_d', 'replica_id', 'comm_c', 'comm_r_last', 'comm_r'] as const) expect(v[k], k).toBe(base[k]);
    expectSameFilesExcept(v.files, base.files, (n) => n === 't_aux' || n.includes('tree-r-last'));
  });
});

describe.each(snapNames)('rows-to-discard/%s (encode)', (name) => {
  const v = loadFamilyVector<SnapVector>(FAMILY, name);
  const base = loadFamilyVector<SnapVector>('snap', name.replace(/-rtd\d+/, ''));
  const r = v.rows_to_discard!;

  it('the update cache keeps the key\'s rows_to_discard (encode_into copies it from the key\'s t_aux)', () => {
    const rows = rowsOf(Number(v.nodes));
    const uc = v.files['update-cache'];
    expect(uc['t_aux']!.decoded!.tree_r_last.rows_to_discard).toBe(r.tree_r_last_rows_to_discard);
    expect(uc['sc-02-data-tree-r-last.dat']!.size).toBe(treeRLastCachedNodes(rows, r.tree_r_last_rows_to_discard) * 32);
    expect(v.sector_key.files['t_aux']!.decoded!.tree_r_last.rows_to_discard).toBe(r.tree_r_last_rows_to_discard);
  });

  it('same commitments, phi, samples and replica as the default-setting snap vector', () => {
    for (const k of ['comm_r_old', 'comm_d_new', 'comm_r_last_new', 'comm_r_new', 'phi'] as const) expect(v[k], k).toBe(base[k]);
    expect(v.samples).toEqual(base.samples);
    expect(v.files.update.sha256).toBe(base.files.update.sha256);
    expect(v.files['update-cache']['sc-02-data-tree-d.dat']!.sha256).toBe(base.files['update-cache']['sc-02-data-tree-d.dat']!.sha256);
  });
});
