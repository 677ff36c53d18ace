// `recover --gpu`: the bundled devnet's 2KiB sectors recovered with their trees built on the
// OpenCL device (CommR equal to the chain's, files equal to the oracle's, the report naming the
// device), and --gpu auto without OpenCL falling back to the CPU with one line saying so.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecover } from '../../src/cli/commands/recover.js';
import { runVerify } from '../../src/cli/commands/verify.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import { loadVector } from '../helpers/vectors.js';
import { dirs } from '../recover/helpers/setup.js';
import { itGpu } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
function capture() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c) => (text += c));
  return { s, text: () => text };
}

describe('recover --gpu', () => {
  let net: Devnet;
  beforeAll(async () => {
    net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
  });
  afterAll(async () => net.close());

  itGpu(
    '--gpu opencl:P:D recovers CC sectors 1 and 2 with the trees built on the device; verify --deep --gpu rebuilds them there',
    async (device) => {
      const d = await dirs();
      const out = capture();
      const err = capture();
      const code = await runRecover(
        { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', sectors: ['1', '2'], json: true, gpu: device.id },
        { stdout: out.s, stderr: err.s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } },
      );
      const rep = JSON.parse(out.text());
      expect(rep.sectors.map((s: { status: string; reason?: string }) => s.reason ?? s.status)).toEqual(['recovered', 'recovered']);
      expect(code).toBe('ok');
      expect(err.text()).toContain(`sealer-recover: trees are built on ${device.id} (${device.name})`);
      for (const [i, n] of ['2KiB-V1_1-cc-f01000-s1', '2KiB-V1_1-cc-f01000-s2'].entries()) {
        const v = loadVector(n);
        expect(rep.sectors[i].trees).toEqual({ treeC: device.id, treeRLast: device.id });
        expect([rep.sectors[i].commC, rep.sectors[i].commRLast, rep.sectors[i].commR.got]).toEqual([v.comm_c, v.comm_r_last, v.comm_r]);
        const cache = join(d.result, 'cache', `s-t01000-${i + 1}`);
        expect(sha(await readFile(join(cache, 'sc-02-data-tree-r-last.dat')))).toBe(v.files['sc-02-data-tree-r-last.dat']!.sha256);
      }
      // verify --deep rebuilds tree-r-last on the same device and finds the published sectors whole
      const vout = capture();
      const verdict = await runVerify(
        { sealingResult: d.result, deep: true, json: true, gpu: device.id },
        { stdout: vout.s, stderr: capture().s, tty: false, cwd: process.cwd(), env: {} },
      );
      expect(verdict).toBe('ok');
      const deep = JSON.parse(vout.text()).sectors.map((s: { checks: Array<{ name: string; detail: string }> }) => s.checks.find((c) => c.name === 'replica-tree-r-last')?.detail);
      expect(deep).toHaveLength(2);
      for (const detail of deep) expect(detail).toContain(`tree-r-last rebuilt on ${device.id} (${device.name}) from the replica matches`);
    },
    120_000,
  );

  it('--gpu auto with SDR_OPENCL_LIBRARY at a missing library: the CPU, and one line saying so', async () => {
    const d = await dirs();
    const out = capture();
    const err = capture();
    const code = await runRecover(
      { parallel: 1, sealingTemp: d.temp, sealingResult: d.result, miner: 'f01000', sectors: ['1'], json: true, gpu: 'auto' },
      { stdout: out.s, stderr: err.s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo, SDR_OPENCL_LIBRARY: '/nonexistent/libOpenCL.so.1' } },
    );
    const rep = JSON.parse(out.text());
    expect(code).toBe('ok');
    expect(rep.sectors[0].trees).toEqual({ treeC: 'cpu', treeRLast: 'cpu' });
    const lines = err.text().split('\n').filter((l) => /GPU|OpenCL/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sealer-recover: no GPU backend \(cannot load the OpenCL library \/nonexistent\/libOpenCL\.so\.1: .*\); trees are built on the CPU$/);
  }, 120_000);
});
