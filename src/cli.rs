//! The command line: clap definitions and nothing else.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The seed used when none is given, so that a bare command is reproducible.
pub const DEFAULT_SEED: u64 = 42;

/// whatif: illustrative what-if scenarios, simulated with seeded Monte Carlo.
///
/// Results describe invented scenarios for teaching and discussion. They are never forecasts.
#[derive(Debug, Parser)]
#[command(name = "whatif", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write CSV summaries (default: the bundled article scenario)
    #[command(
        after_help = "Example:\n  whatif run scenarios/putin_north_korea_visit_sanctions_tighten.yaml --runs 200000 --seed 7"
    )]
    Run(RunArgs),
    /// Validate scenario files and print a one-screen summary of each
    #[command(after_help = "Example:\n  whatif check scenarios/*.yaml")]
    Check(CheckArgs),
    /// Show the structure with weights, probabilities, effects and outcomes
    #[command(
        after_help = "Examples:\n  whatif tree putin_north_korea_visit --depth 3\n  whatif tree scenarios/putin_north_korea_visit.yaml --format dot | dot -Tsvg > tree.svg"
    )]
    Tree(TreeArgs),
    /// List the bundled scenarios
    #[command(after_help = "Example:\n  whatif list")]
    List,
}

/// A seed: a number, or `random` to draw one (it is recorded in the manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedArg {
    Fixed(u64),
    Random,
}

fn parse_seed(s: &str) -> Result<SeedArg, String> {
    if s == "random" {
        return Ok(SeedArg::Random);
    }
    s.parse::<u64>()
        .map(SeedArg::Fixed)
        .map_err(|_| format!("`{s}` is not a seed: use a whole number from 0 to {} or `random`", u64::MAX))
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file, or the name of a bundled scenario (see `whatif list`)
    pub scenario: Option<String>,
    /// Number of simulated runs
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000_000))]
    pub runs: u64,
    /// Seed (a whole number), or `random` to draw one and record it
    #[arg(long, value_parser = parse_seed)]
    pub seed: Option<SeedArg>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Output folder (default: output/<scenario file stem>/)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write runs.csv, one row per run
    #[arg(long)]
    pub per_run: bool,
    /// Most frequent paths listed in paths.csv (0: no path table rows)
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub max_paths: u64,
    /// Print nothing on success
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip the exact analysis (the exact_* columns stay empty)
    #[arg(long)]
    pub no_exact: bool,
    /// Walk states the exact analysis may expand before it gives up
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub exact_states: u64,
}

/// Output formats of `whatif tree`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TreeFormatArg {
    Text,
    Dot,
    Mermaid,
}

#[derive(Debug, Args)]
pub struct TreeArgs {
    /// Scenario file, or the name of a bundled scenario
    pub scenario: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = TreeFormatArg::Text)]
    pub format: TreeFormatArg,
    /// Levels of nodes to expand in the text format (default: all)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub depth: Option<u64>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (or bundled scenario names)
    #[arg(required = true)]
    pub scenarios: Vec<String>,
}
