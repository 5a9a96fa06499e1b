//! Sampled shares against probabilities worked out by hand, with honest tolerances:
//! chi-square goodness of fit at the 0.1% level (fixed seeds, so each test is
//! deterministic), and a 4.5-standard-error bound for means.

mod common;
use common::*;

/// Chi-square critical values at p = 0.001 for 1 and 2 degrees of freedom.
const CHI2_1DF: f64 = 10.828;
const CHI2_2DF: f64 = 13.816;

#[test]
fn conditional_weight_tree_matches_hand_probabilities() {
    let sc = load("conditional_tree.yaml");
    let r = sim(&sc, 200_000, 1, 2);
    let obs = [runs_of(&sc, &r, "P"), runs_of(&sc, &r, "Q")];
    let chi = chi_square(&obs, &[9.0 / 16.0, 7.0 / 16.0]);
    assert!(chi < CHI2_1DF, "chi-square {chi} for {obs:?}");
    // Branch a.x is taken in a quarter of runs.
    let x = r.tally.runs_taking[0] as f64 / r.tally.runs as f64;
    assert!((x - 0.25).abs() < 4.5 * (0.25f64 * 0.75 / 200_000.0).sqrt(), "{x}");
}

#[test]
fn loop_with_visit_count_exit_matches_hand_probabilities() {
    let sc = load("dice_loop.yaml");
    let n = 300_000;
    let r = sim(&sc, n, 2, 2);
    let obs = [runs_of(&sc, &r, "Six"), runs_of(&sc, &r, "Gave up")];
    let chi = chi_square(&obs, &[91.0 / 216.0, 125.0 / 216.0]);
    assert!(chi < CHI2_1DF, "chi-square {chi} for {obs:?}");
    // Mean number of rolls, 91/36, within 4.5 standard errors of the sample.
    let rolls = &r.tally.indicators[0];
    let se = rolls.sd() / (n as f64).sqrt();
    assert!((rolls.mean - 91.0 / 36.0).abs() < 4.5 * se, "mean {} se {se}", rolls.mean);
    assert_eq!((rolls.min, rolls.max), (1.0, 3.0));
}

#[test]
fn step_limit_share_matches_hand_probability() {
    let sc = load("step_limit.yaml");
    let r = sim(&sc, 200_000, 3, 1);
    let obs = [runs_of(&sc, &r, "Six"), runs_of(&sc, &r, "(step limit)")];
    let chi = chi_square(&obs, &[91.0 / 216.0, 125.0 / 216.0]);
    assert!(chi < CHI2_1DF, "chi-square {chi} for {obs:?}");
}

#[test]
fn three_way_branch_choice_is_unbiased() {
    let src = "whatif: 1\ntitle: t\nillustrative: true\nstart: a\nnodes:\n  a:\n    branches:\n      \
               - { id: x, weight: 1 }\n      - { id: y, weight: 0 }\n      - { id: z, weight: 2.5 }\n      \
               - { id: w, weight: 0.5 }\n";
    let sc = whatif::scenario::load_str("inline.yaml", src).unwrap();
    let r = sim(&sc, 100_000, 4, 2);
    let obs = [runs_of(&sc, &r, "a.x"), runs_of(&sc, &r, "a.z"), runs_of(&sc, &r, "a.w")];
    let chi = chi_square(&obs, &[0.25, 0.625, 0.125]);
    assert!(chi < CHI2_2DF, "chi-square {chi} for {obs:?}");
    assert_eq!(r.tally.runs_taking[1], 0, "a zero weight is never taken");
}

#[test]
fn random_effects_have_their_documented_means() {
    // uniform [0, 2] mean 1; triangular [1, 2, 6] mean 3; normal (-1, 2) mean -1.
    let src = "whatif: 1\ntitle: t\nillustrative: true\nindicators: { u: {}, t: {}, g: {} }\nstart: a\nnodes:\n  a:\n    \
               branches:\n      - id: only\n        weight: 1\n        effects: { u: { uniform: [0, 2] }, t: { triangular: [1, 2, 6] }, g: { normal: [-1, 2] } }\n";
    let sc = whatif::scenario::load_str("inline.yaml", src).unwrap();
    let n = 200_000;
    let r = sim(&sc, n, 5, 2);
    for (stats, (mean, sd)) in
        r.tally.indicators.iter().zip([(1.0, (4.0f64 / 12.0).sqrt()), (3.0, (21.0f64 / 18.0).sqrt()), (-1.0, 2.0)])
    {
        let se = sd / (n as f64).sqrt();
        assert!((stats.mean - mean).abs() < 4.5 * se, "mean {} vs {mean}", stats.mean);
        assert!((stats.sd() - sd).abs() < 0.02 * sd, "sd {} vs {sd}", stats.sd());
    }
}
