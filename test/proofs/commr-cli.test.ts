// The commr command end to end through bin/sealer-recover.js. Expected replica_ids and comm_d:
// docs/vectors.md#end-to-end-vectors (E2E-2KiB-V1_1, E2E-2KiB-V1, E2E-8MiB-V1_1) and §6.3.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'sealer-recover.js');
const TICKET = '01'.repeat(32);
const ZERO_2K_CID = 'baga6ea4seaqpy7usqklokfx2vxuynmupslkeutzexe2uqurdg5vhtebhxqmpqmy';

// Sealing writes a parents cache: keep it out of the machine's /var/tmp/filecoin-parents.
const parentsDir = mkdtempSync(join(tmpdir(), 'sealer-recover-parents-'));
afterAll(() => rmSync(parentsDir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, [bin, 'commr', ...args], {
    encoding: 'utf8',
    env: { ...process.env, FIL_PROOFS_PARENT_CACHE: parentsDir },
  });
}

describe('sealer-recover commr', () => {
  it('prints the §9.6 E2E-2KiB-V1_1 identities (README main command)', () => {
    const r = run(['--proof', 'StackedDrg2KiBV1_1', '--miner', 'f01000', '--sector', '1', '--ticket', TICKET]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^replica_id\s+3e75e87332cd5d60132c1f9f9a8362e2e4cf190b46f4fd636fd8864b842d170b$/m);
    expect(r.stdout).toMatch(/^comm_d\s+fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833 /m);
    expect(r.stdout).toMatch(new RegExp(`^comm_d_cid\\s+${ZERO_2K_CID}$`, 'm'));
    expect(r.stdout).toMatch(/^porep_id\s+05(00){31}$/m);
    expect(r.stdout).toMatch(/^prover_id\s+e807(00){30}$/m);
    // comm_c, comm_r_last and comm_r of E2E-2KiB-V1_1 (docs/vectors.md#end-to-end-vectors), by sealing in a scratch dir.
    expect(r.stdout).toMatch(/^comm_c\s+341fe7b18303170f67577d8e825f09e2cf6cf4c2b65d4fa2eaf4e2b70eeeb365$/m);
    expect(r.stdout).toMatch(/^comm_r_last\s+90e693754e3cd7d23b1cbb26a69183485d04d7a96e8b0c2fef039a0f09bfef05$/m);
    expect(r.stdout).toMatch(/^comm_r\s+77424390b36f74acd595c40d0e341f4fbff18623feaf8ad72fe73d7490d0d65c$/m);
    expect(r.stdout).toMatch(/^comm_r_cid\s+bagboea4b5abc/m);
  });

  it('--json for E2E-2KiB-V1 (proof by id) and E2E-8MiB-V1_1 (base64 ticket, t0 address)', () => {
    const v1 = run(['--proof', '0', '--miner', 'f01000', '--sector', '1', '--ticket', TICKET, '--json']);
    expect(v1.status).toBe(0);
    const j = JSON.parse(v1.stdout);
    expect(j.replicaId).toBe('833e3d0ec6313d5110118382a53eadc8851b3bdc3c64d9d0a9515f36d630ee22');
    expect(j.proof).toEqual({ id: 0, name: 'StackedDrg2KiBV1' });
    expect(j.commD).toEqual({ hex: 'fc7e928296e516faade986b28f92d44a4f24b935485223376a799027bc18f833', cid: ZERO_2K_CID, source: 'cc' });
    expect(j.commR.hex).toBe('5b25c87c9893927d5e7fe75707fc77fd700b9c0c732851dea4da8a7822fca340');

    const b64 = Buffer.from(TICKET, 'hex').toString('base64');
    const m8 = JSON.parse(run(['--proof', '8MiB/V1_1', '--miner', 't01000', '--sector', '1', '--ticket', b64, '--json', '--no-seal']).stdout);
    expect(m8.replicaId).toBe('49808a3f801fc76f8e0a19e5f87f2810b61d0fb8cef7816a7396ab91d1774f3e');
    expect(m8.commD.hex).toBe('65f29e5d98d246c38b388cfc06db1f6b021303c5a289000bdce832a9c3ec421c');
  });

  it('a full-size zero piece (how lotus records CC) and --comm-d give the same replica_id', () => {
    for (const extra of [['--piece', `${ZERO_2K_CID}:2048`], ['--comm-d', ZERO_2K_CID], ['--piece', `${ZERO_2K_CID}:2048`, '--comm-d', ZERO_2K_CID]]) {
      const j = JSON.parse(run(['--proof', '5', '--miner', 'f01000', '--sector', '1', '--ticket', TICKET, '--json', ...extra]).stdout);
      expect(j.replicaId).toBe('3e75e87332cd5d60132c1f9f9a8362e2e4cf190b46f4fd636fd8864b842d170b');
    }
  });

  const base = ['--proof', '5', '--miner', 'f01000', '--sector', '1', '--ticket', TICKET];
  const bad: [string, string[], RegExp][] = [
    ['non-ID miner address', ['--proof', '5', '--miner', 'f3vvmn62lofvhjd2ugzca6sof2j2ubwok6cj4xxbfzz4yuxfkgobpihhd2thlanmsh3w2ptld2gqkn2jvlss4a', '--sector', '1', '--ticket', TICKET], /ID address \(f0…\) is required.*lotus state lookup/],
    ['ticket of wrong length', ['--proof', '5', '--miner', 'f01000', '--sector', '1', '--ticket', '01'.repeat(31)], /ticket must be 32 bytes.*62 hex digits/],
    ['unknown proof id', ['--proof', '20', '--miner', 'f01000', '--sector', '1', '--ticket', TICKET], /unknown seal proof id 20/],
    ['piece larger than the sector', [...base, '--piece', `${ZERO_2K_CID}:4096`], /more than the sector size 2048/],
    ['non-power-of-two piece', [...base, '--piece', `${ZERO_2K_CID}:2032`], /piece 0: padded size 2032 is invalid/],
    ['piece without a size', [...base, '--piece', ZERO_2K_CID], /--piece 1 .* must be <piece CID>:<padded size>/],
    ['CommR given as --comm-d', [...base, '--comm-d', 'bagboea4b5abcasqanjadumno7blvgx4k5pk765cki6vurnpgs2q3trt2trkznhj3'], /sealed CID \(CommR\)/],
    ['--comm-d that disagrees with --piece', [...base, '--piece', `${ZERO_2K_CID}:2048`, '--comm-d', 'baga6ea4seaqgl4u6lwmnerwdrm4iz7ag3mpwwaqtapc2fciabpooqmvjypweeha'], /the pieces give comm_d .* but --comm-d is/],
    ['bad sector number', ['--proof', '5', '--miner', 'f01000', '--sector', 'x1', '--ticket', TICKET], /sector number must be a non-negative integer/],
    ['missing --ticket', ['--proof', '5', '--miner', 'f01000', '--sector', '1'], /Missing required argument: ticket/],
  ];
  for (const [what, args, msg] of bad) {
    it(`exits 2 with a one-line reason: ${what}`, () => {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    });
  }
});
