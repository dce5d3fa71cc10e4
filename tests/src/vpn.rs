//! A real OpenVPN link between network namespaces, for the link test and
//! the drain benchmark: the cinema (a terminal), the WAN (a user-space relay,
//! `tests/vpn/relay.py`, delaying and dropping UDP packets: this kernel has
//! no netem), and central's host (central over TLS on the tunnel's address).
//!
//! Needs root, `ip netns`, /dev/net/tun, Debian's `openvpn` and python3
//! ([`cannot_run`] says why not).

use crate::{Terminal, bin};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// Central's address on the tunnel.
pub const CENTRAL_IP: &str = "10.8.0.1";
/// Central's port.
pub const CENTRAL_PORT: u16 = 7878;

/// The three namespaces and what runs in them; all of it goes on drop.
pub struct Net {
    id: String,
    procs: Vec<Child>,
    relay: Option<u32>,
}

impl Net {
    /// The name of namespace `side` (`c` central, `t` terminal, `r` relay).
    pub fn ns(&self, side: &str) -> String {
        format!("bo{}{side}", self.id)
    }

    /// Runs `cmd` in namespace `side`, in the background.
    fn spawn(&mut self, side: &str, cmd: &[&str], log: &Path) -> u32 {
        let child = Command::new("ip")
            .args(["netns", "exec", &self.ns(side)])
            .args(cmd)
            .stdout(Stdio::from(std::fs::File::create(log).unwrap()))
            .stderr(Stdio::from(
                std::fs::OpenOptions::new().append(true).open(log).unwrap(),
            ))
            .spawn()
            .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
        let pid = child.id();
        self.procs.push(child);
        pid
    }

    /// Cuts the WAN (every packet dropped) or heals it.
    pub fn link(&self, up: bool) {
        let signal = if up { "-USR2" } else { "-USR1" };
        let pid = self.relay.expect("relay").to_string();
        let ok = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(ok.success());
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for p in &mut self.procs {
            let _ = p.kill();
            let _ = p.wait();
        }
        for side in ["c", "t", "r"] {
            let _ = Command::new("ip")
                .args(["netns", "del", &self.ns(side)])
                .status();
        }
    }
}

fn sh(args: &[&str]) -> Result<(), String> {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .map_err(|e| format!("{}: {e}", args[0]))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Why this machine cannot run the test, if it cannot.
pub fn cannot_run() -> Option<String> {
    if !Path::new("/dev/net/tun").exists() {
        return Some("no /dev/net/tun: this machine cannot make tun devices".into());
    }
    let probe = format!("boprobe{}", std::process::id());
    if let Err(e) = sh(&["ip", "netns", "add", &probe]) {
        return Some(format!("cannot make network namespaces (root needed): {e}"));
    }
    let _ = sh(&["ip", "netns", "del", &probe]);
    None
}

/// The namespaces, the veth pairs between them and their addresses:
/// terminal 10.201.1.1 - 10.201.1.2 relay 10.201.2.1 - 10.201.2.2 central.
fn make_net() -> Net {
    let net = Net {
        id: (std::process::id() % 100_000).to_string(),
        procs: Vec::new(),
        relay: None,
    };
    let (c, t, r) = (net.ns("c"), net.ns("t"), net.ns("r"));
    let id = &net.id;
    for ns in [&c, &t, &r] {
        sh(&["ip", "netns", "add", ns]).unwrap();
        sh(&["ip", "-n", ns, "link", "set", "lo", "up"]).unwrap();
    }
    let (t0, r0, r1, c1) = (
        format!("b{id}t0"),
        format!("b{id}r0"),
        format!("b{id}r1"),
        format!("b{id}c1"),
    );
    sh(&[
        "ip", "link", "add", &t0, "netns", &t, "type", "veth", "peer", "name", &r0, "netns", &r,
    ])
    .unwrap();
    sh(&[
        "ip", "link", "add", &r1, "netns", &r, "type", "veth", "peer", "name", &c1, "netns", &c,
    ])
    .unwrap();
    for (ns, dev, addr) in [
        (&t, &t0, "10.201.1.1/24"),
        (&r, &r0, "10.201.1.2/24"),
        (&r, &r1, "10.201.2.1/24"),
        (&c, &c1, "10.201.2.2/24"),
    ] {
        sh(&["ip", "-n", ns, "addr", "add", addr, "dev", dev]).unwrap();
        sh(&["ip", "-n", ns, "link", "set", dev, "up"]).unwrap();
    }
    net
}

/// A CA and a certificate for central's tunnel address, as PEM files.
fn make_pki(dir: &Path) -> PathBuf {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "VPN test chain CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let server = CertificateParams::new(vec![CENTRAL_IP.to_string()]).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = server.signed_by(&key, &ca_cert, &ca_key).unwrap();
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    std::fs::write(dir.join("cert.pem"), cert.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
    dir.join("ca.pem")
}

fn openvpn(net: &mut Net, dir: &Path, side: &str) {
    let key = dir.join("static.key");
    let key = key.to_str().unwrap();
    let mut cmd = vec![
        "openvpn",
        "--dev",
        "tun",
        "--proto",
        "udp",
        "--secret",
        key,
        "--cipher",
        "AES-256-CBC",
        "--auth",
        "SHA256",
        "--ping",
        "1",
        "--verb",
        "3",
    ];
    if side == "c" {
        cmd.extend([
            "--lport",
            "1194",
            "--float",
            "--ifconfig",
            "10.8.0.1",
            "10.8.0.2",
        ]);
    } else {
        cmd.extend([
            "--remote",
            "10.201.1.2",
            "1194",
            "--nobind",
            "--ifconfig",
            "10.8.0.2",
            "10.8.0.1",
        ]);
    }
    let log = dir.join(format!("openvpn-{side}.log"));
    net.spawn(side, &cmd, &log);
}

/// Waits until a TCP connection from the terminal's namespace reaches
/// central through the tunnel.
fn wait_for_central(net: &Net) {
    let probe = format!(
        "import socket,time\n\
         end=time.time()+60\n\
         while time.time()<end:\n\
         \x20   try:\n\
         \x20       socket.create_connection(('{CENTRAL_IP}',{CENTRAL_PORT}),timeout=2).close(); break\n\
         \x20   except OSError: time.sleep(0.2)\n\
         else: raise SystemExit('central not reachable through the tunnel')"
    );
    sh(&["ip", "netns", "exec", &net.ns("t"), "python3", "-c", &probe]).unwrap();
}

/// A started link: the namespaces, the tunnel, the relay and a demo central
/// on the tunnel's address, with its files in `dir`.
pub struct Link {
    /// The namespaces and processes.
    pub net: Net,
    /// Central's database.
    pub db: PathBuf,
    /// The chain CA's PEM file.
    pub ca: PathBuf,
    /// Central's URL as the terminal sees it.
    pub url: String,
}

impl Link {
    /// Starts everything, the relay delaying each packet `delay_ms` each way
    /// and dropping `loss_percent` of them, and waits until central answers
    /// through the tunnel.
    pub fn start(dir: &Path, delay_ms: u32, loss_percent: f64) -> Link {
        let ca = make_pki(dir);
        sh(&[
            "openvpn",
            "--genkey",
            "secret",
            dir.join("static.key").to_str().unwrap(),
        ])
        .unwrap();
        let mut net = make_net();
        openvpn(&mut net, dir, "c");
        let relay = concat!(env!("CARGO_MANIFEST_DIR"), "/vpn/relay.py");
        let (delay, loss) = (delay_ms.to_string(), loss_percent.to_string());
        let relay_pid = net.spawn(
            "r",
            &[
                "python3",
                relay,
                "10.201.1.2",
                "1194",
                "10.201.2.2",
                "1194",
                &delay,
                &loss,
                "7",
            ],
            &dir.join("relay.log"),
        );
        net.relay = Some(relay_pid);
        openvpn(&mut net, dir, "t");
        let db = dir.join("central.sqlite");
        let central_bin = bin("boxoffice-central");
        let listen = format!("{CENTRAL_IP}:{CENTRAL_PORT}");
        net.spawn(
            "c",
            &[
                central_bin.to_str().unwrap(),
                "serve",
                "--demo",
                "--log-format",
                "text",
                "--listen",
                &listen,
                "--db",
                db.to_str().unwrap(),
                "--tls-cert",
                dir.join("cert.pem").to_str().unwrap(),
                "--tls-key",
                dir.join("key.pem").to_str().unwrap(),
            ],
            &dir.join("central.log"),
        );
        wait_for_central(&net);
        Link {
            net,
            db,
            ca,
            url: format!("https://{CENTRAL_IP}:{CENTRAL_PORT}"),
        }
    }

    /// A terminal in the cinema's namespace, set up as `dxb-marina-t1`
    /// against central through the tunnel, with the cashier's shift open.
    pub fn terminal(&self, data: PathBuf) -> Terminal {
        let t = Terminal::new(data).in_netns(&self.net.ns("t"));
        let out = t.run(&[
            "init",
            "--central",
            &self.url,
            "--site",
            "dxb-marina",
            "--terminal",
            "dxb-marina-t1",
            "--ca",
            self.ca.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t.json(&["shift", "open", "--float", "0", "--pin", "1111", "--json"]);
        t
    }

    /// Cuts the WAN or heals it.
    pub fn set_up(&self, up: bool) {
        self.net.link(up);
    }
}
