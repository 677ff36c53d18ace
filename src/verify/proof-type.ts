// Which registered seal proof a sector on disk was sealed with. The files only show the size
// class: V1, V1_1, SyntheticPoRep and NI-PoRep sectors of one size have identical files after
// finalize (their graphs differ, but tree-r-last, p_aux and comm_r do not depend on the graph —
// docs/proofs.md#api-versions-and-features). So without a chain record we assume V1_1 and say so; nothing verify checks
// depends on that choice.
import { SEAL_PROOFS, sealProofForSize, type SealProof } from '../proofs/registry.js';

export interface ProofChoice {
  readonly proof: SealProof;
  /** set when the version was assumed rather than read from the chain or an export file */
  readonly assumption?: string;
}

const SIZES = [...new Set(SEAL_PROOFS.map((p) => p.sectorBytes))];

/**
 * From the chain's/export's proof when known, else from the sealed file's size, else from the
 * t_aux label size (N nodes of 32 bytes). Returns undefined when none of them names a sector size.
 */
export function chooseProof(o: { recorded?: SealProof; sealedBytes?: bigint; tAuxNodes?: bigint }): ProofChoice | undefined {
  if (o.recorded) return { proof: o.recorded };
  const bytes =
    o.sealedBytes !== undefined && SIZES.includes(o.sealedBytes)
      ? { v: o.sealedBytes, from: 'sealed file size' }
      : o.tAuxNodes !== undefined && SIZES.includes(o.tAuxNodes * 32n)
        ? { v: o.tAuxNodes * 32n, from: 't_aux layer size' }
        : undefined;
  if (!bytes) return undefined;
  const proof = sealProofForSize(bytes.v, 'V1_1_0');
  return {
    proof,
    assumption: `${proof.sizeName} from the ${bytes.from}; V1_1 assumed (V1, V1_1, SyntheticPoRep and NI-PoRep sectors of this size have identical finalized files — give a chain source to know)`,
  };
}
