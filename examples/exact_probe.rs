//! Prints how long the exact analysis takes on a scenario: `cargo run --release --example exact_probe FILE`.
use std::time::{Duration, Instant};
use whatif::engine::exact::{Budget, analyse};

fn main() {
    let path = std::env::args().nth(1).expect("usage: exact_probe SCENARIO");
    let sc = whatif::scenario::load_file(path.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let r = analyse(&sc, Budget { max_states: u64::MAX, max_time: Duration::from_secs(600) });
    match r {
        Ok(e) => println!("{path}: {} states, residual {:e}, {:.3} s", e.states, e.residual, t.elapsed().as_secs_f64()),
        Err(why) => println!("{path}: {why} after {:.3} s", t.elapsed().as_secs_f64()),
    }
}
