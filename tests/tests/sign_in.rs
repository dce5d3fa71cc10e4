//! Signing in and the drawer, through the engine's command table as the
//! counter calls it: a named sign-in, the idle lock and the session's end,
//! unlocking with the owner's PIN, the lockout guesses cannot get round,
//! and one drawer per terminal between two cashiers and a supervisor.

use e2e::Central;
use jiff::SignedDuration;
use serde_json::{Value, json};
use site::clock::{ManualClock, V7Ids};
use site::commands::dispatch;
use site::engine::Site;
use std::sync::Arc;

struct Counter {
    _central: Central,
    rt: tokio::runtime::Runtime,
    site: Site,
    clock: Arc<ManualClock>,
}

impl Counter {
    fn new(dir: &std::path::Path) -> Counter {
        let central = Central::start(dir);
        let rt = tokio::runtime::Runtime::new().unwrap();
        let clock = Arc::new(ManualClock::new(jiff::Timestamp::now()));
        let site = Site::open(&dir.join("t1"), clock.clone(), Arc::new(V7Ids), false).unwrap();
        rt.block_on(site.init(&central.url, "dxb-marina", "dxb-marina-t1"))
            .unwrap();
        // A second cashier, as the catalog would bring her.
        let conn = rusqlite::Connection::open(dir.join("t1").join("terminal.sqlite")).unwrap();
        conn.execute(
            "INSERT INTO staff (id, name, role, pin_hash) VALUES ('dxb-marina-amal', 'Amal', 'cashier', ?1)",
            [site::auth::hash_pin("4321", &[3; 16]).unwrap()],
        )
        .unwrap();
        Counter {
            _central: central,
            rt,
            site,
            clock,
        }
    }

    fn call(&self, name: &str, args: Value) -> Result<Value, (String, String)> {
        self.rt
            .block_on(dispatch(&self.site, name, args))
            .map_err(|e| (e.code, e.message))
    }

    fn code(&self, name: &str, args: Value) -> String {
        self.call(name, args).expect_err(name).0
    }

    fn sign_in(&self, staff_id: &str, pin: &str) -> String {
        let s = self
            .call("login", json!({"staff_id": staff_id, "pin": pin}))
            .unwrap();
        s["token"].as_str().unwrap().to_string()
    }

    fn show(&self) -> String {
        let day = self.site.status().unwrap().business_day;
        let tomorrow = jiff::civil::Date::strptime("%Y-%m-%d", &day)
            .unwrap()
            .tomorrow()
            .unwrap()
            .to_string();
        let shows = self.call("showtimes", json!({"day": tomorrow})).unwrap();
        shows
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["screen"].as_str().unwrap().contains("IMAX"))
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn sell(&self, token: &str, show: &str, seat: &str) -> Result<Value, (String, String)> {
        self.call(
            "sell",
            json!({
                "token": token,
                "parts": [{"showtime_id": show, "seats": [seat], "ticket_type": "adult"}],
                "tendered_minor": 7_500,
                "card": null,
                "id_checked": true,
            }),
        )
    }
}

#[test]
fn the_counter_locks_when_idle_and_only_its_owner_unlocks_it() {
    let dir = tempfile::tempdir().unwrap();
    let c = Counter::new(dir.path());
    let people = c.call("staff_list", json!({})).unwrap();
    assert_eq!(people.as_array().unwrap().len(), 4, "{people}");
    assert!(
        people
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p.get("pin_hash").is_none()),
        "no hash leaves the engine: {people}"
    );
    // The counter's door takes no unnamed PIN.
    assert_eq!(c.code("login", json!({"pin": "1111"})), "invalid_input");

    let token = c.sign_in("dxb-marina-cashier", "1111");
    let state = json!({"token": token});
    c.call("shift_open", json!({"token": token, "float_minor": 0}))
        .unwrap();
    c.clock.advance(SignedDuration::from_secs(170));
    c.call("shift_state", state.clone()).unwrap();
    // 180 s without a command: locked, and it stays locked.
    c.clock.advance(SignedDuration::from_secs(181));
    assert_eq!(c.code("shift_state", state.clone()), "session.locked");
    assert_eq!(c.code("shift_state", state.clone()), "session.locked");
    // Someone else's PIN does not unlock it, and counts against its owner.
    assert_eq!(
        c.code("unlock", json!({"token": token, "pin": "4321"})),
        "wrong_pin"
    );
    for _ in 1..site::auth::MAX_FAILURES {
        c.code("unlock", json!({"token": token, "pin": "9999"}));
    }
    assert_eq!(
        c.code("unlock", json!({"token": token, "pin": "1111"})),
        "locked_out"
    );
    c.clock.advance(site::auth::LOCKOUT);
    c.call("unlock", json!({"token": token, "pin": "1111"}))
        .unwrap();
    c.call("shift_state", state.clone()).unwrap();
    // The Lock button, then the owner's PIN. Under the lock the order's
    // seats stay held (renewed, or let go), which unlocks nothing.
    let show = c.show();
    c.call("lock", state.clone()).unwrap();
    let held = c
        .call(
            "hold_seats",
            json!({"token": token, "showtime_id": show, "seats": ["E-5"]}),
        )
        .unwrap();
    let renewed = c
        .call(
            "hold_seats",
            json!({"token": token, "showtime_id": show, "seats": ["E-5"], "hold_id": held["hold_id"]}),
        )
        .unwrap();
    c.call(
        "release_hold",
        json!({"token": token, "hold_id": renewed["hold_id"]}),
    )
    .unwrap();
    assert_eq!(c.code("shift_state", state.clone()), "session.locked");
    let back = c
        .call("unlock", json!({"token": token, "pin": "1111"}))
        .unwrap();
    assert_eq!(back["staff_name"], "Demo Cashier");
    // 12 hours after signing in the session is over, used or not.
    c.clock.advance(SignedDuration::from_hours(12));
    assert_eq!(c.code("shift_state", state.clone()), "session.expired");
    assert_eq!(c.code("shift_state", state), "not_logged_in");
}

#[test]
fn guesses_cannot_get_round_the_lockout() {
    let dir = tempfile::tempdir().unwrap();
    let c = Counter::new(dir.path());
    let sup = c.sign_in("dxb-marina-supervisor", "222222");
    let check = |pin: &str, action: &str| {
        c.call(
            "check_approval",
            json!({"token": sup, "action": action, "approval": {"pin": pin}}),
        )
    };
    // Alone at the counter the supervisor approves with their own PIN, but
    // that right PIN forgets no wrong one: it cannot be typed between
    // guesses at the manager's to get round the lockout.
    let code =
        |r: Result<Value, (String, String)>| r.map(|_| "ok".to_string()).unwrap_or_else(|e| e.0);
    assert_eq!(code(check("999999", "offline_override")), "wrong_pin");
    assert_eq!(code(check("999998", "offline_override")), "wrong_pin");
    assert_eq!(code(check("222222", "refund")), "ok");
    assert_eq!(code(check("222222", "offline_override")), "not_allowed");
    assert_eq!(code(check("999997", "offline_override")), "wrong_pin");
    assert_eq!(code(check("222222", "refund")), "ok");
    assert_eq!(code(check("999996", "offline_override")), "wrong_pin");
    assert_eq!(code(check("333333", "offline_override")), "locked_out");
    assert_eq!(code(check("222222", "refund")), "locked_out");
    // Only this supervisor's approvals: the cashier's are not locked.
    let cashier = c.sign_in("dxb-marina-cashier", "1111");
    let by_cashier = c
        .call(
            "check_approval",
            json!({"token": cashier, "action": "offline_override", "approval": {"pin": "333333"}}),
        )
        .unwrap();
    assert_eq!(by_cashier["name"], "Demo Manager");
    // A supervisor's 4-digit PIN would be refused by its shape before any hash.
    assert_eq!(
        c.code(
            "login",
            json!({"staff_id": "dxb-marina-supervisor", "pin": "12"})
        ),
        "invalid_input"
    );
}

#[test]
fn one_drawer_per_terminal_between_two_cashiers_and_a_supervisor() {
    let dir = tempfile::tempdir().unwrap();
    let c = Counter::new(dir.path());
    let show = c.show();
    let cashier = c.sign_in("dxb-marina-cashier", "1111");
    let amal = c.sign_in("dxb-marina-amal", "4321");
    let sup = c.sign_in("dxb-marina-supervisor", "222222");
    assert_eq!(c.sell(&cashier, &show, "H-1").unwrap_err().0, "shift.none");
    c.call(
        "shift_open",
        json!({"token": cashier, "float_minor": 10_000}),
    )
    .unwrap();
    let state = c.call("shift_state", json!({"token": amal})).unwrap();
    assert_eq!(state["open"]["staff_name"], "Demo Cashier");
    assert_eq!(state["may_sell"], false);
    assert_eq!(
        state["denominations"][0],
        json!({"minor": 100_000, "note": true})
    );
    // Amal may not sell into, report on or close the other cashier's drawer.
    let (code, message) = c.sell(&amal, &show, "H-1").unwrap_err();
    assert_eq!(code, "shift.not_yours");
    assert!(message.contains("Demo Cashier"), "{message}");
    assert_eq!(
        c.code("shift_report", json!({"token": amal})),
        "shift.owner_only"
    );
    assert_eq!(
        c.code("shift_close", json!({"token": amal, "counted_minor": 0})),
        "shift.owner_only"
    );
    assert_eq!(
        c.code(
            "cash_movement",
            json!({"token": amal, "kind": "drop", "amount_minor": 100, "reason": "safe"})
        ),
        "shift.not_yours"
    );
    // The supervisor steps in and sells into it.
    let sold = c.sell(&sup, &show, "H-2").unwrap();
    assert_eq!(sold["total_minor"], 7_500);
    // More than the drawer holds cannot be dropped (100 + 75 = 175).
    assert_eq!(
        c.code(
            "cash_movement",
            json!({"token": cashier, "kind": "drop", "amount_minor": 17_501, "reason": "safe"})
        ),
        "shift.not_in_drawer"
    );
    // The refusal is on the audit trail: trying amounts leaves a trace.
    let manager = c.sign_in("dxb-marina-manager", "333333");
    let trail = c
        .call("audit_trail", json!({"token": manager, "limit": 20}))
        .unwrap();
    assert!(
        trail
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "cash_refused"
                && e["detail"].as_str().unwrap().starts_with("drop")),
        "{trail}"
    );
    let dropped = c
        .call(
            "cash_movement",
            json!({"token": cashier, "kind": "drop", "amount_minor": 17_500, "reason": "safe"}),
        )
        .unwrap();
    assert!(dropped["print_error"].is_null(), "{dropped}");
    // The cashier's X report shows no money the count could be checked against.
    let x = c.call("shift_report", json!({"token": cashier})).unwrap();
    for blind in [
        "total_minor",
        "cash_minor",
        "card_minor",
        "expected_cash_minor",
        "vat_minor",
    ] {
        assert!(x["report"][blind].is_null(), "{blind}: {x}");
    }
    // Its preview's file name holds more than the shift and the second.
    let png = x["printout"]["png_path"].as_str().unwrap().to_string();
    let stem = std::path::Path::new(&png)
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert_eq!(stem.split('-').count(), 4, "{stem}");
    // The supervisor closes the cashier's shift, blind too until counted.
    let closed = c
        .call(
            "shift_close",
            json!({"token": sup, "counts": [{"minor": 100, "pieces": 1}]}),
        )
        .unwrap();
    assert_eq!(closed["report"]["staff_name"], "Demo Cashier");
    assert_eq!(closed["report"]["expected_cash_minor"], 0);
    assert_eq!(closed["report"]["variance_minor"], 100);
    // Now Amal opens her own.
    c.call("shift_open", json!({"token": amal, "float_minor": 0}))
        .unwrap();
    assert_eq!(
        c.code("shift_open", json!({"token": cashier, "float_minor": 0})),
        "shift.already_open"
    );
    c.sell(&amal, &show, "H-3").unwrap();
}
