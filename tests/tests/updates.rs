//! Signed updates in rings, against the real central: central IT makes the
//! update key and publishes 0.1.1 to the canary ring; a terminal on 0.1.0
//! in the canary ring finds, verifies and stages it, one in ring `all` does
//! not until the release is promoted; a package changed at central after
//! signing, one signed with another key and an older version are refused,
//! and nothing refused is ever staged.

use base64::Engine as _;
use e2e::{Central, Terminal};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// A stand-in package: real bytes with the version in them.
fn package(dir: &Path, version: &str) -> String {
    let path = dir.join(format!("Boxoffice_{version}_amd64.deb"));
    let mut bytes = format!("!<arch>\nboxoffice {version}\n").into_bytes();
    bytes.extend((0..200_000u32).map(|i| (i * 7 + version.len() as u32) as u8));
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn publish(central: &Central, key: &Path, file: &str, version: &str, ring: &str) {
    central.cli(&[
        "release",
        "publish",
        "--file",
        file,
        "--version",
        version,
        "--ring",
        ring,
        "--signing-key",
        key.to_str().unwrap(),
        "--notes",
        "fixes",
    ]);
}

fn update(t: &Terminal, trust: &Path) -> Output {
    t.run(&[
        "update",
        "--stage",
        "--trust",
        trust.to_str().unwrap(),
        "--json",
    ])
}

fn staged(t: &Terminal) -> Option<String> {
    let text = std::fs::read_to_string(t.data.join("updates/staged.json")).ok()?;
    let v: Value = serde_json::from_str(&text).unwrap();
    Some(v["version"].as_str().unwrap().to_string())
}

#[test]
fn a_release_reaches_the_canary_ring_then_everyone_and_a_bad_one_nobody() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let central = Central::start(d);
    let key = d.join("update.key");
    central.cli(&["update-key", "--out", key.to_str().unwrap()]);
    let trust = d.join("update.key.pub");
    assert!(std::fs::read_to_string(&trust).unwrap().len() > 40);

    let canary = Terminal::new(d.join("t1")).with_env("BOXOFFICE_PACKAGE_TYPE", "linux-x86_64-deb");
    canary.init(&central, "dxb-marina", "dxb-marina-t1");
    let everyone =
        Terminal::new(d.join("t2")).with_env("BOXOFFICE_PACKAGE_TYPE", "linux-x86_64-deb");
    everyone.init(&central, "dxb-marina", "dxb-marina-t2");
    central.cli(&["ring", "--terminal", "dxb-marina-t1", "canary"]);

    let v011 = package(d, "0.1.1");
    publish(&central, &key, &v011, "0.1.1", "canary");

    // The canary finds, verifies and stages it.
    let out = update(&canary, &trust);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let state: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(state["running"], env!("CARGO_PKG_VERSION"));
    assert_eq!(state["available"], "0.1.1", "{state}");
    assert_eq!(state["staged"], "0.1.1", "{state}");
    assert_eq!(staged(&canary).as_deref(), Some("0.1.1"));
    let staged_file = std::fs::read_dir(canary.data.join("updates"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pkg"))
        .unwrap();
    assert_eq!(
        std::fs::read(staged_file).unwrap(),
        std::fs::read(&v011).unwrap()
    );

    // Ring `all` does not see it until it is promoted.
    let out = update(&everyone, &trust);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let state: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(state["available"].is_null(), "{state}");
    assert_eq!(staged(&everyone), None);
    central.cli(&["release", "promote", "--version", "0.1.1"]);
    let out = update(&everyone, &trust);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(staged(&everyone).as_deref(), Some("0.1.1"));

    // An older release is offered to nobody.
    let old = package(d, "0.0.9");
    publish(&central, &key, &old, "0.0.9", "all");
    let third = Terminal::new(d.join("t3")).with_env("BOXOFFICE_PACKAGE_TYPE", "linux-x86_64-deb");
    third.init(&central, "dxb-marina", "dxb-marina-t3");
    let out = third.run(&["update", "--json"]);
    let state: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        state["available"], "0.1.1",
        "the newest, never the older: {state}"
    );

    // Signed with another key: refused, the staged 0.1.1 stays.
    let other = d.join("other.key");
    central.cli(&["update-key", "--out", other.to_str().unwrap()]);
    let v020 = package(d, "0.2.0");
    publish(&central, &other, &v020, "0.2.0", "canary");
    let out = update(&canary, &trust);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("update.bad_signature"), "{err}");
    assert_eq!(staged(&canary).as_deref(), Some("0.1.1"));

    // Changed at central after signing (bytes, and the checksum to match):
    // the signature no longer holds.
    let v030 = package(d, "0.3.0");
    publish(&central, &key, &v030, "0.3.0", "canary");
    if central.store.ends_with(".sqlite") {
        let conn = rusqlite::Connection::open(&central.store).unwrap();
        let mut bytes: Vec<u8> = conn
            .query_row(
                "SELECT bytes FROM release_files WHERE version = '0.3.0'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        bytes[100] ^= 0xFF;
        let sha: String = {
            use sha2::Digest as _;
            sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        conn.execute(
            "UPDATE release_files SET bytes = ?1 WHERE version = '0.3.0'",
            rusqlite::params![bytes],
        )
        .unwrap();
        conn.execute(
            "UPDATE releases SET sha256 = ?1 WHERE version = '0.3.0'",
            [sha],
        )
        .unwrap();
        let out = update(&canary, &trust);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("update.bad_signature"),
            "{err}"
        );
        assert_eq!(staged(&canary).as_deref(), Some("0.1.1"));
    }
    // What was refused is on the diagnostics screen's record.
    let conn = rusqlite::Connection::open(canary.data.join("terminal.sqlite")).unwrap();
    let kept: String = conn
        .query_row(
            "SELECT value FROM config WHERE key = 'update_state'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let kept: Value = serde_json::from_str(&kept).unwrap();
    assert!(
        kept["refused"]
            .as_str()
            .is_some_and(|r| r.contains("signature")),
        "{kept}"
    );

    // The signature is the Tauri updater's: base64 of a minisign box.
    let manifest: Value = {
        let (code, body) =
            central.get_status("/v1/updates/linux-x86_64-deb/0.1.0", "dxb-marina-t2");
        assert_eq!(code, 200, "{body}");
        body
    };
    let sig = base64::engine::general_purpose::STANDARD
        .decode(manifest["signature"].as_str().unwrap())
        .unwrap();
    assert!(
        String::from_utf8(sig)
            .unwrap()
            .starts_with("untrusted comment:")
    );
    let (code, _) = central.get_status("/v1/updates/linux-x86_64-deb/9.0.0", "dxb-marina-t2");
    assert_eq!(code, 204);
}
