//! Helpers shared by central's integration tests: a seeded demo database,
//! showtimes with free seats, and sales to push.
#![allow(dead_code)]

use central::CentralDb;
use domain::SeatState;
use jiff::{SignedDuration, Timestamp};
use protocol::{Catalog, EntryBody, OutboxEntry, Outcome, SoldSeat};
use std::sync::Arc;
use uuid::Uuid;

pub const SITE: &str = "dxb-marina";
pub const TERMINAL: &str = "dxb-marina-t1";

pub fn demo_db() -> (tempfile::TempDir, Arc<CentralDb>) {
    let dir = tempfile::tempdir().unwrap();
    let db = Arc::new(central::testing::open_demo(dir.path()));
    db.allow_unprovisioned(true);
    (dir, db)
}

/// Two showtimes on different screens, the latest of the site (on sale at any
/// time of day), each with its first three free front seats.
pub fn two_shows(db: &CentralDb) -> [(String, Vec<String>); 2] {
    let catalog: Catalog = db
        .catalog(SITE, Timestamp::now() - SignedDuration::from_hours(24))
        .unwrap();
    let mut shows: Vec<_> = catalog.showtimes.iter().collect();
    shows.sort_by_key(|s| std::cmp::Reverse(s.starts_at));
    let first = shows[0];
    let second = shows
        .iter()
        .find(|s| s.screen_id != first.screen_id)
        .unwrap();
    [first, *second].map(|show| {
        let mut front = central::testing::open_seats(&catalog, &show.screen_id);
        front.truncate(3);
        (show.id.clone(), front)
    })
}

/// The latest showtime of the site on a screen of over 400 seats, and its
/// seats that are not blocked, front rows first.
pub fn large_show(db: &CentralDb) -> (String, Vec<String>) {
    central::testing::latest_show_on_screens_over(db, SITE, 400)
}

#[allow(unused_imports)]
pub use central::testing::{latest_show, sale};

pub fn seat(label: &str, showtime: Option<&str>, ticket_type: &str, price: i64) -> SoldSeat {
    SoldSeat {
        label: label.into(),
        ticket_type: ticket_type.into(),
        price_minor: price,
        showtime_id: showtime.map(str::to_string),
    }
}

pub fn push(db: &CentralDb, seq: i64, body: EntryBody) -> Outcome {
    let entry = OutboxEntry {
        id: Uuid::now_v7(),
        seq,
        body,
    };
    db.push(TERMINAL, &[entry], Timestamp::now())
        .unwrap()
        .remove(0)
        .outcome
}

pub fn sold(db: &CentralDb, showtime: &str) -> Vec<String> {
    let mut out: Vec<String> = db
        .seat_states(showtime, Timestamp::now())
        .unwrap()
        .seats
        .into_iter()
        .filter(|s| s.state == SeatState::Sold)
        .map(|s| s.label)
        .collect();
    out.sort();
    out
}
