// Working files of a publish, for the protocol tests: per part a replica file and a cache dir
// holding what a sealer leaves (finalized files, a layer, its bookkeeping). t_aux is well-formed and
// names the working dir, as the real sealer writes it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublishEntry } from '../../../src/recover/publish.js';
import type { PublishPart } from '../../../src/recover/result-paths.js';
import { sealProof } from '../../../src/proofs/registry.js';
import { encodeTAux, temporaryAuxFor } from '../../../src/sector/aux-files.js';

export const NAME = 's-t01000-7';

export async function workParts(work: string, parts: readonly PublishPart[]): Promise<PublishEntry[]> {
  const entries: PublishEntry[] = [];
  for (const part of parts) {
    const cacheDir = join(work, part, 'cache');
    await mkdir(cacheDir, { recursive: true });
    const replica = join(work, part, 'replica');
    await writeFile(replica, `replica of ${part}`);
    await writeFile(join(cacheDir, 'p_aux'), `p_aux of ${part}`);
    await writeFile(join(cacheDir, 'sc-02-data-tree-r-last.dat'), `tree-r-last of ${part}`);
    await writeFile(join(cacheDir, 't_aux'), encodeTAux(temporaryAuxFor(sealProof('StackedDrg2KiBV1_1'), cacheDir, 2)));
    await writeFile(join(cacheDir, 'sc-02-data-layer-1.dat'), 'a layer: published only with keepPrecommitFiles');
    await writeFile(join(cacheDir, 'pc1-state.json'), '{}');
    entries.push({ part, replica, cacheDir });
  }
  return entries;
}
