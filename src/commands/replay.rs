//! `whatif replay`: one run as a story.

use super::{AppError, load_one, print, resolve_seed};
use crate::analysis::replay::replay as tell;
use crate::cli::ReplayArgs;

pub fn replay(args: &ReplayArgs) -> Result<(), AppError> {
    let sc = load_one(&args.scenario)?;
    let (seed, _) = resolve_seed(args.seed);
    let story = tell(&sc, seed, args.run).map_err(AppError::Usage)?;
    print(&story);
    Ok(())
}
