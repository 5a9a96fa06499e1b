//! The physical floor of the simulation: how many runs per second the random draws
//! alone allow, with the same scheme as the walk (one ChaCha8 run key per run, then one
//! keyed SplitMix64 draw per step).
//!
//! usage: cargo run --release --example rng_floor [RUNS] [STEPS_PER_RUN]
use std::hint::black_box;
use std::time::Instant;
use whatif::engine::rng::{RunKeys, node_draw_key};

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000_000);
    let steps: f64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(11.338);
    let node_keys: Vec<u64> = (0..16).map(|i| node_draw_key(&format!("n{i}"))).collect();
    let whole = steps.floor() as u64;
    let frac = steps - whole as f64;
    let t = Instant::now();
    let mut keys = RunKeys::new(42, 0);
    let mut acc = 0.0;
    for run in 0..runs {
        let key = keys.next_key();
        // Spread the fractional step evenly over runs.
        let extra = u64::from(((run + 1) as f64 * frac).floor() > (run as f64 * frac).floor());
        for s in 0..whole + extra {
            acc += key.unit(node_keys[(s % 16) as usize], 1, 0);
        }
    }
    black_box(acc);
    let secs = t.elapsed().as_secs_f64();
    println!("rng_floor runs_per_second {:.0} (one thread, {steps} draws per run)", runs as f64 / secs);
}
