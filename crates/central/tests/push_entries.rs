//! What central answers per pushed entry: a database failure on one entry is
//! that entry's own answer (`deferred`, nothing kept), never the batch's;
//! order references are unique by construction.

use central::CentralDb;
use jiff::Timestamp;
use protocol::{EntryBody, EntryResult, OutboxEntry, Outcome, Refund, WebSaleRequest};
use uuid::Uuid;

mod common;
use common::*;

fn entry(seq: i64, body: EntryBody) -> OutboxEntry {
    OutboxEntry {
        id: Uuid::now_v7(),
        seq,
        body,
    }
}

fn refund_of(sale: &protocol::Sale) -> EntryBody {
    EntryBody::Refund(Refund {
        order_id: sale.order_id,
        showtime_id: sale.showtime_id.clone(),
        amount_minor: sale.total_minor,
        tickets: Vec::new(),
        approved_by: "dxb-marina-supervisor".into(),
        reason: "changed plans".into(),
        at: Timestamp::now(),
        exchanged_to: None,
        split: None,
        business_day: None,
    })
}

fn outcomes(results: &[EntryResult]) -> Vec<String> {
    results
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Applied => "applied".to_string(),
            Outcome::Duplicate { .. } => "duplicate".to_string(),
            Outcome::Conflict { .. } => "conflict".to_string(),
            Outcome::Rejected { code, .. } => format!("rejected:{code}"),
            Outcome::Deferred { code, .. } => format!("deferred:{code}"),
        })
        .collect()
}

fn applied_entries(db: &CentralDb, terminal: &str) -> i64 {
    db.write(|tx| {
        Ok(tx.query_row(
            "SELECT count(*) FROM applied_entries WHERE terminal_id = ?1",
            [terminal],
            |r| r.get(0),
        )?)
    })
    .unwrap()
}

#[test]
fn a_database_failure_on_one_entry_defers_that_entry_and_its_order_only() {
    // A refund in the batch: on PostgreSQL, the Rust transaction's path.
    a_failing_entry_defers_its_order(refund_of, "applied");
}

#[test]
fn a_database_failure_on_one_sale_of_a_push_of_sales_defers_that_sale_and_its_order_only() {
    // Sales only: on PostgreSQL, the one-statement path (push_postgres.rs).
    // The third entry is the same sale sent under another entry id.
    a_failing_entry_defers_its_order(|s| EntryBody::Sale(s.clone()), "duplicate");
}

/// Pushes a sale, a sale the database refuses, `third` of that sale and a
/// last sale; then, with the trouble gone, all but the first again (the
/// third then answered `third_again`).
fn a_failing_entry_defers_its_order(third: fn(&protocol::Sale) -> EntryBody, third_again: &str) {
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    let first = sale(&show, vec![seat(&seats[0], None, "adult", 5000)]);
    let failing = sale(&show, vec![seat(&seats[1], None, "adult", 5000)]);
    let last = sale(&show, vec![seat(&seats[2], None, "adult", 5000)]);
    // The database refuses the second sale's seat (as a full disk or a
    // broken index would), and only that one.
    set_trap(&db, &seats[1]);
    let batch = vec![
        entry(1, EntryBody::Sale(first.clone())),
        entry(2, EntryBody::Sale(failing.clone())),
        entry(3, third(&failing)),
        entry(4, EntryBody::Sale(last.clone())),
    ];
    let results = db.push(TERMINAL, &batch, Timestamp::now()).unwrap();
    assert_eq!(
        outcomes(&results),
        [
            "applied",
            "deferred:internal",
            "deferred:order_deferred",
            "applied"
        ]
    );
    // Nothing of the deferred entries was kept: not the order, not a seat,
    // not the entry's record.
    assert_eq!(
        db.order_seats(&failing.order_id.to_string()).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(sold(&db, &show), {
        let mut v = vec![seats[0].clone(), seats[2].clone()];
        v.sort();
        v
    });
    assert_eq!(applied_entries(&db, TERMINAL), 2);

    // The trouble passes; the same entries sent again are applied once.
    remove_trap(&db);
    let again = db.push(TERMINAL, &batch[1..], Timestamp::now()).unwrap();
    assert_eq!(outcomes(&again), ["applied", third_again, "duplicate"]);
    // A refund gives the seat back; the same sale again changes nothing.
    let refunded = matches!(batch[2].body, EntryBody::Refund(_));
    assert_eq!(sold(&db, &show), {
        let mut v = vec![seats[0].clone(), seats[2].clone()];
        if !refunded {
            v.push(seats[1].clone());
        }
        v.sort();
        v
    });
    assert_eq!(applied_entries(&db, TERMINAL), 4);
}

/// Makes the database fail any insert of `seat` into `sold_seats`.
fn set_trap(db: &CentralDb, seat: &str) {
    let trap = if db.backend_name() == "postgres" {
        format!(
            "CREATE FUNCTION trap() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'disk trouble'; END $$;
             CREATE TRIGGER trap BEFORE INSERT ON sold_seats FOR EACH ROW
             WHEN (NEW.seat_label = '{seat}') EXECUTE FUNCTION trap();"
        )
    } else {
        format!(
            "CREATE TRIGGER trap BEFORE INSERT ON sold_seats WHEN NEW.seat_label = '{seat}'
             BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;"
        )
    };
    db.write(|tx| Ok(tx.execute_batch(&trap)?)).unwrap();
}

fn remove_trap(db: &CentralDb) {
    let untrap = if db.backend_name() == "postgres" {
        "DROP TRIGGER trap ON sold_seats"
    } else {
        "DROP TRIGGER trap"
    };
    db.write(|tx| Ok(tx.execute_batch(untrap)?)).unwrap();
}

#[test]
fn a_database_failure_on_a_push_of_one_sale_defers_it_and_keeps_nothing() {
    // A counter online pushes each sale alone: on PostgreSQL that batch
    // runs without a subtransaction, and the failed call is the entry's answer.
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    let failing = sale(&show, vec![seat(&seats[1], None, "adult", 5000)]);
    set_trap(&db, &seats[1]);
    let batch = vec![entry(1, EntryBody::Sale(failing.clone()))];
    let results = db.push(TERMINAL, &batch, Timestamp::now()).unwrap();
    assert_eq!(outcomes(&results), ["deferred:internal"]);
    assert_eq!(results[0].id, batch[0].id);
    assert_eq!(
        db.order_seats(&failing.order_id.to_string()).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(sold(&db, &show), Vec::<String>::new());
    assert_eq!(applied_entries(&db, TERMINAL), 0);
    // Sent again once the trouble passed: applied, once.
    remove_trap(&db);
    let again = db.push(TERMINAL, &batch, Timestamp::now()).unwrap();
    assert_eq!(outcomes(&again), ["applied"]);
    assert_eq!(sold(&db, &show), vec![seats[1].clone()]);
    let twice = db.push(TERMINAL, &batch, Timestamp::now()).unwrap();
    assert_eq!(outcomes(&twice), ["duplicate"]);
    assert_eq!(applied_entries(&db, TERMINAL), 1);
}

#[test]
fn two_terminals_orders_with_the_same_tail_both_apply() {
    // Before API 1.6 references were random: two terminals could print the
    // same one. Central keeps terminal references as given and never lets one
    // order's reference stop another's.
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    let mut a = sale(&show, vec![seat(&seats[0], None, "adult", 5000)]);
    let mut b = sale(&show, vec![seat(&seats[1], None, "adult", 5000)]);
    a.order_id = protocol::with_order_tail(a.order_id, 7, 99);
    b.order_id = protocol::with_order_tail(b.order_id, 7, 99);
    assert_eq!(
        protocol::order_reference(a.order_id),
        protocol::order_reference(b.order_id)
    );
    let ra = db
        .push(TERMINAL, &[entry(1, EntryBody::Sale(a))], Timestamp::now())
        .unwrap();
    let rb = db
        .push(
            "dxb-marina-t2",
            &[entry(1, EntryBody::Sale(b))],
            Timestamp::now(),
        )
        .unwrap();
    assert_eq!(outcomes(&ra), ["applied"]);
    assert_eq!(outcomes(&rb), ["applied"]);
}

#[test]
fn every_terminal_has_its_own_number_and_web_references_never_repeat() {
    let (_dir, db) = demo_db();
    let mut numbers = std::collections::BTreeSet::new();
    for site in db.sites().unwrap() {
        assert_eq!(
            site.terminal_numbers.len(),
            site.terminals.len(),
            "{}",
            site.id
        );
        for n in site.terminal_numbers.values() {
            assert!((1..=protocol::MAX_TERMINAL_NUMBER).contains(n));
            assert!(numbers.insert(*n), "terminal number {n} given twice");
        }
    }
    let [(show, _), _] = two_shows(&db);
    let free: Vec<String> = db
        .seat_states(&show, Timestamp::now())
        .unwrap()
        .seats
        .into_iter()
        .filter(|s| s.state == domain::SeatState::Free)
        .map(|s| s.label)
        .take(40)
        .collect();
    let mut refs = std::collections::BTreeSet::new();
    for label in free {
        let sold = db
            .web_sale(
                &central::web_channels::WebChannel::every_site("test-web", 50),
                &WebSaleRequest {
                    showtime_id: show.clone(),
                    seats: vec![label],
                },
                Uuid::now_v7(),
                Timestamp::now(),
            )
            .unwrap();
        assert!(sold.reference.starts_with('W') && sold.reference.len() == 9);
        assert!(
            refs.insert(sold.reference.clone()),
            "{} twice",
            sold.reference
        );
        let booking = db.web_booking(SITE, &sold.reference).unwrap();
        assert_eq!(booking.order_id, sold.order_id);
    }
}

/// An answer's name and code (a duplicate's, of its first answer).
fn answer_name(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Duplicate { first } => format!("duplicate of {}", answer_name(first)),
        other => outcomes(&[EntryResult {
            id: Uuid::nil(),
            outcome: other.clone(),
        }])
        .remove(0),
    }
}

/// Pushes every kind of answer a sale can get, each from its own batch
/// unless said, and returns the answers in order.
fn every_answer_of_a_sale(
    db: &CentralDb,
    now: Timestamp,
    script: &[(&str, OutboxEntry)],
) -> Vec<Outcome> {
    script
        .iter()
        .map(|(terminal, entry)| {
            db.push(terminal, std::slice::from_ref(entry), now)
                .unwrap()
                .remove(0)
                .outcome
        })
        .collect()
}

#[test]
fn pushed_sales_are_answered_alike_on_sqlite_and_on_postgresql() {
    // The same pushes to a central on SQLite (the Rust transaction) and one
    // on a real PostgreSQL server (the one-statement function, whatever the
    // run's backend) give the same answers, word for word.
    let now = Timestamp::now();
    let dir = tempfile::tempdir().unwrap();
    let sqlite = CentralDb::open(&dir.path().join("alike.db")).unwrap();
    let pg = std::thread::spawn(|| {
        CentralDb::connect(&central::testing::fresh_postgres_database()).unwrap()
    })
    .join()
    .unwrap();
    for db in [&sqlite, &pg] {
        central::demo::seed(db, now).unwrap();
        db.allow_unprovisioned(true);
    }
    let [(show, seats), (other_show, _)] = two_shows(&sqlite);
    let elsewhere: String = sqlite
        .write(|tx| {
            Ok(tx.query_row(
                "SELECT id FROM showtimes WHERE site_id <> ?1 ORDER BY id LIMIT 1",
                [SITE],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let one = |label: &str| vec![seat(label, None, "adult", 5000)];
    let first = sale(&show, one(&seats[0]));
    let first_entry = entry(1, EntryBody::Sale(first.clone()));
    let mut twice = sale(&show, one(&seats[1]));
    twice.seats.push(seat(&seats[1], None, "adult", 5000));
    twice.total_minor = 10_000;
    twice.payments[0].amount_minor = 10_000;
    let mut riyals = sale(&show, one(&seats[1]));
    riyals.currency = domain::Currency::Qar;
    let mut no_seat_here = sale(&other_show, one(&seats[1]));
    no_seat_here.seats[0].showtime_id = Some(show.clone());
    let mut bad_money = sale(&show, one(&seats[1]));
    bad_money.total_minor = 1;
    let bad_money_entry = entry(9, EntryBody::Sale(bad_money));
    let t2 = "dxb-marina-t2";
    let script: Vec<(&str, OutboxEntry)> = vec![
        (TERMINAL, first_entry.clone()),
        (TERMINAL, first_entry.clone()),
        (TERMINAL, entry(2, EntryBody::Sale(first.clone()))),
        (t2, first_entry.clone()),
        (t2, entry(1, EntryBody::Sale(first.clone()))),
        (
            TERMINAL,
            entry(3, EntryBody::Sale(sale(&show, one("ZZ99")))),
        ),
        (TERMINAL, entry(4, EntryBody::Sale(twice))),
        (
            TERMINAL,
            entry(5, EntryBody::Sale(sale("no-such-show", one(&seats[1])))),
        ),
        (
            TERMINAL,
            entry(6, EntryBody::Sale(sale(&elsewhere, one("A1")))),
        ),
        (TERMINAL, entry(7, EntryBody::Sale(riyals))),
        (TERMINAL, entry(8, EntryBody::Sale(no_seat_here))),
        (TERMINAL, bad_money_entry.clone()),
        (TERMINAL, bad_money_entry),
        (
            TERMINAL,
            entry(10, EntryBody::Sale(sale(&show, one(&seats[0])))),
        ),
        (
            TERMINAL,
            entry(11, EntryBody::Sale(sale(&show, one(&seats[1])))),
        ),
        // PostgreSQL keeps no NUL in text (nor in JSON): refused, not stuck.
        (
            TERMINAL,
            entry(12, EntryBody::Sale(sale(&show, one("A\0")))),
        ),
        (
            TERMINAL,
            entry(13, EntryBody::Sale(sale("show\0", one(&seats[2])))),
        ),
    ];
    let on_sqlite = every_answer_of_a_sale(&sqlite, now, &script);
    let on_pg = every_answer_of_a_sale(&pg, now, &script);
    assert_eq!(on_sqlite, on_pg);
    let summary: Vec<String> = on_pg.iter().map(answer_name).collect();
    assert_eq!(
        summary,
        [
            "applied",
            "duplicate of applied",
            "duplicate of applied",
            "rejected:entry_id_taken",
            "rejected:order_id_taken",
            "rejected:unknown_seats",
            "rejected:bad_request",
            "rejected:unknown_showtime",
            "rejected:wrong_site",
            "rejected:wrong_currency",
            "rejected:bad_showtime",
            "rejected:bad_total",
            "duplicate of rejected:bad_total",
            "conflict",
            "applied",
            "rejected:bad_text",
            "rejected:bad_text",
        ]
    );
    // An empty push changes nothing and answers nothing.
    for db in [&sqlite, &pg] {
        assert!(db.push(TERMINAL, &[], now).unwrap().is_empty());
    }
    // The seats, the conflict list and the day report lines agree too.
    for db in [&sqlite, &pg] {
        assert_eq!(sold(db, &show), {
            let mut v = vec![seats[0].clone(), seats[1].clone()];
            v.sort();
            v
        });
    }
    let facts = |db: &CentralDb| {
        db.write(|tx| {
            Ok((
                tx.query_row("SELECT count(*), min(seats) FROM conflicts", [], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })?,
                tx.query_row(
                    "SELECT count(*), min(business_day), max(kind) FROM day_entries",
                    [],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                        ))
                    },
                )?,
            ))
        })
        .unwrap()
    };
    assert_eq!(facts(&sqlite), facts(&pg));
    assert_eq!(facts(&pg).0, (1, format!("[\"{}\"]", seats[0])));
    assert_eq!(facts(&pg).1.0, 3, "two sales and the override in conflict");
}

#[test]
fn a_push_frees_its_showtime_s_holds_that_ran_out_before_selling() {
    let (_dir, db) = demo_db();
    let [(show, seats), _] = two_shows(&db);
    let t0 = Timestamp::now();
    let hold = protocol::HoldRequest {
        showtime_id: show.clone(),
        seats: seats[..2].to_vec(),
        ttl_secs: 60,
        replaces: None,
    };
    db.create_hold("dxb-marina-t2", &hold, Uuid::now_v7(), t0)
        .unwrap();
    // Before the hold runs out the seat is another terminal's: a conflict.
    let early = sale(&show, vec![seat(&seats[0], None, "adult", 5000)]);
    let results = db
        .push(TERMINAL, &[entry(1, EntryBody::Sale(early))], t0)
        .unwrap();
    assert_eq!(outcomes(&results), ["conflict"]);
    // After it, the push frees both seats (announced) and sells one.
    let later = t0 + jiff::SignedDuration::from_secs(61);
    let before = db.seat_events(SITE, None).unwrap().last_seq;
    let on_time = sale(&show, vec![seat(&seats[0], None, "adult", 5000)]);
    let results = db
        .push(TERMINAL, &[entry(2, EntryBody::Sale(on_time))], later)
        .unwrap();
    assert_eq!(outcomes(&results), ["applied"]);
    let mut events: Vec<(String, String)> = db
        .seat_events(SITE, Some(before))
        .unwrap()
        .events
        .into_iter()
        .map(|e| (e.seat, e.state.as_str().to_string()))
        .collect();
    let sold = events.pop().unwrap();
    assert_eq!(sold, (seats[0].clone(), "sold".to_string()));
    events.sort();
    let mut freed = vec![
        (seats[0].clone(), "free".to_string()),
        (seats[1].clone(), "free".to_string()),
    ];
    freed.sort();
    assert_eq!(events, freed);
}
