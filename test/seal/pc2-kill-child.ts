// Child process for the PC2 resume tests: runs runPc2 over a cache dir that holds the layers and
// SIGKILLs itself in the middle of `stage`: at its first progress record with work done once at
// least `afterTrees` of that stage's base-tree files are committed under their final names.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sealProof } from '../../src/proofs/index.js';
import { runPc2 } from '../../src/seal/pc2.js';
import { treeFileNames } from '../../src/sector/cache-files.js';
import { SHAPE_8_8_0, withShape } from './helpers/shapes.js';

interface Config {
  readonly proof: string;
  /** '8-8-0' splits the sector into 8 base trees */
  readonly shape?: '8-8-0';
  readonly cacheDir: string;
  readonly sealedPath: string;
  readonly stage: 'tree-c' | 'tree-r-last';
  readonly afterTrees: number;
  readonly chunkLeaves: string;
}
const cfg = JSON.parse(process.argv[2]!) as Config;
const proof = cfg.shape ? withShape(sealProof(cfg.proof), SHAPE_8_8_0) : sealProof(cfg.proof);
const committed = () => treeFileNames(proof.baseTrees, cfg.stage).filter((f) => existsSync(join(cfg.cacheDir, f))).length;
await runPc2({
  proof,
  cacheDir: cfg.cacheDir,
  stagedPath: null,
  sealedPath: cfg.sealedPath,
  threads: 1,
  chunkLeaves: BigInt(cfg.chunkLeaves),
  onProgress: (p) => {
    if (p.stage === cfg.stage && p.done > 0 && committed() >= cfg.afterTrees) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write('finished without being killed\n');
