// What unsealing one sector needs, worked out from its record before any work: the comm_d the data
// must hash to, where each piece sits in the padded sector (docs/unseal.md#pieces), the replica id the
// key is labeled with, and the replica file under the sealing result (sealed/ or, snapped, update/).
import { access } from 'node:fs/promises';
import { InputError, UsageError } from '../errors.js';
import type { SealProof } from '../proofs/registry.js';
import { proverId } from '../proofs/address.js';
import { replicaId } from '../proofs/replica-id.js';
import { zeroCommitment } from '../proofs/zero-commitments.js';
import { computeCommD } from '../proofs/comm-d.js';
import { cidToCommD } from '../proofs/cid.js';
import { stagedLayout } from '../proofs/piece-layout.js';
import { toHex, type Commitment, type ReplicaId, type SectorNumber, type Ticket } from '../proofs/types.js';
import { formatMinerAddress, type MinerAddress } from '../chain/address.js';
import { fillToSector } from '../recover/plan.js';
import type { SectorRecord } from '../records/record.js';
import { sectorName, storagePaths } from '../sector/storage-layout.js';

export interface UnsealPiece {
  readonly index: number;
  readonly pieceCid: string;
  readonly commP: Commitment;
  /** where the fr32-padded piece starts in the sector */
  readonly paddedOffset: bigint;
  readonly paddedSize: bigint;
  /** a zero filler (lotus pads a sector with them): its bytes must decode to zeros */
  readonly filler: boolean;
}

export interface UnsealPlan {
  readonly miner: MinerAddress;
  readonly sector: SectorNumber;
  readonly name: string;
  readonly proof: SealProof;
  readonly ticket: Ticket;
  /** comm_d of the data (UnsealedCID); Z(sector) for a CC sector */
  readonly commD: Commitment;
  readonly cc: boolean;
  /** pieces in sector order, the lotus zero fillers included; empty for CC */
  readonly pieces: readonly UnsealPiece[];
  /** replica id of the SDR that produced the key: the sector's own, or for a snapped sector its CC key's */
  readonly keyReplicaId: ReplicaId;
  /** sealed/s-t0M-N, or update/s-t0M-N for a snapped sector */
  readonly replicaPath: string;
  /** set for a snapped sector: the CommR of its key (SectorKeyCID), which rho is derived from */
  readonly snap?: { readonly commROld: Commitment; readonly sectorKeyCid: string };
  /** the pieces whose bytes are asked for (--piece), or all */
  readonly wanted: readonly UnsealPiece[];
  /** --piece: decode only that piece's nodes */
  readonly pieceOnly: boolean;
}

const exists = (p: string) => access(p).then(() => true, () => false);

/** The plan for one sector, or an InputError naming what is missing. */
export async function planUnseal(
  rec: SectorRecord,
  miner: MinerAddress,
  opts: { readonly sealingResult: string; readonly piece?: string },
): Promise<UnsealPlan> {
  const who = `sector ${rec.sectorNumber} of ${formatMinerAddress(miner)}`;
  const name = sectorName(miner.id, rec.sectorNumber);
  const zero = zeroCommitment(rec.proof.sectorBytes);
  const listed = (rec.pieces ?? []).map((p) => ({ size: p.size, pieceCid: p.pieceCid, commP: cidToCommD(p.pieceCid) }));
  const commD = rec.unsealedCid
    ? cidToCommD(rec.unsealedCid)
    : listed.length
      ? computeCommD(rec.proof, fillToSector(rec.proof.sectorBytes, listed))
      : zero;
  const cc = Buffer.compare(commD, zero) === 0;

  let pieces: UnsealPiece[] = [];
  if (!cc) {
    if (!listed.length)
      throw new InputError(
        `${who} holds data (UnsealedCID ${rec.unsealedCid}) but the records list no pieces for it: export the records from a node that still has its deals, or use --metadata-store`,
      );
    const filled = fillToSector(rec.proof.sectorBytes, listed);
    const got = computeCommD(rec.proof, filled);
    if (Buffer.compare(got, commD) !== 0)
      throw new InputError(
        `${who}: its pieces give comm_d ${toHex(got)} but its UnsealedCID is ${toHex(commD)}; the piece list (order, sizes, CIDs) does not describe this sector`,
      );
    const layout = stagedLayout(rec.proof.sectorBytes, filled.map((p) => p.size));
    pieces = layout.pieces.map((l, i) => {
      const src = filled[i]!;
      const known = listed[i];
      const filler = !known || Buffer.compare(src.commP, zeroCommitment(src.size)) === 0;
      return {
        index: i,
        pieceCid: known?.pieceCid ?? `(zero filler ${src.size} B)`,
        commP: src.commP,
        paddedOffset: l.paddedOffset,
        paddedSize: l.paddedSize,
        filler,
      };
    });
  }

  let wanted = pieces.filter((p) => !p.filler);
  if (opts.piece !== undefined) {
    const want = cidToCommD(opts.piece);
    const hit = pieces.find((p) => !p.filler && Buffer.compare(p.commP, want) === 0);
    if (!hit)
      throw new InputError(
        `${who} does not hold piece ${opts.piece}; its pieces are: ${wanted.map((p) => p.pieceCid).join(', ') || '(none: a CC sector)'}`,
      );
    wanted = [hit];
  }

  const paths = storagePaths(opts.sealingResult, name);
  const snapped = rec.sectorKey !== undefined;
  const replicaPath = snapped ? paths.update : paths.sealed;
  if (!(await exists(replicaPath)))
    throw new InputError(
      `${who}: no ${snapped ? 'snapped replica' : 'sealed file'} at ${replicaPath}${snapped ? ' (a snap-upgraded sector is read from update/)' : ''}; --sealing-result must be the storage path holding ${snapped ? 'update/' : 'sealed/'}`,
    );
  const keyCommD = snapped ? zero : commD;
  return {
    miner,
    sector: rec.sectorNumber,
    name,
    proof: rec.proof,
    ticket: rec.ticket,
    commD,
    cc,
    pieces,
    keyReplicaId: replicaId(proverId(miner.id), rec.sectorNumber, rec.ticket, keyCommD, rec.proof.porepId),
    replicaPath,
    ...(rec.sectorKey ? { snap: { commROld: rec.sectorKey.commR, sectorKeyCid: rec.sectorKey.cid } } : {}),
    wanted,
    pieceOnly: opts.piece !== undefined,
  };
}

/** `--piece` needs one sector; `--out` writes one piece. */
export function checkOutputArgs(a: { piece?: string; out?: string; unsealedDir?: string; sectors: number }): void {
  if (a.out !== undefined && a.unsealedDir !== undefined) throw new UsageError('give --out <file> (raw piece bytes) or --unsealed-dir <dir> (lotus unsealed file), not both');
  if (a.out === undefined && a.unsealedDir === undefined) throw new UsageError('say where the data goes: --out <file> with --piece <pieceCID>, or --unsealed-dir <storage path>');
  if (a.out !== undefined && a.piece === undefined) throw new UsageError('--out writes one piece\'s raw bytes: name it with --piece <pieceCID> (or use --unsealed-dir for the whole sector)');
  if ((a.out !== undefined || a.piece !== undefined) && a.sectors !== 1) throw new UsageError(`--piece and --out work on one sector, ${a.sectors} were given`);
}
