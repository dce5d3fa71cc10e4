//! Applying the outbox entries terminals push (sales, reseats, refunds):
//! each entry once, its first result recorded in `applied_entries` and
//! answered again as `duplicate`; an override sale central cannot apply
//! becomes a row of `conflicts`.

use crate::db::{CentralDb, corrupt};
use crate::entry_checks::{check_entry, not_yours, rejected};
use crate::error::CentralError;
use crate::seats::{
    announce_freed, check_seats, check_seats_exist, emit, expire_stale, hold_seats,
    showtime_screen, unavailable,
};
use crate::sql::{OptionalExtension, Sql, params};
use crate::voids::{VoidReason, record_void};
use domain::SeatState;
use jiff::Timestamp;
use protocol::{EntryBody, EntryResult, OutboxEntry, Outcome, Sale, SecuredBy};

type Result<T> = std::result::Result<T, CentralError>;

impl CentralDb {
    /// Applies a batch of outbox entries from `terminal_id`, each in its own
    /// transaction, and returns one result per entry.
    pub fn push(
        &self,
        terminal_id: &str,
        entries: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<Vec<EntryResult>> {
        let site_id = self.terminal_site(terminal_id)?;
        self.push_at(terminal_id, &site_id, entries, now)
    }

    /// [`CentralDb::push`] from a terminal whose site `site_id` the caller
    /// already knows (the HTTP layer read it with the terminal's token).
    pub fn push_at(
        &self,
        terminal_id: &str,
        site_id: &str,
        entries: &[OutboxEntry],
        now: Timestamp,
    ) -> Result<Vec<EntryResult>> {
        // One transaction (one fsync) per batch, one savepoint per entry: a
        // database failure on one entry undoes that entry alone, which is
        // answered `deferred` (nothing of it kept, send it again), and so is
        // every later entry of the same order; the rest of the batch goes on.
        let apply_all = |tx: &Sql<'_>| {
            expire_stale(tx, now)?;
            let mut deferred: Vec<String> = Vec::new();
            let mut results = Vec::with_capacity(entries.len());
            // The site's time zone, read once a batch for the day report.
            let zone = crate::day_report::ZoneOnce::default();
            for (k, entry) in entries.iter().enumerate() {
                let order = entry_order(&entry.body);
                // An entry is held back with the orders it names: its own, or
                // one it refers to (an exchange's sale names the order given back).
                let linked = !deferred.is_empty() && {
                    let body = serde_json::to_string(&entry.body).map_err(corrupt)?;
                    deferred
                        .iter()
                        .any(|o| *o == order || body.contains(o.as_str()))
                };
                let outcome = if linked {
                    Outcome::Deferred {
                        code: "order_deferred".into(),
                        message: "an earlier entry of this order was deferred".into(),
                    }
                } else {
                    tx.execute_batch("SAVEPOINT entry")?;
                    match apply_entry(tx, (site_id, &zone), terminal_id, entry, now) {
                        Ok(outcome) => {
                            // The commit releases the last entry's savepoint.
                            if k + 1 < entries.len() {
                                tx.execute_batch("RELEASE entry")?;
                            }
                            outcome
                        }
                        Err(e) => {
                            tx.execute_batch("ROLLBACK TO entry; RELEASE entry")?;
                            tracing::error!(entry = %entry.id, terminal = terminal_id, error = %e,
                                "an entry failed; deferred");
                            deferred.push(order);
                            not_stored(e.code())
                        }
                    }
                };
                results.push(EntryResult {
                    id: entry.id,
                    outcome,
                });
            }
            Ok(results)
        };
        // Sales (the counters' traffic) change seats of their own showtimes
        // only: they run beside other showtimes' writes. Anything else may
        // touch other orders' seats and runs alone.
        match sale_showtimes(entries) {
            // On PostgreSQL, in one statement (push_postgres.rs).
            Some(shows) if self.is_postgres() && !shows.is_empty() => {
                self.push_sales_postgres(terminal_id, site_id, entries, &shows, now)
            }
            Some(shows) => self.write_showtimes(&shows, apply_all),
            None => self.write(apply_all),
        }
    }

    /// Number of seats sold for a showtime by one order id (tests and audits).
    pub fn order_seats(&self, order_id: &str) -> Result<Vec<String>> {
        let conn = self.read()?;
        let mut stmt = conn
            .prepare("SELECT seat_label FROM sold_seats WHERE order_id = ?1 ORDER BY seat_label")?;
        let seats = stmt
            .query_map([order_id], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(seats)
    }
}

/// The answer for an entry central failed to store (`code`: the error's):
/// nothing of it kept, send it again.
pub(crate) fn not_stored(code: &str) -> Outcome {
    Outcome::Deferred {
        code: code.to_string(),
        message: "central could not store this entry now; it will be taken when sent again".into(),
    }
}

/// Each showtime an order's seats are in, first seen first, with the
/// labels of its seats there.
pub(crate) fn seats_by_showtime(sale: &Sale) -> Vec<(&str, Vec<String>)> {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for seat in &sale.seats {
        let show = seat.showtime(sale);
        match groups.iter_mut().find(|(s, _)| *s == show) {
            Some((_, labels)) => labels.push(seat.label.clone()),
            None => groups.push((show, vec![seat.label.clone()])),
        }
    }
    groups
}

fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Applied => "applied",
        Outcome::Duplicate { .. } => "duplicate",
        Outcome::Conflict { .. } => "conflict",
        Outcome::Rejected { .. } => "rejected",
        Outcome::Deferred { .. } => "deferred",
    }
}

/// Most showtimes a push runs scoped to (one lock each); a batch naming
/// more (a terminal's push is only checked inside the write) runs alone.
const MAX_SCOPED_SHOWTIMES: usize = 32;

/// Every showtime the batch's seats are in, when the batch holds sales only
/// and names at most [`MAX_SCOPED_SHOWTIMES`].
fn sale_showtimes(entries: &[OutboxEntry]) -> Option<Vec<&str>> {
    let mut shows: Vec<&str> = Vec::new();
    for entry in entries {
        let EntryBody::Sale(sale) = &entry.body else {
            return None;
        };
        let named = std::iter::once(sale.showtime_id.as_str())
            .chain(sale.seats.iter().map(|seat| seat.showtime(sale)));
        for show in named {
            if !shows.contains(&show) {
                if shows.len() == MAX_SCOPED_SHOWTIMES {
                    return None;
                }
                shows.push(show);
            }
        }
    }
    Some(shows)
}

/// The order an entry is about.
fn entry_order(body: &EntryBody) -> String {
    match body {
        EntryBody::Sale(s) => s.order_id.to_string(),
        EntryBody::Reseat(r) => r.order_id.to_string(),
        EntryBody::Refund(r) => r.order_id.to_string(),
        EntryBody::Admission(a) => a.order_id.clone(),
    }
}

fn apply_entry(
    tx: &Sql<'_>,
    (site_id, zone): (&str, &crate::day_report::ZoneOnce),
    terminal_id: &str,
    entry: &OutboxEntry,
    now: Timestamp,
) -> Result<Outcome> {
    let entry_id = entry.id.to_string();
    let seen: Option<(String, Option<String>, String)> = tx
        .query_row(
            "SELECT outcome, result, terminal_id FROM applied_entries WHERE entry_id = ?1",
            [&entry_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((_, _, sender)) = seen.as_ref().filter(|(_, _, t)| t != terminal_id) {
        // Another terminal's entry: its outcome is not this one's to learn.
        tracing::warn!(entry = %entry_id, terminal = terminal_id, first = %sender,
            "an entry id of another terminal was sent");
        return Ok(rejected(
            "entry_id_taken",
            "this entry id belongs to another terminal's entry",
        ));
    }
    if let Some((name, result, _)) = seen {
        let first = match result {
            Some(json) => serde_json::from_str(&json).map_err(corrupt)?,
            // Rows from before results were stored only kept the name.
            None if name == "applied" => Outcome::Applied,
            None => rejected(&name, "see central's records"),
        };
        return Ok(Outcome::Duplicate {
            first: Box::new(first),
        });
    }
    let outcome = match check_entry(&entry.body) {
        Some(refused) => refused,
        None => apply_body(tx, site_id, terminal_id, entry, now)?,
    };
    record_outcome(tx, (site_id, zone), terminal_id, entry, &outcome, now)?;
    Ok(outcome)
}

fn apply_body(
    tx: &Sql<'_>,
    site_id: &str,
    terminal_id: &str,
    entry: &OutboxEntry,
    now: Timestamp,
) -> Result<Outcome> {
    Ok(match &entry.body {
        EntryBody::Sale(sale) => apply_sale(tx, site_id, terminal_id, sale, now)?,
        EntryBody::Reseat(reseat) => apply_reseat(tx, site_id, terminal_id, reseat, now)?,
        EntryBody::Refund(refund) => {
            crate::entry_refund::apply_refund(tx, site_id, terminal_id, refund, now)?
        }
        EntryBody::Admission(a) => apply_admission(tx, site_id, terminal_id, a, now)?,
    })
}

/// Keeps an entry's first outcome (and what the day report and the conflict
/// list need of it).
fn record_outcome(
    tx: &Sql<'_>,
    (site_id, zone): (&str, &crate::day_report::ZoneOnce),
    terminal_id: &str,
    entry: &OutboxEntry,
    outcome: &Outcome,
    now: Timestamp,
) -> Result<()> {
    let entry_id = entry.id.to_string();
    // The site's day report reads applied sales and refunds (and override
    // sales in conflict: their money was taken) from `day_entries`.
    match (&entry.body, outcome) {
        (EntryBody::Sale(s), Outcome::Applied | Outcome::Conflict { .. }) => {
            crate::day_report::record(
                tx,
                &entry_id,
                (site_id, zone),
                Some(terminal_id),
                s.sold_at,
                &entry.body,
                now,
            )?;
        }
        (EntryBody::Refund(r), Outcome::Applied) => {
            crate::day_report::record(
                tx,
                &entry_id,
                (site_id, zone),
                Some(terminal_id),
                r.at,
                &entry.body,
                now,
            )?;
        }
        _ => {}
    }
    if let Outcome::Conflict { seats } = outcome {
        let order_id = entry_order(&entry.body);
        let showtime_id = match &entry.body {
            EntryBody::Sale(s) => s.showtime_id.as_str(),
            EntryBody::Reseat(r) => r.showtime_id.as_str(),
            EntryBody::Refund(r) => r.showtime_id.as_str(),
            EntryBody::Admission(a) => a.showtime_id.as_str(),
        };
        tx.execute(
            "INSERT INTO conflicts (entry_id, terminal_id, order_id, showtime_id, seats, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            params![
                entry_id,
                terminal_id,
                order_id,
                showtime_id,
                serde_json::to_string(seats).map_err(corrupt)?,
                serde_json::to_string(&entry.body).map_err(corrupt)?,
                now.to_string()
            ],
        )?;
    }
    tx.execute(
        "INSERT INTO applied_entries (entry_id, terminal_id, seq, outcome, applied_at, result)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            entry_id,
            terminal_id,
            entry.seq,
            outcome_name(outcome),
            now.to_string(),
            serde_json::to_string(outcome).map_err(corrupt)?
        ],
    )?;
    Ok(())
}

fn apply_reseat(
    tx: &Sql<'_>,
    site_id: &str,
    terminal_id: &str,
    r: &protocol::Reseat,
    now: Timestamp,
) -> Result<Outcome> {
    let order_id = r.order_id.to_string();
    let site: Option<(String, Option<String>)> = tx
        .query_row(
            // The reseated showtime is the order's own or, for an order
            // spanning several showtimes, one of its sold seats'.
            "SELECT s.site_id, o.terminal_id FROM orders o JOIN showtimes s ON s.id = ?2
             WHERE o.id = ?1 AND (o.showtime_id = ?2 OR EXISTS
                   (SELECT 1 FROM sold_seats ss WHERE ss.order_id = o.id AND ss.showtime_id = ?2))",
            params![order_id, r.showtime_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    match site {
        None => {
            return Ok(rejected(
                "unknown_order",
                format!("order {order_id} is not known for this showtime"),
            ));
        }
        Some((site, _)) if site != site_id => {
            return Ok(rejected(
                "wrong_site",
                "the order is not at this terminal's site",
            ));
        }
        Some((_, seller)) if seller.as_deref() != Some(terminal_id) => {
            return Ok(not_yours());
        }
        Some(_) => {}
    }
    let seat_owner = |label: &str| -> Result<Option<String>> {
        Ok(tx
            .query_row(
                "SELECT order_id FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2",
                params![r.showtime_id, label],
                |row| row.get(0),
            )
            .optional()?)
    };
    if seat_owner(&r.to_seat)?.as_deref() == Some(order_id.as_str())
        && seat_owner(&r.from_seat)?.as_deref() != Some(order_id.as_str())
    {
        // Already moved (the first answer was lost on the way).
        return Ok(Outcome::Duplicate {
            first: Box::new(Outcome::Applied),
        });
    }
    let sold: Option<(String, i64)> = tx
        .query_row(
            "SELECT ticket_type, price_minor FROM sold_seats
             WHERE showtime_id = ?1 AND seat_label = ?2 AND order_id = ?3",
            params![r.showtime_id, r.from_seat, order_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((ticket_type, price_minor)) = sold else {
        return Ok(rejected(
            "seat_not_in_order",
            format!("{} is not a seat of this order", r.from_seat),
        ));
    };
    let screen_id = showtime_screen(tx, &r.showtime_id)?;
    if let Err(e) = check_seats_exist(tx, &screen_id, std::slice::from_ref(&r.to_seat)) {
        return Ok(rejected(e.code(), e.to_string()));
    }
    let own_hold = match &r.secured_by {
        SecuredBy::Hold { hold_id } => {
            let holder: Option<String> = tx
                .query_row("SELECT owner FROM holds WHERE id = ?1", [hold_id], |row| {
                    row.get(0)
                })
                .optional()?;
            holder
                .filter(|o| o == terminal_id)
                .map(|_| hold_id.as_str())
        }
        SecuredBy::Lease | SecuredBy::Override { .. } => None,
    };
    let taken = unavailable(
        tx,
        &r.showtime_id,
        std::slice::from_ref(&r.to_seat),
        own_hold,
        Some(terminal_id),
    )?;
    if !taken.is_empty() {
        return Ok(Outcome::Conflict { seats: taken });
    }
    tx.execute(
        "DELETE FROM sold_seats WHERE showtime_id = ?1 AND seat_label = ?2 AND order_id = ?3",
        params![r.showtime_id, r.from_seat, order_id],
    )?;
    tx.execute(
        "INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![r.showtime_id, r.to_seat, order_id, ticket_type, price_minor],
    )?;
    tx.execute(
        "DELETE FROM leases WHERE showtime_id = ?1 AND seat_label = ?2",
        params![r.showtime_id, r.to_seat],
    )?;
    release_own_hold(
        tx,
        terminal_id,
        &r.showtime_id,
        std::slice::from_ref(&r.to_seat),
        now,
    )?;
    record_void(
        tx,
        site_id,
        &order_id,
        (&r.showtime_id, &r.from_seat),
        VoidReason::Moved,
        now,
    )?;
    emit(tx, &r.showtime_id, &r.from_seat, SeatState::Free, None, now)?;
    emit(
        tx,
        &r.showtime_id,
        &r.to_seat,
        SeatState::Sold,
        Some(terminal_id),
        now,
    )?;
    Ok(Outcome::Applied)
}

fn apply_sale(
    tx: &Sql<'_>,
    site_id: &str,
    terminal_id: &str,
    sale: &Sale,
    now: Timestamp,
) -> Result<Outcome> {
    let order_id = sale.order_id.to_string();
    // Whether the order exists and whose it is, and whether it waits in
    // the conflict list, in one round trip.
    let (known, seller, in_conflict): (bool, Option<String>, bool) = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM orders WHERE id = ?1),
                (SELECT terminal_id FROM orders WHERE id = ?1),
                EXISTS (SELECT 1 FROM conflicts WHERE order_id = ?1 AND resolution IS NULL)",
        [&order_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    match known.then_some(seller) {
        Some(Some(t)) if t == terminal_id => {
            return Ok(Outcome::Duplicate {
                first: Box::new(Outcome::Applied),
            });
        }
        // Another terminal's or a web order: not this one's to learn about.
        Some(_) => {
            return Ok(rejected(
                "order_id_taken",
                "this order id belongs to another order",
            ));
        }
        None => {}
    }
    if sale.seats.is_empty() {
        return Ok(rejected("empty_sale", "a sale needs at least one seat"));
    }
    // An order may hold tickets for several showtimes (API 1.2): each
    // showtime's seats are checked on their own, and the order applies whole
    // or not at all.
    let groups = seats_by_showtime(sale);
    if !groups.iter().any(|(s, _)| *s == sale.showtime_id) {
        return Ok(rejected(
            "bad_showtime",
            "the sale's showtime has none of its seats",
        ));
    }
    let own_hold = match &sale.secured_by {
        SecuredBy::Hold { hold_id } => {
            let owner: Option<String> = tx
                .query_row("SELECT owner FROM holds WHERE id = ?1", [hold_id], |r| {
                    r.get(0)
                })
                .optional()?;
            owner.filter(|o| o == terminal_id).map(|_| hold_id.as_str())
        }
        SecuredBy::Lease | SecuredBy::Override { .. } => None,
    };
    let mut currency = String::new();
    let (mut taken, mut my_holds, mut my_leases) = (Vec::new(), Vec::new(), Vec::new());
    for (showtime_id, labels) in &groups {
        let show: Option<(String, String)> = tx
            .query_row(
                "SELECT s.site_id, si.currency FROM showtimes s
                 JOIN sites si ON si.id = s.site_id WHERE s.id = ?1",
                [showtime_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((show_site, show_currency)) = show else {
            return Ok(rejected(
                "unknown_showtime",
                format!("unknown showtime {showtime_id}"),
            ));
        };
        if show_site != site_id {
            return Ok(rejected(
                "wrong_site",
                "the showtime is not at this terminal's site",
            ));
        }
        if show_currency != sale.currency.code() {
            return Ok(rejected(
                "wrong_currency",
                format!("the site sells in {show_currency}"),
            ));
        }
        currency = show_currency;
        // Also refuses seats not on the screen, or listed twice.
        match check_seats(tx, showtime_id, labels, own_hold, Some(terminal_id)) {
            Ok(c) => {
                taken.extend(c.taken);
                for h in c.my_holds {
                    if !my_holds.contains(&h) {
                        my_holds.push(h);
                    }
                }
                my_leases.extend(c.my_leases.into_iter().map(|seat| (*showtime_id, seat)));
            }
            Err(e @ (CentralError::UnknownSeats(_) | CentralError::BadRequest(_))) => {
                return Ok(rejected(e.code(), e.to_string()));
            }
            Err(e) => return Err(e),
        }
    }
    if !taken.is_empty() {
        return Ok(Outcome::Conflict { seats: taken });
    }
    let reference = protocol::order_reference(sale.order_id);
    tx.execute(
        "INSERT INTO orders (id, showtime_id, channel, terminal_id, reference, total_minor, currency, created_at)
         VALUES (?1, ?2, 'terminal', ?3, ?4, ?5, ?6, ?7)",
        params![order_id, sale.showtime_id, terminal_id, reference, sale.total_minor, currency, now.to_string()],
    )?;
    note_order_count(tx, terminal_id, sale.order_id)?;
    if let Some(o) = &sale.price_override {
        tx.execute(
            "UPDATE orders SET price_override_by = ?2, price_override_reason = ?3 WHERE id = ?1",
            params![order_id, o.approved_by, o.reason],
        )?;
    }
    for seat in &sale.seats {
        let showtime_id = seat.showtime(sale);
        tx.execute(
            "INSERT INTO sold_seats (showtime_id, seat_label, order_id, ticket_type, price_minor)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                showtime_id,
                seat.label,
                order_id,
                seat.ticket_type,
                seat.price_minor
            ],
        )?;
        if my_leases.contains(&(showtime_id, seat.label.clone())) {
            tx.execute(
                "DELETE FROM leases WHERE showtime_id = ?1 AND seat_label = ?2",
                params![showtime_id, seat.label],
            )?;
        }
        emit(
            tx,
            showtime_id,
            &seat.label,
            SeatState::Sold,
            Some(terminal_id),
            now,
        )?;
    }
    // The terminal's holds on the seats it sold (the one the sale names,
    // and any whose answer was lost) end; their other seats become free.
    release_holds(tx, &my_holds, now)?;
    if in_conflict {
        // An override sale that was in conflict and is now sold on other seats.
        tx.execute(
            "UPDATE conflicts SET resolution = 'reseated', resolved_at = ?2
             WHERE order_id = ?1 AND resolution IS NULL",
            params![order_id, now.to_string()],
        )?;
    }
    Ok(Outcome::Applied)
}

/// Keeps the highest order count seen in `terminal_id`'s references (when
/// the order id carries the terminal's number), for its heartbeat answer.
fn note_order_count(tx: &Sql<'_>, terminal_id: &str, order_id: uuid::Uuid) -> Result<()> {
    let (number, count) = protocol::order_tail(order_id);
    tx.execute(
        "UPDATE terminals SET order_count_seen = ?3
         WHERE id = ?1 AND number = ?2 AND COALESCE(order_count_seen, 0) < ?3",
        params![terminal_id, number, count],
    )?;
    Ok(())
}

/// Deletes the terminal's holds on seats it just sold (the one the sale
/// names, and any whose answer was lost); their other seats become free.
fn release_own_hold(
    tx: &Sql<'_>,
    terminal_id: &str,
    showtime_id: &str,
    sold: &[String],
    now: Timestamp,
) -> Result<()> {
    let mut holds: Vec<String> = Vec::new();
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT h.id FROM holds h JOIN held_seats hs ON hs.hold_id = h.id
         WHERE h.owner = ?1 AND hs.showtime_id = ?2 AND hs.seat_label = ?3",
    )?;
    for seat in sold {
        for id in stmt.query_map(params![terminal_id, showtime_id, seat], |r| {
            r.get::<_, String>(0)
        })? {
            let id = id?;
            if !holds.contains(&id) {
                holds.push(id);
            }
        }
    }
    release_holds(tx, &holds, now)
}

/// Deletes `holds`, announcing their seats free where nothing else has them
/// (seats just sold are not announced).
fn release_holds(tx: &Sql<'_>, holds: &[String], now: Timestamp) -> Result<()> {
    for hold in holds {
        let seats = hold_seats(tx, hold, None)?;
        tx.execute("DELETE FROM holds WHERE id = ?1", [hold])?;
        announce_freed(tx, &seats, now)?;
    }
    Ok(())
}

/// A ticket let in at a door: recorded once, and put on the site's void
/// list so that a second scan at any door says so. A later scan's entry of
/// the same ticket changes nothing.
fn apply_admission(
    tx: &Sql<'_>,
    site_id: &str,
    terminal_id: &str,
    a: &protocol::Admission,
    now: Timestamp,
) -> Result<Outcome> {
    let site: Option<String> = tx
        .query_row(
            "SELECT site_id FROM showtimes WHERE id = ?1",
            [&a.showtime_id],
            |row| row.get(0),
        )
        .optional()?;
    match site {
        None => return Ok(rejected("unknown_showtime", "no such showtime")),
        Some(s) if s != site_id => {
            return Ok(rejected(
                "wrong_site",
                "the ticket is not for this terminal's site",
            ));
        }
        Some(_) => {}
    }
    if a.order_id.is_empty() || a.order_id.len() > 64 || a.seat.is_empty() || a.seat.len() > 16 {
        return Ok(rejected("bad_ticket", "order or seat out of bounds"));
    }
    let first = tx.execute(
        "INSERT INTO admissions (order_id, showtime_id, seat_label, terminal_id, admitted_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        params![
            a.order_id,
            a.showtime_id,
            a.seat,
            terminal_id,
            a.at.to_string()
        ],
    )?;
    if first > 0 {
        record_void(
            tx,
            site_id,
            &a.order_id,
            (&a.showtime_id, &a.seat),
            VoidReason::Admitted,
            now,
        )?;
    }
    Ok(Outcome::Applied)
}
