//! Deterministic piece data that a test can regenerate without the committed bytes.
//!
//! Algorithm "sha256-ctr": block i = SHA-256(seed (32 bytes) || u64le(i)), i = 0, 1, …; the stream
//! is the concatenation of the blocks, truncated to the requested length. Chosen because node:crypto
//! reproduces it in a few lines.

use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "sha256-ctr";

pub fn sha256_ctr(seed: &[u8; 32], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut i: u64 = 0;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(seed);
        h.update(i.to_le_bytes());
        out.extend_from_slice(&h.finalize());
        i += 1;
    }
    out.truncate(len);
    out
}
