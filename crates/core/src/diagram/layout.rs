//! Where each card goes. Nodes are put in layers by the longest path from `start`
//! (edges that close a loop do not count, so a loop reads top-down and its way back is
//! drawn as a loop); layers are stacked top-down and, when the stack is too tall for a
//! 16:9 slide, continued in further columns, choosing the number of columns that lets
//! the whole picture be drawn largest on such a slide.

use super::cards::Card;
use crate::scenario::Scenario;

/// Space between cards side by side, and between columns (room for arrows).
pub const GAP_X: f64 = 72.0;
/// Space between layers.
pub const GAP_Y: f64 = 40.0;
/// The slide the picture should fit.
const SLIDE: (f64, f64) = (1600.0, 900.0);

/// The placed cards.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Top-left corner of each node's card, by node index.
    pub at: Vec<(f64, f64)>,
    /// Column of each node.
    pub column: Vec<usize>,
    /// Layer of each node.
    pub layer: Vec<usize>,
    pub width: f64,
    pub height: f64,
}

/// The layer of each node: the longest path to it from `start` (then from nodes that
/// `start` cannot reach, in file order), not counting edges back into a path.
pub fn layers(sc: &Scenario) -> Vec<usize> {
    let n = sc.nodes.len();
    let targets = |v: usize| -> Vec<usize> {
        let mut t: Vec<usize> = sc.node_branches(v as u32).iter().filter_map(|b| b.next.map(|m| m as usize)).collect();
        t.dedup();
        t
    };
    // Iterative depth-first search: the reverse post-order is a topological order of
    // the graph without its back edges.
    let mut state = vec![0u8; n]; // 0 new, 1 on the path, 2 done
    let mut order = Vec::with_capacity(n);
    let mut back = vec![Vec::new(); n];
    let roots = std::iter::once(sc.start as usize).chain(0..n);
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, targets(root), 0usize)];
        state[root] = 1;
        while let Some((v, ts, i)) = stack.last_mut() {
            if let Some(&w) = ts.get(*i) {
                *i += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        let tw = targets(w);
                        stack.push((w, tw, 0));
                    }
                    1 => back[*v].push(w),
                    _ => {}
                }
            } else {
                state[*v] = 2;
                order.push(*v);
                stack.pop();
            }
        }
    }
    let mut layer = vec![0usize; n];
    for &v in order.iter().rev() {
        for w in targets(v) {
            if !back[v].contains(&w) && w != v {
                layer[w] = layer[w].max(layer[v] + 1);
            }
        }
    }
    layer
}

/// About how tall the title and notice above the cards are (for choosing columns).
const HEADER: f64 = 100.0;

/// Places the cards, the first layer at the top (the caller draws its header above).
pub fn arrange(sc: &Scenario, cards: &[Card]) -> Layout {
    let layer = layers(sc);
    let count = layer.iter().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (v, &l) in layer.iter().enumerate() {
        rows[l].push(v);
    }
    let size: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| {
            let w = r.iter().map(|&v| cards[v].width).sum::<f64>() + GAP_X * (r.len().saturating_sub(1)) as f64;
            (w, r.iter().map(|&v| cards[v].height).fold(0.0, f64::max))
        })
        .collect();
    let split = best_split(&size, HEADER);
    place(cards, &rows, &size, &split, layer, 0.0)
}

/// Which layer starts each column: the split that lets the picture be drawn largest on
/// a 16:9 slide (fewer columns on a tie).
fn best_split(size: &[(f64, f64)], top: f64) -> Vec<usize> {
    let total: f64 = size.iter().map(|s| s.1 + GAP_Y).sum();
    let tallest = size.iter().map(|s| s.1).fold(0.0, f64::max);
    let mut best = (0.0, vec![0]);
    for k in 1..=size.len().max(1) {
        let target = (total / k as f64).max(tallest);
        let mut starts = vec![0];
        let mut height = 0.0;
        for (i, s) in size.iter().enumerate() {
            if height > 0.0 && height + s.1 > target + 1.0 {
                starts.push(i);
                height = 0.0;
            }
            height += s.1 + GAP_Y;
        }
        let (w, h) = extent(size, &starts, top);
        let scale = (SLIDE.0 / w).min(SLIDE.1 / h);
        if scale > best.0 * 1.02 {
            best = (scale, starts);
        }
    }
    best.1
}

/// Width and height of the picture for columns starting at `starts`.
fn extent(size: &[(f64, f64)], starts: &[usize], top: f64) -> (f64, f64) {
    let mut width = GAP_X / 2.0;
    let mut height: f64 = 0.0;
    for (c, &s) in starts.iter().enumerate() {
        let end = starts.get(c + 1).copied().unwrap_or(size.len());
        let col = &size[s..end];
        width += col.iter().map(|x| x.0).fold(0.0, f64::max) + GAP_X;
        height = height.max(col.iter().map(|x| x.1 + GAP_Y).sum());
    }
    (width.max(600.0), top + height + GAP_Y / 2.0)
}

fn place(
    cards: &[Card],
    rows: &[Vec<usize>],
    size: &[(f64, f64)],
    starts: &[usize],
    layer: Vec<usize>,
    top: f64,
) -> Layout {
    let n = cards.len();
    let (mut at, mut column) = (vec![(0.0, 0.0); n], vec![0; n]);
    let (width, height) = extent(size, starts, top);
    let used: f64 = starts
        .iter()
        .enumerate()
        .map(|(c, &s)| {
            let end = starts.get(c + 1).copied().unwrap_or(rows.len());
            size[s..end].iter().map(|x| x.0).fold(0.0, f64::max) + GAP_X
        })
        .sum();
    // Centred when the picture is wider than its cards (its minimum width).
    let mut x = GAP_X / 2.0 + (width - GAP_X / 2.0 - used) / 2.0;
    for (c, &s) in starts.iter().enumerate() {
        let end = starts.get(c + 1).copied().unwrap_or(rows.len());
        let col_width = size[s..end].iter().map(|x| x.0).fold(0.0, f64::max);
        let mut y = top;
        for (row, &(row_width, row_height)) in rows[s..end].iter().zip(&size[s..end]) {
            let mut cx = x + (col_width - row_width) / 2.0;
            for &v in row {
                at[v] = (cx, y);
                column[v] = c;
                cx += cards[v].width + GAP_X;
            }
            y += row_height + GAP_Y;
        }
        x += col_width + GAP_X;
    }
    Layout { at, column, layer, width, height }
}
