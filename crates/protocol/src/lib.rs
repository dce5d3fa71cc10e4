//! Central API v1: the wire types exchanged between terminals and central.
//!
//! Every path lives under `/v1`. Timestamps are RFC 3339 in UTC, money is
//! integer minor units with an explicit currency, ids are strings (entry ids
//! are UUIDv7). Errors are [`ApiError`] bodies with a stable `code`.

use domain::{Country, Currency, SeatArea, SeatKind, SeatState};
use jiff::Timestamp;
use schemars::JsonSchema;
pub mod compression;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// API version prefix.
pub const API_PREFIX: &str = "/v1";

/// Version of the API v1 contract (`info.version` of `docs/api/openapi.json`).
///
/// Within v1 changes are additive only: a new optional field (with a serde
/// default) or a new endpoint bumps the minor number; a breaking change is a
/// new prefix (`/v2`) served beside `/v1`. See `docs/api/README.md`.
pub const API_VERSION: &str = "1.8.0";

/// Schema of a [`Timestamp`] on the wire (jiff writes RFC 3339 in UTC).
struct Rfc3339;

impl JsonSchema for Rfc3339 {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        "jiff::Timestamp".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "description": "An instant, RFC 3339 in UTC, e.g. `2025-03-01T18:30:00Z`.",
        })
    }
}

/// Header carrying the calling terminal's id.
pub const TERMINAL_HEADER: &str = "x-boxoffice-terminal";

/// Header carrying the calling web channel's id (API 1.6), with its key as
/// `Authorization: Bearer <key>`.
pub const WEB_CHANNEL_HEADER: &str = "x-boxoffice-web-channel";

/// An error body: a stable machine code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApiError {
    /// Stable code, e.g. `seat_unavailable`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Seats concerned, when the error is about seats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seats: Vec<String>,
}

/// A site and its terminals, as listed for central IT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SiteInfo {
    /// Site id, e.g. `dxb-marina`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Name of the chain, printed on tickets.
    pub chain_name: String,
    /// Country (VAT rules).
    pub country: Country,
    /// Site currency.
    pub currency: Currency,
    /// IANA time zone, e.g. `Asia/Dubai`.
    pub time_zone: String,
    /// VAT rate in basis points.
    pub vat_rate_bp: u32,
    /// Street address (printed on receipts).
    pub address: String,
    /// Tax registration number (printed on receipts).
    pub tax_number: String,
    /// Business day cutoff hour (local).
    pub business_day_cutoff_hour: i8,
    /// Terminal ids of this site.
    pub terminals: Vec<String>,
    /// Each terminal's number (API 1.6), which its order references carry:
    /// see [`with_order_tail`].
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub terminal_numbers: std::collections::BTreeMap<String, u32>,
    /// The site's logo for tickets (PNG, base64), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_png_b64: Option<String>,
}

/// A film.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Film {
    /// Film id.
    pub id: String,
    /// English title.
    pub title_en: String,
    /// Arabic title.
    pub title_ar: String,
    /// Age rating, e.g. `PG13`, `18+`.
    pub rating: String,
    /// Running time in minutes.
    pub runtime_min: u32,
}

/// One seat of a screen's layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeatDef {
    /// Label printed on tickets, e.g. `F-12`.
    pub label: String,
    /// Row name, e.g. `F`.
    pub row: String,
    /// Seat number within the row.
    pub number: u32,
    /// Column in the layout grid (aisles are gaps).
    pub x: u32,
    /// Row position in the layout grid; 0 is nearest the screen.
    pub y: u32,
    /// Area.
    pub area: SeatArea,
    /// Kind.
    pub kind: SeatKind,
    /// Permanently blocked (broken or house seat).
    #[serde(default)]
    pub blocked: bool,
}

/// An auditorium.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Screen {
    /// Screen id.
    pub id: String,
    /// Display name, e.g. `Screen 1`.
    pub name: String,
    /// Seats.
    pub seats: Vec<SeatDef>,
}

/// One screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Showtime {
    /// Showtime id.
    pub id: String,
    /// Film shown.
    pub film_id: String,
    /// Screen used.
    pub screen_id: String,
    /// Start instant.
    #[schemars(with = "Rfc3339")]
    pub starts_at: Timestamp,
    /// Presentation format, e.g. `2D`, `3D`, `IMAX`.
    pub format: String,
    /// Price card applied.
    pub price_card_id: String,
    /// Cancelled by the chain: shown, never sold.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
}

/// A ticket type's price on a price card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PriceEntry {
    /// Ticket type code, e.g. `adult`.
    pub ticket_type: String,
    /// English name.
    pub name_en: String,
    /// Arabic name.
    pub name_ar: String,
    /// VAT-inclusive price in minor units of the site currency.
    pub price_minor: i64,
}

/// A price card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PriceCard {
    /// Price card id.
    pub id: String,
    /// Prices per ticket type.
    pub prices: Vec<PriceEntry>,
    /// Adjustments to the prices (API 1.1; absent from older centrals: flat prices).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<PriceRuleWire>,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    /// Every day, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    /// The civil weekday.
    pub fn civil(self) -> jiff::civil::Weekday {
        use jiff::civil::Weekday as W;
        match self {
            Weekday::Monday => W::Monday,
            Weekday::Tuesday => W::Tuesday,
            Weekday::Wednesday => W::Wednesday,
            Weekday::Thursday => W::Thursday,
            Weekday::Friday => W::Friday,
            Weekday::Saturday => W::Saturday,
            Weekday::Sunday => W::Sunday,
        }
    }
}

/// A plain string enum of the names (a derive would make a `oneOf` of `const`s).
impl JsonSchema for Weekday {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Weekday".into()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        "protocol::Weekday".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Weekday::ALL.map(Weekday::as_str).to_vec();
        schemars::json_schema!({
            "type": "string",
            "description": "A day of the week.",
            "enum": names,
        })
    }
}

/// A local time-of-day window for a price rule, compared with the show's
/// local start: `start` inclusive, `end` exclusive; when `end` is before
/// `start` it wraps past midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RuleTimeWindow {
    /// First local start time inside the window, `HH:MM`.
    pub start: String,
    /// First local start time after the window, `HH:MM`.
    pub end: String,
}

/// A price rule: an adjustment and when it applies. Every condition that is
/// set must hold; matching rules are summed onto the ticket type's price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PriceRuleWire {
    /// Code, unique on the card, e.g. `matinee`.
    pub code: String,
    /// English name (receipts).
    pub name_en: String,
    /// Arabic name (receipts).
    pub name_ar: String,
    /// Added to the price in minor units; negative for a discount.
    pub adjustment_minor: i64,
    /// Only for shows starting inside this local window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_window: Option<RuleTimeWindow>,
    /// Only on these weekdays of the show's business day; any day when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<Weekday>,
    /// Only for these formats (`3D`, `IMAX`...); any when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formats: Vec<String>,
    /// Only for seats in these areas; any when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<SeatArea>,
    /// Only for these ticket types; any when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ticket_types: Vec<String>,
}

/// Parses a local `HH:MM` time of day.
pub fn parse_hhmm(text: &str) -> Option<jiff::civil::Time> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    jiff::civil::Time::new(h, m, 0, 0).ok()
}

impl PriceRuleWire {
    /// The domain rule; an error names what does not parse.
    pub fn to_domain(&self) -> Result<domain::pricing::PriceRule, String> {
        use domain::pricing::{RuleCondition, TimeWindow, Weekdays};
        let time_window = match &self.time_window {
            None => None,
            Some(w) => {
                let parse = |t: &str| {
                    parse_hhmm(t).ok_or_else(|| {
                        format!("price rule '{}': '{t}' is not a time (HH:MM)", self.code)
                    })
                };
                Some(TimeWindow::new(parse(&w.start)?, parse(&w.end)?))
            }
        };
        Ok(domain::pricing::PriceRule {
            code: self.code.clone(),
            name_en: self.name_en.clone(),
            name_ar: self.name_ar.clone(),
            adjustment_minor: self.adjustment_minor,
            when: RuleCondition {
                time_window,
                weekdays: (!self.weekdays.is_empty()).then(|| {
                    self.weekdays
                        .iter()
                        .map(|d| d.civil())
                        .collect::<Weekdays>()
                }),
                formats: self.formats.clone(),
                areas: self.areas.clone(),
                ticket_types: self.ticket_types.clone(),
            },
        })
    }
}

impl PriceCard {
    /// The domain card (base prices and rules); an error names what does not parse.
    pub fn to_domain(&self) -> Result<domain::pricing::PriceCard, String> {
        Ok(domain::pricing::PriceCard {
            id: self.id.clone(),
            ticket_types: self
                .prices
                .iter()
                .map(|p| domain::pricing::TicketType {
                    code: p.ticket_type.clone(),
                    name_en: p.name_en.clone(),
                    name_ar: p.name_ar.clone(),
                    price_minor: p.price_minor,
                })
                .collect(),
            rules: self
                .rules
                .iter()
                .map(PriceRuleWire::to_domain)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sells and prints.
    Cashier,
    /// Approves refunds, voids and price overrides.
    Supervisor,
    /// Runs reports and overrides.
    Manager,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Cashier, Role::Supervisor, Role::Manager];

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Supervisor => "supervisor",
            Role::Manager => "manager",
        }
    }
    /// Parses the lower-case name.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "cashier" => Some(Role::Cashier),
            "supervisor" => Some(Role::Supervisor),
            "manager" => Some(Role::Manager),
            _ => None,
        }
    }
}

/// A plain string enum of the names (a derive would make a `oneOf` of `const`s).
impl JsonSchema for Role {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Role".into()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        "protocol::Role".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Role::ALL.map(Role::as_str).to_vec();
        schemars::json_schema!({
            "type": "string",
            "description": "A staff role: `cashier` sells and prints, `supervisor` also approves \
                refunds, voids and price overrides, `manager` also runs reports and overrides.",
            "enum": names,
        })
    }
}

/// A staff member allowed on this site's terminals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StaffMember {
    /// Staff id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string of the PIN.
    pub pin_hash: String,
}

/// Everything a terminal needs to sell at its site: `GET /v1/sites/{site}/catalog`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Catalog {
    /// The site.
    pub site: SiteInfo,
    /// Films shown at the site.
    pub films: Vec<Film>,
    /// Screens with their layouts.
    pub screens: Vec<Screen>,
    /// Showtimes from the start of yesterday's business day on.
    pub showtimes: Vec<Showtime>,
    /// Price cards.
    pub price_cards: Vec<PriceCard>,
    /// Staff.
    pub staff: Vec<StaffMember>,
    /// Hold time-to-live in seconds.
    pub hold_ttl_secs: u32,
    /// Counter settings of the site.
    #[serde(default)]
    pub settings: SiteSettings,
    /// A digest of everything above: pass it back as `known` to learn cheaply
    /// that nothing changed.
    #[serde(default)]
    pub version: String,
    /// The API version central speaks ([`API_VERSION`], from 1.2); empty from
    /// an older central. Terminals send orders spanning several showtimes only
    /// to a central of 1.2 or later.
    #[serde(default)]
    pub api_version: String,
}

/// Whether an API version (`1.MINOR.PATCH`) is at least `1.minor`.
pub fn speaks(api_version: &str, minor: u32) -> bool {
    let mut parts = api_version.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(1), Some(m)) => m >= minor,
        (Some(major), Some(_)) => major > 1,
        _ => false,
    }
}

/// Counter settings central sets per site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SiteSettings {
    /// Minutes after the start at which counter sales close.
    pub sales_close_after_min: u32,
    /// Share of sellable seats, in basis points, from which a show counts as almost full.
    pub almost_full_bp: u32,
    /// How leases for offline selling are sized and returned.
    pub lease_policy: LeasePolicy,
    /// Seconds without a touch after which the counter locks (from API 1.5;
    /// 30 to 3,600).
    #[serde(default = "default_idle_lock_secs")]
    pub idle_lock_secs: u32,
    /// Hours after which a sign-in expires whatever its use (from API 1.5;
    /// 1 to 24).
    #[serde(default = "default_session_hours")]
    pub session_hours: u32,
}

fn default_idle_lock_secs() -> u32 {
    180
}

fn default_session_hours() -> u32 {
    12
}

impl SiteSettings {
    /// Bounds for [`SiteSettings::idle_lock_secs`].
    pub const IDLE_LOCK_SECS: std::ops::RangeInclusive<u32> = 30..=3_600;
    /// Bounds for [`SiteSettings::session_hours`].
    pub const SESSION_HOURS: std::ops::RangeInclusive<u32> = 1..=24;

    /// The idle lock within its bounds (a settings row typed by hand can be off).
    pub fn idle_lock(&self) -> u32 {
        self.idle_lock_secs.clamp(30, 3_600)
    }

    /// The session lifetime in hours within its bounds.
    pub fn session_lifetime_hours(&self) -> u32 {
        self.session_hours.clamp(1, 24)
    }
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            sales_close_after_min: 15,
            almost_full_bp: 9_000,
            lease_policy: LeasePolicy::default(),
            idle_lock_secs: default_idle_lock_secs(),
            session_hours: default_session_hours(),
        }
    }
}

/// How many seats a terminal keeps leased per showtime, and for how long.
///
/// A terminal's target for a showtime is `share_bp` of its sellable seats,
/// at least `floor` and at most `ceiling`, never more than what is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LeasePolicy {
    /// Share of the screen's sellable seats, in basis points.
    pub share_bp: u32,
    /// Fewest seats to lease when that many are free.
    pub floor: u32,
    /// Most seats to lease per terminal and showtime.
    pub ceiling: u32,
    /// Minutes before the start at which leased seats go back to general sale.
    pub return_before_min: u32,
    /// Showtimes starting within this many hours get leases.
    pub horizon_hours: u32,
}

impl Default for LeasePolicy {
    fn default() -> Self {
        LeasePolicy {
            share_bp: 500,
            floor: 4,
            ceiling: 24,
            return_before_min: 30,
            horizon_hours: 36,
        }
    }
}

impl LeasePolicy {
    /// The number of seats a terminal should hold leased for a screen of
    /// `sellable` seats (before capping by what is free).
    pub fn target(&self, sellable: u32) -> u32 {
        let share = (u64::from(sellable) * u64::from(self.share_bp) / 10_000) as u32;
        share.max(self.floor).min(self.ceiling).min(sellable)
    }
}

/// State of one seat that is not free: `GET /v1/showtimes/{id}/seats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeatStatus {
    /// Seat label.
    pub label: String,
    /// State.
    pub state: SeatState,
    /// Terminal or web owner of a hold or sale, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// The non-free seats of a showtime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeatStates {
    /// Showtime id.
    pub showtime_id: String,
    /// Seats that are held, sold or blocked (others are free).
    pub seats: Vec<SeatStatus>,
}

/// `POST /v1/holds`: hold seats while the cashier takes payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HoldRequest {
    /// Showtime.
    pub showtime_id: String,
    /// Seat labels.
    pub seats: Vec<String>,
    /// Requested time to live in seconds (central caps it).
    pub ttl_secs: u32,
    /// An earlier hold of the same terminal this one replaces (the cashier
    /// changed the selection): in the same transaction its seats move here and
    /// the rest become free, so no seat is ever let go in between.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

/// `POST /v1/holds/{id}/extend`: keep a hold longer while the cashier works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HoldExtend {
    /// New time to live from now, in seconds (central caps it).
    pub ttl_secs: u32,
}

/// A granted hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Hold {
    /// Hold id.
    pub hold_id: String,
    /// When central frees the seats unless sold.
    #[schemars(with = "Rfc3339")]
    pub expires_at: Timestamp,
    /// Central's clock when it answered.
    #[schemars(with = "Rfc3339")]
    pub central_time: Timestamp,
}

/// How the seats of a sale were secured before payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum SecuredBy {
    /// A hold placed online.
    Hold {
        /// Hold id.
        hold_id: String,
    },
    /// Seats leased to the terminal.
    Lease,
    /// A manager's override while offline.
    Override {
        /// Approving manager.
        manager_id: String,
    },
}

/// One sold seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SoldSeat {
    /// Seat label.
    pub label: String,
    /// Ticket type code.
    pub ticket_type: String,
    /// VAT-inclusive price.
    pub price_minor: i64,
    /// The seat's showtime when an order holds tickets for several showtimes
    /// (API 1.2); absent means the sale's `showtime_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub showtime_id: Option<String>,
}

impl SoldSeat {
    /// The showtime of this seat in `sale`.
    pub fn showtime<'a>(&'a self, sale: &'a Sale) -> &'a str {
        self.showtime_id.as_deref().unwrap_or(&sale.showtime_id)
    }
}

/// A payment taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Payment {
    /// `cash` or `card`.
    pub method: String,
    /// Amount applied to the order (cash: net of change).
    pub amount_minor: i64,
    /// External card terminal reference, for cards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The short reference of a counter order, printed on its tickets, receipt
/// and change slips and kept by central with the order: `T` and the last 8
/// hex digits of the order id, upper case, e.g. `T7C8D9E0F`. Terminal and
/// central derive it alike, so both name an order the same way without
/// sending it. (Web orders use `W` references, central's own.)
///
/// From API 1.6 a terminal makes those 32 bits from its terminal number and
/// its own order counter ([`with_order_tail`]), so two orders of the chain
/// never share a reference; before that they were random.
pub fn order_reference(order_id: Uuid) -> String {
    let simple = order_id.simple().to_string().to_uppercase();
    format!("T{}", &simple[simple.len() - 8..])
}

/// Bits of an order reference that say which terminal sold it.
pub const TERMINAL_NUMBER_BITS: u32 = 10;
/// Highest terminal number central gives (numbers start at 1).
pub const MAX_TERMINAL_NUMBER: u32 = (1 << TERMINAL_NUMBER_BITS) - 1;
/// Bits of an order reference counting the terminal's orders: 4,194,304
/// orders per terminal (over 20 years at 500 a day) before the count wraps.
pub const ORDER_COUNTER_BITS: u32 = 32 - TERMINAL_NUMBER_BITS;

/// The `(terminal number, order count)` an order id's last 32 bits carry
/// (see [`with_order_tail`]; meaningless for an id from before API 1.6).
pub fn order_tail(order_id: Uuid) -> (u32, u32) {
    split_tail(order_id.as_u128() as u32)
}

/// The `(terminal number, order count)` of a `T` reference, if it is one.
pub fn reference_tail(reference: &str) -> Option<(u32, u32)> {
    let hex = reference.strip_prefix('T').filter(|h| h.len() == 8)?;
    u32::from_str_radix(hex, 16).ok().map(split_tail)
}

fn split_tail(tail: u32) -> (u32, u32) {
    (
        tail >> ORDER_COUNTER_BITS,
        tail & ((1 << ORDER_COUNTER_BITS) - 1),
    )
}

/// `id` with its last 32 bits replaced by `terminal_number` (the top 10) and
/// `counter` (the low 22, wrapping): the order reference is then unique by
/// construction, `T` + 3 hex digits naming the terminal + the count. The
/// rest of the UUIDv7 (time, version, variant, random bits) is kept.
pub fn with_order_tail(id: Uuid, terminal_number: u32, counter: u32) -> Uuid {
    let tail = (terminal_number & MAX_TERMINAL_NUMBER) << ORDER_COUNTER_BITS
        | (counter & ((1 << ORDER_COUNTER_BITS) - 1));
    let raw = (id.as_u128() & !0xFFFF_FFFFu128) | u128::from(tail);
    Uuid::from_u128(raw)
}

/// A completed sale, as pushed to central.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sale {
    /// Order id (UUIDv7).
    pub order_id: Uuid,
    /// Showtime (the first, when the order spans several; see
    /// [`SoldSeat::showtime_id`]).
    pub showtime_id: String,
    /// Seats sold.
    pub seats: Vec<SoldSeat>,
    /// How the seats were secured: `override` if any seat was sold on a
    /// manager's override, else `hold` (naming the first hold) if any was
    /// held, else `lease`.
    pub secured_by: SecuredBy,
    /// Total in minor units.
    pub total_minor: i64,
    /// VAT contained in the total.
    pub vat_minor: i64,
    /// Currency.
    pub currency: Currency,
    /// Payments.
    pub payments: Vec<Payment>,
    /// Cashier who sold.
    pub cashier_id: String,
    /// Terminal clock at the sale.
    #[schemars(with = "Rfc3339")]
    pub sold_at: Timestamp,
    /// Central clock at the sale, estimated from the measured offset.
    #[schemars(with = "Rfc3339")]
    pub sold_at_central_estimate: Timestamp,
    /// A supervisor set the tickets' price by hand (API 1.1); the seats carry
    /// the prices charged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_override: Option<PriceOverride>,
    /// The business day the terminal counts the sale in, `YYYY-MM-DD` (API
    /// 1.4): after a terminal's Z report a sale counts in the next day, so
    /// central's site day report follows the terminal's day, not the clock's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_day: Option<String>,
}

/// Who approved a hand-set price, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PriceOverride {
    /// Supervisor or manager who approved.
    pub approved_by: String,
    /// Why.
    pub reason: String,
}

/// What an outbox entry carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryBody {
    /// A sale.
    Sale(Sale),
    /// A sold seat moved to another seat of the same showtime.
    Reseat(Reseat),
    /// A sale refunded (or an override sale in conflict closed by a refund).
    Refund(Refund),
    /// A ticket let in at a door (API 1.3): a second scan anywhere at the
    /// site then says it was admitted already.
    Admission(Admission),
}

/// A ticket let in at a door.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Admission {
    /// The ticket's order (a terminal order's UUID or a web order's id).
    pub order_id: String,
    /// Showtime.
    pub showtime_id: String,
    /// Seat label.
    pub seat: String,
    /// Door terminal's clock at the scan.
    #[schemars(with = "Rfc3339")]
    pub at: Timestamp,
}

/// Refunding an order, whole or some of its tickets: their seats go back on
/// sale and the tickets stop opening the door.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Refund {
    /// The order.
    pub order_id: Uuid,
    /// Showtime (the first, when the order spans several).
    pub showtime_id: String,
    /// Amount paid back.
    pub amount_minor: i64,
    /// The tickets refunded (API 1.3); empty for the whole order. A central
    /// older than 1.3 would read it as the whole order: terminals send it
    /// only to a central that speaks 1.3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tickets: Vec<TicketRef>,
    /// Supervisor or manager who approved.
    pub approved_by: String,
    /// Why.
    pub reason: String,
    /// Terminal clock.
    #[schemars(with = "Rfc3339")]
    pub at: Timestamp,
    /// An exchange (API 1.3): the new order that took the tickets' value
    /// over, pushed just before this entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchanged_to: Option<Uuid>,
    /// How the money went back (API 1.4, for the site's day report; absent
    /// from older terminals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<RefundSplit>,
    /// The business day the terminal counts the refund in (API 1.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_day: Option<String>,
}

/// How a refund's money went back, and who made it (API 1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RefundSplit {
    /// Back to the card.
    pub card_minor: i64,
    /// Cash from the drawer.
    pub cash_minor: i64,
    /// Taken over by the new order of an exchange.
    pub exchange_minor: i64,
    /// VAT inside the amount.
    pub vat_minor: i64,
    /// The staff member at the counter.
    pub staff_id: String,
}

/// One ticket of an order: a seat of a showtime.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct TicketRef {
    /// Showtime.
    pub showtime_id: String,
    /// Seat label.
    pub seat: String,
}

/// A ticket that no longer opens the door: refunded, its seat moved, or
/// admitted already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VoidedTicket {
    /// Position in the site's void list.
    pub seq: i64,
    /// The order the ticket belonged to.
    pub order_id: String,
    /// Showtime.
    pub showtime_id: String,
    /// Seat label.
    pub seat: String,
    /// `refund`, `moved` or `admitted`.
    pub why: String,
    /// When central recorded it.
    #[schemars(with = "Rfc3339")]
    pub voided_at: Timestamp,
}

/// `GET /v1/sites/{site}/voids?after=N`: the site's voided tickets after `N`,
/// oldest first, at most [`VOIDS_PAGE`] at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct VoidList {
    /// Voided tickets after the cursor.
    pub voids: Vec<VoidedTicket>,
    /// The cursor for the next call (the last `seq` given, or the one asked
    /// for when nothing is new).
    pub last_seq: i64,
    /// Whether more follow.
    pub more: bool,
}

/// Most voided tickets in one answer.
pub const VOIDS_PAGE: u32 = 1000;

/// Moving one sold seat of an order to another seat (same showtime, same price).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Reseat {
    /// The order.
    pub order_id: Uuid,
    /// Showtime.
    pub showtime_id: String,
    /// The seat given up.
    pub from_seat: String,
    /// The new seat.
    pub to_seat: String,
    /// How the new seat was secured.
    pub secured_by: SecuredBy,
    /// Supervisor or manager who approved.
    pub approved_by: String,
    /// Why.
    pub reason: String,
    /// Terminal clock.
    #[schemars(with = "Rfc3339")]
    pub at: Timestamp,
}

/// One outbox entry: an idempotency key, the terminal's sequence and the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OutboxEntry {
    /// UUIDv7 idempotency key, persisted before the first send.
    pub id: Uuid,
    /// Per-terminal sequence number.
    pub seq: i64,
    /// The payload.
    pub body: EntryBody,
}

/// `POST /v1/push`: a batch of outbox entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PushRequest {
    /// Entries in sequence order.
    pub entries: Vec<OutboxEntry>,
}

/// What central did with one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Applied now.
    Applied,
    /// Sent before; `first` is what central answered the first time.
    Duplicate {
        /// The first result (`applied`, `conflict` or `rejected`).
        first: Box<Outcome>,
    },
    /// Seats were no longer available (only possible through an override).
    Conflict {
        /// Seats in conflict.
        seats: Vec<String>,
    },
    /// Refused; resending will not help.
    Rejected {
        /// Stable code.
        code: String,
        /// Explanation.
        message: String,
    },
    /// Not applied this time, and nothing of it kept (API 1.6): central
    /// failed on this entry alone (its database refused it), or an earlier
    /// entry of the same order was deferred. Send it again later; the rest
    /// of the batch was answered on its own.
    Deferred {
        /// Stable code (`internal`, `order_deferred`).
        code: String,
        /// Explanation.
        message: String,
    },
}

/// The result for one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EntryResult {
    /// The entry's id.
    pub id: Uuid,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Answer to a push: one result per entry, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PushResponse {
    /// Results.
    pub results: Vec<EntryResult>,
    /// Central's clock when it answered.
    #[schemars(with = "Rfc3339")]
    pub central_time: Timestamp,
}

/// `POST /v1/leases`: top up this terminal's leases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LeaseRequest {
    /// Showtimes to lease for; empty means every showtime within the policy's horizon.
    #[serde(default)]
    pub showtime_ids: Vec<String>,
}

/// Seats leased to a terminal for one showtime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ShowtimeLease {
    /// Showtime.
    pub showtime_id: String,
    /// Leased seat labels.
    pub seats: Vec<String>,
    /// When the seats go back to general sale.
    #[schemars(with = "Rfc3339")]
    pub expires_at: Timestamp,
}

/// All live leases of a terminal, after a top-up or a return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Leases {
    /// Leases by showtime (showtimes without seats are left out).
    pub showtimes: Vec<ShowtimeLease>,
    /// Central's clock when it answered.
    #[schemars(with = "Rfc3339")]
    pub central_time: Timestamp,
}

/// `POST /v1/leases/return`: give leased seats back to general sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LeaseReturn {
    /// Showtime.
    pub showtime_id: String,
    /// Seats to return; empty returns all of this showtime's.
    #[serde(default)]
    pub seats: Vec<String>,
}

/// One change of a seat's state at central, in sequence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeatEvent {
    /// Site-wide increasing sequence number.
    pub seq: i64,
    /// Showtime.
    pub showtime_id: String,
    /// Seat label.
    pub seat: String,
    /// New state (`free` when a hold, lease or sale ended).
    pub state: SeatState,
    /// Terminal id or `web`, for held, leased and sold seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// `GET /v1/sites/{site}/seat-events?after=N&wait_ms=M`: events after `N`,
/// waiting up to `M` ms for the first one (long poll).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SeatEvents {
    /// Events in sequence order.
    pub events: Vec<SeatEvent>,
    /// The last sequence number the caller has now seen; pass it as `after` next time.
    pub last_seq: i64,
    /// True when events before `after` were pruned and the caller must reload seat states.
    #[serde(default)]
    pub reset: bool,
}

/// `POST /v1/terminals/{id}/heartbeat`: what a terminal reports about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Heartbeat {
    /// Outbox entries waiting to be pushed.
    pub queue_depth: u32,
    /// Age of the oldest unsynced sale, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_unsynced_secs: Option<u32>,
    /// Entries central refused or found in conflict, not yet resolved.
    pub open_conflicts: u32,
    /// The terminal's software version.
    pub version: String,
    /// What is still waiting, per business day (API 1.4): the site's day
    /// report names the terminals whose day is not all at central.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsynced_days: Vec<UnsyncedDay>,
    /// The update ring the terminal follows (API 1.7): `canary` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring: Option<String>,
    /// Where it prints (API 1.7): `virtual`, `tcp:HOST:PORT`, `device:PATH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer: Option<String>,
    /// The last printing problem, none when the last job printed (API 1.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer_error: Option<String>,
    /// When its newest backup was taken (API 1.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Rfc3339>")]
    pub last_backup_at: Option<Timestamp>,
    /// Free space on the disk holding its data, in MB (API 1.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_free_mb: Option<u64>,
}

/// Central's answer to a heartbeat (API 1.6; before, 204 with no body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct HeartbeatAck {
    /// The highest outbox sequence number of this terminal that central holds
    /// an answer for (0: none). A terminal holding answers for later entries
    /// knows central lost them (restored from a backup) and sends them again.
    pub applied_through: i64,
    /// The highest order count central has seen in this terminal's order
    /// references (see [`with_order_tail`]), if any: a terminal reinstalled or
    /// restored from a backup counts on from above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_count_seen: Option<u32>,
    /// The update ring central IT put this terminal in (API 1.7): `canary`
    /// or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring: Option<String>,
}

/// A business day's entries a terminal has not pushed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UnsyncedDay {
    /// The business day, `YYYY-MM-DD`.
    pub business_day: String,
    /// Entries waiting (sales, refunds, reseats).
    pub entries: u32,
    /// The amount of the orders they are about.
    pub amount_minor: i64,
    /// When the oldest of them was made (unix seconds).
    pub oldest_at: i64,
}

/// `POST /v1/web/sales`: what the chain's website does when a customer buys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WebSaleRequest {
    /// Showtime.
    pub showtime_id: String,
    /// Seats wanted.
    pub seats: Vec<String>,
}

/// A web order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WebSale {
    /// Order id.
    pub order_id: String,
    /// Booking reference for collection.
    pub reference: String,
}

/// A web booking as the counter sees it:
/// `GET /v1/web/bookings/{reference}` and `POST /v1/web/bookings/{reference}/collect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WebBooking {
    /// Booking reference the customer shows (e.g. `W1A2B3C4D`).
    pub reference: String,
    /// Order id.
    pub order_id: String,
    /// Showtime.
    pub showtime_id: String,
    /// Seats with their ticket types and prices.
    pub seats: Vec<SoldSeat>,
    /// Total paid online.
    pub total_minor: i64,
    /// Currency.
    pub currency: Currency,
    /// When the tickets were collected at a counter, if they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Rfc3339>")]
    pub collected_at: Option<Timestamp>,
    /// The terminal that printed them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_by: Option<String>,
    /// Refunded bookings cannot be collected.
    #[serde(default)]
    pub refunded: bool,
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Central's version.
    pub version: String,
    /// Central's clock.
    #[schemars(with = "Rfc3339")]
    pub central_time: Timestamp,
}

/// A terminal's Ed25519 public key, as central lists them for a site:
/// `GET /v1/sites/{site}/keys`. Terminals and door scanners verify signed
/// ticket QR codes offline with this list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TerminalPublicKey {
    /// Terminal id.
    pub terminal_id: String,
    /// Ed25519 public key (32 bytes), base64url without padding.
    pub public_key: String,
}

/// `PUT /v1/terminals/{id}/key`: a terminal registers its ticket-signing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RegisterKeyRequest {
    /// Ed25519 public key (32 bytes), base64url without padding.
    pub public_key: String,
}

/// The format name of a provisioning file.
pub const PROVISIONING_FORMAT: &str = "boxoffice-provisioning/1";

/// A provisioning file (API 1.7), written by `boxoffice-central provision`:
/// everything a new counter needs to join the chain, signed with central's
/// provisioning key. The counter checks the signature against the chain's
/// provisioning public key it was installed with, then trades the one-time
/// enrollment secret for its API token (`POST /v1/terminals/{id}/enroll`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningFile {
    /// [`PROVISIONING_FORMAT`].
    pub format: String,
    /// The [`ProvisioningPayload`] as JSON, base64url without padding: the
    /// exact bytes signed.
    pub payload: String,
    /// The signing key's Ed25519 public key, base64url without padding.
    pub key_id: String,
    /// Ed25519 signature of the payload's bytes, base64url without padding.
    pub signature: String,
}

/// What a provisioning file carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisioningPayload {
    /// The terminal's site.
    pub site_id: String,
    /// The terminal.
    pub terminal_id: String,
    /// Central's base URL.
    pub central_url: String,
    /// The chain's CA certificate(s), PEM, for an https central.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
    /// The one-time secret traded for the terminal's API token.
    pub enrollment_secret: String,
    /// When it was written (RFC 3339).
    pub issued_at: Timestamp,
    /// After this the secret is refused (RFC 3339).
    pub expires_at: Timestamp,
}

/// `GET /v1/updates/{target}/{current_version}` (API 1.7): the newer release
/// a terminal's ring sees, in the Tauri updater's dynamic-server format
/// (central answers 204 when there is none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UpdateManifest {
    /// The release's version (semver).
    pub version: String,
    /// Release notes.
    pub notes: String,
    /// When it was published (RFC 3339).
    pub pub_date: String,
    /// Where to download the package: a path on central
    /// (`/v1/updates/{target}/download/{version}`), with the terminal's credential.
    pub url: String,
    /// The package's signature with the chain's update key: base64 of
    /// minisign's signature box (the Tauri updater's `.sig`).
    pub signature: String,
    /// SHA-256 of the package, hex.
    pub sha256: String,
    /// The package's size in bytes.
    pub size: u64,
}

/// The trusted (signed) comment of a release's signature: the signature
/// speaks for this version, package type and content, not just the bytes,
/// so that a signed old package cannot be offered under a newer version.
pub fn release_comment(version: &str, target: &str, sha256_hex: &str) -> String {
    format!("boxoffice-release version={version} target={target} sha256={sha256_hex}")
}

/// `POST /v1/terminals/{id}/enroll` (API 1.7): a new counter trades the
/// secret of its provisioning file for its API token, once, and registers
/// its ticket-signing key with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EnrollRequest {
    /// The provisioning file's enrollment secret.
    pub secret: String,
    /// The counter's Ed25519 ticket-signing public key, base64url without
    /// padding: the enrollment binds the terminal to this counter.
    pub public_key: String,
    /// Proof that the caller holds that key's private half: its Ed25519
    /// signature of [`enroll_proof_message`], base64url without padding.
    /// (Public keys are no secret: without it, anyone with the file and a
    /// site's key list could enroll as the counter.)
    pub proof: String,
}

/// What a counter signs to prove it holds its key when it enrolls: the
/// terminal id and the SHA-256 of the enrollment secret, so that the proof
/// is good for this enrollment only.
pub fn enroll_proof_message(terminal_id: &str, secret_sha256_hex: &str) -> Vec<u8> {
    format!("boxoffice-enroll/1\n{terminal_id}\n{secret_sha256_hex}").into_bytes()
}

/// Central's answer to an enrollment: the terminal's API token (only its
/// hash is kept at central).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Enrollment {
    /// The bearer token for every later call.
    pub token: String,
    /// The terminal's site.
    pub site_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_references_are_t_and_the_id_s_last_eight_hex_digits() {
        let id = Uuid::parse_str("0190a5c4-7e2b-7c3d-8f4e-5a6b7c8d9e0f").unwrap();
        assert_eq!(order_reference(id), "T7C8D9E0F");
        assert_eq!(order_reference(Uuid::nil()), "T00000000");
        assert_eq!(order_reference(Uuid::max()), "TFFFFFFFF");
    }

    #[test]
    fn an_order_tail_names_the_terminal_and_its_count_and_keeps_the_uuid_v7() {
        let id = Uuid::parse_str("0190a5c4-7e2b-7c3d-8f4e-5a6b7c8d9e0f").unwrap();
        let made = with_order_tail(id, 3, 41);
        assert_eq!(made.get_version_num(), 7);
        assert_eq!(made.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(made.as_u128() >> 32, id.as_u128() >> 32);
        assert_eq!(order_reference(made), "T00C00029");
        assert_eq!(order_tail(made), (3, 41));
        assert_eq!(reference_tail(&order_reference(made)), Some((3, 41)));
        assert_eq!(reference_tail("W00C00029"), None);
        assert_eq!(
            order_reference(with_order_tail(id, MAX_TERMINAL_NUMBER, u32::MAX)),
            "TFFFFFFFF"
        );
        // The count wraps inside its 22 bits, never into the terminal's.
        assert_eq!(
            order_reference(with_order_tail(id, 1, 1 << ORDER_COUNTER_BITS)),
            "T00400000"
        );
        // Distinct (terminal, count) pairs give distinct references.
        let mut seen = std::collections::HashSet::new();
        for t in [1, 2, 3, 512, MAX_TERMINAL_NUMBER] {
            for c in 0..2000 {
                assert!(seen.insert(order_reference(with_order_tail(id, t, c))));
            }
        }
    }

    #[test]
    fn api_versions_compare_by_minor() {
        assert!(speaks(API_VERSION, 2));
        assert!(speaks("1.2.0", 2));
        assert!(speaks("1.10.3", 2));
        assert!(speaks("2.0.0", 9));
        assert!(!speaks("1.1.0", 2));
        assert!(!speaks("", 2));
        assert!(!speaks("one.two", 2));
        assert!(!speaks("0.9.0", 2));
    }

    #[test]
    fn outcome_wire_shape() {
        let id = Uuid::nil();
        let r = EntryResult {
            id,
            outcome: Outcome::Conflict {
                seats: vec!["A-1".into()],
            },
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["outcome"], "conflict");
        assert_eq!(json["seats"][0], "A-1");
        let back: EntryResult = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
        let applied = serde_json::to_value(EntryResult {
            id,
            outcome: Outcome::Applied,
        })
        .unwrap();
        assert_eq!(applied["outcome"], "applied");
    }

    #[test]
    fn price_rules_read_into_the_domain() {
        let rule: PriceRuleWire = serde_json::from_value(serde_json::json!({
            "code": "matinee", "name_en": "Matinee", "name_ar": "عرض نهاري",
            "adjustment_minor": -1000,
            "time_window": {"start": "06:00", "end": "17:00"},
            "weekdays": ["sunday", "monday"],
            "areas": ["premium"],
        }))
        .unwrap();
        let d = rule.to_domain().unwrap();
        let w = d.when.time_window.unwrap();
        assert!(w.contains(jiff::civil::time(16, 59, 0, 0)));
        assert!(!w.contains(jiff::civil::time(17, 0, 0, 0)));
        let days = d.when.weekdays.unwrap();
        assert!(days.contains(jiff::civil::Weekday::Sunday));
        assert!(!days.contains(jiff::civil::Weekday::Friday));
        assert_eq!(d.when.areas, vec![SeatArea::Premium]);
        assert!(d.when.formats.is_empty());
        // An old central's card has no rules; an empty list is not written.
        let card: PriceCard =
            serde_json::from_value(serde_json::json!({"id": "c", "prices": []})).unwrap();
        assert!(card.rules.is_empty());
        assert!(serde_json::to_value(&card).unwrap().get("rules").is_none());
        for bad in ["7:00", "24:00", "12:60", "noon", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
        let mut bad = rule.clone();
        bad.time_window = Some(RuleTimeWindow {
            start: "7pm".into(),
            end: "23:00".into(),
        });
        assert!(bad.to_domain().unwrap_err().contains("7pm"));
    }

    #[test]
    fn secured_by_wire_shape() {
        let s = serde_json::to_value(SecuredBy::Hold {
            hold_id: "h1".into(),
        })
        .unwrap();
        assert_eq!(s, serde_json::json!({"by": "hold", "hold_id": "h1"}));
    }
}
