//! One module per subcommand; [`dispatch`] maps the parsed command line to them.

mod check;
mod run;
mod tree;

use crate::cli::{Cli, Command};
use crate::engine::simulate::SimError;
use crate::output::atomic::OutputError;
use crate::scenario::{self, LoadError, Scenario, bundled};
use std::io::Write;
use std::path::Path;

/// Why a command failed, and so its exit status.
#[derive(Debug)]
pub enum AppError {
    /// Invalid scenario files (exit 2).
    Scenario(Vec<LoadError>),
    /// The scenario failed while running (e.g. all weights 0 at some visit; exit 2).
    Run(SimError),
    /// Results could not be written (exit 1).
    Output(OutputError),
}

impl AppError {
    /// The process exit status: 2 for bad input, 1 for any other failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Scenario(_) => 2,
            AppError::Run(SimError::NoWeight { .. }) => 2,
            AppError::Run(_) | AppError::Output(_) => 1,
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Scenario(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            AppError::Run(e) => write!(f, "error: {e}\nnothing was written"),
            AppError::Output(e) => write!(f, "error: {e}"),
        }
    }
}

impl From<OutputError> for AppError {
    fn from(e: OutputError) -> Self {
        AppError::Output(e)
    }
}

/// Runs a parsed command line.
pub fn dispatch(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Check(args) => check::check(&args),
        Command::Tree(args) => tree::tree(&args),
        Command::List => {
            let mut text = String::new();
            for b in bundled::ALL {
                let title =
                    scenario::load_str(&format!("{}.yaml", b.name), b.source).map(|s| s.title).unwrap_or_default();
                text.push_str(&format!("{:<46} {}\n", b.name, title));
            }
            print(&text);
            Ok(())
        }
    }
}

/// Loads a scenario named by a path, or by a bundled name when no such file exists.
pub fn load(arg: &str) -> Result<Scenario, LoadError> {
    let path = Path::new(arg);
    if !path.exists()
        && let Some(b) = bundled::find(arg.trim_end_matches(".yaml"))
    {
        return scenario::load_str(&format!("{}.yaml", b.name), b.source);
    }
    scenario::load_file(path)
}

/// Prints to stdout; a closed stdout (`whatif ... | head -1`) is not an error.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}
