// Expected values: docs/proofs.md#registered-seal-proofs (ids, names, ApiVersion, features), §1.2 (porep_id), §1.4 (sizes,
// nodes, layers, shapes, base trees, leaves per base tree), docs/proofs.md#registered-seal-proofs (Go names).
import { describe, expect, it } from 'vitest';
import { SEAL_PROOFS, sealProof, sealProofForSize, unpaddedBytes } from '../../src/proofs/index.js';
import { InputError } from '../../src/errors.js';
import { hex } from './reference.js';

const SIZES = [
  // name, sector bytes, N nodes, layers, (base, sub, top), base trees, leaves per base tree
  ['2KiB', 2048n, 64n, 2, [8, 0, 0], 1, 64n],
  ['8MiB', 8388608n, 262144n, 2, [8, 0, 0], 1, 1n << 18n],
  ['512MiB', 536870912n, 1n << 24n, 2, [8, 0, 0], 1, 1n << 24n],
  ['32GiB', 34359738368n, 1n << 30n, 11, [8, 8, 0], 8, 1n << 27n],
  ['64GiB', 68719476736n, 1n << 31n, 11, [8, 8, 2], 16, 1n << 27n],
] as const;

const GROUPS = [
  { ids: [0, 1, 2, 3, 4], suffix: 'V1', go: 'V1', api: 'V1_0_0', features: [] },
  { ids: [5, 6, 7, 8, 9], suffix: 'V1_1', go: 'V1_1', api: 'V1_1_0', features: [] },
  { ids: [10, 11, 12, 13, 14], suffix: 'V1_1_Feat_SyntheticPoRep', go: 'V1_1_Feat_SyntheticPoRep', api: 'V1_2_0', features: ['SyntheticPoRep'] },
  { ids: [15, 16, 17, 18, 19], suffix: 'V1_2_Feat_NonInteractivePoRep', go: 'V1_2_Feat_NiPoRep', api: 'V1_2_0', features: ['NonInteractivePoRep'] },
] as const;

describe('seal proof registry (docs/proofs.md#registered-seal-proofs)', () => {
  it('has exactly the ids 0–19 in table order', () => {
    expect(SEAL_PROOFS.map((p) => p.id)).toEqual([...Array(20).keys()]);
  });

  for (const g of GROUPS) {
    g.ids.forEach((id, si) => {
      const [size, bytes, nodes, layers, [base, sub, top], baseTrees, perTree] = SIZES[si]!;
      it(`id ${id} = StackedDrg${size}${g.suffix}`, () => {
        const p = sealProof(id);
        expect(p.name).toBe(`StackedDrg${size}${g.suffix}`);
        expect(p.goName).toBe(`StackedDrg${size}${g.go}`);
        expect(p.sizeName).toBe(size);
        expect(p.sectorBytes).toBe(bytes);
        expect(p.nodes).toBe(nodes);
        expect(p.layers).toBe(layers);
        expect(p.shape).toEqual({ base, sub, top });
        expect(p.baseTrees).toBe(baseTrees);
        expect(p.nodesPerBaseTree).toBe(perTree);
        expect(p.apiVersion).toBe(g.api);
        expect([...p.features]).toEqual([...g.features]);
        expect(p.legacyGraph).toBe(g.api === 'V1_0_0');
        // §1.2: u64le(id) ‖ u64le(nonce 0) ‖ 16 zero bytes
        expect(hex(p.porepId)).toBe(id.toString(16).padStart(2, '0') + '00'.repeat(31));
      });
    });
  }

  it('porep_id of StackedDrg32GiBV1_1 is 08 followed by 31 zero bytes (§1.2 example)', () => {
    expect(hex(sealProof('StackedDrg32GiBV1_1').porepId)).toBe('08' + '00'.repeat(31));
  });

  it('unpadded capacity of 32GiB is 34,091,302,912 bytes (§1.4)', () => {
    expect(unpaddedBytes(sealProof(8))).toBe(34091302912n);
  });

  it('finds proofs by name, Go name, any case, RegisteredSealProof_ prefix and size/version', () => {
    expect(sealProof('StackedDrg2KiBV1_2_Feat_NiPoRep').id).toBe(15);
    expect(sealProof('stackeddrg32gibv1_1').id).toBe(8);
    expect(sealProof('RegisteredSealProof_StackedDrg64GiBV1').id).toBe(4);
    expect(sealProof('32GiB/V1_1').id).toBe(8);
    expect(sealProof('8MiB/synthetic').id).toBe(11);
    expect(sealProof('512MiB/ni').id).toBe(17);
    expect(sealProof(' 9 ').id).toBe(9);
    expect(sealProofForSize(2048n).id).toBe(5);
  });

  it('rejects unknown ids and names with a clear error', () => {
    expect(() => sealProof(20)).toThrow(InputError);
    expect(() => sealProof(20)).toThrow(/unknown seal proof id 20: registered ids are 0–19/);
    expect(() => sealProof(-1)).toThrow(/unknown seal proof id -1/);
    expect(() => sealProof(1.5)).toThrow(/unknown seal proof id 1.5/);
    expect(() => sealProof('StackedDrg4KiBV1')).toThrow(/unknown seal proof "StackedDrg4KiBV1"/);
    expect(() => sealProof('2KiB/V9')).toThrow(/unknown seal proof/);
  });
});
