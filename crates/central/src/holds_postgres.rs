//! Holds on PostgreSQL in one call each: `boxoffice_create_hold` and
//! `boxoffice_release_hold` (migration central-pg 0010) take the locks of a
//! scoped write and do what [`CentralDb::create_hold`] and
//! [`CentralDb::release_hold`] do on SQLite in a Rust transaction, holding
//! the showtime's lock for their own work rather than across a dozen round
//! trips.

use crate::db::{CentralDb, corrupt, json_text};
use crate::error::CentralError;
use crate::holds::{MAX_HELD_PER_OWNER, MAX_HOLD_LIFETIME_SECS, hold_showtime};
use crate::sql::{DbError, params};
use jiff::Timestamp;
use protocol::{Hold, HoldRequest};

type Result<T> = std::result::Result<T, CentralError>;

/// The SQLSTATE `boxoffice_create_hold` raises when the owner would hold
/// more than its cap (the whole call is undone).
const OVER_CAP: &str = "BX001";

impl CentralDb {
    /// [`CentralDb::create_hold`] on PostgreSQL, its request already checked
    /// (seats listed, at most `MAX_HOLD_SEATS`) and `ttl` clamped; `site`,
    /// when given, the only site whose showtimes it may hold.
    pub(crate) fn create_hold_postgres(
        &self,
        owner: &str,
        site: Option<&str>,
        req: &HoldRequest,
        hold_id: &str,
        ttl: u32,
        now: Timestamp,
    ) -> Result<Hold> {
        // A showtime id or label holding a NUL names nothing here, and
        // PostgreSQL's text cannot carry it.
        if req.showtime_id.contains('\0') {
            return Err(CentralError::UnknownShowtime(req.showtime_id.clone()));
        }
        let nul: Vec<String> = req
            .seats
            .iter()
            .filter(|s| s.contains('\0'))
            .cloned()
            .collect();
        if !nul.is_empty() {
            return Err(CentralError::UnknownSeats(nul));
        }
        let replaces = req.replaces.as_deref().filter(|old| !old.contains('\0'));
        let conn = self.read()?;
        // The hold it replaces may be on another showtime, whose seats it frees.
        let replaced = match replaces {
            None => None,
            Some(old) => hold_showtime(&conn, old, owner)?,
        };
        let mut shows = vec![req.showtime_id.as_str()];
        shows.extend(replaced.as_deref());
        shows.sort_unstable();
        shows.dedup();
        // The owner's lock: the cap on seats held counts across showtimes.
        let keys = crate::sql::scope::lock_keys(&shows, &[owner]);
        let called: std::result::Result<String, DbError> = conn.query_row(
            "SELECT boxoffice_create_hold(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                owner,
                site,
                req.showtime_id,
                json_text(&req.seats)?,
                replaces,
                json_text(&shows)?,
                json_text(&keys)?,
                hold_id,
                i64::from(ttl) * 1000,
                MAX_HOLD_LIFETIME_SECS * 1000,
                MAX_HELD_PER_OWNER,
                now.as_millisecond()
            ],
            |r| r.get(0),
        );
        // Expired holds and leases may have gone, and seats been held.
        self.events_committed();
        let answer = match called {
            Ok(answer) => answer,
            Err(DbError::Postgres(e)) if e.code().is_some_and(|c| c.code() == OVER_CAP) => {
                return Err(crate::holds::over_cap());
            }
            Err(e) => return Err(e.into()),
        };
        let answer: Vec<serde_json::Value> = serde_json::from_str(&answer).map_err(corrupt)?;
        let words = |from: usize| -> Vec<String> {
            answer
                .iter()
                .skip(from)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        let word = |at: usize| answer.get(at).and_then(|v| v.as_str()).unwrap_or_default();
        match answer.first().and_then(|w| w.as_str()) {
            Some("held") => {
                let ms = answer.get(1).and_then(|v| v.as_i64());
                let ms = ms.ok_or_else(|| corrupt("a hold's answer without its end"))?;
                Ok(Hold {
                    hold_id: hold_id.to_string(),
                    expires_at: Timestamp::from_millisecond(ms).map_err(corrupt)?,
                    central_time: now,
                })
            }
            Some("unknown_showtime") => Err(CentralError::UnknownShowtime(req.showtime_id.clone())),
            Some("wrong_site") => Err(crate::holds::not_at_site(owner, word(1))),
            Some("cancelled") => Err(crate::seats::cancelled(&req.showtime_id)),
            Some("twice") => Err(crate::seats::listed_twice(word(1))),
            Some("unknown_seats") => Err(CentralError::UnknownSeats(words(1))),
            Some("taken") => Err(CentralError::SeatUnavailable(words(1))),
            Some("lifetime") => Err(crate::holds::lifetime_over()),
            Some("changed") => Err(crate::holds::replaced_changed(
                req.replaces.as_deref().unwrap_or_default(),
            )),
            _ => Err(corrupt(format!("hold answer {answer:?}"))),
        }
    }

    /// [`CentralDb::release_hold`] on PostgreSQL, of the owner's hold
    /// whose showtime the caller read.
    pub(crate) fn release_hold_postgres(
        &self,
        owner: &str,
        hold_id: &str,
        showtime: &str,
        now: Timestamp,
    ) -> Result<()> {
        let key = crate::sql::scope::lock_key(showtime);
        let _answer: String = self.read()?.query_row(
            "SELECT boxoffice_release_hold(?1, ?2, ?3, ?4, ?5)",
            params![owner, hold_id, showtime, key, now.as_millisecond()],
            |r| r.get(0),
        )?;
        self.events_committed();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a real PostgreSQL server (tests/pg/up.sh), whatever the run's
    /// backend: the release function itself lets go of the owner's hold
    /// only (central reads the hold's showtime by owner first, so this is
    /// the function's own check).
    #[test]
    fn the_release_function_releases_only_its_owner_s_hold() {
        let db = CentralDb::connect(&crate::testing::fresh_postgres_database()).unwrap();
        let now = Timestamp::now();
        crate::demo::seed(&db, now).unwrap();
        let (show, seats) = crate::testing::latest_show(&db, "dxb-marina");
        let req = HoldRequest {
            showtime_id: show.clone(),
            seats: seats[..2].to_vec(),
            ttl_secs: 60,
            replaces: None,
        };
        let hold = db
            .create_hold("dxb-marina-t1", &req, uuid::Uuid::now_v7(), now)
            .unwrap();
        let release = |owner: &str| -> String {
            db.read()
                .unwrap()
                .query_row(
                    "SELECT boxoffice_release_hold(?1, ?2, ?3, ?4, ?5)",
                    params![
                        owner,
                        hold.hold_id,
                        show,
                        crate::sql::scope::lock_key(&show),
                        now.as_millisecond()
                    ],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let held = || {
            db.seat_states(&show, now)
                .unwrap()
                .seats
                .iter()
                .filter(|s| s.state == domain::SeatState::Held)
                .count()
        };
        assert_eq!(release("dxb-marina-t2"), r#"["released", 0]"#);
        assert_eq!(held(), 2);
        assert_eq!(release("dxb-marina-t1"), r#"["released", 2]"#);
        assert_eq!(held(), 0);
    }
}
