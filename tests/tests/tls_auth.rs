//! TLS pinned to the chain's CA, and per-terminal tokens: a real central
//! serving https on loopback with certificates made by a test CA.

use e2e::{Terminal, bin, free_port};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A CA and a server certificate for `localhost` it issued, written as PEM files
/// `NAME-ca.pem`, `NAME-cert.pem` and `NAME-key.pem` in `dir`.
fn make_pki(dir: &Path, name: &str) {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, format!("{name} chain CA"));
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let server = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = server.signed_by(&key, &ca_cert, &ca_key).unwrap();
    std::fs::write(dir.join(format!("{name}-ca.pem")), ca_cert.pem()).unwrap();
    std::fs::write(dir.join(format!("{name}-cert.pem")), cert.pem()).unwrap();
    std::fs::write(dir.join(format!("{name}-key.pem")), key.serialize_pem()).unwrap();
}

struct TlsCentral {
    child: Child,
    port: u16,
}

impl Drop for TlsCentral {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_tls_central(dir: &Path) -> TlsCentral {
    let port = free_port();
    let mut child = Command::new(bin("boxoffice-central"))
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--db")
        .arg(dir.join("central.sqlite"))
        .arg("--tls-cert")
        .arg(dir.join("chain-cert.pem"))
        .arg("--tls-key")
        .arg(dir.join("chain-key.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start central");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return TlsCentral { child, port };
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("central did not listen on {port}");
}

/// A new token for `terminal` (`provision --token-only`): written to a
/// private file, never printed.
fn provision(dir: &Path, terminal: &str) -> String {
    let file = dir.join(format!("{terminal}.token"));
    let out = Command::new(bin("boxoffice-central"))
        .args(["provision", "--token-only", "--terminal", terminal, "--out"])
        .arg(&file)
        .arg("--db")
        .arg(dir.join("central.sqlite"))
        .output()
        .expect("provision");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = std::fs::read_to_string(&file).unwrap().trim().to_string();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));
    token
}

fn init(
    t: &Terminal,
    url: &str,
    terminal: &str,
    ca: Option<&Path>,
    token: Option<&Path>,
) -> std::process::Output {
    let mut args: Vec<String> = [
        "init",
        "--central",
        url,
        "--site",
        "dxb-marina",
        "--terminal",
        terminal,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(ca) = ca {
        args.push("--ca".into());
        args.push(ca.display().to_string());
    }
    if let Some(token) = token {
        args.push("--token-file".into());
        args.push(token.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    t.run(&args)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn terminals_reach_central_over_tls_pinned_to_the_chain_ca_with_their_own_token() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    make_pki(d, "chain");
    make_pki(d, "rogue");
    let central = start_tls_central(d);
    let url = format!("https://localhost:{}", central.port);
    let token = provision(d, "dxb-marina-t1");
    assert!(token.len() >= 40, "{token}");
    let token_file = d.join("t1.token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let wrong_file = d.join("wrong.token");
    std::fs::write(&wrong_file, "not-the-token").unwrap();
    let ca = d.join("chain-ca.pem");

    // Provisioned terminal, pinned CA, its token: sets up and sells.
    let t1 = Terminal::new(d.join("t1"));
    let out = init(&t1, &url, "dxb-marina-t1", Some(&ca), Some(&token_file));
    assert!(out.status.success(), "{}", stderr(&out));
    t1.json(&["shift", "open", "--float", "0", "--pin", "1111", "--json"]);
    let show = t1.show_id_on("Screen 2");
    let sale = t1.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "C-3",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
        "--id-checked",
        "--json",
    ]);
    assert_eq!(sale["synced"], true, "{sale}");
    assert_eq!(t1.json(&["status", "--json"])["connectivity"], "online");

    // A central whose certificate is not from the chain's CA is refused
    // (the terminal trusts the chain's CA only).
    let other = Terminal::new(d.join("rogue"));
    let out = init(
        &other,
        &url,
        "dxb-marina-t1",
        Some(&d.join("rogue-ca.pem")),
        Some(&token_file),
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("central_unreachable") && err.to_lowercase().contains("certificate"),
        "{err}"
    );

    // The right CA but a wrong or missing token: 401 from central.
    let out = init(&other, &url, "dxb-marina-t1", Some(&ca), Some(&wrong_file));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unauthorized"), "{}", stderr(&out));
    let out = init(&other, &url, "dxb-marina-t1", Some(&ca), None);
    assert!(stderr(&out).contains("unauthorized"), "{}", stderr(&out));
    // An https central without the CA file, and plain http off loopback, are refused up front.
    let out = init(&other, &url, "dxb-marina-t1", None, Some(&token_file));
    assert!(stderr(&out).contains("CA certificate"), "{}", stderr(&out));
    let out = init(
        &other,
        "http://10.20.30.40:7878",
        "dxb-marina-t1",
        None,
        None,
    );
    assert!(stderr(&out).contains("plain http"), "{}", stderr(&out));
    // Plain http to the TLS port does not get an answer either.
    let out = init(
        &other,
        &format!("http://127.0.0.1:{}", central.port),
        "dxb-marina-t1",
        None,
        None,
    );
    assert!(!out.status.success());
    // Nothing was written by the failed set-ups.
    assert!(!other.data.join("terminal.sqlite").exists() || other.count("orders") == 0);

    // A new token replaces the old one: the old one stops working at once.
    let _new = provision(d, "dxb-marina-t1");
    let out = t1.run(&["sync"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unauthorized"), "{}", stderr(&out));
}
