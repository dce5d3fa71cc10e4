//! The report as CSV for a spreadsheet: UTF-8 (with a byte-order mark, so
//! that Excel reads Arabic titles right), one header row, one row per figure,
//! amounts in major units with the currency's decimals.

use crate::ReportError;
use crate::format::{local_time, major};
use crate::model::{DayReport, Line};

/// The header row.
pub const HEADER: [&str; 10] = [
    "section",
    "item",
    "name",
    "name_ar",
    "orders",
    "tickets",
    "amount",
    "currency",
    "note",
    "business_day",
];

/// Text typed by people (names, reasons) as a cell a spreadsheet shows as
/// text: a leading `=`, `+`, `-`, `@` (a formula) gets an apostrophe.
fn text(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

struct Rows<'a> {
    r: &'a DayReport,
    out: csv::Writer<Vec<u8>>,
}

impl Rows<'_> {
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        section: &str,
        item: &str,
        names: (&str, &str),
        orders: Option<u32>,
        tickets: Option<u32>,
        amount: Option<i64>,
        note: &str,
    ) -> Result<(), ReportError> {
        let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        let amount = amount
            .map(|a| major(a, self.r.decimals))
            .unwrap_or_default();
        let currency = if amount.is_empty() {
            ""
        } else {
            &self.r.currency
        };
        let (item, name, name_ar, note) = (text(item), text(names.0), text(names.1), text(note));
        self.out
            .write_record([
                section,
                &item,
                &name,
                &name_ar,
                &num(orders),
                &num(tickets),
                &amount,
                currency,
                &note,
                &self.r.business_day,
            ])
            .map_err(|e| ReportError::Csv(e.to_string()))
    }

    fn lines(&mut self, section: &str, lines: &[Line]) -> Result<(), ReportError> {
        for l in lines {
            self.row(
                section,
                &l.key,
                (&l.label, &l.label_ar),
                Some(l.orders),
                Some(l.tickets),
                Some(l.amount_minor),
                "",
            )?;
        }
        Ok(())
    }
}

/// Writes the report as CSV.
pub fn csv(r: &DayReport) -> Result<Vec<u8>, ReportError> {
    let mut rows = Rows {
        r,
        out: csv::Writer::from_writer("\u{feff}".as_bytes().to_vec()),
    };
    rows.out
        .write_record(HEADER)
        .map_err(|e| ReportError::Csv(e.to_string()))?;
    write_rows(&mut rows)?;
    rows.out
        .into_inner()
        .map_err(|e| ReportError::Csv(e.to_string()))
}

fn write_rows(rows: &mut Rows<'_>) -> Result<(), ReportError> {
    let r = rows.r;
    let at = |t: &str| local_time(t, &r.time_zone);
    let t = &r.totals;
    let number = r.number.map(|n| format!("Z {n}")).unwrap_or_default();
    rows.row(
        "report",
        r.kind.title(),
        (&r.site_name, ""),
        None,
        None,
        None,
        &number,
    )?;
    for (item, orders, tickets, amount) in [
        ("sales", Some(t.orders), Some(t.tickets), t.sales_minor),
        ("sales_vat", None, None, t.sales_vat_minor),
        ("refunds", None, Some(t.refunded_tickets), t.refunds_minor),
        ("refunds_vat", None, None, t.refunds_vat_minor),
        ("net_sales", None, None, t.net_minor),
        ("net_vat", None, None, t.net_vat_minor),
    ] {
        rows.row("totals", item, ("", ""), orders, tickets, Some(amount), "")?;
    }
    rows.lines("film", &r.by_film)?;
    for s in &r.by_showtime {
        let note = format!("{} full {}/{}", s.screen, s.taken, s.capacity);
        rows.row(
            "showtime",
            &at(&s.starts_at),
            (&s.film, &s.film_ar),
            None,
            Some(s.tickets),
            Some(s.amount_minor),
            &note,
        )?;
    }
    rows.lines("ticket_type", &r.by_ticket_type)?;
    for p in &r.by_payment {
        rows.row(
            "payment_taken",
            &p.method,
            ("", ""),
            None,
            None,
            Some(p.taken_minor),
            "",
        )?;
        rows.row(
            "payment_refunded",
            &p.method,
            ("", ""),
            None,
            None,
            Some(p.refunded_minor),
            "",
        )?;
        rows.row(
            "payment_net",
            &p.method,
            ("", ""),
            None,
            None,
            Some(p.net_minor),
            "",
        )?;
    }
    rows.lines("cashier", &r.by_cashier)?;
    for h in r.by_hour.iter().filter(|h| h.orders > 0) {
        let hour = format!("{:02}:00", h.hour);
        rows.row(
            "hour",
            &hour,
            ("", ""),
            Some(h.orders),
            Some(h.tickets),
            Some(h.amount_minor),
            "",
        )?;
    }
    for v in &r.vat {
        let rate = format!("{}.{:02}%", v.rate_bp / 100, v.rate_bp % 100);
        rows.row(
            "vat_gross",
            &rate,
            ("", ""),
            None,
            None,
            Some(v.gross_minor),
            "",
        )?;
        rows.row("vat", &rate, ("", ""), None, None, Some(v.vat_minor), "")?;
        rows.row(
            "vat_net",
            &rate,
            ("", ""),
            None,
            None,
            Some(v.net_minor),
            "",
        )?;
    }
    rows.lines("discount", &r.discounts)?;
    for (section, list) in [("price_override", &r.overrides), ("void", &r.voids)] {
        for a in list {
            let note = format!(
                "by {}, approved by {}: {} ({})",
                a.staff,
                a.approved_by,
                a.reason,
                at(&a.at)
            );
            rows.row(
                section,
                &a.order_ref,
                ("", ""),
                None,
                None,
                Some(a.amount_minor),
                &note,
            )?;
        }
    }
    for f in &r.refunds {
        let note = format!(
            "card {}, cash {}, exchange {}; by {}, approved by {}: {} ({})",
            major(f.card_minor, r.decimals),
            major(f.cash_minor, r.decimals),
            major(f.exchange_minor, r.decimals),
            f.staff,
            f.approved_by,
            f.reason,
            at(&f.at)
        );
        rows.row(
            &f.kind,
            &f.order_ref,
            ("", ""),
            None,
            Some(f.tickets),
            Some(f.amount_minor),
            &note,
        )?;
    }
    for s in &r.shifts {
        let name = (s.staff.as_str(), "");
        let note = format!("{} shift {}", s.terminal_id, s.shift_id);
        rows.row(
            "cash_float",
            &s.shift_id,
            name,
            None,
            None,
            Some(s.float_minor),
            &note,
        )?;
        rows.row(
            "cash_net",
            &s.shift_id,
            name,
            None,
            None,
            Some(s.cash_net_minor),
            &note,
        )?;
        rows.row(
            "cash_paid_in_out",
            &s.shift_id,
            name,
            None,
            None,
            Some(s.paid_in_out_minor),
            &note,
        )?;
        rows.row(
            "cash_dropped",
            &s.shift_id,
            name,
            None,
            None,
            Some(s.dropped_minor),
            &note,
        )?;
        rows.row(
            "cash_expected",
            &s.shift_id,
            name,
            None,
            None,
            Some(s.expected_minor),
            &note,
        )?;
        if let (Some(counted), Some(variance)) = (s.counted_minor, s.variance_minor) {
            rows.row(
                "cash_counted",
                &s.shift_id,
                name,
                None,
                None,
                Some(counted),
                &note,
            )?;
            rows.row(
                "cash_variance",
                &s.shift_id,
                name,
                None,
                None,
                Some(variance),
                &note,
            )?;
        }
    }
    let o = &r.offline;
    rows.row(
        "offline",
        "lease",
        ("", ""),
        Some(o.lease_orders),
        None,
        None,
        "",
    )?;
    rows.row(
        "offline",
        "override",
        ("", ""),
        Some(o.override_orders),
        None,
        None,
        "",
    )?;
    rows.row(
        "offline",
        "all",
        ("", ""),
        None,
        Some(o.tickets),
        Some(o.amount_minor),
        "",
    )?;
    for c in &r.open_conflicts {
        rows.row(
            "open_conflict",
            &c.order_ref,
            ("", ""),
            None,
            None,
            None,
            &c.seats.join(" "),
        )?;
    }
    for u in &r.unsynced {
        let note = match (&u.oldest_at, &u.last_heard_at) {
            (Some(oldest), _) => format!("oldest {}", at(oldest)),
            (None, Some(heard)) => format!("silent since {}", at(heard)),
            (None, None) => "never heard from".to_string(),
        };
        rows.row(
            "not_at_central",
            &u.terminal_id,
            ("", ""),
            Some(u.entries),
            None,
            Some(u.amount_minor),
            &note,
        )?;
    }
    Ok(())
}
