//! Sampled node values of a sealed sector, read from the files the reference wrote: parents from
//! its parents cache (checked against its graph API), labels from its layer files, column hashes
//! from its tree-c leaves, replica nodes from its sealed file, and p_aux / t_aux through its own
//! serde types.

use std::{fs, path::Path};

use anyhow::{ensure, Context, Result};
use filecoin_hashers::{poseidon::PoseidonHasher, sha256::Sha256Hasher, Hasher};
use filecoin_proofs::MerkleTreeTrait;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use storage_proofs_core::drgraph::{Graph, BASE_DEGREE};
use storage_proofs_porep::stacked::{PersistentAux, StackedBucketGraph, TemporaryAux, EXP_DEGREE};

use crate::files::{base64, dir_names, file_entry_max, read_at, sha256_file};

/// The chosen nodes: the fixed ones the spec lists plus a few pseudo-random ones derived from the
/// replica id (so every case probes different places, reproducibly).
pub fn chosen_nodes(n: u64, replica_id: &[u8; 32], extra: usize) -> Vec<u64> {
    let mut v = vec![0, 1, 2, 3, n / 2, n - 1];
    v.extend(pseudo_random_nodes(b"oracle-nodes", n, replica_id, extra));
    v.sort_unstable();
    v.dedup();
    v
}

/// k-th node = u64le(SHA-256(tag ‖ seed ‖ u32le(k))[..8]) mod n.
pub fn pseudo_random_nodes(tag: &[u8], n: u64, seed: &[u8; 32], count: usize) -> Vec<u64> {
    (0..count as u32)
        .map(|k| {
            let mut h = Sha256::new();
            h.update(tag);
            h.update(seed);
            h.update(k.to_le_bytes());
            let d = h.finalize();
            let mut w = [0u8; 8];
            w.copy_from_slice(&d[..8]);
            u64::from_le_bytes(w) % n
        })
        .collect()
}

/// Parents of the chosen nodes from the parents-cache file, each checked against the graph API.
pub fn parents(parents_path: &Path, graph: &StackedBucketGraph<PoseidonHasher>, chosen: &[u64]) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    for &v in chosen {
        let rec = read_at(parents_path, v * 56, 56)?;
        let from_file: Vec<u32> = rec.chunks(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let mut from_graph = vec![0u32; BASE_DEGREE + EXP_DEGREE];
        graph.parents(v as usize, &mut from_graph)?;
        ensure!(from_file == from_graph, "node {v}: parents cache file and graph API disagree");
        out.push(json!({"node": v, "parents": from_file}));
    }
    Ok(out)
}

/// Labels at the chosen nodes of every layer, and each layer file's SHA-256.
pub fn labels(cache_dir: &Path, layers: usize, chosen: &[u64]) -> Result<(Vec<Value>, Vec<String>)> {
    let mut labels = Vec::new();
    let mut layer_sha = Vec::new();
    for l in 1..=layers {
        let p = cache_dir.join(format!("sc-02-data-layer-{l}.dat"));
        layer_sha.push(sha256_file(&p)?.1);
        for &v in chosen {
            let lab = read_at(&p, v * 32, 32)?;
            labels.push(json!({"layer": l, "node": v, "label": hex::encode(lab)}));
        }
    }
    Ok((labels, layer_sha))
}

/// Leaves of tree-c (columns) and of tree-r-last (replica = sealed file) at the chosen nodes,
/// read from the reference's files. Base tree i covers nodes [i·per_tree, (i+1)·per_tree).
pub fn columns_and_replica(cache_dir: &Path, sealed: &Path, nodes: u64, chosen: &[u64]) -> Result<(Vec<Value>, Vec<Value>)> {
    let single_tree_c = cache_dir.join("sc-02-data-tree-c.dat");
    let tree_c_count = if single_tree_c.exists() {
        1
    } else {
        (0..).take_while(|i| cache_dir.join(format!("sc-02-data-tree-c-{i}.dat")).exists()).count() as u64
    };
    ensure!(tree_c_count > 0, "no tree-c file in {}", cache_dir.display());
    let per_tree = nodes / tree_c_count;
    let mut columns = Vec::new();
    let mut replica = Vec::new();
    for &v in chosen {
        let file = if tree_c_count == 1 {
            single_tree_c.clone()
        } else {
            cache_dir.join(format!("sc-02-data-tree-c-{}.dat", v / per_tree))
        };
        let col = read_at(&file, (v % per_tree) * 32, 32)?;
        columns.push(json!({"node": v, "column": hex::encode(col)}));
        let rep = read_at(sealed, v * 32, 32)?;
        replica.push(json!({"node": v, "replica": hex::encode(rep)}));
    }
    Ok((columns, replica))
}

pub type PAux = PersistentAux<<PoseidonHasher as Hasher>::Domain>;

/// comm_c / comm_r_last through the reference's own serde types and bincode.
pub fn p_aux(cache_dir: &Path) -> Result<PAux> {
    let bytes = fs::read(cache_dir.join("p_aux")).with_context(|| format!("read {}/p_aux", cache_dir.display()))?;
    bincode::deserialize(&bytes).context("decode p_aux")
}

fn store_config(c: &merkletree::store::StoreConfig) -> Value {
    json!({"path": c.path.to_string_lossy(), "id": c.id, "size": c.size, "rows_to_discard": c.rows_to_discard})
}

/// t_aux decoded with the reference's `TemporaryAux` (store configs of labels, tree-d,
/// tree-r-last, tree-c).
pub fn t_aux_json<Tree: 'static + MerkleTreeTrait>(bytes: &[u8]) -> Result<Value> {
    let t_aux: TemporaryAux<Tree, Sha256Hasher> = bincode::deserialize(bytes).context("decode t_aux")?;
    Ok(json!({
        "labels": t_aux.labels.labels.iter().map(store_config).collect::<Vec<_>>(),
        "tree_d": store_config(&t_aux.tree_d_config),
        "tree_r_last": store_config(&t_aux.tree_r_last_config),
        "tree_c": store_config(&t_aux.tree_c_config),
    }))
}

/// Every file of a cache dir: size + SHA-256 (+ base64 up to `embed_max`); `t_aux` always with
/// base64, the cache path it was written for, and its decoding.
pub fn cache_files<Tree: 'static + MerkleTreeTrait>(cache_dir: &Path, embed_max: u64) -> Result<Map<String, Value>> {
    let mut files = Map::new();
    for name in dir_names(cache_dir)? {
        let mut e = file_entry_max(&cache_dir.join(&name), embed_max)?;
        if name == "t_aux" {
            let bytes = fs::read(cache_dir.join(&name))?;
            e["cache_path"] = json!(cache_dir.to_string_lossy());
            e["base64"] = json!(base64(&bytes));
            e["decoded"] = t_aux_json::<Tree>(&bytes)?;
        }
        files.insert(name, e);
    }
    Ok(files)
}
