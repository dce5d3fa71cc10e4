//! The seat cache: remote seat states, seat events, this terminal's leases.

use super::Cached as _;
use super::corrupt;
use crate::error::Result;
use crate::model::{SeatRow, ShowtimeRow};
use domain::{SeatArea, SeatKind, SeatState};
use jiff::Timestamp;
use protocol::SeatStates;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

/// Replaces this terminal's leases with central's list.
pub fn replace_leases(tx: &Transaction<'_>, leases: &protocol::Leases) -> Result<()> {
    tx.exec("DELETE FROM leases", [])?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO leases (showtime_id, seat_label, expires_at) VALUES (?1, ?2, ?3)",
    )?;
    for show in &leases.showtimes {
        for seat in &show.seats {
            stmt.execute(params![
                show.showtime_id,
                seat,
                show.expires_at.as_millisecond()
            ])?;
        }
    }
    Ok(())
}

/// Live leases of this terminal: `(showtime, unsold seats, expiry in unix ms)`.
pub fn lease_summary(conn: &Connection, now: Timestamp) -> Result<Vec<(String, u32, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.showtime_id, count(*), min(l.expires_at) FROM leases l
         WHERE l.expires_at > ?1 AND NOT EXISTS (SELECT 1 FROM order_seats o
             WHERE o.showtime_id = l.showtime_id AND o.seat_label = l.seat_label)
         GROUP BY l.showtime_id ORDER BY l.showtime_id",
    )?;
    let rows = stmt
        .query_map([now.as_millisecond()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<std::result::Result<_, _>>()?;
    Ok(rows)
}

/// Applies central's seat events to the cache. `me` is this terminal's id.
pub fn apply_seat_events(
    tx: &Transaction<'_>,
    events: &[protocol::SeatEvent],
    me: &str,
) -> Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT OR REPLACE INTO remote_seats (showtime_id, seat_label, state) VALUES (?1, ?2, ?3)",
    )?;
    let mut clear =
        tx.prepare_cached("DELETE FROM remote_seats WHERE showtime_id = ?1 AND seat_label = ?2")?;
    let mut unlease =
        tx.prepare_cached("DELETE FROM leases WHERE showtime_id = ?1 AND seat_label = ?2")?;
    for e in events {
        let mine = e.owner.as_deref() == Some(me);
        match e.state {
            SeatState::Free => {
                clear.execute(params![e.showtime_id, e.seat])?;
                unlease.execute(params![e.showtime_id, e.seat])?;
            }
            SeatState::Sold => {
                upsert.execute(params![e.showtime_id, e.seat, "sold"])?;
                unlease.execute(params![e.showtime_id, e.seat])?;
            }
            // Our own holds are ours to know; our own leases come with the lease list.
            SeatState::Held | SeatState::Leased if mine => {
                clear.execute(params![e.showtime_id, e.seat])?;
            }
            SeatState::Held | SeatState::Leased => {
                upsert.execute(params![e.showtime_id, e.seat, "held"])?;
                unlease.execute(params![e.showtime_id, e.seat])?;
            }
            SeatState::Blocked => {}
        }
    }
    Ok(())
}

/// The seats of a showtime's screen with their states as this terminal knows
/// them at `now`: sold here or at central, held elsewhere, leased to this
/// terminal (until the lease ends), blocked, or free.
pub fn seats(conn: &Connection, showtime: &ShowtimeRow, now: Timestamp) -> Result<Vec<SeatRow>> {
    use std::collections::{HashMap, HashSet};
    // Three range scans on the showtime, joined here: much cheaper than
    // three correlated sub-queries per seat on a 600-seat hall.
    let sold_here: HashSet<String> = conn
        .prepare_cached("SELECT seat_label FROM order_seats WHERE showtime_id = ?1")?
        .query_map([&showtime.id], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let remote: HashMap<String, String> = conn
        .prepare_cached("SELECT seat_label, state FROM remote_seats WHERE showtime_id = ?1")?
        .query_map([&showtime.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    let leased: HashSet<String> = conn
        .prepare_cached("SELECT seat_label FROM leases WHERE showtime_id = ?1 AND expires_at > ?2")?
        .query_map(params![showtime.id, now.as_millisecond()], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT label, row_name, number, x, y, area, kind, blocked
         FROM screen_seats WHERE screen_id = ?1 ORDER BY y, x",
    )?;
    let rows = stmt
        .query_map([&showtime.screen_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, bool>(7)?,
            ))
        })?
        .map(|row| {
            let (label, row, number, x, y, area, kind, blocked) = row?;
            let state = seat_state(
                blocked,
                sold_here.contains(&label),
                remote.get(&label).map(String::as_str),
                leased.contains(&label),
            );
            Ok(SeatRow {
                state,
                area: SeatArea::parse(&area)
                    .ok_or_else(|| corrupt(format!("seat area '{area}'")))?,
                kind: SeatKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("seat kind '{kind}'")))?,
                label,
                row,
                number,
                x,
                y,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(rows)
}

/// A seat's state as this terminal knows it: blocked, sold here, what
/// central last said, leased to this terminal, or free, in that order.
fn seat_state(blocked: bool, sold_here: bool, remote: Option<&str>, leased: bool) -> SeatState {
    if blocked {
        SeatState::Blocked
    } else if sold_here {
        SeatState::Sold
    } else if let Some(remote) = remote.and_then(SeatState::parse) {
        remote
    } else if leased {
        SeatState::Leased
    } else {
        SeatState::Free
    }
}

/// The wheelchair places among the seats `labels` of a showtime's screen.
pub fn wheelchair_places(
    conn: &Connection,
    showtime: &ShowtimeRow,
    labels: &[String],
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for label in labels {
        let wheelchair = conn
            .q_row(
                "SELECT 1 FROM screen_seats WHERE screen_id = ?1 AND label = ?2 AND kind = 'wheelchair'",
                params![showtime.screen_id, label],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if wheelchair {
            out.push(label.clone());
        }
    }
    Ok(out)
}

/// The area and state of the seats `labels` of a showtime (those that
/// exist), as [`seats`] gives them but without reading the whole hall: what
/// a sale needs.
pub fn seat_states(
    conn: &Connection,
    showtime: &ShowtimeRow,
    labels: &[String],
    now: Timestamp,
) -> Result<std::collections::HashMap<String, (SeatArea, SeatState)>> {
    let mut out = std::collections::HashMap::with_capacity(labels.len());
    for label in labels {
        let seat: Option<(String, bool)> = conn
            .q_row(
                "SELECT area, blocked FROM screen_seats WHERE screen_id = ?1 AND label = ?2",
                params![showtime.screen_id, label],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((area, blocked)) = seat else {
            continue;
        };
        let sold_here = conn
            .q_row(
                "SELECT 1 FROM order_seats WHERE showtime_id = ?1 AND seat_label = ?2",
                params![showtime.id, label],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        let remote: Option<String> = conn
            .q_row(
                "SELECT state FROM remote_seats WHERE showtime_id = ?1 AND seat_label = ?2",
                params![showtime.id, label],
                |r| r.get(0),
            )
            .optional()?;
        let leased = conn
            .q_row(
                "SELECT 1 FROM leases WHERE showtime_id = ?1 AND seat_label = ?2 AND expires_at > ?3",
                params![showtime.id, label, now.as_millisecond()],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        let area = SeatArea::parse(&area).ok_or_else(|| corrupt(format!("seat area '{area}'")))?;
        let state = seat_state(blocked, sold_here, remote.as_deref(), leased);
        out.insert(label.clone(), (area, state));
    }
    Ok(out)
}

/// Replaces the cached remote states of one showtime. Seats leased to other
/// terminals count as held; this terminal's own leases live in `leases`.
pub fn replace_remote_seats(tx: &Transaction<'_>, states: &SeatStates, me: &str) -> Result<()> {
    tx.exec(
        "DELETE FROM remote_seats WHERE showtime_id = ?1",
        [&states.showtime_id],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR REPLACE INTO remote_seats (showtime_id, seat_label, state) VALUES (?1, ?2, ?3)",
    )?;
    for s in &states.seats {
        let mine = s.owner.as_deref() == Some(me);
        let state = match s.state {
            SeatState::Sold => "sold",
            SeatState::Held | SeatState::Leased if !mine => "held",
            _ => continue,
        };
        stmt.execute(params![states.showtime_id, s.label, state])?;
    }
    Ok(())
}

/// Marks seats as taken at central (learned from a refused hold).
pub fn mark_remote_taken(conn: &Connection, showtime_id: &str, seats: &[String]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR REPLACE INTO remote_seats (showtime_id, seat_label, state) VALUES (?1, ?2, 'sold')",
    )?;
    for seat in seats {
        stmt.execute(params![showtime_id, seat])?;
    }
    Ok(())
}
