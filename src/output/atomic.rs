//! Writing a set of result files all at once or not at all.
//!
//! Every file is first written to a hidden temporary file in the target folder; only
//! when all are complete are they renamed over the old ones. If anything fails (or the
//! set is dropped before [`FileSet::commit`]), the temporaries are removed, a folder the
//! set created is removed again, and the previous complete set stays as it was.
//!
//! Temporary files are created exclusively under an unpredictable name (never through a
//! planted link) and locked by their writer while it lives. A commit holds a lock on the
//! folder, so two commands writing into one folder at once end with one whole set (the
//! later one), never a mix; while it holds that lock it also removes the temporaries of
//! writers that died (killed, say), which nobody holds locked any more.

use std::fs::{self, File, OpenOptions};
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

/// An [`OutputError`] maker for `path`.
pub fn at(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |error| OutputError { path: path.to_path_buf(), error }
}

/// What every temporary file's name contains.
const TMP_MARK: &str = ".whatif-tmp-";

/// A temporary file waiting for the commit.
struct Pending {
    tmp: PathBuf,
    path: PathBuf,
    /// A handle that keeps the temporary's lock while the set lives.
    _lock: File,
}

/// A set of files being written into one folder.
pub struct FileSet {
    dir: PathBuf,
    /// Folders this set created, outermost first; removed again if nothing is committed.
    created: Vec<PathBuf>,
    pending: Vec<Pending>,
    /// Keeps a signal from ending the process before this set has cleaned up.
    _hold: crate::interrupt::Hold,
}

impl FileSet {
    /// Prepares to write into `dir`, creating it if needed, and checks at once that files
    /// can be created there (so an unwritable folder fails before a long computation).
    pub fn new(dir: &Path) -> Result<Self, OutputError> {
        let mut set =
            FileSet { dir: dir.to_path_buf(), created: Vec::new(), pending: Vec::new(), _hold: Default::default() };
        let mut missing = Vec::new();
        let mut up = Some(dir);
        while let Some(d) = up.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            missing.push(d.to_path_buf());
            up = d.parent();
        }
        for d in missing.into_iter().rev() {
            fs::create_dir(&d).or_else(|e| if d.is_dir() { Ok(()) } else { Err(e) }).map_err(at(&d))?;
            set.created.push(d);
        }
        let (probe, _) = set.temporary("probe")?;
        fs::remove_file(&probe).map_err(at(&probe))?;
        Ok(set)
    }

    /// The folder written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new, locked temporary file for `name`, created exclusively under a random name.
    /// The folder is locked (shared) meanwhile, so that a commit's cleanup never sees a
    /// temporary between its creation and its lock.
    fn temporary(&self, name: &str) -> Result<(PathBuf, File), OutputError> {
        let _shared = lock_folder(&self.dir, false)?;
        loop {
            let tmp = self.dir.join(format!(".{name}{TMP_MARK}{}-{:016x}", std::process::id(), rand::random::<u64>()));
            match OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(file) => {
                    // Where the platform has no locks, stale files are only found by name.
                    let _ = file.try_lock();
                    return Ok((tmp, file));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(at(&tmp)(e)),
            }
        }
    }

    /// A buffered temporary file that becomes `name` on commit.
    pub fn create(&mut self, name: &str) -> Result<BufWriter<File>, OutputError> {
        let (tmp, file) = self.temporary(name)?;
        let lock = file.try_clone().map_err(at(&tmp))?;
        self.pending.push(Pending { tmp, path: self.dir.join(name), _lock: lock });
        Ok(BufWriter::new(file))
    }

    /// Writes a whole file from bytes.
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let mut w = self.create(name)?;
        let path = self.dir.join(name);
        w.write_all(bytes).map_err(at(&path))?;
        finish(w, &path)
    }

    /// Renames every temporary file into place, then removes `stale` files of an
    /// earlier run that this set does not replace, all under the folder's lock.
    pub fn commit(mut self, stale: &[&str]) -> Result<Vec<PathBuf>, OutputError> {
        let _guard = lock_folder(&self.dir, true)?;
        remove_dead_temporaries(&self.dir, &self.pending);
        let pending = std::mem::take(&mut self.pending);
        let mut done = Vec::new();
        for (i, p) in pending.iter().enumerate() {
            if let Err(error) = fs::rename(&p.tmp, &p.path) {
                for q in &pending[i..] {
                    let _ = fs::remove_file(&q.tmp);
                }
                return Err(OutputError { path: p.path.clone(), error });
            }
            done.push(p.path.clone());
        }
        self.created.clear();
        for name in stale {
            let path = self.dir.join(name);
            if !done.contains(&path) && path.symlink_metadata().is_ok() {
                fs::remove_file(&path).map_err(at(&path))?;
            }
        }
        Ok(done)
    }
}

/// The folder's lock (exclusive, or shared), held until the guard is dropped.
fn lock_folder(dir: &Path, exclusive: bool) -> Result<Option<File>, OutputError> {
    if cfg!(unix) {
        let handle = File::open(dir).map_err(at(dir))?;
        if exclusive { handle.lock() } else { handle.lock_shared() }.map_err(at(dir))?;
        Ok(Some(handle))
    } else {
        Ok(None)
    }
}

/// Removes temporary files in `dir` that no living writer holds: left by a writer that
/// was killed before it could clean up.
fn remove_dead_temporaries(dir: &Path, mine: &[Pending]) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        if !name.starts_with('.') || !name.contains(TMP_MARK) || mine.iter().any(|p| p.tmp == path) {
            continue;
        }
        let Ok(meta) = path.symlink_metadata() else { continue };
        // A link or other non-file under a temporary's name was planted: remove the name
        // itself (never what it points to).
        let dead = !meta.is_file() || File::open(&path).is_ok_and(|f| f.try_lock().is_ok());
        if dead {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Flushes a writer made by [`FileSet::create`].
pub fn finish(w: BufWriter<File>, path: &Path) -> Result<(), OutputError> {
    let file = w.into_inner().map_err(|e| OutputError { path: path.to_path_buf(), error: e.into_error() })?;
    file.sync_all().map_err(at(path))
}

impl Drop for FileSet {
    fn drop(&mut self) {
        for p in &self.pending {
            let _ = fs::remove_file(&p.tmp);
        }
        // Innermost first; a folder that is not empty (someone else wrote there) stays.
        for d in self.created.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

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

    #[test]
    fn a_folder_created_for_a_set_that_is_never_committed_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b");
        {
            let mut set = FileSet::new(&out).unwrap();
            set.write("x.csv", b"x").unwrap();
        }
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }

    #[test]
    fn dead_temporaries_go_living_ones_stay_and_links_are_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "precious").unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        // Left by a killed writer (unlocked), and a planted link under a temporary's name.
        fs::write(out.join(".outcomes.csv.whatif-tmp-1234"), "half").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, out.join(".runs.csv.whatif-tmp-99")).unwrap();
        // A living writer's temporary.
        let mut other = FileSet::new(&out).unwrap();
        let _w = other.create("paths.csv").unwrap();
        let mut set = FileSet::new(&out).unwrap();
        set.write("outcomes.csv", b"new").unwrap();
        set.commit(&[]).unwrap();
        let left = names(&out);
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(left.contains(&"outcomes.csv".to_string()));
        assert!(left.iter().any(|n| n.starts_with(".paths.csv.whatif-tmp-")), "{left:?}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    }
}
