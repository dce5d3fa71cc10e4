//! The seat rules every writer at central shares: which seats exist and are
//! free, expiring holds and leases, and recording each change of a seat's
//! state as a seat event (in the same transaction as the change).

use crate::error::CentralError;
use crate::sql::{OptionalExtension, Sql, params};
use domain::SeatState;
use jiff::Timestamp;
use std::collections::HashSet;

type Result<T> = std::result::Result<T, CentralError>;

/// Refuses a showtime the chain cancelled.
pub(crate) fn check_not_cancelled(conn: &Sql<'_>, showtime_id: &str) -> Result<()> {
    let state: Option<bool> = conn
        .query_row(
            "SELECT cancelled FROM showtimes WHERE id = ?1",
            [showtime_id],
            |r| r.get(0),
        )
        .optional()?;
    match state {
        None => Err(CentralError::UnknownShowtime(showtime_id.to_string())),
        Some(true) => Err(cancelled(showtime_id)),
        Some(false) => Ok(()),
    }
}

/// The refusal of a write on a showtime the chain cancelled.
pub(crate) fn cancelled(showtime_id: &str) -> CentralError {
    CentralError::Conflict(format!("showtime {showtime_id} was cancelled"))
}

/// The refusal of a request naming `seat` twice.
pub(crate) fn listed_twice(seat: &str) -> CentralError {
    CentralError::BadRequest(format!("seat {seat} is listed twice"))
}

pub(crate) fn showtime_screen(conn: &Sql<'_>, showtime_id: &str) -> Result<String> {
    conn.query_row(
        "SELECT screen_id FROM showtimes WHERE id = ?1",
        [showtime_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| CentralError::UnknownShowtime(showtime_id.to_string()))
}

pub(crate) fn check_seats_exist(conn: &Sql<'_>, screen_id: &str, seats: &[String]) -> Result<()> {
    let mut stmt = conn
        .prepare_cached("SELECT blocked FROM screen_seats WHERE screen_id = ?1 AND label = ?2")?;
    let mut missing = Vec::new();
    let mut seen = HashSet::new();
    for seat in seats {
        if !seen.insert(seat.as_str()) {
            return Err(listed_twice(seat));
        }
        if stmt
            .query_row(params![screen_id, seat], |r| r.get::<_, bool>(0))
            .optional()?
            .is_none()
        {
            missing.push(seat.clone());
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CentralError::UnknownSeats(missing))
    }
}

/// Frees holds and leases whose time is up, recording a seat event for each seat.
pub(crate) fn expire_stale(tx: &Sql<'_>, now: Timestamp) -> Result<()> {
    let ms = now.as_millisecond();
    // A scoped write expires its own showtimes' holds and leases only (it
    // changes no other seat); the rest waits for their next write or the
    // sweep. `None`: every showtime (`?2 IS NULL`), in one round trip when
    // nothing is due (the common case).
    let shows: Vec<Option<String>> = match tx.scope_showtimes() {
        None => vec![None],
        Some(shows) => shows.into_iter().map(Some).collect(),
    };
    let (mut held, mut leased) = (Vec::new(), Vec::new());
    for show in &shows {
        let due: Vec<(i64, String, String)> = tx
            .prepare_cached(
                "SELECT 0, hs.showtime_id, hs.seat_label FROM held_seats hs
                 JOIN holds h ON h.id = hs.hold_id
                 WHERE h.expires_at <= ?1 AND (CAST(?2 AS TEXT) IS NULL OR h.showtime_id = ?2)
                 UNION ALL
                 SELECT 1, showtime_id, seat_label FROM leases
                 WHERE expires_at <= ?1 AND (CAST(?2 AS TEXT) IS NULL OR showtime_id = ?2)",
            )?
            .query_map(params![ms, show], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let (h, l): (Vec<_>, Vec<_>) = due.into_iter().partition(|(kind, ..)| *kind == 0);
        if !h.is_empty() {
            tx.execute(
                "DELETE FROM holds WHERE expires_at <= ?1
                 AND (CAST(?2 AS TEXT) IS NULL OR showtime_id = ?2)",
                params![ms, show],
            )?;
        }
        if !l.is_empty() {
            tx.execute(
                "DELETE FROM leases WHERE expires_at <= ?1
                 AND (CAST(?2 AS TEXT) IS NULL OR showtime_id = ?2)",
                params![ms, show],
            )?;
        }
        held.extend(h.into_iter().map(|(_, t, s)| (t, s)));
        leased.extend(l.into_iter().map(|(_, t, s)| (t, s)));
    }
    announce_freed(tx, held.iter().chain(&leased), now)?;
    Ok(())
}

/// Records a `free` seat event for each of `seats` (showtime, label) that is
/// now neither sold, held nor leased: the one way central announces freed seats.
pub(crate) fn announce_freed<'a>(
    tx: &Sql<'_>,
    seats: impl IntoIterator<Item = &'a (String, String)>,
    now: Timestamp,
) -> Result<()> {
    for (show, seat) in seats {
        if seat_is_free(tx, show, seat)? {
            emit(tx, show, seat, SeatState::Free, None, now)?;
        }
    }
    Ok(())
}

/// Whether a seat is neither sold, held nor leased (blocked seats never change).
pub(crate) fn seat_is_free(tx: &Sql<'_>, showtime_id: &str, seat: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT NOT EXISTS (SELECT 1 FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2)
                AND NOT EXISTS (SELECT 1 FROM held_seats WHERE showtime_id = ?1 AND seat_label = ?2)
                AND NOT EXISTS (SELECT 1 FROM leases WHERE showtime_id = ?1 AND seat_label = ?2)",
        )?
        .query_row(params![showtime_id, seat], |r| r.get(0))?)
}

/// The seats of a hold (of `owner`, when given).
pub(crate) fn hold_seats(
    tx: &Sql<'_>,
    hold_id: &str,
    owner: Option<&str>,
) -> Result<Vec<(String, String)>> {
    Ok(tx
        .prepare_cached(
            "SELECT hs.showtime_id, hs.seat_label FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
             WHERE h.id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR h.owner = ?2)",
        )?
        .query_map(params![hold_id, owner], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?)
}

/// Records a change of a seat's state for the terminals following the site.
pub(crate) fn emit(
    tx: &Sql<'_>,
    showtime_id: &str,
    seat: &str,
    state: SeatState,
    owner: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    tx.check_in_scope(showtime_id)?;
    crate::sql::insert_event(
        tx,
        showtime_id,
        seat,
        state.as_str(),
        owner,
        now.as_millisecond(),
    )?;
    Ok(())
}

/// Seats among `seats` that are sold, blocked, held by a hold other than
/// `own_hold`, or leased to a terminal other than `me`; in the same round
/// trip per seat, checks that each seat is on the showtime's screen
/// (`UnknownSeats` naming those that are not) and listed once.
pub(crate) fn unavailable(
    tx: &Sql<'_>,
    showtime_id: &str,
    seats: &[String],
    own_hold: Option<&str>,
    me: Option<&str>,
) -> Result<Vec<String>> {
    Ok(check_seats(tx, showtime_id, seats, own_hold, me)?.taken)
}

/// What [`check_seats`] found.
pub(crate) struct SeatCheck {
    /// Seats not to be had (see [`unavailable`]).
    pub(crate) taken: Vec<String>,
    /// Holds of `me` on the seats, each once.
    pub(crate) my_holds: Vec<String>,
    /// Seats leased to `me`.
    pub(crate) my_leases: Vec<String>,
}

/// [`unavailable`], also naming `me`'s holds and leases on the seats (what
/// a sale by `me` ends), from the same round trips.
pub(crate) fn check_seats(
    tx: &Sql<'_>,
    showtime_id: &str,
    seats: &[String],
    own_hold: Option<&str>,
    me: Option<&str>,
) -> Result<SeatCheck> {
    let mut seen = HashSet::new();
    if let Some(twice) = seats.iter().find(|s| !seen.insert(s.as_str())) {
        return Err(listed_twice(twice));
    }
    // One round trip per seat (writers wait on each other's round trips).
    let mut state = tx.prepare_cached(
        "SELECT
           CASE WHEN EXISTS (SELECT 1 FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2)
                THEN 1 ELSE 0 END,
           (SELECT hs.hold_id FROM held_seats hs
            WHERE hs.showtime_id = ?1 AND hs.seat_label = ?2),
           (SELECT h.owner FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
            WHERE hs.showtime_id = ?1 AND hs.seat_label = ?2),
           (SELECT terminal_id FROM leases WHERE showtime_id = ?1 AND seat_label = ?2),
           (SELECT ss.blocked FROM screen_seats ss JOIN showtimes s ON s.screen_id = ss.screen_id
            WHERE s.id = ?1 AND ss.label = ?2)",
    )?;
    let (mut out, mut missing) = (Vec::new(), Vec::new());
    let (mut my_holds, mut my_leases) = (Vec::<String>::new(), Vec::new());
    for seat in seats {
        type SeatRow = (
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<i64>,
        );
        let (sold, hold, owner, lessee, blocked): SeatRow = state
            .query_row(params![showtime_id, seat], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        let Some(blocked) = blocked else {
            missing.push(seat.clone());
            continue;
        };
        let is_sold = sold != 0;
        // A terminal's own holds never stand in its way, even one whose
        // answer it never received (the sale then names no hold).
        let held_by_other = hold
            .as_deref()
            .zip(owner.as_deref())
            .is_some_and(|(h, owner)| Some(h) != own_hold && Some(owner) != me);
        if let (Some(h), true) = (&hold, me.is_some() && owner.as_deref() == me)
            && !my_holds.contains(h)
        {
            my_holds.push(h.clone());
        }
        if me.is_some() && lessee.as_deref() == me {
            my_leases.push(seat.clone());
        }
        let leased_to_other = lessee.is_some_and(|t| Some(t.as_str()) != me);
        let is_blocked = blocked != 0;
        if is_sold || held_by_other || leased_to_other || is_blocked {
            out.push(seat.clone());
        }
    }
    if !missing.is_empty() {
        return Err(CentralError::UnknownSeats(missing));
    }
    Ok(SeatCheck {
        taken: out,
        my_holds,
        my_leases,
    })
}
