//! `whatif page`: writes the browser page with the given scenarios preloaded (the
//! bundled ones when none are given). Each file is checked first; an invalid one stops
//! the command with its error, and nothing is written.

use super::{AppError, load_with_text};
use crate::cli::PageArgs;
use crate::output::atomic::{FileSet, OutputError};
use crate::output::page::{MAX_PAGE_BYTES, Preloaded, page as render};
use crate::scenario::bundled;

pub fn page(args: &PageArgs) -> Result<(), AppError> {
    let names: Vec<String> = if args.scenarios.is_empty() {
        bundled::ALL.iter().map(|b| format!("{}{}", super::BUNDLED_PREFIX, b.name)).collect()
    } else {
        args.scenarios.clone()
    };
    let mut preloaded = Vec::new();
    let mut errors = Vec::new();
    for name in &names {
        match load_with_text(name) {
            Ok((sc, yaml)) => preloaded.push(Preloaded { name: sc.file_name.clone(), title: sc.title.clone(), yaml }),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Scenario(errors));
    }
    let html = render(&preloaded);
    if html.len() > MAX_PAGE_BYTES {
        return Err(AppError::Usage(format!(
            "the page would be {} bytes, over the {MAX_PAGE_BYTES}-byte limit that keeps it small enough to e-mail; \
             preload fewer or smaller scenarios (a class can still open other files in the page)",
            html.len()
        )));
    }
    write(&args.out, html.as_bytes())?;
    if !args.quiet {
        println!(
            "wrote {} ({} KB, {} scenario(s)); open it in any browser, no network needed",
            args.out.display(),
            html.len() / 1024,
            preloaded.len()
        );
    }
    Ok(())
}

/// Writes the one file whole or not at all (a temporary file in the same folder,
/// renamed over the target).
fn write(out: &std::path::Path, bytes: &[u8]) -> Result<(), OutputError> {
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let name = out.file_name().and_then(|n| n.to_str()).ok_or_else(|| OutputError {
        path: out.to_path_buf(),
        error: std::io::Error::new(std::io::ErrorKind::InvalidInput, "give a file name, such as whatif.html"),
    })?;
    let mut set = FileSet::new(dir)?;
    set.write(name, bytes)?;
    set.commit(&[])?;
    Ok(())
}
