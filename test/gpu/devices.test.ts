// `sealer-recover devices`: lists each OpenCL device with memory and its self-test result; without
// OpenCL it says so and exits 0 (the CPU path is not an error).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDevices } from '../../src/cli/commands/devices.js';
import { itGpu } from './helpers.js';

function capture() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c) => (text += c));
  return { s, text: () => text };
}
const deps = (env: NodeJS.ProcessEnv, out: PassThrough) => ({ stdout: out, stderr: new PassThrough(), env, tty: false, cwd: process.cwd() });

describe('devices', () => {
  it('without an OpenCL library: "no GPU backend" with the reason, exit ok', async () => {
    const out = capture();
    expect(await runDevices({}, deps({ SDR_OPENCL_LIBRARY: '/nonexistent/libOpenCL.so.1' }, out.s))).toBe('ok');
    expect(out.text()).toMatch(/^no GPU backend: cannot load the OpenCL library \/nonexistent\/libOpenCL\.so\.1: /);
    expect(out.text()).toContain('built on the CPU');
  });

  itGpu('lists the device with memory and a passed self-test (text and JSON)', async (d) => {
    const out = capture();
    expect(await runDevices({}, deps({}, out.s))).toBe('ok');
    expect(out.text()).toMatch(new RegExp(`^${d.id}  ${d.type}  .*GiB \\(max buffer .*GiB\\), ${d.computeUnits} compute units  self-test passed \\(105 hashes, \\d+ ms\\)$`, 'm'));
    const json = capture();
    await runDevices({ json: true }, deps({}, json.s));
    const j = JSON.parse(json.text());
    expect(j.backend).toBe('opencl');
    const row = j.devices.find((x: { id: string }) => x.id === d.id);
    expect(row.globalMemBytes).toBe(d.globalMemBytes);
    expect(row.selfTest.passed).toBe(true);
  });
});
