//! Logs never hold a secret. Central (`--log-dir`) and the terminal (`serve`
//! into its `logs/`, the one-shot commands on standard error) run at debug
//! level through provisioning, signing in over the door, card and cash
//! sales, a card refund and a sync; then every log line is read: each is
//! one JSON event (the files), and none holds a PIN, the terminal's token,
//! the enrollment secret, the door key, the web key or a card reference.

use e2e::{Central, Terminal, free_port};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CARD_APPROVAL: &str = "APRQ7Z41";
const CARD_REFUND: &str = "RFDX9K27";

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn no_log_line_holds_a_pin_a_token_a_key_or_a_card_reference() {
    // Only this test runs in this binary: the children inherit debug logs.
    // SAFETY: no other thread of this test binary reads the environment now.
    unsafe { std::env::set_var("RUST_LOG", "debug") };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let central_logs = d.join("central-logs");
    let central = Central::start_with(d, &["--log-dir", central_logs.to_str().unwrap()], None);
    let key = d.join("p.key");
    central.cli(&["provisioning-key", "--out", key.to_str().unwrap()]);
    let file = d.join("t1.json");
    central.cli(&[
        "provision",
        "--terminal",
        "dxb-marina-t1",
        "--out",
        file.to_str().unwrap(),
        "--signing-key",
        key.to_str().unwrap(),
        "--central-url",
        &central.url,
    ]);
    let provisioning: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    use base64::Engine as _;
    let payload: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(provisioning["payload"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let enrollment_secret = payload["enrollment_secret"].as_str().unwrap().to_string();

    // Every one-shot command's standard error is kept and read too.
    let stderr_dir = d.join("stderr");
    std::fs::create_dir_all(&stderr_dir).unwrap();
    let t = Terminal::new(d.join("t1"));
    let mut n = 0;
    let mut run = |args: &[&str]| -> Value {
        let out = t.run(args);
        n += 1;
        std::fs::write(stderr_dir.join(format!("{n}.txt")), &out.stderr).unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    };
    run(&[
        "provision",
        "--file",
        file.to_str().unwrap(),
        "--trust",
        &format!("{}.pub", key.display()),
    ]);
    run(&["shift", "open", "--float", "0", "--pin", "1111", "--json"]);
    let show = t.show_id_on("Screen 2");
    let cash = run(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "J-5",
        "--pay",
        "cash:1000",
        "--pin",
        "1111",
        "--id-checked",
        "--json",
    ]);
    let price = cash["total_minor"].as_i64().unwrap();
    let card = run(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "J-6",
        "--pay",
        &format!("card:{}:{CARD_APPROVAL}", price / 100),
        "--pin",
        "1111",
        "--id-checked",
        "--json",
    ]);
    let order = card["order_ref"].as_str().unwrap().to_string();
    run(&[
        "refund",
        "--order",
        &order,
        "--reason",
        "changed plans",
        "--card-reference",
        CARD_REFUND,
        "--pin",
        "1111",
        "--approve",
        "222222",
        "--json",
    ]);
    run(&["sync"]);

    // The door at debug level: sign in by PIN over HTTP, sell, sign out.
    let port = free_port();
    let door_key_file = d.join("door.key");
    let mut serve = t
        .command()
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--key-file",
        ])
        .arg(&door_key_file)
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(stderr_dir.join("serve.txt")).unwrap(),
        ))
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let http = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while http.get(format!("{url}/api/health")).send().is_err() {
        assert!(Instant::now() < deadline, "serve did not answer");
        std::thread::sleep(Duration::from_millis(100));
    }
    let door_key = std::fs::read_to_string(&door_key_file)
        .unwrap()
        .trim()
        .to_string();
    let call = |cmd: &str, body: Value| -> Value {
        http.post(format!("{url}/api/{cmd}"))
            .header("x-boxoffice-key", &door_key)
            .json(&body)
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let session = call(
        "login",
        json!({"staff_id": "dxb-marina-manager", "pin": "333333"}),
    );
    let token = session["token"].as_str().expect("a session").to_string();
    let wrong = call(
        "login",
        json!({"staff_id": "dxb-marina-supervisor", "pin": "222223"}),
    );
    assert_eq!(wrong["code"], "wrong_pin", "{wrong}");
    call("logout", json!({"token": token}));
    let _ = Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status();
    let _ = serve.wait();
    drop(central);

    let conn = rusqlite::Connection::open(t.data.join("terminal.sqlite")).unwrap();
    let terminal_token: String = conn
        .query_row(
            "SELECT value FROM config WHERE key = 'terminal_token'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (_, web_key) = e2e::web_key(&d.join("central.sqlite"));
    let secrets = [
        ("the terminal token", terminal_token.as_str()),
        ("the enrollment secret", enrollment_secret.as_str()),
        ("the door key", door_key.as_str()),
        ("the web key", web_key.as_str()),
        ("the session token", token.as_str()),
        ("a card approval code", CARD_APPROVAL),
        ("a card refund reference", CARD_REFUND),
    ];
    // PINs are short: looked for as values, not inside ids and numbers.
    let pins = ["1111", "222222", "222223", "333333"];

    let mut json_logs = Vec::new();
    files_under(&central_logs, &mut json_logs);
    files_under(&t.data.join("logs"), &mut json_logs);
    let mut plain = Vec::new();
    files_under(&stderr_dir, &mut plain);
    assert!(json_logs.len() >= 2, "{json_logs:?}");
    let mut lines = 0;
    for f in json_logs.iter().chain(&plain) {
        let text = std::fs::read_to_string(f).unwrap();
        for line in text.lines() {
            lines += 1;
            if json_logs.contains(f) {
                let event: Value = serde_json::from_str(line).unwrap_or_else(|e| {
                    panic!("{}: not one JSON event per line ({e}): {line}", f.display())
                });
                assert!(
                    event["level"].is_string() && event["timestamp"].is_string(),
                    "{line}"
                );
            }
            for (what, s) in secrets {
                assert!(!line.contains(s), "{what} in {}: {line}", f.display());
            }
            for pin in pins {
                for shape in [
                    format!("\"{pin}\""),
                    format!("={pin}"),
                    format!(": {pin}"),
                    format!(" {pin} "),
                ] {
                    assert!(
                        !line.contains(&shape),
                        "PIN {pin} in {}: {line}",
                        f.display()
                    );
                }
            }
        }
    }
    assert!(lines > 50, "the debug logs say something ({lines} lines)");
    eprintln!(
        "{lines} log lines read in {} files: no secret",
        json_logs.len() + plain.len()
    );
}
