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

/// A new, empty database on the test server; its connection string.
pub fn fresh_postgres_database() -> String {
    let admin = postgres_server();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    crate::sql::create_database(&admin, &name)
        .unwrap_or_else(|e| panic!("cannot create test database: {e}"));
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    format!("{base}/{name}")
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
