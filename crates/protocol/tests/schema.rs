//! The JSON Schemas of the wire types agree with what serde writes and reads.

use domain::{Country, Currency, SeatArea, SeatKind, SeatState};
use protocol::*;
use schemars::{JsonSchema, SchemaGenerator, generate::SchemaSettings};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// The schema of `T` with its definitions, as one standalone 2020-12 document.
fn schema_of<T: JsonSchema>() -> Value {
    SchemaGenerator::new(SchemaSettings::draft2020_12())
        .into_root_schema_for::<T>()
        .to_value()
}

/// Asserts that `value` serializes to JSON that `T`'s schema accepts.
fn assert_valid<T: JsonSchema + Serialize>(value: &T) {
    let schema = schema_of::<T>();
    let instance = serde_json::to_value(value).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} does not match its schema:\n{}\ninstance: {instance:#}\nschema: {schema:#}",
        T::schema_name(),
        errors.join("\n")
    );
}

/// Every variant of a domain enum serializes to a string of the schema's
/// `enum` list, the list has nothing else, and each listed string reads back.
fn assert_string_enum<T>(all: &[T])
where
    T: JsonSchema + Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let schema = schema_of::<T>();
    assert_eq!(schema["type"], "string", "{schema:#}");
    let listed: Vec<&str> = schema["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{} has no enum list: {schema:#}", T::schema_name()))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let written: Vec<String> = all
        .iter()
        .map(|v| match serde_json::to_value(v).unwrap() {
            Value::String(s) => s,
            other => panic!("{v:?} serializes to {other}, not a string"),
        })
        .collect();
    assert_eq!(listed, written, "{}", T::schema_name());
    for (s, v) in listed.iter().zip(all) {
        let back: T = serde_json::from_value(json!(s)).unwrap();
        assert_eq!(&back, v);
        assert_valid(v);
    }
    let bogus = jsonschema::validator_for(&schema).unwrap();
    assert!(!bogus.is_valid(&json!("nope")));
}

#[test]
fn domain_enums_are_string_enums_of_their_serde_names() {
    // The `ALL` lists must hold every variant: these exhaustive matches stop
    // compiling when a variant is added, until it is counted here (and listed in `ALL`).
    let currencies = match Currency::Aed {
        Currency::Aed
        | Currency::Omr
        | Currency::Bhd
        | Currency::Qar
        | Currency::Lbp
        | Currency::Egp => 6,
    };
    let countries = match Country::Ae {
        Country::Ae | Country::Om | Country::Bh | Country::Qa | Country::Lb | Country::Eg => 6,
    };
    let areas = match SeatArea::Standard {
        SeatArea::Standard | SeatArea::Premium | SeatArea::Vip => 3,
    };
    let kinds = match SeatKind::Standard {
        SeatKind::Standard | SeatKind::Wheelchair | SeatKind::Companion => 3,
    };
    let states = match SeatState::Free {
        SeatState::Free
        | SeatState::Held
        | SeatState::Sold
        | SeatState::Leased
        | SeatState::Blocked => 5,
    };
    let roles = match Role::Cashier {
        Role::Cashier | Role::Supervisor | Role::Manager => 3,
    };
    fn distinct<T: std::fmt::Debug>(all: &[T]) -> usize {
        all.iter()
            .map(|v| format!("{v:?}"))
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    }
    assert_eq!(distinct(&Currency::ALL), currencies);
    assert_eq!(distinct(&Country::ALL), countries);
    assert_eq!(distinct(SeatArea::ALL), areas);
    assert_eq!(distinct(SeatKind::ALL), kinds);
    assert_eq!(distinct(SeatState::ALL), states);
    assert_eq!(distinct(&Role::ALL), roles);

    assert_string_enum(&Currency::ALL);
    assert_string_enum(&Country::ALL);
    assert_string_enum(SeatArea::ALL);
    assert_string_enum(SeatKind::ALL);
    assert_string_enum(SeatState::ALL);
    assert_string_enum(&Role::ALL);
    assert_eq!(distinct(&protocol::Weekday::ALL), 7);
    assert_string_enum(&protocol::Weekday::ALL);
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

#[test]
fn tagged_and_flattened_types_match_serde() {
    let sale = Sale {
        order_id: Uuid::nil(),
        showtime_id: "st-1".into(),
        seats: vec![SoldSeat {
            label: "F-12".into(),
            ticket_type: "adult".into(),
            price_minor: 4500,
            showtime_id: None,
        }],
        secured_by: SecuredBy::Hold {
            hold_id: "h-1".into(),
        },
        total_minor: 4500,
        vat_minor: 214,
        currency: Currency::Aed,
        payments: vec![Payment {
            method: "cash".into(),
            amount_minor: 4500,
            reference: None,
        }],
        cashier_id: "c-1".into(),
        sold_at: ts("2025-03-01T18:30:00Z"),
        sold_at_central_estimate: ts("2025-03-01T18:30:01.5Z"),
        price_override: None,
        business_day: None,
    };
    let entries = vec![
        OutboxEntry {
            id: Uuid::nil(),
            seq: 1,
            body: EntryBody::Sale(sale.clone()),
        },
        OutboxEntry {
            id: Uuid::max(),
            seq: 2,
            body: EntryBody::Reseat(Reseat {
                order_id: Uuid::nil(),
                showtime_id: "st-1".into(),
                from_seat: "F-12".into(),
                to_seat: "F-13".into(),
                secured_by: SecuredBy::Lease,
                approved_by: "m-1".into(),
                reason: "broken seat".into(),
                at: ts("2025-03-01T18:40:00Z"),
            }),
        },
        OutboxEntry {
            id: Uuid::max(),
            seq: 3,
            body: EntryBody::Refund(Refund {
                order_id: Uuid::nil(),
                showtime_id: "st-1".into(),
                amount_minor: 4500,
                tickets: vec![protocol::TicketRef {
                    showtime_id: "st-1".into(),
                    seat: "A-2".into(),
                }],
                approved_by: "m-1".into(),
                reason: "customer left".into(),
                at: ts("2025-03-01T18:50:00Z"),
                exchanged_to: Some(Uuid::max()),
                split: Some(protocol::RefundSplit {
                    card_minor: 1500,
                    cash_minor: 0,
                    exchange_minor: 3000,
                    vat_minor: 214,
                    staff_id: "c-1".into(),
                }),
                business_day: None,
            }),
        },
        OutboxEntry {
            id: Uuid::max(),
            seq: 4,
            body: EntryBody::Admission(protocol::Admission {
                order_id: Uuid::nil().to_string(),
                showtime_id: "st-1".into(),
                seat: "A-1".into(),
                at: ts("2025-03-01T19:00:00Z"),
            }),
        },
    ];
    assert_valid(&PushRequest { entries });
    let outcomes = [
        Outcome::Applied,
        Outcome::Conflict {
            seats: vec!["A-1".into()],
        },
        Outcome::Rejected {
            code: "unknown_showtime".into(),
            message: "no".into(),
        },
        Outcome::Duplicate {
            first: Box::new(Outcome::Applied),
        },
        Outcome::Duplicate {
            first: Box::new(Outcome::Rejected {
                code: "x".into(),
                message: "y".into(),
            }),
        },
    ];
    assert_valid(&PushResponse {
        results: outcomes
            .into_iter()
            .map(|outcome| EntryResult {
                id: Uuid::nil(),
                outcome,
            })
            .collect(),
        central_time: ts("2025-03-01T18:30:02Z"),
    });
    assert_valid(&SecuredBy::Override {
        manager_id: "m-1".into(),
    });
    assert_valid(&ApiError {
        code: "seat_unavailable".into(),
        message: "taken".into(),
        seats: vec!["A-1".into()],
    });
}

#[test]
fn schemas_refuse_what_serde_refuses() {
    let schema = schema_of::<EntryResult>();
    let v = jsonschema::validator_for(&schema).unwrap();
    let id = Uuid::nil();
    assert!(v.is_valid(&json!({"id": id, "outcome": "applied"})));
    assert!(!v.is_valid(&json!({"id": id, "outcome": "maybe"})));
    assert!(
        !v.is_valid(&json!({"id": id, "outcome": "conflict"})),
        "seats missing"
    );
    assert!(!v.is_valid(&json!({"id": id, "outcome": "duplicate", "first": {"outcome": "gone"}})));
    assert!(!v.is_valid(&json!({"outcome": "applied"})), "id missing");
    // A timestamp must be a date-time string.
    let hold = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema_of::<Hold>())
        .unwrap();
    assert!(!hold.is_valid(&json!({"hold_id": "h", "expires_at": "soon", "central_time": "now"})));
    // Additive changes stay compatible: unknown fields are accepted (serde ignores them).
    assert!(v.is_valid(&json!({"id": id, "outcome": "applied", "later_field": 1})));
}
