// SHA-256 kernels (portable and SHA-NI, single and multi-lane) against node:crypto.
import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  sha256Compress,
  sha256CompressLanes,
  sha256FastKernelName,
  sha256InitialState,
  sha256Pad,
  sha256StateDigest,
  type Sha256Kernel,
} from '../../src/native/hashing.js';
import { cpuFeatures } from '../../src/native/addon.js';

const nodeSha = (m: Uint8Array) => new Uint8Array(createHash('sha256').update(m).digest());

function digest(m: Uint8Array, kernel: Sha256Kernel): Uint8Array {
  const st = sha256InitialState();
  sha256Compress(st, sha256Pad(m), kernel);
  return sha256StateDigest(st);
}

const lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1248, 4096 + 17];

describe('SHA-256 compression kernels vs node:crypto', () => {
  for (const kernel of ['portable', 'fast'] as const) {
    it(`${kernel}: digests of random messages`, () => {
      for (const len of lengths) {
        for (let rep = 0; rep < 4; rep++) {
          const m = new Uint8Array(randomBytes(len));
          expect(Buffer.from(digest(m, kernel)).toString('hex'), `len ${len}`).toBe(Buffer.from(nodeSha(m)).toString('hex'));
        }
      }
    });

    it(`${kernel}: multi-lane advances each lane like its own message`, () => {
      for (const lanes of [1, 2, 3, 4, 5, 7, 9]) {
        for (const nblocks of [1, 2, 20]) {
          const msgs = Array.from({ length: lanes }, () => new Uint8Array(randomBytes(nblocks * 64 - 9)));
          const padded = msgs.map(sha256Pad);
          const blocks = new Uint8Array(lanes * nblocks * 64);
          padded.forEach((p, i) => blocks.set(p, i * nblocks * 64));
          const states = new Uint32Array(8 * lanes);
          for (let i = 0; i < lanes; i++) states.set(sha256InitialState(), 8 * i);
          sha256CompressLanes(states, blocks, lanes, kernel);
          for (let i = 0; i < lanes; i++) {
            expect(Buffer.from(sha256StateDigest(states.subarray(8 * i, 8 * i + 8))).toString('hex')).toBe(
              Buffer.from(nodeSha(msgs[i]!)).toString('hex'),
            );
          }
        }
      }
    });
  }

  it('fast resolves to SHA-NI on a CPU that has it', () => {
    expect(sha256FastKernelName()).toBe(cpuFeatures().shaNi ? 'sha-ni' : 'portable');
  });

  it('SDR_DISABLE_SHA_NI=1 makes the fast kernel portable (child process)', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const script = `
      import { sha256FastKernelName, sha256Compress, sha256InitialState, sha256Pad, sha256StateDigest } from ${JSON.stringify(join(here, '../../src/native/hashing.ts'))};
      const st = sha256InitialState();
      sha256Compress(st, sha256Pad(new TextEncoder().encode('abc')), 'fast');
      console.log(sha256FastKernelName(), Buffer.from(sha256StateDigest(st)).toString('hex'));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, SDR_DISABLE_SHA_NI: '1' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    // FIPS 180-4 example B.1 ("abc")
    expect(r.stdout.trim()).toBe('portable ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
