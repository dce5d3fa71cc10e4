//! Conflict tasks: an override sale (sold offline on a seat that was not
//! leased to this terminal) that central could not apply because someone
//! else had the seat. A supervisor resolves each task by reseating the
//! customer on equivalent seats (new tickets and a change slip print, and
//! the sale goes to central again on the new seats) or by refunding.
//! Central records the same task and sees its resolution.

use crate::api::{ConflictView, ResolveConflictArgs};
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::rules::layout::{self, NewJob, PrintContext};
use crate::store::{self, StaffRow};
use crate::time_fmt;
use domain::SeatState;
use jiff::Timestamp;
use protocol::{EntryBody, HoldRequest, Refund, Sale, SecuredBy, SoldSeat};
use uuid::Uuid;

impl Site {
    /// All conflict tasks, open ones first.
    pub fn conflicts(&self) -> Result<Vec<ConflictView>> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let rows = store::conflict_rows(&self.db())?;
        rows.into_iter()
            .map(
                |(order_id, taken, state, showtime_id, total, title, starts, seats)| {
                    let id: Uuid = order_id
                        .parse()
                        .map_err(|e| SiteError::Corrupt(format!("{e}")))?;
                    let starts = Timestamp::from_second(starts)
                        .map_err(|e| SiteError::Corrupt(e.to_string()))?;
                    Ok(ConflictView {
                        order_ref: protocol::order_reference(id),
                        order_id,
                        showtime_id,
                        film_title_en: title,
                        local_time: time_fmt::local_hhmm(starts, &tz),
                        seats: serde_json::from_str(&seats)
                            .map_err(|e| SiteError::Corrupt(e.to_string()))?,
                        taken: serde_json::from_str(&taken)
                            .map_err(|e| SiteError::Corrupt(e.to_string()))?,
                        total_minor: total,
                        state,
                        printouts: Vec::new(),
                    })
                },
            )
            .collect()
    }

    /// Resolves an open conflict task by reseating or refunding.
    pub async fn resolve_conflict(
        &self,
        staff: &StaffRow,
        args: &ResolveConflictArgs,
    ) -> Result<ConflictView> {
        let at_counter = staff.id.clone();
        let staff = &self.approver(
            staff,
            args.approval.as_ref(),
            false,
            "resolving a conflict needs a supervisor or a manager",
        )?;
        let order_id = self.find_order(&args.order)?;
        let open = self
            .conflicts()?
            .into_iter()
            .find(|c| c.order_id == order_id.to_string())
            .ok_or_else(|| {
                SiteError::Invalid(format!("order {} has no conflict task", args.order))
            })?;
        if open.state != "open" {
            return Err(SiteError::Invalid(format!(
                "the conflict of {} is already {}",
                open.order_ref, open.state
            )));
        }
        let printouts = match args.action.as_str() {
            "refund" => {
                self.refund_conflict(staff, &at_counter, order_id, &open)
                    .await?;
                Vec::new()
            }
            "reseat" => {
                self.reseat_conflict(staff, &at_counter, order_id, &open, &args.seats)
                    .await?
            }
            other => {
                return Err(SiteError::Invalid(format!(
                    "action '{other}' is not one of reseat, refund"
                )));
            }
        };
        let mut done = self
            .conflicts()?
            .into_iter()
            .find(|c| c.order_id == order_id.to_string())
            .ok_or_else(|| SiteError::Corrupt("conflict task vanished".into()))?;
        done.printouts = printouts;
        Ok(done)
    }

    async fn refund_conflict(
        &self,
        staff: &StaffRow,
        at_counter: &str,
        order_id: Uuid,
        task: &ConflictView,
    ) -> Result<()> {
        let now = self.clock.now();
        let site = self.site_row()?;
        let refunded = site.currency.format(task.total_minor);
        let entry_id = self.ids.new_id(now);
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            let id = order_id.to_string();
            // Every payment goes back the way it came.
            let (card, cash) = store::refundable_by_method(&tx, &id)?;
            let (vat, _, vat_back) = store::order_vat(&tx, &id)?;
            let body = EntryBody::Refund(Refund {
                order_id,
                showtime_id: task.showtime_id.clone(),
                amount_minor: task.total_minor,
                tickets: Vec::new(),
                exchanged_to: None,
                approved_by: staff.id.clone(),
                reason: format!("seats {} were already sold", task.taken.join(", ")),
                at: now,
                split: Some(protocol::RefundSplit {
                    card_minor: card,
                    cash_minor: cash,
                    exchange_minor: task.total_minor - card - cash,
                    vat_minor: vat - vat_back,
                    staff_id: at_counter.to_string(),
                }),
                business_day: None,
            });
            // Cash goes back from the drawer of the shift open now.
            let drawer = Self::money_back_shift(&tx, staff, cash)?;
            store::refund_order_rows(&tx, &id, now, drawer.as_deref())?;
            store::insert_entry(&tx, entry_id, &id, &body, now)?;
            store::resolve_conflict_task(&tx, &id, "refunded", entry_id, &staff.id, Some(now))?;
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: "conflict_refund",
                    staff_id: at_counter,
                    approved_by: Some(&staff.id),
                    subject: &id,
                    detail: &format!(
                        "seats {} were already sold; {refunded} refunded",
                        task.taken.join(", ")
                    ),
                },
            )?;
            tx.commit()?;
        }
        tracing::info!(order = %task.order_ref, by = %staff.id, "conflict refunded");
        if self.is_online()
            && let Err(e) = self.push_outbox().await
        {
            tracing::warn!(error = %e, "refund stays queued");
        }
        Ok(())
    }

    async fn reseat_conflict(
        &self,
        staff: &StaffRow,
        at_counter: &str,
        order_id: Uuid,
        task: &ConflictView,
        wanted: &[String],
    ) -> Result<Vec<crate::api::Printout>> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let now = self.clock.now();
        if store::order_showtimes(&self.db(), &order_id.to_string())?.len() > 1 {
            // Only a hold that ran out before the push can put such an order
            // in conflict (an offline override covers one showtime).
            return Err(SiteError::Invalid(
                "this order holds tickets for several showtimes: refund it and sell again".into(),
            ));
        }
        let show = store::showtime(&self.db(), &task.showtime_id)?;
        let replacements: Vec<String> = if wanted.is_empty() {
            self.best_available(&crate::api::BestAvailableArgs {
                showtime_id: show.id.clone(),
                count: task.taken.len() as u32,
                area: None,
                accessible: false,
                exclude: None,
            })?
            .seats
        } else {
            wanted.to_vec()
        };
        if replacements.len() != task.taken.len() {
            return Err(SiteError::Invalid(format!(
                "give {} new seats for {}",
                task.taken.len(),
                task.taken.join(", ")
            )));
        }
        let states: std::collections::HashMap<String, SeatState> =
            store::seats(&self.db(), &show, now)?
                .into_iter()
                .map(|s| (s.label, s.state))
                .collect();
        let unknown: Vec<String> = replacements
            .iter()
            .filter(|s| !states.contains_key(*s))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(SiteError::UnknownSeats(unknown));
        }
        let busy: Vec<String> = replacements
            .iter()
            .filter(|s| !matches!(states.get(*s), Some(SeatState::Free | SeatState::Leased)))
            .cloned()
            .collect();
        if !busy.is_empty() {
            return Err(SiteError::SeatUnavailable(busy));
        }
        // Wheelchair places go only to customers who had as many.
        let (wanted_places, had_places) = {
            let db = self.db();
            (
                store::wheelchair_places(&db, &show, &replacements)?,
                store::wheelchair_places(&db, &show, &task.taken)?,
            )
        };
        if wanted_places.len() > had_places.len() {
            return Err(SiteError::WheelchairUnconfirmed(wanted_places));
        }
        // The order's seats after the move, with their ticket types and prices.
        let old = store::order_seat_lines(&self.db(), &order_id.to_string())?;
        let mut moves = Vec::new();
        let mut next = replacements.iter();
        let seats: Vec<SoldSeat> = old
            .iter()
            .map(|(label, ticket_type, price)| {
                let label = if task.taken.contains(label) {
                    let to = next.next().cloned().unwrap_or_else(|| label.clone());
                    moves.push((label.clone(), to.clone(), ticket_type.clone(), *price));
                    to
                } else {
                    label.clone()
                };
                SoldSeat {
                    label,
                    ticket_type: ticket_type.clone(),
                    price_minor: *price,
                    showtime_id: None,
                }
            })
            .collect();
        // Every seat of the new sale must be secured again: the override sale
        // never reached central, so even the untouched seats are not yet ours.
        let to_hold: Vec<String> = seats
            .iter()
            .filter(|s| states.get(&s.label) != Some(&SeatState::Leased))
            .map(|s| s.label.clone())
            .collect();
        let client = self.client()?;
        let secured_by = if to_hold.is_empty() {
            SecuredBy::Lease
        } else {
            let hold = client
                .hold(&HoldRequest {
                    showtime_id: show.id.clone(),
                    seats: to_hold,
                    ttl_secs: site.hold_ttl_secs,
                    replaces: None,
                })
                .await;
            let hold = hold.map_err(SiteError::from)?;
            SecuredBy::Hold {
                hold_id: hold.hold_id,
            }
        };
        let (sale, cashier_id): (Sale, String) = {
            let db = self.db();
            let body = store::last_sale_entry(&db, &order_id.to_string())?;
            match serde_json::from_str::<EntryBody>(&body)
                .map_err(|e| SiteError::Corrupt(e.to_string()))?
            {
                EntryBody::Sale(s) => {
                    let cashier = s.cashier_id.clone();
                    (s, cashier)
                }
                _ => return Err(SiteError::Corrupt("sale entry expected".into())),
            }
        };
        let new_sale = Sale {
            seats: seats.clone(),
            secured_by,
            cashier_id,
            ..sale.clone()
        };
        let reference = protocol::order_reference(order_id);
        let terminal_id = self.config()?.terminal_id;
        let paper = self.paper()?;
        let key = self.terminal_key()?;
        let prices = store::prices(&self.db(), &show.price_card_id)?;
        let mut jobs: Vec<NewJob> = Vec::new();
        for (from, to, ticket_type, price) in &moves {
            let name = store::ticket_name(&prices, ticket_type);
            let ctx = PrintContext {
                site: &site,
                show: &show,
                tz: &tz,
                ticket_name: &name,
                order_id,
                order_ref: &reference,
                cashier: &staff.name,
                terminal_id: &terminal_id,
                now,
                sold_at: sale.sold_at,
                // Conflict reseats are for orders of one showtime.
                show_no: 0,
            };
            jobs.extend(layout::seat_move_jobs(
                &ctx,
                (from, to),
                (ticket_type, *price),
                "seat sold while offline",
                paper,
                &key,
            )?);
        }
        let entry_id = self.ids.new_id(now);
        let body = EntryBody::Sale(new_sale);
        let job_ids = {
            let mut db = self.db();
            let tx = db.transaction()?;
            let id = order_id.to_string();
            for (from, to, ticket_type, price) in &moves {
                store::release_seat_for_reseat(
                    &tx,
                    &id,
                    &show.id,
                    (from, to),
                    (ticket_type, *price),
                    now,
                )?;
            }
            store::insert_entry(&tx, entry_id, &id, &body, now)?;
            store::resolve_conflict_task(&tx, &id, "reseating", entry_id, &staff.id, None)?;
            let ids = self.enqueue_jobs(&tx, &jobs, now)?;
            let moved: Vec<String> = moves
                .iter()
                .map(|(f, t, _, _)| format!("{f} -> {t}"))
                .collect();
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: "conflict_reseat",
                    staff_id: at_counter,
                    approved_by: Some(&staff.id),
                    subject: &id,
                    detail: &moved.join(", "),
                },
            )?;
            tx.commit()?;
            ids
        };
        let (printouts, _) = self.deliver(&jobs, &job_ids, &[]).await?;
        tracing::info!(order = %reference, by = %staff.id, "conflict reseated");
        if let Err(e) = self.push_outbox().await {
            tracing::warn!(error = %e, "reseat stays queued");
        }
        Ok(printouts)
    }
}
