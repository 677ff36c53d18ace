//! Throughput of the reference Poseidon (neptune through filecoin-hashers' constants) for the
//! arities sealing uses: 2 (comm_r, 2-layer columns), 8 (tree-c / tree-r-last), 11 (32/64GiB columns).

use std::time::{Duration, Instant};

use anyhow::Result;
use blstrs::Scalar as Fr;
use ff::Field;
use filecoin_hashers::{POSEIDON_CONSTANTS_11, POSEIDON_CONSTANTS_2, POSEIDON_CONSTANTS_8};
use generic_array::typenum::{U11, U2, U8};
use neptune::{poseidon::PoseidonConstants, Arity, Poseidon};
use serde_json::json;

fn measure<A: Arity<Fr>>(constants: &PoseidonConstants<Fr, A>, seconds: f64) -> (f64, String) {
    let arity = A::to_usize();
    // Fixed, non-trivial inputs: Fr::from(k + 1), fed back so the work cannot be hoisted.
    let mut preimage: Vec<Fr> = (0..arity as u64).map(|k| Fr::from(k + 1)).collect();
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut count: u64 = 0;
    let mut last = Fr::ZERO;
    while start.elapsed() < budget {
        for _ in 0..256 {
            let mut h = Poseidon::new_with_preimage(&preimage, constants);
            last = h.hash();
            preimage[0] = last;
        }
        count += 256;
    }
    let rate = count as f64 / start.elapsed().as_secs_f64();
    let first = Poseidon::new_with_preimage(
        &(0..arity as u64).map(|k| Fr::from(k + 1)).collect::<Vec<_>>(),
        constants,
    )
    .hash();
    let _ = last;
    (rate, hex::encode(first.to_bytes_le()))
}

pub fn run(seconds: f64) -> Result<()> {
    let (r2, h2) = measure::<U2>(&POSEIDON_CONSTANTS_2, seconds);
    let (r8, h8) = measure::<U8>(&POSEIDON_CONSTANTS_8, seconds);
    let (r11, h11) = measure::<U11>(&POSEIDON_CONSTANTS_11, seconds);
    println!(
        "{}",
        json!({
            "hashes_per_second": {"2": r2.round(), "8": r8.round(), "11": r11.round()},
            "threads": 1,
            "seconds_per_arity": seconds,
            "check": {"note": "Poseidon_a(1, 2, ..., a) as canonical LE hex", "2": h2, "8": h8, "11": h11},
        })
    );
    Ok(())
}
