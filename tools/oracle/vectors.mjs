// The committed reference vectors (fixtures/vectors/*.json) and how each one is produced.
// `npm run oracle -- generate-vectors [--only <substring>]` rewrites them with the oracle.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOracle } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const VECTORS_DIR = path.resolve(here, '..', '..', 'fixtures', 'vectors');

const T = (byte) => byte.repeat(32); // ticket of 32 equal bytes, e.g. T('01')

/** sha256-ctr: block i = SHA-256(seed || u64le(i)), concatenated, truncated (same as the oracle's). */
export function sha256Ctr(seedHex, length) {
  const seed = Buffer.from(seedHex, 'hex');
  const out = Buffer.alloc(length + 32);
  const ctr = Buffer.alloc(8);
  for (let i = 0, off = 0; off < length; i++, off += 32) {
    ctr.writeBigUInt64LE(BigInt(i));
    createHash('sha256').update(seed).update(ctr).digest().copy(out, off);
  }
  return out.subarray(0, length);
}

// Small piece files committed next to the vectors; regenerable from their seed.
export const PIECES = {
  'piece-2032-sha256ctr-11.bin': { seed: T('11'), length: 2032 },
  'piece-1016-sha256ctr-44.bin': { seed: T('44'), length: 1016 },
};

const VERSIONS = [
  { tag: 'V1', ids: { '2KiB': 0, '8MiB': 1 } },
  { tag: 'V1_1', ids: { '2KiB': 5, '8MiB': 6 } },
  { tag: 'SynthPoRep', ids: { '2KiB': 10, '8MiB': 11 } },
  { tag: 'NiPoRep', ids: { '2KiB': 15, '8MiB': 16 } },
];

function cases() {
  const list = [];
  // §9.6 inputs for every version and both small sizes.
  for (const size of ['2KiB', '8MiB']) {
    for (const v of VERSIONS) {
      list.push({
        name: `${size}-${v.tag}-cc-f01000-s1`,
        args: ['--proof', String(v.ids[size]), '--miner', 'f01000', '--sector', '1', '--ticket', T('01'), '--data', 'cc'],
      });
    }
  }
  // Random data filling a whole 2KiB sector (committed piece file), every version.
  for (const v of VERSIONS) {
    list.push({
      name: `2KiB-${v.tag}-random-f01000-s1`,
      piece: 'piece-2032-sha256ctr-11.bin',
      args: ['--proof', String(v.ids['2KiB']), '--miner', 'f01000', '--sector', '1', '--ticket', T('01')],
    });
  }
  // Random data filling a whole 8MiB sector: not committed, regenerated from the seed.
  list.push({
    name: '8MiB-V1_1-random-f01000-s1',
    args: ['--proof', '6', '--miner', 'f01000', '--sector', '1', '--ticket', T('01'), '--data', `sha256-ctr:${T('88')}:8323072`],
  });
  // The small fixture network for recovery: miner f01000, sectors 1..5.
  for (const s of [2, 3]) {
    list.push({
      name: `2KiB-V1_1-cc-f01000-s${s}`,
      args: ['--proof', '5', '--miner', 'f01000', '--sector', String(s), '--ticket', T(`0${s}`), '--data', 'cc'],
    });
  }
  list.push({
    name: '2KiB-V1_1-deal-f01000-s4',
    piece: 'piece-1016-sha256ctr-44.bin',
    fill: true,
    args: ['--proof', '5', '--miner', 'f01000', '--sector', '4', '--ticket', T('04')],
  });
  list.push({
    name: '8MiB-V1_1-cc-f01000-s5',
    args: ['--proof', '6', '--miner', 'f01000', '--sector', '5', '--ticket', T('05'), '--data', 'cc'],
  });
  // Other miners / sector numbers / tickets (multi-byte varint prover ids, large sector numbers).
  list.push({
    name: '2KiB-V1_1-cc-f0127595-s12345',
    args: ['--proof', '5', '--miner', 'f0127595', '--sector', '12345', '--ticket',
      '9f2c4be1d07a35c2e8b61f0a4d93c7e25b18f6a0c3e9d2741b5a86f0e2c4d913', '--data', 'cc'],
  });
  list.push({
    name: '2KiB-V1-cc-f02-s0',
    args: ['--proof', '0', '--miner', 'f02', '--sector', '0', '--ticket', T('ff'), '--data', 'cc'],
  });
  list.push({
    name: '2KiB-NiPoRep-cc-f0999999999-s18446744073709551615',
    args: ['--proof', '15', '--miner', 'f0999999999', '--sector', '18446744073709551615', '--ticket', T('a5'), '--data', 'cc'],
  });
  return list;
}

export async function generateVectors({ only } = {}) {
  mkdirSync(VECTORS_DIR, { recursive: true });
  if (!only || 'poseidon'.includes(only)) {
    mkdirSync(path.join(VECTORS_DIR, 'poseidon'), { recursive: true });
    const r = runOracle(['poseidon-vectors'], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`oracle poseidon-vectors failed (exit ${r.status})`);
    writeFileSync(path.join(VECTORS_DIR, 'poseidon', 'neptune-merkletree-standard.json'), r.stdout);
  }
  for (const [file, { seed, length }] of Object.entries(PIECES)) {
    writeFileSync(path.join(VECTORS_DIR, file), sha256Ctr(seed, length));
  }
  for (const c of cases()) {
    if (only && !c.name.includes(only)) continue;
    const out = path.join(VECTORS_DIR, `${c.name}.json`);
    const args = ['seal', ...c.args, '--out', out];
    if (c.piece) args.push('--data', path.join(VECTORS_DIR, c.piece));
    if (c.fill) args.push('--fill');
    process.stderr.write(`oracle: ${c.name}\n`);
    const r = runOracle(args);
    if (r.status !== 0) throw new Error(`oracle failed for ${c.name} (exit ${r.status})`);
    if (c.piece) {
      // The oracle records the file; add how to regenerate it.
      const v = JSON.parse(readFileSync(out, 'utf8'));
      const p = PIECES[c.piece];
      v.data = { ...v.data, generator: 'sha256-ctr', seed: p.seed };
      writeFileSync(out, JSON.stringify(v, null, 2) + '\n');
    }
  }
}
