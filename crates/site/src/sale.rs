//! Selling: validate, hold at central, commit locally with the outbox entry in
//! one transaction, print, then push.

use crate::api::{SaleResult, SellArgs};
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::printer::{self, JobKind, NewJob, PrinterTarget};
use crate::store::{self, StaffRow};
use crate::{ticket, time_fmt};
use domain::order::{self, OrderLine};
use jiff::Timestamp;
use protocol::{EntryBody, HoldRequest, Payment, Sale, SecuredBy, SoldSeat};
use rusqlite::{Connection, params};
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
}

impl From<&crate::api::SellPart> for SalePart {
    fn from(p: &crate::api::SellPart) -> Self {
        SalePart {
            showtime_id: p.showtime_id.clone(),
            seats: p.seats.clone(),
            ticket_type: p.ticket_type.clone(),
            hold_id: p.hold_id.clone(),
            price_override: p.price_override.clone(),
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
}

/// One part of an order, checked against the local cache and priced.
struct PreparedPart {
    show: store::ShowtimeRow,
    price: protocol::PriceEntry,
    lines: Vec<OrderLine>,
    priced: Vec<(domain::SeatArea, domain::PricedTicket)>,
    /// Per seat: leased to this terminal (sellable with no call to central).
    leased: Vec<bool>,
    price_override: Option<crate::price::ApprovedOverride>,
    selection_hold: Option<String>,
}

/// The order's showtimes, each once, in the order of its parts (the first is
/// the order's own, as `order_seats` keeps them: see [`store::order_showtimes`]).
fn distinct_shows(parts: &[PreparedPart]) -> Vec<&store::ShowtimeRow> {
    let mut shows: Vec<&store::ShowtimeRow> = Vec::new();
    for part in parts {
        if !shows.iter().any(|s| s.id == part.show.id) {
            shows.push(&part.show);
        }
    }
    shows
}

/// The payments recorded for a settled sale: card first, then cash.
fn payments(
    settled: &domain::payment::Settlement,
    card: Option<&domain::payment::CardPayment>,
) -> Vec<Payment> {
    let mut out = Vec::new();
    if let Some(c) = card.filter(|_| settled.card_applied > 0) {
        out.push(Payment {
            method: "card".into(),
            amount_minor: settled.card_applied,
            reference: Some(c.reference.trim().to_string()),
        });
    }
    if settled.cash_applied > 0 || out.is_empty() {
        out.push(Payment {
            method: "cash".into(),
            amount_minor: settled.cash_applied,
            reference: None,
        });
    }
    out
}

/// The payment lines of the receipt: cash shows what was handed over.
fn receipt_payments(
    settled: &domain::payment::Settlement,
    card: Option<&domain::payment::CardPayment>,
    tendered: i64,
) -> Vec<(String, i64, String)> {
    payments(settled, card)
        .into_iter()
        .map(|p| match p.method.as_str() {
            "card" => (
                "Card".to_string(),
                p.amount_minor,
                p.reference.unwrap_or_default(),
            ),
            _ => ("Cash".to_string(), tendered, String::new()),
        })
        .collect()
}

/// What every printout of one order shares, whatever its showtime.
struct OrderPrint<'a> {
    site: &'a store::SiteRow,
    tz: &'a jiff::tz::TimeZone,
    order_id: Uuid,
    order_ref: &'a str,
    cashier: &'a str,
    terminal_id: &'a str,
    now: Timestamp,
}

/// What each ticket is called on the receipt: the ticket type and film,
/// with the rules that priced it, or a note that a supervisor set the price.
fn receipt_descriptions(
    ticket_name: &str,
    title: &str,
    priced: &[(domain::SeatArea, domain::PricedTicket)],
    price_override: Option<&crate::price::ApprovedOverride>,
) -> Vec<String> {
    priced
        .iter()
        .map(|(_, p)| {
            let base = format!("{ticket_name} - {title}");
            if price_override.is_some() {
                format!("{base} (price override)")
            } else if p.adjustments.is_empty() {
                base
            } else {
                let rules: Vec<&str> = p.adjustments.iter().map(|a| a.name_en.as_str()).collect();
                format!("{base} ({})", rules.join(", "))
            }
        })
        .collect()
}

/// Lines printed under the receipt's totals: who set a price by hand, and why.
fn receipt_notes(
    currency: &domain::Currency,
    priced: &[(domain::SeatArea, domain::PricedTicket)],
    price_override: Option<&crate::price::ApprovedOverride>,
) -> Vec<String> {
    let Some(o) = price_override else {
        return Vec::new();
    };
    let mut list: Vec<i64> = priced.iter().map(|(_, p)| p.price_minor).collect();
    list.dedup();
    let list: Vec<String> = list.into_iter().map(|m| currency.format(m)).collect();
    vec![
        format!("PRICE OVERRIDE: {} each", currency.format(o.price_minor)),
        format!("List price {}", list.join(" / ")),
        format!("Approved by {}", o.approver.name),
        format!("Reason: {}", o.reason),
    ]
}

/// Everything the printouts of one sale share.
pub(crate) struct PrintContext<'a> {
    pub site: &'a crate::store::SiteRow,
    pub show: &'a crate::store::ShowtimeRow,
    pub tz: &'a jiff::tz::TimeZone,
    pub ticket_name: &'a str,
    pub order_id: Uuid,
    pub order_ref: &'a str,
    pub cashier: &'a str,
    pub terminal_id: &'a str,
    /// When the printout is made.
    pub now: Timestamp,
    /// The original sale time (the QR's issue time; older than `now` for a reprint).
    pub sold_at: Timestamp,
    /// Which of the order's showtimes `show` is (0 for the first, see
    /// [`store::order_showtimes`]): tickets of later ones are named
    /// `…-show2`, so one seat label in two showtimes never shares a file.
    pub show_no: usize,
}

/// The short reference printed on tickets and receipts.
pub fn order_ref(order_id: Uuid) -> String {
    let simple = order_id.simple().to_string().to_uppercase();
    format!("T{}", &simple[simple.len() - 8..])
}

impl Site {
    /// Sells for the cashier behind a session token.
    pub async fn sell(&self, args: &SellArgs) -> Result<SaleResult> {
        let staff = self.session_staff(&args.token)?;
        let override_by = match args.override_pin.as_deref().filter(|p| !p.is_empty()) {
            Some(pin) => Some(self.staff_by_pin(pin)?),
            None => None,
        };
        // The first part travels in `sell`'s own fields, the others in `more`.
        let first = crate::api::SellPart {
            showtime_id: args.showtime_id.clone(),
            seats: args.seats.clone(),
            ticket_type: args.ticket_type.clone(),
            hold_id: args.hold_id.clone(),
            price_override: args.price_override.clone(),
        };
        let parts = std::iter::once(&first)
            .chain(args.more.iter().flatten())
            .map(SalePart::from)
            .collect();
        self.sell_cash(
            &staff,
            SaleRequest {
                parts,
                tendered_minor: args.tendered_minor,
                card: args.card.as_ref().map(|c| domain::payment::CardPayment {
                    amount_minor: c.amount_minor,
                    reference: c.reference.clone(),
                }),
                id_checked: args.id_checked,
                override_by,
            },
        )
        .await
    }

    /// Checks one part against the local cache and prices it; nothing is
    /// written and central is not called.
    fn prepare_part(
        &self,
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
                self.staff_by_pin(pin)
            })?),
            None => None,
        };
        let db = self.db();
        let show = store::showtime(&db, &part.showtime_id)?;
        let settings = store::site_settings(&db)?;
        match crate::engine::sales_state(&show, &settings, now) {
            "closed" => return Err(SiteError::SalesClosed(show.id.clone())),
            "cancelled" => return Err(SiteError::ShowtimeCancelled(show.id.clone())),
            _ => {}
        }
        let prices = store::prices(&db, &show.price_card_id)?;
        let price = prices
            .into_iter()
            .find(|p| p.ticket_type == part.ticket_type)
            .ok_or_else(|| SiteError::UnknownTicketType(part.ticket_type.clone()))?;
        domain::age::ticket_allowed(&show.rating, &price.ticket_type)?;
        if domain::age::requires_id_check(&show.rating) && !req.id_checked {
            return Err(SiteError::IdCheckRequired(show.rating.clone()));
        }
        let seat_rows = store::seats(&db, &show, now)?;
        let areas: HashMap<String, domain::SeatArea> = seat_rows
            .iter()
            .map(|s| (s.label.clone(), s.area))
            .collect();
        let seats: HashMap<String, domain::SeatState> =
            seat_rows.into_iter().map(|s| (s.label, s.state)).collect();
        let unknown: Vec<String> = part
            .seats
            .iter()
            .filter(|s| !seats.contains_key(*s))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(SiteError::UnknownSeats(unknown));
        }
        let taken: Vec<String> = part
            .seats
            .iter()
            .filter(|s| {
                !matches!(
                    seats.get(*s),
                    Some(domain::SeatState::Free | domain::SeatState::Leased)
                )
            })
            .cloned()
            .collect();
        if !taken.is_empty() {
            return Err(SiteError::SeatUnavailable(taken));
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
        let leased: Vec<bool> = part
            .seats
            .iter()
            .map(|s| seats.get(s) == Some(&domain::SeatState::Leased))
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
                let h = client
                    .hold(&HoldRequest {
                        showtime_id: part.show.id.clone(),
                        seats: unleased.clone(),
                        ttl_secs: hold_ttl_secs,
                        replaces: part.selection_hold.clone(),
                    })
                    .await;
                self.note_call(&h);
                h
            } else {
                // Known offline: do not make the cashier wait for a timeout.
                Err(crate::central_client::CallError::Network(
                    "central is offline".into(),
                ))
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

    /// Sells an order: the full flow (validate, secure, commit, print, push).
    pub async fn sell_cash(&self, staff: &StaffRow, req: SaleRequest) -> Result<SaleResult> {
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
        if let Some(m) = &req.override_by
            && m.role != protocol::Role::Manager
        {
            return Err(SiteError::NotAllowed(format!(
                "{} is not a manager: only a manager can approve an offline override",
                m.name
            )));
        }
        let now = self.clock.now();
        // 1. Validate everything locally before touching central or the disk.
        let parts: Vec<PreparedPart> = req
            .parts
            .iter()
            .map(|p| self.prepare_part(p, &req, &site, &tz, now))
            .collect::<Result<_>>()?;
        // An older central would sell every seat for the first showtime.
        if distinct_shows(&parts).len() > 1 {
            let version = store::config(&self.db(), "central_api_version")?.unwrap_or_default();
            if !protocol::speaks(&version, 2) {
                return Err(SiteError::CentralTooOld);
            }
        }
        let lines: Vec<OrderLine> = parts.iter().flat_map(|p| p.lines.clone()).collect();
        let totals = order::totals(&lines, site.vat_rate_bp)?;
        let settled = domain::payment::settle(
            totals.total_minor,
            &domain::payment::Tender {
                cash_minor: req.tendered_minor,
                card: req.card.clone(),
            },
        )
        .map_err(|e| match e {
            // Say it in money, as the cashier counts it.
            domain::payment::PaymentError::ShortTender { due, tendered } => {
                SiteError::Money(domain::MoneyError::ShortTender {
                    total: site.currency.format(due),
                    tendered: site.currency.format(tendered),
                })
            }
            other => other.into(),
        })?;
        let change = settled.change;

        // 2. Secure the seats: this terminal's leased seats are already
        //    secured; any other seat needs a hold at central, or, while
        //    central is unreachable, a manager's override.
        let (secured_by, fresh_holds) = self.secure_parts(&parts, &req, site.hold_ttl_secs).await?;

        // 3. Lay out the printouts, then commit the order, its outbox entry and
        //    its print jobs in one transaction.
        let now = self.clock.now();
        let order_id = self.ids.new_id(now);
        let entry_id = self.ids.new_id(now);
        let offset = self.central_offset()?;
        let first_show = parts[0].show.id.clone();
        let overrides: Vec<&crate::price::ApprovedOverride> = parts
            .iter()
            .filter_map(|p| p.price_override.as_ref())
            .collect();
        let sale = Sale {
            order_id,
            showtime_id: first_show.clone(),
            seats: lines
                .iter()
                .map(|l| SoldSeat {
                    label: l.seat_label.clone(),
                    ticket_type: l.ticket_type.clone(),
                    price_minor: l.price_minor,
                    showtime_id: (l.showtime_id != first_show).then(|| l.showtime_id.clone()),
                })
                .collect(),
            secured_by: secured_by.clone(),
            total_minor: totals.total_minor,
            vat_minor: totals.vat_minor,
            currency: site.currency,
            payments: payments(&settled, req.card.as_ref()),
            cashier_id: staff.id.clone(),
            sold_at: now,
            sold_at_central_estimate: now + offset,
            // The first approval, with every part's reason.
            price_override: overrides.first().map(|o| protocol::PriceOverride {
                approved_by: o.approver.id.clone(),
                reason: overrides
                    .iter()
                    .map(|o| o.reason.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
        };
        let reference = order_ref(order_id);
        let terminal_id = self.config()?.terminal_id;
        let jobs = self.sale_printouts(
            &parts,
            &OrderPrint {
                site: &site,
                tz: &tz,
                order_id,
                order_ref: &reference,
                cashier: &staff.name,
                terminal_id: &terminal_id,
                now,
            },
            &receipt_payments(&settled, req.card.as_ref(), req.tendered_minor),
            change,
            totals.vat_minor,
        );
        let jobs = match jobs {
            Ok(j) => j,
            Err(e) => {
                self.release_holds(&fresh_holds).await;
                return Err(e);
            }
        };
        let job_ids = match self.commit_sale(
            &sale,
            entry_id,
            req.tendered_minor,
            change,
            site.vat_rate_bp,
            &jobs,
        ) {
            Ok(ids) => ids,
            Err(e) => {
                // Nothing was written; give the seats back.
                self.release_holds(&fresh_holds).await;
                return Err(e);
            }
        };

        self.seats_changed();
        // 4. The sale stands. Previews at once; the printer from the queue.
        let mut printouts = Vec::new();
        let mut print_errors = Vec::new();
        for (job, id) in jobs.iter().zip(&job_ids) {
            match self.preview(id) {
                Ok(p) if job.kind == JobKind::Ticket => printouts.push(p),
                Ok(_) => {}
                Err(e) => print_errors.push(format!("{}: {e}", job.name)),
            }
        }
        if self.printer_target()? == PrinterTarget::Virtual {
            self.process_print_queue().await?;
        } else {
            self.print_kick.notify_one();
        }

        // 5. Push now; if central is away the pump retries later.
        let synced = if !self.is_online() {
            false
        } else {
            match self.push_outbox().await {
                Ok(_) => self.entry_state(entry_id)? != "pending",
                Err(e) => {
                    tracing::warn!(error = %e, "push after sale failed; the sale stays queued");
                    false
                }
            }
        };
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
                reason: o.reason.clone(),
            }),
        })
    }

    fn commit_sale(
        &self,
        sale: &Sale,
        entry_id: Uuid,
        tendered: i64,
        change: i64,
        vat_rate_bp: u32,
        jobs: &[NewJob],
    ) -> Result<Vec<String>> {
        let body = serde_json::to_string(&EntryBody::Sale(sale.clone()))
            .map_err(|e| SiteError::Corrupt(format!("cannot encode sale: {e}")))?;
        let secured = serde_json::to_string(&sale.secured_by)
            .map_err(|e| SiteError::Corrupt(format!("cannot encode sale: {e}")))?;
        let mut db = self.db();
        let tx = db.transaction()?;
        let order_id = sale.order_id.to_string();
        tx.execute(
            "INSERT INTO orders (id, showtime_id, cashier_id, total_minor, vat_minor, vat_rate_bp, currency,
                                 tendered_minor, change_minor, secured_by, sold_at, sold_at_central_estimate, shift_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                     (SELECT id FROM shifts WHERE staff_id = ?3 AND closed_at IS NULL))",
            params![
                order_id, sale.showtime_id, sale.cashier_id, sale.total_minor, sale.vat_minor, vat_rate_bp,
                sale.currency.code(), tendered, change, secured, sale.sold_at.to_string(),
                sale.sold_at_central_estimate.to_string()
            ],
        )?;
        if let Some(o) = &sale.price_override {
            tx.execute(
                "UPDATE orders SET price_override_by = ?2, price_override_reason = ?3 WHERE id = ?1",
                params![order_id, o.approved_by, o.reason],
            )?;
        }
        for seat in &sale.seats {
            tx.execute(
                "INSERT INTO order_seats (order_id, showtime_id, seat_label, ticket_type, price_minor)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![order_id, seat.showtime(sale), seat.label, seat.ticket_type, seat.price_minor],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    SiteError::SeatUnavailable(vec![seat.label.clone()])
                }
                other => other.into(),
            })?;
        }
        for p in &sale.payments {
            tx.execute(
                "INSERT INTO payments (order_id, method, amount_minor, reference) VALUES (?1, ?2, ?3, ?4)",
                params![order_id, p.method, p.amount_minor, p.reference],
            )?;
        }
        for seat in &sale.seats {
            tx.execute(
                "DELETE FROM leases WHERE showtime_id = ?1 AND seat_label = ?2",
                params![seat.showtime(sale), seat.label],
            )?;
        }
        tx.execute(
            "INSERT INTO outbox (id, order_id, body, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                entry_id.to_string(),
                order_id,
                body,
                sale.sold_at.as_second()
            ],
        )?;
        let ids = printer::enqueue(&tx, self, jobs, sale.sold_at)?;
        tx.commit()?;
        Ok(ids)
    }

    /// Tickets (one per seat, each with its showtime) and the receipt of an
    /// order, encoded.
    fn sale_printouts(
        &self,
        parts: &[PreparedPart],
        order: &OrderPrint<'_>,
        payments: &[(String, i64, String)],
        change: i64,
        vat_minor: i64,
    ) -> Result<Vec<NewJob>> {
        let paper = self.paper()?;
        let mut jobs = Vec::new();
        // One receipt line per description and price: seats priced alike are counted together.
        let mut receipt_lines: Vec<(String, u32, i64)> = Vec::new();
        let mut unit: Vec<i64> = Vec::new();
        let mut notes = Vec::new();
        let mut total = 0;
        let shows = distinct_shows(parts);
        for part in parts {
            let show_no = shows.iter().position(|s| s.id == part.show.id).unwrap_or(0);
            let ctx = PrintContext {
                site: order.site,
                show: &part.show,
                tz: order.tz,
                ticket_name: &part.price.name_en,
                order_id: order.order_id,
                order_ref: order.order_ref,
                cashier: order.cashier,
                terminal_id: order.terminal_id,
                now: order.now,
                sold_at: order.now,
                show_no,
            };
            for line in &part.lines {
                jobs.push(self.ticket_printout(
                    &ctx,
                    &line.seat_label,
                    &line.ticket_type,
                    line.price_minor,
                    paper,
                    0,
                )?);
            }
            // Several showtimes: each line says which.
            let title = if shows.len() == 1 {
                part.show.title_en.clone()
            } else {
                format!(
                    "{} {}",
                    part.show.title_en,
                    time_fmt::local_hhmm(part.show.starts_at, order.tz)
                )
            };
            let descriptions = receipt_descriptions(
                &part.price.name_en,
                &title,
                &part.priced,
                part.price_override.as_ref(),
            );
            notes.extend(receipt_notes(
                &order.site.currency,
                &part.priced,
                part.price_override.as_ref(),
            ));
            for (line, desc) in part.lines.iter().zip(&descriptions) {
                total += line.price_minor;
                match receipt_lines
                    .iter()
                    .zip(&unit)
                    .position(|((d, _, _), u)| d == desc && *u == line.price_minor)
                {
                    Some(i) => {
                        receipt_lines[i].1 += 1;
                        receipt_lines[i].2 += line.price_minor;
                    }
                    None => {
                        receipt_lines.push((desc.clone(), 1, line.price_minor));
                        unit.push(line.price_minor);
                    }
                }
            }
        }
        jobs.push(ticket::receipt_job(
            &ticket::ReceiptJob {
                site: order.site,
                address: &order.site.address,
                tax_number: &order.site.tax_number,
                tz: order.tz,
                sold_at: order.now,
                order_id: order.order_id,
                order_ref: order.order_ref,
                cashier: order.cashier,
                terminal_id: order.terminal_id,
                lines: receipt_lines,
                total_minor: total,
                vat_minor,
                payments: payments.to_vec(),
                change_minor: change,
                open_drawer: payments.iter().any(|(m, _, _)| m == "Cash"),
                notes,
            },
            paper,
        )?);
        Ok(jobs)
    }

    /// One ticket of `ctx`'s order, signed and encoded; `reprint` > 0 marks the n-th reprint.
    pub(crate) fn ticket_printout(
        &self,
        ctx: &PrintContext<'_>,
        seat: &str,
        ticket_type: &str,
        price_minor: i64,
        paper: printing::Paper,
        reprint: u32,
    ) -> Result<NewJob> {
        let job = ticket::TicketJob {
            site: ctx.site,
            show: ctx.show,
            tz: ctx.tz,
            seat_label: seat,
            ticket_name: ctx.ticket_name,
            price_minor,
            order_id: ctx.order_id,
            order_ref: ctx.order_ref,
            cashier: ctx.cashier,
            terminal_id: ctx.terminal_id,
            qr_payload: self.door_code(ctx, seat, ticket_type)?,
        };
        let mut out = ticket::ticket_job(&job, paper, reprint)?;
        if ctx.show_no > 0 {
            out.name = format!("{}-show{}", out.name, ctx.show_no + 1);
        }
        Ok(out)
    }

    /// The signed door QR payload of one ticket (see `ticket_code`).
    pub(crate) fn door_code(
        &self,
        ctx: &PrintContext<'_>,
        seat: &str,
        ticket_type: &str,
    ) -> Result<String> {
        let claims = crate::ticket_code::TicketClaims {
            order_id: ctx.order_id.to_string(),
            showtime_id: ctx.show.id.clone(),
            seat: seat.to_string(),
            ticket_type: ticket_type.to_string(),
            site_id: ctx.site.id.clone(),
            terminal_id: ctx.terminal_id.to_string(),
            issued_at: ctx.sold_at.as_second(),
        };
        Ok(crate::ticket_code::sign_ticket(
            &self.terminal_key()?,
            &claims,
        ))
    }

    fn entry_state(&self, entry_id: Uuid) -> Result<String> {
        Ok(self.db().query_row(
            "SELECT state FROM outbox WHERE id = ?1",
            [entry_id.to_string()],
            |r| r.get(0),
        )?)
    }
}

/// Records central's verdict on an entry.
pub(crate) fn record_outcome(
    conn: &Connection,
    id: Uuid,
    state: &str,
    detail: Option<&str>,
    now: Timestamp,
) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET state = ?2, attempts = attempts + 1, last_error = ?3, resolved_at = ?4
         WHERE id = ?1 AND state = 'pending'",
        params![id.to_string(), state, detail, now.to_string()],
    )?;
    Ok(())
}

/// Records a failed send attempt; the entries stay pending.
pub(crate) fn record_push_failure(conn: &Connection, ids: &[Uuid], message: &str) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
    )?;
    for id in ids {
        stmt.execute(params![id.to_string(), message])?;
    }
    Ok(())
}
