//! Commitment <-> CID (go-fil-commcid). Computed with the `cid`/`multihash` crates so the
//! vectors carry CIDs from an implementation independent of the TypeScript `multiformats` one.

use cid::{multihash::Multihash, Cid};

const FIL_COMMITMENT_UNSEALED: u64 = 0xf101;
const FIL_COMMITMENT_SEALED: u64 = 0xf102;
const SHA2_256_TRUNC254_PADDED: u64 = 0x1012;
const POSEIDON_BLS12_381_A2_FC1: u64 = 0xb401;

fn cid(codec: u64, mh: u64, digest: &[u8; 32]) -> String {
    let hash = Multihash::<64>::wrap(mh, digest).expect("32-byte digest fits");
    Cid::new_v1(codec, hash).to_string()
}

pub fn comm_d_cid(comm: &[u8; 32]) -> String {
    cid(FIL_COMMITMENT_UNSEALED, SHA2_256_TRUNC254_PADDED, comm)
}

pub fn comm_r_cid(comm: &[u8; 32]) -> String {
    cid(FIL_COMMITMENT_SEALED, POSEIDON_BLS12_381_A2_FC1, comm)
}
