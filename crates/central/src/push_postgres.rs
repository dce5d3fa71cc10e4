//! A terminal's push of sales on PostgreSQL in one round trip: central
//! checks each entry's shape and money and prepares what only Rust knows
//! (the order reference, the day report's line, the entry as JSON), then
//! `boxoffice_push_sales` (migration central-pg 0007; a batch of one in 0011) takes the locks of a
//! write scoped to the sales' showtimes and applies the entries one by one,
//! as [`CentralDb::push_at`] does on SQLite in a Rust transaction. A push
//! of one sale, the counters' usual one, goes in a group with this
//! instance's other pushes of one sale that arrive while its database calls
//! are busy (`push_groups`, `boxoffice_push_sale_group`, 0013).

use crate::day_report::ZoneOnce;
use crate::db::{CentralDb, corrupt, json_text};
use crate::entries::{not_stored, seats_by_showtime};
use crate::entry_checks::check_entry;
use crate::error::CentralError;
use crate::sql::{DbError, Sql, params};
use jiff::Timestamp;
use protocol::{EntryBody, EntryResult, OutboxEntry, Outcome, Sale, SecuredBy};
use serde_json::{Value, json};

type Result<T> = std::result::Result<T, CentralError>;

/// What the function answers for one entry.
#[derive(serde::Deserialize)]
struct Answer {
    /// The entry's outcome (a duplicate's holds its first answer as stored).
    outcome: serde_json::Value,
    /// The database's message when the entry was deferred.
    error: Option<String>,
}

/// A counter's push of one sale, waiting for its group (push_groups.rs).
pub(crate) struct GroupedPush {
    terminal: String,
    site: String,
    /// Every showtime its seats are in.
    shows: Vec<String>,
    now: Timestamp,
    entry: uuid::Uuid,
    /// The sale as the push functions take it ([`sale_item`]).
    item: Value,
}

/// A grouped push's answer.
pub(crate) type GroupedAnswer = Result<EntryResult>;

impl CentralDb {
    /// Applies `entries`, sales only, of `showtimes` (every showtime their
    /// seats are in) from `terminal_id` of `site_id`, in one statement; a
    /// push of one sale goes in a group with this instance's other pushes
    /// of one sale (push_groups.rs).
    pub(crate) fn push_sales_postgres(
        &self,
        terminal_id: &str,
        site_id: &str,
        entries: &[OutboxEntry],
        showtimes: &[&str],
        now: Timestamp,
    ) -> Result<Vec<EntryResult>> {
        let conn = self.read()?;
        let zone = ZoneOnce::default();
        let mut items = Vec::with_capacity(entries.len());
        for entry in entries {
            let EntryBody::Sale(sale) = &entry.body else {
                return Err(corrupt("a push of sales holds another entry"));
            };
            items.push(sale_item(
                &conn,
                (site_id, &zone),
                terminal_id,
                entry,
                sale,
            )?);
        }
        // A showtime id holding a NUL names no showtime (its sale is refused,
        // `entry_checks`), and PostgreSQL's JSON cannot carry it.
        let shows: Vec<String> = showtimes
            .iter()
            .filter(|s| !s.contains('\0'))
            .map(|s| s.to_string())
            .collect();
        if let ([entry], Some(item)) = (entries, items.pop()) {
            let push = GroupedPush {
                terminal: terminal_id.to_string(),
                site: site_id.to_string(),
                shows,
                now,
                entry: entry.id,
                item,
            };
            let answer = self.push_groups.run(
                push,
                |group| self.apply_group(&conn, group),
                || {
                    Err(corrupt(
                        "a group of pushes ended without this push's answer",
                    ))
                },
            );
            return answer.map(|a| vec![a]);
        }
        let answers = call_push_sales(&conn, terminal_id, site_id, &shows, now, &items, false)?;
        self.events_committed();
        let ids: Vec<uuid::Uuid> = entries.iter().map(|e| e.id).collect();
        answer_entries(terminal_id, &ids, answers)
    }

    /// Applies a group of pushes of one sale each: alone as a batch of one
    /// (0011); together in one call and one transaction (0013), and if that
    /// fails, each alone, where a failure is that push's own answer.
    fn apply_group(&self, conn: &Sql<'_>, group: Vec<GroupedPush>) -> Vec<GroupedAnswer> {
        if group.len() > 1 {
            match call_push_group(conn, &group) {
                Ok(outcomes) if outcomes.len() == group.len() => {
                    self.events_committed();
                    return group
                        .iter()
                        .zip(outcomes)
                        .map(|(push, outcome)| {
                            Ok(answer_entry(
                                &push.terminal,
                                push.entry,
                                Answer {
                                    outcome,
                                    error: None,
                                },
                            ))
                        })
                        .collect();
                }
                Ok(outcomes) => tracing::error!(
                    pushes = group.len(),
                    answers = outcomes.len(),
                    "a group of pushes was answered for another number; applying each alone"
                ),
                Err(e) => tracing::warn!(pushes = group.len(), error = %e,
                    "a group of pushes failed; applying each alone"),
            }
        }
        group
            .iter()
            .map(|push| self.apply_alone(conn, push))
            .collect()
    }

    /// One push of one sale as a batch of one (0011): the database's
    /// failure is the entry's `deferred`.
    fn apply_alone(&self, conn: &Sql<'_>, push: &GroupedPush) -> GroupedAnswer {
        let called = call_push_sales(
            conn,
            &push.terminal,
            &push.site,
            &push.shows,
            push.now,
            std::slice::from_ref(&push.item),
            true,
        );
        let answers = match called {
            Ok(answers) => answers,
            Err(CentralError::Db(DbError::Postgres(e))) if e.as_db_error().is_some() => {
                tracing::error!(entry = %push.entry, terminal = push.terminal, error = %e,
                    "an entry failed; deferred");
                let code = CentralError::from(DbError::Postgres(e)).code();
                return Ok(EntryResult {
                    id: push.entry,
                    outcome: not_stored(code),
                });
            }
            Err(e) => return Err(e),
        };
        self.events_committed();
        let mut results = answer_entries(&push.terminal, &[push.entry], answers)?;
        results
            .pop()
            .ok_or_else(|| corrupt("the push function answered no entry"))
    }
}

/// `boxoffice_push_sales` of `items` (their showtimes `shows`) from
/// `terminal` of `site`: each entry's answer.
fn call_push_sales(
    conn: &Sql<'_>,
    terminal: &str,
    site: &str,
    shows: &[String],
    now: Timestamp,
    items: &[Value],
    single: bool,
) -> Result<Vec<Answer>> {
    let keys = crate::sql::scope::lock_keys(shows, &[]);
    let answer: String = conn.query_row(
        "SELECT boxoffice_push_sales(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            terminal,
            site,
            json_text(shows)?,
            json_text(&keys)?,
            now.as_millisecond(),
            now.to_string(),
            json_text(items)?,
            single
        ],
        |r| r.get(0),
    )?;
    serde_json::from_str(&answer).map_err(corrupt)
}

/// `boxoffice_push_sale_group` (0013) of `group`: each push's outcome.
fn call_push_group(conn: &Sql<'_>, group: &[GroupedPush]) -> Result<Vec<Value>> {
    let mut shows: Vec<&str> = group
        .iter()
        .flat_map(|p| p.shows.iter().map(String::as_str))
        .collect();
    shows.sort_unstable();
    shows.dedup();
    let keys = crate::sql::scope::lock_keys(&shows, &[]);
    let latest = group
        .iter()
        .map(|p| p.now)
        .max()
        .unwrap_or_else(Timestamp::now);
    let pushes: Vec<Value> = group
        .iter()
        .map(|p| {
            json!({
                "terminal": p.terminal,
                "site": p.site,
                "now_ms": p.now.as_millisecond(),
                "now": p.now.to_string(),
                "entry": p.item,
            })
        })
        .collect();
    let answer: String = conn.query_row(
        "SELECT boxoffice_push_sale_group(?1, ?2, ?3, ?4)",
        params![
            json_text(&keys)?,
            json_text(&shows)?,
            latest.as_millisecond(),
            json_text(&pushes)?
        ],
        |r| r.get(0),
    )?;
    serde_json::from_str(&answer).map_err(corrupt)
}

/// The entries' results from the push function's answers, in order.
fn answer_entries(
    terminal: &str,
    entries: &[uuid::Uuid],
    answers: Vec<Answer>,
) -> Result<Vec<EntryResult>> {
    if answers.len() != entries.len() {
        return Err(corrupt(
            "the push function answered another number of entries",
        ));
    }
    Ok(entries
        .iter()
        .zip(answers)
        .map(|(entry, answer)| answer_entry(terminal, *entry, answer))
        .collect())
}

/// One entry's result from its answer.
fn answer_entry(terminal: &str, entry: uuid::Uuid, answer: Answer) -> EntryResult {
    if let Some(error) = &answer.error {
        tracing::error!(entry = %entry, terminal, error = %error,
            "an entry failed; deferred");
    }
    // What the Rust path answers for a stored first answer it cannot read
    // (nothing of a duplicate is written).
    let outcome = serde_json::from_value(answer.outcome).unwrap_or_else(|e| {
        tracing::error!(entry = %entry, terminal, error = %e,
            "an entry's first answer is unreadable; deferred");
        not_stored(corrupt(e).code())
    });
    if matches!(&outcome, Outcome::Rejected { code, .. } if code == "entry_id_taken") {
        tracing::warn!(entry = %entry, terminal, "an entry id of another terminal was sent");
    }
    EntryResult { id: entry, outcome }
}

/// One sale as `boxoffice_push_sales` takes it (see its migration).
fn sale_item(
    conn: &Sql<'_>,
    site: (&str, &ZoneOnce),
    terminal_id: &str,
    entry: &OutboxEntry,
    sale: &Sale,
) -> Result<Value> {
    let body = serde_json::to_string(&entry.body).map_err(corrupt)?;
    if let Some(refused) = check_entry(&entry.body) {
        // Recorded as refused; nothing of the sale's own text goes (it may
        // hold what PostgreSQL's JSON cannot carry, a NUL).
        return Ok(json!({
            "id": entry.id.to_string(),
            "seq": entry.seq,
            "order": sale.order_id.to_string(),
            "body": body,
            "refused": refused,
        }));
    }
    let day = crate::day_report::line(conn, site, Some(terminal_id), sale.sold_at, &entry.body)?
        .business_day;
    let groups = seats_by_showtime(sale);
    let hold = match &sale.secured_by {
        SecuredBy::Hold { hold_id } => Some(hold_id.as_str()),
        SecuredBy::Lease | SecuredBy::Override { .. } => None,
    };
    let (number, count) = protocol::order_tail(sale.order_id);
    Ok(json!({
        "id": entry.id.to_string(),
        "seq": entry.seq,
        "order": sale.order_id.to_string(),
        "show": sale.showtime_id,
        "body": body,
        "hold": hold,
        "currency": sale.currency.code(),
        "total": sale.total_minor,
        "reference": protocol::order_reference(sale.order_id),
        "number": number,
        "count": count,
        "override_by": sale.price_override.as_ref().map(|o| &o.approved_by),
        "override_reason": sale.price_override.as_ref().map(|o| &o.reason),
        "day": day,
        "groups": groups.iter().map(|(show, seats)| json!({"show": show, "seats": seats})).collect::<Vec<_>>(),
        "seats": sale.seats.iter().map(|seat| json!({
            "show": seat.showtime(sale),
            "label": seat.label,
            "type": seat.ticket_type,
            "price": seat.price_minor,
        })).collect::<Vec<_>>(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::SoldSeat;

    /// One sale of `label` of `show` at dxb-marina, as an outbox entry.
    fn sale_entry(show: &str, label: &str, seq: i64) -> (Sale, OutboxEntry) {
        let sale = crate::testing::sale(
            show,
            vec![SoldSeat {
                label: label.to_string(),
                ticket_type: "adult".into(),
                price_minor: 5000,
                showtime_id: None,
            }],
        );
        let entry = OutboxEntry {
            id: uuid::Uuid::now_v7(),
            seq,
            body: EntryBody::Sale(sale.clone()),
        };
        (sale, entry)
    }

    /// A push of one sale at `site`, as it waits for a group.
    fn grouped(
        db: &CentralDb,
        (terminal, site): (&str, &str),
        entry: &OutboxEntry,
        sale: &Sale,
        now: Timestamp,
    ) -> GroupedPush {
        let conn = db.read().unwrap();
        let item = sale_item(&conn, (site, &ZoneOnce::default()), terminal, entry, sale).unwrap();
        GroupedPush {
            terminal: terminal.into(),
            site: site.into(),
            shows: vec![sale.showtime_id.clone()],
            now,
            entry: entry.id,
            item,
        }
    }

    fn outcomes(answers: Vec<GroupedAnswer>) -> Vec<Outcome> {
        answers.into_iter().map(|a| a.unwrap().outcome).collect()
    }

    /// On a real PostgreSQL server, whatever the run's backend: pushes of
    /// several terminals and sites in one group are each answered as alone
    /// (applied, seat taken, a resend, another site's showtime), and a group
    /// the database fails is applied push by push, the failing one deferred.
    #[test]
    fn a_group_answers_each_push_as_it_would_be_answered_alone() {
        let db = CentralDb::connect(&crate::testing::fresh_postgres_database()).unwrap();
        let now = Timestamp::now();
        crate::demo::seed(&db, now).unwrap();
        let dxb = |t: &'static str| (t, "dxb-marina");
        let (show, seats) = crate::testing::latest_show(&db, "dxb-marina");
        let (first, first_entry) = sale_entry(&show, &seats[0], 1);
        let (same, same_seat) = sale_entry(&show, &seats[0], 1);
        let (elsewhere, elsewhere_entry) = sale_entry(&show, &seats[1], 1);
        let (third, third_entry) = sale_entry(&show, &seats[2], 1);
        let group = vec![
            grouped(&db, dxb("dxb-marina-t1"), &first_entry, &first, now),
            grouped(&db, dxb("dxb-marina-t2"), &same_seat, &same, now),
            grouped(&db, dxb("dxb-marina-t1"), &first_entry, &first, now),
            grouped(
                &db,
                ("mct-avenues-t1", "mct-avenues"),
                &elsewhere_entry,
                &elsewhere,
                now,
            ),
            grouped(&db, dxb("dxb-marina-t3"), &third_entry, &third, now),
        ];
        let conn = db.read().unwrap();
        let got = outcomes(db.apply_group(&conn, group));
        assert!(matches!(got[0], Outcome::Applied), "{got:?}");
        assert!(
            matches!(&got[1], Outcome::Conflict { seats: s } if *s == [seats[0].clone()]),
            "{got:?}"
        );
        assert!(
            matches!(&got[2], Outcome::Duplicate { first } if matches!(**first, Outcome::Applied)),
            "{got:?}"
        );
        assert!(
            matches!(&got[3], Outcome::Rejected { code, .. } if code == "wrong_site"),
            "{got:?}"
        );
        assert!(matches!(got[4], Outcome::Applied), "{got:?}");
        assert_eq!(
            db.order_seats(&first.order_id.to_string()).unwrap(),
            [seats[0].clone()]
        );
        assert_eq!(
            db.order_seats(&third.order_id.to_string()).unwrap(),
            [seats[2].clone()]
        );
        assert_eq!(
            db.order_seats(&elsewhere.order_id.to_string()).unwrap(),
            Vec::<String>::new()
        );

        // The database fails one push of a group: the others are applied.
        conn.execute_batch(&format!(
            "CREATE FUNCTION trap() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'disk trouble'; END $$;
             CREATE TRIGGER trap BEFORE INSERT ON sold_seats FOR EACH ROW
             WHEN (NEW.seat_label = '{}') EXECUTE FUNCTION trap();",
            seats[4]
        ))
        .unwrap();
        let (ok, ok_entry) = sale_entry(&show, &seats[3], 2);
        let (trapped, trapped_entry) = sale_entry(&show, &seats[4], 2);
        let (after, after_entry) = sale_entry(&show, &seats[5], 3);
        let group = vec![
            grouped(&db, dxb("dxb-marina-t1"), &ok_entry, &ok, now),
            grouped(&db, dxb("dxb-marina-t2"), &trapped_entry, &trapped, now),
            grouped(&db, dxb("dxb-marina-t1"), &after_entry, &after, now),
        ];
        let got = outcomes(db.apply_group(&conn, group));
        assert!(matches!(got[0], Outcome::Applied), "{got:?}");
        assert!(matches!(&got[1], Outcome::Deferred { .. }), "{got:?}");
        assert!(matches!(got[2], Outcome::Applied), "{got:?}");
        assert_eq!(
            db.order_seats(&ok.order_id.to_string()).unwrap(),
            [seats[3].clone()]
        );
        assert_eq!(
            db.order_seats(&trapped.order_id.to_string()).unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            db.order_seats(&after.order_id.to_string()).unwrap(),
            [seats[5].clone()]
        );
    }

    /// On a real PostgreSQL server, whatever the run's backend: while two
    /// pushes are held in the database (a showtime's lock taken from
    /// outside), four more wait, and go in one group once the lock is free.
    #[test]
    fn pushes_that_arrive_while_the_database_is_busy_go_in_one_group() {
        let url = crate::testing::fresh_postgres_database();
        let db = std::sync::Arc::new(CentralDb::connect(&url).unwrap());
        let now = Timestamp::now();
        crate::demo::seed(&db, now).unwrap();
        let (show, seats) = crate::testing::latest_show(&db, "dxb-marina");
        let mut outside = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let key = crate::sql::scope::lock_key(&show);
        outside
            .execute(
                "SELECT pg_advisory_lock($1, $2)",
                &[&crate::sql::scope::SHOWTIME_LOCK_CLASS, &key],
            )
            .unwrap();
        let push = |k: usize| {
            let db = db.clone();
            let (sale, entry) = sale_entry(&show, &seats[k], k as i64 + 1);
            let terminal = ["dxb-marina-t1", "dxb-marina-t2", "dxb-marina-t3"][k % 3];
            std::thread::spawn(move || {
                let got = db.push(terminal, &[entry], Timestamp::now()).unwrap();
                (sale.order_id, got.into_iter().next().unwrap().outcome)
            })
        };
        let until = |what: &str, done: &dyn Fn() -> bool| {
            let give_up = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while !done() {
                assert!(std::time::Instant::now() < give_up, "never {what}");
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        };
        let mut threads: Vec<_> = (0..2).map(push).collect();
        until("two groups in the database", &|| {
            db.push_groups.figures().groups == 2
        });
        threads.extend((2..6).map(push));
        until("four pushes waiting", &|| db.push_groups.waiting() == 4);
        outside
            .execute(
                "SELECT pg_advisory_unlock($1, $2)",
                &[&crate::sql::scope::SHOWTIME_LOCK_CLASS, &key],
            )
            .unwrap();
        for (k, thread) in threads.into_iter().enumerate() {
            let (order, outcome) = thread.join().unwrap();
            assert!(matches!(outcome, Outcome::Applied), "{k}: {outcome:?}");
            assert_eq!(
                db.order_seats(&order.to_string()).unwrap(),
                [seats[k].clone()]
            );
        }
        assert_eq!(
            db.push_groups.figures(),
            crate::push_groups::GroupFigures {
                groups: 3,
                pushes: 6
            }
        );
    }

    /// On a real PostgreSQL server (tests/pg/up.sh), whatever the run's
    /// backend: an instance of the release before migration 0011, still
    /// running during an upgrade, pushes with the seven-argument call, and
    /// keeps its per-entry subtransaction (a failed entry is its answer,
    /// not the call's failure).
    #[test]
    fn the_previous_release_s_push_still_applies_a_sale() {
        let db = CentralDb::connect(&crate::testing::fresh_postgres_database()).unwrap();
        let now = Timestamp::now();
        crate::demo::seed(&db, now).unwrap();
        let (site, terminal) = ("dxb-marina", "dxb-marina-t1");
        let (show, seats) = crate::testing::latest_show(&db, site);
        let conn = db.read().unwrap();
        let zone = ZoneOnce::default();
        let shows = [show.as_str()];
        let keys = crate::sql::scope::lock_keys(&shows, &[]);
        let old_push = |entry: &OutboxEntry, sale: &Sale| -> Vec<serde_json::Value> {
            let item = sale_item(&conn, (site, &zone), terminal, entry, sale).unwrap();
            let answer: String = conn
                .query_row(
                    "SELECT boxoffice_push_sales(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        terminal,
                        site,
                        json_text(&shows).unwrap(),
                        json_text(&keys).unwrap(),
                        now.as_millisecond(),
                        now.to_string(),
                        json_text(&[item]).unwrap()
                    ],
                    |r| r.get(0),
                )
                .unwrap();
            serde_json::from_str(&answer).unwrap()
        };
        let (sale, entry) = sale_entry(&show, &seats[0], 1);
        let answers = old_push(&entry, &sale);
        assert_eq!(answers.len(), 1, "{answers:?}");
        assert_eq!(answers[0]["outcome"]["outcome"], "applied", "{answers:?}");
        assert_eq!(
            db.order_seats(&sale.order_id.to_string()).unwrap(),
            vec![seats[0].clone()]
        );
        // The same entry through today's push: its first answer.
        let again = db.push(terminal, &[entry], now).unwrap();
        assert!(
            matches!(again[0].outcome, protocol::Outcome::Duplicate { .. }),
            "{:?}",
            again[0].outcome
        );
        // A sale the database refuses: deferred in the answer.
        conn.execute_batch(&format!(
            "CREATE FUNCTION trap() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN RAISE EXCEPTION 'disk trouble'; END $$;
             CREATE TRIGGER trap BEFORE INSERT ON sold_seats FOR EACH ROW
             WHEN (NEW.seat_label = '{}') EXECUTE FUNCTION trap();",
            seats[1]
        ))
        .unwrap();
        let (sale, entry) = sale_entry(&show, &seats[1], 2);
        let answers = old_push(&entry, &sale);
        assert_eq!(answers[0]["outcome"]["outcome"], "deferred", "{answers:?}");
        assert_eq!(answers[0]["outcome"]["code"], "internal", "{answers:?}");
        assert!(
            answers[0]["error"]
                .as_str()
                .is_some_and(|e| e.contains("disk trouble"))
        );
        assert_eq!(
            db.order_seats(&sale.order_id.to_string()).unwrap(),
            Vec::<String>::new()
        );
    }
}
