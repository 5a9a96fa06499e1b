//! The options shared by every simulating command, resolved once into the values the
//! command uses: seed and its source, runs, threads, the output folder, quietness, the
//! output format and the exact analysis's budget. Commands never read raw flags.

use super::AppError;
use crate::cli::{DEFAULT_SEED, FormatArg, SeedArg, SimArgs};
use crate::engine::exact::Budget;
use crate::engine::simulate::SimConfig;
use crate::output::SeedSource;
use crate::output::atomic::FileSet;
use crate::output::provenance::Analysis;
use crate::scenario::Scenario;
use std::path::PathBuf;

/// What a simulating command was asked to do, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Runs, seed, threads; `max_paths` is 0 unless the command lists paths.
    pub sim: SimConfig,
    pub seed_source: SeedSource,
    /// `--out`, if given.
    pub out: Option<PathBuf>,
    pub quiet: bool,
    pub json: bool,
    /// The exact analysis's budget.
    pub exact: Budget,
}

impl Settings {
    /// Resolves the shared options (a random seed is drawn here, once).
    pub fn of(args: &SimArgs) -> Self {
        let (seed, seed_source) = resolve_seed(args.seed);
        let threads = args
            .threads
            .map(|t| t as usize)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        Settings {
            sim: SimConfig { runs: args.runs, seed, threads, max_paths: 0 },
            seed_source,
            out: args.out.clone(),
            quiet: args.quiet,
            json: args.format == FormatArg::Json,
            exact: Budget::default(),
        }
    }

    /// `--out`, or `output/<stem>/`, or for an analysis `output/<stem>/<analysis>/` (a
    /// folder of its own, named after what it did).
    pub fn folder(&self, stem: &str, analysis: Option<&str>) -> Result<PathBuf, AppError> {
        if let Some(dir) = &self.out {
            return Ok(dir.clone());
        }
        let dir = crate::output::default_dir(stem).map_err(AppError::Usage)?;
        match analysis {
            None => Ok(dir),
            Some(sub) => {
                let sub = crate::output::default_dir(sub).map_err(AppError::Usage)?;
                Ok(dir.join(sub.file_name().expect("a checked folder name")))
            }
        }
    }

    /// The output folder, prepared before any work: an unwritable folder or an unusable
    /// name fails at once, not after a long computation.
    pub fn prepare(&self, stem: &str, analysis: Option<&str>) -> Result<(PathBuf, FileSet), AppError> {
        let dir = self.folder(stem, analysis)?;
        let files = FileSet::new(&dir)?;
        Ok((dir, files))
    }

    /// The manifest of an analysis of `scenarios`: `command` is what the repeat command
    /// says before `--runs N --seed S` (for example `sweep FILE --vary X=0:1:3`).
    pub fn analysis<'a>(
        &self,
        name: &'a str,
        scenarios: Vec<&'a Scenario>,
        command: String,
        extra: Vec<(String, String)>,
    ) -> Analysis<'a> {
        Analysis {
            name,
            scenarios,
            seed: self.sim.seed,
            seed_source: self.seed_source,
            runs: self.sim.runs,
            repeat_with: format!("whatif {command} --runs {} --seed {}", self.sim.runs, self.sim.seed),
            extra,
        }
    }
}

/// The seed of a command: the default, the one given, or a random one.
pub fn resolve_seed(seed: Option<SeedArg>) -> (u64, SeedSource) {
    match seed {
        None => (DEFAULT_SEED, SeedSource::Default),
        Some(SeedArg::Fixed(s)) => (s, SeedSource::Given),
        Some(SeedArg::Random) => (rand::random::<u64>(), SeedSource::Random),
    }
}
