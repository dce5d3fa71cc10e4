//! A hold lasts at most 30 minutes from its seats' first hold, however often
//! it is extended or replaced; its seats and a terminal's held seats are
//! capped. Central's own clock is an input here, so time runs as the test says.

use central::holds::{MAX_HELD_PER_OWNER, MAX_HOLD_LIFETIME_SECS, MAX_HOLD_SEATS};
use jiff::{SignedDuration, Timestamp};
use protocol::HoldRequest;
use uuid::Uuid;

mod common;
use common::*;

fn hold(show: &str, seats: &[String], replaces: Option<&str>) -> HoldRequest {
    HoldRequest {
        showtime_id: show.to_string(),
        seats: seats.to_vec(),
        ttl_secs: 300,
        replaces: replaces.map(str::to_string),
    }
}

#[test]
fn a_hold_ends_thirty_minutes_after_its_seats_were_first_held() {
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    let t0 = Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap();
    let at = |mins: i64| t0 + SignedDuration::from_mins(mins);
    let last = t0 + SignedDuration::from_secs(MAX_HOLD_LIFETIME_SECS);
    let first = db
        .create_hold(
            TERMINAL,
            &hold(&show, &seats[..2], None),
            Uuid::now_v7(),
            t0,
        )
        .unwrap();
    assert_eq!(first.expires_at, at(5));
    // Extended every four minutes: never past the lifetime.
    let mut current = first.hold_id.clone();
    for m in [4, 8, 12, 16, 20, 24] {
        let h = db.extend_hold(TERMINAL, &current, 300, at(m)).unwrap();
        assert_eq!(h.expires_at, at(m + 5).min(last));
        current = h.hold_id;
    }
    // Replaced by a new hold of the same seats (as the counter renews its
    // selection): it keeps the first one's start.
    let renewed = db
        .create_hold(
            TERMINAL,
            &hold(&show, &seats[..2], Some(&current)),
            Uuid::now_v7(),
            at(28),
        )
        .unwrap();
    assert_eq!(renewed.expires_at, last);
    // A new hold without `replaces` that takes the seats over keeps it too.
    let taken_over = db
        .create_hold(
            TERMINAL,
            &hold(&show, &seats[1..3], None),
            Uuid::now_v7(),
            at(29),
        )
        .unwrap();
    assert_eq!(taken_over.expires_at, last);
    // At the lifetime's end the hold is over: its seats are freed (and
    // announced), and extending it is refused.
    let err = db
        .extend_hold(TERMINAL, &renewed.hold_id, 300, last)
        .unwrap_err();
    assert_eq!(err.code(), "unknown_hold");
    let states = db.seat_states(&show, last).unwrap();
    assert!(
        states.seats.iter().all(|s| !seats[..3].contains(&s.label)),
        "{:?}",
        states.seats
    );
    // Once released (or expired) the seats may be held afresh.
    db.release_hold(TERMINAL, &renewed.hold_id, at(30)).unwrap();
    db.release_hold(TERMINAL, &taken_over.hold_id, at(30))
        .unwrap();
    let again = db
        .create_hold(
            TERMINAL,
            &hold(&show, &seats[..3], None),
            Uuid::now_v7(),
            at(31),
        )
        .unwrap();
    assert_eq!(again.expires_at, at(36));
}

#[test]
fn seats_per_hold_and_per_terminal_are_capped() {
    let (_dir, db) = demo_db();
    let (show, seats) = large_show(&db);
    let now = Timestamp::now();
    let err = db
        .create_hold(
            TERMINAL,
            &hold(&show, &seats[..MAX_HOLD_SEATS + 1], None),
            Uuid::now_v7(),
            now,
        )
        .unwrap_err();
    assert_eq!(err.code(), "limit");
    let per_owner = MAX_HELD_PER_OWNER as usize;
    let mut held = 0;
    while held < per_owner {
        db.create_hold(
            TERMINAL,
            &hold(&show, &seats[held..held + MAX_HOLD_SEATS], None),
            Uuid::now_v7(),
            now,
        )
        .unwrap();
        held += MAX_HOLD_SEATS;
    }
    let err = db
        .create_hold(
            TERMINAL,
            &hold(&show, &seats[held..held + 1], None),
            Uuid::now_v7(),
            now,
        )
        .unwrap_err();
    assert_eq!(err.code(), "limit");
    // Another terminal is not limited by this one's holds.
    db.create_hold(
        "dxb-marina-t2",
        &hold(&show, &seats[held..held + 1], None),
        Uuid::now_v7(),
        now,
    )
    .unwrap();
}
