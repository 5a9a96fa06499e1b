//! `whatif tree`: print the structure of a scenario.

use super::{AppError, load_one, print};
use crate::cli::{TreeArgs, TreeFormatArg};
use crate::engine::exact::Budget;
use crate::output::ExactStatus;
use crate::output::tree::{self, TreeInput};

pub fn tree(args: &TreeArgs) -> Result<(), AppError> {
    let sc = load_one(&args.scenario)?;
    let exact = ExactStatus::compute(&sc, Budget::default());
    let name = match args.format {
        TreeFormatArg::Svg => {
            let picture = crate::diagram::svg(&sc, exact.get()).map_err(AppError::Usage)?;
            print(&picture);
            return Ok(());
        }
        TreeFormatArg::Text => "text",
        TreeFormatArg::Dot => "dot",
        TreeFormatArg::Mermaid => "mermaid",
    };
    let renderer = tree::format(name).expect("every TreeFormatArg has a renderer");
    let input = TreeInput {
        scenario: &sc,
        exact: exact.get(),
        exact_note: exact.note(),
        depth: args.depth.map_or(usize::MAX, |d| d as usize),
    };
    print(&renderer.render(&input));
    Ok(())
}
