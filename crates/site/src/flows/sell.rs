//! Selling: validate against the local cache, secure the seats (lease, hold
//! at central, or a manager's override), commit the order with its outbox
//! entry and print jobs in one transaction, deliver the printouts, push.

use crate::api::{SaleResult, SellArgs};
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::link::CallError;
use crate::rules::layout::{JobKind, NewJob};
use crate::rules::plan::{
    self, OrderPrint, PreparedPart, SalePlan, SaleStamp, distinct_shows, receipt_payments,
};
use crate::rules::sales_state::{check_seats, sales_state};
use crate::store::{self, AuditEvent, ConfigKey, OrderRecord, StaffRow};
use crate::time_fmt;
use domain::order::OrderLine;
use jiff::Timestamp;
use protocol::{EntryBody, HoldRequest, Sale, SecuredBy};
use std::collections::HashMap;
use uuid::Uuid;

/// Seats of one showtime at one ticket type, within an order.
#[derive(Debug, Clone)]
pub struct SalePart {
    /// Showtime.
    pub showtime_id: String,
    /// Seats.
    pub seats: Vec<String>,
    /// Ticket type code.
    pub ticket_type: String,
    /// The hold placed while the cashier chose these seats (`hold_seats`),
    /// if any: the sale's own hold replaces it, so no seat is let go in between.
    pub hold_id: Option<String>,
    /// A supervisor's price for every ticket of the part (checked by the engine).
    pub price_override: Option<crate::api::PriceOverrideArgs>,
    /// The wheelchair places the cashier confirmed the customer needs.
    pub wheelchair_seats: Vec<String>,
}

impl From<&crate::api::SellPart> for SalePart {
    fn from(p: &crate::api::SellPart) -> Self {
        SalePart {
            showtime_id: p.showtime_id.clone(),
            seats: p.seats.clone(),
            ticket_type: p.ticket_type.clone(),
            hold_id: p.hold_id.clone(),
            price_override: p.price_override.clone(),
            wheelchair_seats: p.wheelchair_seats.clone().unwrap_or_default(),
        }
    }
}

/// A sale request from a known staff member: one or more parts paid together.
#[derive(Debug, Clone)]
pub struct SaleRequest {
    /// The order's parts (at least one; tickets for several showtimes, or
    /// several ticket types of one showtime, make several parts).
    pub parts: Vec<SalePart>,
    /// Cash handed over.
    pub tendered_minor: i64,
    /// The card part, if any.
    pub card: Option<domain::payment::CardPayment>,
    /// The cashier confirmed the customer's ID.
    pub id_checked: bool,
    /// A manager who approved selling seats that are not leased to this
    /// terminal while central is unreachable.
    pub override_by: Option<StaffRow>,
    /// The tickets this order replaces (an exchange): their value is
    /// credited, and their refund is written with the order.
    pub exchange: Option<crate::flows::refund::ExchangeOut>,
}

/// Who may approve selling unleased seats offline.
pub(crate) const OFFLINE_OVERRIDE_NEEDS: &str = "only a manager can approve an offline override";

impl Site {
    /// Sells an order for `staff` (the signed-in cashier).
    pub async fn sell(&self, staff: &StaffRow, args: &SellArgs) -> Result<SaleResult> {
        let override_by = match args
            .override_approval
            .as_ref()
            .filter(|a| !a.pin.is_empty())
        {
            Some(a) => Some(self.approver_by_pin(staff, &a.pin, true, OFFLINE_OVERRIDE_NEEDS)?),
            None => None,
        };
        let parts = args.parts.iter().map(SalePart::from).collect();
        self.sell_order(
            staff,
            SaleRequest {
                parts,
                tendered_minor: args.tendered_minor,
                card: args.card.as_ref().map(|c| domain::payment::CardPayment {
                    amount_minor: c.amount_minor,
                    reference: c.reference.clone(),
                }),
                id_checked: args.id_checked,
                override_by,
                exchange: None,
            },
        )
        .await
    }

    /// Checks one part against the local cache and prices it; nothing is
    /// written and central is not called.
    fn prepare_part(
        &self,
        staff: &StaffRow,
        part: &SalePart,
        req: &SaleRequest,
        site: &store::SiteRow,
        tz: &jiff::tz::TimeZone,
        now: Timestamp,
    ) -> Result<PreparedPart> {
        if part.seats.is_empty() {
            return Err(SiteError::Order(domain::OrderError::Empty));
        }
        let price_override = match &part.price_override {
            Some(o) => Some(crate::price::check_override(o, |pin| {
                self.approver_by_pin(staff, pin, false, crate::price::OVERRIDE_NEEDS)
            })?),
            None => None,
        };
        let db = self.db();
        let show = store::showtime(&db, &part.showtime_id)?;
        let settings = store::site_settings(&db)?;
        sales_state(&show, &settings, now).check_sellable(&show.id)?;
        let prices = store::prices(&db, &show.price_card_id)?;
        let price = prices
            .into_iter()
            .find(|p| p.ticket_type == part.ticket_type)
            .ok_or_else(|| SiteError::UnknownTicketType(part.ticket_type.clone()))?;
        domain::age::ticket_allowed(&show.rating, &price.ticket_type)?;
        if domain::age::requires_id_check(&show.rating) && !req.id_checked {
            return Err(SiteError::IdCheckRequired(show.rating.clone()));
        }
        let found = store::seat_states(&db, &show, &part.seats, now)?;
        let areas: HashMap<String, domain::SeatArea> =
            found.iter().map(|(l, (a, _))| (l.clone(), *a)).collect();
        let seats: HashMap<String, domain::SeatState> =
            found.into_iter().map(|(l, (_, s))| (l, s)).collect();
        let leased = check_seats(&part.seats, &seats)?;
        // A wheelchair place is sold as one only when the cashier confirmed it.
        let unconfirmed: Vec<String> = store::wheelchair_places(&db, &show, &part.seats)?
            .into_iter()
            .filter(|s| !part.wheelchair_seats.contains(s))
            .collect();
        if !unconfirmed.is_empty() {
            return Err(SiteError::WheelchairUnconfirmed(unconfirmed));
        }
        // Each seat at the card's price for this show and its area, unless
        // a supervisor set the price.
        let pricing = crate::price::ShowPricing::load(&db, &show, site, tz)?;
        let priced: Vec<(domain::SeatArea, domain::PricedTicket)> = part
            .seats
            .iter()
            .map(|s| {
                let area = areas.get(s).copied().unwrap_or(domain::SeatArea::Standard);
                Ok((area, pricing.price(&price.ticket_type, area)?))
            })
            .collect::<Result<_>>()?;
        if let Some(o) = &price_override {
            let list: Vec<i64> = priced.iter().map(|(_, p)| p.price_minor).collect();
            crate::price::check_override_bounds(o, &list, site.currency)?;
        }
        let lines: Vec<OrderLine> = part
            .seats
            .iter()
            .zip(&priced)
            .map(|(s, (_, p))| OrderLine {
                showtime_id: show.id.clone(),
                seat_label: s.clone(),
                ticket_type: price.ticket_type.clone(),
                price_minor: price_override
                    .as_ref()
                    .map_or(p.price_minor, |o| o.price_minor),
            })
            .collect();
        Ok(PreparedPart {
            show,
            price,
            lines,
            priced,
            leased,
            price_override,
            selection_hold: part.hold_id.clone(),
        })
    }

    /// Secures every seat that is not leased here: one hold at central per
    /// part, or, while central is unreachable, a manager's override (for an
    /// order of one showtime). Returns how the order is secured and the holds
    /// to give back if the sale fails: those that did not take over a hold
    /// the cashier placed while choosing (those seats stay held for the
    /// cashier, who may correct the order and pay again).
    async fn secure_parts(
        &self,
        parts: &[PreparedPart],
        req: &SaleRequest,
        hold_ttl_secs: u32,
    ) -> Result<(SecuredBy, Vec<String>)> {
        let client = self.client()?;
        let one_showtime = distinct_shows(parts).len() == 1;
        let mut holds: Vec<String> = Vec::new();
        let mut fresh: Vec<String> = Vec::new();
        let mut offline_unleased: Vec<String> = Vec::new();
        for part in parts {
            let unleased: Vec<String> = part
                .lines
                .iter()
                .zip(&part.leased)
                .filter(|(_, l)| !**l)
                .map(|(l, _)| l.seat_label.clone())
                .collect();
            if unleased.is_empty() {
                continue;
            }
            let hold = if self.is_online() && offline_unleased.is_empty() {
                client
                    .hold(&HoldRequest {
                        showtime_id: part.show.id.clone(),
                        seats: unleased.clone(),
                        ttl_secs: hold_ttl_secs,
                        replaces: part.selection_hold.clone(),
                    })
                    .await
            } else {
                // Known offline: do not make the cashier wait for a timeout.
                Err(CallError::Network("central is offline".into()))
            };
            match hold {
                Ok(h) => {
                    if part.selection_hold.is_none() {
                        fresh.push(h.hold_id.clone());
                    }
                    holds.push(h.hold_id);
                }
                Err(e) if e.is_retryable() => offline_unleased.extend(unleased),
                Err(e) => {
                    let err: SiteError = e.into();
                    if let SiteError::SeatUnavailable(seats) = &err {
                        store::mark_remote_taken(&self.db(), &part.show.id, seats)?;
                    }
                    self.release_holds(&fresh).await;
                    return Err(err);
                }
            }
        }
        if !offline_unleased.is_empty() {
            let refused = if !one_showtime {
                Some(SiteError::OverrideOneShowtime(offline_unleased.clone()))
            } else if req.override_by.is_none() {
                Some(SiteError::OfflineNotLeased(offline_unleased.clone()))
            } else {
                None
            };
            if let Some(err) = refused {
                self.release_holds(&fresh).await;
                return Err(err);
            }
        }
        let secured_by = match (&req.override_by, holds.first()) {
            (Some(manager), _) if !offline_unleased.is_empty() => SecuredBy::Override {
                manager_id: manager.id.clone(),
            },
            (_, Some(first)) => SecuredBy::Hold {
                hold_id: first.clone(),
            },
            _ => SecuredBy::Lease,
        };
        Ok((secured_by, fresh))
    }

    /// Gives back holds of a sale that did not happen (best effort: central
    /// lets them expire anyway).
    async fn release_holds(&self, holds: &[String]) {
        let Ok(client) = self.client() else { return };
        for h in holds {
            let _ = client.release_hold(h).await;
        }
    }

    /// Sells an order, whatever the tender (cash, card or both): the full
    /// flow (validate, secure, commit, print, push).
    pub async fn sell_order(&self, staff: &StaffRow, req: SaleRequest) -> Result<SaleResult> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        if req.tendered_minor < 0 {
            return Err(SiteError::Invalid(
                "the tendered amount cannot be negative".into(),
            ));
        }
        if req.parts.is_empty() {
            return Err(SiteError::Order(domain::OrderError::Empty));
        }
        self.check_disk()?;
        if let Some(m) = &req.override_by
            && m.role != protocol::Role::Manager
        {
            return Err(SiteError::NeedsManager(OFFLINE_OVERRIDE_NEEDS.into()));
        }
        // A sale goes into the drawer of the terminal's open shift.
        Self::drawer_shift(&self.db(), staff)?;
        let now = self.clock.now();
        // 1. Validate everything locally before touching central or the disk.
        let parts: Vec<PreparedPart> = req
            .parts
            .iter()
            .map(|p| self.prepare_part(staff, p, &req, &site, &tz, now))
            .collect::<Result<_>>()?;
        // An older central would sell every seat for the first showtime.
        if distinct_shows(&parts).len() > 1 {
            let version =
                store::config(&self.db(), ConfigKey::CentralApiVersion)?.unwrap_or_default();
            if !protocol::speaks(&version, 2) {
                return Err(SiteError::CentralTooOld);
            }
        }
        let exchange = req
            .exchange
            .as_ref()
            .map(|x| (x.value_minor(), x.from_ref()));
        let sale_plan = plan::plan_sale(
            &parts,
            &site,
            req.tendered_minor,
            req.card.as_ref(),
            exchange,
        )?;
        // An exchange's money going back to a card needs its reference: ask
        // before any seat is held.
        if let (Some(x), Some((credit, _))) = (&req.exchange, &sale_plan.credit) {
            x.check_card_reference(*credit, site.currency)?;
        }

        // 2. Secure the seats: this terminal's leased seats are already
        //    secured; any other seat needs a hold at central, or, while
        //    central is unreachable, a manager's override.
        // The order's number is taken first: nothing is held yet if that fails.
        let order_id = self.new_order_id(self.clock.now())?;
        let (secured_by, fresh_holds) = self.secure_parts(&parts, &req, site.hold_ttl_secs).await?;

        // 3. Lay out the printouts, then commit the order, its outbox entry and
        //    its print jobs in one transaction.
        let now = self.clock.now();
        let stamp = SaleStamp {
            order_id,
            cashier_id: staff.id.clone(),
            sold_at: now,
            sold_at_central_estimate: now + self.central_offset()?,
        };
        let entry_id = self.ids.new_id(now);
        let sale = plan::sale_entry(&sale_plan, &parts, &site, &stamp, secured_by.clone());
        let reference = protocol::order_reference(stamp.order_id);
        let committed = self.commit_order(
            staff,
            &parts,
            &sale_plan,
            &sale,
            entry_id,
            &OrderPrint {
                site: &site,
                tz: &tz,
                order_id: stamp.order_id,
                order_ref: &reference,
                cashier: &staff.name,
                terminal_id: &self.config()?.terminal_id,
                now,
            },
            req.tendered_minor,
            req.card.as_ref(),
            req.exchange.as_ref(),
        );
        let (jobs, job_ids) = match committed {
            Ok(c) => c,
            Err(e) => {
                // Nothing was written; give the seats back.
                self.release_holds(&fresh_holds).await;
                return Err(e);
            }
        };

        self.seats_changed();
        // 4. The sale stands. Previews at once; the printer from the queue.
        // Tickets (and an exchange's slip) to preview; the receipt prints only.
        let shown = [JobKind::Ticket, JobKind::RefundSlip];
        let (printouts, print_errors) = self.deliver(&jobs, &job_ids, &shown).await?;

        // 5. Push now; if central is away the pump retries later.
        let synced = self.is_online() && self.push_and_check(entry_id).await;
        let (lines, totals, settled) = (&sale_plan.lines, &sale_plan.totals, &sale_plan.settled);
        let (order_id, first_show, change) =
            (stamp.order_id, sale.showtime_id.clone(), settled.change);
        let overrides: Vec<&crate::model::ApprovedOverride> = parts
            .iter()
            .filter_map(|p| p.price_override.as_ref())
            .collect();
        let first = &parts[0];
        Ok(SaleResult {
            order_id: order_id.to_string(),
            order_ref: reference,
            showtime_id: first_show,
            seats: lines.iter().map(|l| l.seat_label.clone()).collect(),
            ticket_type: first.price.ticket_type.clone(),
            total_minor: totals.total_minor,
            vat_minor: totals.vat_minor,
            vat_rate_bp: site.vat_rate_bp,
            currency: site.currency.into(),
            tendered_minor: req.tendered_minor,
            change_minor: change,
            card_minor: settled.card_applied,
            synced,
            secured_by: match secured_by {
                SecuredBy::Hold { .. } => "hold",
                SecuredBy::Lease => "lease",
                SecuredBy::Override { .. } => "override",
            }
            .to_string(),
            printouts,
            print_errors,
            lines: parts
                .iter()
                .flat_map(|p| {
                    p.lines
                        .iter()
                        .zip(&p.priced)
                        .map(|(l, (area, priced))| crate::api::SaleLine {
                            showtime_id: l.showtime_id.clone(),
                            seat: l.seat_label.clone(),
                            area: *area,
                            ticket_type: l.ticket_type.clone(),
                            price_minor: l.price_minor,
                            list_price_minor: priced.price_minor,
                            adjustments: crate::price::adjustments(priced),
                        })
                })
                .collect(),
            showtimes: distinct_shows(&parts)
                .into_iter()
                .map(|show| crate::api::SaleShowtime {
                    showtime_id: show.id.clone(),
                    film_title_en: show.title_en.clone(),
                    film_title_ar: show.title_ar.clone(),
                    local_time: time_fmt::local_hhmm(show.starts_at, &tz),
                    screen: show.screen_name.clone(),
                })
                .collect(),
            price_override: overrides.first().map(|o| crate::api::PriceOverrideView {
                price_minor: o.price_minor,
                approved_by: o.approver.id.clone(),
                approved_by_name: o.approver.name.clone(),
                reason: o.stated_reason(),
            }),
        })
    }

    /// Lays out an order's printouts and commits the order, its seats and
    /// payments, its outbox entry and its print jobs in one transaction.
    #[allow(clippy::too_many_arguments)]
    fn commit_order(
        &self,
        staff: &StaffRow,
        parts: &[PreparedPart],
        sale_plan: &SalePlan,
        sale: &Sale,
        entry_id: Uuid,
        order: &OrderPrint<'_>,
        tendered_minor: i64,
        card: Option<&domain::payment::CardPayment>,
        exchange: Option<&crate::flows::refund::ExchangeOut>,
    ) -> Result<(Vec<NewJob>, Vec<String>)> {
        let mut paid = receipt_payments(&sale_plan.settled, card, tendered_minor);
        if let Some((credit, from)) = &sale_plan.credit {
            paid.retain(|(_, amount, _)| *amount > 0);
            paid.insert(0, (format!("Exchange {from}"), *credit, String::new()));
        }
        let mut jobs = plan::sale_printouts(
            parts,
            order,
            sale_plan,
            &paid,
            self.paper()?,
            &self.terminal_key()?,
        )?;
        let credit = sale_plan.credit.as_ref().map_or(0, |c| c.0);
        if let Some(x) = exchange {
            jobs.push(self.refund_slip(x, Some(order.order_ref), credit, order.now)?);
        }
        let order_id = sale.order_id.to_string();
        let mut db = self.db();
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // The drawer again: its shift may have closed, and another opened,
        // while the seats were secured.
        let shift_id = Self::drawer_shift(&tx, staff)?;
        store::insert_order(
            &tx,
            &OrderRecord {
                sale,
                tendered_minor,
                change_minor: sale_plan.settled.change,
                vat_rate_bp: order.site.vat_rate_bp,
                shift_id: &shift_id,
            },
        )?;
        store::insert_entry(
            &tx,
            entry_id,
            &order_id,
            &EntryBody::Sale(sale.clone()),
            sale.sold_at,
        )?;
        // Prices set by hand (each part with its own approver) and offline
        // overrides go on the audit trail.
        for part in parts {
            let Some(o) = &part.price_override else {
                continue;
            };
            let labels: Vec<&str> = part.lines.iter().map(|l| l.seat_label.as_str()).collect();
            let detail = format!(
                "{} {}: {} each: {}",
                part.show.id,
                labels.join(", "),
                sale.currency.format(o.price_minor),
                o.reason
            );
            self.audit(
                &tx,
                &AuditEvent {
                    action: if o.complimentary {
                        "complimentary"
                    } else {
                        "price_override"
                    },
                    staff_id: &sale.cashier_id,
                    approved_by: Some(&o.approver.id),
                    subject: &order_id,
                    detail: &detail,
                },
            )?;
        }
        if let SecuredBy::Override { manager_id } = &sale.secured_by {
            let seats: Vec<&str> = sale.seats.iter().map(|s| s.label.as_str()).collect();
            let detail = format!("offline, seats not leased here: {}", seats.join(", "));
            self.audit(
                &tx,
                &AuditEvent {
                    action: "offline_override",
                    staff_id: &sale.cashier_id,
                    approved_by: Some(manager_id),
                    subject: &order_id,
                    detail: &detail,
                },
            )?;
        }
        // An exchange: the old tickets' refund, in the same transaction, after
        // the sale's entry (central applies them in this order).
        if let Some(x) = exchange {
            let to = (Some(sale.order_id), credit);
            self.write_refund(&tx, x, to, order.site.currency, order.now)?;
        }
        let ids = self.enqueue_jobs(&tx, &jobs, sale.sold_at)?;
        tx.commit()?;
        Ok((jobs, ids))
    }
}
