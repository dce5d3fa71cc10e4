//! The terminal's day reports: the X report (a business day so far, any
//! time, for a supervisor or a manager) and the Z report (a manager closes
//! the day: numbered consecutively, kept as closed, and no later sale or
//! refund is dated to that day).

use crate::api::Printout;
use crate::engine::Site;
use crate::error::{DayRefusal, Result, SiteError};
use crate::rules::layout::{JobKind, NewJob};
use crate::store::{self, StaffRow};
use crate::time_fmt;
use protocol::Role;
use reports::{DayReport, HourLine, OfflineSales, ReportKind, ShiftLine, UnsyncedLine};

impl Site {
    /// The business day `day` names (`YYYY-MM-DD`), or the one business is in now.
    fn report_day(&self, day: Option<&str>) -> Result<jiff::civil::Date> {
        match day {
            Some(d) => time_fmt::parse_day(d),
            None => {
                let now = self.clock.now();
                let day = store::trading_day(&self.db(), now)?;
                time_fmt::parse_day(&day)
            }
        }
    }

    /// The X report of business day `day` (the current one if `None`):
    /// changes nothing. Supervisors and managers.
    pub fn x_day_report(&self, staff: &StaffRow, day: Option<&str>) -> Result<DayReport> {
        if staff.role == Role::Cashier {
            return Err(SiteError::NotAllowed(
                "day reports are for a supervisor or a manager".into(),
            ));
        }
        let day = self.report_day(day)?;
        self.day_figures(ReportKind::X, &day.to_string(), staff)
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

    /// Closes business day `day` (the current one if `None`) with its Z
    /// report, and prints it. Managers only; every shift must be closed
    /// (its cash counted) and days close in order.
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
        let day = self.report_day(day)?.to_string();
        let now = self.clock.now();
        let today = {
            let db = self.db();
            store::trading_day(&db, now)?
        };
        if day > today {
            return Err(DayRefusal::NotBegun(day).into());
        }
        let mut report = self.day_figures(ReportKind::Z, &day, staff)?;
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            // Checked inside the transaction: a sale or a Z on another screen
            // meanwhile cannot slip between the check and the close.
            if let Some((number, ..)) = store::z_report(&tx, &day)? {
                return Err(DayRefusal::AlreadyClosed(day, number).into());
            }
            if let Some(last) = store::last_closed_day(&tx)?.filter(|l| *l > day) {
                return Err(DayRefusal::LaterClosed(day, last).into());
            }
            let open = store::open_shift_names(&tx)?;
            if !open.is_empty() {
                return Err(DayRefusal::ShiftsOpen(open).into());
            }
            let number = store::next_z_number(&tx)?;
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
        }
        let printout = self.print_day_report(&report).await?;
        Ok((report, printout))
    }

    /// Prints a day report on the counter's printer.
    pub async fn print_day_report(&self, report: &DayReport) -> Result<Printout> {
        let data = reports::printed::receipt(report);
        let bytes = printing::encode_receipt(&data, self.paper()?, false)?;
        let now = self.clock.now();
        let name = format!(
            "day-{}-{}-{}",
            report.business_day,
            match report.kind {
                ReportKind::Z => "z",
                _ => "x",
            },
            now.as_second()
        );
        let ids = {
            let db = self.db();
            self.enqueue_jobs(
                &db,
                &[NewJob {
                    order_id: None,
                    kind: JobKind::ShiftReport,
                    seat_label: None,
                    bytes,
                    reprint_count: 0,
                    name,
                }],
                now,
            )?
        };
        let preview = self.preview(&ids[0])?;
        self.process_print_queue().await?;
        Ok(preview)
    }

    /// Gathers the figures of `day` on this terminal.
    fn day_figures(&self, kind: ReportKind, day: &str, staff: &StaffRow) -> Result<DayReport> {
        let site = self.site_row()?;
        let terminal_id = self.config()?.terminal_id;
        let tz = time_fmt::zone(&site.time_zone)?;
        let date = time_fmt::parse_day(day)?;
        let (from, to) = time_fmt::business_day_bounds(date, site.cutoff_hour, &tz)?;
        let (from, to) = (from.to_string(), to.to_string());
        let db = self.db();
        let mut shifts = Vec::new();
        for (id, name) in store::day_shifts(&db, day, (&from, &to))? {
            let (opened_at, float, closed_at, counted) = store::shift_row(&db, &id)?;
            let cash = store::shift_paid(&db, &id, "cash")?;
            let expected = float + cash;
            shifts.push(ShiftLine {
                terminal_id: terminal_id.clone(),
                shift_id: id,
                staff: name,
                opened_at,
                closed_at,
                float_minor: float,
                cash_net_minor: cash,
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
        for (at, tickets, amount) in store::day_order_times(&db, day)? {
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
        let (lease_orders, override_orders, tickets, amount) = store::day_offline(&db, day)?;
        let (entries, waiting, oldest) = store::day_unsynced(&db, day)?;
        let unsynced = (entries > 0)
            .then(|| UnsyncedLine {
                terminal_id: terminal_id.clone(),
                entries,
                amount_minor: waiting,
                oldest_at: oldest
                    .and_then(|s| jiff::Timestamp::from_second(s).ok())
                    .map(|t| t.to_string()),
                last_heard_at: None,
            })
            .into_iter()
            .collect();
        let now = self.clock.now();
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
            terminals: vec![terminal_id],
            generated_at: now.to_string(),
            by: staff.name.clone(),
            totals: store::day_totals(&db, day)?,
            by_film: store::day_by_film(&db, day)?,
            by_showtime: store::day_by_showtime(&db, day)?,
            by_ticket_type: store::day_by_ticket_type(&db, day)?,
            by_payment: store::day_by_payment(&db, day)?,
            by_cashier: store::day_by_cashier(&db, day)?,
            by_hour,
            vat: store::day_vat(&db, day)?,
            discounts: store::day_discounts(&db, day)?,
            overrides: store::day_overrides(&db, day)?,
            refunds: store::day_refunds(&db, day)?,
            voids: Vec::new(),
            shifts,
            offline: OfflineSales {
                lease_orders,
                override_orders,
                tickets,
                amount_minor: amount,
            },
            open_conflicts: store::open_conflict_lines(&db)?,
            unsynced,
        })
    }
}

impl Site {
    /// The X report of `day` (`kind` `x`) or the kept Z report of a closed
    /// day (`kind` `z`).
    pub fn day_report_of(
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
            other => Err(SiteError::Invalid(format!(
                "'{other}' is not a day report (x or z)"
            ))),
        }
    }
}
