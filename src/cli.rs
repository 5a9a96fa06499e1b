//! The command line: clap definitions and nothing else.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The seed used when none is given, so that a bare command is reproducible.
pub const DEFAULT_SEED: u64 = 42;

/// whatif: illustrative what-if scenarios, simulated with seeded Monte Carlo.
///
/// Results describe invented scenarios for teaching and discussion. They are never forecasts.
#[derive(Debug, Parser)]
#[command(
    name = "whatif",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = "Results describe invented, illustrative scenarios; they are never forecasts.\n\nExamples:\n  whatif run\n  whatif compare putin_north_korea_visit putin_north_korea_visit_sanctions_tighten"
)]
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
    /// Run a baseline and variants with the same seed; paired differences with intervals
    #[command(
        after_help = "Example:\n  whatif compare putin_north_korea_visit putin_north_korea_visit_sanctions_tighten putin_north_korea_visit_limited_cooperation"
    )]
    Compare(CompareArgs),
    /// How outcome shares move as one weight (or an indicator's start) varies
    #[command(
        after_help = "Examples:\n  whatif sweep putin_north_korea_visit --vary reaction.new_sanctions=0:12:7\n  whatif sweep putin_north_korea_visit --vary indicator.regional_tension.start=0:6:4"
    )]
    Sweep(SweepArgs),
    /// Tornado table: each branch weight scaled down and up, the swing in each outcome
    #[command(after_help = "Example:\n  whatif sensitivity putin_north_korea_visit --factors 0.5,2")]
    Sensitivity(SensitivityArgs),
    /// Shares and interval widths at growing run counts, next to the exact values
    #[command(after_help = "Example:\n  whatif converge putin_north_korea_visit --runs 1000000")]
    Converge(ConvergeArgs),
    /// Each indicator step by step (or at each visit of one node): mean and 90% band
    #[command(
        after_help = "Examples:\n  whatif timeline putin_north_korea_visit\n  whatif timeline outbreak.yaml --node week"
    )]
    Timeline(TimelineArgs),
    /// Sample the file's ranges of doubt: how outcome probabilities spread, what drives them, where a question holds
    #[command(
        after_help = "Examples:\n  whatif explore lesson.yaml --samples 500\n  whatif explore lesson.yaml --when \"Large outbreak > 0.3\"\n  whatif explore lesson.yaml --when \"No outbreak is most likely\""
    )]
    Explore(ExploreArgs),
    /// A self-contained HTML page with charts (works offline)
    #[command(after_help = "Example:\n  whatif report putin_north_korea_visit --runs 200000")]
    Report(ReportArgs),
    /// The interactive browser page (one offline HTML file with the engine inside)
    #[command(after_help = "Examples:\n  whatif page\n  whatif page lesson.yaml lesson_variant.yaml --out lesson.html")]
    Page(PageArgs),
    /// Tell one run as a story, step by step
    #[command(after_help = "Example:\n  whatif replay putin_north_korea_visit --run 17")]
    Replay(ReplayArgs),
    /// List the bundled scenarios
    #[command(after_help = "Example:\n  whatif list")]
    List,
    /// Print the JSON Schema of the scenario format, for editors
    #[command(after_help = "Example:\n  whatif schema > whatif.schema.json")]
    Schema,
    /// Write a commented starter scenario
    #[command(after_help = "Example:\n  whatif init my_scenario.yaml && whatif check my_scenario.yaml")]
    Init(InitArgs),
    /// Print shell completions
    #[command(after_help = "Example:\n  whatif completions bash > ~/.local/share/bash-completion/completions/whatif")]
    Completions(CompletionsArgs),
    /// Print the manual page (roff)
    #[command(after_help = "Example:\n  whatif man > whatif.1 && man ./whatif.1")]
    Man,
}

impl Cli {
    /// Whether the command was given `--quiet`.
    pub fn quiet(&self) -> bool {
        match &self.command {
            Command::Run(a) => a.sim.quiet,
            Command::Compare(a) => a.sim.quiet,
            Command::Sweep(a) => a.sim.quiet,
            Command::Sensitivity(a) => a.sim.quiet,
            Command::Converge(a) => a.sim.quiet,
            Command::Report(a) => a.sim.quiet,
            _ => false,
        }
    }
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

/// Options shared by every command that simulates.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Number of simulated runs
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000_000))]
    pub runs: u64,
    /// Seed (a whole number), or `random` to draw one and record it
    #[arg(long, value_parser = parse_seed)]
    pub seed: Option<SeedArg>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Output folder (default: under output/, named after the scenario file)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print nothing on success
    #[arg(long, short)]
    pub quiet: bool,
    /// What to print on stdout: tables, or the results as JSON (the files are written either way)
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file, or the name of a bundled scenario (see `whatif list`)
    pub scenario: Option<String>,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub ask: QuestionArgs,
    /// Also write runs.csv, one row per run
    #[arg(long)]
    pub per_run: bool,
    /// Most frequent paths listed in paths.csv, at most 100,000 (0: no path rows)
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub max_paths: u64,
    /// Also write report.html (charts; opens offline)
    #[arg(long)]
    pub report: bool,
    /// Skip the exact analysis (the exact_* columns stay empty)
    #[arg(long)]
    pub no_exact: bool,
    /// Walk states the exact analysis may expand before it gives up
    #[arg(long, default_value_t = crate::engine::exact::DEFAULT_MAX_STATES, value_parser = clap::value_parser!(u64).range(1..))]
    pub exact_states: u64,
    /// Order of the outcomes in tables: as written in the file, or by share of runs
    #[arg(long, value_enum, default_value_t = SortArg::File)]
    pub sort: SortArg,
}

/// What a command prints on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FormatArg {
    /// Tables for people
    #[default]
    Text,
    /// One JSON document for programs (shape in the README)
    Json,
}

/// How outcome tables are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SortArg {
    /// The order the outcomes are written in the file (a list, not a ranking)
    #[default]
    File,
    /// Most runs first
    Share,
}

/// Output formats of `whatif tree`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TreeFormatArg {
    Text,
    /// A diagram sized for a 16:9 slide (conditions, chances and loops drawn)
    Svg,
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

/// Changes asked of the files without editing them (`compare` asks them of every file).
#[derive(Debug, Args, Default, Clone)]
pub struct ChangeArgs {
    /// Set a base weight or a start: NODE.BRANCH=W or indicator.NAME.start=V (repeatable)
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// An intervention: NODE always takes BRANCH (repeatable)
    #[arg(long, value_name = "NODE=BRANCH")]
    pub force: Vec<String>,
}

/// What-if questions asked of a file without editing it: changes and a condition.
/// (`compare` takes only the changes: conditioned files would count different runs, so
/// their differences could not be paired.)
#[derive(Debug, Args, Default, Clone)]
pub struct QuestionArgs {
    #[command(flatten)]
    pub changes: ChangeArgs,
    /// An observation: count only runs that end with CONDITION true (the file's condition language)
    #[arg(long, value_name = "CONDITION")]
    pub given: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The baseline scenario, then one or more variants (one file with --options)
    #[arg(required = true, num_args = 1..)]
    pub scenarios: Vec<String>,
    /// Compare every option of this node side by side (each forced in turn), instead of files
    #[arg(long, value_name = "NODE")]
    pub options: Option<String>,
    /// With --options: rank the options by the mean of this indicator
    #[arg(long, value_name = "INDICATOR", requires = "options")]
    pub by: Option<String>,
    /// Also write report.html with the paired differences
    #[arg(long)]
    pub report: bool,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub ask: ChangeArgs,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    pub scenario: String,
    /// What to vary: NODE.BRANCH=LO:HI:STEPS (a base weight) or indicator.NAME.start=LO:HI:STEPS
    #[arg(long, required = true, value_parser = crate::analysis::sweep::parse_vary)]
    pub vary: crate::analysis::sweep::VarySpec,
    #[command(flatten)]
    pub sim: SimArgs,
}

/// `LOW,HIGH` factors for `sensitivity`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Factors(pub f64, pub f64);

fn parse_factors(s: &str) -> Result<Factors, String> {
    let (a, b) = s.split_once(',').ok_or_else(|| format!("`{s}` is not LOW,HIGH (e.g. 0.5,2)"))?;
    let f = |x: &str| x.trim().parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0);
    match (f(a), f(b)) {
        (Some(lo), Some(hi)) if lo < hi => Ok(Factors(lo, hi)),
        (Some(_), Some(_)) => Err("LOW must be below HIGH".into()),
        _ => Err(format!("`{s}`: both factors must be positive numbers, e.g. 0.5,2")),
    }
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    pub scenario: String,
    /// The factors each weight is multiplied by, LOW,HIGH
    #[arg(long, default_value = "0.5,2", value_parser = parse_factors)]
    pub factors: Factors,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub struct ExploreArgs {
    pub scenario: String,
    /// Samples of the ranges (a Latin hypercube: each range cut into this many equal-chance slices, one value from each)
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    pub samples: u64,
    /// A question about the outcome probabilities, e.g. "All three consequences > 0.1" or "One of the three consequences is most likely": where in the ranges it holds
    #[arg(long)]
    pub when: Option<String>,
    /// Runs, seed, threads and output; runs are used only for samples the exact analysis cannot do
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    pub scenario: String,
    /// Read the values at each visit of this node (a loop's week, say) instead of after each step
    #[arg(long)]
    pub node: Option<String>,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub struct ConvergeArgs {
    pub scenario: String,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    pub scenario: String,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub ask: QuestionArgs,
    /// Order of the outcomes: as written in the file, or by share of runs
    #[arg(long, value_enum, default_value_t = SortArg::File)]
    pub sort: SortArg,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    pub scenario: String,
    /// The run to tell (0-based, as in runs.csv)
    #[arg(long)]
    pub run: u64,
    /// Seed (as given to `run`)
    #[arg(long, value_parser = parse_seed)]
    pub seed: Option<SeedArg>,
}

#[derive(Debug, Args)]
pub struct PageArgs {
    /// Scenario files (or bundled names) to preload, the first shown first (default: the bundled ones)
    pub scenarios: Vec<String>,
    /// The page to write
    #[arg(long, default_value = "output/whatif.html")]
    pub out: PathBuf,
    /// Print nothing on success
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The file to write
    pub file: PathBuf,
    /// Replace the file if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files (or bundled scenario names)
    #[arg(required = true)]
    pub scenarios: Vec<String>,
    /// What to print: a summary for people, or a JSON array with one entry per valid file
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    #[command(flatten)]
    pub ask: QuestionArgs,
}
