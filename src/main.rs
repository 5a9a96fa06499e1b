//! The `whatif` binary: parse arguments, call the library, map errors to exit codes.

use clap::Parser;

fn main() {
    let cli = whatif::cli::Cli::parse();
    whatif::interrupt::install();
    whatif::parallel::install();
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) && !cli.quiet() {
        whatif::progress::enable();
    }
    if let Err(e) = whatif::commands::dispatch(cli) {
        // Messages quote the user's file; nothing in them may act on the terminal.
        eprintln!("{}", whatif::format::printable(&e.to_string()));
        std::process::exit(e.exit_code());
    }
    // A command that finished its output despite Ctrl-C (e.g. `tree` after an interrupted
    // exact analysis) still reports the interruption.
    if whatif::interrupt::interrupted() {
        eprintln!("interrupted");
        std::process::exit(130);
    }
}
