//! The counter app's cold start: from launching the release `boxoffice`
//! (a new process, a new window, the WebKit processes behind it) to the
//! sign-in screen having its staff list, which the app logs with the
//! milliseconds since its process started. The terminal is the demo, set up
//! by a first run, so each sample opens existing data as a counter does each
//! morning. Also reported: the memory (PSS) of the app and its WebKit
//! processes at the sign-in screen. Goal: under 1.5 s.
//!
//! Needs a display: `make bench-app` builds the release app and runs this
//! under Xvfb.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    if std::env::var_os("DISPLAY").is_none() {
        println!("SKIPPED: no DISPLAY (run it with `make bench-app`, which starts Xvfb)");
        return;
    }
    divan::main();
}

fn app() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = std::env::var_os("BOXOFFICE_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/boxoffice"));
    assert!(
        bin.exists(),
        "no app at {} (cargo build --release -p boxoffice-app)",
        bin.display()
    );
    bin
}

fn launch(home: &Path) -> Child {
    Command::new(app())
        .arg("--demo")
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("BOXOFFICE_DATA")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("launch the app")
}

fn log_file(home: &Path) -> PathBuf {
    home.join(".local/share/com.boxoffice.counter/logs/app.log")
}

/// Waits for this run's "sign-in screen served" line; returns the app's own
/// milliseconds since its process started.
fn wait_for_sign_in(home: &Path, lines_before: usize) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(text) = std::fs::read_to_string(log_file(home)) {
            for line in text.lines().skip(lines_before) {
                if line.contains("sign-in screen served") {
                    let v: serde_json::Value = serde_json::from_str(line).expect("a JSON log line");
                    return v["since_start_ms"].as_u64().expect("since_start_ms");
                }
            }
        }
        assert!(Instant::now() < deadline, "the sign-in screen did not show");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn log_lines(home: &Path) -> usize {
    std::fs::read_to_string(log_file(home))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// Proportional set size (resident memory, shared pages split among the
/// processes sharing them) of `pid` and every process it started, in KiB,
/// as (total, the app alone).
fn tree_pss_kib(pid: u32) -> (u64, u64) {
    let pss = |p: u32| {
        std::fs::read_to_string(format!("/proc/{p}/smaps_rollup"))
            .ok()
            .and_then(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("Pss:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
            .unwrap_or(0)
    };
    let mut total = 0;
    let mut stack = vec![pid];
    while let Some(p) = stack.pop() {
        total += pss(p);
        // Children of every thread (WebKit's processes are started by one).
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
    (total, pss(pid))
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if child.try_wait().ok().flatten().is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A home whose demo was set up by a first run.
fn prepared_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("home");
    let child = launch(home.path());
    wait_for_sign_in(home.path(), 0);
    stop(child);
    home
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn cold_start_to_sign_in(bencher: divan::Bencher) {
    let home = prepared_home();
    let mut own_ms = Vec::new();
    bencher.bench_local(|| {
        let before = log_lines(home.path());
        let child = launch(home.path());
        own_ms.push(wait_for_sign_in(home.path(), before));
        stop(child);
    });
    own_ms.sort_unstable();
    if let (Some(median), Some(max)) = (own_ms.get(own_ms.len() / 2), own_ms.last()) {
        println!(
            "app's own figure, process start to sign-in screen: median {median} ms, max {max} ms"
        );
    }
}

/// Not a speed: the memory (PSS) at the sign-in screen, a second after it
/// showed, printed per sample (divan's times here include that second).
#[divan::bench(sample_count = 3, sample_size = 1)]
fn memory_at_sign_in(bencher: divan::Bencher) {
    let home = prepared_home();
    let mut pss = Vec::new();
    bencher.bench_local(|| {
        let before = log_lines(home.path());
        let child = launch(home.path());
        wait_for_sign_in(home.path(), before);
        std::thread::sleep(Duration::from_secs(1));
        pss.push(tree_pss_kib(child.id()));
        stop(child);
    });
    pss.sort_unstable();
    if let Some((total, app)) = pss.get(pss.len() / 2) {
        println!(
            "memory at the sign-in screen (PSS, median of {}): {} MiB in all, the app process {} MiB, \
             WebKit's processes {} MiB",
            pss.len(),
            total / 1024,
            app / 1024,
            (total - app) / 1024
        );
    }
}
