//! Everything `whatif` writes: one small module per format behind one interface, as
//! hyperfine does in its `src/export/`.
//!
//! A [`CsvTable`] (from the core, which the browser page shares) turns a [`RunReport`]
//! into one CSV file (README, "Output files").
//! [`write_files`] writes them all through an atomic [`atomic::FileSet`]; the terminal
//! table is in [`terminal`].

pub mod analyses;
pub mod atomic;
pub mod json;
mod manifest;
pub mod page;
pub mod provenance;
pub mod report;
pub mod side_by_side;
pub mod terminal;
pub mod tree;

use atomic::{FileSet, OutputError};
use std::path::{Path, PathBuf};

pub use crate::engine::exact::ExactStatus;
pub use whatif_core::export::{CsvTable, RunReport, SeedSource, listed, render, runs_header};

/// The tables every run writes (all but the optional `runs.csv`): the core's result
/// tables, then the manifest.
pub fn tables() -> Vec<Box<dyn CsvTable>> {
    let mut all = whatif_core::export::tables();
    all.push(Box::new(manifest::Manifest));
    all
}

/// A CSV file from a header and rows, in the same dialect as every other output.
pub fn csv_bytes<R: AsRef<[String]>>(header: &[&str], rows: &[R]) -> Vec<u8> {
    let mut w = crate::format::csv_writer();
    crate::format::record(&mut w, header).expect("writing CSV to memory cannot fail");
    for r in rows {
        crate::format::record(&mut w, r.as_ref()).expect("writing CSV to memory cannot fail");
    }
    w.into_inner().expect("writing CSV to memory cannot fail")
}

/// Writes whole files into a prepared set and commits it (all or none); files of an
/// earlier command in the folder that this set does not replace are removed.
pub fn write_files(mut set: FileSet, files: &[(&str, Vec<u8>)]) -> Result<Vec<PathBuf>, OutputError> {
    for (name, bytes) in files {
        set.write(name, bytes)?;
    }
    set.commit(provenance::KNOWN_FILES)
}

/// The default output folder for results named `name` (a scenario's file stem):
/// `output/<name>/`. A name that would not stay one folder inside `output/` (empty, `.`,
/// `..`, or holding a path separator, as a file named `...yaml` gives) is refused.
pub fn default_dir(name: &str) -> Result<PathBuf, String> {
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(format!(
            "the file name gives no usable output folder name (`{name}`); pass --out DIR, or rename the file"
        ));
    }
    Ok(Path::new("output").join(name))
}
