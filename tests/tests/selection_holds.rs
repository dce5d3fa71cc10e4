//! Holds while the cashier chooses: the selection is held at central, a
//! changed selection replaces the hold atomically, a seat taken meanwhile is
//! reported at once, the sale takes the hold over, a cleared order lets go.

use e2e::Central;
use serde_json::json;
use site::api::{HoldSeatsArgs, ReleaseHoldArgs, SellArgs, SellPart};
use site::clock::{SystemClock, V7Ids};
use site::engine::Site;
use std::sync::Arc;

fn held(central: &Central, show: &str, seat: &str) -> String {
    central.seat_state(show, seat)
}

/// A real central and one terminal engine in-process, a cashier logged in,
/// and tomorrow's first Screen 2 showtime.
struct Counter {
    central: Central,
    rt: tokio::runtime::Runtime,
    site: Site,
    token: String,
    t: e2e::Terminal,
    show: String,
}

impl Counter {
    fn start(dir: &std::path::Path) -> Counter {
        let central = Central::start(dir);
        let rt = tokio::runtime::Runtime::new().unwrap();
        let site = Site::open(
            &dir.join("t1"),
            Arc::new(SystemClock),
            Arc::new(V7Ids),
            false,
        )
        .unwrap();
        rt.block_on(site.init(&central.url, "dxb-marina", "dxb-marina-t1"))
            .unwrap();
        let token = site.login(None, "1111").unwrap().token;
        rt.block_on(site::commands::shift_open(
            &site,
            site::api::ShiftOpenArgs {
                token: token.clone(),
                float_minor: 0,
            },
        ))
        .unwrap();
        let t = e2e::Terminal::new(dir.join("t1"));
        let show = t.show_id_on("Screen 2");
        Counter {
            central,
            rt,
            site,
            token,
            t,
            show,
        }
    }
}

#[test]
fn the_selection_is_held_while_choosing_and_handed_to_the_sale() {
    let dir = tempfile::tempdir().unwrap();
    let Counter {
        central,
        rt,
        site,
        token,
        show,
        ..
    } = Counter::start(dir.path());
    let hold = |seats: &[&str], hold_id: Option<String>| {
        rt.block_on(site::commands::hold_seats(
            &site,
            HoldSeatsArgs {
                token: token.clone(),
                showtime_id: show.clone(),
                seats: seats.iter().map(|s| s.to_string()).collect(),
                hold_id,
            },
        ))
        .unwrap()
    };

    // Choosing C-3 and C-4 holds them: the web cannot buy them meanwhile.
    let first = hold(&["C-3", "C-4"], None);
    let first_id = first.hold_id.clone().expect("a hold");
    assert_eq!(held(&central, &show, "C-3"), "held");
    let (code, _) = central.post(
        "/v1/web/sales",
        &json!({"showtime_id": show, "seats": ["C-3"]}),
    );
    assert_eq!(code, 409);

    // The cashier swaps C-3 for C-5: one new hold, C-3 free again, C-4 never let go.
    let second = hold(&["C-4", "C-5"], Some(first_id.clone()));
    let second_id = second.hold_id.clone().expect("a hold");
    assert_ne!(second_id, first_id);
    assert_eq!(held(&central, &show, "C-3"), "free");
    assert_eq!(held(&central, &show, "C-4"), "held");
    assert_eq!(held(&central, &show, "C-5"), "held");

    // The web takes C-6 before the cashier adds it: reported at once, the rest stays held.
    let (code, _) = central.post(
        "/v1/web/sales",
        &json!({"showtime_id": show, "seats": ["C-6"]}),
    );
    assert_eq!(code, 200);
    let third = hold(&["C-4", "C-5", "C-6"], Some(second_id.clone()));
    assert_eq!(third.unavailable, ["C-6"]);
    assert_eq!(third.hold_id.as_deref(), Some(second_id.as_str()));
    assert_eq!(held(&central, &show, "C-4"), "held");

    // The sale takes the hold over: sold, and no hold of this terminal is left.
    let sale = rt
        .block_on(site::commands::sell(
            &site,
            SellArgs {
                token: token.clone(),
                parts: vec![SellPart {
                    showtime_id: show.clone(),
                    seats: vec!["C-4".into(), "C-5".into()],
                    ticket_type: "adult".into(),
                    hold_id: Some(second_id.clone()),
                    price_override: None,
                    wheelchair_seats: None,
                }],
                tendered_minor: 100_000,
                id_checked: true,
                card: None,
                override_approval: None,
            },
        ))
        .unwrap();
    assert_eq!(sale.secured_by, "hold");
    assert!(sale.synced);
    assert_eq!(held(&central, &show, "C-4"), "sold");
    assert_eq!(held(&central, &show, "C-5"), "sold");
    let states = central.get(&format!("/v1/showtimes/{show}/seats")).unwrap();
    assert!(
        !states["seats"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["state"] == "held"),
        "{states}"
    );

    // A new selection, then the order is cleared: the hold goes back.
    let next = hold(&["C-8"], None);
    assert_eq!(held(&central, &show, "C-8"), "held");
    rt.block_on(site::commands::release_hold(
        &site,
        ReleaseHoldArgs {
            token: token.clone(),
            hold_id: next.hold_id.unwrap(),
        },
    ))
    .unwrap();
    assert_eq!(held(&central, &show, "C-8"), "free");
    // An empty selection with a hold releases it too.
    let again = hold(&["C-9"], None);
    let empty = hold(&[], again.hold_id.clone());
    assert!(empty.hold_id.is_none());
    assert_eq!(held(&central, &show, "C-9"), "free");
}

#[test]
fn an_order_of_two_parts_keeps_its_seats_held_when_one_part_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let Counter {
        central,
        rt,
        site,
        token,
        t,
        show,
    } = Counter::start(dir.path());
    let hold = |seats: &[&str]| {
        rt.block_on(site::commands::hold_seats(
            &site,
            HoldSeatsArgs {
                token: token.clone(),
                showtime_id: show.clone(),
                seats: seats.iter().map(|s| s.to_string()).collect(),
                hold_id: None,
            },
        ))
        .unwrap()
        .hold_id
        .expect("a hold")
    };
    // Adults chosen and set aside, a child chosen: two parts, two holds.
    let adults = hold(&["D-3", "D-4"]);
    let child = hold(&["D-5"]);
    let sell = |more_seat: &str, child_hold: Option<String>| {
        rt.block_on(site::commands::sell(
            &site,
            SellArgs {
                token: token.clone(),
                parts: vec![
                    SellPart {
                        showtime_id: show.clone(),
                        seats: vec!["D-3".into(), "D-4".into()],
                        ticket_type: "adult".into(),
                        hold_id: Some(adults.clone()),
                        price_override: None,
                        wheelchair_seats: None,
                    },
                    SellPart {
                        showtime_id: show.clone(),
                        seats: vec![more_seat.into()],
                        ticket_type: "child".into(),
                        hold_id: child_hold,
                        price_override: None,
                        wheelchair_seats: None,
                    },
                ],
                tendered_minor: 100_000,
                id_checked: true,
                card: None,
                override_approval: None,
            },
        ))
    };
    // The web sold D-9 meanwhile; the cashier's order names it by mistake.
    let (code, _) = central.post(
        "/v1/web/sales",
        &json!({"showtime_id": show, "seats": ["D-9"]}),
    );
    assert_eq!(code, 200);
    let err = sell("D-9", None).unwrap_err();
    assert_eq!(err.code(), "seat_unavailable", "{err}");
    // Nothing sold, and the adults' seats are still held for this counter.
    assert_eq!(held(&central, &show, "D-3"), "held");
    assert_eq!(held(&central, &show, "D-4"), "held");
    assert_eq!(held(&central, &show, "D-5"), "held");
    assert_eq!(t.count("orders"), 0);
    // Corrected, the order sells whole: both parts, one order.
    let sale = sell("D-5", Some(child)).unwrap();
    assert_eq!(sale.lines.len(), 3);
    assert_eq!(
        sale.lines
            .iter()
            .map(|l| l.ticket_type.as_str())
            .collect::<Vec<_>>(),
        ["adult", "adult", "child"]
    );
    for seat in ["D-3", "D-4", "D-5"] {
        assert_eq!(held(&central, &show, seat), "sold");
    }
    assert_eq!(t.count("orders"), 1);
}
