//! The scenarios shipped inside the binary, so that `whatif run` works anywhere.

/// A bundled scenario: its name (the file stem) and its text.
pub struct Bundled {
    pub name: &'static str,
    pub source: &'static str,
}

/// The name run when `whatif run` is given no scenario.
pub const DEFAULT: &str = "putin_north_korea_visit";

/// All bundled scenarios, baseline first.
pub const ALL: &[Bundled] = &[
    Bundled {
        name: "putin_north_korea_visit",
        source: include_str!("../../../../scenarios/putin_north_korea_visit.yaml"),
    },
    Bundled {
        name: "putin_north_korea_visit_sanctions_tighten",
        source: include_str!("../../../../scenarios/putin_north_korea_visit_sanctions_tighten.yaml"),
    },
    Bundled {
        name: "putin_north_korea_visit_limited_cooperation",
        source: include_str!("../../../../scenarios/putin_north_korea_visit_limited_cooperation.yaml"),
    },
];

/// The bundled scenario with this name.
pub fn find(name: &str) -> Option<&'static Bundled> {
    ALL.iter().find(|b| b.name == name)
}

/// Every bundled scenario, loaded, then `extra` (a file's text) loaded too: what tests
/// of the walk's layout run on.
#[cfg(test)]
pub(crate) fn loaded_with(extra: &str) -> Vec<super::Scenario> {
    let sources = ALL.iter().map(|b| b.source).chain([extra]);
    sources.map(|src| super::load_str("t.yaml", src).unwrap_or_else(|e| panic!("{e}"))).collect()
}
