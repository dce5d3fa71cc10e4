//! The command line as a shell pipeline uses it.

use std::process::{Command, Stdio};

/// `boxoffice-central sites --json | head` must not panic when `head` stops
/// reading: the command ends quietly, exit 0.
#[test]
fn a_reader_that_went_away_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("central.sqlite");
    // A pipe whose reading end is already closed: the first write fails (EPIPE).
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_boxoffice-central"))
        .args(["sites", "--db", db.to_str().unwrap(), "--json"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
}
