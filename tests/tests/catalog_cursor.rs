//! The catalog is pulled with a cursor: a terminal that already has the
//! current catalog gets 304 and rewrites nothing.

use e2e::Terminal;
use e2e::fault_proxy::FaultProxy;

#[test]
fn an_unchanged_catalog_is_not_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let central = e2e::Central::start(dir.path());
    let proxy = FaultProxy::start(&central.url);
    let t = Terminal::new(dir.path().join("t1"));
    let out = t.run(&[
        "init",
        "--central",
        &proxy.url(),
        "--site",
        "dxb-marina",
        "--terminal",
        "dxb-marina-t1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    proxy.clear_log();
    let out = t.run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pulls = proxy.exchanges_on("/v1/sites/dxb-marina/catalog");
    assert_eq!(pulls.len(), 1, "{pulls:?}");
    assert!(pulls[0].path.contains("known="), "{pulls:?}");
    assert_eq!(pulls[0].client_status, Some(304));
    // The terminal still sells from what it has.
    assert!(
        !t.json(&["showtimes", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A change at central (a new showtime) changes the version: the next sync pulls it.
    let conn = rusqlite::Connection::open(&central.db).unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    conn.execute(
        "INSERT INTO showtimes (id, site_id, screen_id, film_id, starts_at, format, price_card_id)
         SELECT 'extra-show', site_id, screen_id, film_id, starts_at + 600, format, price_card_id
         FROM showtimes WHERE site_id = 'dxb-marina' ORDER BY starts_at DESC LIMIT 1",
        [],
    )
    .unwrap();
    proxy.clear_log();
    let out = t.run(&["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pulls = proxy.exchanges_on("/v1/sites/dxb-marina/catalog");
    assert_eq!(pulls[0].client_status, Some(200), "{pulls:?}");
    let tomorrow = t.tomorrow_showtimes();
    let today = t.json(&["showtimes", "--json"]);
    let known = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == "extra-show")
    };
    assert!(known(&today) || known(&tomorrow));
}
