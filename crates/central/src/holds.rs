//! Holds: seats set aside for a terminal or a web customer while they
//! choose, for a limited time, and their expiry.

use crate::db::{CentralDb, MAX_HOLD_TTL_SECS};
use crate::error::CentralError;
use crate::seats::{
    announce_freed, check_not_cancelled, emit, expire_stale, hold_seats, unavailable,
};
use crate::sql::{OptionalExtension, Sql, params};
use domain::SeatState;
use jiff::Timestamp;
use protocol::{Hold, HoldRequest};
use uuid::Uuid;

type Result<T> = std::result::Result<T, CentralError>;

/// Most seats in one hold.
pub const MAX_HOLD_SEATS: usize = 100;
/// Most seats one owner may hold at once, across its holds.
pub const MAX_HELD_PER_OWNER: i64 = 200;
/// Longest a seat stays held from its first hold, however often the hold
/// is extended or replaced (30 minutes).
pub const MAX_HOLD_LIFETIME_SECS: i64 = 1800;

impl CentralDb {
    /// Places a hold on free seats for `owner` (a terminal id or `web:...`).
    ///
    /// A hold takes at most [`MAX_HOLD_SEATS`] seats, an owner holds at most
    /// [`MAX_HELD_PER_OWNER`] at once, and a hold that replaces another (or
    /// takes over its seats) keeps the first one's start: it ends at the
    /// latest [`MAX_HOLD_LIFETIME_SECS`] after it.
    pub fn create_hold(
        &self,
        owner: &str,
        req: &HoldRequest,
        hold_id: Uuid,
        now: Timestamp,
    ) -> Result<Hold> {
        self.create_hold_at(owner, None, req, hold_id, now)
    }

    /// [`CentralDb::create_hold`] by terminal `terminal_id` of `site_id`,
    /// on a showtime of its own site only (`forbidden` otherwise).
    pub fn create_terminal_hold(
        &self,
        terminal_id: &str,
        site_id: &str,
        req: &HoldRequest,
        hold_id: Uuid,
        now: Timestamp,
    ) -> Result<Hold> {
        self.create_hold_at(terminal_id, Some(site_id), req, hold_id, now)
    }

    fn create_hold_at(
        &self,
        owner: &str,
        site: Option<&str>,
        req: &HoldRequest,
        hold_id: Uuid,
        now: Timestamp,
    ) -> Result<Hold> {
        if req.seats.is_empty() {
            return Err(CentralError::BadRequest(
                "a hold needs at least one seat".into(),
            ));
        }
        if req.seats.len() > MAX_HOLD_SEATS {
            return Err(CentralError::Limit(format!(
                "a hold takes at most {MAX_HOLD_SEATS} seats"
            )));
        }
        let ttl = req.ttl_secs.clamp(1, MAX_HOLD_TTL_SECS);
        if self.is_postgres() {
            // One call of a database function (holds_postgres.rs).
            return self.create_hold_postgres(owner, site, req, &hold_id.to_string(), ttl, now);
        }
        if let Some(site) = site {
            let show_site = self.showtime_site(&req.showtime_id)?;
            if show_site != site {
                return Err(not_at_site(owner, &show_site));
            }
        }
        // The hold it replaces may be on another showtime, whose seats it frees.
        let replaced = match req.replaces.as_deref() {
            None => None,
            Some(old) => hold_showtime(&self.read()?, old, owner)?,
        };
        let mut shows = vec![req.showtime_id.as_str()];
        shows.extend(replaced.as_deref());
        // The owner's lock: the cap on seats held counts across showtimes.
        self.write_scoped(&shows, &[owner], |tx| {
            check_not_cancelled(tx, &req.showtime_id)?;
            expire_stale(tx, now)?;
            // Also refuses seats not on the screen, or listed twice.
            let taken = unavailable(tx, &req.showtime_id, &req.seats, None, Some(owner))?;
            if !taken.is_empty() {
                return Err(CentralError::SeatUnavailable(taken));
            }
            let started = first_held(tx, owner, req, now)?;
            let expires_at = hold_end(started, ttl, now)?;
            let hold = hold_id.to_string();
            // Seats in an older hold of the same owner (an answer it never got) move to this one.
            for seat in &req.seats {
                tx.execute(
                    "DELETE FROM held_seats WHERE showtime_id = ?1 AND seat_label = ?2
                     AND hold_id IN (SELECT id FROM holds WHERE owner = ?3)",
                    params![req.showtime_id, seat, owner],
                )?;
            }
            tx.execute(
                "INSERT INTO holds (id, showtime_id, owner, expires_at, started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    hold,
                    req.showtime_id,
                    owner,
                    expires_at.as_millisecond(),
                    started.as_millisecond()
                ],
            )?;
            for seat in &req.seats {
                tx.execute(
                    "INSERT INTO held_seats (showtime_id, seat_label, hold_id) VALUES (?1, ?2, ?3)",
                    params![req.showtime_id, seat, hold],
                )?;
                emit(
                    tx,
                    &req.showtime_id,
                    seat,
                    SeatState::Held,
                    Some(owner),
                    now,
                )?;
            }
            if let Some(old) = req.replaces.as_deref().filter(|o| *o != hold) {
                // Read again under the locks: a hold still being placed
                // elsewhere when the scope was chosen may be on another showtime.
                let show = hold_showtime(tx, old, owner)?;
                let scope = tx.scope_showtimes();
                if let (Some(show), Some(scope)) = (show, scope)
                    && !scope.contains(&show)
                {
                    return Err(replaced_changed(old));
                }
                let left = hold_seats(tx, old, Some(owner))?;
                tx.execute(
                    "DELETE FROM holds WHERE id = ?1 AND owner = ?2",
                    params![old, owner],
                )?;
                announce_freed(tx, &left, now)?;
            }
            // Live holds only: a scoped write has not swept other showtimes.
            let held: i64 = tx.query_row(
                "SELECT count(*) FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
                 WHERE h.owner = ?1 AND h.expires_at > ?2",
                params![owner, now.as_millisecond()],
                |r| r.get(0),
            )?;
            if held > MAX_HELD_PER_OWNER {
                // The transaction rolls back: nothing of this hold stays.
                return Err(over_cap());
            }
            Ok(Hold {
                hold_id: hold,
                expires_at,
                central_time: now,
            })
        })
    }

    /// Releases a hold of `owner`. Releasing an unknown or expired hold is not an error.
    pub fn release_hold(&self, owner: &str, hold_id: &str, now: Timestamp) -> Result<()> {
        // Hold ids are UUIDs: one holding a NUL names none (and PostgreSQL's
        // text cannot carry it).
        if hold_id.contains('\0') {
            return Ok(());
        }
        let showtime = hold_showtime(&self.read()?, hold_id, owner)?;
        // Gone already (released, expired, or never this owner's).
        let Some(showtime) = showtime else {
            return Ok(());
        };
        if self.is_postgres() {
            // One call of a database function (holds_postgres.rs).
            return self.release_hold_postgres(owner, hold_id, &showtime, now);
        }
        self.write_showtimes(&[showtime.as_str()], |tx| {
            let seats = hold_seats(tx, hold_id, Some(owner))?;
            tx.execute(
                "DELETE FROM holds WHERE id = ?1 AND owner = ?2",
                params![hold_id, owner],
            )?;
            announce_freed(tx, &seats, now)?;
            Ok(())
        })
    }

    /// Gives a live hold of `owner` a new time to live from `now`.
    pub fn extend_hold(
        &self,
        owner: &str,
        hold_id: &str,
        ttl_secs: u32,
        now: Timestamp,
    ) -> Result<Hold> {
        let ttl = ttl_secs.clamp(1, MAX_HOLD_TTL_SECS);
        // A write scoped to the hold's showtime (its showtime never
        // changes), beside other showtimes' sales rather than alone.
        let Some(show) = hold_showtime(&self.read()?, hold_id, owner)? else {
            return Err(CentralError::UnknownHold(hold_id.to_string()));
        };
        self.write_showtimes(&[show.as_str()], |tx| {
            expire_stale(tx, now)?;
            let started: Option<i64> = tx
                .query_row(
                    &format!("SELECT {STARTED} FROM holds WHERE id = ?1 AND owner = ?2"),
                    params![hold_id, owner],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(started) = started else {
                return Err(CentralError::UnknownHold(hold_id.to_string()));
            };
            let expires_at = hold_end(millis(started)?, ttl, now)?;
            tx.execute(
                "UPDATE holds SET expires_at = ?3 WHERE id = ?1 AND owner = ?2",
                params![hold_id, owner, expires_at.as_millisecond()],
            )?;
            Ok(Hold {
                hold_id: hold_id.to_string(),
                expires_at,
                central_time: now,
            })
        })
    }

    /// Frees expired holds and leases (with their seat events).
    ///
    /// Each showtime with something due is its own scoped write, so the
    /// sweep every second never stops the other showtimes' sales.
    pub fn expire(&self, now: Timestamp) -> Result<()> {
        let ms = now.as_millisecond();
        let shows: Vec<String> = self
            .read()?
            .prepare(
                "SELECT hs.showtime_id FROM held_seats hs JOIN holds h ON h.id = hs.hold_id
                 WHERE h.expires_at <= ?1
                 UNION SELECT showtime_id FROM leases WHERE expires_at <= ?1",
            )?
            .query_map([ms], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        for show in &shows {
            self.write_showtimes(&[show.as_str()], |tx| expire_stale(tx, now))?;
        }
        Ok(())
    }
}

/// The showtime of `owner`'s hold `hold_id`, if it has that hold.
pub(crate) fn hold_showtime(conn: &Sql<'_>, hold_id: &str, owner: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT showtime_id FROM holds WHERE id = ?1 AND owner = ?2",
            params![hold_id, owner],
            |r| r.get(0),
        )
        .optional()?)
}

/// The refusal of a hold by terminal `owner` on a showtime of `site`, not its own.
pub(crate) fn not_at_site(owner: &str, site: &str) -> CentralError {
    CentralError::Forbidden(format!("terminal {owner} is not at site {site}"))
}

/// The refusal of a hold that would take its owner past [`MAX_HELD_PER_OWNER`].
pub(crate) fn over_cap() -> CentralError {
    CentralError::Limit(format!(
        "at most {MAX_HELD_PER_OWNER} seats may be held at once; release some first"
    ))
}

/// The refusal of a hold whose replaced hold `old` was placed, meanwhile,
/// on a showtime outside the write's scope.
pub(crate) fn replaced_changed(old: &str) -> CentralError {
    CentralError::Conflict(format!(
        "hold {old} changed while this one was placed; place it again"
    ))
}

/// The refusal of a hold of seats held for the longest a hold lasts.
pub(crate) fn lifetime_over() -> CentralError {
    CentralError::Limit(format!(
        "these seats have been held for {} minutes, the longest a hold lasts; \
         release them and choose again",
        MAX_HOLD_LIFETIME_SECS / 60
    ))
}

/// When a hold began, in milliseconds: a hold from before holds kept their
/// start counts from its longest time to live before its expiry.
const STARTED: &str = "COALESCE(started_at, expires_at - 900000)";

fn millis(ms: i64) -> Result<Timestamp> {
    Timestamp::from_millisecond(ms).map_err(|e| CentralError::Corrupt(e.to_string()))
}

/// The start of a new hold: now, or the earliest start of the owner's hold
/// it replaces or whose seats it takes over.
fn first_held(tx: &Sql<'_>, owner: &str, req: &HoldRequest, now: Timestamp) -> Result<Timestamp> {
    let mut earliest = now.as_millisecond();
    if let Some(old) = req.replaces.as_deref() {
        let started: Option<i64> = tx
            .query_row(
                &format!("SELECT {STARTED} FROM holds WHERE id = ?1 AND owner = ?2"),
                params![old, owner],
                |r| r.get(0),
            )
            .optional()?;
        earliest = earliest.min(started.unwrap_or(earliest));
    }
    let sql = format!(
        "SELECT min({STARTED}) FROM holds h JOIN held_seats hs ON hs.hold_id = h.id
         WHERE h.owner = ?1 AND hs.showtime_id = ?2 AND hs.seat_label = ?3"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    for seat in &req.seats {
        let started: Option<i64> =
            stmt.query_row(params![owner, req.showtime_id, seat], |r| r.get(0))?;
        earliest = earliest.min(started.unwrap_or(earliest));
    }
    millis(earliest)
}

/// When a hold begun at `started` ends if given `ttl` seconds more from
/// `now`: never past its lifetime; refused once the lifetime is over.
fn hold_end(started: Timestamp, ttl: u32, now: Timestamp) -> Result<Timestamp> {
    let last = started + jiff::SignedDuration::from_secs(MAX_HOLD_LIFETIME_SECS);
    if last <= now {
        return Err(lifetime_over());
    }
    // To the millisecond, as kept (and as PostgreSQL's function answers).
    let end = (now + jiff::SignedDuration::from_secs(i64::from(ttl))).min(last);
    millis(end.as_millisecond())
}
