#!/usr/bin/env node
// `npm run oracle -- <args>`: build the reference oracle (cargo, release) if needed, then run it.
//
//   npm run oracle -- seal --proof 5 --miner f01000 --sector 1 --ticket 01…01 --data cc --out x.json
//   npm run oracle -- encode --proof 5 --miner f01000 --sector 1 --ticket 01…01 --pieces sha256-ctr:<seed>:2032
//   npm run oracle -- shape-seal --proof 8 --nodes 4096 --miner f01000 --sector 1 --ticket 01…01 --data cc
//   npm run oracle -- bench --proof 6 --threads 2
//   npm run oracle -- encode-bench --proof 6 --threads 2
//   npm run oracle -- poseidon-bench
//   npm run oracle -- generate-vectors [--only <substring>]   (rewrites fixtures/vectors/**.json)
//
// The build needs cargo (rustup) and, for the multicore SDR path, libhwloc-dev; without hwloc the
// oracle is built without that feature and says so.
import { buildOracle, runOracle } from './lib.mjs';

const argv = process.argv.slice(2);
buildOracle();
if (argv[0] === 'generate-vectors') {
  const { generateVectors } = await import('./vectors.mjs');
  const onlyAt = argv.indexOf('--only');
  await generateVectors({ only: onlyAt >= 0 ? argv[onlyAt + 1] : undefined });
} else {
  const r = runOracle(argv);
  process.exit(r.status ?? 1);
}
