//! Reseating: a supervisor moves one sold seat of an order to a free seat of
//! the same showtime. The customer gets a change slip and a new ticket; the
//! move reaches central as its own outbox entry.

use crate::api::{ReseatArgs, ReseatResult};
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::rules::layout::{self, PrintContext};
use crate::store::{self, StaffRow};
use crate::time_fmt;
use domain::SeatState;
use protocol::{EntryBody, HoldRequest, Reseat, SecuredBy};

impl Site {
    /// Moves `from` to `to` in an order, approved by a supervisor or manager.
    /// `showtime` names the seat's showtime when the order holds the same
    /// seat label in several.
    pub async fn reseat(&self, staff: &StaffRow, args: &ReseatArgs) -> Result<ReseatResult> {
        let at_counter = staff.id.clone();
        let staff = &self.approver(
            staff,
            args.approval.as_ref(),
            false,
            "reseating needs a supervisor or a manager",
        )?;
        let (order, showtime) = (args.order.as_str(), args.showtime_id.as_deref());
        let (from, to) = (args.from.trim(), args.to.trim());
        let reason = crate::engine::stated_reason(&args.reason)?;
        let order_id = self.find_order(order)?;
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let terminal_id = self.config()?.terminal_id;
        let (_, sold_at) = store::order_sale_time(&self.db(), &order_id.to_string())?
            .ok_or_else(|| SiteError::UnknownOrder(order.to_string()))?;
        let sold_at: jiff::Timestamp = sold_at
            .parse()
            .map_err(|e| SiteError::Corrupt(format!("sale time: {e}")))?;
        // The seat's own showtime: an order may hold tickets for several.
        let found = store::order_seat(&self.db(), &order_id.to_string(), from, showtime)?;
        let (showtime_id, ticket_type, price_minor) = match <[_; 1]>::try_from(found) {
            Ok([one]) => one,
            Err(found) if found.is_empty() => {
                return Err(SiteError::Invalid(format!(
                    "{from} is not a seat of this order"
                )));
            }
            Err(_) => {
                return Err(SiteError::Invalid(format!(
                    "this order has seat {from} in several showtimes: name the showtime"
                )));
            }
        };
        let show = store::showtime(&self.db(), &showtime_id)?;
        let target = store::seats(&self.db(), &show, self.clock.now())?
            .into_iter()
            .find(|s| s.label == to);
        match target.map(|s| s.state) {
            None => return Err(SiteError::UnknownSeats(vec![to.to_string()])),
            Some(SeatState::Free | SeatState::Leased) => {}
            Some(_) => return Err(SiteError::SeatUnavailable(vec![to.to_string()])),
        }
        // A wheelchair place goes only to a customer who had one.
        let to_seat = [to.to_string()];
        let from_seat = [from.to_string()];
        if !store::wheelchair_places(&self.db(), &show, &to_seat)?.is_empty()
            && store::wheelchair_places(&self.db(), &show, &from_seat)?.is_empty()
        {
            return Err(SiteError::WheelchairUnconfirmed(to_seat.to_vec()));
        }

        // Secure the new seat at central, as a sale does.
        let client = self.client()?;
        let ttl = site.hold_ttl_secs;
        let hold = client
            .hold(&HoldRequest {
                showtime_id: show.id.clone(),
                seats: vec![to.to_string()],
                ttl_secs: ttl,
                replaces: None,
            })
            .await;
        let hold = hold.map_err(SiteError::from)?;

        let now = self.clock.now();
        let reference = protocol::order_reference(order_id);
        let cashier = staff.name.clone();
        let ticket_name = store::ticket_name(
            &store::prices(&self.db(), &show.price_card_id)?,
            &ticket_type,
        );
        let show_no = store::order_showtimes(&self.db(), &order_id.to_string())?
            .iter()
            .position(|id| *id == show.id)
            .unwrap_or(0);
        let ctx = PrintContext {
            site: &site,
            show: &show,
            tz: &tz,
            ticket_name: &ticket_name,
            order_id,
            order_ref: &reference,
            cashier: &cashier,
            terminal_id: &terminal_id,
            now,
            sold_at,
            show_no,
        };
        let paper = self.paper()?;
        let jobs = layout::seat_move_jobs(
            &ctx,
            (from, to),
            (&ticket_type, price_minor),
            reason,
            paper,
            &self.terminal_key()?,
        )?;
        let body = EntryBody::Reseat(Reseat {
            order_id,
            showtime_id: show.id.clone(),
            from_seat: from.to_string(),
            to_seat: to.to_string(),
            secured_by: SecuredBy::Hold {
                hold_id: hold.hold_id.clone(),
            },
            approved_by: staff.id.clone(),
            reason: reason.to_string(),
            at: now,
        });
        let entry_id = self.ids.new_id(now);
        let committed = (|| -> Result<Vec<String>> {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::move_order_seat(&tx, &order_id.to_string(), &show.id, (from, to), now)?;
            store::insert_entry(&tx, entry_id, &order_id.to_string(), &body, now)?;
            let ids = self.enqueue_jobs(&tx, &jobs, now)?;
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: "reseat",
                    staff_id: &at_counter,
                    approved_by: Some(&staff.id),
                    subject: &order_id.to_string(),
                    detail: &format!("{from} -> {to}: {reason}"),
                },
            )?;
            tx.commit()?;
            Ok(ids)
        })();
        let ids = match committed {
            Ok(ids) => ids,
            Err(e) => {
                let _ = client.release_hold(&hold.hold_id).await;
                return Err(e);
            }
        };
        tracing::info!(order = %reference, from, to, by = %staff.id, "reseat");
        let (printouts, _) = self.deliver(&jobs, &ids, &[]).await?;
        let synced = self.push_and_check(entry_id).await;
        Ok(ReseatResult {
            order_ref: reference,
            from_seat: from.to_string(),
            to_seat: to.to_string(),
            printouts,
            synced,
        })
    }
}
