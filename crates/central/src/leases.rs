//! Leases: seats set aside for one terminal so that it can keep selling
//! seated tickets while its link to central is down.
//!
//! A terminal asks for a top-up whenever it syncs; central grants free seats
//! up to the site's [`LeasePolicy`] target, in blocks picked by best
//! available among the rear half of the rows (pairs and fours sell best;
//! the prime rows stay on general sale), and takes them back a set time
//! before the show. A leased seat is unavailable to the web and to other
//! terminals; the lessee sells it with [`SecuredBy::Lease`](protocol::SecuredBy).

use crate::catalog::site_settings;
use crate::db::CentralDb;
use crate::error::CentralError;
use crate::seats::{emit, expire_stale};
use crate::sql::{Sql, params};
use domain::best_available::{self, Request, SeatSpot};
use domain::{SeatArea, SeatKind, SeatState};
use jiff::{SignedDuration, Timestamp};
use protocol::{LeasePolicy, LeaseRequest, LeaseReturn, Leases, ShowtimeLease};
use std::collections::HashSet;

type Result<T> = std::result::Result<T, CentralError>;

impl CentralDb {
    /// Tops up `terminal_id`'s leases and returns all of its live leases.
    pub fn top_up_leases(
        &self,
        terminal_id: &str,
        req: &LeaseRequest,
        now: Timestamp,
    ) -> Result<Leases> {
        let site_id = self.terminal_site(terminal_id)?;
        self.write(|tx| {
            expire_stale(tx, now)?;
            let policy = site_settings(tx, &site_id)?.lease_policy;
            let shows = lease_candidates(tx, &site_id, req, &policy, now)?;
            for (show, screen, starts_at) in shows {
                let until =
                    starts_at - SignedDuration::from_mins(i64::from(policy.return_before_min));
                if until <= now {
                    continue;
                }
                grant(tx, terminal_id, &show, &screen, until, &policy, now)?;
            }
            live_leases(tx, terminal_id, now)
        })
    }

    /// Gives leased seats back to general sale.
    pub fn return_leases(
        &self,
        terminal_id: &str,
        req: &LeaseReturn,
        now: Timestamp,
    ) -> Result<Leases> {
        self.terminal_site(terminal_id)?;
        self.write(|tx| {
            let seats: Vec<String> = tx
                .prepare(
                    "SELECT seat_label FROM leases WHERE terminal_id = ?1 AND showtime_id = ?2",
                )?
                .query_map(params![terminal_id, req.showtime_id], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            for seat in seats
                .iter()
                .filter(|s| req.seats.is_empty() || req.seats.contains(s))
            {
                tx.execute(
                    "DELETE FROM leases WHERE terminal_id = ?1 AND showtime_id = ?2 AND seat_label = ?3",
                    params![terminal_id, req.showtime_id, seat],
                )?;
                emit(tx, &req.showtime_id, seat, SeatState::Free, None, now)?;
            }
            live_leases(tx, terminal_id, now)
        })
    }

    /// Number of seats leased per terminal for a showtime (tests and audits).
    pub fn leased_count(&self, showtime_id: &str, terminal_id: &str) -> Result<u32> {
        Ok(self.read()?.query_row(
            "SELECT count(*) FROM leases WHERE showtime_id = ?1 AND terminal_id = ?2",
            params![showtime_id, terminal_id],
            |r| r.get(0),
        )?)
    }
}

/// Showtimes of the site a lease top-up covers: `(id, screen, start)`.
fn lease_candidates(
    tx: &Sql<'_>,
    site_id: &str,
    req: &LeaseRequest,
    policy: &LeasePolicy,
    now: Timestamp,
) -> Result<Vec<(String, String, Timestamp)>> {
    let horizon = now + SignedDuration::from_hours(i64::from(policy.horizon_hours));
    let mut stmt = tx.prepare_cached(
        "SELECT id, screen_id, starts_at FROM showtimes
         WHERE site_id = ?1 AND starts_at > ?2 AND starts_at <= ?3 AND cancelled = 0
         ORDER BY starts_at",
    )?;
    let rows = stmt
        .query_map(
            params![site_id, now.as_second(), horizon.as_second()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            },
        )?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let wanted: HashSet<&str> = req.showtime_ids.iter().map(String::as_str).collect();
    rows.into_iter()
        .filter(|(id, _, _)| wanted.is_empty() || wanted.contains(id.as_str()))
        .map(|(id, screen, starts)| {
            let starts =
                Timestamp::from_second(starts).map_err(|e| CentralError::Corrupt(e.to_string()))?;
            Ok((id, screen, starts))
        })
        .collect()
}

/// Leases more seats of one showtime to `terminal_id` up to the policy's target.
fn grant(
    tx: &Sql<'_>,
    terminal_id: &str,
    showtime_id: &str,
    screen_id: &str,
    until: Timestamp,
    policy: &LeasePolicy,
    now: Timestamp,
) -> Result<()> {
    let all = screen_spots(tx, screen_id)?;
    let sellable = all.iter().filter(|s| !s.blocked).count() as u32;
    // Leases come from the rear half of the house: the prime rows stay on
    // general sale (web and online counters) until they are sold.
    let mut ys: Vec<u32> = all.iter().filter(|s| !s.blocked).map(|s| s.y).collect();
    ys.sort_unstable();
    let middle = ys.get(ys.len() / 2).copied().unwrap_or(0);
    let spots: Vec<SeatSpot> = all.into_iter().filter(|s| s.y >= middle).collect();
    let have: u32 = tx.query_row(
        "SELECT count(*) FROM leases WHERE showtime_id = ?1 AND terminal_id = ?2",
        params![showtime_id, terminal_id],
        |r| r.get(0),
    )?;
    let mut need = policy.target(sellable).saturating_sub(have) as usize;
    if need == 0 {
        return Ok(());
    }
    let mut taken: HashSet<String> = tx
        .prepare_cached(
            "SELECT seat_label FROM sold_seats WHERE showtime_id = ?1
             UNION SELECT seat_label FROM held_seats WHERE showtime_id = ?1
             UNION SELECT seat_label FROM leases WHERE showtime_id = ?1",
        )?
        .query_map([showtime_id], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO leases (showtime_id, seat_label, terminal_id, granted_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    // Fours, then pairs, then singles: the shapes counter parties come in.
    for block in [4usize, 2, 1] {
        while need >= block {
            let req = Request::new(block);
            let pick = best_available::best_available(&spots, |s| !taken.contains(&s.label), &req);
            let seats = match pick {
                Ok(p) if !p.split => p.seats,
                _ => break,
            };
            for seat in &seats {
                insert.execute(params![
                    showtime_id,
                    seat,
                    terminal_id,
                    now.as_millisecond(),
                    until.as_millisecond()
                ])?;
                emit(
                    tx,
                    showtime_id,
                    seat,
                    SeatState::Leased,
                    Some(terminal_id),
                    now,
                )?;
                taken.insert(seat.clone());
            }
            need -= seats.len();
        }
    }
    Ok(())
}

fn screen_spots(tx: &Sql<'_>, screen_id: &str) -> Result<Vec<SeatSpot>> {
    tx.prepare_cached(
        "SELECT label, row_name, x, y, area, kind, blocked FROM screen_seats WHERE screen_id = ?1",
    )?
    .query_map([screen_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, u32>(2)?,
            r.get::<_, u32>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, bool>(6)?,
        ))
    })?
    .map(|row| {
        let (label, row, x, y, area, kind, blocked) = row?;
        Ok(SeatSpot {
            label,
            row,
            x,
            y,
            area: SeatArea::parse(&area)
                .ok_or_else(|| CentralError::Corrupt(format!("area {area}")))?,
            kind: SeatKind::parse(&kind)
                .ok_or_else(|| CentralError::Corrupt(format!("kind {kind}")))?,
            blocked,
        })
    })
    .collect()
}

/// All live leases of a terminal, grouped by showtime.
fn live_leases(tx: &Sql<'_>, terminal_id: &str, now: Timestamp) -> Result<Leases> {
    let mut stmt = tx.prepare_cached(
        "SELECT showtime_id, seat_label, expires_at FROM leases
         WHERE terminal_id = ?1 AND expires_at > ?2 ORDER BY showtime_id, seat_label",
    )?;
    let mut out: Vec<ShowtimeLease> = Vec::new();
    for row in stmt.query_map(params![terminal_id, now.as_millisecond()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (show, seat, expires) = row?;
        let expires_at = Timestamp::from_millisecond(expires)
            .map_err(|e| CentralError::Corrupt(e.to_string()))?;
        match out.last_mut() {
            Some(last) if last.showtime_id == show => last.seats.push(seat),
            _ => out.push(ShowtimeLease {
                showtime_id: show,
                seats: vec![seat],
                expires_at,
            }),
        }
    }
    Ok(Leases {
        showtimes: out,
        central_time: now,
    })
}
