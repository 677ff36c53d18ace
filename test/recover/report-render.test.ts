// The terminal table's "trees on …" note: which devices built a recovered sector's trees.
import { describe, expect, it } from 'vitest';
import { renderReport, type RunReport, type SectorReport } from '../../src/recover/report.js';

const sector = (trees: SectorReport['trees']): SectorReport => ({
  miner: 'f01000',
  sector: '1',
  status: 'recovered',
  paths: { sealed: '/sector/sealed/s-t01000-1' },
  ...(trees ? { trees } : {}),
});
const row = (s: SectorReport): string => renderReport({ sectors: [s] } as unknown as RunReport).split('\n')[1]!;

describe('renderReport names the devices that built the trees', () => {
  it('CPU only or resumed: no note', () => {
    expect(row(sector({ treeC: 'cpu', treeRLast: 'cpu' }))).toMatch(/s-t01000-1$/);
    expect(row(sector({ treeC: 'resumed', treeRLast: 'cpu' }))).toMatch(/s-t01000-1$/);
    expect(row(sector(undefined))).toMatch(/s-t01000-1$/);
  });
  it('one device', () => {
    expect(row(sector({ treeC: 'opencl:0:0', treeRLast: 'opencl:0:0' }))).toMatch(/s-t01000-1 \(trees on opencl:0:0\)$/);
  });
  it('base trees spread over two devices and a CPU fallback: every one, once', () => {
    expect(row(sector({ treeC: 'opencl:0:0, opencl:0:1', treeRLast: 'cpu, opencl:0:1' }))).toMatch(/\(trees on cpu, opencl:0:0, opencl:0:1\)$/);
  });
});
