//! The counter app while selling on the 644-seat map, through its real
//! window: the release `boxoffice` driven by `tauri-driver` and Debian's
//! `WebKitWebDriver` (fantoccini). The counter is a configured one, as on a
//! real counter (no embedded central): a release central on loopback, a
//! terminal set up with `boxoffice-site init` and a cashier's shift open.
//! The cashier signs in on the keypad, opens tomorrow's show on Screen 4
//! Grand (644 seats) and sells two seats at a time: best available, pay,
//! exact cash, next sale.
//!
//! Measured: the time of one whole sale through the window (divan), and the
//! memory (PSS: shared pages split among the processes sharing them) of the
//! app and its WebKit processes at sign-in, with the map open and after
//! every sale. Goal: under 150 MB while selling.
//!
//! Needs a display, `tauri-driver` and `WebKitWebDriver`: `make bench-app`
//! installs them, builds the release binaries and runs this under Xvfb.

use e2e::{Central, Terminal, bin, free_port};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SALES: u32 = 30;

fn main() {
    if std::env::var_os("DISPLAY").is_none() {
        println!("SKIPPED: no DISPLAY (run it with `make bench-app`, which starts Xvfb)");
        return;
    }
    if Command::new("WebKitWebDriver")
        .arg("--version")
        .output()
        .is_err()
    {
        println!(
            "SKIPPED: no WebKitWebDriver (apt install webkit2gtk-driver; `make bench-app` does)"
        );
        return;
    }
    divan::main();
}

fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let path = home.join("bin/tauri-driver");
    assert!(
        path.exists(),
        "no tauri-driver at {} (cargo install tauri-driver@^2 --locked; `make bench-app` does)",
        path.display()
    );
    path
}

/// Proportional set size of `pid` and every process it started, in KiB,
/// as (total, the app alone).
fn tree_pss_kib(pid: u32) -> (u64, u64) {
    let total = tree(pid).into_iter().map(pss_kib).sum();
    (total, pss_kib(pid))
}

/// Each process of the tree with its PSS, e.g. `boxoffice 84 MiB, WebKitWebProces 250 MiB`.
fn per_process(pid: u32) -> String {
    tree(pid)
        .into_iter()
        .map(|p| {
            let name = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
            format!("{} {} MiB", name.trim(), mib(pss_kib(p)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn pss_kib(p: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{p}/smaps_rollup"))
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .unwrap_or(0)
}

/// `pid` and every process below it.
fn tree(pid: u32) -> Vec<u32> {
    let mut all = Vec::new();
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        all.push(p);
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) {
            for task in tasks.flatten() {
                if let Ok(children) = std::fs::read_to_string(task.path().join("children")) {
                    stack.extend(
                        children
                            .split_whitespace()
                            .filter_map(|c| c.parse::<u32>().ok()),
                    );
                }
            }
        }
    }
    all
}

/// The app's process among those `driver` started.
fn app_pid(driver: u32, app: &Path) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for p in tree(driver) {
            if std::fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|exe| exe == app) {
                return p;
            }
        }
        assert!(Instant::now() < deadline, "the app did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: a killed tauri-driver leaves WebKitWebDriver
        // holding its port.
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.0.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn css(selector: &str) -> Locator<'_> {
    Locator::Css(selector)
}

async fn click(c: &Client, selector: &str) {
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(css(selector))
        .await
        .unwrap_or_else(|e| panic!("no {selector}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("cannot click {selector}: {e}"));
}

async fn count(c: &Client, selector: &str) -> usize {
    c.find_all(css(selector))
        .await
        .map(|v| v.len())
        .unwrap_or(0)
}

async fn wait_count(c: &Client, selector: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while count(c, selector).await != n {
        assert!(Instant::now() < deadline, "never {n} of {selector}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One sale: two seats by best available, exact cash, on to the next sale.
async fn sell_two(c: &Client) {
    click(c, "[data-testid='best-button']").await;
    wait_count(c, "[data-seat][data-selected='true']", 2).await;
    click(c, "[data-testid='pay-button']").await;
    click(c, "[data-testid='tender-exact']").await;
    click(c, "[data-testid='sale-done'] [data-testid='new-sale']").await;
    wait_count(c, "[data-testid='sale-done']", 0).await;
    wait_count(c, "[data-seat][data-selected='true']", 0).await;
}

fn mib(kib: u64) -> u64 {
    kib / 1024
}

#[divan::bench(sample_count = SALES, sample_size = 1)]
fn sale_through_the_window(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().expect("temp dir");
    let central = Central::start(dir.path());
    let t = Terminal::new(dir.path().join("terminal"));
    t.init(&central, "dxb-marina", "dxb-marina-t1");
    let show = t
        .tomorrow_showtimes()
        .as_array()
        .expect("showtimes")
        .iter()
        .find(|s| {
            s["screen"] == "Screen 4 Grand"
                && s["id_check"] == false
                && s["seats_free"].as_u64().unwrap_or(0) >= u64::from(SALES) * 2 + 20
        })
        .cloned()
        .expect("a Grand show tomorrow without an ID check");
    let show_id = show["id"].as_str().expect("id").to_string();

    let app = bin("boxoffice");
    let port = free_port();
    let driver = Driver(
        Command::new(tauri_driver())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &free_port().to_string(),
            ])
            .env("BOXOFFICE_DATA", &t.data)
            .env("HOME", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tauri-driver"),
    );
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let client = rt.block_on(async {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app }),
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) => {
                    assert!(Instant::now() < deadline, "tauri-driver: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    });
    let pid = app_pid(driver.0.id(), &app);

    rt.block_on(async {
        click(&client, "[data-testid='staff-dxb-marina-cashier']").await;
        for _ in 0..4 {
            click(&client, "[data-testid='pin-key-1']").await;
        }
        click(&client, "[data-testid='pin-enter']").await;
        wait_count(&client, "[data-testid='counter']", 1).await;
    });
    std::thread::sleep(Duration::from_secs(1));
    let at_sign_in = tree_pss_kib(pid);
    rt.block_on(async {
        click(&client, "[data-testid='day-tomorrow']").await;
        click(&client, &format!("[data-showtime='{show_id}']")).await;
        wait_count(&client, "[data-seat]", 644).await;
        // A first sale warms the pay dialog and the receipt.
        sell_two(&client).await;
    });
    let map_open = tree_pss_kib(pid);
    let mut after_sales = Vec::new();
    let mut most: (u64, String) = (0, String::new());
    bencher.bench_local(|| {
        rt.block_on(sell_two(&client));
        let now = tree_pss_kib(pid);
        if now.0 > most.0 {
            most = (now.0, per_process(pid));
        }
        after_sales.push(now);
    });
    let sold = t.count("orders");
    rt.block_on(async {
        let _ = client.close().await;
    });
    drop(driver);

    let max = after_sales.iter().max_by_key(|(total, _)| *total).copied();
    let last = after_sales.last().copied();
    if let (Some(max), Some(last)) = (max, last) {
        println!(
            "orders sold through the window: {sold}; memory (PSS) of the app and its WebKit \
             processes: signed in {} MiB (app {}), map of 644 open {} MiB (app {}), after {} \
             sales {} MiB (app {}), most while selling {} MiB (app {}, WebKit {})",
            mib(at_sign_in.0),
            mib(at_sign_in.1),
            mib(map_open.0),
            mib(map_open.1),
            after_sales.len(),
            mib(last.0),
            mib(last.1),
            mib(max.0),
            mib(max.1),
            mib(max.0 - max.1),
        );
        println!("at the most: {}", most.1);
    }
}
