//! Staging deal data the way lotus does, through the reference's `add_piece`: data pieces in
//! order, each preceded by the zero pieces lotus inserts to align it (`GetRequiredPadding`), and
//! optionally followed by zero filler pieces up to the sector size (`fillersFromRem`). Both lotus
//! helpers split a padded gap into powers of two, smallest first.

use std::{
    fs::File,
    io::{Cursor, Read, Write},
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::{bail, ensure, Result};
use filecoin_proofs::{
    add_piece, generate_piece_commitment, PaddedBytesAmount, PieceInfo, UnpaddedBytesAmount,
};
use serde_json::{json, Value};

use crate::{
    cid,
    files::{sha256_file, sha256_hex},
};

pub enum DataSpec {
    Cc,
    File(PathBuf),
    Generated { seed: [u8; 32], unpadded_bytes: u64 },
}

pub struct Staged {
    pub path: PathBuf,
    /// (piece, is a zero filler/alignment piece)
    pub pieces: Vec<(PieceInfo, bool)>,
    /// one descriptor per entry of the spec list (not per filler)
    pub data_json: Vec<Value>,
}

type Opener = Box<dyn Fn() -> Result<Box<dyn Read>>>;

pub fn is_valid_piece_size(unpadded: u64) -> bool {
    unpadded >= 127 && unpadded % 127 == 0 && (unpadded / 127 * 128).is_power_of_two()
}

/// Byte count, JSON descriptor and a re-openable reader for one piece source. Each source is
/// read twice: once by add_piece, once by the reference's standalone piece-commitment path as a
/// second opinion. Streams, so CC and large files need no RAM.
fn source(spec: &DataSpec, unpadded_sector: u64) -> Result<(u64, Value, Opener)> {
    Ok(match spec {
        DataSpec::Cc => (
            unpadded_sector,
            json!("cc"),
            Box::new(move || Ok(Box::new(std::io::repeat(0).take(unpadded_sector)) as Box<dyn Read>)),
        ),
        DataSpec::File(p) => {
            let (size, digest) = sha256_file(p)?;
            let name = p.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let j = json!({"file": name, "sha256": digest, "unpadded_bytes": size});
            let p = p.clone();
            (size, j, Box::new(move || Ok(Box::new(File::open(&p)?) as Box<dyn Read>)))
        }
        DataSpec::Generated { seed, unpadded_bytes } => {
            let b = Arc::new(crate::datagen::sha256_ctr(seed, *unpadded_bytes as usize));
            let j = json!({
                "generator": crate::datagen::ALGORITHM,
                "generator_doc": "block i = SHA-256(seed_bytes(32) || u64le(i)) for i = 0,1,...; data = concatenation truncated to unpadded_bytes",
                "seed": hex::encode(seed),
                "sha256": sha256_hex(&b),
                "unpadded_bytes": unpadded_bytes,
            });
            (*unpadded_bytes, j, Box::new(move || Ok(Box::new(Cursor::new(b.as_ref().clone())) as Box<dyn Read>)))
        }
    })
}

/// Powers of two summing to `gap` (padded bytes), smallest first: lotus's split of a gap into
/// zero pieces.
pub fn zero_pieces(mut gap: u64) -> Vec<u64> {
    let mut out = Vec::new();
    while gap != 0 {
        let p = 1u64 << gap.trailing_zeros();
        gap ^= p;
        out.push(p);
    }
    out
}

fn add_zero_pieces(
    gap: u64,
    out: &mut File,
    pieces: &mut Vec<(PieceInfo, bool)>,
    lengths: &mut Vec<UnpaddedBytesAmount>,
) -> Result<u64> {
    for p in zero_pieces(gap) {
        let up = u64::from(UnpaddedBytesAmount::from(PaddedBytesAmount(p)));
        let zeros = std::io::repeat(0).take(up);
        let (fi, w) = add_piece(zeros, &mut *out, UnpaddedBytesAmount(up), lengths)?;
        lengths.push(w);
        pieces.push((fi, true));
    }
    Ok(gap)
}

pub fn stage(sector: u64, proof_name: &str, specs: &[DataSpec], fill: bool, staged_path: &Path) -> Result<Staged> {
    let unpadded_sector = u64::from(UnpaddedBytesAmount::from(PaddedBytesAmount(sector)));
    ensure!(!specs.is_empty(), "no piece to stage");
    ensure!(
        specs.len() == 1 || !specs.iter().any(|s| matches!(s, DataSpec::Cc)),
        "cc stands for the whole sector: it cannot be combined with other pieces"
    );
    let mut out = File::create(staged_path)?;
    let mut pieces: Vec<(PieceInfo, bool)> = Vec::new();
    let mut lengths: Vec<UnpaddedBytesAmount> = Vec::new();
    let mut data_json = Vec::new();
    let mut used_padded = 0u64;

    for spec in specs {
        let (n, j, open) = source(spec, unpadded_sector)?;
        if !is_valid_piece_size(n) {
            bail!(
                "data is {n} bytes: an unpadded piece must be 127·2^k bytes (e.g. 1016, 2032, 8323072); \
                 pad the file with zeros to the next such size"
            );
        }
        let padded = n / 127 * 128;
        // lotus GetRequiredPadding: zero pieces up to the next multiple of this piece's size.
        let align_gap = (padded - used_padded % padded) % padded;
        ensure!(
            used_padded + align_gap + padded <= sector,
            "pieces need {} padded bytes but a {proof_name} sector holds {sector}",
            used_padded + align_gap + padded
        );
        used_padded += add_zero_pieces(align_gap, &mut out, &mut pieces, &mut lengths)?;
        let (info, written) = add_piece(open()?, &mut out, UnpaddedBytesAmount(n), &lengths)?;
        let again = generate_piece_commitment(open()?, UnpaddedBytesAmount(n))?;
        ensure!(again.commitment == info.commitment, "add_piece and generate_piece_commitment disagree");
        lengths.push(written);
        pieces.push((info, false));
        used_padded += padded;
        data_json.push(j);
    }

    if fill {
        add_zero_pieces(sector - used_padded, &mut out, &mut pieces, &mut lengths)?;
    } else if used_padded < sector {
        // compute_comm_d reduces the piece list without padding it up to the sector size, so its
        // result is not the sector's comm_d and verify_pieces fails in PC1 and encode_into alike.
        bail!(
            "the pieces cover {used_padded} of {sector} padded bytes: the reference's verify_pieces \
             (compute_comm_d) does not pad a piece list up to the sector size, so PC1 and encode_into \
             refuse it (\"pieces and comm_d do not match\"); add --fill (lotus always fills)"
        );
    }
    out.flush()?;
    Ok(Staged { path: staged_path.to_path_buf(), pieces, data_json })
}

pub fn pieces_json(pieces: &[(PieceInfo, bool)]) -> Vec<Value> {
    pieces
        .iter()
        .map(|(p, filler)| {
            let c = p.commitment;
            let padded = u64::from(PaddedBytesAmount::from(p.size));
            json!({"comm_p": hex::encode(c), "cid": cid::comm_d_cid(&c), "padded_size": padded.to_string(),
                   "unpadded_size": u64::from(p.size).to_string(), "filler": filler})
        })
        .collect()
}
