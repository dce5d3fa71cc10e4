//! Best available: "N seats together" for the counter.
//!
//! Seats are adjacent when they share a row (same `y`) and have consecutive
//! `x`: a missing `x` in a row is an aisle, and seats across it are not
//! together.
//!
//! # Scoring
//!
//! A block of seats in row `y` spanning `x_first..=x_last` costs
//!
//! ```text
//! |y - ideal_y| / depth  +  |centre - screen_centre| / width
//! ```
//!
//! where `depth = max_y - min_y`, `ideal_y = min_y + 0.65 × depth` (about two
//! thirds of the way back from the screen, row 0 being nearest the screen),
//! `centre = (x_first + x_last) / 2`, `screen_centre = (min_x + max_x) / 2`
//! and `width = max_x - min_x`, all over the whole layout (aisles included).
//! Both terms are fractions of the hall, so one row off the ideal weighs as
//! much as `width / depth` seats off the centre line: about one seat in a hall
//! as wide as it is deep. The cost is compared exactly in integers (a common
//! denominator), never in floats. Lower is better; ties go to the row nearer
//! the ideal, then the row further back, then the block further left.
//!
//! # Orphans
//!
//! An orphan is a free seat (available and not blocked, of any area or kind)
//! beside the chosen block whose other neighbour is an aisle, the wall or a
//! seat that is not free. Placements are ranked by number of orphans first and
//! cost second, so an orphan is only left when every placement leaves one.
//!
//! # Splits
//!
//! When no row has N eligible seats together the pick is split into the
//! fewest groups possible (each group adjacent). Every run of eligible seats
//! is tried as an anchor; the other groups are then taken from the runs
//! nearest the anchor's row (then the rows nearest the ideal, then nearest
//! horizontally), skipping any run that would make the fewest-groups count
//! unreachable. The anchors' results are compared by groups, orphans, rows
//! spanned (`max_y - min_y`) and seat-weighted cost.

use crate::seats::{SeatArea, SeatKind};
use std::cmp::Reverse;
use std::collections::HashSet;

/// Most seats one best-available request may ask for.
pub const MAX_TOGETHER: usize = 20;

/// The ideal row's depth from the screen, in twentieths of the hall's depth
/// (13/20 = 0.65).
pub const IDEAL_DEPTH_TWENTIETHS: u32 = 13;

/// One seat of a layout, as best available needs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeatSpot {
    /// Label printed on tickets, e.g. `F-12`.
    pub label: String,
    /// Row name, e.g. `F`.
    pub row: String,
    /// Column in the layout grid; a missing column in a row is an aisle.
    pub x: u32,
    /// Row position in the layout grid; 0 is nearest the screen.
    pub y: u32,
    /// Area.
    pub area: SeatArea,
    /// Kind.
    pub kind: SeatKind,
    /// Permanently blocked (broken or house seat): never chosen.
    pub blocked: bool,
}

/// What the cashier asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    /// Number of seats, `1..=MAX_TOGETHER`.
    pub count: usize,
    /// Only seats of this area, when set.
    pub area: Option<SeatArea>,
    /// Whether wheelchair spaces and companion seats may be chosen.
    pub allow_accessible: bool,
}

impl Request {
    /// `count` standard seats in any area.
    pub fn new(count: usize) -> Self {
        Request {
            count,
            area: None,
            allow_accessible: false,
        }
    }

    /// Restricts the pick to one area.
    pub fn in_area(mut self, area: SeatArea) -> Self {
        self.area = Some(area);
        self
    }

    /// Allows wheelchair spaces and companion seats.
    pub fn with_accessible(mut self) -> Self {
        self.allow_accessible = true;
        self
    }
}

/// The seats chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    /// All chosen labels: groups front to back, each left to right.
    pub seats: Vec<String>,
    /// The same labels per adjacent group (one group unless split).
    pub groups: Vec<Vec<String>>,
    /// True when the seats could not be placed together in one row.
    pub split: bool,
}

/// Why no seats can be picked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BestAvailableError {
    /// The count is 0 or more than [`MAX_TOGETHER`].
    #[error("ask for 1 to {MAX_TOGETHER} seats, not {0}")]
    InvalidCount(usize),
    /// Fewer eligible seats are free than asked for.
    #[error("only {available} suitable seats are free, {wanted} asked for")]
    NotEnough {
        /// Seats asked for.
        wanted: usize,
        /// Eligible free seats.
        available: usize,
    },
    /// Two seats of the layout share a label.
    #[error("seat {0} appears twice in the layout")]
    DuplicateLabel(String),
    /// Two seats of the layout share a grid position.
    #[error("seat {label} is at x={x}, y={y}, where another seat already is")]
    DuplicatePosition {
        /// The second seat found there.
        label: String,
        /// Column.
        x: u32,
        /// Row position.
        y: u32,
    },
}

impl BestAvailableError {
    /// A stable code the UI can show and tests can match.
    pub fn code(&self) -> &'static str {
        match self {
            BestAvailableError::InvalidCount(_) => "best_available.invalid_count",
            BestAvailableError::NotEnough { .. } => "best_available.not_enough",
            BestAvailableError::DuplicateLabel(_) => "best_available.duplicate_label",
            BestAvailableError::DuplicatePosition { .. } => "best_available.duplicate_position",
        }
    }
}

/// A seat in layout order.
#[derive(Debug, Clone, Copy)]
struct Cell {
    seat: usize,
    x: u32,
    y: u32,
    /// Available and not blocked (before or during picking).
    free: bool,
    /// Free and matching the request's area and kind.
    eligible: bool,
}

/// Maximal adjacent eligible seats: `cells[start..end]` in segment `seg`.
#[derive(Debug, Clone, Copy)]
struct Run {
    seg_start: usize,
    seg_end: usize,
    start: usize,
    end: usize,
    y: u32,
}

impl Run {
    fn len(&self) -> usize {
        self.end - self.start
    }
}

/// Layout geometry for the cost.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    /// `20 × ideal_y`.
    ideal20: u128,
    depth: u128,
    width: u128,
    /// `min_x + max_x` (twice the screen centre).
    centre2: u128,
}

impl Geometry {
    fn of(cells: &[Cell]) -> Geometry {
        let (mut min_x, mut max_x, mut min_y, mut max_y) = (u32::MAX, 0, u32::MAX, 0);
        for c in cells {
            min_x = min_x.min(c.x);
            max_x = max_x.max(c.x);
            min_y = min_y.min(c.y);
            max_y = max_y.max(c.y);
        }
        if cells.is_empty() {
            (min_x, min_y) = (0, 0);
        }
        let depth = u128::from(max_y - min_y);
        Geometry {
            ideal20: 20 * u128::from(min_y) + u128::from(IDEAL_DEPTH_TWENTIETHS) * depth,
            depth: depth.max(1),
            width: u128::from(max_x - min_x).max(1),
            centre2: u128::from(min_x) + u128::from(max_x),
        }
    }

    /// `20 × |y - ideal_y|`.
    fn row_distance(&self, y: u32) -> u128 {
        (20 * u128::from(y)).abs_diff(self.ideal20)
    }

    /// The documented cost times the constant `20 × depth × width`.
    fn cost(&self, y: u32, x_first: u32, x_last: u32) -> u128 {
        // `off2` is twice the offset from the centre line.
        let off2 = (u128::from(x_first) + u128::from(x_last)).abs_diff(self.centre2);
        self.row_distance(y) * self.width + off2 * 10 * self.depth
    }
}

/// A placement of `len` seats starting at `cells[start]`, with its rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Placement {
    orphans: u8,
    cost: u128,
    row_distance: u128,
    back: Reverse<u32>,
    x_first: u32,
    start: usize,
    len: usize,
}

/// Picks `req.count` seats: together in the best row when possible, split
/// into the fewest adjacent groups otherwise.
///
/// `is_available` tells whether a seat is free for this terminal; blocked
/// seats are never chosen whatever it says.
pub fn best_available<F>(
    seats: &[SeatSpot],
    is_available: F,
    req: &Request,
) -> Result<Pick, BestAvailableError>
where
    F: Fn(&SeatSpot) -> bool,
{
    if req.count == 0 || req.count > MAX_TOGETHER {
        return Err(BestAvailableError::InvalidCount(req.count));
    }
    let cells = layout_cells(seats, &is_available, req)?;
    let available = cells.iter().filter(|c| c.eligible).count();
    if available < req.count {
        return Err(BestAvailableError::NotEnough {
            wanted: req.count,
            available,
        });
    }
    let geo = Geometry::of(&cells);
    let runs = eligible_runs(&cells);

    let single = runs
        .iter()
        .filter_map(|r| best_window(&cells, &geo, r, req.count))
        .min();
    let groups = match single {
        Some(p) => vec![p],
        None => best_split(&cells, &geo, &runs, req.count),
    };
    let groups: Vec<Vec<String>> = groups
        .iter()
        .map(|p| {
            cells[p.start..p.start + p.len]
                .iter()
                .map(|c| seats[c.seat].label.clone())
                .collect()
        })
        .collect();
    let seats: Vec<String> = groups.iter().flatten().cloned().collect();
    if seats.len() != req.count {
        // Unreachable: enough eligible seats always make a split.
        return Err(BestAvailableError::NotEnough {
            wanted: req.count,
            available,
        });
    }
    Ok(Pick {
        split: groups.len() > 1,
        seats,
        groups,
    })
}

/// Sorts the seats into layout order and marks them free and eligible.
fn layout_cells<F>(
    seats: &[SeatSpot],
    is_available: &F,
    req: &Request,
) -> Result<Vec<Cell>, BestAvailableError>
where
    F: Fn(&SeatSpot) -> bool,
{
    let mut labels = HashSet::with_capacity(seats.len());
    let mut cells = Vec::with_capacity(seats.len());
    for (i, s) in seats.iter().enumerate() {
        if !labels.insert(s.label.as_str()) {
            return Err(BestAvailableError::DuplicateLabel(s.label.clone()));
        }
        let free = !s.blocked && is_available(s);
        let area_ok = req.area.is_none_or(|a| a == s.area);
        let kind_ok = req.allow_accessible || s.kind == SeatKind::Standard;
        cells.push(Cell {
            seat: i,
            x: s.x,
            y: s.y,
            free,
            eligible: free && area_ok && kind_ok,
        });
    }
    cells.sort_unstable_by_key(|c| (c.y, c.x));
    if let Some(w) = cells
        .windows(2)
        .find(|w| (w[0].y, w[0].x) == (w[1].y, w[1].x))
    {
        let later = w[0].seat.max(w[1].seat);
        return Err(BestAvailableError::DuplicatePosition {
            label: seats[later].label.clone(),
            x: w[1].x,
            y: w[1].y,
        });
    }
    Ok(cells)
}

/// Whether `cells[b]` directly follows `cells[a]` with no aisle between.
fn adjacent(cells: &[Cell], a: usize, b: usize) -> bool {
    cells[a].y == cells[b].y && cells[a].x.checked_add(1) == Some(cells[b].x)
}

/// All maximal runs of eligible seats, in layout order.
fn eligible_runs(cells: &[Cell]) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut seg_start = 0;
    while seg_start < cells.len() {
        let mut seg_end = seg_start + 1;
        while seg_end < cells.len() && adjacent(cells, seg_end - 1, seg_end) {
            seg_end += 1;
        }
        let mut i = seg_start;
        while i < seg_end {
            if cells[i].eligible {
                let start = i;
                while i < seg_end && cells[i].eligible {
                    i += 1;
                }
                runs.push(Run {
                    seg_start,
                    seg_end,
                    start,
                    end: i,
                    y: cells[start].y,
                });
            } else {
                i += 1;
            }
        }
        seg_start = seg_end;
    }
    runs
}

/// Cells left as orphans beside `cells[start..end]` inside its segment.
fn orphan_cells(cells: &[Cell], run: &Run, start: usize, end: usize) -> [Option<usize>; 2] {
    let free = |i: usize| cells[i].free;
    let left = (start > run.seg_start
        && free(start - 1)
        && (start - 1 == run.seg_start || !free(start - 2)))
    .then(|| start - 1);
    let right = (end < run.seg_end && free(end) && (end + 1 == run.seg_end || !free(end + 1)))
        .then_some(end);
    [left, right]
}

/// Number of orphans left beside `cells[start..end]`.
fn orphans(cells: &[Cell], run: &Run, start: usize, end: usize) -> u8 {
    orphan_cells(cells, run, start, end)
        .iter()
        .map(|c| u8::from(c.is_some()))
        .sum()
}

/// The best window of `len` seats within `run`, if it is long enough.
fn best_window(cells: &[Cell], geo: &Geometry, run: &Run, len: usize) -> Option<Placement> {
    if len == 0 || run.len() < len {
        return None;
    }
    (run.start..=run.end - len)
        .map(|start| {
            let (first, last) = (cells[start], cells[start + len - 1]);
            Placement {
                orphans: orphans(cells, run, start, start + len),
                cost: geo.cost(run.y, first.x, last.x),
                row_distance: geo.row_distance(run.y),
                back: Reverse(run.y),
                x_first: first.x,
                start,
                len,
            }
        })
        .min()
}

/// Fewest groups, rows near each other: see the module docs. Empty only if
/// the runs cannot cover `count`, which the caller has ruled out.
fn best_split(cells: &[Cell], geo: &Geometry, runs: &[Run], count: usize) -> Vec<Placement> {
    let mut by_len: Vec<usize> = (0..runs.len()).collect();
    by_len.sort_by_key(|&i| Reverse(runs[i].len()));
    let mut fewest: usize = 0;
    let mut covered = 0;
    for &i in &by_len {
        if covered >= count {
            break;
        }
        covered += runs[i].len();
        fewest += 1;
    }

    let trial = Split {
        geo,
        runs,
        by_len: &by_len,
        centre2: runs
            .iter()
            .map(|r| u64::from(cells[r.start].x) + u64::from(cells[r.end - 1].x))
            .collect(),
        row_distance: runs.iter().map(|r| geo.row_distance(r.y)).collect(),
        count,
        fewest,
    };
    let mut work = cells.to_vec();
    let none_used = vec![false; runs.len()];
    let mut best: Option<(SplitRank, Vec<Placement>)> = None;
    for anchor in 0..runs.len() {
        // The anchor is taken whole (no run holds `count`); skip it when the
        // longest other runs cannot make up the rest in `fewest` groups.
        let rest = longest_sum(runs, &by_len, &none_used, anchor, fewest.saturating_sub(1));
        if runs[anchor].len() + rest < count {
            continue;
        }
        if let Some((rank, groups)) = trial.try_anchor(&mut work, anchor)
            && best.as_ref().is_none_or(|(r, _)| rank < *r)
        {
            best = Some((rank, groups));
        }
    }
    let mut groups = best.map(|(_, g)| g).unwrap_or_default();
    groups.sort_by_key(|p| (cells[p.start].y, cells[p.start].x));
    groups
}

/// How a split compares, lower being better: groups, orphans, rows
/// spanned, seat-weighted cost, anchor.
type SplitRank = (usize, usize, u32, u128, usize);

/// Sum of the `n` longest runs not yet used and other than `except`.
fn longest_sum(runs: &[Run], by_len: &[usize], used: &[bool], except: usize, n: usize) -> usize {
    by_len
        .iter()
        .filter(|&&i| !used[i] && i != except)
        .take(n)
        .map(|&i| runs[i].len())
        .sum()
}

/// What every anchor's trial shares.
struct Split<'a> {
    geo: &'a Geometry,
    runs: &'a [Run],
    by_len: &'a [usize],
    /// Per run, `x_first + x_last`.
    centre2: Vec<u64>,
    /// Per run, [`Geometry::row_distance`].
    row_distance: Vec<u128>,
    count: usize,
    fewest: usize,
}

impl Split<'_> {
    /// The split starting with the whole of run `anchor`, ranked; `None` when
    /// it cannot be done in `fewest` groups. `cells` is left as it was found.
    fn try_anchor(&self, cells: &mut [Cell], anchor: usize) -> Option<(SplitRank, Vec<Placement>)> {
        let (groups, remaining) = self.place(cells, anchor);
        let ranked = (remaining == 0).then(|| self.rank(cells, &groups, anchor));
        for (_, p) in &groups {
            for c in &mut cells[p.start..p.start + p.len] {
                c.free = true;
            }
        }
        ranked.map(|rank| (rank, groups.into_iter().map(|(_, p)| p).collect()))
    }

    /// Places groups, marking their cells taken; returns them with the
    /// seats still missing.
    fn place(&self, cells: &mut [Cell], anchor: usize) -> (Vec<(usize, Placement)>, usize) {
        let runs = self.runs;
        let a = runs[anchor];
        // Nearest rows first, then rows nearer the ideal, then nearer the
        // anchor horizontally.
        let nearness = |i: usize| {
            (
                runs[i].y.abs_diff(a.y),
                self.row_distance[i],
                self.centre2[i].abs_diff(self.centre2[anchor]),
                i,
            )
        };
        let mut used = vec![false; runs.len()];
        let mut remaining = self.count;
        let mut budget = self.fewest;
        let mut groups = Vec::new();
        let mut next = Some(anchor);
        while remaining > 0 && budget > 0 {
            let feasible = |i: usize, used: &[bool]| {
                let take = runs[i].len().min(remaining);
                remaining - take <= longest_sum(runs, self.by_len, used, i, budget - 1)
            };
            let Some(r) = next
                .take()
                .or_else(|| {
                    (0..runs.len())
                        .filter(|&i| !used[i] && feasible(i, &used))
                        .min_by_key(|&i| nearness(i))
                })
                .filter(|&i| feasible(i, &used))
            else {
                break;
            };
            let take = runs[r].len().min(remaining);
            let Some(p) = best_window(cells, self.geo, &runs[r], take) else {
                break;
            };
            for c in &mut cells[p.start..p.start + p.len] {
                c.free = false;
            }
            used[r] = true;
            remaining -= take;
            budget -= 1;
            groups.push((r, p));
        }
        (groups, remaining)
    }

    /// Ranks placed groups while their cells are marked taken.
    fn rank(&self, cells: &[Cell], groups: &[(usize, Placement)], anchor: usize) -> SplitRank {
        let mut orphan_set = Vec::with_capacity(2 * groups.len());
        let (mut min_y, mut max_y, mut cost) = (u32::MAX, 0, 0u128);
        for (r, p) in groups {
            let run = &self.runs[*r];
            let end = p.start + p.len;
            orphan_set.extend(orphan_cells(cells, run, p.start, end).into_iter().flatten());

            min_y = min_y.min(run.y);
            max_y = max_y.max(run.y);
            cost += self.geo.cost(run.y, cells[p.start].x, cells[end - 1].x) * p.len as u128;
        }
        orphan_set.sort_unstable();
        orphan_set.dedup();
        (
            groups.len(),
            orphan_set.len(),
            max_y.saturating_sub(min_y),
            cost,
            anchor,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seats::{row_letters, seat_label};
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Builds a layout from one string per row, the first nearest the screen.
    /// `A` free standard, `P` free premium, `V` free VIP, `W` free wheelchair,
    /// `C` free companion, `x` taken, `#` blocked, `_` aisle (no seat).
    /// Returns the seats and the labels taken.
    fn layout(rows: &[&str]) -> (Vec<SeatSpot>, HashSet<String>) {
        let names = row_letters(rows.len());
        let mut seats = Vec::new();
        let mut taken = HashSet::new();
        for (y, (row, name)) in rows.iter().zip(&names).enumerate() {
            let mut number = 0;
            for (x, ch) in row.chars().enumerate() {
                if ch == '_' {
                    continue;
                }
                number += 1;
                let label = seat_label(name, number);
                let (area, kind) = match ch {
                    'P' => (SeatArea::Premium, SeatKind::Standard),
                    'V' => (SeatArea::Vip, SeatKind::Standard),
                    'W' => (SeatArea::Standard, SeatKind::Wheelchair),
                    'C' => (SeatArea::Standard, SeatKind::Companion),
                    _ => (SeatArea::Standard, SeatKind::Standard),
                };
                if ch == 'x' {
                    taken.insert(label.clone());
                }
                seats.push(SeatSpot {
                    label,
                    row: name.clone(),
                    x: x as u32,
                    y: y as u32,
                    area,
                    kind,
                    blocked: ch == '#',
                });
            }
        }
        (seats, taken)
    }

    /// Runs best available on a drawn layout and draws the pick with `*`.
    fn draw_pick(rows: &[&str], req: Request) -> Result<(Vec<String>, bool), String> {
        let (seats, taken) = layout(rows);
        let pick = best_available(&seats, |s| !taken.contains(&s.label), &req)
            .map_err(|e| e.code().to_string())?;
        let picked: HashSet<(u32, u32)> = seats
            .iter()
            .filter(|s| pick.seats.contains(&s.label))
            .map(|s| (s.x, s.y))
            .collect();
        let drawn = rows
            .iter()
            .enumerate()
            .map(|(y, row)| {
                row.chars()
                    .enumerate()
                    .map(|(x, ch)| {
                        if picked.contains(&(x as u32, y as u32)) {
                            '*'
                        } else {
                            ch
                        }
                    })
                    .collect()
            })
            .collect();
        Ok((drawn, pick.split))
    }

    /// (name, drawn layout, request, drawn pick, split)
    type DrawnCase = (
        &'static str,
        Vec<&'static str>,
        Request,
        Vec<&'static str>,
        bool,
    );

    #[test]
    fn drawn_table() {
        let n = Request::new;
        #[rustfmt::skip]
        let cases: Vec<DrawnCase> = vec![
            ("centre of the best row (0.65 of 4 rows back = row index 2)",
             vec!["AAAAAA", "AAAAAA", "AAAAAA", "AAAAAA"], n(2),
             vec!["AAAAAA", "AAAAAA", "AA**AA", "AAAAAA"], false),
            ("one seat: centre of the best row",
             vec!["AAAAAAA", "AAAAAAA", "AAAAAAA", "AAAAAAA"], n(1),
             vec!["AAAAAAA", "AAAAAAA", "AAA*AAA", "AAAAAAA"], false),
            ("best row (0.65 of 6 rows = index 3) taken: the next nearest the ideal",
             vec!["AAAAAA", "AAAAAA", "AAAAAA", "xxxxxx", "AAAAAA", "AAAAAA"], n(2),
             vec!["AAAAAA", "AAAAAA", "AAAAAA", "xxxxxx", "AA**AA", "AAAAAA"], false),
            ("off-centre taken seats shift the block sideways",
             vec!["AAAAAAAA", "AAAAAAAA", "AAxxAAAA", "AAAAAAAA"], n(2),
             vec!["AAAAAAAA", "AAAAAAAA", "AAxx**AA", "AAAAAAAA"], false),
            ("far off-centre in the best row loses to the centre of the next row",
             vec!["AAAAAAAAAA", "AAAAAAAAAA", "AAxxxxxxAA", "AAAAAAAAAA"], n(2),
             vec!["AAAAAAAAAA", "AAAA**AAAA", "AAxxxxxxAA", "AAAAAAAAAA"], false),
            ("two seats off-centre in the best row beat the centre of the next row",
             vec!["AAAAAAAAAA", "AAAAAAAAAA", "AAAAxxxAAA", "AAAAAAAAAA"], n(2),
             vec!["AAAAAAAAAA", "AAAAAAAAAA", "AA**xxxAAA", "AAAAAAAAAA"], false),
            ("a lone seat each side in the best row: orphans push to the next row",
             vec!["AAAAAAAA", "AAAAAAAA", "AAAxxAAA", "AAAAAAAA"], n(2),
             vec!["AAAAAAAA", "AAA**AAA", "AAAxxAAA", "AAAAAAAA"], false),
            ("orphan avoided: centre would strand a seat at each wall",
             vec!["xAAAAAx"], n(3),
             vec!["x***AAx"], false),
            ("orphan avoided: centre would strand seats beside taken ones",
             vec!["AAxAAAAxAA"], n(2),
             vec!["AAx**AAxAA"], false),
            ("orphan avoided at the cost of a worse row",
             vec!["AAAAAAA", "AAAAAAA", "_AAAA__", "AAAAAAA"], n(3),
             vec!["AAAAAAA", "AA***AA", "_AAAA__", "AAAAAAA"], false),
            ("orphan left only when every placement leaves one",
             vec!["AAAA"], n(3),
             vec!["***A"], false),
            ("aisle not crossed even though the numbers run on",
             vec!["AAAAAA", "AAAAAA", "xA_Ax_", "AAAAAA"], n(2),
             vec!["AAAAAA", "AA**AA", "xA_Ax_", "AAAAAA"], false),
            ("block beside an aisle is fine",
             vec!["AAA_AAA"], n(3),
             vec!["***_AAA"], false),
            ("area filter: premium rows only",
             vec!["AAAAAA", "AAAAAA", "AAAAAA", "PPPPPP"], n(2).in_area(SeatArea::Premium),
             vec!["AAAAAA", "AAAAAA", "AAAAAA", "PP**PP"], false),
            ("area filter: vip",
             vec!["VVVVVV", "AAAAAA", "AAAAAA", "AAAAAA"], n(2).in_area(SeatArea::Vip),
             vec!["VV**VV", "AAAAAA", "AAAAAA", "AAAAAA"], false),
            ("area filter: the orphan rule still holds",
             vec!["VVVV", "AAAA", "AAAA", "AAAA"], n(2).in_area(SeatArea::Vip),
             vec!["**VV", "AAAA", "AAAA", "AAAA"], false),
            ("accessible seats excluded by default",
             vec!["AAAAAA", "AAAAAA", "ACWWCA", "AAAAAA"], n(2),
             vec!["AAAAAA", "AA**AA", "ACWWCA", "AAAAAA"], false),
            ("accessible seats allowed when asked",
             vec!["AAAAAA", "AAAAAA", "ACWWCA", "AAAAAA"], n(2).with_accessible(),
             vec!["AAAAAA", "AAAAAA", "AC**CA", "AAAAAA"], false),
            ("accessible seats in a row break adjacency",
             vec!["AAWAA"], n(2),
             vec!["**WAA"], false),
            ("blocked seats are never chosen",
             vec!["A#A#A#A"], n(1),
             vec!["A#*#A#A"], false),
            ("split when no row fits: nearby rows",
             vec!["AAxxAA", "AAxxxx", "xxAAAx", "xxxAAx"], n(5),
             vec!["AAxxAA", "AAxxxx", "xx***x", "xxx**x"], true),
            ("split across an aisle in the same row",
             vec!["xxxxxxx", "xxxxxxx", "AAA_AAA", "xxxxxxx"], n(4),
             vec!["xxxxxxx", "xxxxxxx", "***_*AA", "xxxxxxx"], true),
            ("split into fewest groups, even away from the best row",
             vec!["AAAxAAA", "xxxxxxx", "AxAxAxA", "xxxxxxx"], n(6),
             vec!["***x***", "xxxxxxx", "AxAxAxA", "xxxxxxx"], true),
        ];
        for (name, rows, req, want, split) in cases {
            let got = draw_pick(&rows, req);
            assert_eq!(
                got,
                Ok((want.iter().map(|s| s.to_string()).collect(), split)),
                "{name}"
            );
        }
    }

    #[test]
    fn errors_table() {
        let rows = ["AAxx", "xAxx"];
        let cases = [
            (Request::new(4), "best_available.not_enough"),
            (Request::new(0), "best_available.invalid_count"),
            (Request::new(21), "best_available.invalid_count"),
            (
                Request::new(1).in_area(SeatArea::Vip),
                "best_available.not_enough",
            ),
        ];
        for (req, code) in cases {
            assert_eq!(draw_pick(&rows, req), Err(code.to_string()), "{req:?}");
        }
        let (seats, _) = layout(&["AAAA"]);
        let err = best_available(&seats, |_| true, &Request::new(5)).unwrap_err();
        assert_eq!(
            err,
            BestAvailableError::NotEnough {
                wanted: 5,
                available: 4
            }
        );
        assert_eq!(
            err.to_string(),
            "only 4 suitable seats are free, 5 asked for"
        );
        assert!(best_available(&[], |_| true, &Request::new(1)).is_err());

        let mut dup = seats.clone();
        dup[1].label = dup[0].label.clone();
        let err = best_available(&dup, |_| true, &Request::new(1)).unwrap_err();
        assert_eq!(err.code(), "best_available.duplicate_label");
        let mut dup = seats;
        dup[1].x = dup[0].x;
        let err = best_available(&dup, |_| true, &Request::new(1)).unwrap_err();
        assert_eq!(err.code(), "best_available.duplicate_position");
    }

    #[test]
    fn twenty_seats_split_in_a_600_seat_hall_with_a_pick_per_row() {
        let row = "AAAAAAA_AAAAAAAAAAA_AAAAAAA";
        let rows = vec![row; 24];
        let (seats, _) = layout(&rows);
        let pick = best_available(&seats, |_| true, &Request::new(20)).unwrap();
        assert!(pick.split);
        assert_eq!(
            pick.groups.iter().map(Vec::len).collect::<Vec<_>>(),
            [9, 11]
        );
        let pick = best_available(&seats, |_| true, &Request::new(11)).unwrap();
        assert!(!pick.split);
        assert_eq!(pick.seats.first().map(String::as_str), Some("R-8"));
    }

    #[test]
    fn seats_and_groups_agree() {
        let (seats, taken) = layout(&["AAxxAA", "AAxxxx", "xxAAAx", "xxxAAx"]);
        let pick = best_available(&seats, |s| !taken.contains(&s.label), &Request::new(5)).unwrap();
        assert_eq!(pick.groups, [vec!["C-3", "C-4", "C-5"], vec!["D-4", "D-5"]]);
        assert_eq!(pick.seats, ["C-3", "C-4", "C-5", "D-4", "D-5"]);
    }

    // ---- properties -------------------------------------------------------

    /// A random small layout: per cell 0 aisle, 1..=3 standard, 4 premium,
    /// 5 wheelchair, 6 companion; plus taken and blocked flags.
    fn arb_layout() -> impl Strategy<Value = Vec<(SeatSpot, bool)>> {
        (1usize..=5, 1usize..=9).prop_flat_map(|(h, w)| {
            prop::collection::vec(
                (
                    0u8..=6,
                    prop::bool::weighted(0.4),
                    prop::bool::weighted(0.05),
                ),
                h * w,
            )
            .prop_map(move |cells| {
                let mut out = Vec::new();
                for (i, (k, taken, blocked)) in cells.into_iter().enumerate() {
                    let (x, y) = ((i % w) as u32, (i / w) as u32);
                    let (area, kind) = match k {
                        0 => continue,
                        4 => (SeatArea::Premium, SeatKind::Standard),
                        5 => (SeatArea::Standard, SeatKind::Wheelchair),
                        6 => (SeatArea::Standard, SeatKind::Companion),
                        _ => (SeatArea::Standard, SeatKind::Standard),
                    };
                    let spot = SeatSpot {
                        label: format!("{y}-{x}"),
                        row: y.to_string(),
                        x,
                        y,
                        area,
                        kind,
                        blocked,
                    };
                    out.push((spot, taken));
                }
                out
            })
        })
    }

    fn arb_request() -> impl Strategy<Value = Request> {
        (
            1usize..=7,
            prop::option::of(prop::sample::select(vec![
                SeatArea::Standard,
                SeatArea::Premium,
            ])),
            any::<bool>(),
        )
            .prop_map(|(count, area, allow_accessible)| Request {
                count,
                area,
                allow_accessible,
            })
    }

    /// Brute force, independent of the implementation: positions of every
    /// placement of `n` adjacent eligible seats, and its orphan count.
    fn all_blocks(
        grid: &HashMap<(u32, u32), (&SeatSpot, bool)>,
        req: &Request,
    ) -> Vec<(u32, u32, usize)> {
        let eligible = |x: u32, y: u32| {
            grid.get(&(x, y)).is_some_and(|(s, free)| {
                *free
                    && req.area.is_none_or(|a| a == s.area)
                    && (req.allow_accessible || s.kind == SeatKind::Standard)
            })
        };
        let free = |x: i64, y: u32| x >= 0 && grid.get(&(x as u32, y)).is_some_and(|(_, f)| *f);
        let mut out = Vec::new();
        for &(x0, y) in grid.keys() {
            let n = req.count as u32;
            if (x0..x0 + n).all(|x| eligible(x, y)) {
                let (l, r) = (i64::from(x0) - 1, i64::from(x0 + n));
                let orphans = usize::from(free(l, y) && !free(l - 1, y))
                    + usize::from(free(r, y) && !free(r + 1, y));
                out.push((x0, y, orphans));
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn picks_are_valid(spots in arb_layout(), req in arb_request()) {
            let seats: Vec<SeatSpot> = spots.iter().map(|(s, _)| s.clone()).collect();
            let taken: HashSet<&str> = spots.iter().filter(|(_, t)| *t).map(|(s, _)| s.label.as_str()).collect();
            let avail = |s: &SeatSpot| !taken.contains(s.label.as_str());
            let grid: HashMap<(u32, u32), (&SeatSpot, bool)> =
                seats.iter().map(|s| ((s.x, s.y), (s, !s.blocked && avail(s)))).collect();
            let eligible = |s: &SeatSpot| {
                !s.blocked && avail(s)
                    && req.area.is_none_or(|a| a == s.area)
                    && (req.allow_accessible || s.kind == SeatKind::Standard)
            };
            let n_eligible = seats.iter().filter(|s| eligible(s)).count();

            match best_available(&seats, avail, &req) {
                Err(e) => {
                    prop_assert!(n_eligible < req.count, "{e} with {n_eligible} eligible");
                    prop_assert_eq!(e, BestAvailableError::NotEnough { wanted: req.count, available: n_eligible });
                }
                Ok(pick) => {
                    prop_assert_eq!(pick.seats.len(), req.count);
                    let uniq: HashSet<&String> = pick.seats.iter().collect();
                    prop_assert_eq!(uniq.len(), req.count);
                    let by_label: HashMap<&str, &SeatSpot> = seats.iter().map(|s| (s.label.as_str(), s)).collect();
                    for l in &pick.seats {
                        let s = by_label[l.as_str()];
                        prop_assert!(eligible(s), "{} is not eligible", l);
                    }
                    prop_assert_eq!(pick.groups.concat(), pick.seats.clone());
                    for g in &pick.groups {
                        for w in g.windows(2) {
                            let (a, b) = (by_label[w[0].as_str()], by_label[w[1].as_str()]);
                            prop_assert!(a.y == b.y && a.x + 1 == b.x, "{} and {} not adjacent", a.label, b.label);
                        }
                    }
                    let blocks = all_blocks(&grid, &req);
                    prop_assert_eq!(pick.split, blocks.is_empty());
                    prop_assert_eq!(pick.split, pick.groups.len() > 1);
                    if !pick.split {
                        let first = by_label[pick.seats[0].as_str()];
                        let got = blocks.iter().find(|b| (b.0, b.1) == (first.x, first.y));
                        let best = blocks.iter().map(|b| b.2).min();
                        prop_assert_eq!(got.map(|b| b.2), best, "orphans not minimal");
                    }
                }
            }
        }

        #[test]
        fn split_uses_fewest_groups(spots in arb_layout(), count in 2usize..=9) {
            let seats: Vec<SeatSpot> = spots.iter().map(|(s, _)| s.clone()).collect();
            let taken: HashSet<&str> = spots.iter().filter(|(_, t)| *t).map(|(s, _)| s.label.as_str()).collect();
            let req = Request::new(count);
            if let Ok(pick) = best_available(&seats, |s| !taken.contains(s.label.as_str()), &req) {
                // Run lengths by brute force over the grid.
                let ok: HashSet<(u32, u32)> = seats.iter()
                    .filter(|s| !s.blocked && !taken.contains(s.label.as_str()) && s.kind == SeatKind::Standard)
                    .map(|s| (s.x, s.y)).collect();
                let mut lens: Vec<usize> = ok.iter()
                    .filter(|(x, y)| *x == 0 || !ok.contains(&(x - 1, *y)))
                    .map(|&(x, y)| (x..).take_while(|x| ok.contains(&(*x, y))).count())
                    .collect();
                lens.sort_unstable_by(|a, b| b.cmp(a));
                let mut sum = 0;
                let fewest = lens.iter().take_while(|l| { let before = sum; sum += **l; before < count }).count();
                prop_assert_eq!(pick.groups.len(), fewest);
            }
        }
    }
}
