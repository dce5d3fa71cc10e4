//! One order holding tickets for several showtimes (API 1.2): central checks
//! each showtime's seats on their own and applies the order whole or not at
//! all; reseats and refunds reach the seats of every showtime.

use central::{CentralDb, demo};
use domain::SeatState;
use jiff::{SignedDuration, Timestamp};
use protocol::{
    Catalog, EntryBody, OutboxEntry, Outcome, Payment, Refund, Reseat, Sale, SecuredBy, SoldSeat,
    WebSaleRequest,
};
use std::sync::Arc;
use uuid::Uuid;

const SITE: &str = "dxb-marina";
const TERMINAL: &str = "dxb-marina-t1";

fn demo_db() -> (tempfile::TempDir, Arc<CentralDb>) {
    let dir = tempfile::tempdir().unwrap();
    let db = Arc::new(CentralDb::open(&dir.path().join("central.db")).unwrap());
    demo::seed(&db, Timestamp::now()).unwrap();
    db.allow_unprovisioned(true);
    (dir, db)
}

/// Two showtimes on different screens, the latest of the site (on sale at any
/// time of day), each with its first three free front seats.
fn two_shows(db: &CentralDb) -> [(String, Vec<String>); 2] {
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
        let screen = catalog
            .screens
            .iter()
            .find(|s| s.id == show.screen_id)
            .unwrap();
        let mut front: Vec<_> = screen.seats.iter().filter(|s| !s.blocked).collect();
        front.sort_by_key(|s| (s.y, s.x));
        (
            show.id.clone(),
            front.iter().take(3).map(|s| s.label.clone()).collect(),
        )
    })
}

fn seat(label: &str, showtime: Option<&str>, ticket_type: &str, price: i64) -> SoldSeat {
    SoldSeat {
        label: label.into(),
        ticket_type: ticket_type.into(),
        price_minor: price,
        showtime_id: showtime.map(str::to_string),
    }
}

fn sale(showtime: &str, seats: Vec<SoldSeat>) -> Sale {
    let now = Timestamp::now();
    let total: i64 = seats.iter().map(|s| s.price_minor).sum();
    Sale {
        order_id: Uuid::now_v7(),
        showtime_id: showtime.into(),
        seats,
        secured_by: SecuredBy::Override {
            manager_id: "dxb-marina-manager".into(),
        },
        total_minor: total,
        vat_minor: domain::vat::vat_included(total, 500),
        currency: domain::Currency::Aed,
        payments: vec![Payment {
            method: "cash".into(),
            amount_minor: total,
            reference: None,
        }],
        cashier_id: "dxb-marina-cashier".into(),
        sold_at: now,
        sold_at_central_estimate: now,
        price_override: None,
        business_day: None,
    }
}

fn push(db: &CentralDb, seq: i64, body: EntryBody) -> Outcome {
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

fn sold(db: &CentralDb, showtime: &str) -> Vec<String> {
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

#[test]
fn an_order_over_two_showtimes_applies_whole_and_is_reseated_and_refunded_per_showtime() {
    let (_dir, db) = demo_db();
    let [(a, a_seats), (b, b_seats)] = two_shows(&db);
    let order = sale(
        &a,
        vec![
            seat(&a_seats[0], None, "adult", 5000),
            seat(&a_seats[1], None, "child", 3500),
            seat(&b_seats[0], Some(&b), "adult", 5000),
        ],
    );
    assert_eq!(
        push(&db, 1, EntryBody::Sale(order.clone())),
        Outcome::Applied
    );
    assert_eq!(sold(&db, &a), {
        let mut v = vec![a_seats[0].clone(), a_seats[1].clone()];
        v.sort();
        v
    });
    assert_eq!(sold(&db, &b), vec![b_seats[0].clone()]);

    // Sent again (an answer lost on the way back): nothing is sold twice.
    assert!(matches!(
        push(&db, 1, EntryBody::Sale(order.clone())),
        Outcome::Duplicate { .. }
    ));

    // The seat in the second showtime moves within that showtime.
    let moved = push(
        &db,
        2,
        EntryBody::Reseat(Reseat {
            order_id: order.order_id,
            showtime_id: b.clone(),
            from_seat: b_seats[0].clone(),
            to_seat: b_seats[1].clone(),
            secured_by: SecuredBy::Lease,
            approved_by: "dxb-marina-supervisor".into(),
            reason: "broken seat".into(),
            at: Timestamp::now(),
        }),
    );
    assert_eq!(moved, Outcome::Applied);
    assert_eq!(sold(&db, &b), vec![b_seats[1].clone()]);

    // A refund frees the order's seats in both showtimes.
    let refunded = push(
        &db,
        3,
        EntryBody::Refund(Refund {
            order_id: order.order_id,
            showtime_id: a.clone(),
            amount_minor: order.total_minor,
            tickets: Vec::new(),
            exchanged_to: None,
            split: None,
            business_day: None,
            approved_by: "dxb-marina-manager".into(),
            reason: "customer changed plans".into(),
            at: Timestamp::now(),
        }),
    );
    assert_eq!(refunded, Outcome::Applied);
    assert!(sold(&db, &a).is_empty());
    assert!(sold(&db, &b).is_empty());
}

#[test]
fn a_seat_taken_in_one_showtime_leaves_the_whole_order_unsold() {
    let (_dir, db) = demo_db();
    let [(a, a_seats), (b, b_seats)] = two_shows(&db);
    db.web_sale(
        &WebSaleRequest {
            showtime_id: b.clone(),
            seats: vec![b_seats[2].clone()],
        },
        Uuid::now_v7(),
        Timestamp::now(),
    )
    .unwrap();
    let order = sale(
        &a,
        vec![
            seat(&a_seats[2], None, "adult", 5000),
            seat(&b_seats[2], Some(&b), "adult", 5000),
        ],
    );
    match push(&db, 1, EntryBody::Sale(order)) {
        Outcome::Conflict { seats } => assert_eq!(seats, vec![b_seats[2].clone()]),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Nothing of the order was sold, not even the free seat of the first showtime.
    assert!(sold(&db, &a).is_empty());
    assert_eq!(sold(&db, &b), vec![b_seats[2].clone()]);
}

#[test]
fn malformed_multi_showtime_orders_are_rejected_with_a_code() {
    let (_dir, db) = demo_db();
    let [(a, a_seats), (b, b_seats)] = two_shows(&db);
    let code = |o: Outcome| match o {
        Outcome::Rejected { code, .. } => code,
        other => panic!("expected a rejection, got {other:?}"),
    };
    // The same seat of the same showtime twice.
    let twice = sale(
        &a,
        vec![
            seat(&b_seats[0], Some(&b), "adult", 5000),
            seat(&a_seats[0], None, "adult", 5000),
            seat(&b_seats[0], Some(&b), "child", 3500),
        ],
    );
    assert_eq!(code(push(&db, 1, EntryBody::Sale(twice))), "bad_request");
    // A seat of an unknown showtime.
    let unknown = sale(
        &a,
        vec![
            seat(&a_seats[0], None, "adult", 5000),
            seat(&b_seats[0], Some("no-such-show"), "adult", 5000),
        ],
    );
    assert_eq!(
        code(push(&db, 2, EntryBody::Sale(unknown))),
        "unknown_showtime"
    );
    // The sale's own showtime has none of the seats.
    let stray = sale(&a, vec![seat(&b_seats[0], Some(&b), "adult", 5000)]);
    assert_eq!(code(push(&db, 3, EntryBody::Sale(stray))), "bad_showtime");
    // Nothing was sold by the refused orders.
    assert!(sold(&db, &a).is_empty());
    assert!(sold(&db, &b).is_empty());
}
