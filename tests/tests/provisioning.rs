//! Provisioning a counter end to end: central IT makes the provisioning key
//! and a terminal's signed file; the counter takes it (checked against the
//! chain's public key), trades its one-time secret for its token and sells;
//! a tampered file, one signed by another key, the same file on a second
//! counter and a counter set up as another terminal are refused, each with
//! its own message; `revoke` cuts the terminal off at once. No secret is
//! printed by any of the commands.

use base64::Engine as _;
use e2e::{Central, Terminal};
use std::path::Path;
use std::process::Output;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn printed(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Writes `terminal`'s provisioning file signed with `key` to `out`; returns
/// what the command printed.
fn provision_file(central: &Central, key: &Path, terminal: &str, out: &Path) -> String {
    printed(&central.cli(&[
        "provision",
        "--terminal",
        terminal,
        "--out",
        out.to_str().unwrap(),
        "--signing-key",
        key.to_str().unwrap(),
        "--central-url",
        &central.url,
    ]))
}

fn secret_of(file: &Path) -> String {
    let f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let payload = B64.decode(f["payload"].as_str().unwrap()).unwrap();
    let p: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    p["enrollment_secret"].as_str().unwrap().to_string()
}

fn take(t: &Terminal, file: &Path, trust: &Path) -> Output {
    t.run(&[
        "provision",
        "--file",
        file.to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
    ])
}

#[test]
fn a_counter_joins_with_its_signed_file_once_and_is_cut_off_by_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let central = Central::start(d);
    let key = d.join("provisioning.key");
    let said = printed(&central.cli(&["provisioning-key", "--out", key.to_str().unwrap()]));
    let trust = d.join("provisioning.key.pub");
    let public = std::fs::read_to_string(&trust).unwrap();
    assert!(
        said.contains(public.trim()),
        "the public key is shown: {said}"
    );
    let private = std::fs::read_to_string(&key).unwrap();
    assert!(
        !said.contains(private.trim()),
        "the private key is never printed"
    );

    // A file signed by another chain's key: refused by what it is.
    let other_key = d.join("other.key");
    central.cli(&["provisioning-key", "--out", other_key.to_str().unwrap()]);
    let foreign = d.join("foreign.json");
    provision_file(&central, &other_key, "dxb-marina-t2", &foreign);
    let t2 = Terminal::new(d.join("t2"));
    let out = take(&t2, &foreign, &trust);
    assert!(!out.status.success());
    assert!(
        printed(&out).contains("provisioning.unknown_key"),
        "{}",
        printed(&out)
    );

    // The real file (it replaces the foreign one's secret at central).
    let file = d.join("t2.json");
    let said = provision_file(&central, &key, "dxb-marina-t2", &file);
    let secret = secret_of(&file);
    assert!(
        !said.contains(&secret),
        "the secret is never printed: {said}"
    );

    // Changed after signing: refused, and the counter stays unset.
    let tampered = d.join("tampered.json");
    let mut f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut p: serde_json::Value =
        serde_json::from_slice(&B64.decode(f["payload"].as_str().unwrap()).unwrap()).unwrap();
    p["central_url"] = "http://127.0.0.1:1".into();
    f["payload"] = B64.encode(serde_json::to_vec(&p).unwrap()).into();
    std::fs::write(&tampered, f.to_string()).unwrap();
    let out = take(&t2, &tampered, &trust);
    assert!(
        printed(&out).contains("provisioning.tampered"),
        "{}",
        printed(&out)
    );
    let err = t2.fails(&["status", "--json"]);
    assert!(
        err.contains("not_initialised") || err.contains("terminal.not_set_up"),
        "{err}"
    );

    // The counter takes its file, and sells with the token it traded for.
    let out = take(&t2, &file, &trust);
    assert!(out.status.success(), "{}", printed(&out));
    assert!(!printed(&out).contains(&secret));
    let status = t2.json(&["status", "--json"]);
    assert_eq!(status["terminal_id"], "dxb-marina-t2", "{status}");
    let conn = rusqlite::Connection::open(t2.data.join("terminal.sqlite")).unwrap();
    let token: String = conn
        .query_row(
            "SELECT value FROM config WHERE key = 'terminal_token'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    assert!(token.len() >= 32, "a token is kept");
    assert!(
        !printed(&out).contains(&token),
        "the token is never printed"
    );
    t2.json(&["shift", "open", "--float", "0", "--pin", "1111", "--json"]);
    let show = t2.show_id_on("Screen 2");
    assert_eq!(t2.sell_cash(&show, "L-1")["synced"], true);
    // Taking the same file again on the same counter is fine.
    let again = take(&t2, &file, &trust);
    assert!(again.status.success(), "{}", printed(&again));

    // Someone holding the file and the site's key list (public keys are no
    // secret) cannot enroll as the counter: they cannot sign as it.
    let (code, keys) = central.get_status("/v1/sites/dxb-marina/keys", "dxb-marina-t1");
    assert_eq!(code, 200, "{keys}");
    let t2_key = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["terminal_id"] == "dxb-marina-t2")
        .expect("t2's key is listed")["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    let replay = reqwest::blocking::Client::new()
        .post(format!("{}/v1/terminals/dxb-marina-t2/enroll", central.url))
        .json(&serde_json::json!({
            "secret": secret,
            "public_key": t2_key,
            "proof": B64.encode([7u8; 64]),
        }))
        .send()
        .unwrap();
    assert_eq!(replay.status(), 401);
    assert!(t2.json(&["status", "--json"])["terminal_id"] == "dxb-marina-t2");
    assert!(
        t2.run(&["sync"]).status.success(),
        "the counter's token still works"
    );

    // The same file on another counter: refused by central.
    let copy = Terminal::new(d.join("t2-copy"));
    let out = take(&copy, &file, &trust);
    assert!(
        printed(&out).contains("already_provisioned"),
        "{}",
        printed(&out)
    );

    // A counter set up as another terminal does not change identity.
    let t1 = Terminal::new(d.join("t1"));
    t1.init(&central, "dxb-marina", "dxb-marina-t1");
    let out = take(&t1, &file, &trust);
    assert!(
        printed(&out).contains("provisioning.other_terminal"),
        "{}",
        printed(&out)
    );
    assert_eq!(
        t1.json(&["status", "--json"])["terminal_id"],
        "dxb-marina-t1"
    );

    // Revoked: cut off at its next call.
    central.cli(&["revoke", "--terminal", "dxb-marina-t2"]);
    let err = t2.fails(&["sync"]);
    assert!(err.contains("unauthorized"), "{err}");
    // The tickets it sold before are still admitted at the doors: its key
    // stays on the site's list until the terminal is provisioned again.
    let t2_listed = || {
        let (code, keys) = central.get_status("/v1/sites/dxb-marina/keys", "dxb-marina-t1");
        assert_eq!(code, 200, "{keys}");
        keys.as_array()
            .unwrap()
            .iter()
            .find(|k| k["terminal_id"] == "dxb-marina-t2")
            .map(|k| k["public_key"].as_str().unwrap().to_string())
    };
    assert_eq!(t2_listed().as_deref(), Some(t2_key.as_str()));

    // And provisioned again, on the other counter, with a new file.
    let fresh = d.join("t2-new.json");
    provision_file(&central, &key, "dxb-marina-t2", &fresh);
    let out = take(&copy, &fresh, &trust);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(
        copy.json(&["status", "--json"])["terminal_id"],
        "dxb-marina-t2"
    );
    // The replacement counter's key took the old one's place.
    let new_key = t2_listed().expect("t2's new key is listed");
    assert_ne!(new_key, t2_key, "the old counter's key is retired");
}
