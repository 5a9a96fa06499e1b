//! A progress bar on stderr for long simulations: runs done, runs per second and time
//! left. It appears only when the binary enabled it (stderr is a terminal and `--quiet`
//! is off) and only once a loop has taken about a second, so short commands and
//! scripts see nothing.

use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static ENABLED: AtomicBool = AtomicBool::new(false);
static CURRENT: Mutex<Option<Tracker>> = Mutex::new(None);

/// How long a loop runs before its bar appears.
const DELAY: Duration = Duration::from_secs(1);

struct Tracker {
    started: Instant,
    total: u64,
    done: u64,
    bar: Option<ProgressBar>,
}

/// Lets loops show progress (the binary calls this when stderr is a terminal).
pub fn enable() {
    ENABLED.store(true, Ordering::SeqCst);
}

/// A loop over `total` runs begins.
pub fn start(total: u64) {
    if ENABLED.load(Ordering::Relaxed)
        && let Ok(mut cur) = CURRENT.lock()
    {
        *cur = Some(Tracker { started: Instant::now(), total, done: 0, bar: None });
    }
}

/// `n` more runs are done.
pub fn advance(n: u64) {
    if !ENABLED.load(Ordering::Relaxed) {
        return;
    }
    let Ok(mut cur) = CURRENT.lock() else { return };
    let Some(t) = cur.as_mut() else { return };
    t.done += n;
    if t.bar.is_none() && t.started.elapsed() >= DELAY {
        let bar = ProgressBar::new(t.total);
        let style = ProgressStyle::with_template("{bar:36} {human_pos}/{human_len} runs  {per_sec}  {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        t.bar = Some(bar);
    }
    if let Some(bar) = &t.bar {
        bar.set_position(t.done);
    }
}

/// The loop ended (or failed): the bar, if any, is cleared.
pub fn finish() {
    if let Ok(mut cur) = CURRENT.lock()
        && let Some(t) = cur.take()
        && let Some(bar) = t.bar
    {
        bar.finish_and_clear();
    }
}
