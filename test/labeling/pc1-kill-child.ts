// Child process for the resume tests: runs runPc1 and SIGKILLs itself as soon as layer `killAfter`
// is recorded as finished. The native side reports a layer once its background write ends, which
// overlaps the next layer, so the kill also lands in the middle of that layer's work.
import { runPc1 } from '../../src/seal/pc1.js';
import { sealProof } from '../../src/proofs/registry.js';
import type { ReplicaId } from '../../src/proofs/types.js';

const [proofName, replicaHex, cacheDir, parentsCachePath, killAfter] = process.argv.slice(2) as [string, string, string, string, string];
await runPc1({
  proof: sealProof(proofName),
  replicaId: new Uint8Array(Buffer.from(replicaHex, 'hex')) as ReplicaId,
  cacheDir,
  parentsCachePath,
  onLayerDone: (layer) => {
    if (layer === Number(killAfter)) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write('finished without being killed\n');
