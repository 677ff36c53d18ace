// 8MiB random-data sector (fixtures/vectors/8MiB-V1_1-random-f01000-s1.json): the sealed file is
// rebuilt from the reference's inputs (our PC1 + encode) and must hash to the reference's sealed
// sha256 before it is used, so the unseal below runs on the reference's bytes. The unsealed piece
// must hash to the vector's data sha256. Records come from an export file.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUnseal, type SectorOutcome } from '../../src/cli/commands/unseal.js';
import { writeRecoveryFile } from '../../src/records/export-file.js';
import { parseMinerAddress } from '../../src/chain/address.js';
import { sealProof } from '../../src/proofs/registry.js';
import { asSectorNumber, fromHex, type Commitment, type Ticket } from '../../src/proofs/types.js';
import { commRToCid } from '../../src/proofs/cid.js';
import { fr32Pad } from '../../src/proofs/fr32.js';
import { replicaId } from '../../src/proofs/replica-id.js';
import { proverId } from '../../src/proofs/address.js';
import { ensureParentsCache } from '../../src/seal/parents-cache.js';
import { runPc1 } from '../../src/seal/pc1.js';
import { buildTreeRLast, encodeReplica } from '../../src/native/pc2.js';
import { cacheFiles } from '../../src/sector/cache-files.js';
import { loadVector, sha256Ctr } from '../helpers/vectors.js';

const V = loadVector('8MiB-V1_1-random-f01000-s1');

async function setup() {
    const root = mkdtempSync(join(tmpdir(), 'unseal-8m-'));
    const parents = join(root, 'parents');
    const proof = sealProof(V.proof.id);
    const miner = parseMinerAddress(V.miner!);
    const piece = V.pieces[0]!;
    if (V.data === 'cc') throw new Error('expected a data vector');
    const data = sha256Ctr(V.data.seed!, V.data.unpadded_bytes);
    const staged = join(root, 'staged');
    writeFileSync(staged, fr32Pad(data));
    // the reference's replica, rebuilt and checked against its digest
    const keyDir = join(root, 'key');
    const rid = replicaId(proverId(miner.id), asSectorNumber(V.sector_id), fromHex(V.ticket) as Ticket, fromHex(V.comm_d) as Commitment, proof.porepId);
    await runPc1({ proof, replicaId: rid, cacheDir: keyDir, parentsCachePath: await ensureParentsCache(proof, { dir: parents }) });
    const result = join(root, 'storage');
    mkdirSync(join(result, 'sealed'), { recursive: true });
    const sealed = join(result, 'sealed', `s-t01000-${V.sector_id}`);
    await encodeReplica({ keyPath: cacheFiles(proof, keyDir).layers[proof.layers - 1]!, dataPath: staged, outPath: sealed, firstNode: 0n, nodes: proof.nodes, outSize: proof.sectorBytes });
    expect(createHash('sha256').update(readFileSync(sealed)).digest('hex')).toBe(V.files.sealed!.sha256);

    const file = join(root, `sectors-recovery-${V.miner}.json`);
    await writeRecoveryFile(file, {
      miner,
      sectorSize: proof.sectorBytes,
      sectors: [
        {
          sectorNumber: asSectorNumber(V.sector_id),
          ticket: fromHex(V.ticket) as Ticket,
          proof,
          sealedCid: commRToCid(fromHex(V.comm_r) as Commitment).toString(),
          commR: fromHex(V.comm_r) as Commitment,
          unsealedCid: V.comm_d_cid,
          pieces: [{ size: BigInt(piece.padded_size), pieceCid: piece.cid }],
        },
      ],
    });
    const run = async (out: string) => {
      const stdout = new PassThrough();
      let text = '';
      stdout.on('data', (c) => (text += c));
      const code = await runUnseal(
        { sectorsRecoveryMetadata: file, numbers: [String(V.sector_id)], sealingResult: result, sealingTemp: join(root, 'temp'), piece: piece.cid, out, json: true },
        { stdout, stderr: new PassThrough(), tty: false, cwd: root, env: { FIL_PROOFS_PARENT_CACHE: parents } },
      );
      return { code, first: (JSON.parse(text) as { sectors: SectorOutcome[] }).sectors[0]! };
    };
    return { root, proof, result, sealed, piece, run };
}

describe('unseal 8MiB', () => {
  it('random-data sector 1: the raw piece hashes to the reference data digest', async () => {
    const { root, piece, run } = await setup();
    const out = join(root, 'piece.bin');
    expect((await run(out)).code).toBe('ok');
    const got = readFileSync(out);
    expect(got.length).toBe(Number(piece.unpadded_size));
    if (V.data === 'cc') throw new Error('expected a data vector');
    expect(createHash('sha256').update(got).digest('hex')).toBe(V.data.sha256);
  }, 300_000);

  // ~10–20 s on a 2-core machine: behind SLOW=1 (the 2KiB file tests the same path on a small tree)
  it.skipIf(!process.env.SLOW)('(SLOW=1) a flipped byte in a 262,144-node piece: the finalized cache\'s tree-r-last (reference bytes) narrows it to a 512-node block, the node is named', async () => {
    const { root, proof, result, sealed, run } = await setup();
    // the finalized cache lotus keeps: tree-r-last rebuilt from the reference replica, checked against the reference digest
    const cache = join(result, 'cache', `s-t01000-${V.sector_id}`);
    mkdirSync(cache, { recursive: true });
    const treePath = cacheFiles(proof, cache).treeRLast[0]!;
    await buildTreeRLast({ replicaPath: sealed, rowsToDiscard: 2, outPaths: [treePath], leavesPerTree: proof.nodes });
    expect(createHash('sha256').update(readFileSync(treePath)).digest('hex')).toBe(V.files['sc-02-data-tree-r-last.dat']!.sha256);
    const node = 200_003n;
    const bytes = readFileSync(sealed);
    bytes[Number(node * 32n) + 7]! ^= 0x40;
    writeFileSync(sealed, bytes);
    const out = join(root, 'piece.bin');
    const { first } = await run(out);
    expect(first.status).toBe('damaged');
    expect(first.badNodes!.map((n) => n.node)).toEqual([String(node)]);
    expect(first.reason).toMatch(/tree-r-last narrowed the search to nodes 199680\.\.200191/);
    expect(first.reason).toMatch(/byte 7 of the node/);
    expect(existsSync(out)).toBe(false);
  }, 300_000);
});
