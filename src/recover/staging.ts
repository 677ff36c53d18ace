// Deal sectors: lay the raw pieces out as rust's add_piece would (fr32-padded, each aligned to its
// own size, zeros between and after) into the staged file PC1 reads, after proving each file is the
// piece the chain names (its commP equals the piece CID's digest).
import { open, readFile, stat } from 'node:fs/promises';
import { commP } from '../proofs/comm-p.js';
import { fr32Pad } from '../proofs/fr32.js';
import { stagedLayout } from '../proofs/piece-layout.js';
import { toHex } from '../proofs/types.js';
import type { SealProof } from '../proofs/registry.js';
import type { PlannedPiece } from './plan.js';
import { PlanError } from './plan.js';

/** Pieces are hashed in memory; larger ones need a streaming commP (not built yet). */
export const MAX_IN_MEMORY_PIECE = 1n << 30n;

export async function stagePieces(proof: SealProof, pieces: readonly PlannedPiece[], stagedPath: string, who: string): Promise<void> {
  const layout = stagedLayout(proof.sectorBytes, pieces.map((p) => p.size));
  const fh = await open(stagedPath, 'w');
  try {
    for (const [i, p] of pieces.entries()) {
      if (p.path === null) continue; // zero filler: the file is zero there already
      const unpaddedMax = (p.size * 127n) / 128n;
      const size = BigInt((await stat(p.path)).size);
      if (size > unpaddedMax) {
        throw new PlanError(`${who}: piece file ${p.path} has ${size} bytes, more than the ${unpaddedMax} a ${p.size}-byte piece holds`);
      }
      if (size > MAX_IN_MEMORY_PIECE) throw new PlanError(`${who}: piece ${p.path} is larger than 1 GiB; streaming commP is not implemented yet`);
      // The piece is zero-padded to its full unpadded size, as lotus does before hashing.
      const raw = new Uint8Array(Number(unpaddedMax));
      raw.set(await readFile(p.path));
      const got = commP(raw);
      if (Buffer.compare(got.commP, p.commP) !== 0 || got.size !== p.size) {
        throw new PlanError(
          `${who}: piece file ${p.path} has commP ${toHex(got.commP)} (${got.size} B) but the chain names ${p.pieceCid} (${toHex(p.commP)}, ${p.size} B): wrong or corrupted piece data`,
        );
      }
      await fh.write(fr32Pad(raw), 0, undefined, Number(layout.pieces[i]!.paddedOffset));
    }
    await fh.truncate(Number(proof.sectorBytes));
    await fh.sync();
  } finally {
    await fh.close();
  }
}
