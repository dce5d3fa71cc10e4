//! Ticket prices: a price card's base price per ticket type, adjusted by the
//! card's rules.
//!
//! A rule is an adjustment in minor units (negative for discounts) with a
//! condition. A condition may set a time-of-day window, weekdays, formats,
//! seat areas and ticket types; the rule applies when every part it sets
//! holds. All matching rules apply and are summed, so the price does not
//! depend on the order of the rules (the receipt lists them in card order).
//!
//! * The time window is compared with the show's local start time,
//!   `start..end` half-open; when `end` is before `start` it wraps past
//!   midnight (`22:00..02:00` holds at 23:30 and at 01:30, not at 02:00).
//! * Weekdays are those of the show's business day ([`business_day_of_local`]),
//!   so a Tuesday rule applies to the 00:30 show in the night to Wednesday.
//! * Formats match ignoring ASCII case and surrounding spaces.
//!
//! A final price below zero is an error ([`PricingError::NegativePrice`]),
//! not clamped: a card whose discounts exceed the base price is a mistake to
//! fix, and a silently free ticket would hide it. Zero is allowed.
//!
//! An order's VAT is computed once on its total, as [`crate::order::totals`]
//! does.

use crate::business_day::{DEFAULT_CUTOFF_HOUR, business_day_of_local};
use crate::order::{self, OrderError, OrderLine, OrderTotals};
use crate::seats::SeatArea;
use jiff::civil::{DateTime, Time, Weekday};
use std::collections::HashSet;

/// A ticket type and its base price on a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketType {
    /// Code, e.g. `adult`, `child`, `senior`, `student`.
    pub code: String,
    /// English name.
    pub name_en: String,
    /// Arabic name.
    pub name_ar: String,
    /// VAT-inclusive base price in minor units.
    pub price_minor: i64,
}

/// A local time-of-day window, `start..end`, wrapping past midnight when
/// `end` is before `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    /// First time inside the window.
    pub start: Time,
    /// First time after the window.
    pub end: Time,
}

impl TimeWindow {
    /// The window `start..end`.
    pub fn new(start: Time, end: Time) -> Self {
        TimeWindow { start, end }
    }

    /// Whether `t` falls inside the window.
    pub fn contains(&self, t: Time) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

/// A set of weekdays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Weekdays(u8);

impl Weekdays {
    /// No day.
    pub const NONE: Weekdays = Weekdays(0);
    /// Every day.
    pub const ALL: Weekdays = Weekdays(0b111_1111);

    /// The set of the given days.
    pub fn of(days: &[Weekday]) -> Self {
        days.iter().copied().collect()
    }

    /// This set and `day`.
    pub fn with(self, day: Weekday) -> Self {
        Weekdays(self.0 | Self::bit(day))
    }

    /// Whether `day` is in the set.
    pub fn contains(self, day: Weekday) -> bool {
        self.0 & Self::bit(day) != 0
    }

    /// Whether the set has no day.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn bit(day: Weekday) -> u8 {
        1 << day.to_monday_zero_offset()
    }
}

impl FromIterator<Weekday> for Weekdays {
    fn from_iter<I: IntoIterator<Item = Weekday>>(iter: I) -> Self {
        iter.into_iter().fold(Weekdays::NONE, Weekdays::with)
    }
}

/// When a rule applies: every part that is set must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleCondition {
    /// Show start time of day, when set.
    pub time_window: Option<TimeWindow>,
    /// Weekdays of the show's business day, when set.
    pub weekdays: Option<Weekdays>,
    /// Formats, e.g. `3D`, `IMAX`, `4DX`; empty for any.
    pub formats: Vec<String>,
    /// Seat areas; empty for any.
    pub areas: Vec<SeatArea>,
    /// Ticket type codes; empty for any.
    pub ticket_types: Vec<String>,
}

impl RuleCondition {
    /// Whether the condition holds for a ticket of `ticket_type` in `ctx`.
    pub fn matches(&self, ticket_type: &str, ctx: &PricingContext) -> bool {
        let format = ctx.format.trim();
        self.time_window
            .is_none_or(|w| w.contains(ctx.starts_local.time()))
            && self.weekdays.is_none_or(|d| {
                d.contains(
                    business_day_of_local(ctx.starts_local, ctx.business_day_cutoff_hour).weekday(),
                )
            })
            && (self.formats.is_empty()
                || self
                    .formats
                    .iter()
                    .any(|f| f.trim().eq_ignore_ascii_case(format)))
            && (self.areas.is_empty() || self.areas.contains(&ctx.area))
            && (self.ticket_types.is_empty() || self.ticket_types.iter().any(|t| t == ticket_type))
    }
}

/// A price adjustment and when it applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRule {
    /// Code, unique on the card, e.g. `tuesday`.
    pub code: String,
    /// English name for the receipt.
    pub name_en: String,
    /// Arabic name for the receipt.
    pub name_ar: String,
    /// Added to the price in minor units; negative for a discount.
    pub adjustment_minor: i64,
    /// When it applies.
    pub when: RuleCondition,
}

impl PriceRule {
    /// A rule that always applies; narrow it with the other builders.
    pub fn new(code: &str, name_en: &str, name_ar: &str, adjustment_minor: i64) -> Self {
        PriceRule {
            code: code.to_string(),
            name_en: name_en.to_string(),
            name_ar: name_ar.to_string(),
            adjustment_minor,
            when: RuleCondition::default(),
        }
    }

    /// Only for shows starting inside `start..end` (local).
    pub fn during(mut self, start: Time, end: Time) -> Self {
        self.when.time_window = Some(TimeWindow::new(start, end));
        self
    }

    /// Only on these weekdays (of the business day).
    pub fn on(mut self, days: &[Weekday]) -> Self {
        self.when.weekdays = Some(Weekdays::of(days));
        self
    }

    /// Only for these formats.
    pub fn for_formats(mut self, formats: &[&str]) -> Self {
        self.when.formats = formats.iter().map(|f| f.to_string()).collect();
        self
    }

    /// Only for seats in these areas.
    pub fn in_areas(mut self, areas: &[SeatArea]) -> Self {
        self.when.areas = areas.to_vec();
        self
    }

    /// Only for these ticket types.
    pub fn for_ticket_types(mut self, codes: &[&str]) -> Self {
        self.when.ticket_types = codes.iter().map(|c| c.to_string()).collect();
        self
    }
}

/// A price card: ticket types with base prices, and rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceCard {
    /// Card id.
    pub id: String,
    /// Ticket types sold with this card.
    pub ticket_types: Vec<TicketType>,
    /// Adjustments.
    pub rules: Vec<PriceRule>,
}

impl PriceCard {
    /// The ticket type with `code`.
    pub fn ticket_type(&self, code: &str) -> Option<&TicketType> {
        self.ticket_types.iter().find(|t| t.code == code)
    }

    /// Checks the card: unique codes, no negative base price, no empty
    /// window or weekday set, rules naming only the card's ticket types.
    pub fn validate(&self) -> Result<(), PricingError> {
        let mut codes = HashSet::new();
        for t in &self.ticket_types {
            if !codes.insert(t.code.as_str()) {
                return Err(PricingError::DuplicateTicketType(t.code.clone()));
            }
            if t.price_minor < 0 {
                return Err(PricingError::NegativeBasePrice(t.code.clone()));
            }
        }
        let mut rules = HashSet::new();
        for r in &self.rules {
            if !rules.insert(r.code.as_str()) {
                return Err(PricingError::DuplicateRule(r.code.clone()));
            }
            if r.when.time_window.is_some_and(|w| w.start == w.end) {
                return Err(PricingError::EmptyWindow(r.code.clone()));
            }
            if r.when.weekdays.is_some_and(Weekdays::is_empty) {
                return Err(PricingError::EmptyWeekdays(r.code.clone()));
            }
            if let Some(t) = r
                .when
                .ticket_types
                .iter()
                .find(|t| !codes.contains(t.as_str()))
            {
                return Err(PricingError::RuleTicketType {
                    rule: r.code.clone(),
                    ticket_type: t.clone(),
                });
            }
        }
        Ok(())
    }
}

/// What a ticket's price depends on besides its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingContext {
    /// The show's start in the site's local civil time.
    pub starts_local: DateTime,
    /// Presentation format, e.g. `2D`, `3D`, `IMAX`.
    pub format: String,
    /// Area of the seat.
    pub area: SeatArea,
    /// Hour at which the site's business day starts.
    pub business_day_cutoff_hour: i8,
}

impl PricingContext {
    /// A context with the default business day cutoff.
    pub fn new(starts_local: DateTime, format: &str, area: SeatArea) -> Self {
        PricingContext {
            starts_local,
            format: format.to_string(),
            area,
            business_day_cutoff_hour: DEFAULT_CUTOFF_HOUR,
        }
    }
}

/// A rule applied to a ticket, for the receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRule {
    /// Rule code.
    pub code: String,
    /// English name.
    pub name_en: String,
    /// Arabic name.
    pub name_ar: String,
    /// Adjustment in minor units.
    pub amount_minor: i64,
}

/// A ticket's price and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedTicket {
    /// Ticket type code.
    pub ticket_type: String,
    /// English name of the ticket type.
    pub name_en: String,
    /// Arabic name of the ticket type.
    pub name_ar: String,
    /// Base price in minor units.
    pub base_minor: i64,
    /// Rules applied, in card order.
    pub adjustments: Vec<AppliedRule>,
    /// Final VAT-inclusive price in minor units: base plus adjustments.
    pub price_minor: i64,
}

/// Why a price cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    /// The ticket type is not on the card.
    #[error("ticket type '{0}' is not on this price card")]
    UnknownTicketType(String),
    /// Two ticket types share a code.
    #[error("ticket type '{0}' is on the price card twice")]
    DuplicateTicketType(String),
    /// A base price below zero.
    #[error("ticket type '{0}' has a negative base price")]
    NegativeBasePrice(String),
    /// Two rules share a code.
    #[error("price rule '{0}' is on the price card twice")]
    DuplicateRule(String),
    /// A time window whose start equals its end.
    #[error("price rule '{0}' has an empty time window")]
    EmptyWindow(String),
    /// A weekday condition with no day.
    #[error("price rule '{0}' applies on no weekday")]
    EmptyWeekdays(String),
    /// A rule names a ticket type the card does not have.
    #[error("price rule '{rule}' names ticket type '{ticket_type}', which is not on the card")]
    RuleTicketType {
        /// Rule code.
        rule: String,
        /// The unknown ticket type.
        ticket_type: String,
    },
    /// Adjustments take the price below zero.
    #[error("the rules take the {ticket_type} price below zero ({price_minor})")]
    NegativePrice {
        /// Ticket type code.
        ticket_type: String,
        /// The negative result in minor units.
        price_minor: i128,
    },
    /// The price does not fit.
    #[error("the {0} price is too large")]
    Overflow(String),
    /// The priced order is not a valid order.
    #[error(transparent)]
    Order(#[from] OrderError),
}

impl PricingError {
    /// A stable code the UI can show and tests can match.
    pub fn code(&self) -> &'static str {
        match self {
            PricingError::UnknownTicketType(_) => "pricing.unknown_ticket_type",
            PricingError::DuplicateTicketType(_) => "pricing.duplicate_ticket_type",
            PricingError::NegativeBasePrice(_) => "pricing.negative_base_price",
            PricingError::DuplicateRule(_) => "pricing.duplicate_rule",
            PricingError::EmptyWindow(_) => "pricing.empty_window",
            PricingError::EmptyWeekdays(_) => "pricing.empty_weekdays",
            PricingError::RuleTicketType { .. } => "pricing.rule_unknown_ticket_type",
            PricingError::NegativePrice { .. } => "pricing.negative_price",
            PricingError::Overflow(_) => "pricing.overflow",
            PricingError::Order(e) => e.code(),
        }
    }
}

/// Prices one ticket of type `ticket_type` (a code on the card).
pub fn price_ticket(
    card: &PriceCard,
    ticket_type: &str,
    ctx: &PricingContext,
) -> Result<PricedTicket, PricingError> {
    card.validate()?;
    price_checked(card, ticket_type, ctx)
}

/// Prices a ticket on a card already validated.
fn price_checked(
    card: &PriceCard,
    ticket_type: &str,
    ctx: &PricingContext,
) -> Result<PricedTicket, PricingError> {
    let t = card
        .ticket_type(ticket_type)
        .ok_or_else(|| PricingError::UnknownTicketType(ticket_type.to_string()))?;
    // Summed in i128: no intermediate overflow, so rule order never matters.
    let mut sum = i128::from(t.price_minor);
    let mut adjustments = Vec::new();
    for r in card.rules.iter().filter(|r| r.when.matches(&t.code, ctx)) {
        sum += i128::from(r.adjustment_minor);
        adjustments.push(AppliedRule {
            code: r.code.clone(),
            name_en: r.name_en.clone(),
            name_ar: r.name_ar.clone(),
            amount_minor: r.adjustment_minor,
        });
    }
    if sum < 0 {
        return Err(PricingError::NegativePrice {
            ticket_type: t.code.clone(),
            price_minor: sum,
        });
    }
    let price_minor = i64::try_from(sum).map_err(|_| PricingError::Overflow(t.code.clone()))?;
    Ok(PricedTicket {
        ticket_type: t.code.clone(),
        name_en: t.name_en.clone(),
        name_ar: t.name_ar.clone(),
        base_minor: t.price_minor,
        adjustments,
        price_minor,
    })
}

/// One ticket of an order to price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRequest {
    /// Showtime of the ticket.
    pub showtime_id: String,
    /// Seat label, e.g. `F-12`.
    pub seat_label: String,
    /// Ticket type code.
    pub ticket_type: String,
    /// Show and seat facts the price depends on.
    pub ctx: PricingContext,
}

/// One priced ticket of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    /// Showtime of the ticket.
    pub showtime_id: String,
    /// Seat label.
    pub seat_label: String,
    /// The price and how it was reached.
    pub ticket: PricedTicket,
}

impl PricedLine {
    /// The order line to sell.
    pub fn order_line(&self) -> OrderLine {
        OrderLine {
            showtime_id: self.showtime_id.clone(),
            seat_label: self.seat_label.clone(),
            ticket_type: self.ticket.ticket_type.clone(),
            price_minor: self.ticket.price_minor,
        }
    }
}

/// A priced order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedOrder {
    /// The tickets, in request order.
    pub lines: Vec<PricedLine>,
    /// Total and the VAT it contains, computed once on the total.
    pub totals: OrderTotals,
}

impl PricedOrder {
    /// The order lines to sell.
    pub fn order_lines(&self) -> Vec<OrderLine> {
        self.lines.iter().map(PricedLine::order_line).collect()
    }
}

/// Prices every ticket of an order, checks the order as
/// [`crate::order::totals`] does and computes its total and VAT at
/// `vat_rate_bp`.
pub fn price_order(
    card: &PriceCard,
    requests: &[TicketRequest],
    vat_rate_bp: u32,
) -> Result<PricedOrder, PricingError> {
    card.validate()?;
    let lines = requests
        .iter()
        .map(|r| {
            Ok(PricedLine {
                showtime_id: r.showtime_id.clone(),
                seat_label: r.seat_label.clone(),
                ticket: price_checked(card, &r.ticket_type, &r.ctx)?,
            })
        })
        .collect::<Result<Vec<_>, PricingError>>()?;
    let order_lines: Vec<OrderLine> = lines.iter().map(PricedLine::order_line).collect();
    let totals = order::totals(&order_lines, vat_rate_bp)?;
    Ok(PricedOrder { lines, totals })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vat::vat_included;
    use Weekday::*;
    use jiff::civil::{date, time};
    use proptest::prelude::*;

    fn tt(code: &str, price: i64) -> TicketType {
        TicketType {
            code: code.into(),
            name_en: code.to_uppercase(),
            name_ar: format!("ar-{code}"),
            price_minor: price,
        }
    }

    fn card(rules: Vec<PriceRule>) -> PriceCard {
        PriceCard {
            id: "std".into(),
            ticket_types: vec![
                tt("adult", 5000),
                tt("child", 3500),
                tt("senior", 3000),
                tt("student", 4000),
                tt("family", 4250),
                tt("comp", 0),
            ],
            rules,
        }
    }

    fn rule(code: &str, adj: i64) -> PriceRule {
        PriceRule::new(code, code, code, adj)
    }

    fn matinee() -> PriceRule {
        rule("matinee", -500).during(time(10, 0, 0, 0), time(17, 0, 0, 0))
    }
    fn late() -> PriceRule {
        rule("late", -300).during(time(22, 0, 0, 0), time(2, 0, 0, 0))
    }
    fn tuesday() -> PriceRule {
        rule("tuesday", -1000).on(&[Tuesday])
    }
    fn weekend() -> PriceRule {
        rule("weekend", 700).on(&[Saturday, Sunday])
    }
    fn three_d() -> PriceRule {
        rule("3d", 1000).for_formats(&["3D"])
    }
    fn imax() -> PriceRule {
        rule("imax", 2000).for_formats(&["IMAX", "4DX"])
    }
    fn premium() -> PriceRule {
        rule("premium", 1500).in_areas(&[SeatArea::Premium])
    }
    fn vip() -> PriceRule {
        rule("vip", 4000).in_areas(&[SeatArea::Vip])
    }
    fn student_matinee() -> PriceRule {
        rule("student-matinee", -1000)
            .for_ticket_types(&["student"])
            .on(&[Monday, Tuesday, Wednesday, Thursday])
            .during(time(10, 0, 0, 0), time(16, 0, 0, 0))
    }

    fn all_rules() -> Vec<PriceRule> {
        vec![
            matinee(),
            late(),
            tuesday(),
            weekend(),
            three_d(),
            imax(),
            premium(),
            vip(),
            student_matinee(),
        ]
    }

    // 2026-11-24 is a Tuesday.
    fn at(day: i8, h: i8, m: i8) -> DateTime {
        date(2026, 11, day).at(h, m, 0, 0)
    }

    fn ctx(starts: DateTime, format: &str, area: SeatArea) -> PricingContext {
        PricingContext::new(starts, format, area)
    }

    fn codes(p: &PricedTicket) -> Vec<&str> {
        p.adjustments.iter().map(|a| a.code.as_str()).collect()
    }

    #[test]
    fn base_prices() {
        let c = card(vec![]);
        // Thursday evening, 2D, standard: no rule applies.
        let x = ctx(at(26, 20, 0), "2D", SeatArea::Standard);
        for (t, want) in [
            ("adult", 5000),
            ("child", 3500),
            ("senior", 3000),
            ("student", 4000),
            ("family", 4250),
            ("comp", 0),
        ] {
            let p = price_ticket(&c, t, &x).unwrap();
            assert_eq!((p.base_minor, p.price_minor), (want, want), "{t}");
            assert!(p.adjustments.is_empty());
            assert_eq!(p.name_en, t.to_uppercase());
            assert_eq!(p.name_ar, format!("ar-{t}"));
        }
    }

    /// (name, ticket type, show start, format, area, price, rules applied)
    type RuleCase = (
        &'static str,
        &'static str,
        DateTime,
        &'static str,
        SeatArea,
        i64,
        Vec<&'static str>,
    );

    #[test]
    fn each_rule_kind_table() {
        use SeatArea::*;
        let c = card(all_rules());
        #[rustfmt::skip]
        let cases: Vec<RuleCase> = vec![
            // Thursday 26th
            ("no rule", "adult", at(26, 20, 0), "2D", Standard, 5000, vec![]),
            ("matinee starts inclusive", "adult", at(26, 10, 0), "2D", Standard, 4500, vec!["matinee"]),
            ("matinee inside", "adult", at(26, 16, 59), "2D", Standard, 4500, vec!["matinee"]),
            ("matinee ends exclusive", "adult", at(26, 17, 0), "2D", Standard, 5000, vec![]),
            ("before matinee", "adult", at(26, 9, 59), "2D", Standard, 5000, vec![]),
            ("3D surcharge", "adult", at(26, 20, 0), "3D", Standard, 6000, vec!["3d"]),
            ("format ignores case and spaces", "adult", at(26, 20, 0), " imax ", Standard, 7000, vec!["imax"]),
            ("4DX shares the IMAX rule", "child", at(26, 20, 0), "4DX", Standard, 5500, vec!["imax"]),
            ("2D has no surcharge", "adult", at(26, 20, 0), "2d", Standard, 5000, vec![]),
            ("premium seat", "adult", at(26, 20, 0), "2D", Premium, 6500, vec!["premium"]),
            ("vip seat", "senior", at(26, 20, 0), "2D", Vip, 7000, vec!["vip"]),
            ("tuesday", "adult", at(24, 20, 0), "2D", Standard, 4000, vec!["tuesday"]),
            ("weekend saturday", "adult", at(28, 20, 0), "2D", Standard, 5700, vec!["weekend"]),
            ("weekend sunday", "adult", at(29, 20, 0), "2D", Standard, 5700, vec!["weekend"]),
            ("ticket-type rule only for students", "student", at(26, 11, 0), "2D", Standard, 2500, vec!["matinee", "student-matinee"]),
            ("ticket-type rule not for adults", "adult", at(26, 11, 0), "2D", Standard, 4500, vec!["matinee"]),
            ("ticket-type rule not on friday", "student", at(27, 11, 0), "2D", Standard, 3500, vec!["matinee"]),
        ];
        for (name, t, starts, format, area, want, applied) in cases {
            let p = price_ticket(&c, t, &ctx(starts, format, area)).unwrap();
            assert_eq!(p.price_minor, want, "{name}");
            assert_eq!(codes(&p), applied, "{name}");
            let sum: i64 = p.adjustments.iter().map(|a| a.amount_minor).sum();
            assert_eq!(p.base_minor + sum, p.price_minor, "{name}");
        }
    }

    #[test]
    fn wrap_around_window_table() {
        let c = card(vec![late()]);
        let cases = [
            (at(26, 21, 59), 5000),
            (at(26, 22, 0), 4700),
            (at(26, 23, 30), 4700),
            (at(27, 0, 0), 4700),
            (at(27, 1, 59), 4700),
            (at(27, 2, 0), 5000),
            (at(27, 12, 0), 5000),
        ];
        for (starts, want) in cases {
            let p = price_ticket(&c, "adult", &ctx(starts, "2D", SeatArea::Standard)).unwrap();
            assert_eq!(p.price_minor, want, "{starts}");
        }
        let w = TimeWindow::new(time(22, 0, 0, 0), time(2, 0, 0, 0));
        assert!(w.contains(time(23, 59, 59, 999_999_999)));
        assert!(!w.contains(time(2, 0, 0, 0)));
    }

    #[test]
    fn weekdays_follow_the_business_day() {
        let c = card(vec![tuesday()]);
        let cases = [
            (at(24, 6, 0), 4000),   // Tuesday morning
            (at(24, 23, 59), 4000), // Tuesday night
            (at(25, 0, 30), 4000),  // after midnight: still Tuesday's business day
            (at(25, 5, 59), 4000),
            (at(25, 6, 0), 5000), // Wednesday
            (at(24, 5, 0), 5000), // Monday's business day
        ];
        for (starts, want) in cases {
            let p = price_ticket(&c, "adult", &ctx(starts, "2D", SeatArea::Standard)).unwrap();
            assert_eq!(p.price_minor, want, "{starts}");
        }
        let mut x = ctx(at(25, 0, 30), "2D", SeatArea::Standard);
        x.business_day_cutoff_hour = 0;
        assert_eq!(price_ticket(&c, "adult", &x).unwrap().price_minor, 5000);

        let set = Weekdays::of(&[Monday, Sunday]);
        assert!(set.contains(Monday) && set.contains(Sunday) && !set.contains(Friday));
        assert!(Weekdays::NONE.is_empty());
        assert!(
            [
                Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday
            ]
            .into_iter()
            .all(|d| Weekdays::ALL.contains(d))
        );
    }

    #[test]
    fn combinations() {
        use SeatArea::*;
        let c = card(all_rules());
        // Tuesday 11:00, 3D, VIP, student: matinee, tuesday, 3d, vip, student-matinee.
        let p = price_ticket(&c, "student", &ctx(at(24, 11, 0), "3D", Vip)).unwrap();
        assert_eq!(
            codes(&p),
            ["matinee", "tuesday", "3d", "vip", "student-matinee"]
        );
        assert_eq!(p.price_minor, 4000 - 500 - 1000 + 1000 + 4000 - 1000);
        // Saturday 23:00 IMAX premium adult: late, weekend, imax, premium.
        let p = price_ticket(&c, "adult", &ctx(at(28, 23, 0), "IMAX", Premium)).unwrap();
        assert_eq!(codes(&p), ["late", "weekend", "imax", "premium"]);
        assert_eq!(p.price_minor, 5000 - 300 + 700 + 2000 + 1500);
        // Sunday 01:00 belongs to Saturday's business day: still the weekend.
        let p = price_ticket(&c, "adult", &ctx(at(29, 1, 0), "2D", Standard)).unwrap();
        assert_eq!(codes(&p), ["late", "weekend"]);
        // A single rule with several conditions needs all of them.
        let both = rule("tue-3d", -2000).on(&[Tuesday]).for_formats(&["3D"]);
        let c = card(vec![both]);
        for (starts, format, want) in [
            (at(24, 20, 0), "3D", 3000),
            (at(24, 20, 0), "2D", 5000),
            (at(26, 20, 0), "3D", 5000),
        ] {
            let p = price_ticket(&c, "adult", &ctx(starts, format, Standard)).unwrap();
            assert_eq!(p.price_minor, want, "{starts} {format}");
        }
    }

    #[test]
    fn rule_order_does_not_change_the_price() {
        let rules = all_rules();
        let contexts = [
            ctx(at(24, 11, 0), "3D", SeatArea::Vip),
            ctx(at(28, 23, 0), "IMAX", SeatArea::Premium),
            ctx(at(26, 20, 0), "2D", SeatArea::Standard),
        ];
        let forward = card(rules.clone());
        let mut reversed = rules.clone();
        reversed.reverse();
        let reversed = card(reversed);
        let mut rotated = rules;
        rotated.rotate_left(4);
        let rotated = card(rotated);
        for x in &contexts {
            for t in ["adult", "child", "senior", "student"] {
                let a = price_ticket(&forward, t, x).unwrap();
                for other in [&reversed, &rotated] {
                    let b = price_ticket(other, t, x).unwrap();
                    assert_eq!(a.price_minor, b.price_minor);
                    let mut ca = codes(&a);
                    let mut cb = codes(&b);
                    ca.sort_unstable();
                    cb.sort_unstable();
                    assert_eq!(ca, cb);
                }
            }
        }
        // No intermediate overflow either way round.
        let mut c = card(vec![rule("up", i64::MAX), rule("down", -i64::MAX)]);
        let x = ctx(at(26, 20, 0), "2D", SeatArea::Standard);
        assert_eq!(price_ticket(&c, "adult", &x).unwrap().price_minor, 5000);
        c.rules.reverse();
        assert_eq!(price_ticket(&c, "adult", &x).unwrap().price_minor, 5000);
    }

    #[test]
    fn errors_table() {
        let x = ctx(at(24, 20, 0), "2D", SeatArea::Standard);
        let with = |f: &dyn Fn(&mut PriceCard)| {
            let mut c = card(vec![tuesday()]);
            f(&mut c);
            c
        };
        let cases: Vec<(&str, PriceCard, &str, &str)> = vec![
            (
                "unknown type",
                card(vec![]),
                "imaginary",
                "pricing.unknown_ticket_type",
            ),
            (
                "type codes are exact",
                card(vec![]),
                "Adult",
                "pricing.unknown_ticket_type",
            ),
            (
                "discount below zero",
                card(vec![rule("huge", -3501).for_ticket_types(&["child"])]),
                "child",
                "pricing.negative_price",
            ),
            (
                "too large",
                card(vec![rule("a", i64::MAX), rule("b", 1)]),
                "adult",
                "pricing.overflow",
            ),
            (
                "duplicate type",
                with(&|c| c.ticket_types.push(tt("adult", 1))),
                "adult",
                "pricing.duplicate_ticket_type",
            ),
            (
                "negative base",
                with(&|c| c.ticket_types[1].price_minor = -1),
                "adult",
                "pricing.negative_base_price",
            ),
            (
                "duplicate rule",
                with(&|c| c.rules.push(tuesday())),
                "adult",
                "pricing.duplicate_rule",
            ),
            (
                "empty window",
                card(vec![
                    rule("never", 1).during(time(9, 0, 0, 0), time(9, 0, 0, 0)),
                ]),
                "adult",
                "pricing.empty_window",
            ),
            (
                "empty weekdays",
                card(vec![rule("never", 1).on(&[])]),
                "adult",
                "pricing.empty_weekdays",
            ),
            (
                "rule names an unknown type",
                card(vec![rule("kids", -1).for_ticket_types(&["kid"])]),
                "adult",
                "pricing.rule_unknown_ticket_type",
            ),
        ];
        for (name, c, t, code) in cases {
            let err = price_ticket(&c, t, &x).unwrap_err();
            assert_eq!(err.code(), code, "{name}: {err}");
        }
        // Exactly zero is a valid price.
        let c = card(vec![rule("free", -3500).for_ticket_types(&["child"])]);
        assert_eq!(price_ticket(&c, "child", &x).unwrap().price_minor, 0);
        let err = price_ticket(&card(vec![rule("huge", -5001)]), "adult", &x).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the rules take the adult price below zero (-1)"
        );
    }

    fn request(seat: &str, t: &str, x: &PricingContext) -> TicketRequest {
        TicketRequest {
            showtime_id: "s1".into(),
            seat_label: seat.into(),
            ticket_type: t.into(),
            ctx: x.clone(),
        }
    }

    #[test]
    fn order_table() {
        let c = card(all_rules());
        let std = ctx(at(24, 20, 0), "3D", SeatArea::Standard);
        let vip = ctx(at(24, 20, 0), "3D", SeatArea::Vip);
        let order = price_order(
            &c,
            &[
                request("F-1", "adult", &std),
                request("F-2", "child", &std),
                request("A-1", "adult", &vip),
            ],
            500,
        )
        .unwrap();
        // adult 5000-1000+1000, child 3500-1000+1000, vip adult 5000-1000+1000+4000
        let prices: Vec<i64> = order.lines.iter().map(|l| l.ticket.price_minor).collect();
        assert_eq!(prices, [5000, 3500, 9000]);
        assert_eq!(order.totals.total_minor, 17_500);
        assert_eq!(order.totals.vat_minor, vat_included(17_500, 500));
        assert_eq!(order.totals.vat_minor, 833);
        let lines = order.order_lines();
        assert_eq!(lines[2].seat_label, "A-1");
        assert_eq!(lines[2].price_minor, 9000);
        assert_eq!(crate::order::totals(&lines, 500).unwrap(), order.totals);

        let cases: Vec<(Vec<TicketRequest>, &str)> = vec![
            (vec![], "order.empty"),
            (
                vec![request("F-1", "adult", &std), request("F-1", "child", &std)],
                "order.duplicate_seat",
            ),
            (
                (0..51)
                    .map(|i| request(&format!("F-{i}"), "adult", &std))
                    .collect(),
                "order.too_many_tickets",
            ),
            (
                vec![request("F-1", "dog", &std)],
                "pricing.unknown_ticket_type",
            ),
        ];
        for (reqs, code) in cases {
            let err = price_order(&c, &reqs, 500).unwrap_err();
            assert_eq!(err.code(), code, "{err}");
        }
        let bad = card(vec![rule("x", 1).on(&[])]);
        let err = price_order(&bad, &[request("F-1", "adult", &std)], 500).unwrap_err();
        assert_eq!(err.code(), "pricing.empty_weekdays");
    }

    // ---- properties -------------------------------------------------------

    fn arb_rule(i: usize) -> impl Strategy<Value = PriceRule> {
        let types = ["adult", "child", "senior", "student", "family", "comp"];
        (
            -3000i64..3000,
            prop::option::of((0i8..24, 0i8..24)),
            prop::option::of(1u8..128),
            prop::sample::subsequence(vec!["2D", "3D", "IMAX"], 0..=2),
            prop::sample::subsequence(
                vec![SeatArea::Standard, SeatArea::Premium, SeatArea::Vip],
                0..=2,
            ),
            prop::sample::subsequence(types.to_vec(), 0..=2),
        )
            .prop_map(move |(adj, window, days, formats, areas, tts)| {
                let mut r = rule(&format!("r{i}"), adj)
                    .for_formats(&formats)
                    .in_areas(&areas)
                    .for_ticket_types(&tts);
                if let Some((s, e)) = window.filter(|(s, e)| s != e) {
                    r = r.during(time(s, 0, 0, 0), time(e, 0, 0, 0));
                }
                if let Some(bits) = days {
                    r.when.weekdays = Some(Weekdays(bits));
                }
                r
            })
    }

    fn arb_card() -> impl Strategy<Value = PriceCard> {
        (0usize..6).prop_flat_map(|n| (0..n).map(arb_rule).collect::<Vec<_>>().prop_map(card))
    }

    fn arb_requests() -> impl Strategy<Value = Vec<TicketRequest>> {
        let types = vec!["adult", "child", "senior", "student", "family", "comp"];
        prop::collection::vec(
            (
                prop::sample::select(types),
                1i8..=30,
                0i8..24,
                prop::sample::select(vec!["2D", "3D", "imax", "4DX"]),
                prop::sample::select(vec![SeatArea::Standard, SeatArea::Premium, SeatArea::Vip]),
            ),
            1..=12,
        )
        .prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (t, d, h, f, a))| {
                    request(
                        &format!("F-{i}"),
                        t,
                        &ctx(date(2026, 11, d).at(h, 0, 0, 0), f, a),
                    )
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn order_total_is_the_sum_of_its_tickets(c in arb_card(), reqs in arb_requests(), bp in 0u32..2000) {
            let singles: Result<Vec<PricedTicket>, PricingError> =
                reqs.iter().map(|r| price_ticket(&c, &r.ticket_type, &r.ctx)).collect();
            match (price_order(&c, &reqs, bp), singles) {
                (Ok(order), Ok(tickets)) => {
                    let sum: i64 = tickets.iter().map(|t| t.price_minor).sum();
                    prop_assert_eq!(order.totals.total_minor, sum);
                    prop_assert!(order.totals.vat_minor >= 0 && order.totals.vat_minor <= order.totals.total_minor);
                    prop_assert_eq!(order.totals.vat_minor, vat_included(sum, bp));
                    let priced: Vec<PricedTicket> = order.lines.into_iter().map(|l| l.ticket).collect();
                    prop_assert_eq!(priced, tickets.clone());
                    for t in &tickets {
                        let adj: i64 = t.adjustments.iter().map(|a| a.amount_minor).sum();
                        prop_assert_eq!(t.base_minor + adj, t.price_minor);
                        prop_assert!(t.price_minor >= 0);
                    }
                }
                (Err(e), Err(first)) => prop_assert_eq!(e, first),
                (o, s) => prop_assert!(false, "order {:?} but tickets {:?}", o, s),
            }
        }

        #[test]
        fn price_does_not_depend_on_rule_order(mut c in arb_card(), reqs in arb_requests(), rot in 0usize..6) {
            let before: Vec<_> = reqs.iter().map(|r| price_ticket(&c, &r.ticket_type, &r.ctx).map(|p| p.price_minor)).collect();
            let n = c.rules.len().max(1);
            c.rules.rotate_left(rot % n);
            c.rules.reverse();
            let after: Vec<_> = reqs.iter().map(|r| price_ticket(&c, &r.ticket_type, &r.ctx).map(|p| p.price_minor)).collect();
            prop_assert_eq!(before, after);
        }
    }
}
