//! Collecting web bookings: the customer bought on the chain's website and
//! shows the booking reference at the counter. The terminal looks it up at
//! central, collects it (central lets only one terminal do so) and prints the
//! tickets, signed by this terminal like its own. Needs central: a booking
//! made on the web lives there.

use crate::api::{BookingArgs, BookingView, Printout};
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::rules::layout::{self, PrintContext};
use crate::store::{self, StaffRow};
use crate::time_fmt;
use protocol::WebBooking;

impl Site {
    /// Looks a web booking of this site up at central.
    pub async fn web_booking(&self, args: &BookingArgs) -> Result<BookingView> {
        let reference = normalise(&args.reference)?;
        let client = self.client()?;
        let b = client.web_booking(&reference).await;
        self.booking_view(&b?, Vec::new())
    }

    /// Collects a web booking and prints its tickets.
    pub async fn collect_booking(
        &self,
        staff: &StaffRow,
        args: &BookingArgs,
    ) -> Result<BookingView> {
        let reference = normalise(&args.reference)?;
        // Printed here already: never print unmarked tickets twice.
        let printed = store::web_collection_time(&self.db(), &reference)?;
        if let Some(at) = printed {
            return Err(SiteError::Invalid(format!(
                "booking {reference} was already collected at this terminal ({at}); \
                 its tickets were printed then"
            )));
        }
        let client = self.client()?;
        let b = client.collect_web_booking(&reference).await;
        let b = b?;
        let order_id: uuid::Uuid = b
            .order_id
            .parse()
            .map_err(|e| SiteError::Corrupt(format!("booking order id: {e}")))?;
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let show = store::showtime(&self.db(), &b.showtime_id)?;
        let prices = store::prices(&self.db(), &show.price_card_id)?;
        let terminal_id = self.config()?.terminal_id;
        let now = self.clock.now();
        let paper = self.paper()?;
        let key = self.terminal_key()?;
        let mut jobs = Vec::new();
        for seat in &b.seats {
            let name = store::ticket_name(&prices, &seat.ticket_type);
            let ctx = PrintContext {
                site: &site,
                show: &show,
                tz: &tz,
                ticket_name: &name,
                order_id,
                order_ref: &b.reference,
                cashier: &staff.name,
                terminal_id: &terminal_id,
                now,
                sold_at: now,
                // A web booking is for one showtime.
                show_no: 0,
            };
            let mut job = layout::order_ticket(
                &ctx,
                &seat.label,
                &seat.ticket_type,
                seat.price_minor,
                paper,
                0,
                &key,
            )?;
            // Not an order of this terminal: the job stands alone.
            job.order_id = None;
            job.name = format!("{}-{}", b.reference, seat.label);
            jobs.push(job);
        }
        let ids = {
            let mut db = self.db();
            let tx = db.transaction()?;
            let seats: Vec<&str> = b.seats.iter().map(|s| s.label.as_str()).collect();
            store::insert_web_collection(&tx, &b, &seats, &staff.id, now)?;
            let ids = self.enqueue_jobs(&tx, &jobs, now)?;
            tx.commit()?;
            ids
        };
        tracing::info!(reference = %b.reference, by = %staff.id, "web booking collected");
        let (printouts, _) = self.deliver(&jobs, &ids, &[]).await?;
        self.booking_view(&b, printouts)
    }

    fn booking_view(&self, b: &WebBooking, printouts: Vec<Printout>) -> Result<BookingView> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let show = store::showtime(&self.db(), &b.showtime_id)?;
        Ok(BookingView {
            reference: b.reference.clone(),
            showtime_id: b.showtime_id.clone(),
            film_title_en: show.title_en,
            film_title_ar: show.title_ar,
            screen: show.screen_name,
            local_time: time_fmt::local_hhmm(show.starts_at, &tz),
            seats: b.seats.iter().map(|s| s.label.clone()).collect(),
            total_minor: b.total_minor,
            collected_at: b.collected_at.map(|t| t.to_string()),
            collected_by: b.collected_by.clone(),
            refunded: b.refunded,
            printouts,
        })
    }
}

/// A booking reference as customers type it: letters and digits, any case.
fn normalise(reference: &str) -> Result<String> {
    let r = reference.trim().to_uppercase();
    if r.is_empty() || r.len() > 32 || !r.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(SiteError::Invalid(format!(
            "'{reference}' is not a booking reference (letters and digits, e.g. W1A2B3C4D)"
        )));
    }
    Ok(r)
}
