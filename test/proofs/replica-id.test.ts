// Expected replica_ids: docs/vectors.md#end-to-end-vectors (E2E-2KiB-V1_1, E2E-2KiB-V1, E2E-8MiB-V1_1). All three are CC
// sectors of miner f01000, sector 1, ticket 32 × 0x01.
import { describe, expect, it } from 'vitest';
import {
  asSectorNumber,
  computeCommD,
  parseMinerAddress,
  parseTicket,
  proverId,
  replicaId,
  sealProof,
  asCommitment,
} from '../../src/proofs/index.js';
import { createHash } from 'node:crypto';
import { hex, unhex } from './reference.js';

const VECTORS = [
  { name: 'E2E-2KiB-V1_1', proof: 5, commD: 'fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833', replicaId: '3e75e87332cd5d60132c1f9f9a8362e2e4cf190b46f4fd636fd8864b842d170b' },
  { name: 'E2E-2KiB-V1', proof: 0, commD: 'fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833', replicaId: '833e3d0ec6313d5110118382a53eadc8851b3bdc3c64d9d0a9515f36d630ee22' },
  { name: 'E2E-8MiB-V1_1', proof: 6, commD: '65f29e5d98d246c38b388cfc06db1f6b021303c5a289000bdce832a9c3ec421c', replicaId: '49808a3f801fc76f8e0a19e5f87f2810b61d0fb8cef7816a7396ab91d1774f3e' },
];

describe('replica_id (docs/proofs.md#replica-id, vectors §9.6)', () => {
  for (const v of VECTORS) {
    it(`${v.name}: comm_d and replica_id`, () => {
      const proof = sealProof(v.proof);
      const commD = computeCommD(proof, []);
      expect(hex(commD)).toBe(v.commD);
      const rid = replicaId(
        proverId(parseMinerAddress('f01000')),
        asSectorNumber(1),
        parseTicket('01'.repeat(32)),
        commD,
        proof.porepId,
      );
      expect(hex(rid)).toBe(v.replicaId);
    });
  }

  it('hashes the sector number big-endian in a 136-byte preimage (checked against node:crypto)', () => {
    const prover = proverId(parseMinerAddress('f0127595'));
    const ticket = parseTicket('ab'.repeat(32));
    const commD = asCommitment(unhex('11'.repeat(32)));
    const porep = sealProof(8).porepId;
    const sector = 0x0102030405060708n;
    const pre = Buffer.concat([prover, unhex('0102030405060708'), ticket, commD, porep]);
    expect(pre.length).toBe(136);
    const want = createHash('sha256').update(pre).digest();
    want[31] = want[31]! & 0x3f;
    expect(hex(replicaId(prover, asSectorNumber(sector), ticket, commD, porep))).toBe(want.toString('hex'));
  });
});

describe('sector numbers', () => {
  it('span u64 and reject anything else with a clear error', () => {
    expect(asSectorNumber('18446744073709551615')).toBe(18446744073709551615n);
    expect(asSectorNumber(7)).toBe(7n);
    expect(() => asSectorNumber('18446744073709551616')).toThrow(/out of range/);
    expect(() => asSectorNumber(-1)).toThrow(/non-negative integer, got -1/);
    expect(() => asSectorNumber(Number.NaN)).toThrow(/non-negative integer, got NaN/);
    expect(() => asSectorNumber(1.5)).toThrow(/non-negative integer, got 1.5/);
    expect(() => asSectorNumber('0x10')).toThrow(/non-negative integer, got "0x10"/);
  });
});
