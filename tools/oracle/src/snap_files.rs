//! `decode` and `remove-data`: the reference's SnapDeals decoding and key recovery on files
//! given on the command line (e.g. a replica our pipeline encoded), printing what it wrote.

use std::{fs::OpenOptions, path::Path};

use anyhow::Result;
use filecoin_hashers::poseidon::PoseidonHasher;
use filecoin_proofs::{decode_from, remove_encoded_data, with_shape, Commitment, MerkleTreeTrait};
use serde_json::{json, Value};

use crate::{
    files::{domain_hex, sha256_file},
    proofs::UpdateProof,
    samples,
    snap::update_config,
};

fn sized_output(path: &Path, len: u64) -> Result<()> {
    let f = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(path)?;
    f.set_len(len)?;
    Ok(())
}

pub struct DecodeArgs<'a> {
    pub update: &'a UpdateProof,
    pub replica: &'a Path,
    pub sector_key: &'a Path,
    pub key_cache: &'a Path,
    pub comm_d_new: Commitment,
    pub out: &'a Path,
}

/// decode_from(replica, sector key, key cache's p_aux) → out; returns {size, sha256}.
pub fn decode(a: &DecodeArgs<'_>) -> Result<Value> {
    with_shape!(a.update.sector_size, decode_shape, a)
}

fn decode_shape<Tree: 'static + MerkleTreeTrait<Hasher = PoseidonHasher>>(a: &DecodeArgs<'_>) -> Result<Value> {
    let (_, cfg) = update_config(a.update);
    sized_output(a.out, a.update.sector_size)?;
    decode_from::<Tree>(cfg, a.out, a.replica, a.sector_key, a.key_cache, a.comm_d_new)?;
    let (size, sha) = sha256_file(a.out)?;
    Ok(json!({"function": "filecoin_proofs::decode_from", "update_proof": a.update.name, "out": a.out.to_string_lossy(), "size": size, "sha256": sha}))
}

pub struct RemoveArgs<'a> {
    pub update: &'a UpdateProof,
    pub replica: &'a Path,
    /// the cache whose p_aux/t_aux describe the sector key (the reference's tests pass the key's
    /// own cache here)
    pub replica_cache: &'a Path,
    pub data: &'a Path,
    pub comm_d_new: Commitment,
    pub out_key: &'a Path,
    pub out_key_cache: &'a Path,
}

/// remove_encoded_data(replica, data) → out_key (+ tree-r-last, p_aux, t_aux in out_key_cache).
pub fn remove(a: &RemoveArgs<'_>) -> Result<Value> {
    with_shape!(a.update.sector_size, remove_shape, a)
}

fn remove_shape<Tree: 'static + MerkleTreeTrait<Hasher = PoseidonHasher>>(a: &RemoveArgs<'_>) -> Result<Value> {
    let (_, cfg) = update_config(a.update);
    sized_output(a.out_key, a.update.sector_size)?;
    std::fs::create_dir_all(a.out_key_cache)?;
    remove_encoded_data::<Tree>(cfg, a.out_key, a.out_key_cache, a.replica, a.replica_cache, a.data, a.comm_d_new)?;
    let (size, sha) = sha256_file(a.out_key)?;
    let p_aux = samples::p_aux(a.out_key_cache)?;
    Ok(json!({"function": "filecoin_proofs::remove_encoded_data", "update_proof": a.update.name,
              "out_key": a.out_key.to_string_lossy(), "size": size, "sha256": sha,
              "comm_r_last": domain_hex(&p_aux.comm_r_last)}))
}
