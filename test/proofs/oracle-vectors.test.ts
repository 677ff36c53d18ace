// Cross-check against the reference oracle's committed vectors (fixtures/vectors/*.json, written by
// tools/oracle on rust-fil-proofs 19.1.0): proof table, prover_id, commP of the real piece files,
// comm_d from the piece list, staged-file layout, replica_id and the CommD/CommR CIDs.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  asCommitment,
  asSectorNumber,
  cidToCommP,
  cidToCommR,
  commDToCid,
  commP,
  commRToCid,
  computeCommD,
  formatIdAddress,
  fr32Pad,
  parseMinerAddress,
  proverId,
  replicaId,
  sealProof,
  stagedLayout,
  asTicket,
  zeroCommitment,
} from '../../src/proofs/index.js';
import { hex, unhex } from './reference.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'vectors');

interface OraclePiece { comm_p: string; cid: string; padded_size: string; unpadded_size: string; filler: boolean }
interface OracleVector {
  proof: { id: number; name: string; api_version: string; features: string[]; sector_size: string };
  miner: string;
  prover_id: string;
  sector_id: string;
  ticket: string;
  data: 'cc' | { file?: string; generator?: string; seed?: string; sha256: string; unpadded_bytes: number };
  porep_id: string;
  layers: number;
  nodes: string;
  pieces: OraclePiece[];
  staged: { size: number; sha256: string };
  comm_d: string;
  comm_d_cid: string;
  comm_d_no_pieces: string;
  replica_id: string;
  comm_r: string;
  comm_r_cid: string;
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * The vector's piece data: a committed file, or regenerated from its "sha256-ctr" description
 * (block i = SHA-256(seed ‖ u64le(i)), concatenated, truncated to unpadded_bytes).
 */
const generated = new Map<string, Uint8Array>();
function pieceData(d: Exclude<OracleVector['data'], 'cc'>): Uint8Array {
  const cached = generated.get(d.sha256);
  if (cached) return cached;
  const data = readOrGenerate(d);
  generated.set(d.sha256, data);
  return data;
}

function readOrGenerate(d: Exclude<OracleVector['data'], 'cc'>): Uint8Array {
  if (d.file) return new Uint8Array(readFileSync(join(dir, d.file)));
  if (d.generator !== 'sha256-ctr' || !d.seed) throw new Error(`vector data has neither a file nor a sha256-ctr generator`);
  const out = new Uint8Array(d.unpadded_bytes);
  const seed = unhex(d.seed);
  const ctr = new Uint8Array(8);
  for (let i = 0, off = 0; off < out.length; i++, off += 32) {
    new DataView(ctr.buffer).setBigUint64(0, BigInt(i), true);
    out.set(createHash('sha256').update(seed).update(ctr).digest().subarray(0, Math.min(32, out.length - off)), off);
  }
  return out;
}

describe('oracle vectors (fixtures/vectors)', () => {
  it('are present', () => expect(files.length).toBeGreaterThan(0));

  for (const f of files) {
    const v = JSON.parse(readFileSync(join(dir, f), 'utf8')) as OracleVector;
    describe(f, () => {
      const proof = sealProof(v.proof.id);

      it('proof table entry and porep_id', () => {
        expect(proof.name).toBe(v.proof.name);
        expect(proof.apiVersion).toBe(v.proof.api_version);
        expect([...proof.features]).toEqual(v.proof.features);
        expect(proof.sectorBytes).toBe(BigInt(v.proof.sector_size));
        expect(proof.layers).toBe(v.layers);
        expect(proof.nodes).toBe(BigInt(v.nodes));
        expect(hex(proof.porepId)).toBe(v.porep_id);
      });

      it('prover_id and address formatting', () => {
        const actor = parseMinerAddress(v.miner);
        expect(hex(proverId(actor))).toBe(v.prover_id);
        expect(formatIdAddress(actor)).toBe(v.miner);
      });

      it('piece commitments, comm_d and its CID', () => {
        const data = v.data === 'cc' ? undefined : pieceData(v.data);
        if (data && v.data !== 'cc') {
          expect(sha256(data)).toBe(v.data.sha256);
          const first = commP(data);
          expect(hex(first.commP)).toBe(v.pieces[0]!.comm_p);
          expect(first.size).toBe(BigInt(v.pieces[0]!.padded_size));
        }
        for (const p of v.pieces) {
          expect(hex(cidToCommP(p.cid))).toBe(p.comm_p);
          if (p.filler || v.data === 'cc') expect(hex(zeroCommitment(BigInt(p.padded_size)))).toBe(p.comm_p);
        }
        const pieces = v.pieces.map((p) => ({ size: BigInt(p.padded_size), commP: asCommitment(unhex(p.comm_p)) }));
        const commD = computeCommD(proof, pieces);
        expect(hex(commD)).toBe(v.comm_d);
        expect(commDToCid(commD).toString()).toBe(v.comm_d_cid);
        expect(hex(computeCommD(proof, []))).toBe(v.comm_d_no_pieces);
      });

      it('staged file built from the layout hashes like the oracle', () => {
        const staged = new Uint8Array(Number(proof.sectorBytes));
        const layout = stagedLayout(proof.sectorBytes, v.pieces.map((p) => BigInt(p.padded_size)));
        if (v.data !== 'cc') {
          const padded = fr32Pad(pieceData(v.data));
          staged.set(padded, Number(layout.pieces[0]!.paddedOffset));
        }
        expect(staged.length).toBe(v.staged.size);
        expect(sha256(staged)).toBe(v.staged.sha256);
      });

      it('replica_id', () => {
        const rid = replicaId(
          proverId(parseMinerAddress(v.miner)),
          asSectorNumber(v.sector_id),
          asTicket(unhex(v.ticket)),
          asCommitment(unhex(v.comm_d)),
          proof.porepId,
        );
        expect(hex(rid)).toBe(v.replica_id);
      });

      it('CommR CID', () => {
        expect(commRToCid(asCommitment(unhex(v.comm_r))).toString()).toBe(v.comm_r_cid);
        expect(hex(cidToCommR(v.comm_r_cid))).toBe(v.comm_r);
      });
    });
  }
});
