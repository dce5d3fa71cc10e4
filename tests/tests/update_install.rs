//! Installing a staged update, end to end: central IT publishes a real
//! Debian package (built here with `dpkg-deb`) to the canary ring; a
//! terminal's `serve` (the counter's screen behind it) finds, checks and
//! stages it while an order is open and does not ask for it to be
//! installed; once the screen says the counter is idle it asks; root's half
//! (`install-update`) checks the package again and installs it with the
//! real `dpkg` into a scratch root; the diagnostics screen follows each
//! step, and the app restarts into the new version once idle, once. A
//! package changed on the counter's disk after staging (the data
//! directory belongs to the counter's user, not to root) is refused by root,
//! thrown away and never installed.

use e2e::{Central, Terminal, bin, free_port};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const TARGET: &str = "linux-x86_64-deb";

/// A real Debian package `boxoffice` at `version`, which installs
/// `/usr/share/boxoffice/VERSION`.
fn deb(dir: &Path, version: &str) -> PathBuf {
    let tree = dir.join(format!("pkg-{version}"));
    std::fs::create_dir_all(tree.join("DEBIAN")).unwrap();
    std::fs::create_dir_all(tree.join("usr/share/boxoffice")).unwrap();
    std::fs::write(
        tree.join("DEBIAN/control"),
        format!(
            "Package: boxoffice\nVersion: {version}\nArchitecture: all\n\
             Maintainer: Boxoffice IT <it@boxoffice.invalid>\nDescription: test update\n"
        ),
    )
    .unwrap();
    std::fs::write(
        tree.join("usr/share/boxoffice/VERSION"),
        format!("{version}\n"),
    )
    .unwrap();
    let out_file = dir.join(format!("boxoffice_{version}_all.deb"));
    let built = Command::new("dpkg-deb")
        .args(["--root-owner-group", "--build"])
        .arg(&tree)
        .arg(&out_file)
        .output()
        .expect("dpkg-deb (package dpkg) is installed");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    out_file
}

/// An empty system for `dpkg --root`.
fn scratch_root(dir: &Path) -> PathBuf {
    let root = dir.join("root");
    std::fs::create_dir_all(root.join("var/lib/dpkg/info")).unwrap();
    std::fs::create_dir_all(root.join("var/lib/dpkg/updates")).unwrap();
    std::fs::write(root.join("var/lib/dpkg/status"), "").unwrap();
    root
}

fn installed_version(root: &Path) -> Option<String> {
    let out = Command::new("dpkg-query")
        .arg(format!(
            "--admindir={}",
            root.join("var/lib/dpkg").display()
        ))
        .args(["-W", "-f", "${Version}", "boxoffice"])
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).to_string())
}

/// The terminal's `serve`, and a way to call its commands through the door.
struct Served {
    child: Child,
    url: String,
    key: String,
    http: reqwest::blocking::Client,
}

impl Served {
    fn start(t: &Terminal) -> Served {
        let port = free_port();
        let key_file = t.data.join("door.key");
        let child = t
            .command()
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let http = reqwest::blocking::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while http.get(format!("{url}/api/health")).send().is_err() {
            assert!(Instant::now() < deadline, "serve did not answer");
            std::thread::sleep(Duration::from_millis(100));
        }
        let key = std::fs::read_to_string(key_file)
            .unwrap()
            .trim()
            .to_string();
        Served {
            child,
            url,
            key,
            http,
        }
    }

    fn call(&self, cmd: &str, body: Value) -> Value {
        self.http
            .post(format!("{}/api/{cmd}", self.url))
            .header("x-boxoffice-key", &self.key)
            .json(&body)
            .send()
            .unwrap()
            .json()
            .unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn install(t: &Terminal, trust: &Path, root: &Path) -> Output {
    t.run(&[
        "install-update",
        "--trust",
        trust.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
        "--json",
    ])
}

#[test]
fn a_staged_update_is_installed_only_when_the_counter_is_idle_and_a_changed_one_never() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let central = Central::start(d);
    let key = d.join("update.key");
    central.cli(&["update-key", "--out", key.to_str().unwrap()]);
    let trust = d.join("update.key.pub");
    let t = Terminal::new(d.join("t1"))
        .with_env("BOXOFFICE_PACKAGE_TYPE", TARGET)
        .with_env("BOXOFFICE_UPDATE_PUB", trust.to_str().unwrap());
    t.init(&central, "dxb-marina", "dxb-marina-t1");
    central.cli(&["ring", "--terminal", "dxb-marina-t1", "canary"]);
    let publish = |version: &str| {
        let file = deb(d, version);
        central.cli(&[
            "release",
            "publish",
            "--file",
            file.to_str().unwrap(),
            "--version",
            version,
            "--ring",
            "canary",
            "--signing-key",
            key.to_str().unwrap(),
        ]);
    };
    publish("0.1.1");
    let root = scratch_root(d);
    let updates = t.data.join("updates");
    let request = updates.join("install.request");

    let served = Served::start(&t);
    let session = served.call(
        "login",
        json!({"staff_id": "dxb-marina-manager", "pin": "333333"}),
    );
    let token = session["token"].as_str().expect("a session").to_string();
    let install_state = || {
        let diag = served.call("diagnostics", json!({"token": token}));
        (
            diag["update"]["install"].as_str().map(str::to_string),
            diag["update"]["install_message"].to_string(),
        )
    };

    // Seats chosen: the update is staged but not asked for.
    let said = served.call("counter_activity", json!({"token": token, "busy": true}));
    assert!(said.get("code").is_none(), "{said}");
    let state = served.call("check_update", json!({"token": token}));
    assert_eq!(state["staged"], "0.1.1", "{state}");
    assert_eq!(state["install"], "waiting", "{state}");
    assert!(!request.exists(), "asked to install while an order is open");

    // A cashier may not ask for an update check; nobody can without a session.
    let cashier = served.call(
        "login",
        json!({"staff_id": "dxb-marina-cashier", "pin": "1111"}),
    );
    let refused = served.call("check_update", json!({"token": cashier["token"]}));
    assert_eq!(refused["code"], "not_allowed", "{refused}");
    let refused = served.call(
        "counter_activity",
        json!({"token": "nobody", "busy": false}),
    );
    assert!(refused["code"].is_string(), "{refused}");
    assert!(!request.exists());

    // The order is sold or cleared: the counter asks root at once.
    served.call("counter_activity", json!({"token": token, "busy": false}));
    assert!(
        request.exists(),
        "an idle counter asks for the staged update"
    );
    assert_eq!(install_state().0.as_deref(), Some("requested"));

    // Root's half installs it with the real dpkg, while the next sale has
    // begun (the background pump looks too: it must not restart the app).
    served.call("counter_activity", json!({"token": token, "busy": true}));
    let out = install(&t, &trust, &root);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outcome: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome["outcome"], "installed", "{outcome}");
    assert_eq!(outcome["version"], "0.1.1");
    assert_eq!(installed_version(&root).as_deref(), Some("0.1.1"));
    assert_eq!(
        std::fs::read_to_string(root.join("usr/share/boxoffice/VERSION")).unwrap(),
        "0.1.1\n"
    );
    assert!(!request.exists(), "the request is answered");
    let packages: Vec<_> = std::fs::read_dir(&updates)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "pkg"))
        .collect();
    assert!(packages.is_empty(), "an installed package is not kept");
    let (progress, message) = install_state();
    assert_eq!(progress.as_deref(), Some("installed"), "{message}");
    assert!(message.contains("restarts into it when idle"), "{message}");
    // The app restarts into it only once the counter is idle, and only once
    // (`updates/restarted-for` is what it restarted for).
    let restarted = updates.join("restarted-for");
    assert!(!restarted.exists(), "no restart in the middle of a sale");
    served.call("counter_activity", json!({"token": token, "busy": false}));
    assert_eq!(std::fs::read_to_string(&restarted).unwrap(), "0.1.1");

    // Asked again without a request, root does nothing.
    let again = t.run(&["install-update", "--trust", trust.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("has not asked"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // The app's own flag (what the package's service runs) is the same half.
    let app = Command::new(bin("boxoffice"))
        .args(["--install-update", "--data"])
        .arg(&t.data)
        .arg("--trust")
        .arg(&trust)
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert!(!app.status.success());
    assert!(
        String::from_utf8_lossy(&app.stderr).contains("has not asked"),
        "{}",
        String::from_utf8_lossy(&app.stderr)
    );

    // 0.1.2 is staged; then someone with the counter's user changes the
    // staged package on disk. Root checks again and refuses it.
    publish("0.1.2");
    let state = served.call("check_update", json!({"token": token}));
    assert_eq!(state["staged"], "0.1.2", "{state}");
    assert!(request.exists(), "an idle counter asks at once");
    let staged: Value =
        serde_json::from_str(&std::fs::read_to_string(updates.join("staged.json")).unwrap())
            .unwrap();
    let package = PathBuf::from(staged["file"].as_str().unwrap());
    let mut bytes = std::fs::read(&package).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&package, bytes).unwrap();

    let out = install(&t, &trust, &root);
    assert!(!out.status.success(), "a changed package is not installed");
    let outcome: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome["outcome"], "refused", "{outcome}");
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .contains("update.bad_signature"),
        "{outcome}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("update install refused"),
        "root's log says so: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(installed_version(&root).as_deref(), Some("0.1.1"));
    assert!(!package.exists(), "a refused package is thrown away");
    assert!(!updates.join("staged.json").exists());
    assert!(!request.exists());
    let (progress, message) = install_state();
    assert_eq!(progress.as_deref(), Some("refused"), "{message}");
    assert!(message.contains("0.1.2"), "{message}");
    // Nothing is asked again for it.
    served.call("counter_activity", json!({"token": token, "busy": false}));
    assert!(!request.exists());
}
