// One plan per sector: what to seal (proof, ticket, data source, comm_d, replica_id), where
// (working dir under --sealing-temp) and what the chain expects (CommR). Everything that can be
// checked without sealing is checked here, so a run refuses bad inputs before spending hours.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { toHex, type Commitment, type ReplicaId, type SectorNumber, type Ticket } from '../proofs/types.js';
import { InputError } from '../errors.js';
import type { SealProof } from '../proofs/registry.js';
import { proverId } from '../proofs/address.js';
import { replicaId } from '../proofs/replica-id.js';
import { zeroCommitment } from '../proofs/zero-commitments.js';
import { computeCommD, type PieceInfo } from '../proofs/comm-d.js';
import { cidToCommD } from '../proofs/cid.js';
import { stagedLayout } from '../proofs/piece-layout.js';
import { formatMinerAddress, type MinerAddress } from '../chain/address.js';
import { sectorName } from '../sector/storage-layout.js';
import type { SectorRecord } from '../records/record.js';

export interface PlannedPiece {
  readonly size: bigint;
  readonly pieceCid: string;
  readonly commP: Commitment;
  /** raw (unpadded) piece bytes; null for a zero filler piece */
  readonly path: string | null;
}

export type DataSource =
  | { readonly kind: 'cc' }
  | { readonly kind: 'pieces'; readonly pieces: readonly PlannedPiece[] }
  /** a lotus unsealed copy: fr32-padded sector data (a trailer past sector size is ignored, as rust does) */
  | { readonly kind: 'unsealed'; readonly path: string };

/**
 * A SnapDeals-upgraded sector (docs/snap.md#recovery): the plan's seal part rebuilds the CC sector
 * key (checked against SectorKeyCID); this part encodes the new data into it (checked against SealedCID).
 */
export interface UpdatePlan {
  /** the chain's SealedCID: the updated replica's CommR */
  readonly sealedCid: string;
  readonly expectedCommR: Commitment;
  /** comm_d of the new data */
  readonly commD: Commitment;
  readonly data: Exclude<DataSource, { readonly kind: 'cc' }>;
}

export interface SectorPlan {
  readonly miner: MinerAddress;
  readonly sector: SectorNumber;
  /** s-t0<miner>-<n> */
  readonly name: string;
  readonly proof: SealProof;
  readonly ticket: Ticket;
  readonly sealedCid: string;
  readonly expectedCommR: Commitment;
  readonly commD: Commitment;
  readonly replicaId: ReplicaId;
  readonly data: DataSource;
  readonly workDir: string;
  /** keep layers/tree-c/tree-d in the published cache: the sector still needs ProveCommit */
  readonly keepPrecommitFiles: boolean;
  /** set for a snapped sector: then sealedCid / expectedCommR above are the sector key's (SectorKeyCID) */
  readonly update?: UpdatePlan;
}

export interface PlanOptions {
  readonly tempRoot: string;
  readonly pieceDir?: string;
  /** a directory holding lotus unsealed copies named s-t0<miner>-<n> */
  readonly unsealedDir?: string;
  /** --keep-precommit-files: for every sector, not only those known to be pre-committed only */
  readonly keepPrecommitFiles?: boolean;
}

/** The sector cannot be planned; the message names the sector and what to supply. */
export class PlanError extends InputError {
  override name = 'PlanError';
}

const exists = (p: string) => access(p).then(() => true, () => false);

/**
 * Chain deals list only the deal pieces; lotus also seals zero filler pieces up to the sector end
 * (storage/pipeline/utils.go fillersFromRem: ascending powers of two), and rust's compute_comm_d
 * does not pad a short list (rfp filecoin-proofs/src/pieces.rs), so add them back. Gaps between
 * pieces are filled by compute_comm_d itself.
 */
export function fillToSector(sectorBytes: bigint, pieces: readonly PieceInfo[]): PieceInfo[] {
  const out = [...pieces];
  if (!out.length) return out;
  let rem = sectorBytes - stagedLayout(sectorBytes, out.map((p) => p.size)).usedBytes;
  for (let bit = 1n; rem > 0n; bit <<= 1n) {
    if (rem & bit) {
      out.push({ size: bit, commP: zeroCommitment(bit) });
      rem ^= bit;
    }
  }
  return out;
}

const isZeroPiece = (size: bigint, commP: Commitment): boolean => Buffer.compare(commP, zeroCommitment(size)) === 0;

/** Where a sector's data comes from and its comm_d (the chain's UnsealedCID, or from its pieces). */
async function planData(rec: SectorRecord, opts: PlanOptions, who: string, name: string): Promise<{ data: DataSource; commD: Commitment }> {
  const zero = zeroCommitment(rec.proof.sectorBytes);
  // A sector whose comm_d is the all-zero tree holds no data, whatever filler pieces were listed.
  const listed = (rec.pieces ?? []).filter((p) => !isZeroPiece(p.size, cidToCommD(p.pieceCid)));
  const chainCommD = rec.unsealedCid
    ? cidToCommD(rec.unsealedCid)
    : listed.length
      ? computeCommD(rec.proof, fillToSector(rec.proof.sectorBytes, (rec.pieces ?? []).map((p) => ({ size: p.size, commP: cidToCommD(p.pieceCid) }))))
      : zero;
  if (Buffer.compare(chainCommD, zero) === 0) return { data: { kind: 'cc' }, commD: zero };
  const unsealed = opts.unsealedDir ? join(opts.unsealedDir, name) : undefined;
  if (unsealed && (await exists(unsealed))) {
    // comm_d of this copy is checked by the sealer's tree-d stage before labeling (snap: before encoding).
    return { data: { kind: 'unsealed', path: unsealed }, commD: chainCommD };
  }
  if (opts.pieceDir && rec.pieces && rec.pieces.length > 0) {
    return { data: { kind: 'pieces', pieces: await planPieces(rec, chainCommD, opts.pieceDir, who) }, commD: chainCommD };
  }
  const missing = !rec.pieces?.length
    ? 'the recovery metadata lists no pieces for it (export it from a node that still has its deals, or use --metadata-store)'
    : 'no --piece-dir was given';
  throw new PlanError(
    `${who} holds deal data (UnsealedCID ${rec.unsealedCid ?? '(from pieces)'}) and ${missing}: pass --piece-dir <dir with raw piece files named by piece CID>` +
      (opts.unsealedDir ? ` or put its unsealed copy at ${unsealed}` : ' or --unsealed <dir holding its unsealed copy s-t0…>'),
  );
}

export async function planSector(rec: SectorRecord, miner: MinerAddress, opts: PlanOptions): Promise<SectorPlan> {
  const who = `sector ${rec.sectorNumber} of ${formatMinerAddress(miner)}`;
  const name = sectorName(miner.id, rec.sectorNumber);
  let update: UpdatePlan | undefined;
  let keyData: { data: DataSource; commD: Commitment };
  if (rec.sectorKey) {
    // The sector key is always a CC replica; the record's data is the update's.
    keyData = { data: { kind: 'cc' }, commD: zeroCommitment(rec.proof.sectorBytes) };
    const u = await planData(rec, opts, `${who} (snap-upgraded)`, name);
    if (u.data.kind === 'cc') {
      throw new PlanError(
        `${who} is snap-upgraded (SectorKeyCID ${rec.sectorKey.cid}) but its records describe no new data (no UnsealedCID, no deal pieces): ` +
          'export it again with its deals, or add UnsealedCID / Pieces for it to the recovery metadata',
      );
    }
    update = { sealedCid: rec.sealedCid, expectedCommR: rec.commR, commD: u.commD, data: u.data };
  } else {
    keyData = await planData(rec, opts, who, name);
  }
  const { data, commD } = keyData;
  return {
    miner,
    sector: rec.sectorNumber,
    name,
    proof: rec.proof,
    ticket: rec.ticket,
    sealedCid: rec.sectorKey ? rec.sectorKey.cid : rec.sealedCid,
    expectedCommR: rec.sectorKey ? rec.sectorKey.commR : rec.commR,
    commD,
    replicaId: replicaId(proverId(miner.id), rec.sectorNumber, rec.ticket, commD, rec.proof.porepId),
    data,
    workDir: join(opts.tempRoot, name),
    keepPrecommitFiles: (opts.keepPrecommitFiles ?? false) || rec.preCommitOnly === true,
    ...(update ? { update } : {}),
  };
}

async function planPieces(rec: SectorRecord, chainCommD: Commitment, pieceDir: string, who: string): Promise<PlannedPiece[]> {
  const planned: PlannedPiece[] = [];
  for (const [i, p] of (rec.pieces ?? []).entries()) {
    const commP = cidToCommD(p.pieceCid);
    if (isZeroPiece(p.size, commP)) {
      // lotus filler pieces: zeros, nothing to read
      planned.push({ size: p.size, pieceCid: p.pieceCid, commP, path: null });
      continue;
    }
    const path = join(pieceDir, p.pieceCid);
    if (!(await exists(path))) {
      throw new PlanError(`${who}: piece ${i} (${p.pieceCid}, ${p.size} B padded) is not in --piece-dir: expected the raw piece data at ${path}`);
    }
    planned.push({ size: p.size, pieceCid: p.pieceCid, commP, path });
  }
  const infos: PieceInfo[] = planned.map((p) => ({ size: p.size, commP: p.commP }));
  const got = computeCommD(rec.proof, fillToSector(rec.proof.sectorBytes, infos));
  if (Buffer.compare(got, chainCommD) !== 0) {
    throw new PlanError(
      `${who}: its ${planned.length} piece(s) give comm_d ${toHex(got)} but the chain's UnsealedCID is ${toHex(chainCommD)} ` +
        `(${rec.unsealedCid}); the piece list (order, sizes, CIDs) does not describe this sector`,
    );
  }
  return planned;
}
