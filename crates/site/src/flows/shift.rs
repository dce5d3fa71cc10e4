//! Cashier shifts: open with a cash float, close with a cash count, and the
//! shift report (mid-shift, and at the close) printed through the print queue.
//! The business day's X and Z reports are `flows::day_report`.

use crate::api::{Printout, ShiftReport};
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::rules::layout::JobKind;
use crate::store::{self, StaffRow};
use crate::time_fmt;

impl Site {
    /// Opens a shift for `staff` with `float_minor` in the drawer.
    pub fn open_shift(&self, staff: &StaffRow, float_minor: i64) -> Result<ShiftReport> {
        if float_minor < 0 {
            return Err(SiteError::Invalid("the float cannot be negative".into()));
        }
        let now = self.clock.now();
        let id = self.ids.new_id(now).to_string();
        let float = self.site_row()?.currency.format(float_minor);
        let inserted = (|| -> Result<()> {
            let mut db = self.db();
            let tx = db.transaction()?;
            // Only the shift's own insert can mean "already open".
            store::insert_shift(&tx, &id, &staff.id, now, float_minor).map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    SiteError::Invalid(format!("{} already has an open shift", staff.name))
                }
                e => e.into(),
            })?;
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: "shift_open",
                    staff_id: &staff.id,
                    approved_by: None,
                    subject: &id,
                    detail: &format!("float {float}"),
                },
            )?;
            tx.commit()?;
            Ok(())
        })();
        inserted?;
        self.shift_report(&id, staff)
    }

    fn open_shift_id(&self, staff: &StaffRow) -> Result<String> {
        store::open_shift_id(&self.db(), &staff.id)?
            .ok_or_else(|| SiteError::Invalid(format!("{} has no open shift", staff.name)))
    }

    /// The X report of `staff`'s open shift, printed.
    pub async fn x_report(&self, staff: &StaffRow) -> Result<(ShiftReport, Printout)> {
        let id = self.open_shift_id(staff)?;
        let report = self.shift_report(&id, staff)?;
        let printout = self.print_shift_report(&report, "SHIFT REPORT (X)").await?;
        Ok((report, printout))
    }

    /// Closes `staff`'s shift with the cash counted in the drawer; prints the Z report.
    pub async fn close_shift(
        &self,
        staff: &StaffRow,
        counted_minor: i64,
    ) -> Result<(ShiftReport, Printout)> {
        if counted_minor < 0 {
            return Err(SiteError::Invalid(
                "the cash count cannot be negative".into(),
            ));
        }
        let id = self.open_shift_id(staff)?;
        let counted = self.site_row()?.currency.format(counted_minor);
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::close_shift(&tx, &id, self.clock.now(), counted_minor)?;
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: "shift_close",
                    staff_id: &staff.id,
                    approved_by: None,
                    subject: &id,
                    detail: &format!("counted {counted}"),
                },
            )?;
            tx.commit()?;
        }
        let report = self.shift_report(&id, staff)?;
        let printout = self.print_shift_report(&report, "SHIFT CLOSED").await?;
        Ok((report, printout))
    }

    /// The figures of one shift.
    pub fn shift_report(&self, shift_id: &str, staff: &StaffRow) -> Result<ShiftReport> {
        let site = self.site_row()?;
        let terminal_id = self.config()?.terminal_id;
        let db = self.db();
        let (opened_at, float_minor, closed_at, counted): (
            String,
            i64,
            Option<String>,
            Option<i64>,
        ) = store::shift_row(&db, shift_id)?;
        let (orders, tickets, total, vat): (u32, u32, i64, i64) =
            store::shift_sales(&db, shift_id)?;
        let paid = |method: &str| -> Result<i64> { store::shift_paid(&db, shift_id, method) };
        let cash = paid("cash")?;
        let card = paid("card")?;
        let refunded = store::shift_refunded(&db, shift_id)?;
        let exchange = store::shift_exchange_credit(&db, shift_id)?;
        let expected = float_minor + cash;
        Ok(ShiftReport {
            shift_id: shift_id.to_string(),
            staff_id: staff.id.clone(),
            staff_name: staff.name.clone(),
            terminal_id,
            currency: site.currency.into(),
            opened_at,
            closed_at,
            orders,
            tickets,
            total_minor: total,
            vat_minor: vat,
            cash_minor: cash,
            card_minor: card,
            refunded_minor: refunded,
            exchange_minor: exchange,
            float_minor,
            expected_cash_minor: expected,
            counted_minor: counted,
            variance_minor: counted.map(|c| c - expected),
        })
    }

    async fn print_shift_report(&self, r: &ShiftReport, title: &str) -> Result<Printout> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let cur = site.currency;
        let when = |t: &str| {
            t.parse::<jiff::Timestamp>()
                .map(|ts| tz.to_datetime(ts).strftime("%d/%m/%Y %H:%M").to_string())
                .unwrap_or_else(|_| t.to_string())
        };
        let mut lines = vec![
            ("Cashier".to_string(), r.staff_name.clone()),
            ("Terminal".to_string(), r.terminal_id.clone()),
            ("Opened".to_string(), when(&r.opened_at)),
        ];
        if let Some(c) = &r.closed_at {
            lines.push(("Closed".to_string(), when(c)));
        }
        lines.extend([
            ("Orders".to_string(), r.orders.to_string()),
            ("Tickets".to_string(), r.tickets.to_string()),
            (
                "Sales incl. VAT".to_string(),
                cur.format_amount(r.total_minor),
            ),
            (
                format!("VAT {}", crate::rules::layout::rate_text(site.vat_rate_bp)),
                cur.format_amount(r.vat_minor),
            ),
            ("Card".to_string(), cur.format_amount(r.card_minor)),
            ("Cash".to_string(), cur.format_amount(r.cash_minor)),
            (
                "Exchange credit".to_string(),
                cur.format_amount(r.exchange_minor),
            ),
            ("Refunds".to_string(), cur.format_amount(r.refunded_minor)),
            ("Float".to_string(), cur.format_amount(r.float_minor)),
        ]);
        let mut totals = vec![(
            "Cash expected".to_string(),
            cur.format(r.expected_cash_minor),
        )];
        if let (Some(counted), Some(variance)) = (r.counted_minor, r.variance_minor) {
            totals.push(("Cash counted".to_string(), cur.format(counted)));
            totals.push(("Variance".to_string(), cur.format(variance)));
        }
        let data = printing::ReceiptData {
            header_lines: vec![
                site.chain_name.clone(),
                site.name.clone(),
                title.to_string(),
            ],
            lines,
            totals,
            footer_lines: vec![format!(
                "Shift {}",
                &r.shift_id[r.shift_id.len().saturating_sub(8)..]
            )],
        };
        let bytes = printing::encode_receipt(&data, self.paper()?, false)?;
        let name = format!(
            "shift-{}",
            &r.shift_id[r.shift_id.len().saturating_sub(8)..]
        );
        self.print_standalone(JobKind::ShiftReport, &name, bytes)
            .await
    }
}
