//! Turning a sold seat into a printed ticket.

use crate::api::Printout;
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::store::{ShowtimeRow, SiteRow};
use crate::time_fmt;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use printing::TicketData;
use rusqlite::params;
use uuid::Uuid;

/// What one ticket needs.
pub struct TicketJob<'a> {
    /// The site.
    pub site: &'a SiteRow,
    /// The showtime.
    pub show: &'a ShowtimeRow,
    /// Site time zone.
    pub tz: &'a TimeZone,
    /// Seat.
    pub seat_label: &'a str,
    /// Ticket type name.
    pub ticket_name: &'a str,
    /// Price.
    pub price_minor: i64,
    /// Order id.
    pub order_id: Uuid,
    /// Order reference.
    pub order_ref: &'a str,
    /// Cashier name.
    pub cashier: &'a str,
    /// Terminal id.
    pub terminal_id: &'a str,
}

/// The printable content of a ticket.
pub fn ticket_data(job: &TicketJob<'_>) -> TicketData {
    let cur = job.site.currency;
    let vat = domain::vat::vat_included(job.price_minor, job.site.vat_rate_bp);
    TicketData {
        chain_name: job.site.chain_name.clone(),
        site_name: job.site.name.clone(),
        film_title_en: job.show.title_en.clone(),
        film_title_ar: job.show.title_ar.clone(),
        rating: job.show.rating.clone(),
        screen: if job.show.screen_name.contains(&job.show.format) {
            job.show.screen_name.clone()
        } else {
            format!("{} - {}", job.show.screen_name, job.show.format)
        },
        date_local: time_fmt::local_date(job.show.starts_at, job.tz),
        time_local: time_fmt::local_hhmm(job.show.starts_at, job.tz),
        seat_label: job.seat_label.to_string(),
        ticket_type: job.ticket_name.to_string(),
        price: cur.format(job.price_minor),
        vat: format!(
            "incl. VAT {}% {}",
            job.site.vat_rate_bp as f64 / 100.0,
            cur.format(vat)
        ),
        order_ref: job.order_ref.to_string(),
        qr_payload: format!("BOX1|{}|{}|{}", job.order_id, job.show.id, job.seat_label),
        footer: format!("{} - {}", job.terminal_id, job.cashier),
    }
}

/// Encodes and prints one ticket, recording the job in the print queue.
pub fn print_ticket(site: &Site, job: &TicketJob<'_>, now: Timestamp) -> Result<Printout> {
    let job_id = site.ids.new_id(now);
    let order = job.order_id.to_string();
    site.db().execute(
        "INSERT INTO print_jobs (id, order_id, kind, seat_label, state, created_at)
         VALUES (?1, ?2, 'ticket', ?3, 'queued', ?4)",
        params![job_id.to_string(), order, job.seat_label, now.to_string()],
    )?;
    let result =
        printing::encode_ticket(&ticket_data(job), site.printer.paper()).and_then(|bytes| {
            let name = format!("{}-{}", job.order_ref, job.seat_label);
            site.printer.print(&name, &bytes)
        });
    match result {
        Ok(p) => {
            let bin = p.bin_path.to_string_lossy().into_owned();
            let png = p.png_path.to_string_lossy().into_owned();
            site.db().execute(
                "UPDATE print_jobs SET state = 'printed', bin_path = ?2, png_path = ?3 WHERE id = ?1",
                params![job_id.to_string(), bin, png],
            )?;
            Ok(Printout {
                bin_path: bin,
                png_path: png,
            })
        }
        Err(e) => {
            site.db().execute(
                "UPDATE print_jobs SET state = 'failed', error = ?2 WHERE id = ?1",
                params![job_id.to_string(), e.to_string()],
            )?;
            Err(SiteError::Print(e))
        }
    }
}
