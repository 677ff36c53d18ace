// `unseal` through the CLI command on the bundled devnet (records from the loopback node): deal sector 4 (sealed by rust-fil-proofs,
// fixtures/vectors/2KiB-V1_1-deal-f01000-s4) and snapped sector 5 (encode_into by rust-fil-proofs,
// snap/2KiB-V1_1-cc-f01000-s5-snap-devnet). The replicas are the reference's own files; the decoded
// piece must equal the committed raw piece, the unsealed file the reference's staged sector plus
// lotus's trailer; a damaged replica is reported and nothing is written.
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUnseal } from '../../src/cli/commands/unseal.js';
import { loadNetwork } from '../../src/devnet/network.js';
import { startDevnet, type Devnet } from '../../src/devnet/server.js';
import { entryBytes, loadFamilyVector, loadVector, type SnapVector } from '../helpers/vectors.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const exists = (p: string) => access(p).then(() => true, () => false);
const deal = loadVector('2KiB-V1_1-deal-f01000-s4');
const snap = loadFamilyVector<SnapVector>('snap', '2KiB-V1_1-cc-f01000-s5-snap-devnet');
// the whole-2KiB-sector trailer go-bitfield + lotus's partialfile logic write (tools/partialfile-gen)
const goFiles = JSON.parse(await readFile(join(root, 'fixtures', 'unsealed', 'cases.json'), 'utf8')) as { cases: { name: string; trailerHex: string }[] };
const WHOLE_2KIB = `${goFiles.cases.find((c) => c.name === 'full-2KiB')!.trailerHex}03000000`;

function sink() {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c) => (text += c));
  return { s, text: () => text };
}

describe('unseal (bundled devnet)', () => {
  let net: Devnet;
  let result: string;
  beforeAll(async () => {
    net = await startDevnet(await loadNetwork(join(root, 'fixtures', 'devnet', 'network.json')));
    result = await mkdtemp(join(tmpdir(), 'unseal-'));
    await mkdir(join(result, 'sealed'));
    await mkdir(join(result, 'update'));
    await writeFile(join(result, 'sealed', 's-t01000-4'), entryBytes(deal.files['sealed'])!);
    await writeFile(join(result, 'update', 's-t01000-5'), entryBytes(snap.files.update)!);
  });
  afterAll(async () => net.close());

  const run = async (numbers: string[], extra: Record<string, unknown>, sealingResult = result) => {
    const out = sink();
    const temp = await mkdtemp(join(tmpdir(), 'unseal-temp-'));
    const code = await runUnseal(
      { miner: 'f01000', numbers, sealingResult, sealingTemp: temp, json: true, ...extra },
      { stdout: out.s, stderr: sink().s, tty: false, cwd: process.cwd(), env: { FULLNODE_API_INFO: net.apiInfo } },
    );
    return { code, sectors: JSON.parse(out.text()).sectors };
  };

  for (const [n, cid, kind] of [
    ['4', deal.pieces.find((p) => !p.filler)!.cid, 'deal'],
    ['5', snap.pieces.find((p) => !p.filler)!.cid, 'snapped'],
  ] as const) {
    it(`sector ${n} (${kind}): --piece --out gives the raw piece bytes`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'unseal-out-'));
      const out = join(dir, 'piece.bin');
      const r = await run([n], { piece: cid, out });
      expect(r.sectors[0]).toMatchObject({ status: 'unsealed', kind, checked: { what: 'piece', cid } });
      expect(r.code).toBe('ok');
      expect((await readFile(out)).equals(await readFile(join(root, 'fixtures', 'devnet', 'pieces', cid)))).toBe(true);
    }, 60_000);
  }

  it('--unsealed-dir: unsealed/s-t0M-N = the reference staged sector + the trailer lotus writes for a whole sector', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unseal-dir-'));
    const r = await run(['4', '5'], { unsealedDir: dir });
    expect(r.sectors.map((s: { status: string; reason?: string }) => s.reason ?? s.status)).toEqual(['unsealed', 'unsealed']);
    for (const [n, stagedSha] of [['4', deal.staged.sha256], ['5', snap.staged.sha256]] as const) {
      const f = await readFile(join(dir, 'unsealed', `s-t01000-${n}`));
      expect(sha(f.subarray(0, 2048)), `sector ${n} data`).toBe(stagedSha);
      expect(f.subarray(2048).toString('hex'), `sector ${n} trailer`).toBe(WHOLE_2KIB);
    }
  }, 60_000);

  it('a flipped byte in the snapped replica: reported as damaged, nothing written', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'unseal-bad-'));
    await mkdir(join(bad, 'update'));
    const replica = Buffer.from(entryBytes(snap.files.update)!);
    replica[40 * 32 + 30]! ^= 0x40;
    await writeFile(join(bad, 'update', 's-t01000-5'), replica);
    const dir = await mkdtemp(join(tmpdir(), 'unseal-out-'));
    const r = await run(['5'], { unsealedDir: dir }, bad);
    expect(r.sectors[0].status).toBe('damaged');
    // bit 6 of byte 30 of node 40: found by the one-byte search (the 2KiB tree-r-last would only say "the sector")
    expect(r.sectors[0].badNodes.map((n: { node: string }) => n.node)).toEqual(['40']);
    expect(r.sectors[0].reason).toMatch(/node 40 \(byte offset 1280\)/);
    expect(r.code).toBe('incomplete');
    expect(await exists(join(dir, 'unsealed', 's-t01000-5'))).toBe(false);
  }, 60_000);

  it('a flipped low bit in the snapped replica: the one-byte search (data moves by δ·rho⁻¹) names the node and byte', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'unseal-bad-'));
    await mkdir(join(bad, 'update'));
    const replica = Buffer.from(entryBytes(snap.files.update)!);
    replica[12 * 32 + 3]! ^= 0x01;
    await writeFile(join(bad, 'update', 's-t01000-5'), replica);
    const dir = await mkdtemp(join(tmpdir(), 'unseal-out-'));
    const r = await run(['5'], { unsealedDir: dir }, bad);
    expect(r.sectors[0].status).toBe('damaged');
    expect(r.sectors[0].badNodes.map((n: { node: string }) => n.node)).toEqual(['12']);
    expect(r.sectors[0].reason).toMatch(/byte 3 of the node \(file offset 387\).*one-byte search/s);
    expect(await exists(join(dir, 'unsealed', 's-t01000-5'))).toBe(false);
  }, 60_000);

  it('a CC sector whose sealed file is not under --sealing-result: failed, naming the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unseal-dir-'));
    const r = await run(['1'], { unsealedDir: dir });
    expect(r.sectors[0]).toMatchObject({ status: 'failed' });
    expect(r.sectors[0].reason).toMatch(/no sealed file at .*sealed\/s-t01000-1/);
  });
});
