// SnapDeals encoding against every reference vector (tools/oracle `encode` = rust-fil-proofs
// encode_into / decode_from / decode_from_range): the new replica, the update cache files and the
// commitments byte for byte; decoding gives the staged data back; the plain multiply kernel
// (portable) and the fast one (ADX/MULX) write the same replica; a damaged replica node is named.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptionError } from '../../src/errors.js';
import { frKernels } from '../../src/native/poseidon.js';
import { asCommitment, fromHex, toHex } from '../../src/proofs/index.js';
import { snapDecode } from '../../src/snap/decode.js';
import { snapEncode } from '../../src/snap/encode.js';
import { phi, rho, rhoTables } from '../../src/snap/rho.js';
import { updateProofFor } from '../../src/snap/update-proof.js';
import { entryBytes } from '../helpers/vectors.js';
import { sha256 } from '../seal/helpers/oracle-files.js';
import { allSnapVectors, keyProof, snapStaged, writeKey } from './helpers.js';

let tmp: string;
let parentsDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'sealer-recover-snap-'));
  parentsDir = path.join(tmp, 'parents');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const vectors = allSnapVectors();
const hex = (h: string) => asCommitment(fromHex(h));

it('covers every snap vector family: 2KiB, 8MiB, multi-piece, V1 / SyntheticPoRep / NI-PoRep keys, rows_to_discard 1', () => {
  expect(vectors.length).toBeGreaterThanOrEqual(8);
});

describe.each(vectors)('$name', ({ name, vector: v }) => {
  const proof = keyProof(v);

  it('update proof, h and the rho table', () => {
    const u = updateProofFor(proof);
    expect(u.id).toBe(v.update_proof.id);
    expect(u.name).toBe(v.update_proof.name);
    expect(u.h).toBe(v.update_config.h);
    expect(u.bitsShr).toBe(v.rho.bits_shr);
    expect(u.groups).toBe(v.rho.groups);
    expect(toHex(phi(hex(v.comm_d_new), hex(v.comm_r_old)))).toBe(v.phi);
    const { rhos, rhoInvs } = rhoTables(u, hex(v.comm_d_new), hex(v.comm_r_old));
    expect(sha256(rhos)).toBe(v.rho.table_sha256);
    for (const s of v.samples) {
      expect(toHex(rhos.subarray(s.high * 32, s.high * 32 + 32)), `rho of node ${s.node}`).toBe(s.rho);
      expect(toHex(rhoInvs.subarray(s.high * 32, s.high * 32 + 32)), `rho⁻¹ of node ${s.node}`).toBe(s.rho_inv);
      // the one-value twin (JS over the bare permutation) agrees with the native table
      expect(toHex(rho(phi(hex(v.comm_d_new), hex(v.comm_r_old)), s.high)), `rho() of node ${s.node}`).toBe(s.rho);
    }
  });

  it('encode: new replica, p_aux, t_aux, tree-d, tree-r-last and comm_r_new equal the reference; decode round-trips', async () => {
    const dir = path.join(tmp, name.replaceAll('/', '_'));
    const { keyPath, keyCacheDir } = await writeKey(v, dir, parentsDir);
    const staged = snapStaged(v);
    const stagedPath = path.join(dir, 'staged');
    await writeFile(stagedPath, staged);
    const replicaPath = path.join(dir, 'update');
    const updateCacheDir = path.join(dir, 'update-cache');
    const r = await snapEncode({ proof, keyPath, keyCacheDir, stagedPath, commDNew: hex(v.comm_d_new), replicaPath, updateCacheDir });
    expect(toHex(r.commDNew)).toBe(v.comm_d_new);
    expect(toHex(r.commROld)).toBe(v.comm_r_old);
    expect(toHex(r.commC)).toBe(v.comm_c);
    expect(toHex(r.commRLastNew)).toBe(v.comm_r_last_new);
    expect(toHex(r.commRNew)).toBe(v.comm_r_new);
    expect(sha256(await readFile(replicaPath)), 'update (new replica)').toBe(v.files.update.sha256);
    for (const [file, f] of Object.entries(v.files['update-cache'])) {
      const bytes = await readFile(path.join(updateCacheDir, file));
      expect(bytes.length, `${file} size`).toBe(f.size);
      // t_aux: encode_into copies the key's file, so even its embedded (key) cache path is the reference's.
      expect(sha256(bytes), file).toBe(f.sha256);
    }

    const decodedPath = path.join(dir, 'decoded');
    await snapDecode({ proof, keyPath, replicaPath, commDNew: r.commDNew, commROld: r.commROld, outPath: decodedPath, checkFr32: true });
    const decoded = await readFile(decodedPath);
    expect(sha256(decoded), 'decode_from').toBe(v.decode.sha256);
    expect(decoded.equals(staged)).toBe(true);

    const { start_node, nodes } = v.decode.decode_from_range;
    const rangePath = path.join(dir, 'decoded-range');
    await snapDecode({ proof, keyPath, replicaPath, commDNew: r.commDNew, commROld: r.commROld, outPath: rangePath, firstNode: BigInt(start_node), nodes: BigInt(nodes) });
    expect((await readFile(rangePath)).equals(staged.subarray(start_node * 32, (start_node + nodes) * 32)), 'decode_from_range').toBe(true);
    await rm(dir, { recursive: true, force: true });
  }, 180_000);
});

describe('kernels and damage (2KiB V1_1)', () => {
  const { vector: v } = vectors.find((x) => x.name === 'snap/2KiB-V1_1-cc-f01000-s1-snap-random')!;
  const proof = keyProof(v);

  it.each(frKernels())('the %s multiply kernel writes the reference replica', async (kernel) => {
    const dir = path.join(tmp, `kernel-${kernel}`);
    const { keyPath, keyCacheDir } = await writeKey(v, dir, parentsDir);
    const stagedPath = path.join(dir, 'staged');
    await writeFile(stagedPath, snapStaged(v));
    const replicaPath = path.join(dir, 'update');
    await snapEncode({ proof, keyPath, keyCacheDir, stagedPath, replicaPath, updateCacheDir: path.join(dir, 'uc'), kernel, threads: 1 });
    expect(sha256(await readFile(replicaPath))).toBe(v.files.update.sha256);
  });

  it('a flipped replica byte is reported with the node that does not decode', async () => {
    const dir = path.join(tmp, 'damage');
    const { keyPath } = await writeKey(v, dir, parentsDir);
    const replica = Buffer.from(entryBytes(v.files.update)!);
    const node = 37;
    replica[node * 32 + 30]! ^= 0x40;
    const replicaPath = path.join(dir, 'update');
    await writeFile(replicaPath, replica);
    const run = snapDecode({ proof, keyPath, replicaPath, commDNew: hex(v.comm_d_new), commROld: hex(v.comm_r_old), outPath: path.join(dir, 'out'), checkFr32: true, threads: 1 });
    await expect(run).rejects.toBeInstanceOf(CorruptionError);
    await expect(run).rejects.toThrow(new RegExp(`node ${node} does not decode`));
  });

  it('a replica or key shorter than the sector is refused before decoding', async () => {
    const dir = path.join(tmp, 'short');
    const { keyPath } = await writeKey(v, dir, parentsDir);
    const replicaPath = path.join(dir, 'update');
    await writeFile(replicaPath, entryBytes(v.files.update)!.subarray(0, 1024));
    await expect(
      snapDecode({ proof, keyPath, replicaPath, commDNew: hex(v.comm_d_new), commROld: hex(v.comm_r_old), outPath: path.join(dir, 'out') }),
    ).rejects.toThrow(/1024 bytes, expected 2048/);
  });
});
