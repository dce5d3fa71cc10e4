//! Refunds at the counter: an earlier order found, some or all of its
//! tickets refunded with a supervisor's (or, once the show started, a
//! manager's) approval and a reason. Money goes back the way it came (card
//! first, by the card terminal's refund reference; then cash from the
//! drawer, which opens), a refund slip prints, the seats go back on sale and
//! the tickets stop opening the door. Online or not, the refund is one
//! outbox entry, sent exactly once after the sale it refunds.

use crate::api::{
    FindOrdersArgs, OrderSummary, OrderTicket, RefundArgs, RefundQuote, RefundQuoteArgs,
    RefundResult,
};
use crate::engine::{REFUND_NEEDS, Site};
use crate::error::{RefundRefusal, Result, SiteError};
use crate::rules::layout::{JobKind, NewJob};
use crate::rules::refund::{self, Held, RefundSlip};
use crate::store::{self, ConfigKey, OrderFilter, StaffRow};
use crate::time_fmt;
use protocol::{EntryBody, Refund, TicketRef};
use uuid::Uuid;

/// Who may approve one after.
const STARTED_REFUND_NEEDS: &str = "the show has started: only a manager can refund it";
/// Longest reason and card reference.
const MAX_REASON: usize = 120;
const MAX_CARD_REFERENCE: usize = 64;

/// A refund worked out, before it is approved and written.
struct Plan {
    order_id: Uuid,
    order_ref: String,
    chosen: Vec<Held>,
    tickets: Vec<OrderTicket>,
    whole_order_ever: bool,
    amount: i64,
    vat: i64,
    card: i64,
    cash: i64,
    started: bool,
}

impl Site {
    /// Earlier orders matching every filter given, newest first.
    pub fn find_orders(&self, args: &FindOrdersArgs) -> Result<Vec<OrderSummary>> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let mut filter = OrderFilter {
            limit: args.limit.unwrap_or(50).clamp(1, 200),
            showtime_id: clean(&args.showtime_id),
            seat: clean(&args.seat).map(|s| s.to_ascii_uppercase()),
            ..OrderFilter::default()
        };
        if let Some(text) = clean(&args.text) {
            if text.len() > 64 {
                return Err(SiteError::Invalid(
                    "search for at most 64 characters".into(),
                ));
            }
            let hex = text
                .strip_prefix(['T', 't'])
                .unwrap_or(&text)
                .to_ascii_lowercase();
            if !hex.is_empty() && hex.len() <= 8 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                filter.ref_prefix = Some(hex);
            }
            filter.card_reference = Some(text);
        }
        if let Some(day) = clean(&args.day) {
            let (from, until) =
                time_fmt::business_day_bounds(time_fmt::parse_day(&day)?, site.cutoff_hour, &tz)?;
            filter.from = Some(from.to_string());
            filter.until = Some(until.to_string());
        }
        let staff = store::staff(&self.db())?;
        let rows = store::find_orders(&self.db(), &filter)?;
        rows.into_iter()
            .map(
                |(id, sold_at, cashier, total, currency, show_id, refunded, pending)| {
                    let order_id: Uuid = id
                        .parse()
                        .map_err(|e| SiteError::Corrupt(format!("order id {id}: {e}")))?;
                    let local =
                        |t: jiff::Timestamp| tz.to_datetime(t).strftime("%d/%m %H:%M").to_string();
                    let sold: jiff::Timestamp = sold_at
                        .parse()
                        .map_err(|e| SiteError::Corrupt(format!("sale time of {id}: {e}")))?;
                    let show = store::showtime(&self.db(), &show_id).ok();
                    let db = self.db();
                    Ok(OrderSummary {
                        order_ref: protocol::order_reference(order_id),
                        sold_at_local: local(sold),
                        cashier: staff
                            .iter()
                            .find(|s| s.id == cashier)
                            .map(|s| s.name.clone())
                            .unwrap_or(cashier),
                        film_title_en: show
                            .as_ref()
                            .map(|s| s.title_en.clone())
                            .unwrap_or_default(),
                        film_title_ar: show
                            .as_ref()
                            .map(|s| s.title_ar.clone())
                            .unwrap_or_default(),
                        starts_local: show
                            .as_ref()
                            .map(|s| local(s.starts_at))
                            .unwrap_or_default(),
                        total_minor: total,
                        refunded_minor: refunded,
                        currency,
                        methods: store::order_methods(&db, &id)?,
                        tickets: store::order_tickets(&db, &id)?
                            .into_iter()
                            .map(ticket_view)
                            .collect(),
                        synced: pending == 0,
                        order_id: id,
                    })
                },
            )
            .collect()
    }

    /// What refunding these tickets would pay back, and how.
    pub fn refund_quote(&self, args: &RefundQuoteArgs) -> Result<RefundQuote> {
        let plan = self.plan_refund(&args.order, &args.seats)?;
        self.quote_of(&plan)
    }

    fn quote_of(&self, p: &Plan) -> Result<RefundQuote> {
        Ok(RefundQuote {
            order_ref: p.order_ref.clone(),
            tickets: p.tickets.clone(),
            amount_minor: p.amount,
            card_minor: p.card,
            cash_minor: p.cash,
            currency: self.site_row()?.currency.code().to_string(),
            needs: if p.started { "manager" } else { "supervisor" }.to_string(),
        })
    }

    fn plan_refund(&self, order: &str, seats: &[String]) -> Result<Plan> {
        if seats.len() > 500 {
            return Err(SiteError::Invalid("name at most 500 seats".into()));
        }
        let order_id = self.find_order(order)?;
        let id = order_id.to_string();
        let site = self.site_row()?;
        let db = self.db();
        if store::order_sale_time(&db, &id)?.is_none() {
            return Err(SiteError::UnknownOrder(order.to_string()));
        }
        if store::has_open_conflict(&db, &id)? {
            return Err(RefundRefusal::ConflictOpen.into());
        }
        let all = store::order_tickets(&db, &id)?;
        let holds: Vec<Held> = all
            .iter()
            .filter(|t| t.4 == "valid")
            .map(|t| (t.0.clone(), t.1.clone(), t.2.clone(), t.3))
            .collect();
        let refunded: Vec<(String, String)> = all
            .iter()
            .filter(|t| t.4 == "refunded")
            .map(|t| (t.0.clone(), t.1.clone()))
            .collect();
        let chosen = refund::choose_tickets(&holds, &refunded, seats)?;
        let amount = chosen.iter().try_fold(0i64, |acc, t| acc.checked_add(t.3));
        let amount = amount.ok_or_else(|| SiteError::Corrupt("refund total overflows".into()))?;
        let vat = chosen
            .iter()
            .map(|t| domain::vat::vat_included(t.3, site.vat_rate_bp))
            .sum();
        let (card_left, cash_left) = store::refundable_by_method(&db, &id)?;
        let (card, cash) = refund::split_tender(amount, card_left, cash_left);
        let now = self.clock.now();
        let mut started = false;
        for (show, ..) in &chosen {
            started |= match store::showtime(&db, show) {
                Ok(s) => s.starts_at <= now,
                // Gone from the catalog: long over.
                Err(SiteError::UnknownShowtime(_)) => true,
                Err(e) => return Err(e),
            };
        }
        let tickets = chosen
            .iter()
            .map(|t| ticket_view((t.0.clone(), t.1.clone(), t.2.clone(), t.3, "valid".into())))
            .collect();
        Ok(Plan {
            order_ref: protocol::order_reference(order_id),
            order_id,
            whole_order_ever: refunded.is_empty()
                && !all.iter().any(|t| t.4 == "moved")
                && chosen.len() == holds.len(),
            chosen,
            tickets,
            amount,
            vat,
            card,
            cash,
            started,
        })
    }

    /// Refunds tickets of an earlier order (see the module's notes).
    pub async fn refund(&self, staff: &StaffRow, args: &RefundArgs) -> Result<RefundResult> {
        let at_counter = staff.clone();
        let reason = args.reason.trim();
        if reason.is_empty() || reason.chars().count() > MAX_REASON {
            return Err(SiteError::Invalid(format!(
                "give a reason of 1 to {MAX_REASON} characters"
            )));
        }
        let plan = self.plan_refund(&args.order, &args.seats)?;
        let needs = if plan.started {
            STARTED_REFUND_NEEDS
        } else {
            REFUND_NEEDS
        };
        let approver = self.approver(staff, args.approval.as_ref(), plan.started, needs)?;
        let site = self.site_row()?;
        let card_reference = args
            .card_reference
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if plan.card > 0 {
            match card_reference {
                None => {
                    return Err(RefundRefusal::CardReferenceNeeded(
                        site.currency.format(plan.card),
                    )
                    .into());
                }
                Some(r)
                    if r.chars().count() > MAX_CARD_REFERENCE
                        || r.chars().any(char::is_control) =>
                {
                    return Err(SiteError::Invalid(format!(
                        "a card reference is at most {MAX_CARD_REFERENCE} printable characters"
                    )));
                }
                Some(_) => {}
            }
        }
        // An older central would read a list of tickets as the whole order.
        if !plan.whole_order_ever {
            let version =
                store::config(&self.db(), ConfigKey::CentralApiVersion)?.unwrap_or_default();
            if !protocol::speaks(&version, 3) {
                return Err(SiteError::CentralTooOld);
            }
        }
        let now = self.clock.now();
        let entry_id = self.ids.new_id(now);
        let refund_id = entry_id.to_string();
        let id = plan.order_id.to_string();
        let card_ref = card_reference.filter(|_| plan.card > 0);
        let tz = time_fmt::zone(&site.time_zone)?;
        let terminal_id = self.config()?.terminal_id;
        let mut lines = Vec::new();
        for (show, seat, ticket_type, price) in &plan.chosen {
            let found = store::showtime(&self.db(), show);
            let (film, name) = match found {
                Ok(s) => {
                    let prices = store::prices(&self.db(), &s.price_card_id)?;
                    (s.title_en, store::ticket_name(&prices, ticket_type))
                }
                Err(_) => (show.clone(), ticket_type.clone()),
            };
            lines.push((film, seat.clone(), name, *price));
        }
        let slip = refund::refund_slip_data(&RefundSlip {
            site: &site,
            tz: &tz,
            order_ref: &plan.order_ref,
            lines,
            amount_minor: plan.amount,
            vat_minor: plan.vat,
            card: (plan.card, card_ref),
            cash_minor: plan.cash,
            reason,
            staff: &at_counter.name,
            approver: &approver.name,
            terminal_id: &terminal_id,
            at: now,
        });
        let jobs = [NewJob {
            order_id: Some(id.clone()),
            kind: JobKind::RefundSlip,
            seat_label: None,
            bytes: printing::encode_receipt(&slip, self.paper()?, plan.cash > 0)?,
            reprint_count: 0,
            name: format!("{}-refund-{}", plan.order_ref, now.as_second()),
        }];
        let body = EntryBody::Refund(Refund {
            order_id: plan.order_id,
            showtime_id: plan.chosen.first().map(|t| t.0.clone()).unwrap_or_default(),
            amount_minor: plan.amount,
            tickets: if plan.whole_order_ever {
                Vec::new()
            } else {
                plan.chosen
                    .iter()
                    .map(|t| TicketRef {
                        showtime_id: t.0.clone(),
                        seat: t.1.clone(),
                    })
                    .collect()
            },
            approved_by: approver.id.clone(),
            reason: reason.to_string(),
            at: now,
        });
        let seats: Vec<(String, String)> = plan
            .chosen
            .iter()
            .map(|t| (t.0.clone(), t.1.clone()))
            .collect();
        let seat_list = seats
            .iter()
            .map(|s| s.1.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let job_ids = {
            let mut db = self.db();
            let tx = db.transaction()?;
            let shift = store::open_shift_id(&tx, &at_counter.id)?;
            store::insert_refund(
                &tx,
                &store::RefundRow {
                    id: &refund_id,
                    order_id: &id,
                    amount_minor: plan.amount,
                    vat_minor: plan.vat,
                    card_minor: plan.card,
                    cash_minor: plan.cash,
                    card_reference: card_ref,
                    reason,
                    staff_id: &at_counter.id,
                    approved_by: &approver.id,
                    shift_id: shift.as_deref(),
                    at: now,
                },
                &seats,
            )?;
            store::insert_entry(&tx, entry_id, &id, &body, now)?;
            let ids = self.enqueue_jobs(&tx, &jobs, now)?;
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: "refund",
                    staff_id: &at_counter.id,
                    approved_by: Some(&approver.id),
                    subject: &id,
                    detail: &format!(
                        "{seat_list}: {} (card {}, cash {}): {reason}",
                        site.currency.format(plan.amount),
                        site.currency.format(plan.card),
                        site.currency.format(plan.cash)
                    ),
                },
            )?;
            tx.commit()?;
            ids
        };
        tracing::info!(order = %plan.order_ref, seats = %seat_list, by = %approver.id, "refund");
        self.seats_changed();
        let (printouts, _) = self.deliver(&jobs, &job_ids, &[]).await?;
        let synced = self.is_online() && self.push_and_check(entry_id).await;
        Ok(RefundResult {
            quote: self.quote_of(&plan)?,
            approved_by: approver.name,
            printouts,
            synced,
        })
    }

    /// Learns the site's voided tickets from central (after the stored cursor).
    pub async fn pull_voids(&self) -> Result<u32> {
        let cfg = self.config()?;
        let client = self.client()?;
        let mut after: i64 = store::config(&self.db(), ConfigKey::VoidSeq)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut learnt = 0;
        loop {
            let page = client.voids(&cfg.site_id, after).await;
            let page = page?;
            {
                let mut db = self.db();
                let tx = db.transaction()?;
                store::store_voids(&tx, &page.voids)?;
                store::set_config(&tx, ConfigKey::VoidSeq, &page.last_seq.to_string())?;
                tx.commit()?;
            }
            learnt += page.voids.len() as u32;
            if !page.more || page.last_seq <= after {
                return Ok(learnt);
            }
            after = page.last_seq;
        }
    }
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn ticket_view(t: store::TicketRow) -> OrderTicket {
    OrderTicket {
        showtime_id: t.0,
        seat: t.1,
        ticket_type: t.2,
        price_minor: t.3,
        state: t.4,
    }
}
