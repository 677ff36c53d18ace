//! One SnapDeals case on the reference API: seal a CC sector key (the `seal` path, files kept),
//! stage new deal data with `add_piece`, then `encode_into` (new replica + update cache),
//! `decode_from` (must give back the staged data) and `remove_encoded_data` (must give back the
//! sector key). Intermediate values (h, phi, rho) come from `storage_proofs_update`'s public
//! functions and are checked against the files the reference wrote.

use std::{
    fs::{self, File, OpenOptions},
    io::{Seek, SeekFrom},
    path::{Path, PathBuf},
    time::Instant,
};

use anyhow::{bail, ensure, Context, Result};
use blstrs::Scalar as Fr;
use ff::{Field, PrimeField};
use filecoin_hashers::{poseidon::PoseidonHasher, sha256::Sha256Domain, Domain, HashFunction, Hasher};
use filecoin_proofs::{
    decode_from, decode_from_range, encode_into, remove_encoded_data, with_shape, MerkleTreeTrait,
    PieceInfo, PoRepConfig, SectorUpdateConfig,
};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use storage_proofs_update::{
    constants::{apex_leaf_count, challenge_count, h_select, hs, partition_count, TreeRDomain},
    phi, rho,
    vanilla::Rhos,
};

use crate::{
    cid,
    files::{bytes32, domain_hex, file_entry, node_at, sha256_file, EMBED_MAX},
    proofs::UpdateProof,
    samples,
    seal::{self, Case},
    stage::{self, DataSpec},
};

pub struct SnapCase {
    /// The CC sector whose sealed file becomes the sector key.
    pub key: Case,
    /// New deal data, in sector order.
    pub pieces: Vec<DataSpec>,
    /// Add lotus-style zero filler pieces after the last data piece (needed unless the pieces
    /// cover the sector: see stage.rs).
    pub fill: bool,
    pub extra_nodes: usize,
}

pub struct SnapOutcome {
    pub json: Value,
    pub encode_ms: u128,
    pub decode_ms: u128,
}

/// Paths of one case, named like lotus's sector directories where lotus has one.
struct Paths {
    key: PathBuf,
    key_cache: PathBuf,
    staged: PathBuf,
    update: PathBuf,
    update_cache: PathBuf,
    decoded: PathBuf,
    removed: PathBuf,
    removed_cache: PathBuf,
    removed_lotus: PathBuf,
    removed_lotus_cache: PathBuf,
}

impl Paths {
    fn new(case: &Case) -> Result<Paths> {
        let name = case.sector_name();
        let w = &case.work_dir;
        let p = Paths {
            key: case.sealed_path(),
            key_cache: case.cache_dir(),
            staged: w.join("update-unsealed").join(&name),
            update: w.join("update").join(&name),
            update_cache: w.join("update-cache").join(&name),
            decoded: w.join("decoded").join(&name),
            removed: w.join("key-recovered").join(&name),
            removed_cache: w.join("key-recovered-cache").join(&name),
            removed_lotus: w.join("key-recovered-lotus-args").join(&name),
            removed_lotus_cache: w.join("key-recovered-lotus-args-cache").join(&name),
        };
        for f in [&p.staged, &p.update, &p.decoded, &p.removed, &p.removed_lotus] {
            fs::create_dir_all(f.parent().expect("has a parent"))?;
        }
        for d in [&p.update_cache, &p.removed_cache, &p.removed_lotus_cache] {
            fs::create_dir_all(d)?;
        }
        Ok(p)
    }
}

/// An output file the reference writes through mmap: it must exist with the sector's length
/// (lotus fallocates it; the reference's own tests set_len it).
fn sector_sized_file(path: &Path, len: u64) -> Result<()> {
    let f = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(path)?;
    f.set_len(len)?;
    Ok(())
}

/// The update config the reference derives for this sector size (proofs-api
/// `RegisteredUpdateProof::as_v1_config` → `SectorUpdateConfig::from_porep_config`).
pub fn update_config(up: &UpdateProof) -> (PoRepConfig, SectorUpdateConfig) {
    let porep = PoRepConfig::new_groth16(up.sector_size, up.porep_id(), up.api_version);
    let cfg = SectorUpdateConfig::from_porep_config(&porep);
    (porep, cfg)
}

fn fr_from_node(b: &[u8; 32], what: &str) -> Result<Fr> {
    Option::from(Fr::from_repr(*b)).with_context(|| format!("{what} is not a canonical field element"))
}

fn fr_hex(f: &Fr) -> String {
    hex::encode(f.to_repr())
}

pub fn run(case: &SnapCase, seal_cfg: &PoRepConfig, describe: bool) -> Result<SnapOutcome> {
    ensure!(matches!(case.key.data, DataSpec::Cc), "the sector key is sealed from CC data");
    let key = seal::run(&case.key, seal_cfg, describe)?;
    with_shape!(case.key.proof.sector_size, run_shape, case, key, describe)
}

fn run_shape<Tree: 'static + MerkleTreeTrait<Hasher = PoseidonHasher>>(
    case: &SnapCase,
    key: seal::Outcome,
    describe: bool,
) -> Result<SnapOutcome> {
    let proof = &case.key.proof;
    let sector = proof.sector_size;
    let nodes = sector / 32;
    let up = UpdateProof::for_seal_proof(proof);
    let (up_porep, cfg) = update_config(&up);
    let paths = Paths::new(&case.key)?;

    let staged = stage::stage(sector, &proof.name, &case.pieces, case.fill, &paths.staged)?;
    let piece_infos: Vec<PieceInfo> = staged.pieces.iter().map(|p| p.0.clone()).collect();
    sector_sized_file(&paths.update, sector)?;

    let t0 = Instant::now();
    let encoded = encode_into::<Tree>(
        &cfg,
        &paths.update,
        &paths.update_cache,
        &paths.key,
        &paths.key_cache,
        &paths.staged,
        &piece_infos,
    )?;
    let encode_ms = t0.elapsed().as_millis();

    sector_sized_file(&paths.decoded, sector)?;
    let t1 = Instant::now();
    decode_from::<Tree>(cfg, &paths.decoded, &paths.update, &paths.key, &paths.key_cache, encoded.comm_d_new)?;
    let decode_ms = t1.elapsed().as_millis();
    let (staged_size, staged_sha) = sha256_file(&paths.staged)?;
    let (decoded_size, decoded_sha) = sha256_file(&paths.decoded)?;
    ensure!(decoded_sha == staged_sha, "decode_from did not give back the staged data");

    if !describe {
        return Ok(SnapOutcome { json: Value::Null, encode_ms, decode_ms });
    }

    // remove_encoded_data as the reference's own test calls it: replica_cache_path = the sector
    // key's cache (its p_aux has comm_r_last of the key), output cache = a fresh directory.
    sector_sized_file(&paths.removed, sector)?;
    let t2 = Instant::now();
    remove_encoded_data::<Tree>(
        cfg,
        &paths.removed,
        &paths.removed_cache,
        &paths.update,
        &paths.key_cache,
        &paths.staged,
        encoded.comm_d_new,
    )?;
    let remove_ms = t2.elapsed().as_millis();
    let (key_size, key_sha) = sha256_file(&paths.key)?;
    let (removed_size, removed_sha) = sha256_file(&paths.removed)?;
    ensure!(removed_sha == key_sha, "remove_encoded_data did not give back the sector key");
    ensure!(removed_size == key_size, "recovered sector key has the wrong size");

    // The argument order lotus's RegenerateSectorKey uses (replica_cache_path = update cache,
    // whose p_aux holds comm_r_last_new): recorded, not required to match.
    sector_sized_file(&paths.removed_lotus, sector)?;
    remove_encoded_data::<Tree>(
        cfg,
        &paths.removed_lotus,
        &paths.removed_lotus_cache,
        &paths.update,
        &paths.update_cache,
        &paths.staged,
        encoded.comm_d_new,
    )?;
    let (_, removed_lotus_sha) = sha256_file(&paths.removed_lotus)?;

    // --- intermediate values -------------------------------------------------------------
    let key_p_aux = samples::p_aux(&paths.key_cache)?;
    let comm_c = bytes32(key_p_aux.comm_c.as_ref());
    let comm_r_last_old = bytes32(key_p_aux.comm_r_last.as_ref());
    let comm_r_old_domain: TreeRDomain =
        <PoseidonHasher as Hasher>::Function::hash2(&key_p_aux.comm_c, &key_p_aux.comm_r_last);
    let comm_r_old = bytes32(comm_r_old_domain.as_ref());
    let key_comm_r = key.json["comm_r"].as_str().unwrap_or_default().to_string();
    ensure!(hex::encode(comm_r_old) == key_comm_r, "H(comm_c, comm_r_last) of the key differs from PC2's comm_r");

    let update_p_aux = samples::p_aux(&paths.update_cache)?;
    ensure!(
        bytes32(update_p_aux.comm_r_last.as_ref()) == encoded.comm_r_last_new,
        "update-cache p_aux comm_r_last differs from encode_into's comm_r_last_new"
    );
    ensure!(bytes32(update_p_aux.comm_c.as_ref()) == comm_c, "update-cache p_aux comm_c differs from the key's");
    let comm_r_new_check: TreeRDomain =
        <PoseidonHasher as Hasher>::Function::hash2(&update_p_aux.comm_c, &update_p_aux.comm_r_last);
    ensure!(bytes32(comm_r_new_check.as_ref()) == encoded.comm_r_new, "comm_r_new != H(comm_c, comm_r_last_new)");
    let removed_p_aux = samples::p_aux(&paths.removed_cache)?;
    ensure!(
        bytes32(removed_p_aux.comm_r_last.as_ref()) == comm_r_last_old,
        "remove_encoded_data's tree-r-last root differs from the key's comm_r_last"
    );

    let comm_d_new_domain = Sha256Domain::try_from_bytes(&encoded.comm_d_new)?;
    let phi_domain: TreeRDomain = phi(&comm_d_new_domain, &comm_r_old_domain);
    let h = cfg.h;
    let n = nodes as usize;
    let bits_shr = n.trailing_zeros() as usize - h;
    let groups = 1usize << h;
    let rhos = Rhos::new(&phi_domain, h, n);
    let rho_invs = Rhos::new_inv(&phi_domain, h, n);
    let mut table = Sha256::new();
    let mut table_json = Vec::new();
    for high in 0..groups {
        let r = rho(&phi_domain, high as u32);
        ensure!(r == rhos.get(high << bits_shr), "Rhos::get disagrees with rho() at group {high}");
        table.update(r.to_repr());
        if groups <= 64 {
            table_json.push(json!(fr_hex(&r)));
        }
    }

    // Sampled nodes: the ends, both sides of the first and the middle rho-group boundary, and a
    // few pseudo-random ones derived from comm_r_new.
    let g = (n >> h) as u64;
    let mut chosen = vec![0, 1, g - 1, g, nodes / 2 - 1, nodes / 2, nodes - 1];
    chosen.extend(samples::pseudo_random_nodes(b"oracle-snap-nodes", nodes, &encoded.comm_r_new, case.extra_nodes));
    chosen.sort_unstable();
    chosen.dedup();
    let mut samples_json = Vec::new();
    for &v in &chosen {
        let data_b = node_at(&paths.staged, v)?;
        let key_b = node_at(&paths.key, v)?;
        let rep_b = node_at(&paths.update, v)?;
        let dec_b = node_at(&paths.decoded, v)?;
        let (d, k, r) = (fr_from_node(&data_b, "data")?, fr_from_node(&key_b, "key")?, fr_from_node(&rep_b, "replica")?);
        let rho_v = rhos.get(v as usize);
        let rho_inv_v = rho_invs.get(v as usize);
        ensure!(rho_v * rho_inv_v == Fr::ONE, "rho·rho⁻¹ ≠ 1 at node {v}");
        ensure!(r == k + d * rho_v, "node {v}: new replica ≠ sector key + data·rho");
        ensure!(dec_b == data_b, "node {v}: decode_from output differs from the staged data");
        samples_json.push(json!({
            "node": v, "high": v >> bits_shr,
            "rho": fr_hex(&rho_v), "rho_inv": fr_hex(&rho_inv_v),
            "data": hex::encode(data_b), "sector_key": hex::encode(key_b), "replica": hex::encode(rep_b),
        }));
    }

    // decode_from_range (the path lotus uses to read a range of a snapped sector) across the
    // first rho-group boundary.
    let range_start = (g as usize).saturating_sub(2);
    let range_len = 4.min(n - range_start);
    let mut replica_f = File::open(&paths.update)?;
    let mut key_f = File::open(&paths.key)?;
    replica_f.seek(SeekFrom::Start(range_start as u64 * 32))?;
    key_f.seek(SeekFrom::Start(range_start as u64 * 32))?;
    let mut range_out: Vec<u8> = Vec::new();
    decode_from_range(
        n,
        encoded.comm_d_new,
        bytes32(&hex::decode(&key_comm_r)?),
        replica_f,
        key_f,
        &mut range_out,
        range_start,
        range_len,
    )?;
    let staged_range = crate::files::read_at(&paths.staged, range_start as u64 * 32, range_len * 32)?;
    ensure!(range_out == staged_range, "decode_from_range differs from the staged data");

    let mut update_files = Map::new();
    update_files.insert("update".into(), file_entry(&paths.update)?);
    let update_cache_files = samples::cache_files::<Tree>(&paths.update_cache, EMBED_MAX)?;
    let removed_cache_files = samples::cache_files::<Tree>(&paths.removed_cache, EMBED_MAX)?;

    let key_json = sector_key_json(case, &key.json)?;
    let pieces_json = stage::pieces_json(&staged.pieces);
    let fillers = staged.pieces.iter().filter(|p| p.1).count();
    let json = json!({
        "update_proof": {
            "id": up.id, "name": up.name, "api_version": "V1_1_0", "features": [],
            "porep_id": hex::encode(up.porep_id()), "sector_size": sector.to_string(),
            "partitions": usize::from(up_porep.partitions),
            "note": "rust-filecoin-proofs-api RegisteredUpdateProof::as_v1_config; go-state-types SealProofInfos maps every seal proof of this size to it; encode/decode/remove only use the sector size from it (SectorUpdateConfig::from_porep_config)",
        },
        "sector_key": key_json,
        "data": staged.data_json,
        "fill": case.fill,
        "pieces": pieces_json,
        "pieces_note": if fillers > 0 {
            "data pieces in order, each preceded by the zero pieces lotus inserts to align it (GetRequiredPadding) and, with fill, followed by lotus filler pieces (fillersFromRem); filler: true marks zero pieces"
        } else {
            "data pieces only"
        },
        "staged": {"size": staged_size, "sha256": staged_sha},
        "nodes": nodes.to_string(),
        "update_config": {
            "nodes_count": cfg.nodes_count, "h": h, "hs": hs(n).to_vec(), "h_select": h_select(n, h),
            "update_partitions": usize::from(cfg.update_partitions), "partition_count": partition_count(n),
            "challenge_count": challenge_count(n), "apex_leaf_count": apex_leaf_count(n),
        },
        "comm_c": hex::encode(comm_c),
        "comm_r_last_old": hex::encode(comm_r_last_old),
        "comm_r_old": hex::encode(comm_r_old),
        "comm_d_new": hex::encode(encoded.comm_d_new),
        "comm_d_new_cid": cid::comm_d_cid(&encoded.comm_d_new),
        "comm_r_last_new": hex::encode(encoded.comm_r_last_new),
        "comm_r_new": hex::encode(encoded.comm_r_new),
        "comm_r_new_cid": cid::comm_r_cid(&encoded.comm_r_new),
        "phi": domain_hex(&phi_domain),
        "rho": {
            "bits_shr": bits_shr, "groups": groups, "nodes_per_group": g,
            "table_sha256": hex::encode(table.finalize()),
            "table": if groups <= 64 { Value::Array(table_json) } else { Value::Null },
        },
        "samples": samples_json,
        "files": {
            "update": update_files["update"].clone(),
            "update-cache": update_cache_files,
        },
        "decode": {"size": decoded_size, "sha256": decoded_sha, "equals_staged": true,
                   "decode_from_range": {"start_node": range_start, "nodes": range_len, "equals_staged": true}},
        "remove": {
            "size": removed_size, "sha256": removed_sha, "equals_sector_key": true,
            "comm_r_last": domain_hex(&removed_p_aux.comm_r_last),
            "cache_files": removed_cache_files,
            "lotus_argument_order": {
                "sha256": removed_lotus_sha, "equals_sector_key": removed_lotus_sha == key_sha,
                "note": "remove_encoded_data with replica_cache_path = update-cache (as lotus RegenerateSectorKey passes paths.UpdateCache): its p_aux holds comm_r_last_new, so phi is derived from comm_r_new instead of comm_r_old",
            },
        },
        "notes": [
            "comm_r_old = PoseidonHasher::Function::hash2(comm_c, comm_r_last_old) from the key's p_aux; equals the key's PC2 comm_r",
            "phi = storage_proofs_update::phi(comm_d_new, comm_r_old): Poseidon arity 2 with HashType::Custom(CType::Arbitrary(1)) constants (POSEIDON_CONSTANTS_GEN_RANDOMNESS)",
            "rho(high) = storage_proofs_update::rho(phi, high) (same Poseidon); a node v uses high = v >> bits_shr, bits_shr = log2(nodes) - h; per-node values via the public vanilla::Rhos::get / Rhos::new_inv",
            "h = SectorUpdateConfig::from_porep_config(..).h = constants::h_default(nodes) = hs(nodes)[3]; h_select = constants::h_select(nodes, h) = 2^index",
            "new replica node = sector key + data·rho (checked at every sample with blstrs arithmetic on the files); decode: data = (replica − key)·rho⁻¹",
            "table_sha256 = SHA-256 over rho(phi, high).to_repr() (32-byte LE) for high = 0..groups−1",
        ],
        "timings_ms": {"pc1": key.pc1_ms as u64, "pc2": key.pc2_ms as u64, "encode": encode_ms as u64,
                       "decode": decode_ms as u64, "remove": remove_ms as u64},
        "threads": rayon::current_num_threads(),
    });
    Ok(SnapOutcome { json, encode_ms, decode_ms })
}

/// The sector key's seal inputs and core outputs (the full seal intermediates live in the seal
/// vectors); files keep size + SHA-256, and base64 only for what an encoder needs as input
/// (sealed, p_aux, t_aux, tree-r-last).
fn sector_key_json(case: &SnapCase, seal: &Value) -> Result<Value> {
    let k = &case.key;
    let mut files = Map::new();
    let Some(all) = seal["files"].as_object() else { bail!("seal outcome has no files") };
    for (name, e) in all {
        let mut e = e.clone();
        let keep = name == "sealed" || name == "p_aux" || name == "t_aux" || name.contains("tree-r-last");
        if !keep {
            if let Some(m) = e.as_object_mut() {
                m.remove("base64");
            }
        }
        files.insert(name.clone(), e);
    }
    let mut o = Map::new();
    o.insert(
        "proof".into(),
        json!({"id": k.proof.id, "name": k.proof.name, "api_version": k.proof.api_version_name(),
               "features": k.proof.feature_names(), "sector_size": k.proof.sector_size.to_string()}),
    );
    o.insert("miner".into(), json!(k.miner));
    o.insert("prover_id".into(), json!(hex::encode(k.prover_id)));
    o.insert("sector_id".into(), json!(k.sector_id.to_string()));
    o.insert("ticket".into(), json!(hex::encode(k.ticket)));
    o.insert("data".into(), json!("cc"));
    for f in ["porep_id", "layers", "comm_d", "comm_d_cid", "replica_id", "comm_c", "comm_r_last", "comm_r", "comm_r_cid"] {
        o.insert(f.into(), seal[f].clone());
    }
    o.insert("files".into(), Value::Object(files));
    o.insert("seal_vector".into(), Value::Null);
    Ok(Value::Object(o))
}
