//! JSON Schemas (feature `schemars`) of the domain enums that travel inside
//! central API v1 bodies.
//!
//! Written by hand rather than derived: each is a plain string enum of exactly
//! the values serde writes (`rename_all`), which OpenAPI tools read better than
//! the `oneOf`-of-`const` a derive makes for documented variants. The protocol
//! crate's tests serialize every variant and check it is in the list.

use crate::{Country, Currency, SeatArea, SeatKind, SeatState};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::borrow::Cow;

fn string_enum(description: &str, values: impl IntoIterator<Item = &'static str>) -> Schema {
    let values: Vec<&str> = values.into_iter().collect();
    json_schema!({
        "type": "string",
        "description": description,
        "enum": values,
    })
}

macro_rules! string_enum_schema {
    ($t:ident, $values:expr, $description:literal) => {
        impl JsonSchema for $t {
            fn schema_name() -> Cow<'static, str> {
                stringify!($t).into()
            }
            fn schema_id() -> Cow<'static, str> {
                concat!("domain::", stringify!($t)).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                string_enum($description, $values)
            }
        }
    };
}

string_enum_schema!(
    Currency,
    Currency::ALL.map(Currency::code),
    "ISO 4217 code of a currency the chain's sites use. Amounts are integer minor units: \
     AED, QAR, LBP and EGP have 2 decimals, OMR and BHD have 3."
);
string_enum_schema!(
    Country,
    Country::ALL.map(Country::code),
    "ISO 3166 alpha-2 code of a country where the chain has sites (sets the VAT rules)."
);
string_enum_schema!(
    SeatArea,
    SeatArea::ALL.iter().map(|a| a.as_str()),
    "Pricing and comfort area of a seat: `standard`, `premium` (better rows, wider seat) \
     or `vip` (recliner)."
);
string_enum_schema!(
    SeatKind,
    SeatKind::ALL.iter().map(|k| k.as_str()),
    "Physical kind of a seat: `standard`, `wheelchair` (a wheelchair space) or \
     `companion` (beside a wheelchair space)."
);
string_enum_schema!(
    SeatState,
    SeatState::ALL.iter().map(|s| s.as_str()),
    "Sale state of a seat for a showtime: `free`, `held` (by a terminal or a web buyer), \
     `sold`, `leased` (to a terminal for offline sale) or `blocked` (not for sale)."
);
