//! Reading back what the reference wrote: whole-file digests, node-sized reads, and the JSON entry
//! every vector uses for a file (size + SHA-256, whole bytes as base64 when small).

use std::{
    fs::{self, File},
    io::{Read, Seek, SeekFrom},
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Files at most this large are embedded (base64) in seal vectors so tests can compare whole
/// files (every 2KiB file; the 8MiB tree-r-last cache of 18,720 bytes).
pub const EMBED_MAX: u64 = 32 * 1024;

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn sha256_file(path: &Path) -> Result<(u64, String)> {
    let mut f = File::open(path).with_context(|| format!("open {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((n, hex::encode(h.finalize())))
}

pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `{size, sha256}` plus `base64` when the file is at most `embed_max` bytes.
pub fn file_entry_max(path: &Path, embed_max: u64) -> Result<Value> {
    let (size, digest) = sha256_file(path)?;
    let mut v = json!({"size": size, "sha256": digest});
    if size <= embed_max {
        v["base64"] = json!(base64(&fs::read(path)?));
    }
    Ok(v)
}

pub fn file_entry(path: &Path) -> Result<Value> {
    file_entry_max(path, EMBED_MAX)
}

/// Sorted file names of a directory.
pub fn dir_names(dir: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .with_context(|| format!("read {}", dir.display()))?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().to_string()))
        .collect::<std::io::Result<_>>()?;
    names.sort();
    Ok(names)
}

pub fn read_at(path: &Path, offset: u64, len: usize) -> Result<Vec<u8>> {
    let mut f = File::open(path).with_context(|| format!("open {}", path.display()))?;
    f.seek(SeekFrom::Start(offset))?;
    let mut b = vec![0u8; len];
    f.read_exact(&mut b)?;
    Ok(b)
}

/// The 32-byte node `v` of a file of nodes.
pub fn node_at(path: &Path, v: u64) -> Result<[u8; 32]> {
    Ok(bytes32(&read_at(path, v * 32, 32)?))
}

pub fn bytes32(b: &[u8]) -> [u8; 32] {
    let mut o = [0u8; 32];
    o.copy_from_slice(b);
    o
}

pub fn find_parents_cache(dir: &Path) -> Result<PathBuf> {
    let mut found = Vec::new();
    for e in fs::read_dir(dir).with_context(|| format!("read {}", dir.display()))? {
        let p = e?.path();
        if p.extension().map(|x| x == "cache").unwrap_or(false) {
            found.push(p);
        }
    }
    match found.len() {
        1 => Ok(found.pop().expect("one")),
        k => bail!("expected exactly one parents cache file in {}, found {k}", dir.display()),
    }
}

/// Hex of a hasher domain element's 32 bytes (little-endian, as stored on disk).
pub fn domain_hex<D: AsRef<[u8]>>(d: &D) -> String {
    hex::encode(AsRef::<[u8]>::as_ref(d))
}
