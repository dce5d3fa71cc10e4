//! One order holding tickets for several showtimes (API 1.2): central checks
//! each showtime's seats on their own and applies the order whole or not at
//! all; reseats and refunds reach the seats of every showtime.

use jiff::Timestamp;
use protocol::{EntryBody, Outcome, Refund, Reseat, SecuredBy, WebSaleRequest};
use uuid::Uuid;

mod common;
use common::*;

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
        &central::web_channels::WebChannel::every_site("test-web", 50),
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
