//! What placing, replacing and releasing a hold does to seats and to the
//! seat event feed, and what it refuses, on either backend
//! (`BOXOFFICE_TEST_BACKEND=postgres` runs these on PostgreSQL, where a hold
//! is one call of a database function).

use central::CentralDb;
use central::error::CentralError;
use domain::SeatState;
use jiff::{SignedDuration, Timestamp};
use protocol::{Hold, HoldRequest};
use uuid::Uuid;

mod common;
use common::*;

const OTHER: &str = "dxb-marina-t2";

fn request(show: &str, seats: &[String], replaces: Option<&str>) -> HoldRequest {
    HoldRequest {
        showtime_id: show.to_string(),
        seats: seats.to_vec(),
        ttl_secs: 120,
        replaces: replaces.map(str::to_string),
    }
}

fn hold(db: &CentralDb, owner: &str, show: &str, seats: &[String], now: Timestamp) -> Hold {
    hold_request(db, owner, &request(show, seats, None), now)
}

/// A hold of `seats` by the test's terminal replacing its hold `old`.
fn replace(db: &CentralDb, show: &str, seats: &[String], old: &str, now: Timestamp) -> Hold {
    hold_request(db, TERMINAL, &request(show, seats, Some(old)), now)
}

fn hold_request(db: &CentralDb, owner: &str, req: &HoldRequest, now: Timestamp) -> Hold {
    db.create_hold(owner, req, Uuid::now_v7(), now).unwrap()
}

fn refused(
    db: &CentralDb,
    owner: &str,
    req: &HoldRequest,
    now: Timestamp,
) -> (CentralError, Vec<(String, SeatState, Option<String>)>) {
    let before = feed_end(db);
    let err = db.create_hold(owner, req, Uuid::now_v7(), now).unwrap_err();
    (err, events_after(db, before))
}

/// The feed's last sequence number.
fn feed_end(db: &CentralDb) -> i64 {
    db.seat_events(SITE, None).unwrap().last_seq
}

/// Events after `after`: (seat, state, owner).
fn events_after(db: &CentralDb, after: i64) -> Vec<(String, SeatState, Option<String>)> {
    db.seat_events(SITE, Some(after))
        .unwrap()
        .events
        .into_iter()
        .map(|e| (e.seat, e.state, e.owner))
        .collect()
}

/// Held seats of a showtime: (seat, owner), sorted.
fn held(db: &CentralDb, show: &str, now: Timestamp) -> Vec<(String, Option<String>)> {
    let mut out: Vec<_> = db
        .seat_states(show, now)
        .unwrap()
        .seats
        .into_iter()
        .filter(|s| s.state == SeatState::Held)
        .map(|s| (s.label, s.owner))
        .collect();
    out.sort();
    out
}

/// `events` with the runs of `free` events sorted: a hold's seats are
/// freed in no particular order.
fn frees_sorted(
    mut events: Vec<(String, SeatState, Option<String>)>,
) -> Vec<(String, SeatState, Option<String>)> {
    let mut k = 0;
    while k < events.len() {
        let run = events[k..]
            .iter()
            .take_while(|e| e.1 == SeatState::Free)
            .count();
        events[k..k + run].sort_by(|a, b| a.0.cmp(&b.0));
        k += run.max(1);
    }
    events
}

fn ev(seat: &str, state: SeatState, owner: Option<&str>) -> (String, SeatState, Option<String>) {
    (seat.to_string(), state, owner.map(str::to_string))
}

fn mine(seat: &str, owner: &str) -> (String, Option<String>) {
    (seat.to_string(), Some(owner.to_string()))
}

#[test]
fn placing_and_releasing_a_hold_announces_each_seat() {
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    // To the millisecond: a hold ends at a millisecond, as central keeps it.
    let now = Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap();
    let start = feed_end(&db);
    let h = hold(&db, TERMINAL, &show, &seats[..2], now);
    assert_eq!(h.expires_at, now + SignedDuration::from_secs(120));
    assert_eq!(
        events_after(&db, start),
        vec![
            ev(&seats[0], SeatState::Held, Some(TERMINAL)),
            ev(&seats[1], SeatState::Held, Some(TERMINAL)),
        ]
    );
    assert_eq!(
        held(&db, &show, now),
        vec![mine(&seats[0], TERMINAL), mine(&seats[1], TERMINAL)]
    );

    // Another terminal cannot release it: nothing changes.
    let mid = feed_end(&db);
    db.release_hold(OTHER, &h.hold_id, now).unwrap();
    assert_eq!(held(&db, &show, now).len(), 2);
    assert_eq!(events_after(&db, mid), vec![]);

    db.release_hold(TERMINAL, &h.hold_id, now).unwrap();
    assert_eq!(
        frees_sorted(events_after(&db, mid)),
        frees_sorted(vec![
            ev(&seats[0], SeatState::Free, None),
            ev(&seats[1], SeatState::Free, None),
        ])
    );
    assert_eq!(held(&db, &show, now), vec![]);
    // Releasing again, or an unknown hold, is no error and changes nothing.
    let end = feed_end(&db);
    db.release_hold(TERMINAL, &h.hold_id, now).unwrap();
    db.release_hold(TERMINAL, "no-such-hold", now).unwrap();
    assert_eq!(feed_end(&db), end);
}

#[test]
fn another_owner_s_seats_are_refused_and_nothing_of_the_hold_stays() {
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    let now = Timestamp::now();
    hold(&db, OTHER, &show, &seats[1..2], now);
    let (err, events) = refused(&db, TERMINAL, &request(&show, &seats[..3], None), now);
    match err {
        CentralError::SeatUnavailable(taken) => assert_eq!(taken, vec![seats[1].clone()]),
        other => panic!("expected seat_unavailable, got {other:?}"),
    }
    assert_eq!(events, vec![]);
    assert_eq!(held(&db, &show, now), vec![mine(&seats[1], OTHER)]);

    // A sold seat is taken too.
    let sale = sale(&show, vec![seat(&seats[2], None, "adult", 4500)]);
    push(&db, 1, protocol::EntryBody::Sale(sale));
    let (err, _) = refused(&db, TERMINAL, &request(&show, &seats[2..3], None), now);
    assert_eq!(err.code(), "seat_unavailable");
}

#[test]
fn a_terminal_s_own_hold_never_stands_in_its_way() {
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    let now = Timestamp::now();
    let first = hold(&db, TERMINAL, &show, &seats[..2], now);
    // A new hold without `replaces` (an answer the counter never got) takes
    // seat 1 over; the first hold keeps seat 0.
    let start = feed_end(&db);
    let second = hold(&db, TERMINAL, &show, &seats[1..3], now);
    assert_eq!(
        events_after(&db, start),
        vec![
            ev(&seats[1], SeatState::Held, Some(TERMINAL)),
            ev(&seats[2], SeatState::Held, Some(TERMINAL)),
        ]
    );
    assert_eq!(held(&db, &show, now).len(), 3);
    // Releasing the first frees seat 0 only.
    let mid = feed_end(&db);
    db.release_hold(TERMINAL, &first.hold_id, now).unwrap();
    assert_eq!(
        events_after(&db, mid),
        vec![ev(&seats[0], SeatState::Free, None)]
    );
    assert_eq!(
        held(&db, &show, now),
        vec![mine(&seats[1], TERMINAL), mine(&seats[2], TERMINAL)]
    );
    db.release_hold(TERMINAL, &second.hold_id, now).unwrap();
    assert_eq!(held(&db, &show, now), vec![]);
}

#[test]
fn a_replacing_hold_frees_what_it_no_longer_holds_even_on_another_showtime() {
    let (_dir, db) = demo_db();
    let [(show, seats), (other_show, other_seats)] = two_shows(&db);
    let now = Timestamp::now();
    let first = hold(&db, TERMINAL, &show, &seats[..2], now);
    // The selection changes: seat 1 stays, seat 0 goes, seat 2 comes.
    let start = feed_end(&db);
    let second = replace(&db, &show, &seats[1..3], &first.hold_id, now);
    assert_eq!(
        events_after(&db, start),
        vec![
            ev(&seats[1], SeatState::Held, Some(TERMINAL)),
            ev(&seats[2], SeatState::Held, Some(TERMINAL)),
            ev(&seats[0], SeatState::Free, None),
        ]
    );
    assert_eq!(
        held(&db, &show, now),
        vec![mine(&seats[1], TERMINAL), mine(&seats[2], TERMINAL)]
    );
    // The replaced hold is gone.
    let err = db
        .extend_hold(TERMINAL, &first.hold_id, 60, now)
        .unwrap_err();
    assert_eq!(err.code(), "unknown_hold");

    // The customer moves to another showtime: the old one's seats are freed.
    let mid = feed_end(&db);
    replace(&db, &other_show, &other_seats[..1], &second.hold_id, now);
    assert_eq!(
        frees_sorted(events_after(&db, mid)),
        frees_sorted(vec![
            ev(&other_seats[0], SeatState::Held, Some(TERMINAL)),
            ev(&seats[1], SeatState::Free, None),
            ev(&seats[2], SeatState::Free, None),
        ])
    );
    assert_eq!(held(&db, &show, now), vec![]);
    assert_eq!(
        held(&db, &other_show, now),
        vec![mine(&other_seats[0], TERMINAL)]
    );

    // Another terminal's hold is not for this one to replace: it stays.
    let theirs = hold(&db, OTHER, &show, &seats[..1], now);
    replace(&db, &show, &seats[2..3], &theirs.hold_id, now);
    assert_eq!(
        held(&db, &show, now),
        vec![mine(&seats[0], OTHER), mine(&seats[2], TERMINAL)]
    );
}

#[test]
fn bad_seats_and_showtimes_are_refused_with_what_was_wrong() {
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    let now = Timestamp::now();
    let twice = vec![seats[0].clone(), seats[1].clone(), seats[0].clone()];
    let (err, events) = refused(&db, TERMINAL, &request(&show, &twice, None), now);
    assert_eq!(err.code(), "bad_request", "{err}");
    assert!(err.to_string().contains(&seats[0]), "{err}");
    assert_eq!(events, vec![]);

    let unknown = vec![seats[0].clone(), "ZZ99".to_string(), "ZZ98".to_string()];
    let (err, events) = refused(&db, TERMINAL, &request(&show, &unknown, None), now);
    match err {
        CentralError::UnknownSeats(missing) => assert_eq!(missing, vec!["ZZ99", "ZZ98"]),
        other => panic!("expected unknown_seats, got {other:?}"),
    }
    assert_eq!(events, vec![]);

    let (err, _) = refused(
        &db,
        TERMINAL,
        &request("no-such-show", &seats[..1], None),
        now,
    );
    assert_eq!(err.code(), "unknown_showtime");

    // A blocked seat is never to be had.
    let catalog = db
        .catalog(SITE, Timestamp::now() - SignedDuration::from_hours(24))
        .unwrap();
    let (blocked_show, blocked_seat) = catalog
        .showtimes
        .iter()
        .find_map(|st| {
            let screen = catalog.screens.iter().find(|s| s.id == st.screen_id)?;
            let seat = screen.seats.iter().find(|s| s.blocked)?;
            Some((st.id.clone(), seat.label.clone()))
        })
        .expect("the demo has a blocked seat");
    let (err, _) = refused(
        &db,
        TERMINAL,
        &request(&blocked_show, std::slice::from_ref(&blocked_seat), None),
        now,
    );
    match err {
        CentralError::SeatUnavailable(taken) => assert_eq!(taken, vec![blocked_seat]),
        other => panic!("expected seat_unavailable, got {other:?}"),
    }

    // A cancelled showtime takes no holds.
    db.cancel_showtime(&show).unwrap();
    let (err, events) = refused(&db, TERMINAL, &request(&show, &seats[..1], None), now);
    assert_eq!(err.code(), "conflict", "{err}");
    assert_eq!(events, vec![]);
}

#[test]
fn a_hold_that_ran_out_gives_its_seats_to_the_next_hold() {
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    let t0 = Timestamp::now();
    let gone = hold(&db, OTHER, &show, &seats[..2], t0);
    let later = t0 + SignedDuration::from_secs(121);
    let start = feed_end(&db);
    hold(&db, TERMINAL, &show, &seats[1..2], later);
    // The expired hold's seats are announced free, then seat 1 held again.
    assert_eq!(
        frees_sorted(events_after(&db, start)),
        frees_sorted(vec![
            ev(&seats[0], SeatState::Free, None),
            ev(&seats[1], SeatState::Free, None),
            ev(&seats[1], SeatState::Held, Some(TERMINAL)),
        ])
    );
    assert_eq!(held(&db, &show, later), vec![mine(&seats[1], TERMINAL)]);
    // Releasing the expired hold later changes nothing.
    let end = feed_end(&db);
    db.release_hold(OTHER, &gone.hold_id, later).unwrap();
    assert_eq!(feed_end(&db), end);
}

#[test]
fn over_the_cap_a_replacing_hold_leaves_the_one_it_would_replace() {
    let (_dir, db) = demo_db();
    let (show, seats) = large_show(&db);
    let now = Timestamp::now();
    let cap = central::holds::MAX_HELD_PER_OWNER as usize;
    assert_eq!(cap, 200, "the holds below add up to the cap");
    // 100 + 99 + 1 seats: the owner holds exactly its cap.
    hold(&db, TERMINAL, &show, &seats[..100], now);
    hold(&db, TERMINAL, &show, &seats[100..199], now);
    let small = hold(&db, TERMINAL, &show, &seats[199..200], now);
    // Replacing the one-seat hold with two seats would hold cap + 1: the
    // owner's count, checked after the replacement, refuses it.
    let (err, events) = refused(
        &db,
        TERMINAL,
        &request(&show, &seats[200..202], Some(&small.hold_id)),
        now,
    );
    assert_eq!(err.code(), "limit", "{err}");
    assert_eq!(events, vec![]);
    let still = held(&db, &show, now);
    assert_eq!(still.len(), cap);
    assert!(still.contains(&mine(&seats[199], TERMINAL)));
    assert!(
        !still
            .iter()
            .any(|(s, _)| *s == seats[200] || *s == seats[201])
    );
    // The hold it would have replaced is still there, under its id ...
    db.extend_hold(TERMINAL, &small.hold_id, 60, now).unwrap();
    // ... and replaced by as many seats, it goes.
    let start = feed_end(&db);
    replace(&db, &show, &seats[200..201], &small.hold_id, now);
    assert_eq!(
        events_after(&db, start),
        vec![
            ev(&seats[200], SeatState::Held, Some(TERMINAL)),
            ev(&seats[199], SeatState::Free, None),
        ]
    );
    assert_eq!(held(&db, &show, now).len(), cap);
    let err = db
        .extend_hold(TERMINAL, &small.hold_id, 60, now)
        .unwrap_err();
    assert_eq!(err.code(), "unknown_hold");
}

#[test]
fn a_terminal_holds_only_its_own_site_s_seats() {
    let (_dir, db) = demo_db();
    let sites = db.sites().unwrap();
    let other_site = sites.iter().find(|s| s.id != SITE).expect("a second site");
    let (show, seats) = latest_show(&db, &other_site.id);
    let seat = seats[0].clone();
    let now = Timestamp::now();
    let before = feed_end(&db);
    let err = db
        .create_terminal_hold(
            TERMINAL,
            SITE,
            &request(&show, std::slice::from_ref(&seat), None),
            Uuid::now_v7(),
            now,
        )
        .unwrap_err();
    assert_eq!(err.code(), "forbidden", "{err}");
    assert!(err.to_string().contains(&other_site.id), "{err}");
    assert_eq!(feed_end(&db), before);
    assert_eq!(held(&db, &show, now), vec![]);
    // Its own site's showtime is held as by `create_hold`.
    let [(own, seats), _] = two_shows(&db);
    db.create_terminal_hold(
        TERMINAL,
        SITE,
        &request(&own, &seats[..1], None),
        Uuid::now_v7(),
        now,
    )
    .unwrap();
    assert_eq!(held(&db, &own, now), vec![mine(&seats[0], TERMINAL)]);
    let err = db
        .create_terminal_hold(
            TERMINAL,
            SITE,
            &request("no-such-show", &seats[..1], None),
            Uuid::now_v7(),
            now,
        )
        .unwrap_err();
    assert_eq!(err.code(), "unknown_showtime");
}
