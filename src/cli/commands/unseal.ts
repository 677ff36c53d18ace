// `unseal`: get deal data back out of a sealed (or snap-updated) replica when the unsealed copy is
// lost (docs/unseal.md). The key is regenerated with the full SDR from the sector's record (ticket,
// proof, comm_d), data = replica − key is checked against comm_d and every piece CID, and only then
// written: raw piece bytes (--piece --out) or lotus's unsealed file under --unsealed-dir.
import type { Argv } from 'yargs';
import { join } from 'node:path';
import { statfs, mkdir } from 'node:fs/promises';
import { UsageError, asError, errorKind, isCancelled } from '../../errors.js';
import { formatMinerAddress } from '../../chain/address.js';
import { minerFor, SOURCE_FLAGS } from '../../records/open-source.js';
import { planUnseal, checkOutputArgs, type UnsealPlan } from '../../unseal/plan.js';
import { UnsealCheckError, unsealNeeds, unsealSector } from '../../unseal/unseal.js';
import { builtInSnapDecoder, type SnapDecoder } from '../../unseal/snap-decoder.js';
import { fmtBytes, realHostProbe } from '../../recover/preflight.js';
import { parentsCacheBytes } from '../../seal/parents-cache.js';
import { sectorName } from '../../sector/storage-layout.js';
import { expandHome, minerArg, openSource, sectorNumbers, settingsArg, sourceOptions, splitDevnetArg, type SectorArgs, type SourceArgs } from '../args.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';
import { createProgress } from '../progress.js';
import { IoError } from '../../errors.js';

export interface UnsealArgs extends SectorArgs, SourceArgs {
  readonly miner?: string;
  readonly sealingResult: string;
  readonly sealingTemp: string;
  readonly piece?: string;
  readonly out?: string;
  readonly unsealedDir?: string;
  readonly keepKey?: boolean;
  readonly json?: boolean;
}

export interface UnsealDeps extends CliDeps {
  /** the SnapDeals decoder (default: the one this build ships, if any) */
  readonly snapDecoder?: SnapDecoder;
  /** free bytes under a path (tests simulate a full disk) */
  readonly freeBytes?: (path: string) => Promise<bigint>;
  /** available memory (tests simulate a small machine) */
  readonly availableMemory?: () => bigint;
}

/**
 * Labeling rate used for the time estimate, nanoseconds per node per layer on one core. Measured with
 * runPc1 on this project's shared 2-core machine (SHA-NI): 8MiB, 2 layers × 262,144 nodes in 1.8–2.5 s,
 * i.e. 3.4–4.7 µs; a 32GiB key (11 layers × 2^30 nodes) is then ~13 h. A rough figure, said as such.
 */
const LABEL_NS_PER_NODE = 4_000n;

function estimate(plan: UnsealPlan): string {
  const n = unsealNeeds(plan);
  const secs = Number((n.labelNodes * LABEL_NS_PER_NODE) / 1_000_000_000n);
  const t = secs < 120 ? `${Math.max(1, secs)} s` : secs < 7200 ? `${Math.round(secs / 60)} min` : `${(secs / 3600).toFixed(1)} h`;
  return (
    `${plan.name}: the key needs the full SDR${plan.pieceOnly ? ' even for one piece' : ''} (${plan.proof.layers} layers of ${plan.proof.nodes} nodes, ~${t} on one core); ` +
    `scratch ${fmtBytes(n.workBytes)}, memory ${fmtBytes(n.memoryBytes)}, parents cache ${fmtBytes(parentsCacheBytes(plan.proof))} (reused when present)`
  );
}

async function defaultFree(path: string): Promise<bigint> {
  await mkdir(path, { recursive: true });
  const s = await statfs(path, { bigint: true });
  return s.bavail * s.bsize;
}

export async function runUnseal(given: UnsealArgs, deps: UnsealDeps): Promise<Outcome> {
  const args = splitDevnetArg(given);
  const numbers = sectorNumbers(args, { required: true });
  checkOutputArgs({ ...(args.piece !== undefined ? { piece: args.piece } : {}), ...(args.out !== undefined ? { out: args.out } : {}), ...(args.unsealedDir !== undefined ? { unsealedDir: args.unsealedDir } : {}), sectors: numbers.length });
  const settings = settingsArg(deps.env);
  const requestedMiner = minerArg(args.miner);
  const sealingResult = expandHome(args.sealingResult);
  const tempRoot = expandHome(args.sealingTemp);
  const source = await openSource(args, deps.env, requestedMiner);
  if (!source) throw new UsageError(`no source of sector records: pass ${SOURCE_FLAGS}, or set FULLNODE_API_INFO`);
  const results: SectorOutcome[] = [];
  const log = (line: string) => deps.stderr.write(`${line}\n`);
  const progress = !args.json || deps.tty ? createProgress({ tty: deps.tty, out: deps.stderr }) : undefined;
  try {
    const miner = minerFor(source, requestedMiner);
    const who = (n: bigint) => ({ miner: formatMinerAddress(miner), sector: String(n) });
    const { records, failed } = await source.recoveryRecords(miner, numbers);
    for (const [n, why] of failed) results.push({ ...who(n), status: 'failed', reason: why, errorKind: 'input' });
    // Plan everything first: a bad sector is refused before hours of SDR.
    const plans: UnsealPlan[] = [];
    for (const rec of records) {
      try {
        plans.push(await planUnseal(rec, miner, { sealingResult, ...(args.piece !== undefined ? { piece: args.piece } : {}) }));
      } catch (e) {
        results.push(failure(who(rec.sectorNumber), e));
      }
    }
    if (plans.length) {
      const free = await (deps.freeBytes ?? defaultFree)(tempRoot);
      const largest = plans.reduce((m, p) => (unsealNeeds(p).workBytes > m ? unsealNeeds(p).workBytes : m), 0n);
      for (const p of plans) log(estimate(p));
      if (largest > free) throw new IoError(`--sealing-temp ${tempRoot} has ${fmtBytes(free)} free, unsealing needs ${fmtBytes(largest)} of scratch space (all SDR layers are kept so an interrupted run resumes)`);
      const memory = plans.reduce((m, p) => (unsealNeeds(p).memoryBytes > m ? unsealNeeds(p).memoryBytes : m), 0n);
      const available = (deps.availableMemory ?? realHostProbe.availableMemory)();
      if (memory > available) throw new IoError(`labeling needs ${fmtBytes(memory)} of memory (two layers), ${fmtBytes(available)} is available: free memory or use a larger machine`);
    }

    const snapDecoder = plans.some((p) => p.snap) ? (deps.snapDecoder ?? builtInSnapDecoder) : undefined;
    for (const plan of plans) {
      if (deps.signal?.aborted) break;
      progress?.phase?.(plan.name, 'sealing', 'regenerating the key (full SDR), then decoding');
      try {
        const r = await unsealSector({
          plan,
          workDir: join(tempRoot, `unseal-${sectorName(miner.id, plan.sector)}`),
          sealingResult,
          output: args.out !== undefined ? { kind: 'raw', path: expandHome(args.out) } : { kind: 'unsealed-dir', dir: expandHome(args.unsealedDir!) },
          settings,
          ...(snapDecoder ? { snapDecoder } : {}),
          keepWork: args.keepKey ?? false,
          onNotice: log,
          ...(progress?.progress ? { onProgress: (p) => progress.progress!(plan.name, p) } : {}),
          ...(deps.signal ? { signal: deps.signal } : {}),
        });
        progress?.phase?.(plan.name, 'done', r.output);
        results.push({
          ...who(plan.sector),
          status: 'unsealed',
          kind: r.kind,
          checked: r.checked,
          written: [r.output],
          bytes: String(r.bytes),
          pieces: r.pieces.map((p) => p.pieceCid),
          ...(r.note ? { note: r.note } : {}),
        });
      } catch (e) {
        if (isCancelled(e)) break;
        results.push(failure(who(plan.sector), e));
      }
    }
  } finally {
    progress?.stop();
    await source.close();
  }
  // in the order asked for
  const order = new Map(numbers.map((n, i) => [String(n), i]));
  results.sort((a, b) => (order.get(a.sector) ?? 0) - (order.get(b.sector) ?? 0));
  if (args.json) deps.stdout.write(`${JSON.stringify({ sectors: results }, null, 2)}\n`);
  else for (const r of results) deps.stdout.write(renderOutcome(r));
  if (deps.signal?.aborted) return 'interrupted';
  return results.length > 0 && results.every((r) => r.status === 'unsealed') ? 'ok' : 'incomplete';
}

/** One sector's line in the report (`--json`: `{ sectors: [...] }`). */
export interface SectorOutcome {
  readonly miner: string;
  readonly sector: string;
  /** damaged = the replica does not decode (a node is named when it can be); mismatch = the key is not this replica's */
  readonly status: 'unsealed' | 'damaged' | 'mismatch' | 'failed';
  readonly kind?: 'deal' | 'cc' | 'snapped';
  readonly checked?: { readonly what: 'comm_d' | 'piece'; readonly cid: string };
  readonly written?: readonly string[];
  /** bytes written: raw piece bytes, or the unsealed file with its trailer */
  readonly bytes?: string;
  readonly pieces?: readonly string[];
  readonly note?: string;
  readonly reason?: string;
  readonly errorKind?: string;
  readonly badNodes?: readonly { readonly node: string; readonly offset: string; readonly why: string }[];
}

function failure(base: { miner: string; sector: string }, e: unknown): SectorOutcome {
  const kind = errorKind(e);
  if (kind === 'usage' || kind === 'io' || kind === 'internal') throw e;
  return {
    ...base,
    status: kind === 'corruption' ? 'damaged' : kind === 'mismatch' ? 'mismatch' : 'failed',
    reason: asError(e).message,
    errorKind: kind,
    ...(e instanceof UnsealCheckError && e.badNodes.length
      ? { badNodes: e.badNodes.map((n) => ({ node: String(n.node), offset: String(n.offset), why: n.why })) }
      : {}),
  };
}

function renderOutcome(r: SectorOutcome): string {
  if (r.status === 'unsealed')
    return `${r.miner} sector ${r.sector}: unsealed (${r.kind}; checked against ${r.checked!.what} ${r.checked!.cid}) → ${r.written!.join(', ')} (${r.bytes} bytes)${r.note ? `\n  ${r.note}` : ''}\n`;
  return `${r.miner} sector ${r.sector}: ${r.status.toUpperCase()}: ${r.reason}\n`;
}

export const unsealCommand = defineCommand<UnsealArgs>({
  command: 'unseal [numbers..]',
  describe:
    'Get deal data back from a sealed replica whose unsealed copy is lost: regenerate the key (the FULL SDR, hours for a 32GiB sector, even for one piece), decode, check against comm_d and the piece CIDs, write raw piece bytes or a lotus unsealed file',
  interruptNotice: 'sealer-recover unseal: stopping; the next run resumes the key',
  builder: (y: Argv) =>
    sourceOptions(y, 'sector records (ticket, proof, pieces)')
      .positional('numbers', { type: 'string', array: true, describe: 'sector numbers to unseal' })
      .option('sectors', { alias: 'sector', type: 'string', array: true, describe: 'sector number (repeatable)' })
      .option('miner', { type: 'string', describe: 'miner ID address (needed with a Lotus node)' })
      .option('sealing-result', { type: 'string', default: '~/sector', describe: 'storage path holding sealed/ (or update/ for snapped sectors)' })
      .option('sealing-temp', { type: 'string', default: '~/temp', describe: 'scratch space for the key: every SDR layer (layers × sector size) plus 3 × sector size' })
      .option('piece', { type: 'string', describe: 'only this piece (piece CID): only its nodes are decoded, but the key still needs the full SDR' })
      .option('out', { type: 'string', describe: 'write the piece\'s raw unpadded bytes to this file (with --piece)' })
      .option('unsealed-dir', { type: 'string', describe: 'write lotus\'s unsealed file <dir>/unsealed/s-t0M-N (padded data + allocation trailer) for lotus/boost/curio' })
      .option('keep-key', { type: 'boolean', default: false, describe: 'keep the regenerated layers in --sealing-temp after success' })
      .option('json', { type: 'boolean', default: false, describe: 'print the results as JSON on stdout' }) as Argv,
  run: runUnseal,
});
