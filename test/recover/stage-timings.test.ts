// The report's PC1/PC2 split from the stages' progress reports. Kernels report after their first
// chunk, so a stage's first report can be its last (a GPU tree-c of an 8MiB sector reports once, at
// 100 %): a split taken at first reports put tree-c inside PC1 (seen: "PC1 16 s" for 0.5 s of labeling).
import { describe, expect, it } from 'vitest';
import { stageTimings } from '../../src/recover/recover.js';
import type { SealStage } from '../../src/seal/contracts.js';

const at = (...xs: Array<[SealStage, number]>) => new Map(xs);

describe('stageTimings', () => {
  it('PC1 runs from the end of tree-d to its last layer milestone; PC2 from there to the end', () => {
    // tree-d done at 10 ms, labeling reports until 600 ms, tree-c's only report at 15 s
    const last = at(['parents-cache', 5], ['tree-d', 10], ['pc1', 600], ['tree-c', 15_000], ['encode', 15_100], ['tree-r-last', 19_000], ['aux', 19_100]);
    expect(stageTimings(last, 0, 19_200)).toEqual({ pc1Ms: 590, pc2Ms: 18_600 });
  });
  it('without tree-d or parents-cache reports (resumed), PC1 starts with the seal', () => {
    expect(stageTimings(at(['pc1', 700], ['tree-c', 900]), 100, 1_000)).toEqual({ pc1Ms: 600, pc2Ms: 300 });
  });
  it('PC1 finished by an earlier run: only PC2, from the start of this seal', () => {
    expect(stageTimings(at(['tree-c', 900], ['aux', 950]), 100, 1_000)).toEqual({ pc2Ms: 900 });
  });
  it('nothing reported: no figures', () => {
    expect(stageTimings(at(), 0, 5)).toEqual({});
  });
});
