//! The simulation driver: chunks of runs on a thread pool, merged in chunk order.
//!
//! Runs are cut into chunks of [`CHUNK_RUNS`]. Batches of chunks run in parallel; each
//! batch's results are merged into the total in chunk order before the next batch
//! starts, so memory stays flat in the run count and every statistic is computed in the
//! same order whatever the thread count (the path summary is merged by shards, off the
//! in-order merge, to the same result: see `path_shards`). Run `i` always uses run key
//! `i` of the seed, so the first 1,000 runs of `--runs 10000` are the runs of
//! `--runs 1000`.

use super::collect::{Collectors, Kind};
use super::path_shards::{ChunkPaths, Piece, ShardedPaths, StopStats};
use super::paths::{PathEntry, PathMap, PathTally, TopPaths, leaders};
use super::plan::Plan;
use super::prefixes::Prefixes;
use super::rng::{RunKeys, run_key};
use super::tally::{Tally, Times};
use super::walk::{Held, Observer, Quiet, Recorder, Stop, Walker};
use crate::format;
use crate::scenario::Scenario;
use std::collections::HashMap;
use std::io::Write;

/// Runs per chunk. Part of the output contract: statistics are merged chunk by chunk.
pub const CHUNK_RUNS: u64 = 4096;

/// What to simulate.
#[derive(Debug, Clone, Copy)]
pub struct SimConfig {
    pub runs: u64,
    pub seed: u64,
    pub threads: usize,
    /// Rows of `paths.csv` (0: do not tally paths).
    pub max_paths: usize,
}

/// One row of the path table.
#[derive(Debug, Clone, PartialEq)]
pub struct PathRow {
    /// Global branch indexes, in order.
    pub branches: Vec<u32>,
    pub outcome: u32,
    pub runs: u64,
}

/// The result of a simulation.
#[derive(Debug, Clone)]
pub struct SimResult {
    pub tally: Tally,
    /// The most frequent paths with exact counts, most frequent first.
    pub paths: Vec<PathRow>,
    /// Runs whose path is not in `paths`.
    pub other_paths_runs: u64,
    /// Whether the path tally overflowed and a second pass counted the candidates.
    pub paths_second_pass: bool,
    /// Outcome counts at the checkpoints 10, 20, 50, 100, ... runs and at the end, from
    /// this same pass (what `converge` reports, without a second simulation).
    pub convergence: Vec<Checkpoint>,
    /// What the path summary's stops cost (see `path_shards`), for the benchmarks.
    pub path_stops: StopStats,
}

/// Why a simulation stopped.
#[derive(Debug)]
pub enum SimError {
    /// A visit where every weight was 0: an error of the scenario, found at run time.
    NoWeight { run: u64, node: String, visit: u32, path: String },
    /// Writing the per-run table failed.
    Write(std::io::Error),
    /// Ctrl-C was pressed.
    Interrupted,
    /// With `given`: no run ended with the condition true, so there are no shares.
    GivenNever { condition: String, runs: u64 },
    /// A decision node has not been decided (`--force NODE=OPTION`).
    Undecided { node: String, options: Vec<String> },
}

/// The message for a decision not yet made, with the ways to make it.
pub fn undecided_message(node: &str, options: &[String]) -> String {
    format!(
        "node `{node}` is a decision, so runs cannot draw it: choose an option with --force {node}=OPTION \
         (options: {}), or compare them all with `whatif compare FILE --options {node}`",
        options.join(", ")
    )
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::NoWeight { run, node, visit, path } => write!(
                f,
                "run {run}: at visit {visit} of node `{node}` every branch weight is 0, so no branch can be chosen\n  \
                 path that led there: {path}\n  \
                 = help: give some branch of `{node}` a positive weight in this situation (check its `weight_if` entries)"
            ),
            SimError::Write(e) => write!(f, "cannot write the per-run table: {e}"),
            SimError::Interrupted => write!(f, "interrupted"),
            SimError::Undecided { node, options } => write!(f, "{}", undecided_message(node, options)),
            SimError::GivenNever { condition, runs } => write!(
                f,
                "none of the {runs} runs ends with `{condition}` true, so there are no shares to show\n  \
                 = help: check the condition with `whatif tree`, or ask for more --runs if it is rare"
            ),
        }
    }
}

impl std::error::Error for SimError {}

/// `a.x > b.y > ...` for a list of branches.
pub fn path_text(sc: &Scenario, branches: &[u32]) -> String {
    let parts: Vec<&str> = branches.iter().map(|&b| sc.branches[b as usize].full_id.as_str()).collect();
    parts.join(" > ")
}

/// Re-walks one run and returns its path, up to where it ended or stopped (for path rows
/// and error messages).
pub fn record_path(sc: &Scenario, seed: u64, run: u64) -> Vec<u32> {
    record_paths(sc, seed, &[run]).remove(0)
}

/// [`record_path`] for several runs, with one walker (its layout is made once).
pub fn record_paths(sc: &Scenario, seed: u64, runs: &[u64]) -> Vec<Vec<u32>> {
    let mut walker = Walker::new(sc);
    runs.iter()
        .map(|&run| {
            let mut rec = Recorder::default();
            let _ = walker.walk(run_key(seed, run), &mut rec);
            rec.path
        })
        .collect()
}

struct ChunkOut {
    tally: Tally,
    /// The chunk's paths, one piece per shard of the summary (empty without paths).
    paths: Vec<Piece>,
    rows: Vec<u8>,
    /// Outcome counts of this chunk's runs so far, at the checkpoints inside it.
    checkpoints: Vec<Checkpoint>,
}

/// Outcome counts of the first `runs` runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub runs: u64,
    pub outcome_runs: Vec<u64>,
}

pub(crate) fn chunk_range(cfg: &SimConfig, chunk: u64) -> (u64, u64) {
    let lo = chunk * CHUNK_RUNS;
    (lo, (lo + CHUNK_RUNS).min(cfg.runs))
}

/// What every chunk of one simulation shares, made once.
struct Shared<'a> {
    sc: &'a Scenario,
    cfg: &'a SimConfig,
    plan: Plan,
    /// How each indicator's values are collected.
    kinds: Vec<Kind>,
    /// Convergence checkpoints (run counts).
    points: Vec<u64>,
    want_rows: bool,
    /// The path summary, merged by whichever thread has a moment (none without paths).
    paths: Option<ShardedPaths>,
}

fn run_chunk(sh: &Shared, chunk: u64) -> Result<ChunkOut, (u64, Stop)> {
    let (sc, cfg, want_rows, kinds) = (sh.sc, sh.cfg, sh.want_rows, &sh.kinds);
    let (lo, hi) = chunk_range(cfg, chunk);
    if let Some(paths) = &sh.paths {
        paths.help(false);
    }
    let mut tally = Tally::new(sc.outcomes.len(), sc.branches.len(), sc.indicators.len());
    let mut paths = (cfg.max_paths > 0).then(|| ChunkPaths::new((hi - lo) as usize));
    let mut values = Collectors::new(kinds);
    let mut keys = RunKeys::new(cfg.seed, lo);
    let mut walker = Walker::with_plan(sc, &sh.plan);
    if cfg.max_paths == 0 {
        walker = walker.without_path_hash();
    }
    let mut rows = format::csv_writer();
    let mut rec = Recorder::default();
    let mut checkpoints = Vec::new();
    let mut next_point = sh.points.iter().copied().filter(|&p| p > lo && p <= hi).peekable();
    let mut held = Held::default();
    for run in lo..hi {
        if crate::interrupt::interrupted() {
            return Err((run, Stop::Interrupted));
        }
        let key = keys.next_key();
        rec.path.clear();
        let end = match (&sc.given, want_rows) {
            (None, false) if sh.plan.acyclic => walker.walk(key, &mut Times(&mut tally.times_taken)),
            (None, false) => walker.walk(key, &mut tally),
            (None, true) => walker.walk(key, &mut (&mut tally, &mut rec)),
            (Some(_), _) => {
                held.taken.clear();
                walker.walk(key, &mut (&mut held, &mut rec))
            }
        }
        .map_err(|e| (run, e))?;
        // With `given`, a run counts only if it ends with the condition true; its
        // branches were held back until that was known.
        let counts = match &sc.given {
            None => true,
            Some(_) if walker.given_holds() => {
                held.taken.iter().for_each(|&(b, first)| tally.taken(b, first));
                true
            }
            Some(_) => false,
        };
        if counts {
            tally.end_run(&end);
            if let Some(paths) = &mut paths {
                paths.add(end.path_hash, run, end.outcome);
            }
        } else {
            tally.excluded += 1;
        }
        if next_point.peek() == Some(&(run + 1)) {
            checkpoints.push(Checkpoint { runs: tally.runs, outcome_runs: tally.outcome_runs.clone() });
            next_point.next();
        }
        if !counts {
            continue;
        }
        values.push(walker.values());
        if want_rows {
            let mut record = vec![run.to_string(), sc.outcomes[end.outcome as usize].clone(), path_text(sc, &rec.path)];
            record.extend(walker.values().iter().map(|v| format::value(*v)));
            crate::format::record(&mut rows, &record).expect("writing to memory cannot fail");
        }
    }
    if sh.plan.acyclic {
        tally.runs_taking_as_times();
    }
    tally.indicators = values.finish();
    let paths = paths.map(ChunkPaths::into_pieces).unwrap_or_default();
    let rows = rows.into_inner().map_err(|e| e.into_error()).expect("writing to memory cannot fail");
    Ok(ChunkOut { tally, paths, rows, checkpoints })
}

/// Runs the simulation. With `rows`, writes one CSV row per run (no header) in run order.
pub fn simulate(
    sc: &Scenario,
    cfg: &SimConfig,
    mut rows: Option<&mut (dyn Write + Send)>,
) -> Result<SimResult, SimError> {
    if let Some((node, options)) = sc.undecided() {
        return Err(SimError::Undecided { node, options });
    }
    let cap = path_cap(cfg.max_paths);
    let mut total = Tally::new(sc.outcomes.len(), sc.branches.len(), sc.indicators.len());
    let shared = Shared {
        sc,
        cfg,
        plan: Plan::new(sc),
        kinds: (0..sc.indicators.len()).map(|i| Kind::of(sc, i)).collect(),
        points: crate::analysis::converge::checkpoints(cfg.runs),
        want_rows: rows.is_some(),
        paths: (cfg.max_paths > 0).then(|| ShardedPaths::new(cap, path_room(cap))),
    };
    let mut chunk = 0;
    let mut convergence = Vec::with_capacity(shared.points.len());
    in_chunks(
        cfg,
        |c| run_chunk(&shared, c),
        |out| -> Result<(), SimError> {
            let out = out.map_err(|(run, e)| no_weight(sc, cfg.seed, run, e))?;
            for mut point in out.checkpoints {
                point.runs += total.runs;
                point.outcome_runs.iter_mut().zip(&total.outcome_runs).for_each(|(a, b)| *a += b);
                convergence.push(point);
            }
            total.merge(out.tally);
            if let Some(paths) = &shared.paths {
                paths.push(chunk, out.paths);
            }
            chunk += 1;
            if let Some(w) = rows.as_mut() {
                w.write_all(&out.rows).map_err(SimError::Write)?;
            }
            Ok(())
        },
    )?;

    let mut path_stops = StopStats::default();
    if let Some(paths) = shared.paths {
        (total.paths, path_stops) = paths.finish();
    }
    if let Some(g) = &sc.given
        && total.runs == 0
    {
        return Err(SimError::GivenNever { condition: g.text.clone(), runs: total.excluded });
    }
    let (top, second_pass) = if cfg.max_paths == 0 {
        (Vec::new(), false)
    } else {
        match total.paths.top_paths(cfg.max_paths) {
            TopPaths::Known(top) => (top, false),
            TopPaths::Recount { above } => (recount_paths(sc, cfg, &mut total, above)?, true),
        }
    };
    let first_runs: Vec<u64> = top.iter().map(|(_, e)| e.first_run).collect();
    let paths: Vec<PathRow> = top
        .into_iter()
        .zip(record_paths(sc, cfg.seed, &first_runs))
        .map(|((_, e), branches)| PathRow { branches, outcome: e.outcome, runs: e.count })
        .collect();
    let listed: u64 = paths.iter().map(|p| p.runs).sum();
    // The summary has served its purpose; give its memory back before the caller goes on
    // (to the exact analysis, say), so the two never add up.
    total.paths = PathTally::default();
    Ok(SimResult {
        other_paths_runs: total.runs - listed,
        tally: total,
        paths,
        paths_second_pass: second_pass,
        convergence,
        path_stops,
    })
}

/// Runs `work` on every chunk of runs with the current executor (see
/// [`crate::executor`]) and hands the results to `merge` in chunk order, while later
/// chunks are computed. At most [`WINDOW_PER_THREAD`] results per thread wait for the
/// merge, so memory does not grow with the run count.
pub(crate) fn in_chunks<T: Send + 'static, E: From<Interrupted> + Send>(
    cfg: &SimConfig,
    work: impl Fn(u64) -> T + Sync,
    mut merge: impl FnMut(T) -> Result<(), E> + Send,
) -> Result<(), E> {
    let exec = crate::executor::current();
    let threads = cfg.threads.max(1);
    let n_chunks = cfg.runs.div_ceil(CHUNK_RUNS) as usize;
    let mut result: Result<(), E> = Ok(());
    exec.started(cfg.runs);
    let piece = |c: usize| -> crate::executor::Piece { Box::new(work(c as u64)) };
    let mut merge_piece = |c: usize, p: crate::executor::Piece| -> bool {
        if crate::interrupt::interrupted() {
            result = Err(Interrupted.into());
            return false;
        }
        let out = *p.downcast::<T>().expect("an executor returns what the work made");
        if let Err(e) = merge(out) {
            result = Err(e);
            return false;
        }
        let (lo, hi) = chunk_range(cfg, c as u64);
        exec.advanced(hi - lo);
        true
    };
    exec.ordered(threads, n_chunks, WINDOW_PER_THREAD * threads, &piece, &mut merge_piece);
    exec.finished();
    if result.is_ok() && crate::interrupt::interrupted() {
        result = Err(Interrupted.into());
    }
    result
}

/// Chunk results per thread that may wait for the merge.
pub const WINDOW_PER_THREAD: usize = 4;

/// Ctrl-C stopped a loop over chunks.
#[derive(Debug)]
pub struct Interrupted;

impl From<Interrupted> for SimError {
    fn from(_: Interrupted) -> Self {
        SimError::Interrupted
    }
}

/// The Misra-Gries cap (see `paths.rs`): the summary reduces itself when it holds more
/// than twice this many paths.
fn path_cap(max_paths: usize) -> usize {
    (4 * max_paths).max(49_152)
}

/// Room reserved in the total path summary: what it can hold before a reduction (twice
/// the cap, plus one chunk's paths), so that its hash tables (one per shard, each with
/// its share of the room) do not need to grow (growing doubles a table, and for a
/// moment holds both copies) and memory stays flat in the run count. A table rounds its
/// share up to a power of two slots at most 7/8 full; smaller tables are a faster merge
/// (fewer cache misses).
fn path_room(cap: usize) -> usize {
    2 * cap + CHUNK_RUNS as usize
}

/// A path's hash with its counts.
type HashedPath = ((u64, u64), PathEntry);

/// Bits of the second pass's filter (128 KB).
const FILTER_BITS: usize = 1 << 20;

/// The second pass: exact counts for the candidate paths that survived reduction; lists
/// those with more than `above` runs, most first.
fn recount_paths(sc: &Scenario, cfg: &SimConfig, total: &mut Tally, above: u64) -> Result<Vec<HashedPath>, SimError> {
    // A path whose own bound is no more than `above` cannot be listed: it is not counted.
    let bounds = total.paths.bounds.take();
    let may_list = |h: &(u64, u64), e: &PathEntry| bounds.as_ref().is_none_or(|b| b.may_exceed(*h, e, above));
    let mut firsts: Vec<((u64, u64), u64)> =
        total.paths.entries.iter().filter(|(h, e)| may_list(h, e)).map(|(h, e)| (*h, e.first_run)).collect();
    total.paths = PathTally::default();
    drop(bounds);
    if firsts.is_empty() {
        // No path can be listed: nothing to count, no tree to make.
        return Ok(Vec::new());
    }
    firsts.sort_unstable();
    let tree = candidate_tree(sc, cfg, firsts.iter().map(|(_, run)| *run));
    let candidates: Vec<(u64, u64)> = firsts.into_iter().map(|(h, _)| h).collect();
    let exact = count_candidates(sc, cfg, &candidates, tree.as_ref())?;
    // Paths outside the candidates had at most `above` runs: only candidates with more
    // are provably among the most frequent.
    let mut all: Vec<HashedPath> =
        candidates.into_iter().zip(exact).filter_map(|(h, e)| e.filter(|e| e.count > above).map(|e| (h, e))).collect();
    leaders(&mut all, cfg.max_paths);
    Ok(all)
}

/// Walks every run again and counts the runs of each candidate path (sorted hashes),
/// with its first run; `None` for a candidate no run took. With `tree` (the candidates'
/// paths), a run stops walking as soon as its path leaves them all.
fn count_candidates(
    sc: &Scenario,
    cfg: &SimConfig,
    candidates: &[(u64, u64)],
    tree: Option<&Prefixes>,
) -> Result<Vec<Option<PathEntry>>, SimError> {
    let index: PathMap<usize> = candidates.iter().enumerate().map(|(i, h)| (*h, i)).collect();
    // A bit per slot of a small table, set for the candidates: most runs of a flat
    // distribution miss it, without a look into the (larger) index.
    let mut filter = vec![0u64; FILTER_BITS / 64];
    let slot = |h: &(u64, u64)| (h.1 as usize) % FILTER_BITS;
    for h in candidates {
        filter[slot(h) / 64] |= 1 << (slot(h) % 64);
    }
    let mut exact: Vec<Option<PathEntry>> = vec![None; candidates.len()];
    let plan = Plan::steering(sc);
    let count_chunk = |c: u64| {
        let (lo, hi) = chunk_range(cfg, c);
        let mut keys = RunKeys::new(cfg.seed, lo);
        let mut walker = Walker::with_plan(sc, &plan);
        let mut found: HashMap<usize, PathEntry> = HashMap::new();
        let mut follower = tree.map(Prefixes::follower);
        for run in lo..hi {
            let key = keys.next_key();
            let end = match &mut follower {
                Some(follower) => {
                    follower.restart();
                    walker.walk(key, follower)
                }
                None => walker.walk(key, &mut Quiet),
            };
            // Errors were reported by the first pass, which saw the same runs; a run
            // that left the tree of candidates is none of them.
            let Ok(end) = end else { continue };
            if !walker.given_holds() {
                continue;
            }
            let s = slot(&end.path_hash);
            if filter[s / 64] >> (s % 64) & 1 == 0 {
                continue;
            }
            if let Some(&i) = index.get(&end.path_hash) {
                found.entry(i).and_modify(|e| e.count += 1).or_insert(PathEntry {
                    count: 1,
                    reduced: 1,
                    entered_after: 0,
                    first_run: run,
                    outcome: end.outcome,
                });
            }
        }
        found
    };
    let merge = |found: HashMap<usize, PathEntry>| -> Result<(), SimError> {
        for (i, e) in found {
            match &mut exact[i] {
                Some(mine) => {
                    mine.count += e.count;
                    mine.first_run = mine.first_run.min(e.first_run);
                }
                slot => *slot = Some(e),
            }
        }
        Ok(())
    };
    in_chunks(cfg, count_chunk, merge)?;
    Ok(exact)
}

/// Second passes over fewer runs than this per candidate walk every run to its end:
/// the tree of candidates costs about a walk per candidate to make.
const RUNS_PER_CANDIDATE_FOR_TREE: u64 = 16;

/// The candidates' paths as a tree, from the first run of each, for the second pass to
/// leave runs early (see `prefixes`); `None` where it would not pay or not fit.
fn candidate_tree(sc: &Scenario, cfg: &SimConfig, first_runs: impl ExactSizeIterator<Item = u64>) -> Option<Prefixes> {
    if cfg.runs < RUNS_PER_CANDIDATE_FOR_TREE * first_runs.len() as u64 {
        return None;
    }
    let mut tree = Prefixes::new(sc)?;
    let mut walker = Walker::new(sc);
    let mut rec = Recorder::default();
    for run in first_runs {
        rec.path.clear();
        walker.walk(run_key(cfg.seed, run), &mut rec).ok()?;
        if !tree.insert(sc, &rec.path) {
            return None;
        }
    }
    Some(tree)
}

pub(crate) fn no_weight(sc: &Scenario, seed: u64, run: u64, e: Stop) -> SimError {
    let Stop::NoWeight(e) = e else { return SimError::Interrupted };
    let path = record_path(sc, seed, run);
    let mut text = path_text(sc, &path);
    if text.is_empty() {
        text = "(none: it is the first step)".into();
    }
    SimError::NoWeight { run, node: sc.nodes[e.node as usize].id.clone(), visit: e.visit, path: text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    /// With the tree of candidates or without it, the second pass counts the same runs
    /// (and first runs) for every candidate, and those are the counts of walking every
    /// run: a run leaves the tree only when its path is none of them. Candidates are the
    /// paths of every 7th run (so some are taken by many runs and some by one) and a hash
    /// no run has; files with conditions, loops, a step limit, and a `given` condition.
    #[test]
    fn the_tree_of_candidates_changes_no_count() {
        let sources = [
            include_str!("../../../../bench/layered_12x4.yaml"),
            crate::scenario::bundled::ALL[0].source,
            include_str!("../../../../tests/fixtures/dice_loop.yaml"),
            include_str!("../../../../tests/fixtures/step_limit.yaml"),
        ];
        let mut files: Vec<Scenario> = sources.iter().map(|s| load_str("t.yaml", s).expect("loads")).collect();
        let mut given = files[0].clone();
        given.set_given("tension >= 4").expect("a condition of the file");
        files.push(given);
        for sc in &files {
            let cfg = SimConfig { runs: 30_000, seed: 3, threads: 2, max_paths: 10 };
            let mut walker = Walker::new(sc);
            let (mut tree, mut candidates) = (Prefixes::new(sc).expect("the file fits"), vec![(1, 2)]);
            for run in (0..cfg.runs).step_by(7) {
                let mut rec = Recorder::default();
                let end = walker.walk(run_key(cfg.seed, run), &mut rec).expect("walks");
                assert!(tree.insert(sc, &rec.path));
                candidates.push(end.path_hash);
            }
            candidates.sort_unstable();
            candidates.dedup();
            let plain = count_candidates(sc, &cfg, &candidates, None).expect("counts");
            let pruned = count_candidates(sc, &cfg, &candidates, Some(&tree)).expect("counts");
            assert_eq!(pruned, plain, "{}", sc.title);
            let mut by_walking: PathMap<(u64, u64)> = PathMap::default();
            for run in (0..cfg.runs).rev() {
                let end = walker.walk(run_key(cfg.seed, run), &mut Quiet).expect("walks");
                if walker.given_holds() {
                    let e = by_walking.entry(end.path_hash).or_insert((0, run));
                    *e = (e.0 + 1, run);
                }
            }
            let counts: Vec<Option<(u64, u64)>> = candidates.iter().map(|h| by_walking.get(h).copied()).collect();
            assert_eq!(pruned.iter().map(|e| e.map(|e| (e.count, e.first_run))).collect::<Vec<_>>(), counts);
            assert!(counts.iter().filter_map(|c| *c).any(|(n, _)| n > 1), "{}: some candidate repeats", sc.title);
        }
    }
}
