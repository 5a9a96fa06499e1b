//! Reading scenario files from disk: the one place the command line touches the file
//! system for input (the engine takes text, so it also runs where there are no files).
//! Reads are bounded by bytes read, so `/dev/zero` or a pipe cannot grow without end.

use std::path::Path;
use whatif_core::scenario::{LoadError, MAX_SCENARIO_BYTES, Scenario};

/// Loads and validates a scenario file.
pub fn load_file(path: &Path) -> Result<Scenario, LoadError> {
    load_file_with_text(path).map(|(sc, _)| sc)
}

/// Loads and validates a scenario file, and returns its text too.
pub fn load_file_with_text(path: &Path) -> Result<(Scenario, String), LoadError> {
    let shown = crate::format::printable(&path.display().to_string()).into_owned();
    let src = read_text(path, &shown)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let bases = |name: &str| -> Result<(String, String), String> {
        let base = dir.join(name);
        if base.exists() {
            let shown = crate::format::printable(&base.display().to_string()).into_owned();
            let text = read_text(&base, &shown)
                .map_err(|e| e.problems.first().map_or_else(String::new, |p| p.message.clone()))?;
            return Ok((shown, text));
        }
        whatif_core::scenario::bundled_base(name)
            .map_err(|_| format!("there is no {} (paths are relative to the file that extends it)", base.display()))
    };
    let sc = whatif_core::scenario::load_str_with(&shown, &src, &bases)?;
    Ok((sc, src))
}

/// A file's text, read with the same limits as a scenario file's.
fn read_text(path: &Path, shown: &str) -> Result<String, LoadError> {
    let whole = |msg: String, help: &str| LoadError::whole_file(shown, msg, help);
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            whole("no such file".into(), "check the path, or run `whatif list` for the bundled scenarios")
        }
        _ => whole(format!("cannot read the file: {e}"), "check the path and its permissions"),
    })?;
    if meta.is_dir() {
        return Err(whole("this is a folder, not a scenario file".into(), "name a .yaml file inside it"));
    }
    if meta.len() > MAX_SCENARIO_BYTES {
        return Err(whole(
            format!("the file is {} bytes; scenario files are limited to {MAX_SCENARIO_BYTES} bytes", meta.len()),
            "split the scenario, or check that this is the file you meant",
        ));
    }
    // The size above is what the file system reports; /dev/zero or a pipe report none.
    // The read itself stops one byte past the limit.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_SCENARIO_BYTES + 1), &mut bytes))
        .map_err(|e| whole(format!("cannot read the file: {e}"), "check the path and its permissions"))?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(whole(
            format!("the file is more than {MAX_SCENARIO_BYTES} bytes long; scenario files are limited to that"),
            "split the scenario, or check that this is the file you meant",
        ));
    }
    let src = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let col = at - bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        whole(
            format!("the file is not UTF-8 text: byte 0x{:02X} at line {line}, column {col}", bytes[at]),
            "save the file as UTF-8 (most editors offer this under \"Save with encoding\")",
        )
    })?;
    Ok(src)
}
