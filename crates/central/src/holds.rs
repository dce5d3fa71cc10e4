//! Holds: seats set aside for a terminal or a web customer while they
//! choose, for a limited time, and their expiry.

use crate::db::{CentralDb, MAX_HOLD_TTL_SECS};
use crate::error::CentralError;
use crate::seats::{
    announce_freed, check_not_cancelled, check_seats_exist, emit, expire_stale, hold_seats,
    showtime_screen, unavailable,
};
use domain::SeatState;
use jiff::Timestamp;
use protocol::{Hold, HoldRequest};
use rusqlite::params;
use uuid::Uuid;

type Result<T> = std::result::Result<T, CentralError>;

impl CentralDb {
    /// Places a hold on free seats for `owner` (a terminal id or `web:...`).
    pub fn create_hold(
        &self,
        owner: &str,
        req: &HoldRequest,
        hold_id: Uuid,
        now: Timestamp,
    ) -> Result<Hold> {
        if req.seats.is_empty() {
            return Err(CentralError::BadRequest(
                "a hold needs at least one seat".into(),
            ));
        }
        let ttl = req.ttl_secs.clamp(1, MAX_HOLD_TTL_SECS);
        let expires_at = now + jiff::SignedDuration::from_secs(i64::from(ttl));
        self.write(|tx| {
            let screen_id = showtime_screen(tx, &req.showtime_id)?;
            check_not_cancelled(tx, &req.showtime_id)?;
            check_seats_exist(tx, &screen_id, &req.seats)?;
            expire_stale(tx, now)?;
            let taken = unavailable(tx, &req.showtime_id, &req.seats, None, Some(owner))?;
            if !taken.is_empty() {
                return Err(CentralError::SeatUnavailable(taken));
            }
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
                "INSERT INTO holds (id, showtime_id, owner, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![hold, req.showtime_id, owner, expires_at.as_millisecond()],
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
                let left = hold_seats(tx, old, Some(owner))?;
                tx.execute(
                    "DELETE FROM holds WHERE id = ?1 AND owner = ?2",
                    params![old, owner],
                )?;
                announce_freed(tx, &left, now)?;
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
        self.write(|tx| {
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
        let expires_at = now + jiff::SignedDuration::from_secs(i64::from(ttl));
        self.write(|tx| {
            expire_stale(tx, now)?;
            let n = tx.execute(
                "UPDATE holds SET expires_at = ?3 WHERE id = ?1 AND owner = ?2",
                params![hold_id, owner, expires_at.as_millisecond()],
            )?;
            if n == 0 {
                return Err(CentralError::UnknownHold(hold_id.to_string()));
            }
            Ok(Hold {
                hold_id: hold_id.to_string(),
                expires_at,
                central_time: now,
            })
        })
    }

    /// Frees expired holds and leases (with their seat events).
    pub fn expire(&self, now: Timestamp) -> Result<()> {
        self.write(|tx| expire_stale(tx, now))
    }
}
