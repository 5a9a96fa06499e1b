//! How each analysis is shown: one module per analysis, each a [`Presenter`] over the
//! plain result the engine returned. A command is load, analyse, present; adding a way
//! to show an analysis (a chart, a format) touches only its module here.

pub mod compare;
pub mod converge;
pub mod explore;
pub mod run;
pub mod sensitivity;
pub mod sweep;
pub mod timeline;

use std::path::Path;

/// Everything a command shows of one analysis result.
pub trait Presenter {
    /// The files written into the command's folder (the command adds its manifest).
    fn files(&self) -> Vec<(&'static str, Vec<u8>)>;
    /// The terminal text (after the notice, except for a run, whose table carries it);
    /// `dir` is where the files went.
    fn text(&self, dir: &Path) -> String;
    /// The document `--format json` prints.
    fn json(&self) -> String;
}
