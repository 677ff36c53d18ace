// `unseal` end to end on real files: the devnet's deal sector 4 and CC sector 1, sealed by the
// reference (fixtures/vectors: the sealed file bytes are in the vector), unsealed through the CLI
// command with the records from the bundled devnet. Expected bytes: the original piece file and the
// reference's comm_d; the unsealed file is compared with the lotus format (trailer from go-bitfield).
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runUnseal, type SectorOutcome, type UnsealArgs } from '../../src/cli/commands/unseal.js';
import { InputError, IoError, UsageError } from '../../src/errors.js';
import { planUnseal } from '../../src/unseal/plan.js';
import { unsealSector, type UnsealCheckError } from '../../src/unseal/unseal.js';
import { devnetSource } from '../../src/records/devnet-source.js';
import { DEFAULT_DEVNET_NETWORK } from '../../src/cli/package-info.js';
import { parseMinerAddress } from '../../src/chain/address.js';
import { asSectorNumber } from '../../src/proofs/types.js';
import { testSettings } from '../helpers/settings.js';
import { loadVector } from '../helpers/vectors.js';
import { readUnsealedAllocations } from '../../src/sector/unsealed-file.js';
import { fr32Pad } from '../../src/proofs/fr32.js';
import { io } from '../helpers/io.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DEAL = loadVector('2KiB-V1_1-deal-f01000-s4');
const CC = loadVector('2KiB-V1_1-cc-f01000-s1');
const PIECE_CID = DEAL.pieces.find((p) => !p.filler)!.cid;
const PIECE = readFileSync(join(ROOT, 'fixtures/devnet/pieces', PIECE_CID));
const sealedOf = (v: ReturnType<typeof loadVector>) => Buffer.from((v.files as unknown as Record<string, { base64: string }>).sealed!.base64, 'base64');

let parents: string;
beforeAll(() => {
  parents = mkdtempSync(join(tmpdir(), 'unseal-parents-'));
});


function storage(mutate?: (name: string, sealed: Buffer) => void) {
  const root = mkdtempSync(join(tmpdir(), 'unseal-'));
  const result = join(root, 'storage');
  mkdirSync(join(result, 'sealed'), { recursive: true });
  for (const [v, n] of [[DEAL, 4], [CC, 1]] as const) {
    const bytes = sealedOf(v);
    mutate?.(`s-t01000-${n}`, bytes);
    writeFileSync(join(result, 'sealed', `s-t01000-${n}`), bytes);
  }
  return { root, result, temp: join(root, 'temp') };
}

async function unseal(args: Partial<UnsealArgs>, d: { result: string; temp: string }) {
  const o = io();
  const code = await runUnseal(
    { devnet: '', miner: 'f01000', sealingResult: d.result, sealingTemp: d.temp, json: true, ...args } as UnsealArgs,
    { stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env: { FIL_PROOFS_PARENT_CACHE: parents } },
  );
  const sectors = args.json === false ? [] : (JSON.parse(o.out()) as { sectors: SectorOutcome[] }).sectors;
  return { code, out: o.out(), err: o.err(), sectors, first: sectors[0]! };
}

describe('unseal', () => {
  it('deal sector 4, --piece --out: the raw piece bytes equal the original piece file', async () => {
    const d = storage();
    const out = join(d.root, 'piece.bin');
    const r = await unseal({ numbers: ['4'], piece: PIECE_CID, out }, d);
    expect(r.code).toBe('ok');
    expect(r.first).toMatchObject({ status: 'unsealed', kind: 'deal', checked: { what: 'piece', cid: PIECE_CID }, bytes: '1016' });
    expect(readFileSync(out).equals(PIECE)).toBe(true);
    expect(r.err).toMatch(/full SDR/);
    expect(readdirSync(d.root).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(existsSync(join(d.temp, 'unseal-s-t01000-4'))).toBe(false);
  });

  it('deal sector 4, --unsealed-dir: the lotus unsealed file holds the padded sector and a whole-sector allocation', async () => {
    const d = storage();
    const dir = join(d.root, 'store');
    const r = await unseal({ numbers: ['4'], unsealedDir: dir }, d);
    expect(r.code).toBe('ok');
    expect(r.first).toMatchObject({ status: 'unsealed', checked: { what: 'comm_d', cid: DEAL.comm_d_cid } });
    const file = readFileSync(join(dir, 'unsealed', 's-t01000-4'));
    // the staged sector the reference sealed: fr32(piece) then zeros (its sha256 is in the vector)
    const staged = Buffer.alloc(2048);
    Buffer.from(fr32Pad(PIECE)).copy(staged);
    expect(file.subarray(0, 2048).equals(staged)).toBe(true);
    // whole-sector allocation: go-bitfield writes 041002 for [0, 2048) (fixtures/unsealed full-2KiB)
    const cases = JSON.parse(readFileSync(join(ROOT, 'fixtures/unsealed/cases.json'), 'utf8')) as { cases: { name: string; trailerHex: string }[] };
    const full = cases.cases.find((c) => c.name === 'full-2KiB')!;
    expect(file.subarray(2048).toString('hex')).toBe(`${full.trailerHex}03000000`);
    expect(await readUnsealedAllocations(join(dir, 'unsealed', 's-t01000-4'), 2048n)).toEqual([{ offset: 0n, size: 2048n }]);
  });

  it('a file that appears at the output while unsealing is left as it is: input error, nothing written, no .partial left', async () => {
    const d = storage();
    const source = await devnetSource(DEFAULT_DEVNET_NETWORK);
    const rec = (await source.recoveryRecords(parseMinerAddress('f01000'), [asSectorNumber(4)])).records[0]!;
    await source.close();
    const plan = await planUnseal(rec, parseMinerAddress('f01000'), { sealingResult: d.result, piece: PIECE_CID });
    const out = join(d.root, 'p.bin');
    let planted = false;
    const err = await unsealSector({
      plan,
      workDir: join(d.temp, 'w'),
      sealingResult: d.result,
      output: { kind: 'raw', path: out },
      settings: testSettings(parents),
      // the key is being regenerated: another process puts its own file at the output meanwhile
      onProgress: () => {
        if (!planted) writeFileSync(out, 'the operator copied this here');
        planted = true;
      },
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(planted).toBe(true);
    expect(err).toBeInstanceOf(InputError);
    expect(err!.message).toMatch(/p\.bin appeared while this sector was being unsealed.*left as it is/);
    expect(readFileSync(out, 'utf8')).toBe('the operator copied this here');
    expect(readdirSync(d.root).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('--keep-key keeps the regenerated layers (the key) in --sealing-temp; without it the work dir is removed', async () => {
    const d = storage();
    expect((await unseal({ numbers: ['4'], piece: PIECE_CID, out: join(d.root, 'a.bin'), keepKey: true }, d)).code).toBe('ok');
    const key = join(d.temp, 'unseal-s-t01000-4', 'key', 'sc-02-data-layer-2.dat');
    expect(createHash('sha256').update(readFileSync(key)).digest('hex')).toBe(DEAL.layer_sha256[1]);
  });

  it('--piece --unsealed-dir: only the piece range is allocated (lotus first-half-2KiB trailer)', async () => {
    const d = storage();
    const dir = join(d.root, 'store');
    expect((await unseal({ numbers: ['4'], piece: PIECE_CID, unsealedDir: dir }, d)).code).toBe('ok');
    const file = readFileSync(join(dir, 'unsealed', 's-t01000-4'));
    expect(file.subarray(2048).toString('hex')).toBe('04100103000000');
    expect(file.subarray(0, 1024).equals(Buffer.from(fr32Pad(PIECE)).subarray(0, 1024))).toBe(true);
  });

  it('a flipped byte in the sealed file is named (node and offset), nothing is written', async () => {
    // node 9, byte 5 of the deal piece's range
    const d = storage((name, b) => {
      if (name === 's-t01000-4') b[9 * 32 + 5]! ^= 0x10;
    });
    const out = join(d.root, 'piece.bin');
    const r = await unseal({ numbers: ['4'], piece: PIECE_CID, out }, d);
    expect(r.code).toBe('incomplete');
    expect(r.first).toMatchObject({ status: 'damaged', errorKind: 'corruption' });
    expect(r.first.badNodes!.map((n) => n.node)).toEqual(['9']);
    expect(r.first.reason).toMatch(/node 9 \(byte offset 288\)/);
    expect(r.first.reason).toMatch(/byte 5 of the node/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(d.root).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('the search bound: bit flips are still searched when other byte values would exceed it; below both, the piece is named and why', async () => {
    const d = storage((name, b) => {
      if (name === 's-t01000-4') b[9 * 32 + 5]! ^= 0x10;
    });
    const source = await devnetSource(DEFAULT_DEVNET_NETWORK);
    const rec = (await source.recoveryRecords(parseMinerAddress('f01000'), [asSectorNumber(4)])).records[0]!;
    await source.close();
    const plan = await planUnseal(rec, parseMinerAddress('f01000'), { sealingResult: d.result, piece: PIECE_CID });
    const go = (searchBudget: number) =>
      unsealSector({ plan, workDir: join(d.temp, 'w'), sealingResult: d.result, output: { kind: 'raw', path: join(d.root, 'p.bin') }, settings: testSettings(parents), searchBudget }).then(
        () => {
          throw new Error('expected the damaged replica to be refused');
        },
        (e: unknown) => e as UnsealCheckError,
      );
    // 32 suspects × 5 levels: bit pass 40,960 hashes, byte pass 1,264,640
    const bitsOnly = await go(100_000);
    expect(bitsOnly.badNodes.map((n) => n.node)).toEqual([9n]);
    const none = await go(10_000);
    expect(none.badNodes).toEqual([]);
    expect(none.message).toMatch(/piece baga6ea4seaqobcuclisuxa4e6xiaopm6evrgxxbwah7q4oou4whhweucv3mx4nq \(nodes 0\.\.31\): does not decode.*one-byte search not run; the search left out: 32 suspect nodes × 5 levels exceed 10000 hashes/s);
  });

  it("with lotus's finalized cache (reference tree-r-last) the search is narrowed by it and names the node", async () => {
    const d = storage((name, b) => {
      if (name === 's-t01000-4') b[17 * 32 + 30]! ^= 0x02;
    });
    const cache = join(d.result, 'cache', 's-t01000-4');
    mkdirSync(cache, { recursive: true });
    const files = DEAL.files as unknown as Record<string, { base64: string }>;
    for (const f of ['p_aux', 't_aux', 'sc-02-data-tree-r-last.dat']) writeFileSync(join(cache, f), Buffer.from(files[f]!.base64, 'base64'));
    const r = await unseal({ numbers: ['4'], unsealedDir: join(d.root, 'store') }, d);
    expect(r.first.status).toBe('damaged');
    expect(r.first.badNodes!.map((n) => n.node)).toEqual(['17']);
    expect(r.first.reason).toMatch(/tree-r-last narrowed the search to nodes 0\.\.31; one-byte search/);
    expect(r.first.reason).toMatch(/byte 30 of the node \(file offset 574\)/);
  });

  it('a flipped byte in the zero filler of a deal sector is named exactly (whole-sector unseal)', async () => {
    const d = storage((name, b) => {
      if (name === 's-t01000-4') b[50 * 32 + 3]! ^= 0x01;
    });
    const dir = join(d.root, 'store');
    const r = await unseal({ numbers: ['4'], unsealedDir: dir }, d);
    expect(r.first.status).toBe('damaged');
    expect(r.first.badNodes!.map((n) => n.node)).toEqual(['50']);
    expect(r.first.reason).toMatch(/zero filler piece 1/);
    expect(existsSync(join(dir, 'unsealed'))).toBe(false);
  });

  it('a replica node that is not a field element (≥ r) is named by the decoder, nothing written', async () => {
    const d = storage((name, b) => {
      if (name === 's-t01000-4') b[5 * 32 + 31] = 0xff;
    });
    const dir = join(d.root, 'store');
    const r = await unseal({ numbers: ['4'], unsealedDir: dir }, d);
    expect(r.first).toMatchObject({ status: 'damaged', errorKind: 'corruption' });
    expect(r.first.reason).toMatch(/node 5 is not a canonical field element/);
    expect(existsSync(join(dir, 'unsealed'))).toBe(false);
  });

  it('several sectors: each one unsealed or reported, --json, exit incomplete when one fails', async () => {
    const d = storage();
    const dir = join(d.root, 'store');
    const r = await unseal({ numbers: ['1', '2', '4'], unsealedDir: dir }, d);
    expect(r.code).toBe('incomplete');
    const res = r.sectors;
    expect(res.map((x) => x.sector)).toEqual(['1', '2', '4']);
    expect(res.map((x) => x.status)).toEqual(['unsealed', 'failed', 'unsealed']);
    expect(res[1]!.reason).toMatch(/no sealed file/);
    expect(res[0]!.written).toEqual([join(dir, 'unsealed', 's-t01000-1')]);
    expect(res[2]!.written).toEqual([join(dir, 'unsealed', 's-t01000-4')]);
  });

  it('CC sector 1 unseals to zeros and says so', async () => {
    const d = storage();
    const dir = join(d.root, 'store');
    const r = await unseal({ numbers: ['1'], unsealedDir: dir, json: false }, d);
    expect(r.code).toBe('ok');
    expect(r.out).toMatch(/unsealed \(cc; checked against comm_d/);
    expect(r.out).toMatch(/CC sector: it holds no deal data; it unseals to zeros/);
    const file = readFileSync(join(dir, 'unsealed', 's-t01000-1'));
    expect(file.subarray(0, 2048).every((b) => b === 0)).toBe(true);
  });

  it('--piece on a CC sector: a clear error naming the sector has no pieces', async () => {
    const d = storage();
    const r = await unseal({ numbers: ['1'], piece: PIECE_CID, out: join(d.root, 'x') }, d);
    expect(r.code).toBe('incomplete');
    expect(r.first).toMatchObject({ status: 'failed', errorKind: 'input' });
    expect(r.first.reason).toMatch(/does not hold piece .*none: a CC sector/);
  });

  it("wrong sector: sector 1's file under sector 4's name does not decode → mismatch, nothing written", async () => {
    const d = storage((name, b) => {
      if (name === 's-t01000-4') sealedOf(CC).copy(b);
    });
    const out = join(d.root, 'piece.bin');
    const r = await unseal({ numbers: ['4'], piece: PIECE_CID, out }, d);
    expect(r.first).toMatchObject({ status: 'mismatch', errorKind: 'mismatch' });
    expect(r.first.reason).toMatch(/does not decode with this sector's key/);
    expect(existsSync(out)).toBe(false);
  });

  it('a sector the records do not have, and a missing sealed file, are input errors', async () => {
    const d = storage();
    const a = await unseal({ numbers: ['77'], unsealedDir: join(d.root, 's') }, d);
    expect(a.code).toBe('incomplete');
    expect(a.first).toMatchObject({ sector: '77', status: 'failed', errorKind: 'input' });
    const b = await unseal({ numbers: ['2'], unsealedDir: join(d.root, 's') }, d);
    expect(b.first.reason).toMatch(/no sealed file at .*sealed\/s-t01000-2/);
  });

  it('flags: --out needs --piece; --out and --unsealed-dir exclude each other', async () => {
    const d = storage();
    await expect(unseal({ numbers: ['4'], out: 'x' }, d)).rejects.toBeInstanceOf(UsageError);
    await expect(unseal({ numbers: ['4'], piece: PIECE_CID, out: 'x', unsealedDir: 'y' }, d)).rejects.toBeInstanceOf(UsageError);
  });

  it('pre-flight: too little scratch space or memory is refused before any SDR, with the numbers', async () => {
    const d = storage();
    const run = (deps: object) => {
      const o = io();
      return runUnseal({ devnet: '', miner: 'f01000', sealingResult: d.result, sealingTemp: d.temp, numbers: ['4'], unsealedDir: join(d.root, 's') } as UnsealArgs, {
        stdout: o.stdout, stderr: o.stderr, tty: false, cwd: process.cwd(), env: { FIL_PROOFS_PARENT_CACHE: parents }, ...deps,
      });
    };
    await expect(run({ freeBytes: async () => 1000n })).rejects.toBeInstanceOf(IoError);
    await expect(run({ freeBytes: async () => 1000n })).rejects.toThrow(/has 1000 B free, unsealing needs 10\.0 KiB/);
    await expect(run({ availableMemory: () => 100n })).rejects.toThrow(/needs 4\.0 KiB of memory/);
    expect(existsSync(join(d.temp, 'unseal-s-t01000-4'))).toBe(false);
  });

  it('an existing output is never overwritten', async () => {
    const d = storage();
    const out = join(d.root, 'piece.bin');
    writeFileSync(out, 'keep me');
    const r = await unseal({ numbers: ['4'], piece: PIECE_CID, out }, d);
    expect(r.first.reason).toMatch(/already exists/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    void readdirSync;
  });
});
