//! The audit trail (issue 11): sensitive actions are recorded with who did
//! them and who approved them, the trail is a manager's to read, and `audit
//! verify` detects an entry edited, deleted or cut off the end.

use e2e::{Central, Terminal};
use rusqlite::Connection;
use serde_json::Value;

#[test]
fn sensitive_actions_are_chained_and_tampering_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let _central = Central::start(dir.path());
    let t = Terminal::new(dir.path().join("t1"));
    t.init_without_shift(&_central, "dxb-marina", "dxb-marina-t1");
    let show = t.show_id_on("Screen 2");

    t.json(&["shift", "open", "--float", "200", "--pin", "1111", "--json"]);
    let comp = t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "D-1,D-2",
        "--pay",
        "cash:0",
        "--complimentary",
        "--reason",
        "Guests of the manager",
        "--supervisor-pin",
        "333333",
        "--pin",
        "1111",
        "--json",
    ]);
    let order = comp["order_id"].as_str().unwrap().to_string();
    t.json(&[
        "reprint", "--order", &order, "--seat", "D-1", "--pin", "222222", "--json",
    ]);
    t.json(&[
        "shift",
        "close",
        "--counted",
        "200",
        "--pin",
        "1111",
        "--json",
    ]);

    // A manager reads it: who, what, approved by whom, newest first.
    let rows = t.json(&["audit", "list", "--pin", "333333", "--json"]);
    let rows = rows.as_array().unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        ["shift_close", "reprint", "complimentary", "shift_open"]
    );
    let comp_row = &rows[2];
    assert_eq!(comp_row["staff_id"], "dxb-marina-cashier");
    assert_eq!(comp_row["approved_by"], "dxb-marina-manager");
    assert_eq!(comp_row["subject"], order.as_str());
    let detail = comp_row["detail"].as_str().unwrap();
    assert!(
        detail.contains("Guests of the manager") && detail.contains("D-1, D-2"),
        "{comp_row}"
    );
    assert_eq!(rows[1]["approved_by"], "dxb-marina-supervisor");
    assert_eq!(rows[0]["terminal_id"], "dxb-marina-t1");
    // Nobody else does.
    let err = t.fails(&["audit", "list", "--pin", "222222"]);
    assert!(err.contains("not_allowed"), "{err}");

    let verify = |t: &e2e::Terminal| {
        let out = t.run(&["audit", "verify", "--json"]);
        let v: Value = serde_json::from_slice(&out.stdout).expect("verify JSON");
        (out.status.code(), v)
    };
    let (code, v) = verify(&t);
    assert_eq!(
        (code, v["intact"].clone(), v["entries"].clone()),
        (Some(0), true.into(), 4.into())
    );

    // An edited entry.
    let db = Connection::open(t.data.join("terminal.sqlite")).unwrap();
    let detail: String = db
        .query_row("SELECT detail FROM audit_log WHERE seq = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    db.execute(
        "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2",
        [],
    )
    .unwrap();
    let (code, v) = verify(&t);
    assert_eq!(code, Some(2), "{v}");
    assert!(
        v["problem"]
            .as_str()
            .unwrap()
            .contains("entry 2 was changed"),
        "{v}"
    );
    db.execute("UPDATE audit_log SET detail = ?1 WHERE seq = 2", [&detail])
        .unwrap();
    assert_eq!(verify(&t).0, Some(0));

    // A deleted entry in the middle, then the newest one.
    let saved: Vec<(String, String)> = db
        .prepare("SELECT id, hash FROM audit_log WHERE seq = 3")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(saved.len(), 1);
    db.execute_batch(
        "CREATE TEMP TABLE keep AS SELECT * FROM audit_log WHERE seq = 3;
         DELETE FROM audit_log WHERE seq = 3;",
    )
    .unwrap();
    let (code, v) = verify(&t);
    assert_eq!(code, Some(2), "{v}");
    assert!(
        v["problem"]
            .as_str()
            .unwrap()
            .contains("entry 3 is missing"),
        "{v}"
    );
    db.execute_batch("INSERT INTO audit_log SELECT * FROM keep;")
        .unwrap();
    assert_eq!(verify(&t).0, Some(0));
    db.execute("DELETE FROM audit_log WHERE seq = 4", [])
        .unwrap();
    let (code, v) = verify(&t);
    assert_eq!(code, Some(2), "{v}");
    assert!(
        v["problem"]
            .as_str()
            .unwrap()
            .contains("newest entries are missing"),
        "{v}"
    );
    // More actions after the newest entry went do not hide the gap.
    t.json(&[
        "shift", "open", "--float", "100", "--pin", "222222", "--json",
    ]);
    let (code, v) = verify(&t);
    assert_eq!(code, Some(2), "{v}");
    assert!(
        v["problem"]
            .as_str()
            .unwrap()
            .contains("entry 4 is missing"),
        "{v}"
    );
    // Nor does emptying the table.
    db.execute("DELETE FROM audit_log", []).unwrap();
    let (code, v) = verify(&t);
    assert_eq!(code, Some(2), "{v}");
}
