//! Every input under `fuzz/seeds/` and `fuzz/regressions/` goes through what the fuzz
//! targets do, so an input that once crashed a fuzzer stays a test. (Ten minutes per
//! target found no crash; the regression folders hold hand-made hostile inputs, and
//! any future crasher belongs there.)

use std::fs;
use std::path::Path;
use whatif::engine::exact::{Budget, analyse};
use whatif::engine::simulate::{SimConfig, simulate};
use whatif::scenario::weights::Program;
use whatif::scenario::{load_str, parse_condition};

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = fs::read_dir(root.join(dir).join(target)) else { continue };
        for e in entries {
            let p = e.unwrap().path();
            out.push((p.display().to_string(), fs::read(&p).unwrap()));
        }
    }
    assert!(!out.is_empty(), "no inputs for {target}");
    out
}

#[test]
fn load_target_inputs_never_panic() {
    for (name, data) in inputs("load") {
        let Ok(text) = std::str::from_utf8(&data) else { continue };
        match load_str("fuzz.yaml", text) {
            Err(e) => assert!(!e.to_string().is_empty(), "{name}"),
            Ok(sc) => {
                let cfg = SimConfig { runs: 20, seed: 1, threads: 1, max_paths: 5 };
                let _ = simulate(&sc, &cfg, None);
                let _ = analyse(&sc, Budget { max_states: 5_000, ..Budget::default() });
            }
        }
    }
}

#[test]
fn condition_target_inputs_never_panic_and_programs_agree_with_trees() {
    let names = "whatif: 1\ntitle: t\nillustrative: true\nindicators: { tension: {}, cost: {} }\nstart: a\nnodes:\n  \
                 a:\n    branches:\n      - { id: x, weight: 1, next: b }\n      - { id: y, weight: 1, next: b }\n  \
                 b:\n    branches:\n      - { id: z, weight: 1 }\n";
    let sc = load_str("names.yaml", names).unwrap();
    for (name, data) in inputs("condition") {
        let Ok(text) = std::str::from_utf8(&data) else { continue };
        match parse_condition(&sc, text) {
            Ok(c) => {
                let program = Program::new(&c);
                for (took, ind) in [(0b101, [0.5, -3.0]), (0b010, [7.0, f64::NAN])] {
                    assert_eq!(c.eval(&[took], &[1, 2], &ind), program.eval(&[took], &[1, 2], &ind), "{name}");
                }
            }
            Err(e) => assert!(e.pos <= text.chars().count(), "{name}: {e}"),
        }
    }
}
