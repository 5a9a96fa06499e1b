//! One module per subcommand; [`dispatch`] maps the parsed command line to them.

mod check;
mod compare;
mod converge;
mod explore;
mod page;
mod replay;
mod report;
mod run;
mod sensitivity;
mod settings;
mod sweep;
mod timeline;
mod tree;

use crate::cli::{Cli, Command};
use crate::engine::simulate::SimError;
use crate::output::atomic::OutputError;
use crate::scenario::{self, LoadError, Scenario, bundled};
use clap::CommandFactory;
pub use settings::{Settings, resolve_seed};
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
    /// Arguments that parse but do not fit the scenario (exit 2).
    Usage(String),
    /// Ctrl-C (exit 130).
    Interrupted,
}

impl AppError {
    /// The process exit status: 2 for bad input, 1 for any other failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Scenario(_) | AppError::Usage(_) => 2,
            AppError::Run(SimError::NoWeight { .. } | SimError::GivenNever { .. } | SimError::Undecided { .. }) => 2,
            AppError::Interrupted | AppError::Run(SimError::Interrupted) => 130,
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
            AppError::Run(SimError::Interrupted) => write!(f, "{}", AppError::Interrupted),
            AppError::Run(e) => write!(f, "error: {e}\nnothing was written"),
            AppError::Output(e) => write!(f, "error: {e}"),
            AppError::Usage(e) => write!(f, "error: {e}\nnothing was written"),
            AppError::Interrupted => write!(f, "interrupted: nothing was written; earlier results are untouched"),
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
        Command::Compare(args) => compare::compare(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args),
        Command::Converge(args) => converge::converge(&args),
        Command::Timeline(args) => timeline::timeline(&args),
        Command::Replay(args) => replay::replay(&args),
        Command::Report(args) => report::report(&args),
        Command::Page(args) => page::page(&args),
        Command::Explore(args) => explore::explore(&args),
        Command::Schema => {
            print(&crate::scenario::model::json_schema());
            Ok(())
        }
        Command::Init(args) => init(&args),
        Command::Completions(args) => {
            let mut out = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "whatif", &mut out);
            print(&String::from_utf8_lossy(&out));
            Ok(())
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out).map_err(|e| AppError::Usage(e.to_string()))?;
            print(&String::from_utf8_lossy(&out));
            Ok(())
        }
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

/// The starter scenario of `whatif init`.
pub const STARTER: &str = include_str!("starter.yaml");

/// `whatif init FILE`: writes the starter, refusing to replace a file without `--force`.
fn init(args: &crate::cli::InitArgs) -> Result<(), AppError> {
    if args.file.exists() && !args.force {
        return Err(AppError::Usage(format!("{} exists; choose another name or add --force", args.file.display())));
    }
    let dir = args.file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name =
        args.file.file_name().ok_or_else(|| AppError::Usage(format!("{} is not a file name", args.file.display())))?;
    let mut set = crate::output::atomic::FileSet::new(dir)?;
    set.write(&name.to_string_lossy(), STARTER.as_bytes())?;
    set.commit(&[])?;
    print(&format!("wrote {}: edit it, then `whatif check {0}` and `whatif run {0}`\n", args.file.display()));
    Ok(())
}

/// Loads a scenario, as a command's error.
pub fn load_one(arg: &str) -> Result<Scenario, AppError> {
    load(arg).map_err(|e| AppError::Scenario(vec![e]))
}

/// Asks the command line's what-if questions of a loaded scenario: `--set`s first, then
/// `--force`s, then `--given`.
pub fn ask(mut sc: Scenario, q: &crate::cli::QuestionArgs) -> Result<Scenario, AppError> {
    for s in &q.changes.set {
        let (name, value) = s.split_once('=').ok_or_else(|| {
            AppError::Usage(format!("--set {s}: write NODE.BRANCH=WEIGHT or indicator.NAME.start=VALUE"))
        })?;
        let value: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| AppError::Usage(format!("--set {s}: `{}` is not a finite number", value.trim())))?;
        sc.set_value(name.trim(), value).map_err(AppError::Usage)?;
    }
    for f in &q.changes.force {
        let (node, branch) = f
            .split_once('=')
            .ok_or_else(|| AppError::Usage(format!("--force {f}: write NODE=BRANCH, e.g. summit=arms_talks")))?;
        sc.force(node.trim(), branch.trim()).map_err(AppError::Usage)?;
    }
    if let Some(g) = &q.given {
        sc.set_given(g).map_err(AppError::Usage)?;
    }
    Ok(sc)
}

/// The options of the questions asked of a scenario, each after a space (empty if none).
pub fn asked_args(sc: &Scenario) -> String {
    sc.asked.iter().map(|a| format!(" {a}")).collect()
}

/// The results folder of an analysis (`None`: the scenario's own folder) when questions
/// were asked: a folder of their own, named after them, so that they never overwrite
/// the results of the file as written.
pub fn asked_folder(sc: &Scenario, analysis: Option<&str>) -> Option<String> {
    if sc.asked.is_empty() {
        return analysis.map(String::from);
    }
    let mut slug = String::new();
    for c in sc.asked.join("_").chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' };
        if !(c == '_' && (slug.is_empty() || slug.ends_with('_'))) {
            slug.push(c);
        }
    }
    let slug: String = slug.trim_end_matches('_').chars().take(80).collect();
    Some(match analysis {
        Some(a) => format!("{a}_{slug}"),
        None => slug,
    })
}

/// The `manifest.csv` entry of an analysis folder.
pub fn manifest_file(analysis: &crate::output::provenance::Analysis) -> (&'static str, Vec<u8>) {
    ("manifest.csv", crate::output::provenance::analysis_manifest(analysis))
}

/// How a repeat command names a scenario: as recorded in the manifest.
pub fn shown_file(sc: &Scenario) -> String {
    crate::output::provenance::recorded_path(sc)
}

/// Fails with [`AppError::Interrupted`] once Ctrl-C was pressed (call before writing).
pub fn check_interrupt() -> Result<(), AppError> {
    if crate::interrupt::interrupted() { Err(AppError::Interrupted) } else { Ok(()) }
}

/// Shows an analysis: the notice and its table, or with `--format json` its document
/// (even with `--quiet`: a program that asks for JSON wants it).
pub fn show(s: &Settings, sc: &Scenario, view: &dyn crate::output::analyses::Presenter, dir: &Path) {
    if s.json {
        print(&view.json());
    } else {
        say(s, &(crate::output::terminal::notice(sc) + &view.text(dir)));
    }
}

/// Prints unless `--quiet`.
pub fn say(s: &Settings, text: &str) {
    if !s.quiet {
        print(text);
    }
}

/// Loads a scenario named by a path, or by a bundled name (`NAME` or `bundled:NAME`).
/// Which one ran is never a guess: a path that exists wins, and a bare name that is
/// both a bundled scenario and, with `.yaml`, a file here is refused, naming both.
pub fn load(arg: &str) -> Result<Scenario, LoadError> {
    load_with_text(arg).map(|(sc, _)| sc)
}

/// [`load`], also returning the scenario's text.
pub fn load_with_text(arg: &str) -> Result<(Scenario, String), LoadError> {
    let not_bundled = |name: &str| {
        LoadError::whole_file(arg, format!("no bundled scenario is named `{name}`"), "run `whatif list` to see them")
    };
    if let Some(name) = arg.strip_prefix(BUNDLED_PREFIX) {
        let name = name.trim_end_matches(".yaml");
        return bundled::find(name).map_or_else(|| Err(not_bundled(name)), load_bundled);
    }
    let path = Path::new(arg);
    if path.exists() {
        return crate::files::load_file_with_text(path);
    }
    let Some(b) = bundled::find(arg.trim_end_matches(".yaml")) else { return crate::files::load_file_with_text(path) };
    let local = Path::new(".").join(format!("{}.yaml", b.name));
    if local.exists() {
        return Err(LoadError::whole_file(
            arg,
            format!("`{arg}` could mean the file {} or the bundled scenario of that name", local.display()),
            format!("write `{}` for the file, or `{BUNDLED_PREFIX}{}` for the bundled one", local.display(), b.name),
        ));
    }
    load_bundled(b)
}

/// How a bundled scenario is named on the command line and in messages.
pub const BUNDLED_PREFIX: &str = "bundled:";

fn load_bundled(b: &bundled::Bundled) -> Result<(Scenario, String), LoadError> {
    let mut sc = scenario::load_str(&format!("{}.yaml", b.name), b.source)?;
    sc.file = format!("{BUNDLED_PREFIX}{}", b.name);
    Ok((sc, b.source.to_string()))
}

/// Prints to stdout; a closed stdout (`whatif ... | head -1`) is not an error.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}
