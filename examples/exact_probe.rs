//! Prints how long the exact analysis takes on a scenario:
//! `cargo run --release --example exact_probe FILE [STATES]`, where STATES is the budget
//! of walk states (a number, or `default` for the budget `whatif run` uses; no budget if
//! absent).
use std::time::{Duration, Instant};
use whatif::engine::exact::{Budget, DEFAULT_MAX_STATES, analyse};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: exact_probe SCENARIO [STATES|default]");
    let max_states = match args.next().as_deref() {
        None => u64::MAX,
        Some("default") => DEFAULT_MAX_STATES,
        Some(n) => n.parse().expect("STATES is a number or `default`"),
    };
    let sc = whatif::scenario::load_file(path.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    let t = Instant::now();
    let r = analyse(&sc, Budget { max_states, max_time: Duration::from_secs(600) });
    match r {
        Ok(e) => println!("{path}: {} states, residual {:e}, {:.3} s", e.states, e.residual, t.elapsed().as_secs_f64()),
        Err(why) => println!("{path}: {why} after {:.3} s", t.elapsed().as_secs_f64()),
    }
}
