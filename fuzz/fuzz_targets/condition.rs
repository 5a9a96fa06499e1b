//! Fuzzes the condition parser against the names of a small scenario, and evaluates
//! what parses, as a tree and as the walk's compiled program: nothing may panic, and the
//! two must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use whatif::scenario::weights::Program;
use whatif::scenario::{Scenario, load_str, parse_condition};

const NAMES: &str = "whatif: 1\ntitle: t\nillustrative: true\nindicators: { tension: {}, cost: {} }\nstart: a\nnodes:\n  \
                     a:\n    branches:\n      - { id: x, weight: 1, next: b }\n      - { id: y, weight: 1, next: b }\n  \
                     b:\n    branches:\n      - { id: z, weight: 1 }\n";

fuzz_target!(|data: &[u8]| {
    static SCENARIO: OnceLock<Scenario> = OnceLock::new();
    let sc = SCENARIO.get_or_init(|| load_str("names.yaml", NAMES).expect("the fixture loads"));
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_condition(sc, text) {
        Ok(cond) => {
            let program = Program::new(&cond);
            for (took, ind) in [(0b101, [0.5, -3.0]), (0b010, [7.0, f64::NAN])] {
                assert_eq!(cond.eval(&[took], &[1, 2], &ind), program.eval(&[took], &[1, 2], &ind));
            }
        }
        Err(e) => {
            let _ = e.pointer(text);
            let _ = e.to_string();
        }
    }
});
