//! Shifts and the cash drawer. A terminal has one drawer, so at most one
//! shift is open on it: opened with a counted float, it takes the sales,
//! refunds, pay-ins, pay-outs and drops made at the terminal, and closes
//! blind: the cashier counts the drawer by denomination before learning
//! what was expected; the variance is then shown, printed and kept.
//! The business day's X and Z reports are `flows::day_report`.

use crate::api::{
    Approval, CashMoved, CashMovementArgs, CashMovementKind, CashMovementView, DenominationCount,
    DenominationView, OpenShift, Printout, ShiftCloseArgs, ShiftPrinted, ShiftReport, ShiftState,
};
use crate::engine::{Site, stated_reason};
use crate::error::{Result, ShiftRefusal, SiteError};
use crate::rules::layout::JobKind;
use crate::store::{self, StaffRow};
use crate::time_fmt;
use protocol::Role;

/// Who may approve a pay-out.
const PAY_OUT_NEEDS: &str = "paying cash out of the drawer needs a supervisor or a manager";

/// Largest cash movement or float: a hundred of the largest banknote.
fn cash_cap(site: &store::SiteRow) -> i64 {
    site.currency.largest_note_minor() * 100
}

impl Site {
    /// The shift open on this terminal, and whether `staff` may sell into it.
    pub fn shift_state(&self, staff: &StaffRow) -> Result<ShiftState> {
        let site = self.site_row()?;
        let open = store::terminal_shift(&self.db())?;
        let opened_at = match &open {
            Some((id, ..)) => Some(store::shift_row(&self.db(), id)?.0),
            None => None,
        };
        Ok(ShiftState {
            may_sell: open
                .as_ref()
                .is_some_and(|(_, owner, _)| may_use(staff, owner)),
            open: open
                .zip(opened_at)
                .map(|((shift_id, staff_id, staff_name), opened_at)| OpenShift {
                    shift_id,
                    staff_id,
                    staff_name,
                    opened_at,
                }),
            denominations: domain::cash::denominations(site.currency)
                .iter()
                .map(|d| DenominationView {
                    minor: d.minor,
                    note: d.note,
                })
                .collect(),
            currency: site.currency.into(),
        })
    }

    /// The shift a sale or cash refund by `staff` goes into: the terminal's
    /// open shift, if `staff` may use it (their own; any for a supervisor or
    /// manager). Read inside the caller's transaction.
    pub(crate) fn drawer_shift(conn: &rusqlite::Connection, staff: &StaffRow) -> Result<String> {
        usable_shift(conn, staff, ShiftRefusal::NotYours)
    }

    /// The shift a refund's money back counts in: with cash, the drawer of
    /// the terminal's open shift, which `staff` must be able to use (none
    /// open is `shift.cash_needs_shift`); without cash, the open shift if any.
    pub(crate) fn money_back_shift(
        conn: &rusqlite::Connection,
        staff: &StaffRow,
        cash: i64,
    ) -> Result<Option<String>> {
        if cash == 0 {
            return Ok(store::terminal_shift(conn)?.map(|(id, ..)| id));
        }
        match Self::drawer_shift(conn, staff) {
            Err(SiteError::Shift(ShiftRefusal::NoneOpen)) => {
                Err(ShiftRefusal::CashNeedsShift.into())
            }
            other => other.map(Some),
        }
    }

    /// Opens a shift for `staff` with `float_minor` in the drawer.
    pub fn open_shift(&self, staff: &StaffRow, float_minor: i64) -> Result<ShiftReport> {
        let site = self.site_row()?;
        if !(0..=cash_cap(&site)).contains(&float_minor) {
            return Err(SiteError::Invalid(format!(
                "the float is 0 to {}",
                site.currency.format(cash_cap(&site))
            )));
        }
        let now = self.clock.now();
        let id = self.ids.new_id(now).to_string();
        let float = site.currency.format(float_minor);
        {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if let Some((_, _, name)) = store::terminal_shift(&tx)? {
                return Err(ShiftRefusal::AlreadyOpen(name).into());
            }
            store::insert_shift(&tx, &id, &staff.id, now, float_minor)?;
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
        }
        self.shift_report(&id, staff)
    }

    /// The shift `staff` may report on or close: the terminal's open shift
    /// if it is theirs or they are a supervisor or manager.
    fn shift_for(&self, staff: &StaffRow) -> Result<String> {
        usable_shift(&self.db(), staff, ShiftRefusal::OwnerOnly)
    }

    /// The X report of the terminal's open shift, printed. Blind for the
    /// cashier: no expected cash until the count.
    pub async fn x_report(&self, staff: &StaffRow) -> Result<ShiftPrinted> {
        let id = self.shift_for(staff)?;
        let report = self.shift_report(&id, staff)?;
        let printed = self.print_shift_report(&report, "SHIFT REPORT (X)").await;
        Ok(ShiftPrinted::new(report, printed))
    }

    /// Moves cash in or out of the open shift's drawer, with a reason; a
    /// pay-out by a cashier needs a supervisor's or manager's PIN. The slip
    /// prints and opens the drawer.
    pub async fn move_cash(&self, staff: &StaffRow, a: &CashMovementArgs) -> Result<CashMoved> {
        let site = self.site_row()?;
        if !(1..=cash_cap(&site)).contains(&a.amount_minor) {
            return Err(SiteError::Invalid(format!(
                "the amount is more than 0 and at most {}",
                site.currency.format(cash_cap(&site))
            )));
        }
        let reason = stated_reason(&a.reason)?;
        let approver = match a.kind {
            CashMovementKind::PayOut => Some(
                self.approver(
                    staff,
                    a.approval
                        .as_ref()
                        .filter(|p: &&Approval| !p.pin.is_empty()),
                    false,
                    PAY_OUT_NEEDS,
                )?,
            ),
            _ => None,
        };
        let now = self.clock.now();
        let id = self.ids.new_id(now).to_string();
        let amount = site.currency.format(a.amount_minor);
        let shift = {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let shift = Self::drawer_shift(&tx, staff)?;
            if matches!(a.kind, CashMovementKind::PayOut | CashMovementKind::Drop)
                && a.amount_minor > store::shift_cash(&tx, &shift)?.expected()
            {
                // Refused, and kept on the audit trail: trying amounts to
                // learn what a blind drawer holds leaves a trace.
                self.audit(
                    &tx,
                    &store::AuditEvent {
                        action: "cash_refused",
                        staff_id: &staff.id,
                        approved_by: approver.as_ref().map(|m| m.id.as_str()),
                        subject: &shift,
                        detail: &format!(
                            "{} {amount}: more than the drawer holds",
                            a.kind.as_str()
                        ),
                    },
                )?;
                tx.commit()?;
                return Err(ShiftRefusal::NotInDrawer.into());
            }
            store::insert_cash_movement(
                &tx,
                &store::CashMovementRow {
                    id: &id,
                    shift_id: &shift,
                    kind: a.kind.as_str(),
                    amount_minor: a.amount_minor,
                    reason,
                    staff_id: &staff.id,
                    approved_by: approver.as_ref().map(|m| m.id.as_str()),
                    at: now,
                },
            )?;
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: a.kind.as_str(),
                    staff_id: &staff.id,
                    approved_by: approver.as_ref().map(|m| m.id.as_str()),
                    subject: &shift,
                    detail: &format!("{amount}: {reason}"),
                },
            )?;
            tx.commit()?;
            shift
        };
        let movement = CashMovementView {
            kind: a.kind,
            amount_minor: a.amount_minor,
            reason: reason.to_string(),
            staff: staff.name.clone(),
            approved_by: approver.map(|m| m.name),
            at: now.to_string(),
        };
        // The movement stands whatever the printer does: a failed slip is
        // reported, never an error that would have it recorded twice.
        let (printout, print_error) = match self.print_movement(&movement, &shift).await {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Ok(CashMoved {
            movement,
            printout,
            print_error,
        })
    }

    /// Closes the terminal's open shift with the cash counted in the drawer
    /// (by denomination, or as one total); prints the closing report with
    /// the variance.
    pub async fn close_shift(&self, staff: &StaffRow, a: &ShiftCloseArgs) -> Result<ShiftPrinted> {
        let site = self.site_row()?;
        let (counted_minor, detail) = match (&a.counts, a.counted_minor) {
            // An empty list is an empty drawer, counted.
            (Some(counts), total) if !counts.is_empty() || total.is_none() => {
                let pairs: Vec<(i64, u32)> = counts.iter().map(|c| (c.minor, c.pieces)).collect();
                let total = domain::cash::count_total(site.currency, &pairs)
                    .map_err(ShiftRefusal::Count)?;
                let detail = serde_json::to_string(&pairs)
                    .map_err(|e| SiteError::Corrupt(format!("cannot encode the count: {e}")))?;
                (total, Some(detail))
            }
            (_, Some(total)) => (total, None),
            _ => {
                return Err(SiteError::Invalid(
                    "count the drawer: give the pieces of each note and coin".into(),
                ));
            }
        };
        if !(0..=cash_cap(&site) * 10).contains(&counted_minor) {
            return Err(SiteError::Invalid("the cash count is out of range".into()));
        }
        let counted = site.currency.format(counted_minor);
        let id = self.shift_for(staff)?;
        {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            store::close_shift(&tx, &id, self.clock.now(), counted_minor, detail.as_deref())?;
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
        // The close stands whatever the printer does: its report is answered
        // with the printer's problem, never as an error after the commit.
        let report = self.shift_report(&id, staff)?;
        let printed = self.print_shift_report(&report, "SHIFT CLOSED").await;
        Ok(ShiftPrinted::new(report, printed))
    }

    /// The figures of one shift, as `viewer` may see them (a cashier learns
    /// the expected cash only once the shift is closed).
    pub fn shift_report(&self, shift_id: &str, viewer: &StaffRow) -> Result<ShiftReport> {
        let site = self.site_row()?;
        let terminal_id = self.config()?.terminal_id;
        let db = self.db();
        let (opened_at, _, closed_at, counted) = store::shift_row(&db, shift_id)?;
        let (staff_id, staff_name, detail) = store::shift_owner(&db, shift_id)?;
        let (orders, tickets, total, vat) = store::shift_sales(&db, shift_id)?;
        let drawer = store::shift_cash(&db, shift_id)?;
        let card = store::shift_paid(&db, shift_id, "card")?;
        let refunded = store::shift_refunded(&db, shift_id)?;
        let exchange = store::shift_exchange_credit(&db, shift_id)?;
        let expected = drawer.expected();
        let blind = closed_at.is_none() && viewer.role == Role::Cashier;
        let shown = |v: i64| (!blind).then_some(v);
        let counted_by = detail
            .map(|d| serde_json::from_str::<Vec<(i64, u32)>>(&d))
            .transpose()
            .map_err(|e| SiteError::Corrupt(format!("shift count: {e}")))?
            .unwrap_or_default()
            .into_iter()
            .map(|(minor, pieces)| DenominationCount { minor, pieces })
            .collect();
        let movements = store::shift_movement_lines(&db, shift_id)?
            .into_iter()
            .map(|(kind, amount_minor, reason, staff, approved_by, at)| {
                Ok(CashMovementView {
                    kind: match kind.as_str() {
                        "pay_in" => CashMovementKind::PayIn,
                        "pay_out" => CashMovementKind::PayOut,
                        "drop" => CashMovementKind::Drop,
                        other => {
                            return Err(SiteError::Corrupt(format!("cash movement '{other}'")));
                        }
                    },
                    amount_minor,
                    reason,
                    staff,
                    approved_by,
                    at,
                })
            })
            .collect::<Result<_>>()?;
        Ok(ShiftReport {
            shift_id: shift_id.to_string(),
            staff_id,
            staff_name,
            terminal_id,
            currency: site.currency.into(),
            opened_at,
            closed_at,
            orders,
            tickets,
            total_minor: shown(total),
            vat_minor: shown(vat),
            cash_minor: shown(drawer.net_cash),
            card_minor: shown(card),
            refunded_minor: shown(refunded),
            exchange_minor: shown(exchange),
            float_minor: drawer.float,
            paid_in_minor: drawer.paid_in,
            paid_out_minor: drawer.paid_out,
            dropped_minor: drawer.dropped,
            expected_cash_minor: (!blind).then_some(expected),
            counted_minor: counted,
            variance_minor: counted.map(|c| c - expected),
            counted_by,
            movements,
        })
    }

    async fn print_movement(&self, m: &CashMovementView, shift_id: &str) -> Result<Printout> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let when = time_fmt::printed_local(&m.at, &tz);
        let mut lines = vec![
            ("By".to_string(), m.staff.clone()),
            ("Terminal".to_string(), self.config()?.terminal_id),
            ("When".to_string(), when),
            ("Reason".to_string(), m.reason.clone()),
        ];
        if let Some(a) = &m.approved_by {
            lines.push(("Approved by".to_string(), a.clone()));
        }
        let short = &shift_id[shift_id.len().saturating_sub(8)..];
        let data = printing::ReceiptData {
            header_lines: vec![
                site.chain_name.clone(),
                site.name.clone(),
                m.kind.title().to_string(),
            ],
            lines,
            totals: vec![("Amount".to_string(), site.currency.format(m.amount_minor))],
            footer_lines: vec![format!("Shift {short}"), "Signature: ____________".into()],
        };
        let bytes = printing::encode_receipt(&data, self.paper()?, true)?;
        let name = format!("{}-{short}", m.kind.as_str());
        self.print_standalone(JobKind::ShiftReport, &name, bytes)
            .await
    }

    async fn print_shift_report(&self, r: &ShiftReport, title: &str) -> Result<Printout> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let cur = site.currency;
        let when = |t: &str| time_fmt::printed_local(t, &tz);
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
        ]);
        // A blind report prints no money figure the count could be checked against.
        let vat = format!("VAT {}", crate::rules::layout::rate_text(site.vat_rate_bp));
        for (label, v) in [
            ("Sales incl. VAT", r.total_minor),
            (vat.as_str(), r.vat_minor),
            ("Card", r.card_minor),
            ("Cash", r.cash_minor),
            ("Exchange credit", r.exchange_minor),
            ("Refunds", r.refunded_minor),
        ] {
            if let Some(v) = v {
                lines.push((label.to_string(), cur.format_amount(v)));
            }
        }
        if r.expected_cash_minor.is_none() && r.closed_at.is_none() {
            lines.push(("Cash".to_string(), "counted at the close".to_string()));
        }
        lines.extend([
            ("Float".to_string(), cur.format_amount(r.float_minor)),
            ("Pay-ins".to_string(), cur.format_amount(r.paid_in_minor)),
            ("Pay-outs".to_string(), cur.format_amount(r.paid_out_minor)),
            ("Drops".to_string(), cur.format_amount(r.dropped_minor)),
        ]);
        for c in &r.counted_by {
            lines.push((
                format!("{} x {}", cur.format_amount(c.minor), c.pieces),
                cur.format_amount(c.minor * i64::from(c.pieces)),
            ));
        }
        let mut totals = Vec::new();
        if let Some(expected) = r.expected_cash_minor {
            totals.push(("Cash expected".to_string(), cur.format(expected)));
        }
        if let (Some(counted), Some(variance)) = (r.counted_minor, r.variance_minor) {
            totals.push(("Cash counted".to_string(), cur.format(counted)));
            totals.push(("Variance".to_string(), cur.format(variance)));
        }
        let short = &r.shift_id[r.shift_id.len().saturating_sub(8)..];
        let data = printing::ReceiptData {
            header_lines: vec![
                site.chain_name.clone(),
                site.name.clone(),
                title.to_string(),
            ],
            lines,
            totals,
            footer_lines: vec![format!("Shift {short}")],
        };
        let bytes = printing::encode_receipt(&data, self.paper()?, false)?;
        self.print_standalone(JobKind::ShiftReport, &format!("shift-{short}"), bytes)
            .await
    }
}

/// The terminal's open shift if `staff` may use it; `not_theirs` names the
/// refusal when it is another cashier's.
fn usable_shift(
    conn: &rusqlite::Connection,
    staff: &StaffRow,
    not_theirs: fn(String) -> ShiftRefusal,
) -> Result<String> {
    match store::terminal_shift(conn)? {
        None => Err(ShiftRefusal::NoneOpen.into()),
        Some((id, owner, _)) if may_use(staff, &owner) => Ok(id),
        Some((_, _, name)) => Err(not_theirs(name).into()),
    }
}

/// Whether `staff` may use (sell into, report on, close) the shift of `owner`.
fn may_use(staff: &StaffRow, owner: &str) -> bool {
    staff.id == owner || matches!(staff.role, Role::Supervisor | Role::Manager)
}
