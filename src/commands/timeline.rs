//! `whatif timeline`: the indicators step by step, or at each visit of one node.

use super::{AppError, Settings, check_interrupt, load_one, manifest_file, show, shown_file};
use crate::analysis::timeline::{Clock, timeline as run_timeline};
use crate::cli::TimelineArgs;
use crate::output::analyses::{Presenter, timeline::TimelineView};
use crate::output::write_files;
use crate::scenario::diagnostic::suggest;

pub fn timeline(args: &TimelineArgs) -> Result<(), AppError> {
    let s = Settings::of(&args.sim);
    let sc = load_one(&args.scenario)?;
    if sc.indicators.is_empty() {
        return Err(AppError::Usage(format!("{} has no indicators, so there is no timeline to show", sc.file)));
    }
    let clock = match &args.node {
        None => Clock::Steps,
        Some(id) => match sc.nodes.iter().position(|n| &n.id == id) {
            Some(n) => Clock::Visits(n as u32),
            None => {
                let ids: Vec<&str> = sc.nodes.iter().map(|n| n.id.as_str()).collect();
                return Err(AppError::Usage(format!("no node `{id}` in {}; {}", sc.file, suggest(id, &ids, "node"))));
            }
        },
    };
    let folder = args.node.as_ref().map_or("timeline".to_string(), |n| format!("timeline_{n}"));
    let (dir, files) = s.prepare(&sc.stem, Some(&folder))?;
    let points = run_timeline(&sc, &s.sim, clock).map_err(AppError::Run)?;
    let view = TimelineView { scenario: &sc, clock, config: s.sim, points };
    check_interrupt()?;
    let node = args.node.as_ref().map(|n| format!(" --node {n}")).unwrap_or_default();
    let manifest = s.analysis("timeline", vec![&sc], format!("timeline {}{node}", shown_file(&sc)), Vec::new());
    write_files(files, &[view.files(), vec![manifest_file(&manifest)]].concat())?;
    show(&s, &sc, &view, &dir);
    Ok(())
}
