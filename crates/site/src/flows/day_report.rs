//! The terminal's day reports: the X report (a business day so far, any
//! time, for a supervisor or a manager) and the Z report (a manager closes
//! the day: numbered consecutively, kept as closed, and no later sale or
//! refund is dated to that day).

use crate::api::Printout;
use crate::engine::Site;
use crate::error::{DayRefusal, Result, SiteError};
use crate::rules::layout::JobKind;
use crate::store::{self, SiteRow, StaffRow};
use crate::time_fmt;
use domain::business_day::business_day;
use protocol::Role;
use reports::{DayReport, HourLine, OfflineSales, ReportKind, ShiftLine, UnsyncedLine};

impl Site {
    /// The X report of business day `day` (the one sales go to now if
    /// `None`): changes nothing. Supervisors and managers. Read in one
    /// transaction, so its figures agree with each other.
    /// The whole site's report of a business day, from central: every
    /// terminal's synced sales and the web shop's, naming each terminal whose
    /// day is not all in (a supervisor or a manager; needs the link).
    pub async fn site_day_report(&self, staff: &StaffRow, day: Option<&str>) -> Result<DayReport> {
        if staff.role == Role::Cashier {
            return Err(SiteError::NotAllowed(
                "day reports are for a supervisor or a manager".into(),
            ));
        }
        let day = day
            .map(|d| time_fmt::parse_day(d).map(|d| d.to_string()))
            .transpose()?;
        let site_id = self.config()?.site_id;
        let client = self.client()?;
        // Push what is queued first, so this terminal's own day is all in.
        if self.is_online() {
            let _ = self.push_outbox().await;
        }
        Ok(client.site_day_report(&site_id, day.as_deref()).await?)
    }

    pub fn x_day_report(&self, staff: &StaffRow, day: Option<&str>) -> Result<DayReport> {
        if staff.role == Role::Cashier {
            return Err(SiteError::NotAllowed(
                "day reports are for a supervisor or a manager".into(),
            ));
        }
        let site = self.site_row()?;
        let terminal_id = self.config()?.terminal_id;
        let now = self.clock.now();
        let mut db = self.db();
        let tx = db.transaction()?;
        let day = match day {
            Some(d) => time_fmt::parse_day(d)?.to_string(),
            None => store::trading_day(&tx, now)?,
        };
        day_figures(
            &tx,
            ReportKind::X,
            &day,
            &staff.name,
            &site,
            &terminal_id,
            now,
        )
    }

    /// The Z report that closed `day`, as it was closed. Supervisors and managers.
    pub fn z_day_report(&self, staff: &StaffRow, day: &str) -> Result<DayReport> {
        if staff.role == Role::Cashier {
            return Err(SiteError::NotAllowed(
                "day reports are for a supervisor or a manager".into(),
            ));
        }
        let day = time_fmt::parse_day(day)?.to_string();
        let row = store::z_report(&self.db(), &day)?;
        let (_, _, _, _, json) = row.ok_or(DayRefusal::NotClosed(day))?;
        serde_json::from_str(&json)
            .map_err(|e| SiteError::Corrupt(format!("a kept Z report does not read back: {e}")))
    }

    /// Closes business day `day` (by default the one the site's clock is in)
    /// with its Z report, and prints it. Managers only. Refused for a day not
    /// begun, a day closed already or before the last closed one, while an
    /// earlier day with sales is still open (days close in order), and while a
    /// shift opened before the day's end is open (its cash is not counted).
    /// The checks, the figures and the close are one immediate transaction:
    /// nothing can be dated to the day between its figures and its close.
    pub async fn close_day(
        &self,
        staff: &StaffRow,
        day: Option<&str>,
    ) -> Result<(DayReport, Printout)> {
        if staff.role != Role::Manager {
            return Err(SiteError::NeedsManager(
                "only a manager closes the business day (Z report)".into(),
            ));
        }
        let site = self.site_row()?;
        let terminal_id = self.config()?.terminal_id;
        let tz = time_fmt::zone(&site.time_zone)?;
        let now = self.clock.now();
        let calendar = business_day(now, &tz, site.cutoff_hour).to_string();
        let day = match day {
            Some(d) => time_fmt::parse_day(d)?.to_string(),
            None => calendar.clone(),
        };
        if day > calendar {
            return Err(DayRefusal::NotBegun(day).into());
        }
        let (_, ends) =
            time_fmt::business_day_bounds(time_fmt::parse_day(&day)?, site.cutoff_hour, &tz)?;
        let report = {
            let mut db = self.db();
            let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if let Some((number, ..)) = store::z_report(&tx, &day)? {
                return Err(DayRefusal::AlreadyClosed(day, number).into());
            }
            let last = store::last_closed_day(&tx)?;
            if let Some(last) = last.as_deref().filter(|l| *l > day.as_str()) {
                return Err(DayRefusal::LaterClosed(day, last.to_string()).into());
            }
            // Days close in order from the first Z report on; the days a
            // terminal traded before it had Z reports are history.
            if let Some(last) = last.as_deref()
                && let Some(earlier) = store::first_day_with_rows(&tx, last, &day)?
            {
                return Err(DayRefusal::EarlierOpen(earlier).into());
            }
            let open = store::open_shift_names(&tx, ends)?;
            if !open.is_empty() {
                return Err(DayRefusal::ShiftsOpen(open).into());
            }
            let number = store::next_z_number(&tx)?;
            let mut report = day_figures(
                &tx,
                ReportKind::Z,
                &day,
                &staff.name,
                &site,
                &terminal_id,
                now,
            )?;
            report.number = Some(number);
            let json = serde_json::to_string(&report)
                .map_err(|e| SiteError::Corrupt(format!("cannot encode the Z report: {e}")))?;
            store::insert_z_report(&tx, number, &day, now, &staff.id, &json)?;
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: "day_close",
                    staff_id: &staff.id,
                    approved_by: None,
                    subject: &day,
                    detail: &format!(
                        "Z {number}: net {}",
                        reports::major(report.totals.net_minor, report.decimals)
                    ),
                },
            )?;
            tx.commit()?;
            report
        };
        // The closed day's backup; the day is closed whether or not it works.
        match self.take_backup(crate::backup::BackupKind::DayClose).await {
            Ok(b) => tracing::info!(file = %b.path.display(), "day-close backup taken"),
            Err(e) => tracing::error!(error = %e, "the day-close backup failed"),
        }
        let printout = self.print_day_report(&report).await?;
        Ok((report, printout))
    }

    /// Prints a day report on the counter's printer.
    pub async fn print_day_report(&self, report: &DayReport) -> Result<Printout> {
        let data = reports::printed::receipt(report);
        let bytes = printing::encode_receipt(&data, self.paper()?, false)?;
        let kind = match report.kind {
            ReportKind::Z => "z",
            _ => "x",
        };
        let name = format!("day-{}-{kind}", report.business_day);
        self.print_standalone(JobKind::ShiftReport, &name, bytes)
            .await
    }
}

/// Gathers the figures of `day` on this terminal, on `db` (a transaction).
fn day_figures(
    db: &rusqlite::Connection,
    kind: ReportKind,
    day: &str,
    by: &str,
    site: &SiteRow,
    terminal_id: &str,
    now: jiff::Timestamp,
) -> Result<DayReport> {
    let tz = time_fmt::zone(&site.time_zone)?;
    let date = time_fmt::parse_day(day)?;
    let (from, to) = time_fmt::business_day_bounds(date, site.cutoff_hour, &tz)?;
    let (from, to) = (from.to_string(), to.to_string());
    let mut shifts = Vec::new();
    for (id, name) in store::day_shifts(db, day, (&from, &to))? {
        let (opened_at, _, closed_at, counted) = store::shift_row(db, &id)?;
        let drawer = store::shift_cash(db, &id)?;
        let expected = drawer.expected();
        shifts.push(ShiftLine {
            terminal_id: terminal_id.to_string(),
            shift_id: id,
            staff: name,
            opened_at,
            closed_at,
            float_minor: drawer.float,
            cash_net_minor: drawer.net_cash,
            paid_in_out_minor: drawer.paid_in - drawer.paid_out,
            dropped_minor: drawer.dropped,
            expected_minor: expected,
            counted_minor: counted,
            variance_minor: counted.map(|c| c - expected),
        });
    }
    let mut by_hour: Vec<HourLine> = (0..24)
        .map(|hour| HourLine {
            hour,
            orders: 0,
            tickets: 0,
            amount_minor: 0,
        })
        .collect();
    for (at, tickets, amount) in store::day_order_times(db, day)? {
        let Ok(t) = at.parse::<jiff::Timestamp>() else {
            continue;
        };
        let hour = usize::try_from(tz.to_datetime(t).hour()).unwrap_or(0);
        if let Some(h) = by_hour.get_mut(hour) {
            h.orders += 1;
            h.tickets += tickets;
            h.amount_minor += amount;
        }
    }
    let (lease_orders, override_orders, tickets, amount) = store::day_offline(db, day)?;
    let (entries, waiting, oldest) = store::day_unsynced(db, day)?;
    let unsynced = (entries > 0)
        .then(|| UnsyncedLine {
            terminal_id: terminal_id.to_string(),
            entries,
            amount_minor: waiting,
            oldest_at: oldest
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .map(|t| t.to_string()),
            last_heard_at: None,
        })
        .into_iter()
        .collect();
    Ok(DayReport {
        kind,
        number: None,
        site_id: site.id.clone(),
        site_name: site.name.clone(),
        chain_name: site.chain_name.clone(),
        currency: site.currency.code().to_string(),
        decimals: site.currency.exponent(),
        time_zone: site.time_zone.clone(),
        business_day: day.to_string(),
        day_starts_at: from,
        day_ends_at: to,
        terminals: vec![terminal_id.to_string()],
        generated_at: now.to_string(),
        by: by.to_string(),
        totals: store::day_totals(db, day)?,
        by_film: store::day_by_film(db, day)?,
        by_showtime: store::day_by_showtime(db, day)?,
        by_ticket_type: store::day_by_ticket_type(db, day)?,
        by_payment: store::day_by_payment(db, day)?,
        by_cashier: store::day_by_cashier(db, day)?,
        by_hour,
        vat: store::day_vat(db, day)?,
        discounts: store::day_discounts(db, day)?,
        overrides: store::day_overrides(db, day)?,
        refunds: store::day_refunds(db, day)?,
        voids: store::day_voids(db, day)?,
        shifts,
        offline: OfflineSales {
            lease_orders,
            override_orders,
            tickets,
            amount_minor: amount,
        },
        open_conflicts: store::open_conflict_lines(db)?,
        unsynced,
    })
}

impl Site {
    /// The X report of `day` (`kind` `x`), the kept Z report of a closed
    /// day (`kind` `z`), or the whole site's day from central (`kind` `site`).
    pub async fn day_report_of(
        &self,
        staff: &StaffRow,
        kind: &str,
        day: Option<&str>,
    ) -> Result<DayReport> {
        match kind {
            "x" => self.x_day_report(staff, day),
            "z" => {
                let day = day.ok_or_else(|| SiteError::Invalid("which business day?".into()))?;
                self.z_day_report(staff, day)
            }
            "site" => self.site_day_report(staff, day).await,
            other => Err(SiteError::Invalid(format!(
                "'{other}' is not a day report (x, z or site)"
            ))),
        }
    }
}
