// The committed reference vectors (fixtures/vectors/**.json) and how each one is produced.
// `npm run oracle -- generate-vectors [--only <substring>]` rewrites them with the oracle; the
// substring is matched against "<family>/<name>" (e.g. --only snap/ or --only shapes/8-8-2), and
// top-level seal vectors have no family ("/2KiB-V1_1-cc-f01000-s1").
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
  // docs/vectors.md#end-to-end-vectors inputs for every version and both small sizes.
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
  for (const s of [2, 3, 5]) {
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

const ctr = (seedByte, bytes) => `sha256-ctr:${T(seedByte)}:${bytes}`;
const KEY = (proof, sector, ticketByte) => ['--proof', String(proof), '--miner', 'f01000', '--sector', String(sector), '--ticket', T(ticketByte)];

// SnapDeals: a CC sector key sealed with the seal path (the same inputs as the named seal vector,
// linked as sector_key.seal_vector), then new data through encode_into / decode_from /
// remove_encoded_data. 8MiB data is regenerated from its seed, never committed.
function snapCases() {
  return [
    { name: '2KiB-V1_1-cc-f01000-s1-snap-random', key: '2KiB-V1_1-cc-f01000-s1', args: [...KEY(5, 1, '01'), '--pieces', ctr('5a', 2032)] },
    { name: '8MiB-V1_1-cc-f01000-s1-snap-random', key: '8MiB-V1_1-cc-f01000-s1', args: [...KEY(6, 1, '01'), '--pieces', ctr('5b', 8323072)] },
    // three deals of different sizes: alignment zero pieces before the second, fillers after the last
    { name: '2KiB-V1_1-cc-f01000-s2-snap-multi', key: '2KiB-V1_1-cc-f01000-s2',
      args: [...KEY(5, 2, '02'), '--pieces', [ctr('61', 127), ctr('62', 508), ctr('63', 254)].join(','), '--fill'] },
    { name: '8MiB-V1_1-cc-f01000-s5-snap-multi', key: '8MiB-V1_1-cc-f01000-s5',
      args: [...KEY(6, 5, '05'), '--pieces', [ctr('71', 260096), ctr('72', 1040384), ctr('73', 65024)].join(','), '--fill'] },
    // sector keys of the other seal proofs: the update path takes any of them
    // the bundled devnet's snapped sector 5: one 1016-byte deal piece, zero fillers after it
    { name: '2KiB-V1_1-cc-f01000-s5-snap-devnet', key: '2KiB-V1_1-cc-f01000-s5',
      args: [...KEY(5, 5, '05'), '--pieces', ctr('d5', 1016), '--fill'] },
    { name: '2KiB-SynthPoRep-cc-f01000-s1-snap-random', key: '2KiB-SynthPoRep-cc-f01000-s1', args: [...KEY(10, 1, '01'), '--pieces', ctr('5a', 2032)] },
    { name: '2KiB-NiPoRep-cc-f01000-s1-snap-random', key: '2KiB-NiPoRep-cc-f01000-s1', args: [...KEY(15, 1, '01'), '--pieces', ctr('5a', 2032)] },
    { name: '2KiB-V1-cc-f01000-s1-snap-random', key: '2KiB-V1-cc-f01000-s1', args: [...KEY(0, 1, '01'), '--pieces', ctr('5a', 2032)] },
  ].map((c) => ({ ...c, family: 'snap', cmd: 'encode' }));
}

// Custom small sectors on the 32GiB (8-8-0) / 64GiB (8-8-2) machinery: 11 layers, arity-11 columns,
// the proof's porep_id / api version / features; base trees of 512 leaves (rows 512/64/8/1, default
// rows_to_discard 2), 64 leaves (rows_to_discard 1) and 8 leaves (the smallest the reference builds).
function shapeCases() {
  const list = [];
  const shape = (name, proof, nodes, data, extra = []) =>
    list.push({ name, family: 'shapes', cmd: 'shape-seal',
      args: ['--proof', String(proof), '--nodes', String(nodes), '--miner', 'f01000', '--sector', '1', '--ticket', T('01'), '--data', data, ...extra] });
  shape('8-8-0-V1_1-cc-n4096', 8, 4096, 'cc');
  shape('8-8-0-SynthPoRep-cc-n4096', 13, 4096, 'cc');
  shape('8-8-0-NiPoRep-cc-n4096', 18, 4096, 'cc');
  shape('8-8-2-V1_1-cc-n8192', 9, 8192, 'cc');
  shape('8-8-2-SynthPoRep-cc-n8192', 14, 8192, 'cc');
  shape('8-8-0-V1_1-random-n4096', 8, 4096, ctr('77', 130048));
  shape('8-8-2-SynthPoRep-random-n8192', 14, 8192, ctr('78', 260096));
  shape('8-8-0-V1_1-cc-n512', 8, 512, 'cc');
  shape('8-8-2-V1_1-cc-n1024', 9, 1024, 'cc');
  shape('8-8-0-V1_1-cc-n64', 8, 64, 'cc');
  shape('8-8-2-V1_1-cc-n128', 9, 128, 'cc');
  return list;
}

// FIL_PROOFS_ROWS_TO_DISCARD set for the run (the oracle otherwise clears FIL_PROOFS_*).
function rowsToDiscardCases() {
  const family = 'rows-to-discard';
  const list = [];
  for (const k of [1, 4, 7]) {
    list.push({ name: `8MiB-V1_1-cc-f01000-s1-rtd${k}`, family, cmd: 'seal',
      args: [...KEY(6, 1, '01'), '--data', 'cc', '--rows-to-discard', String(k)] });
  }
  for (const k of [0, 1]) {
    list.push({ name: `8-8-0-V1_1-cc-n4096-rtd${k}`, family, cmd: 'shape-seal',
      args: ['--proof', '8', '--nodes', '4096', '--miner', 'f01000', '--sector', '1', '--ticket', T('01'), '--data', 'cc', '--rows-to-discard', String(k)] });
  }
  list.push({ name: '8MiB-V1_1-cc-f01000-s1-rtd1-snap-random', family, cmd: 'encode', key: 'rows-to-discard/8MiB-V1_1-cc-f01000-s1-rtd1',
    args: [...KEY(6, 1, '01'), '--pieces', ctr('5b', 8323072), '--rows-to-discard', '1'] });
  return list;
}

export function allCases() {
  return [...cases().map((c) => ({ ...c, family: '', cmd: 'seal' })), ...snapCases(), ...shapeCases(), ...rowsToDiscardCases()];
}

/** The seal vector a snap vector's key was sealed like: its comm_r must be the key's. */
function linkSealVector(out, keyName) {
  const v = JSON.parse(readFileSync(out, 'utf8'));
  const sealFile = path.join(VECTORS_DIR, `${keyName}.json`);
  const seal = JSON.parse(readFileSync(sealFile, 'utf8'));
  if (seal.comm_r !== v.sector_key.comm_r) {
    throw new Error(`${out}: sector key comm_r ${v.sector_key.comm_r} differs from ${keyName}.json (${seal.comm_r})`);
  }
  v.sector_key.seal_vector = keyName;
  writeFileSync(out, JSON.stringify(v, null, 2) + '\n');
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
  for (const c of allCases()) {
    if (only && !`${c.family}/${c.name}`.includes(only)) continue;
    const dir = path.join(VECTORS_DIR, c.family);
    mkdirSync(dir, { recursive: true });
    const out = path.join(dir, `${c.name}.json`);
    const args = [c.cmd, ...c.args, '--out', out];
    if (c.piece) args.push('--data', path.join(VECTORS_DIR, c.piece));
    if (c.fill) args.push('--fill');
    process.stderr.write(`oracle: ${c.family}/${c.name}\n`);
    const r = runOracle(args);
    if (r.status !== 0) throw new Error(`oracle failed for ${c.family}/${c.name} (exit ${r.status})`);
    if (c.key) linkSealVector(out, c.key);
    if (c.piece) {
      // The oracle records the file; add how to regenerate it.
      const v = JSON.parse(readFileSync(out, 'utf8'));
      const p = PIECES[c.piece];
      v.data = { ...v.data, generator: 'sha256-ctr', seed: p.seed };
      writeFileSync(out, JSON.stringify(v, null, 2) + '\n');
    }
  }
}
