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

/// How long a loop runs before its bar appears (`WHATIF_PROGRESS_DELAY_MS` overrides
/// it, for tests and demonstrations).
fn delay() -> Duration {
    std::env::var("WHATIF_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

struct Tracker {
    started: Instant,
    delay: Duration,
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
        *cur = Some(Tracker { started: Instant::now(), delay: delay(), total, done: 0, bar: None });
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
    if t.bar.is_none() && t.started.elapsed() >= t.delay {
        let bar = ProgressBar::new(t.total);
        // The rate and time left are ours, over the whole loop: indicatif would measure
        // them from the bar's creation, a second in, and see a jump.
        let style = ProgressStyle::with_template("{bar:36} {human_pos}/{human_len} runs  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        t.bar = Some(bar);
    }
    if let Some(bar) = &t.bar {
        let secs = t.started.elapsed().as_secs_f64();
        let rate = t.done as f64 / secs.max(1e-9);
        let left = (t.total - t.done.min(t.total)) as f64 / rate.max(1e-9);
        bar.set_message(format!("{} runs/s, {} left", crate::output::terminal::count(rate as u64), duration(left)));
        bar.set_position(t.done);
    }
}

/// `42 s`, `3 min 5 s`, `2 h 1 min`.
pub fn duration(secs: f64) -> String {
    let s = secs.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(0.4), "0 s");
        assert_eq!(duration(59.4), "59 s");
        assert_eq!(duration(185.0), "3 min 5 s");
        assert_eq!(duration(7260.0), "2 h 1 min");
    }
}
