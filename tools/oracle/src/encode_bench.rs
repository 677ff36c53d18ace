//! `encode-bench`: the reference's SnapDeals encode and decode timed on one sector, for bench/ to
//! set beside ours. The CC sector key is sealed first and the new data staged (neither timed).

use anyhow::Result;
use filecoin_proofs::{PaddedBytesAmount, PoRepConfig, UnpaddedBytesAmount};

use crate::{
    proofs::UpdateProof,
    seal::Case,
    snap::{self, SnapCase},
    stage::DataSpec,
};

pub struct BenchOutcome {
    pub proof: String,
    pub update_proof: String,
    pub encode_ms: u128,
    pub decode_ms: u128,
}

/// Seed of the benchmark's deal data (sha256-ctr, one full-sector piece).
pub const DATA_SEED: [u8; 32] = [0x5d; 32];

pub fn run(key: Case, cfg: &PoRepConfig) -> Result<BenchOutcome> {
    let sector = key.proof.sector_size;
    let unpadded = u64::from(UnpaddedBytesAmount::from(PaddedBytesAmount(sector)));
    let proof = key.proof.name.clone();
    let update_proof = UpdateProof::for_seal_proof(&key.proof).name;
    let case = SnapCase {
        key,
        pieces: vec![DataSpec::Generated { seed: DATA_SEED, unpadded_bytes: unpadded }],
        fill: false,
        extra_nodes: 0,
    };
    let out = snap::run(&case, cfg, false)?;
    Ok(BenchOutcome { proof, update_proof, encode_ms: out.encode_ms, decode_ms: out.decode_ms })
}
