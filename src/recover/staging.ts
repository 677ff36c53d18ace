// Deal sectors: lay the raw pieces out as rust's add_piece would (fr32-padded, each aligned to its
// own size, zeros between and after) into the staged file PC1 reads, after proving each file is the
// piece the chain names (its commP equals the piece CID's digest). Pieces are streamed, never held
// in memory.
import { open, stat } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { commPOfStream } from '../proofs/comm-p-stream.js';
import { Fr32PadStream } from '../proofs/fr32.js';
import { stagedLayout } from '../proofs/piece-layout.js';
import { toHex } from '../proofs/types.js';
import type { SealProof } from '../proofs/registry.js';
import type { PlannedPiece } from './plan.js';
import { PlanError } from './plan.js';

export async function stagePieces(proof: SealProof, pieces: readonly PlannedPiece[], stagedPath: string, who: string): Promise<void> {
  const layout = stagedLayout(proof.sectorBytes, pieces.map((p) => p.size));
  // Zero-filled sector-size file first: gaps and filler pieces stay zero.
  const fh = await open(stagedPath, 'w');
  await fh.truncate(Number(proof.sectorBytes));
  await fh.close();
  for (const [i, p] of pieces.entries()) {
    if (p.path === null) continue; // zero filler
    const unpaddedMax = (p.size * 127n) / 128n;
    const size = BigInt((await stat(p.path)).size);
    if (size > unpaddedMax) {
      throw new PlanError(`${who}: piece file ${p.path} has ${size} bytes, more than the ${unpaddedMax} a ${p.size}-byte piece holds`);
    }
    // A short file is zero-extended to the piece size, as lotus pads it before hashing.
    const got = await commPOfStream(createReadStream(p.path), { paddedSize: p.size });
    if (Buffer.compare(got.commP, p.commP) !== 0 || got.size !== p.size) {
      throw new PlanError(
        `${who}: piece file ${p.path} has commP ${toHex(got.commP)} (${got.size} B) but the chain names ${p.pieceCid} (${toHex(p.commP)}, ${p.size} B): wrong or corrupted piece data`,
      );
    }
    await pipeline(createReadStream(p.path), new Fr32PadStream(), createWriteStream(stagedPath, { flags: 'r+', start: Number(layout.pieces[i]!.paddedOffset) }));
  }
  const sync = await open(stagedPath, 'r+');
  try {
    await sync.sync();
  } finally {
    await sync.close();
  }
}
