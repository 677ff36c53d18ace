import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRecoveryFile } from '../../../src/records/export-file.js';
import type { SectorRecord } from '../../../src/records/record.js';
import { testSettings } from '../../helpers/settings.js';
import { parseMinerAddress } from '../../../src/chain/address.js';
import { silentLogger } from '../../../src/recover/logger.js';
import type { RecoverOptions } from '../../../src/recover/recover.js';
import type { Sealer } from '../../../src/recover/sealer.js';

export const f01000 = parseMinerAddress('f01000');

export async function dirs() {
  const root = await mkdtemp(join(tmpdir(), 'recover-'));
  return { root, temp: join(root, 'temp'), result: join(root, 'result') };
}

export interface Entry {
  n: number;
  ticketHex?: string;
  proof?: number;
  sealedCid: string;
  extra?: Record<string, unknown>;
}

/** A recovery file in the Go tool's JSON shape. */
export function recoveryJson(entries: Entry[], sectorSize = 2048): string {
  return JSON.stringify({
    Miner: 'f01000',
    SectorSize: sectorSize,
    SectorInfos: entries.map((e) => ({
      SectorNumber: e.n,
      Ticket: Buffer.from(e.ticketHex ?? '01'.repeat(32), 'hex').toString('base64'),
      SealProof: e.proof ?? 5,
      SealedCID: { '/': e.sealedCid },
      ...e.extra,
    })),
  });
}

export const records = (entries: Entry[], sectorSize = 2048): readonly SectorRecord[] =>
  parseRecoveryFile(recoveryJson(entries, sectorSize), 'test.json').sectors;

export function options(d: { temp: string; result: string }, sealer: Sealer, extra: Partial<RecoverOptions> = {}): RecoverOptions {
  return { tempRoot: d.temp, resultRoot: d.result, parallel: 1, sealer, logger: silentLogger(), version: 'test', source: 'test', settings: testSettings(), ...extra };
}

export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    let es;
    try {
      es = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of es) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out.push(`${r}/`);
        await walk(join(d, e.name), r);
      } else out.push(r);
    }
  };
  await walk(dir, '');
  return out.sort();
}
