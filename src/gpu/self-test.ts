// The known-answer check every device passes before it builds a tree (docs/gpu.md#self-test): the
// reference's Poseidon outputs for arity 2, 8 and 11 (fixtures/vectors/poseidon, written by the
// oracle from neptune), hashed as one batch per arity. A broken driver or compiler fails here
// instead of producing a wrong tree.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GpuSession } from './session.js';

const here = dirname(fileURLToPath(import.meta.url));
export const KNOWN_ANSWERS_PATH = join(here, '..', '..', 'fixtures', 'vectors', 'poseidon', 'neptune-merkletree-standard.json');

interface KnownAnswers {
  readonly arity: Record<string, ReadonlyArray<{ readonly inputs: readonly string[]; readonly output: string }>>;
}

export interface SelfTestResult {
  readonly passed: boolean;
  /** hashes checked */
  readonly hashes: number;
  readonly ms: number;
  /** what failed, when it did */
  readonly detail?: string;
}

export async function selfTest(session: GpuSession): Promise<SelfTestResult> {
  const started = Date.now();
  let hashes = 0;
  try {
    const ka = JSON.parse(await readFile(KNOWN_ANSWERS_PATH, 'utf8')) as KnownAnswers;
    for (const [a, cases] of Object.entries(ka.arity)) {
      const arity = Number(a);
      // Repeat the cases so the batch spans several work-groups, with every copy checked.
      const copies = 5;
      const flat = Buffer.concat(Array.from({ length: copies }, () => cases.flatMap((c) => c.inputs.map((x) => Buffer.from(x, 'hex')))).flat());
      const out = await session.hashMany(arity, flat);
      for (let k = 0; k < copies * cases.length; k++) {
        const want = cases[k % cases.length]!.output;
        const got = out.subarray(k * 32, k * 32 + 32).toString('hex');
        if (got !== want) return { passed: false, hashes, ms: Date.now() - started, detail: `arity ${arity} case ${k % cases.length}: got ${got}, expected ${want}` };
        hashes++;
      }
    }
    return { passed: true, hashes, ms: Date.now() - started };
  } catch (err) {
    return { passed: false, hashes, ms: Date.now() - started, detail: (err as Error).message };
  }
}
