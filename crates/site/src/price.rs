//! Ticket prices at the counter: a showtime's price card and its rules
//! (`domain::pricing`) applied in the site's time zone, and a supervisor's
//! price override.
//!
//! Rules compare the show's local start time and the weekday of its
//! business day (a 00:30 show belongs to the evening before), its format and
//! the seat's area. VAT stays inclusive and is computed once on the order's
//! total (`domain::order::totals`).

use crate::api::{AreaPrice, PriceAdjustment, PriceOverrideArgs, TicketTypePrice};
use crate::error::{OverrideRefusal, Result, SiteError};
pub use crate::model::ApprovedOverride;
use crate::store::{self, ShowtimeRow, SiteRow, StaffRow};
use domain::SeatArea;
use domain::pricing::{PriceCard, PricedTicket, PricingContext, PricingError, price_ticket};
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use protocol::Role;
use rusqlite::Connection;

/// Longest reason for a price override, in characters.
pub const MAX_REASON_CHARS: usize = 120;

/// Who may approve a price override.
pub const OVERRIDE_NEEDS: &str = "price overrides need a supervisor or a manager";

/// An override may lower a ticket to this share of its list price, no
/// further; below it (down to 0) only a complimentary ticket goes.
pub const OVERRIDE_FLOOR_PERCENT: i64 = 50;

/// The lowest price an override may set on a ticket listed at `list_minor`
/// (rounded up to the minor unit).
pub fn override_floor(list_minor: i64) -> i64 {
    (list_minor.max(0) * OVERRIDE_FLOOR_PERCENT + 99) / 100
}

/// Checks an approved override against the list prices of the seats it
/// prices: never above the lowest list price, never below the floor of the
/// highest (so a premium seat cannot go lower than half its own price), and
/// 0 only as a complimentary ticket.
pub fn check_override_bounds(
    o: &ApprovedOverride,
    list_minor: &[i64],
    currency: domain::Currency,
) -> std::result::Result<(), OverrideRefusal> {
    if o.complimentary {
        return if o.price_minor == 0 {
            Ok(())
        } else {
            Err(OverrideRefusal::ComplimentaryNotFree)
        };
    }
    let (Some(list), Some(highest)) = (
        list_minor.iter().copied().min(),
        list_minor.iter().copied().max(),
    ) else {
        return Ok(());
    };
    if o.price_minor > list {
        return Err(OverrideRefusal::AboveList {
            price: currency.format(o.price_minor),
            list: currency.format(list),
        });
    }
    let floor = override_floor(highest);
    if o.price_minor < floor {
        return Err(OverrideRefusal::BelowFloor {
            price: currency.format(o.price_minor),
            floor: currency.format(floor),
        });
    }
    Ok(())
}

/// How one showtime prices its tickets.
#[derive(Debug, Clone)]
pub struct ShowPricing {
    card: PriceCard,
    starts_local: DateTime,
    format: String,
    cutoff_hour: i8,
}

impl ShowPricing {
    /// The showtime's card and rules from the catalog cache.
    pub fn load(
        conn: &Connection,
        show: &ShowtimeRow,
        site: &SiteRow,
        tz: &TimeZone,
    ) -> Result<ShowPricing> {
        Ok(ShowPricing::new(
            store::price_card(conn, &show.price_card_id)?,
            show,
            site,
            tz,
        ))
    }

    /// Prices `show` with `card`.
    pub fn new(card: PriceCard, show: &ShowtimeRow, site: &SiteRow, tz: &TimeZone) -> ShowPricing {
        ShowPricing {
            card,
            starts_local: tz.to_datetime(show.starts_at),
            format: show.format.clone(),
            cutoff_hour: site.cutoff_hour,
        }
    }

    fn ctx(&self, area: SeatArea) -> PricingContext {
        PricingContext {
            starts_local: self.starts_local,
            format: self.format.clone(),
            area,
            business_day_cutoff_hour: self.cutoff_hour,
        }
    }

    /// The price of a ticket of `ticket_type` for a seat in `area`.
    pub fn price(&self, ticket_type: &str, area: SeatArea) -> Result<PricedTicket> {
        price_ticket(&self.card, ticket_type, &self.ctx(area)).map_err(|e| match e {
            PricingError::UnknownTicketType(t) => SiteError::UnknownTicketType(t),
            other => other.into(),
        })
    }

    /// The ticket types as the seat map shows them: the price for this show
    /// before seat-area rules, and the full price in each of `areas`. A type
    /// the card cannot price (a card mistake) is left out.
    pub fn ticket_type_prices(&self, areas: &[SeatArea]) -> Vec<TicketTypePrice> {
        let mut show_only = self.card.clone();
        show_only.rules.retain(|r| r.when.areas.is_empty());
        self.card
            .ticket_types
            .iter()
            .filter_map(|t| {
                let ctx = self.ctx(SeatArea::Standard);
                let show = price_ticket(&show_only, &t.code, &ctx)
                    .inspect_err(
                        |e| tracing::warn!(error = %e, "ticket type left off the seat map"),
                    )
                    .ok()?;
                let area_prices = areas
                    .iter()
                    .map(|&area| {
                        let p = self.price(&t.code, area).ok()?;
                        Some(AreaPrice {
                            area,
                            price_minor: p.price_minor,
                            adjustment_minor: p.price_minor - show.price_minor,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(TicketTypePrice {
                    code: t.code.clone(),
                    name_en: t.name_en.clone(),
                    name_ar: t.name_ar.clone(),
                    price_minor: show.price_minor,
                    base_minor: show.base_minor,
                    adjustments: adjustments(&show),
                    area_prices,
                })
            })
            .collect()
    }
}

/// The rules applied to a ticket, as the UI shows them.
pub fn adjustments(p: &PricedTicket) -> Vec<PriceAdjustment> {
    p.adjustments
        .iter()
        .map(|a| PriceAdjustment {
            code: a.code.clone(),
            name_en: a.name_en.clone(),
            name_ar: a.name_ar.clone(),
            amount_minor: a.amount_minor,
        })
        .collect()
}

/// Checks a price override before anything is sold: a price of zero or
/// more, a reason of 1 to [`MAX_REASON_CHARS`] characters, and a PIN
/// (checked by `staff_by_pin`) that belongs to a supervisor or a manager.
pub fn check_override(
    args: &PriceOverrideArgs,
    staff_by_pin: impl FnOnce(&str) -> Result<StaffRow>,
) -> Result<ApprovedOverride> {
    if args.price_minor < 0 {
        return Err(SiteError::Invalid(
            "the override price cannot be negative".into(),
        ));
    }
    let reason = args.reason.trim();
    let chars = reason.chars().count();
    if chars == 0 {
        return Err(SiteError::Invalid("a price override needs a reason".into()));
    }
    if chars > MAX_REASON_CHARS {
        return Err(SiteError::Invalid(format!(
            "the override reason is {chars} characters long; at most {MAX_REASON_CHARS}"
        )));
    }
    if args.approval.pin.trim().is_empty() {
        return Err(SiteError::Invalid(
            "a price override needs a supervisor's PIN".into(),
        ));
    }
    let approver = staff_by_pin(args.approval.pin.trim())?;
    if approver.role == Role::Cashier {
        return Err(SiteError::NotAllowed(OVERRIDE_NEEDS.into()));
    }
    Ok(ApprovedOverride {
        price_minor: args.price_minor,
        reason: reason.to_string(),
        complimentary: args.complimentary.unwrap_or(false),
        approver,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role) -> StaffRow {
        StaffRow {
            id: format!("s-{}", role.as_str()),
            name: format!("Demo {}", role.as_str()),
            role,
            pin_hash: String::new(),
        }
    }

    fn args(price: i64, reason: &str, pin: &str) -> PriceOverrideArgs {
        PriceOverrideArgs {
            price_minor: price,
            reason: reason.into(),
            complimentary: None,
            approval: crate::api::Approval { pin: pin.into() },
        }
    }

    fn approved(price: i64, complimentary: bool) -> ApprovedOverride {
        ApprovedOverride {
            price_minor: price,
            reason: "r".into(),
            complimentary,
            approver: staff(Role::Supervisor),
        }
    }

    #[test]
    fn overrides_stay_between_the_floor_and_the_list_price() {
        let aed = domain::Currency::Aed;
        let list = [75_00, 65_00];
        // Never above the lowest list price, down to half the highest.
        assert!(check_override_bounds(&approved(65_00, false), &list, aed).is_ok());
        assert!(check_override_bounds(&approved(37_50, false), &list, aed).is_ok());
        let cases = [
            (approved(65_01, false), "override.above_list"),
            (approved(9_999_999_999_900, false), "override.above_list"),
            (approved(37_49, false), "override.below_floor"),
            (approved(0, false), "override.below_floor"),
            (approved(1_00, true), "override.complimentary_not_free"),
        ];
        for (o, code) in cases {
            let err = check_override_bounds(&o, &list, aed).unwrap_err();
            assert_eq!(err.code(), code, "{o:?}");
        }
        // A comp is 0, whatever the list price.
        assert!(check_override_bounds(&approved(0, true), &list, aed).is_ok());
        // The floor rounds up: half of 0.125 OMR is 0.063.
        assert_eq!(override_floor(125), 63);
        assert_eq!(override_floor(0), 0);
    }

    #[test]
    fn overrides_need_a_reason_and_a_supervisor() {
        let by_pin = |pin: &str| match pin {
            "1111" => Ok(staff(Role::Cashier)),
            "222222" => Ok(staff(Role::Supervisor)),
            "333333" => Ok(staff(Role::Manager)),
            _ => Err(SiteError::WrongPin),
        };
        let ok = check_override(&args(2_500, "  damaged seat  ", "222222"), by_pin).unwrap();
        assert_eq!(ok.reason, "damaged seat");
        assert_eq!(ok.approver.role, Role::Supervisor);
        assert!(check_override(&args(0, "comp", "333333"), by_pin).is_ok());
        let long = "x".repeat(MAX_REASON_CHARS);
        assert!(check_override(&args(1, &long, "222222"), by_pin).is_ok());
        // Arabic counts in characters, not bytes.
        let arabic = "مقعد".repeat(30);
        assert!(check_override(&args(1, &arabic, "222222"), by_pin).is_ok());
        let cases = [
            (args(2_500, "reason", "1111"), "not_allowed"),
            (args(2_500, "", "222222"), "invalid_input"),
            (args(2_500, "   ", "222222"), "invalid_input"),
            (args(2_500, &format!("{long}x"), "222222"), "invalid_input"),
            (args(-1, "reason", "222222"), "invalid_input"),
            (args(2_500, "reason", ""), "invalid_input"),
            (args(2_500, "reason", "9999"), "wrong_pin"),
        ];
        for (a, code) in cases {
            let err = check_override(&a, by_pin).unwrap_err();
            assert_eq!(err.code(), code, "{a:?}");
        }
    }
}
