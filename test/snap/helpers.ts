// Inputs of the snap vectors (fixtures/vectors/snap, rows-to-discard/*-snap-*) rebuilt on disk: the
// sector key (embedded for 2KiB, sealed again with sealSector and checked against the key's comm_r
// for larger sectors), its p_aux / t_aux as the reference wrote them, and the staged new data.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { asCommitment, asReplicaId, fr32Pad, fromHex, sealProof, stagedLayout, toHex, type SealProof } from '../../src/proofs/index.js';
import { sealSector } from '../../src/seal/seal.js';
import { testSettings } from '../helpers/settings.js';
import { entryBytes, loadFamilyVector, familyVectorNames, sha256Ctr, snapVectors, type SnapVector } from '../helpers/vectors.js';
import { sha256 } from '../seal/helpers/oracle-files.js';

export interface NamedSnapVector {
  readonly name: string;
  readonly vector: SnapVector;
}

/** snap/ and rows-to-discard/*-snap-*: every reference encode_into run. */
export function allSnapVectors(): NamedSnapVector[] {
  const rtd = familyVectorNames('rows-to-discard')
    .filter((n) => n.includes('-snap-'))
    .map((name) => ({ name: `rows-to-discard/${name}`, vector: loadFamilyVector<SnapVector>('rows-to-discard', name) }));
  return [...snapVectors().map((v) => ({ name: `snap/${v.name}`, vector: v.vector })), ...rtd];
}

export const keyProof = (v: SnapVector): SealProof => sealProof(v.sector_key.proof.id);

/** The staged new data: data pieces fr32-padded at their aligned offsets, zeros elsewhere. */
export function snapStaged(v: SnapVector): Buffer {
  const sector = Number(v.nodes) * 32;
  const staged = Buffer.alloc(sector);
  const layout = stagedLayout(BigInt(sector), v.pieces.map((p) => BigInt(p.padded_size)));
  let d = 0;
  layout.pieces.forEach((p, i) => {
    if (v.pieces[i]!.filler) return;
    const src = v.data[d++]!;
    staged.set(fr32Pad(sha256Ctr(src.seed, src.unpadded_bytes)), Number(p.paddedOffset));
  });
  expect(sha256(staged), 'staged new data').toBe(v.staged.sha256);
  return staged;
}

/**
 * Writes the key under dir: `key` (sealed file) and `key-cache/` (p_aux, t_aux exactly as the
 * reference wrote them). A key not embedded is sealed with sealSector (CC), its comm_r checked.
 */
/** Keys sealed in this test process, by replica id: vectors sharing a key (rows_to_discard) seal it once. */
const sealedKeys = new Map<string, string>();

export async function writeKey(v: SnapVector, dir: string, parentsDir: string): Promise<{ keyPath: string; keyCacheDir: string }> {
  const k = v.sector_key;
  const keyPath = path.join(dir, 'key');
  const keyCacheDir = path.join(dir, 'key-cache');
  await mkdir(keyCacheDir, { recursive: true });
  const sealed = entryBytes(k.files['sealed']);
  const already = sealedKeys.get(k.replica_id);
  if (sealed) {
    await writeFile(keyPath, sealed);
  } else if (already) {
    // the sealed file depends only on the replica id (rows_to_discard changes tree-r-last and t_aux)
    await copyFile(already, keyPath);
  } else {
    const proof = keyProof(v);
    const out = await sealSector({
      proof,
      replicaId: asReplicaId(fromHex(k.replica_id)),
      commD: asCommitment(fromHex(k.comm_d)),
      stagedPath: null,
      cacheDir: path.join(dir, 'key-seal-cache'),
      sealedPath: keyPath,
      settings: testSettings(parentsDir),
    });
    expect(toHex(out.commR), 'sector key comm_r').toBe(k.comm_r);
    const kept = path.join(parentsDir, '..', `key-${k.replica_id}`);
    await copyFile(keyPath, kept);
    sealedKeys.set(k.replica_id, kept);
  }
  for (const f of ['p_aux', 't_aux']) await writeFile(path.join(keyCacheDir, f), entryBytes(k.files[f])!);
  return { keyPath, keyCacheDir };
}

/**
 * A snapped sector's recovery inputs as an operator would have them: the update's deal pieces in
 * `<dir>/pieces` (named by CID, bytes from the vector's seeds) and an export file
 * `<dir>/sectors-recovery-f01000.json` holding sector `number` with the vector's SectorKeyCID.
 */
export async function writeSnapExportInputs(v: SnapVector, dir: string, number: number): Promise<{ pieceDir: string; exportFile: string }> {
  const pieceDir = path.join(dir, 'pieces');
  await mkdir(pieceDir, { recursive: true });
  let k = 0;
  for (const p of v.pieces.filter((x) => !x.filler)) {
    const src = v.data[k++]!;
    await writeFile(path.join(pieceDir, p.cid), sha256Ctr(src.seed, src.unpadded_bytes));
  }
  const exportFile = path.join(dir, 'sectors-recovery-f01000.json');
  await writeFile(
    exportFile,
    JSON.stringify({
      Miner: 'f01000',
      SectorSize: Number(keyProof(v).sectorBytes),
      SectorInfos: [
        {
          SectorNumber: number,
          Ticket: Buffer.from(v.sector_key.ticket, 'hex').toString('base64'),
          SealProof: v.sector_key.proof.id,
          SealedCID: { '/': v.comm_r_new_cid },
          UnsealedCID: { '/': v.comm_d_new_cid },
          Pieces: v.pieces.map((p) => ({ Size: Number(p.padded_size), PieceCID: { '/': p.cid } })),
          SectorKeyCID: { '/': v.sector_key.comm_r_cid },
        },
      ],
    }),
  );
  return { pieceDir, exportFile };
}
