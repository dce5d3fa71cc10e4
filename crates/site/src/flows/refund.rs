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
const STARTED_REFUND_NEEDS: &str =
    "the show has started or a ticket was used at the door: only a manager can refund it";
/// Longest card refund reference.
const MAX_CARD_REFERENCE: usize = 64;

/// A refund worked out, before it is approved and written.
#[derive(Debug, Clone)]
struct Plan {
    order_id: Uuid,
    order_ref: String,
    chosen: Vec<Held>,
    tickets: Vec<OrderTicket>,
    whole_order_ever: bool,
    amount: i64,
    vat: i64,
    /// What the order's payments still hold by card and in cash.
    card_left: i64,
    cash_left: i64,
    started: bool,
}

impl Plan {
    /// What goes back, `(card, cash)`, once `credit` went to a new order:
    /// card first, then cash.
    fn money_back(&self, credit: i64) -> (i64, i64) {
        let rest = (self.amount - credit).max(0);
        refund::split_tender(rest, self.card_left, self.cash_left)
    }
}

/// A refund approved and worked out: a plain refund, or the old side of an
/// exchange (whose credit is known once the new order is priced).
#[derive(Debug, Clone)]
pub struct ExchangeOut {
    plan: Plan,
    reason: String,
    at_counter: StaffRow,
    approver: StaffRow,
    card_reference: Option<String>,
}

impl ExchangeOut {
    /// What the tickets are worth.
    pub fn value_minor(&self) -> i64 {
        self.plan.amount
    }

    /// Their order's reference.
    pub fn from_ref(&self) -> &str {
        &self.plan.order_ref
    }

    /// What goes back, `(card, cash)`, once `credit` went to a new order.
    pub fn money_back(&self, credit: i64) -> (i64, i64) {
        self.plan.money_back(credit)
    }

    /// Money going back to a card needs the card terminal's reference.
    pub(crate) fn check_card_reference(
        &self,
        credit: i64,
        currency: domain::Currency,
    ) -> Result<()> {
        let (card, _) = self.money_back(credit);
        if card > 0 && self.card_reference.is_none() {
            return Err(RefundRefusal::CardReferenceNeeded(currency.format(card)).into());
        }
        Ok(())
    }
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
        // A plain refund: nothing goes to a new order.
        let (card, cash) = p.money_back(0);
        Ok(RefundQuote {
            order_ref: p.order_ref.clone(),
            tickets: p.tickets.clone(),
            amount_minor: p.amount,
            card_minor: card,
            cash_minor: cash,
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
        let db = self.db();
        if store::order_sale_time(&db, &id)?.is_none() {
            return Err(SiteError::UnknownOrder(order.to_string()));
        }
        if store::has_open_conflict(&db, &id)? {
            return Err(RefundRefusal::ConflictOpen.into());
        }
        if store::sale_unconfirmed(&db, &id)? {
            return Err(RefundRefusal::OverridePending.into());
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
        // VAT at the order's own rate; the last tickets take what is left of
        // the order's VAT, so a whole order refunded nets its VAT to zero.
        let (order_vat, rate_bp, refunded_vat) = store::order_vat(&db, &id)?;
        let vat = if chosen.len() == holds.len() {
            // Rounded per ticket before, the earlier refunds may have taken a
            // fils more than the order's VAT: never below zero.
            (order_vat - refunded_vat).max(0)
        } else {
            chosen
                .iter()
                .map(|t| domain::vat::vat_included(t.3, rate_bp))
                .sum()
        };
        let (card_left, cash_left) = store::refundable_by_method(&db, &id)?;
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
        // A ticket used at the door already: only a manager refunds it.
        for (show, seat, ..) in &chosen {
            let void = store::ticket_void(&db, &id, (show, seat))?;
            started |= void.is_some_and(|(why, _)| why == "admitted");
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
            card_left,
            cash_left,
            started,
        })
    }

    /// Refunds tickets of an earlier order (see the module's notes).
    pub async fn refund(&self, staff: &StaffRow, args: &RefundArgs) -> Result<RefundResult> {
        let out = self.approve_refund(
            staff,
            (&args.order, &args.seats),
            &args.reason,
            args.card_reference.as_deref(),
            args.approval.as_ref(),
        )?;
        // A plain refund knows now what goes back to the card.
        let cur = self.site_row()?.currency;
        out.check_card_reference(0, cur)?;
        let now = self.clock.now();
        let job = self.refund_slip(&out, None, 0, now)?;
        let entry_id = {
            let mut db = self.db();
            let tx = db.transaction()?;
            let entry_id = self.write_refund(&tx, &out, (None, 0), cur, now)?;
            let ids = self.enqueue_jobs(&tx, std::slice::from_ref(&job), now)?;
            tx.commit()?;
            (entry_id, ids)
        };
        let (entry_id, job_ids) = entry_id;
        self.seats_changed();
        let (printouts, _) = self.deliver(&[job], &job_ids, &[]).await?;
        let synced = self.is_online() && self.push_and_check(entry_id).await;
        Ok(RefundResult {
            quote: self.quote_of(&out.plan)?,
            approved_by: out.approver.name,
            printouts,
            synced,
        })
    }

    /// Works out a refund (or the old side of an exchange) and checks who
    /// approves it, its reason and card reference, and that central reads it.
    pub(crate) fn approve_refund(
        &self,
        staff: &StaffRow,
        (order, seats): (&str, &[String]),
        reason: &str,
        card_reference: Option<&str>,
        approval: Option<&crate::api::Approval>,
    ) -> Result<ExchangeOut> {
        let reason = crate::engine::stated_reason(reason)?;
        let plan = self.plan_refund(order, seats)?;
        let needs = if plan.started {
            STARTED_REFUND_NEEDS
        } else {
            REFUND_NEEDS
        };
        let approver = self.approver(staff, approval, plan.started, needs)?;
        let card_reference = card_reference.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = card_reference
            && (r.chars().count() > MAX_CARD_REFERENCE || r.chars().any(char::is_control))
        {
            return Err(SiteError::Invalid(format!(
                "a card reference is at most {MAX_CARD_REFERENCE} printable characters"
            )));
        }
        // An older central would read a list of tickets as the whole order.
        if !plan.whole_order_ever {
            let version =
                store::config(&self.db(), ConfigKey::CentralApiVersion)?.unwrap_or_default();
            if !protocol::speaks(&version, 3) {
                return Err(SiteError::CentralTooOld);
            }
        }
        Ok(ExchangeOut {
            plan,
            reason: reason.to_string(),
            at_counter: staff.clone(),
            approver,
            card_reference: card_reference.map(str::to_string),
        })
    }

    /// Writes a refund (inside the caller's transaction, so it must not
    /// take the database lock itself): its rows, its outbox entry and its
    /// audit entry. `credit` of it went to the new order `exchanged_to` (an
    /// exchange); the rest goes back the way it was paid. Returns the
    /// entry's id.
    pub(crate) fn write_refund(
        &self,
        tx: &rusqlite::Transaction<'_>,
        out: &ExchangeOut,
        (exchanged_to, credit): (Option<Uuid>, i64),
        cur: domain::Currency,
        now: jiff::Timestamp,
    ) -> Result<Uuid> {
        out.check_card_reference(credit, cur)?;
        let plan = &out.plan;
        let id = plan.order_id.to_string();
        // Worked out before central was called: the order must be as it was
        // (another screen may have refunded, or a conflict come back).
        if store::refundable_by_method(tx, &id)? != (plan.card_left, plan.cash_left) {
            return Err(RefundRefusal::OrderChanged.into());
        }
        if store::has_open_conflict(tx, &id)? {
            return Err(RefundRefusal::ConflictOpen.into());
        }
        let (card, cash) = out.money_back(credit);
        let entry_id = self.ids.new_id(now);
        let refund_id = entry_id.to_string();
        let card_ref = out.card_reference.as_deref().filter(|_| card > 0);
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
            approved_by: out.approver.id.clone(),
            reason: out.reason.clone(),
            at: now,
            exchanged_to,
            split: Some(protocol::RefundSplit {
                card_minor: card,
                cash_minor: cash,
                exchange_minor: credit,
                vat_minor: plan.vat,
                staff_id: out.at_counter.id.clone(),
            }),
            business_day: None,
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
        let shift = Self::money_back_shift(tx, &out.at_counter, cash)?;
        let exchanged_ref = exchanged_to.map(protocol::order_reference);
        store::insert_refund(
            tx,
            &store::RefundRow {
                id: &refund_id,
                order_id: &id,
                amount_minor: plan.amount,
                vat_minor: plan.vat,
                card_minor: card,
                cash_minor: cash,
                exchange: (credit, exchanged_ref.as_deref()),
                card_reference: card_ref,
                reason: &out.reason,
                staff_id: &out.at_counter.id,
                approved_by: &out.approver.id,
                shift_id: shift.as_deref(),
                at: now,
            },
            &seats,
        )?;
        store::insert_entry(tx, entry_id, &id, &body, now)?;
        let to = exchanged_ref
            .as_deref()
            .map(|r| format!(", {} to {r}", cur.format(credit)))
            .unwrap_or_default();
        self.audit(
            tx,
            &store::AuditEvent {
                action: if exchanged_to.is_some() {
                    "exchange"
                } else {
                    "refund"
                },
                staff_id: &out.at_counter.id,
                approved_by: Some(&out.approver.id),
                subject: &id,
                detail: &format!(
                    "{seat_list}: {} (card {}, cash {}{to}): {}",
                    cur.format(plan.amount),
                    cur.format(card),
                    cur.format(cash),
                    out.reason
                ),
            },
        )?;
        tracing::info!(order = %plan.order_ref, seats = %seat_list, by = %out.approver.id, "refund");
        Ok(entry_id)
    }

    /// The refund slip (an exchange slip when `credit` went to `new_ref`);
    /// the drawer opens when cash goes out.
    pub(crate) fn refund_slip(
        &self,
        out: &ExchangeOut,
        new_ref: Option<&str>,
        credit: i64,
        now: jiff::Timestamp,
    ) -> Result<NewJob> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let terminal_id = self.config()?.terminal_id;
        let plan = &out.plan;
        let (card, cash) = out.money_back(credit);
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
            exchange: new_ref.map(|r| (credit, r)),
            card: (card, out.card_reference.as_deref().filter(|_| card > 0)),
            cash_minor: cash,
            reason: &out.reason,
            staff: &out.at_counter.name,
            approver: &out.approver.name,
            terminal_id: &terminal_id,
            at: now,
        });
        Ok(NewJob {
            order_id: Some(plan.order_id.to_string()),
            kind: JobKind::RefundSlip,
            seat_label: None,
            bytes: printing::encode_receipt(&slip, self.paper()?, cash > 0)?,
            reprint_count: 0,
            // Two refunds of one order in the same second keep both previews.
            name: format!(
                "{}-refund-{}-{}",
                plan.order_ref,
                now.as_second(),
                &self.ids.new_id(now).simple().to_string()[24..]
            ),
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
