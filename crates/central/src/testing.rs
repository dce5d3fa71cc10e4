//! For tests (central's own and the end-to-end suite): one set of behaviour
//! tests runs on both backends. `BOXOFFICE_TEST_BACKEND=postgres` puts each
//! test's central on a fresh database of a real PostgreSQL server: the one
//! `BOXOFFICE_TEST_PG_URL` names, or else the throwaway server
//! `tests/pg/up.sh` starts (once) on loopback.

use std::path::Path;
use std::sync::OnceLock;

/// Whether this test run puts central on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("BOXOFFICE_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The admin connection string of the test PostgreSQL server, starting it
/// if needed (panics with the reason when it cannot: a test helper).
pub fn postgres_server() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(url) = std::env::var("BOXOFFICE_TEST_PG_URL") {
            return url;
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/pg/up.sh");
        let out = std::process::Command::new(script)
            .stderr(std::process::Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {script}: {e}"));
        assert!(out.status.success(), "{script} could not start PostgreSQL");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
    .clone()
}

/// A test database older than this is a leftover of an earlier run (tests
/// do not drop theirs: their centrals may still hold connections when they
/// end); the first new database of each test process drops the leftovers.
const LEFTOVER_AFTER_SECS: i64 = 6 * 3600;

/// A new, empty database on the test server; its connection string. Its
/// name carries the time it was made (`t_<unix seconds>_<random>`).
pub fn fresh_postgres_database() -> String {
    let admin = postgres_server();
    let now = jiff::Timestamp::now().as_second();
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| drop_leftover_databases(&admin, now));
    let name = format!("t_{now}_{}", uuid::Uuid::new_v4().simple());
    crate::sql::create_database(&admin, &name)
        .unwrap_or_else(|e| panic!("cannot create test database: {e}"));
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{base}/{name}")
}

/// Drops the test databases made more than [`LEFTOVER_AFTER_SECS`] before
/// `now` (and those of the older naming, with no time in their name).
fn drop_leftover_databases(admin: &str, now: i64) {
    let names = match crate::sql::databases_named(admin, "t_") {
        Ok(names) => names,
        Err(e) => return eprintln!("could not list the test databases: {e}"),
    };
    for name in names {
        if leftover(&name, now)
            && let Err(e) = crate::sql::drop_database(admin, &name)
        {
            eprintln!("could not drop leftover test database {name}: {e}");
        }
    }
}

/// Whether test database `name` is a leftover at `now`.
fn leftover(name: &str, now: i64) -> bool {
    let made = name
        .strip_prefix("t_")
        .and_then(|rest| rest.split_once('_'))
        .and_then(|(secs, _)| secs.parse::<i64>().ok());
    match made {
        Some(made) => now - made > LEFTOVER_AFTER_SECS,
        // `t_<uuid>`: made before names carried their time.
        None => name.len() == 34 && name[2..].chars().all(|c| c.is_ascii_hexdigit()),
    }
}

/// Drops a database [`fresh_postgres_database`] made (its connection string).
pub fn drop_postgres_database(url: &str) {
    let name = url.rsplit_once('/').map_or("", |(_, n)| n);
    if let Err(e) = crate::sql::drop_database(&postgres_server(), name) {
        eprintln!("could not drop test database {name}: {e}");
    }
}

/// Where a test's central keeps its data: a fresh PostgreSQL database when
/// the run is on PostgreSQL, else `file` in `dir`.
pub fn database_for(dir: &Path, file: &str) -> String {
    if on_postgres() {
        fresh_postgres_database()
    } else {
        dir.join(file).to_string_lossy().into_owned()
    }
}

/// A central database seeded with the demo data, on the run's backend
/// (opened on a thread of its own: the PostgreSQL client blocks, which an
/// async test's thread must not).
pub fn open_demo(dir: &Path) -> crate::CentralDb {
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let db = crate::CentralDb::connect(&database_for(&dir, "central.db"))
            .unwrap_or_else(|e| panic!("cannot open the test database: {e}"));
        crate::demo::seed(&db, jiff::Timestamp::now())
            .unwrap_or_else(|e| panic!("cannot seed the demo data: {e}"));
        db
    })
    .join()
    .unwrap_or_else(|_| panic!("opening the test database panicked"))
}

/// The latest showtime of `site` (on sale at any time of day) and its
/// seats that are not blocked, front rows first.
pub fn latest_show(db: &crate::CentralDb, site: &str) -> (String, Vec<String>) {
    latest_show_on_screens_over(db, site, 0)
}

/// [`latest_show`] among the showtimes on screens of more than `seats` seats.
pub fn latest_show_on_screens_over(
    db: &crate::CentralDb,
    site: &str,
    seats: usize,
) -> (String, Vec<String>) {
    let catalog: protocol::Catalog = db
        .catalog(
            site,
            jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24),
        )
        .unwrap();
    let large = |show: &&protocol::Showtime| {
        let screen = catalog.screens.iter().find(|s| s.id == show.screen_id);
        screen.is_some_and(|s| s.seats.len() > seats)
    };
    let show = catalog
        .showtimes
        .iter()
        .filter(large)
        .max_by_key(|s| s.starts_at)
        .unwrap();
    (show.id.clone(), open_seats(&catalog, &show.screen_id))
}

/// An override sale of `seats` of `showtime` by dxb-marina's cashier, paid
/// in cash, as the demo's first site sells.
pub fn sale(showtime: &str, seats: Vec<protocol::SoldSeat>) -> protocol::Sale {
    let now = jiff::Timestamp::now();
    let total: i64 = seats.iter().map(|s| s.price_minor).sum();
    protocol::Sale {
        order_id: uuid::Uuid::now_v7(),
        showtime_id: showtime.into(),
        seats,
        secured_by: protocol::SecuredBy::Override {
            manager_id: "dxb-marina-manager".into(),
        },
        total_minor: total,
        vat_minor: domain::vat::vat_included(total, 500),
        currency: domain::Currency::Aed,
        payments: vec![protocol::Payment {
            method: "cash".into(),
            amount_minor: total,
            reference: None,
        }],
        cashier_id: "dxb-marina-cashier".into(),
        sold_at: now,
        sold_at_central_estimate: now,
        price_override: None,
        business_day: None,
    }
}

/// Seats of `screen_id` that are not blocked, front rows first.
pub fn open_seats(catalog: &protocol::Catalog, screen_id: &str) -> Vec<String> {
    let Some(screen) = catalog.screens.iter().find(|s| s.id == screen_id) else {
        return Vec::new();
    };
    let mut open: Vec<_> = screen.seats.iter().filter(|s| !s.blocked).collect();
    open.sort_by_key(|s| (s.y, s.x));
    open.iter().map(|s| s.label.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::leftover;

    #[test]
    fn only_old_test_databases_are_leftovers() {
        let now = 1_800_000_000;
        assert!(leftover(&format!("t_{}_ab12", now - 7 * 3600), now));
        assert!(!leftover(&format!("t_{}_ab12", now - 60), now));
        assert!(leftover("t_0123456789abcdef0123456789abcdef", now));
        assert!(!leftover("t_load", now));
        assert!(!leftover("t_", now));
    }
}
