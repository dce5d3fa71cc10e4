//! Helpers for end-to-end tests: run the real `boxoffice-central` and
//! `boxoffice-site` binaries on loopback and in temporary directories.
//!
//! The binaries are taken from the same target directory as the test
//! (`cargo build --workspace --bins` first; `make test` does).

pub mod fault_proxy;
pub mod vpn;

use serde_json::Value;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Path of a workspace binary next to the running test.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/test-xxxx -> target/debug/
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build --workspace --bins` before the tests",
        path.display()
    );
    path
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A running reference central with demo data.
pub struct Central {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// Its database file (on a PostgreSQL run: where its web key is kept
    /// beside, `<db>.web-key`; the data is in [`Central::store`]).
    pub db: PathBuf,
    /// What `--db` names: the SQLite file, or a PostgreSQL database
    /// when the run is on PostgreSQL (`BOXOFFICE_TEST_BACKEND=postgres`).
    pub store: String,
}

impl Central {
    /// Starts `boxoffice-central serve --demo` in `dir` and waits until it answers.
    pub fn start(dir: &Path) -> Central {
        Central::start_with(dir, &[], None)
    }

    /// Like [`Central::start`], with more arguments for `serve` and its log
    /// (standard error) written to `log`.
    pub fn start_with(dir: &Path, extra: &[&str], log: Option<&Path>) -> Central {
        let db = dir.join("central.sqlite");
        let store = central::testing::database_for(dir, "central.sqlite");
        Central::start_on(&store, &db, extra, log)
    }

    /// Starts a demo central on database `store` (a SQLite file or a
    /// PostgreSQL connection string, passed in `BOXOFFICE_CENTRAL_DB`),
    /// keeping its web key in `<db>.web-key`.
    pub fn start_on(store: &str, db: &Path, extra: &[&str], log: Option<&Path>) -> Central {
        let port = free_port();
        let stderr = match log {
            Some(path) => Stdio::from(std::fs::File::create(path).expect("central log")),
            None => Stdio::null(),
        };
        let child = central_command(store, db, &format!("127.0.0.1:{port}"))
            .args(extra)
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("start central");
        let central = Central {
            child,
            url: format!("http://127.0.0.1:{port}"),
            db: db.to_path_buf(),
            store: store.to_string(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if central.get("/v1/health").is_ok() {
                return central;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("central did not start on port {port}");
    }

    /// Runs `boxoffice-central ARGS` on this central's database (in
    /// `BOXOFFICE_CENTRAL_DB`); it must succeed. Returns its output.
    pub fn cli(&self, args: &[&str]) -> Output {
        let out = Command::new(bin("boxoffice-central"))
            .args(args)
            .env("BOXOFFICE_CENTRAL_DB", &self.store)
            .output()
            .expect("run boxoffice-central");
        assert!(
            out.status.success(),
            "boxoffice-central {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// The demo web shop's channel id and key (`<db>.web-key`, written by
    /// the demo central at start).
    pub fn web_key(&self) -> (String, String) {
        web_key(&self.db)
    }

    /// A request as the demo web shop (its channel header and key).
    pub fn as_web(
        &self,
        req: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        // Before central has started (waiting for its health) there is no key yet.
        if !web_key_path(&self.db).exists() {
            return req;
        }
        let (channel, key) = self.web_key();
        req.header("x-boxoffice-web-channel", channel)
            .bearer_auth(key)
    }

    /// GETs a JSON document, as the demo web shop.
    pub fn get(&self, path: &str) -> Result<Value, String> {
        let resp = self
            .as_web(reqwest::blocking::Client::new().get(format!("{}{path}", self.url)))
            .send()
            .map_err(|e| e.to_string())?;
        let status = resp.status();
        let v: Value = resp.json().map_err(|e| e.to_string())?;
        if status.is_success() {
            Ok(v)
        } else {
            Err(format!("{status}: {v}"))
        }
    }

    /// GETs as terminal `terminal` (a demo central takes terminals without
    /// a token), returning (status, body).
    pub fn get_status(&self, path: &str, terminal: &str) -> (u16, Value) {
        let resp = reqwest::blocking::Client::new()
            .get(format!("{}{path}", self.url))
            .header("x-boxoffice-terminal", terminal)
            .send()
            .expect("get from central");
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(Value::Null))
    }

    /// POSTs JSON as the demo web shop, returning (status, body).
    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let resp = self
            .as_web(reqwest::blocking::Client::new().post(format!("{}{path}", self.url)))
            .json(body)
            .send()
            .expect("post to central");
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(Value::Null))
    }

    /// The state central reports for one seat (`free` when not listed).
    pub fn seat_state(&self, showtime: &str, label: &str) -> String {
        let v = self
            .get(&format!("/v1/showtimes/{showtime}/seats"))
            .expect("seat states");
        v["seats"]
            .as_array()
            .expect("seats array")
            .iter()
            .find(|s| s["label"] == label)
            .map(|s| s["state"].as_str().unwrap_or("?").to_string())
            .unwrap_or_else(|| "free".into())
    }
}

/// A pushed sale body of one adult seat at `price`, paid `paid` in cash,
/// secured by Dubai Marina's manager's override (as a terminal sends it).
pub fn override_sale(show: &str, seat: &str, price: i64, paid: i64) -> Value {
    let now = jiff::Timestamp::now().to_string();
    serde_json::json!({
        "kind": "sale",
        "order_id": uuid::Uuid::now_v7(),
        "showtime_id": show,
        "seats": [{"label": seat, "ticket_type": "adult", "price_minor": price}],
        "secured_by": {"by": "override", "manager_id": "dxb-marina-manager"},
        "total_minor": price,
        "vat_minor": 0,
        "currency": "AED",
        "payments": [{"method": "cash", "amount_minor": paid}],
        "cashier_id": "dxb-marina-cashier",
        "sold_at": now,
        "sold_at_central_estimate": now,
    })
}

/// `boxoffice-central serve --demo` on `store`, its web key beside `db`.
fn central_command(store: &str, db: &Path, listen: &str) -> Command {
    let mut cmd = Command::new(bin("boxoffice-central"));
    cmd.args(["serve", "--demo", "--listen", listen])
        .arg("--web-key-file")
        .arg(web_key_path(db))
        .env("BOXOFFICE_CENTRAL_DB", store);
    cmd
}

/// Where a demo central keeps its web channel's key: `<db>.web-key`
/// (`central::web_channels::demo_key_path`).
pub fn web_key_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".web-key");
    name.into()
}

/// The web channel id and key a demo central wrote beside its database `db`.
pub fn web_key(db: &Path) -> (String, String) {
    let path = web_key_path(db);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no demo web key at {}: {e}", path.display()));
    let file: Value = serde_json::from_str(&text).expect("web key file");
    (
        file["channel"].as_str().expect("channel").to_string(),
        file["key"].as_str().expect("key").to_string(),
    )
}

impl Drop for Central {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless terminal in its own data directory.
pub struct Terminal {
    /// Data directory.
    pub data: PathBuf,
    /// Environment variables set for every command (e.g. `BOXOFFICE_SIM_SEED`).
    pub env: Vec<(String, String)>,
    /// The network namespace its commands run in (`ip netns exec`), if not ours.
    pub netns: Option<String>,
}

impl Terminal {
    /// A terminal whose data lives in `dir`.
    pub fn new(dir: PathBuf) -> Terminal {
        Terminal {
            data: dir,
            env: Vec::new(),
            netns: None,
        }
    }

    /// The same terminal with its commands run in network namespace `ns`.
    pub fn in_netns(mut self, ns: &str) -> Terminal {
        self.netns = Some(ns.to_string());
        self
    }

    /// The same terminal with `key=value` in the environment of every command.
    pub fn with_env(mut self, key: &str, value: &str) -> Terminal {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// `boxoffice-site --data DIR` with this terminal's environment, to add
    /// arguments to and spawn (e.g. to kill it mid-way).
    pub fn command(&self) -> Command {
        let mut cmd = match &self.netns {
            Some(ns) => {
                let mut cmd = Command::new("ip");
                cmd.args(["netns", "exec", ns]).arg(bin("boxoffice-site"));
                cmd
            }
            None => Command::new(bin("boxoffice-site")),
        };
        cmd.arg("--data").arg(&self.data);
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    /// Runs `boxoffice-site --data DIR args...`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command()
            .args(args)
            .output()
            .expect("run boxoffice-site")
    }

    /// Runs a command that must succeed and returns its stdout as JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "boxoffice-site {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    /// Sells `seats` of `show` as the demo cashier (PIN 1111) for cash
    /// (AED 1,000 handed over), the ID check confirmed; the sale as JSON.
    pub fn sell_cash(&self, show: &str, seats: &str) -> Value {
        self.json(&[
            "sell",
            "--showtime",
            show,
            "--seats",
            seats,
            "--pay",
            "cash:1000",
            "--pin",
            "1111",
            "--id-checked",
            "--json",
        ])
    }

    /// Runs a command that must fail; returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "boxoffice-site {args:?} should have failed"
        );
        String::from_utf8_lossy(&out.stderr).trim().to_string()
    }

    /// Initialises against `central` as `terminal` of `site`, with the demo
    /// cashier's shift open (sales need one).
    pub fn init(&self, central: &Central, site: &str, terminal: &str) {
        self.init_without_shift(central, site, terminal);
        self.json(&["shift", "open", "--float", "0", "--pin", "1111", "--json"]);
    }

    /// Initialises like [`Terminal::init`] but opens no shift.
    pub fn init_without_shift(&self, central: &Central, site: &str, terminal: &str) {
        let out = self.run(&[
            "init",
            "--central",
            &central.url,
            "--site",
            site,
            "--terminal",
            terminal,
        ]);
        assert!(
            out.status.success(),
            "init failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Counts rows of a table in the terminal's database.
    pub fn count(&self, table: &str) -> i64 {
        let conn = rusqlite::Connection::open_with_flags(
            self.data.join("terminal.sqlite"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open terminal db");
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    }
}

/// A central with demo data and terminal `dxb-marina-t1` initialised against it, in `dir`.
pub fn demo_terminal(dir: &Path) -> (Central, Terminal) {
    let central = Central::start(dir);
    let t = Terminal::new(dir.join("t1"));
    t.init(&central, "dxb-marina", "dxb-marina-t1");
    (central, t)
}

impl Terminal {
    /// The first of tomorrow's showtimes on a screen whose name contains
    /// `screen` (tomorrow's are on sale whatever the time of day the tests run).
    pub fn showtime_on(&self, screen: &str) -> Value {
        let list = self.tomorrow_showtimes();
        list.as_array()
            .expect("showtimes array")
            .iter()
            .find(|s| s["screen"].as_str().unwrap_or("").contains(screen))
            .cloned()
            .unwrap_or_else(|| panic!("no showtime on {screen} today"))
    }

    /// Tomorrow's showtimes (`showtimes --day TOMORROW --json`).
    pub fn tomorrow_showtimes(&self) -> Value {
        let day = self.json(&["status", "--json"])["business_day"]
            .as_str()
            .expect("business day")
            .to_string();
        self.json(&["showtimes", "--day", &next_day(&day), "--json"])
    }

    /// The id of [`Terminal::showtime_on`].
    pub fn show_id_on(&self, screen: &str) -> String {
        self.showtime_on(screen)["id"]
            .as_str()
            .expect("showtime id")
            .to_string()
    }

    /// One seat of a showtime as this terminal shows it (`seats --json`).
    pub fn seat(&self, showtime: &str, label: &str) -> Value {
        let seats = self.json(&["seats", "--showtime", showtime, "--json"]);
        seats
            .as_array()
            .expect("seats array")
            .iter()
            .find(|s| s["label"] == label)
            .cloned()
            .unwrap_or_else(|| panic!("no seat {label}"))
    }
}

/// The day after `day` (YYYY-MM-DD).
pub fn next_day(day: &str) -> String {
    let parts: Vec<u32> = day.split('-').filter_map(|p| p.parse().ok()).collect();
    let (y, m, d) = (parts[0], parts[1], parts[2]);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let (y, m, d) = if d < days_in_month {
        (y, m, d + 1)
    } else if m < 12 {
        (y, m + 1, 1)
    } else {
        (y + 1, 1, 1)
    };
    format!("{y:04}-{m:02}-{d:02}")
}

impl Central {
    /// Stops the server (kill -9): the link to every terminal is dead.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the server again on the same address and database.
    pub fn restart(&mut self) {
        self.stop();
        let listen = self.url.trim_start_matches("http://").to_string();
        self.child = central_command(&self.store, &self.db, &listen)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("restart central");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.get("/v1/health").is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("central did not restart at {listen}");
    }
}

/// The first `weekday` at least three days after today in Dubai: a day whose
/// weekday is known, whatever day the tests run.
pub fn next_weekday(weekday: jiff::civil::Weekday) -> jiff::civil::Date {
    let now = jiff::Timestamp::now();
    let today = jiff::tz::TimeZone::get("Asia/Dubai")
        .expect("Asia/Dubai")
        .to_datetime(now)
        .date();
    let mut d = today
        .checked_add(jiff::Span::new().days(3))
        .expect("a date");
    while d.weekday() != weekday {
        d = d.tomorrow().expect("a date");
    }
    d
}

impl Central {
    /// Adds a Little Pearl (G) showtime on Dubai Marina's Screen 2 (standard
    /// card: adult AED 50.00, child AED 35.00, before rules) at local `date`
    /// `h:m` in `format`, straight into central's database, and returns its id
    /// `{prefix}-{yyyymmdd}-{hhmm}-{format}`. Terminals see it at their next sync.
    pub fn add_showtime(
        &self,
        prefix: &str,
        date: jiff::civil::Date,
        h: i8,
        m: i8,
        format: &str,
    ) -> String {
        let id = format!("{prefix}-{}-{h:02}{m:02}-{format}", date.strftime("%Y%m%d"));
        let starts = jiff::tz::TimeZone::get("Asia/Dubai")
            .expect("Asia/Dubai")
            .to_timestamp(date.at(h, m, 0, 0))
            .expect("a start time");
        let conn = rusqlite::Connection::open(&self.db).expect("central db");
        conn.busy_timeout(Duration::from_secs(10))
            .expect("busy timeout");
        conn.execute(
            "INSERT INTO showtimes (id, site_id, screen_id, film_id, starts_at, format, price_card_id)
             VALUES (?1, 'dxb-marina', 'dxb-marina-s2', 'little-pearl', ?2, ?3, 'dxb-marina-standard')",
            rusqlite::params![id, starts.as_second(), format],
        )
        .expect("insert showtime");
        id
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_day_rolls_months_and_years() {
        assert_eq!(super::next_day("2026-11-26"), "2026-11-27");
        assert_eq!(super::next_day("2026-11-30"), "2026-12-01");
        assert_eq!(super::next_day("2026-12-31"), "2027-01-01");
        assert_eq!(super::next_day("2028-02-28"), "2028-02-29");
        assert_eq!(super::next_day("2027-02-28"), "2027-03-01");
    }
}
