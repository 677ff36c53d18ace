// `sealer-recover commr`: the identities and commitments of one sector that need no sealing
// (porep_id, prover_id, comm_d, replica_id), plus — by sealing the sector in a scratch directory —
// comm_c, comm_r_last and the CommR CID.
import type { Argv } from 'yargs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asSectorNumber, cidToCommD, cidToCommP, commDToCid, commRToCid, computeCommD, formatIdAddress, fromHex, asCommitment, parseMinerAddress, parseTicket, proverId, replicaId, sealProof, toHex, type ActorId, type Commitment, type PieceInfo, type PorepId, type ProverId, type ReplicaId, type SealProof, type SectorNumber, type Ticket } from '../../proofs/index.js';
import { InputError } from '../../errors.js';
import type { ProofsSettings } from '../../sector/settings.js';
import { gpuOptionSpec, settingsArg, treeBuilderArg } from '../args.js';
import type { TreeBuilder } from '../../seal/tree-builder.js';
import { defineCommand, type CliDeps, type Outcome } from '../command.js';

export interface CommrInputs {
  readonly proof: SealProof;
  readonly miner: ActorId;
  readonly sector: SectorNumber;
  readonly ticket: Ticket;
  readonly pieces: readonly PieceInfo[];
  readonly commD: Commitment;
  /** where comm_d came from: CC (no pieces), the --piece list, or --comm-d */
  readonly commDSource: 'cc' | 'pieces' | 'given';
}

export interface SectorIdentities {
  readonly proverId: ProverId;
  readonly porepId: PorepId;
  readonly replicaId: ReplicaId;
}

export interface SealCommitments {
  readonly commC: Commitment;
  readonly commRLast: Commitment;
  readonly commR: Commitment;
}

export interface SealOptions {
  /** fr32-padded staged sector for data sectors; CC needs none */
  readonly stagedPath?: string;
  /** scratch directory; default a fresh dir under the OS temp dir, removed afterwards */
  readonly workDir?: string;
  /** FIL_PROOFS_* settings; default this process's */
  readonly settings?: ProofsSettings;
  readonly signal?: AbortSignal;
  /** who builds tree-c and tree-r-last (docs/gpu.md); default the CPU */
  readonly treeBuilder?: TreeBuilder;
}

/**
 * Seals the sector in a scratch directory to obtain comm_c, comm_r_last and comm_r. A data sector
 * needs its staged bytes (--staged); the --piece list only carries commitments.
 */
export async function sealCommitments(inputs: CommrInputs, ids: SectorIdentities, o: SealOptions = {}): Promise<SealCommitments> {
  const isCc = toHex(inputs.commD) === toHex(computeCommD(inputs.proof, []));
  if (!isCc && !o.stagedPath) {
    throw new InputError('this is a data sector (its comm_d is not the CC one): pass its fr32-padded staged sector with --staged <file>, or --no-seal');
  }
  const { sealSector } = await import('../../seal/seal.js');
  const work = o.workDir ?? (await mkdtemp(join(tmpdir(), 'sealer-recover-commr-')));
  try {
    return await sealSector({
      proof: inputs.proof,
      replicaId: ids.replicaId,
      commD: inputs.commD,
      stagedPath: isCc && !o.stagedPath ? null : o.stagedPath!,
      cacheDir: join(work, 'cache'),
      sealedPath: join(work, 'sealed'),
      ...(o.settings ? { settings: o.settings } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.treeBuilder ? { treeBuilder: o.treeBuilder } : {}),
    });
  } finally {
    if (!o.workDir) await rm(work, { recursive: true, force: true });
  }
}

interface CommrArgs {
  proof: string;
  miner: string;
  sector: string;
  ticket: string;
  'comm-d'?: string;
  piece?: string[];
  json?: boolean;
  seal?: boolean;
  staged?: string;
  'work-dir'?: string;
  gpu?: string;
}

/** `<piece cid>:<padded size>`, e.g. `baga6ea4seaq…:2048`. */
export function parsePieceArg(text: string, index: number): PieceInfo {
  const at = text.lastIndexOf(':');
  if (at <= 0) throw new InputError(`--piece ${index + 1} "${text}" must be <piece CID>:<padded size>, e.g. baga6ea4seaq…:2048`);
  const sizeText = text.slice(at + 1).trim();
  if (!/^\d+$/.test(sizeText)) {
    throw new InputError(`--piece ${index + 1} "${text}": the padded size "${sizeText}" is not a whole number of bytes`);
  }
  try {
    return { commP: cidToCommP(text.slice(0, at)), size: BigInt(sizeText) };
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`--piece ${index + 1}: ${e.message}`);
    throw e;
  }
}

/** --comm-d as a CID (baga6ea4seaq…) or 64 hex digits. */
function parseCommD(text: string): Commitment {
  const s = text.trim();
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(s)) return asCommitment(fromHex(s, '--comm-d'), '--comm-d');
  return cidToCommD(s);
}

export function resolveInputs(a: CommrArgs): CommrInputs {
  const proof = sealProof(a.proof);
  const miner = parseMinerAddress(a.miner);
  const sector = asSectorNumber(String(a.sector));
  const ticket = parseTicket(a.ticket);
  const pieces = (a.piece ?? []).map((p, i) => parsePieceArg(String(p), i));
  const fromPieces = pieces.length ? computeCommD(proof, pieces) : undefined;
  const given = a['comm-d'] !== undefined ? parseCommD(a['comm-d']) : undefined;
  if (given && fromPieces && toHex(given) !== toHex(fromPieces)) {
    throw new InputError(
      `the pieces give comm_d ${commDToCid(fromPieces)} but --comm-d is ${commDToCid(given)}: the piece list (order, sizes, fillers) is not this sector's`,
    );
  }
  const commD = given ?? fromPieces ?? computeCommD(proof, []);
  const commDSource = given ? 'given' : fromPieces ? 'pieces' : 'cc';
  return { proof, miner, sector, ticket, pieces, commD, commDSource };
}

export function identitiesOf(i: CommrInputs): SectorIdentities {
  const prover = proverId(i.miner);
  return { proverId: prover, porepId: i.proof.porepId, replicaId: replicaId(prover, i.sector, i.ticket, i.commD, i.proof.porepId) };
}

function render(i: CommrInputs, ids: SectorIdentities, sealed: SealCommitments | undefined, json: boolean): string {
  const commDCid = commDToCid(i.commD).toString();
  if (json) {
    const sector = i.sector <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(i.sector) : i.sector.toString();
    return `${JSON.stringify(
      {
        proof: { id: i.proof.id, name: i.proof.name },
        miner: formatIdAddress(i.miner),
        sector,
        ticket: toHex(i.ticket),
        proverId: toHex(ids.proverId),
        porepId: toHex(ids.porepId),
        commD: { hex: toHex(i.commD), cid: commDCid, source: i.commDSource },
        replicaId: toHex(ids.replicaId),
        commC: sealed ? toHex(sealed.commC) : null,
        commRLast: sealed ? toHex(sealed.commRLast) : null,
        commR: sealed ? { hex: toHex(sealed.commR), cid: commRToCid(sealed.commR).toString() } : null,
      },
      null,
      2,
    )}\n`;
  }
  const source = { cc: 'CC, no pieces', pieces: `from ${i.pieces.length} piece(s)`, given: 'from --comm-d' }[i.commDSource];
  const rows: [string, string][] = [
    ['proof', `${i.proof.name} (id ${i.proof.id})`],
    ['miner', formatIdAddress(i.miner)],
    ['sector', i.sector.toString()],
    ['ticket', toHex(i.ticket)],
    ['prover_id', toHex(ids.proverId)],
    ['porep_id', toHex(ids.porepId)],
    ['comm_d', `${toHex(i.commD)} (${source})`],
    ['comm_d_cid', commDCid],
    ['replica_id', toHex(ids.replicaId)],
  ];
  if (sealed) {
    rows.push(['comm_c', toHex(sealed.commC)], ['comm_r_last', toHex(sealed.commRLast)]);
    rows.push(['comm_r', toHex(sealed.commR)], ['comm_r_cid', commRToCid(sealed.commR).toString()]);
  } else {
    rows.push(['comm_r', 'not computed (pass --seal to seal the sector and compute it)']);
  }
  return rows.map(([k, v]) => `${k.padEnd(12)}${v}\n`).join('');
}

export async function runCommr(argv: CommrArgs, deps: CliDeps): Promise<Outcome> {
  const inputs = resolveInputs(argv);
  const ids = identitiesOf(inputs);
  const seal = argv.seal ?? inputs.proof.sectorBytes <= 8n << 20n;
  const treeBuilder = seal ? await treeBuilderArg(argv.gpu, deps.env, (line) => void deps.stderr.write(`sealer-recover: ${line}\n`)) : undefined;
  let sealed;
  try {
    sealed = seal
      ? await sealCommitments(inputs, ids, {
          stagedPath: argv.staged,
          workDir: argv['work-dir'],
          settings: settingsArg(deps.env),
          ...(deps.signal ? { signal: deps.signal } : {}),
          ...(treeBuilder ? { treeBuilder } : {}),
        })
      : undefined;
  } finally {
    treeBuilder?.close();
  }
  deps.stdout.write(render(inputs, ids, sealed, argv.json === true));
  return 'ok';
}

export const commrCommand = defineCommand<CommrArgs>({
  command: 'commr',
  describe: 'Print replica_id, comm_d and (with the native core) comm_c, comm_r_last and the CommR CID',
  interruptNotice: 'sealer-recover commr: stopping',
  builder: (y: Argv) =>
    y
      .option('proof', { type: 'string', demandOption: true, describe: 'seal proof: id 0–19 or name, e.g. StackedDrg32GiBV1_1' })
      .option('miner', { type: 'string', demandOption: true, describe: 'miner ID address, e.g. f01000' })
      .option('sector', { type: 'string', demandOption: true, describe: 'sector number' })
      .option('ticket', { type: 'string', demandOption: true, describe: '32-byte seal ticket, hex or base64' })
      .option('comm-d', { type: 'string', describe: 'unsealed CID (baga6ea4seaq…) or hex; default: from --piece, else CC' })
      .option('piece', { type: 'string', array: true, describe: '<piece CID>:<padded size>, in sector order (repeatable)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .option('seal', {
        type: 'boolean',
        describe: 'seal in a scratch dir to get comm_c, comm_r_last, comm_r (default: on up to 8MiB; hours for 32GiB)',
      })
      .option('staged', { type: 'string', describe: 'fr32-padded staged sector file (data sectors)' })
      .option('work-dir', { type: 'string', describe: 'keep the sealing scratch files here instead of a temp dir' })
      .option('gpu', { ...gpuOptionSpec, describe: `with --seal: ${gpuOptionSpec.describe}` }) as Argv,
  run: runCommr,
});
