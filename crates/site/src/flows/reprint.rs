//! Reprints: only supervisors and managers, each copy marked "REPRINT n".

use crate::api::{Printout, ReprintArgs};
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::rules::layout::{self, PrintContext};
use crate::store::{self, StaffRow};
use crate::time_fmt;
use uuid::Uuid;

impl Site {
    /// Finds an order by its id or its printed reference (`T1A2B3C4D`).
    pub fn find_order(&self, id_or_ref: &str) -> Result<Uuid> {
        let text = id_or_ref.trim();
        if let Ok(id) = text.parse::<Uuid>() {
            return Ok(id);
        }
        let suffix = text.strip_prefix('T').unwrap_or(text).to_ascii_lowercase();
        if suffix.len() != 8 || !suffix.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SiteError::UnknownOrder(text.to_string()));
        }
        let found = store::order_by_ref_suffix(&self.db(), &suffix)?;
        found
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| SiteError::UnknownOrder(text.to_string()))
    }

    /// Reprints the tickets of an order (one seat, or all), marked as reprints.
    /// Needs a supervisor or a manager: the one signed in, or one approving.
    pub async fn reprint(&self, staff: &StaffRow, args: &ReprintArgs) -> Result<Vec<Printout>> {
        let at_counter = staff.id.clone();
        let staff = &self.approver(
            staff,
            args.approval.as_ref(),
            false,
            "reprints need a supervisor or a manager",
        )?;
        let (order, seat) = (args.order.as_str(), args.seat.as_deref());
        let order_id = self.find_order(order)?;
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let now = self.clock.now();
        let terminal_id = self.config()?.terminal_id;
        let (cashier_id, sold_at) = store::order_sale_time(&self.db(), &order_id.to_string())?
            .ok_or_else(|| SiteError::UnknownOrder(order.to_string()))?;
        let sold_at: jiff::Timestamp = sold_at
            .parse()
            .map_err(|e| SiteError::Corrupt(format!("order {order_id} sale time: {e}")))?;
        let cashier = store::staff(&self.db())?
            .into_iter()
            .find(|s| s.id == cashier_id)
            .map(|s| s.name)
            .unwrap_or(cashier_id);
        // An order may hold tickets for several showtimes: each ticket is
        // printed with its own.
        let seats = store::order_seats_for_reprint(&self.db(), &order_id.to_string(), seat)?;
        if seats.is_empty() {
            return Err(SiteError::UnknownSeats(vec![
                seat.unwrap_or("(none)").to_string(),
            ]));
        }
        let reference = protocol::order_reference(order_id);
        let paper = self.paper()?;
        let key = self.terminal_key()?;
        let mut jobs = Vec::new();
        let mut shows: Vec<(store::ShowtimeRow, Vec<protocol::PriceEntry>)> = Vec::new();
        // Bound first: the database guard must not live through the loop.
        let show_ids = store::order_showtimes(&self.db(), &order_id.to_string())?;
        for id in show_ids {
            let show = store::showtime(&self.db(), &id)?;
            let prices = store::prices(&self.db(), &show.price_card_id)?;
            shows.push((show, prices));
        }
        for (showtime_id, label, ticket_type, price_minor, printed) in &seats {
            let Some(show_no) = shows.iter().position(|(s, _)| &s.id == showtime_id) else {
                continue;
            };
            let (show, prices) = &shows[show_no];
            let name = store::ticket_name(prices, ticket_type);
            let ctx = PrintContext {
                site: &site,
                show,
                tz: &tz,
                ticket_name: &name,
                order_id,
                order_ref: &reference,
                cashier: &cashier,
                terminal_id: &terminal_id,
                now,
                sold_at,
                show_no,
            };
            jobs.push(layout::order_ticket(
                &ctx,
                label,
                ticket_type,
                *price_minor,
                paper,
                printed + 1,
                &key,
            )?);
        }
        let ids = {
            let mut db = self.db();
            let tx = db.transaction()?;
            let ids = self.enqueue_jobs(&tx, &jobs, now)?;
            let detail = format!("{} copies: {}", seats.len(), seat.unwrap_or("every ticket"));
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: "reprint",
                    staff_id: &at_counter,
                    approved_by: Some(&staff.id),
                    subject: &order_id.to_string(),
                    detail: &detail,
                },
            )?;
            tx.commit()?;
            ids
        };
        tracing::info!(order = %reference, by = %staff.id, copies = ids.len(), "reprint");
        let (previews, _) = self.deliver(&jobs, &ids, &[]).await?;
        Ok(previews)
    }
}
