//! The fleet as central IT sees it: a terminal's heartbeats carry its
//! version, ring, printer, last backup and free disk; `boxoffice-central
//! fleet` and the ops address's /fleet page and /fleet.json list every
//! terminal, and the ones needing attention (never heard from, a printer
//! problem) stand out. Central puts a terminal in a ring; the terminal
//! learns it from the heartbeat's answer and reports it back.

use e2e::{Central, Terminal, free_port};
use serde_json::Value;

fn row<'a>(fleet: &'a Value, terminal: &str) -> &'a Value {
    fleet
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["terminal_id"] == terminal)
        .unwrap_or_else(|| panic!("{terminal} not in the fleet: {fleet}"))
}

#[test]
fn heartbeats_fill_the_fleet_and_what_needs_attention_stands_out() {
    let dir = tempfile::tempdir().unwrap();
    let ops = format!("127.0.0.1:{}", free_port());
    let central = Central::start_with(dir.path(), &["--metrics-listen", &ops], None);
    let t1 = Terminal::new(dir.path().join("t1"));
    t1.init(&central, "dxb-marina", "dxb-marina-t1");
    t1.json(&["backup", "--json"]);
    String::from_utf8(
        central
            .cli(&["ring", "--terminal", "dxb-marina-t1", "canary"])
            .stdout,
    )
    .unwrap();
    // The first sync learns the ring, the second reports it.
    t1.run(&["sync"]);
    // A printer that does not answer: the problem is kept and reported.
    let closed = free_port();
    t1.run(&["printer", "--set", &format!("tcp:127.0.0.1:{closed}")]);
    t1.run(&["printer", "--test-page", "--retry"]);
    let out = t1.run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(
        central
            .cli(&["revoke", "--terminal", "dxb-marina-t3"])
            .stdout,
    )
    .unwrap();

    let fleet: Value =
        serde_json::from_str(&String::from_utf8(central.cli(&["fleet", "--json"]).stdout).unwrap())
            .unwrap();
    let me = row(&fleet, "dxb-marina-t1");
    assert_eq!(me["link"], "online", "{me}");
    assert_eq!(me["version"], env!("CARGO_PKG_VERSION"), "{me}");
    assert_eq!(me["ring"], "canary", "{me}");
    assert_eq!(me["queue_depth"], 0, "{me}");
    assert!(me["last_backup_at"].is_string(), "{me}");
    assert!(me["disk_free_mb"].as_i64().unwrap() > 0, "{me}");
    assert_eq!(me["printer"], format!("tcp:127.0.0.1:{closed}"));
    let attention: Vec<&str> = me["attention"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        attention.len() == 1 && attention[0].starts_with("printer: "),
        "{attention:?}"
    );
    let silent = row(&fleet, "dxb-marina-t2");
    assert_eq!(silent["link"], "never");
    assert_eq!(silent["attention"][0], "never heard from");
    assert_eq!(row(&fleet, "dxb-marina-t3")["link"], "revoked");
    // Every terminal of the chain is listed.
    let sites: Value = central.get("/v1/sites").unwrap();
    assert!(!sites.as_array().unwrap().is_empty());

    // The ops address serves the same, as data and as a page.
    let same: Value = reqwest::blocking::get(format!("http://{ops}/fleet.json"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(row(&same, "dxb-marina-t1")["ring"], "canary");
    // Terminals needing attention come first.
    let firsts: Vec<bool> = same
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["attention"].as_array().unwrap().is_empty())
        .collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]), "{firsts:?}");
    let page = reqwest::blocking::get(format!("http://{ops}/fleet"))
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("data-terminal=\"dxb-marina-t1\""));
    assert!(page.contains("need attention"));
    // The API's own address does not serve it.
    let api = reqwest::blocking::get(format!("{}/fleet", central.url)).unwrap();
    assert_eq!(api.status(), 404);
}
