//! Writing a set of result files all at once or not at all.
//!
//! Every file is first written to a hidden temporary file in the target folder; only
//! when all are complete are they renamed over the old ones. If anything fails (or the
//! set is dropped before [`FileSet::commit`]), the temporaries are removed and the
//! previous complete set stays as it was.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// An I/O failure with the path it concerns.
#[derive(Debug)]
pub struct OutputError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for OutputError {}

fn at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |error| OutputError { path: path.to_path_buf(), error }
}

/// A set of files being written into one folder.
pub struct FileSet {
    dir: PathBuf,
    /// (temporary path, final path)
    pending: Vec<(PathBuf, PathBuf)>,
}

impl FileSet {
    /// Prepares to write into `dir`, creating it if needed.
    pub fn new(dir: &Path) -> Result<Self, OutputError> {
        fs::create_dir_all(dir).map_err(at(dir))?;
        Ok(FileSet { dir: dir.to_path_buf(), pending: Vec::new() })
    }

    /// The folder written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A buffered temporary file that becomes `name` on commit.
    pub fn create(&mut self, name: &str) -> Result<BufWriter<File>, OutputError> {
        let tmp = self.dir.join(format!(".{name}.whatif-tmp-{}", std::process::id()));
        let file = File::create(&tmp).map_err(at(&tmp))?;
        self.pending.push((tmp, self.dir.join(name)));
        Ok(BufWriter::new(file))
    }

    /// Writes a whole file from bytes.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let mut w = self.create(name)?;
        let path = self.pending.last().map(|p| p.1.clone()).unwrap_or_default();
        w.write_all(bytes).map_err(at(&path))?;
        finish(w, &path)
    }

    /// Renames every temporary file into place, then removes `stale` files of an
    /// earlier run that this set does not replace.
    pub fn commit(mut self, stale: &[&str]) -> Result<Vec<PathBuf>, OutputError> {
        let pending = std::mem::take(&mut self.pending);
        let mut done = Vec::new();
        for (i, (tmp, path)) in pending.iter().enumerate() {
            if let Err(error) = fs::rename(tmp, path) {
                for (t, _) in &pending[i..] {
                    let _ = fs::remove_file(t);
                }
                return Err(OutputError { path: path.clone(), error });
            }
            done.push(path.clone());
        }
        for name in stale {
            let path = self.dir.join(name);
            if !done.contains(&path) && path.exists() {
                fs::remove_file(&path).map_err(at(&path))?;
            }
        }
        Ok(done)
    }
}

/// Flushes a writer made by [`FileSet::create`].
pub fn finish(w: BufWriter<File>, path: &Path) -> Result<(), OutputError> {
    let file = w.into_inner().map_err(|e| OutputError { path: path.to_path_buf(), error: e.into_error() })?;
    file.sync_all().map_err(at(path))
}

impl Drop for FileSet {
    fn drop(&mut self) {
        for (tmp, _) in &self.pending {
            let _ = fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_lands_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.csv"), "old").unwrap();
        {
            let mut set = FileSet::new(dir.path()).unwrap();
            set.write("a.csv", b"new").unwrap();
            // dropped without commit
        }
        assert_eq!(fs::read_to_string(dir.path().join("a.csv")).unwrap(), "old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "temporaries removed");
        let mut set = FileSet::new(dir.path()).unwrap();
        set.write("a.csv", b"new").unwrap();
        fs::write(dir.path().join("runs.csv"), "stale").unwrap();
        set.commit(&["runs.csv"]).unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("a.csv")).unwrap(), "new");
        assert!(!dir.path().join("runs.csv").exists());
    }
}
