//! A terminal's push of sales on PostgreSQL in one round trip: central
//! checks each entry's shape and money and prepares what only Rust knows
//! (the order reference, the day report's line, the entry as JSON), then
//! `boxoffice_push_sales` (migration central-pg 0007; a batch of one in 0011) takes the locks of a
//! write scoped to the sales' showtimes and applies the entries one by one,
//! as [`CentralDb::push_at`] does on SQLite in a Rust transaction.

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

impl CentralDb {
    /// Applies `entries`, sales only, of `showtimes` (every showtime their
    /// seats are in) from `terminal_id` of `site_id`, in one statement.
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
        let shows: Vec<&str> = showtimes
            .iter()
            .copied()
            .filter(|s| !s.contains('\0'))
            .collect();
        let keys = crate::sql::scope::lock_keys(&shows, &[]);
        // A batch of one entry runs without a subtransaction (migration
        // 0011): the database's failure is that entry's `deferred`.
        let single = entries.len() == 1;
        let called: std::result::Result<String, DbError> = conn.query_row(
            "SELECT boxoffice_push_sales(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                terminal_id,
                site_id,
                json_text(&shows)?,
                json_text(&keys)?,
                now.as_millisecond(),
                now.to_string(),
                json_text(&items)?,
                single
            ],
            |r| r.get(0),
        );
        let answer = match called {
            Ok(answer) => answer,
            Err(DbError::Postgres(e)) if single && e.as_db_error().is_some() => {
                let entry = &entries[0];
                tracing::error!(entry = %entry.id, terminal = terminal_id, error = %e,
                    "an entry failed; deferred");
                let code = CentralError::from(DbError::Postgres(e)).code();
                return Ok(vec![EntryResult {
                    id: entry.id,
                    outcome: not_stored(code),
                }]);
            }
            Err(e) => return Err(e.into()),
        };
        // Sold seats, and holds and leases that ran out, are seat events.
        self.events_committed();
        let answers: Vec<Answer> = serde_json::from_str(&answer).map_err(corrupt)?;
        if answers.len() != entries.len() {
            return Err(corrupt(
                "the push function answered another number of entries",
            ));
        }
        Ok(entries
            .iter()
            .zip(answers)
            .map(|(entry, answer)| {
                if let Some(error) = &answer.error {
                    tracing::error!(entry = %entry.id, terminal = terminal_id, error = %error,
                        "an entry failed; deferred");
                }
                // What the Rust path answers for a stored first answer it
                // cannot read (nothing of a duplicate is written).
                let outcome = serde_json::from_value(answer.outcome).unwrap_or_else(|e| {
                    tracing::error!(entry = %entry.id, terminal = terminal_id, error = %e,
                        "an entry's first answer is unreadable; deferred");
                    not_stored(corrupt(e).code())
                });
                if matches!(&outcome, Outcome::Rejected { code, .. } if code == "entry_id_taken") {
                    tracing::warn!(entry = %entry.id, terminal = terminal_id,
                        "an entry id of another terminal was sent");
                }
                EntryResult {
                    id: entry.id,
                    outcome,
                }
            })
            .collect())
    }
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
