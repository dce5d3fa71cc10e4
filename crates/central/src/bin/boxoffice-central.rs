//! `boxoffice-central`: run the reference central API, or inspect its database.

use central::{CentralDb, demo, web_channels};
use clap::{Parser, Subcommand};
use jiff::Timestamp;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// `println!` that ends the process quietly (exit 0) when the reader of
/// standard output has gone away (`... --json | head`), as command-line
/// tools do, instead of panicking on the failed write. Everything the
/// command did is committed before it prints.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        let written = writeln!(stdout, $($arg)*).and_then(|()| stdout.flush());
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("warning: cannot write the output: {e}");
        }
    }};
}

#[derive(Parser)]
#[command(
    name = "boxoffice-central",
    version,
    about = "Boxoffice reference central booking API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve API v1 over HTTP.
    Serve {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Address to listen on, e.g. 127.0.0.1:7878.
        #[arg(long, default_value = "127.0.0.1:7878")]
        listen: String,
        /// Seed demo data if the database is empty. Implies
        /// --allow-unprovisioned (terminals without a token may call).
        #[arg(long)]
        demo: bool,
        /// Accept terminals that have no token yet (development only).
        #[arg(long)]
        allow_unprovisioned: bool,
        /// Serve over TLS with this PEM certificate chain (needs --tls-key).
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Serve Prometheus metrics at GET /metrics on this address of its
        /// own (keep it on loopback or the monitoring network), e.g.
        /// 127.0.0.1:9464.
        #[arg(long)]
        metrics_listen: Option<String>,
        /// Where --demo writes the demo web shop's key (default: the SQLite
        /// file's name plus `.web-key`; needed with a PostgreSQL --db).
        #[arg(long)]
        web_key_file: Option<PathBuf>,
        /// Log format on standard error: json (one event per line, for a
        /// log shipper) or text.
        #[arg(long, default_value = "json", value_parser = ["json", "text"])]
        log_format: String,
        /// Write the log as JSON lines into this directory instead
        /// (`central.log`, rotated at 10 MiB or a day, 30 files kept);
        /// warnings and errors still go to standard error.
        #[arg(long)]
        log_dir: Option<PathBuf>,
    },
    /// Cancel a showtime: terminals show it cancelled at their next sync and sell
    /// nothing more for it; the number of seats already sold is printed.
    Cancel {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Showtime id.
        #[arg(long)]
        showtime: String,
    },
    /// Write a terminal's provisioning file (mode 0600): site, terminal,
    /// central's URL, the chain's CA and a one-time enrollment secret, signed
    /// with the provisioning key. The counter takes it with
    /// `boxoffice-site provision --file FILE`. Nothing secret is printed.
    Provision {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Terminal id.
        #[arg(long)]
        terminal: String,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// The provisioning key (`provisioning-key`); not needed with --token-only.
        #[arg(
            long,
            env = "BOXOFFICE_PROVISIONING_KEY",
            required_unless_present = "token_only"
        )]
        signing_key: Option<PathBuf>,
        /// Central's URL as the counters reach it, e.g. https://central.chain.vpn:7878.
        #[arg(long, required_unless_present = "token_only")]
        central_url: Option<String>,
        /// The chain's CA certificate (PEM) counters pin central's certificate to.
        #[arg(long)]
        ca: Option<PathBuf>,
        /// Days the file's secret is taken (1 to 90).
        #[arg(long, default_value_t = central::provisioning::DEFAULT_VALID_DAYS)]
        valid_days: u32,
        /// Instead: give the terminal a new API token now and write only the
        /// token to --out (for `boxoffice-site init --token-file`, in scripts).
        #[arg(long)]
        token_only: bool,
    },
    /// Make central's provisioning key (mode 0600; never replaces one) and its
    /// public key beside it (`FILE.pub`), which counters are installed with.
    ProvisioningKey {
        /// The key file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Cut a terminal off at once: its token and an unused provisioning file
    /// stop working. The tickets it sold are still admitted at the doors; a
    /// new provisioning file for it retires its key.
    Revoke {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Terminal id.
        #[arg(long)]
        terminal: String,
    },
    /// Give the web shop a channel (or a new key for it): the sites it sells
    /// at and the most seats a sale may take. The key is written to --out,
    /// readable by its owner only, never printed.
    WebChannel {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Channel id, e.g. `shop`.
        #[arg(long)]
        id: String,
        /// Site ids it sells at, comma-separated, or `*` for every site.
        #[arg(long, default_value = "*")]
        sites: String,
        /// Most seats in one web sale (1 to 50).
        #[arg(long, default_value_t = 10)]
        max_seats: u32,
        /// File to write the channel id and key to (JSON, mode 0600).
        #[arg(long)]
        out: PathBuf,
    },
    /// Cut a web channel off at once.
    RevokeWebChannel {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Channel id.
        #[arg(long)]
        id: String,
    },
    /// Show or change a site's counter settings: the idle time after which
    /// its counters lock, and how long a sign-in lasts.
    Settings {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Site id.
        #[arg(long)]
        site: String,
        /// Seconds without use before a counter locks (30 to 3600).
        #[arg(long)]
        idle_lock_secs: Option<u32>,
        /// Hours a sign-in lasts (1 to 24).
        #[arg(long)]
        session_hours: Option<u32>,
    },
    /// List sites and their terminals.
    Sites {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every terminal with its version, ring, last heartbeat, link, queue,
    /// conflicts, printer, last backup and disk, and what needs attention
    /// (the same as the ops address's /fleet page).
    Fleet {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make the chain's update key (minisign, as `tauri signer generate`):
    /// the secret key to --out (0600; encrypted with BOXOFFICE_UPDATE_KEY_PASSWORD
    /// when set), the public key (installed on the counters as
    /// /etc/boxoffice/update.pub) beside it in FILE.pub.
    UpdateKey {
        /// The key file to write (never replaces one).
        #[arg(long)]
        out: PathBuf,
    },
    /// Releases of the counter app: publish one to a ring, promote it to
    /// every counter, list them.
    Release {
        #[command(subcommand)]
        action: ReleaseAction,
    },
    /// Put a terminal in an update ring: canary (gets releases first) or all.
    Ring {
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Terminal id.
        #[arg(long)]
        terminal: String,
        /// canary or all.
        #[arg(value_parser = ["canary", "all"])]
        ring: String,
    },
    /// Print the OpenAPI 3.1 document of API v1 (committed as docs/api/openapi.json).
    Openapi,
    /// Reports. `site`: one business day of every terminal of a site and of the
    /// web shop, naming every terminal whose day is not all at central yet.
    Report {
        /// Which report.
        #[arg(value_parser = ["site"])]
        kind: String,
        /// The database: a SQLite file (created if missing) or a PostgreSQL
        /// connection string, postgres://user:password@host:port/database
        /// (better in BOXOFFICE_CENTRAL_DB than on the command line, where
        /// other users of the machine can read it).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Site id.
        #[arg(long)]
        site: String,
        /// The business day, YYYY-MM-DD (default: the site's current one).
        #[arg(long)]
        day: Option<String>,
        /// json, csv (for a spreadsheet) or pdf.
        #[arg(long, default_value = "json", value_parser = ["json", "csv", "pdf"])]
        format: String,
        /// Write to this file (default: standard output; a PDF needs a file).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// `release` subcommands.
#[derive(Subcommand)]
enum ReleaseAction {
    /// Sign a package with the chain's update key and store it for a ring.
    Publish {
        /// The database (a SQLite file or postgres://...; better in BOXOFFICE_CENTRAL_DB).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// The package (.deb, .rpm or the Windows .exe installer).
        #[arg(long)]
        file: PathBuf,
        /// Its version (semver), e.g. 0.1.1.
        #[arg(long)]
        version: String,
        /// canary (first) or all.
        #[arg(long, value_parser = ["canary", "all"])]
        ring: String,
        /// The update key (`update-key`); BOXOFFICE_UPDATE_KEY_PASSWORD opens an encrypted one.
        #[arg(long, env = "BOXOFFICE_UPDATE_KEY")]
        signing_key: PathBuf,
        /// Release notes.
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// Give every package of a version to ring `all`.
    Promote {
        /// The database (a SQLite file or postgres://...; better in BOXOFFICE_CENTRAL_DB).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// The version.
        #[arg(long)]
        version: String,
    },
    /// Every release, newest first.
    List {
        /// The database (a SQLite file or postgres://...; better in BOXOFFICE_CENTRAL_DB).
        #[arg(long, env = "BOXOFFICE_CENTRAL_DB", hide_env_values = true)]
        db: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn update_key_password() -> Option<String> {
    std::env::var("BOXOFFICE_UPDATE_KEY_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The server logs one JSON event per line (for a log shipper) unless
    // told otherwise; the one-shot commands write plain lines for people.
    let target = match &cli.command {
        Command::Serve {
            log_dir: Some(dir), ..
        } => logs::Target::Dir {
            dir: dir.clone(),
            name: "central".into(),
            rotation: logs::Rotation::default(),
        },
        Command::Serve { log_format, .. } => logs::Target::Stderr {
            json: log_format == "json",
        },
        _ => logs::Target::Stderr { json: false },
    };
    if let Err(e) = logs::init(target, "info") {
        eprintln!("error: cannot start the log: {e}");
        return ExitCode::FAILURE;
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::Serve {
            db: db_url,
            listen,
            demo: seed_demo,
            allow_unprovisioned,
            tls_cert,
            tls_key,
            metrics_listen,
            web_key_file,
            log_format: _,
            log_dir: _,
        } => {
            let db = Arc::new(CentralDb::connect(&db_url)?);
            db.allow_unprovisioned(seed_demo || allow_unprovisioned);
            if seed_demo {
                if db.is_empty()? {
                    demo::seed(&db, Timestamp::now())?;
                    tracing::info!("seeded demo data");
                } else {
                    demo::ensure_schedule(&db, Timestamp::now())?;
                }
                // The demo web shop's key, where the demo's tests find it.
                let key = match web_key_file {
                    Some(file) => file,
                    None if central::db::is_postgres_url(&db_url) => {
                        return Err("--demo on PostgreSQL needs --web-key-file FILE".into());
                    }
                    None => web_channels::demo_key_path(std::path::Path::new(&db_url)),
                };
                db.ensure_web_key_file(web_channels::DEMO_WEB_CHANNEL, &key, Timestamp::now())?;
                tracing::info!(file = %key.display(), "demo web channel key");
            }
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(async {
                let tls = match (&tls_cert, &tls_key) {
                    (Some(cert), Some(key)) => Some((cert.as_path(), key.as_path())),
                    _ => None,
                };
                let (running, metrics) = central::spawn_with_metrics(db, &listen, tls).await?;
                tracing::info!(
                    addr = %running.addr,
                    at_once = metrics.admission_limit(),
                    "central listening"
                );
                let _metrics = match metrics_listen {
                    Some(addr) => {
                        let served = central::spawn_metrics(metrics, &addr).await?;
                        tracing::info!(addr = %served.addr, "metrics at /metrics");
                        Some(served)
                    }
                    None => None,
                };
                tokio::select! {
                    r = running.task => r.map_err(std::io::Error::other)??,
                    _ = tokio::signal::ctrl_c() => {}
                }
                Ok::<_, std::io::Error>(())
            })?;
            Ok(())
        }
        Command::Cancel { db, showtime } => {
            let db = CentralDb::connect(&db)?;
            let sold = db.cancel_showtime(&showtime)?;
            out!("{showtime} cancelled; {sold} seats were sold and need refunds or exchanges");
            Ok(())
        }
        Command::Provision {
            db,
            terminal,
            out,
            signing_key,
            central_url,
            ca,
            valid_days,
            token_only,
        } => {
            let db = CentralDb::connect(&db)?;
            if token_only {
                let token = db.provision_terminal(&terminal)?;
                web_channels::write_secret_file(&out, &format!("{token}\n"))?;
                out!(
                    "terminal {terminal}: new token written to {}",
                    out.display()
                );
                return Ok(());
            }
            let (Some(signing_key), Some(central_url)) = (signing_key, central_url) else {
                return Err("give --signing-key and --central-url (or --token-only)".into());
            };
            if !(1..=90).contains(&valid_days) {
                return Err("--valid-days must be 1 to 90".into());
            }
            let key = central::provisioning::ProvisioningKey::load(&signing_key)?;
            let ca_pem = ca
                .map(|p| {
                    std::fs::read_to_string(&p)
                        .map_err(|e| format!("cannot read the CA file {}: {e}", p.display()))
                })
                .transpose()?;
            let now = Timestamp::now();
            let expires_at = now + jiff::SignedDuration::from_hours(24 * i64::from(valid_days));
            let (site_id, secret) = db.issue_enrollment(&terminal, now, expires_at)?;
            let file = key.sign(&protocol::ProvisioningPayload {
                site_id: site_id.clone(),
                terminal_id: terminal.clone(),
                central_url,
                ca_pem,
                enrollment_secret: secret,
                issued_at: now,
                expires_at,
            })?;
            web_channels::write_secret_file(&out, &serde_json::to_string_pretty(&file)?)?;
            out!(
                "terminal {terminal} of site {site_id}: provisioning file written to {} (valid until {expires_at})",
                out.display()
            );
            Ok(())
        }
        Command::ProvisioningKey { out } => {
            let key = central::provisioning::ProvisioningKey::create(&out)?;
            out!(
                "provisioning key written to {}; its public key (install it on the counters) is in {}:\n{}",
                out.display(),
                central::provisioning::public_key_path(&out).display(),
                key.public_key()
            );
            Ok(())
        }
        Command::Fleet { db, json } => {
            let db = CentralDb::connect(&db)?;
            let fleet = db.fleet(Timestamp::now(), central::fleet::Thresholds::default())?;
            if json {
                out!("{}", serde_json::to_string_pretty(&fleet)?);
            } else {
                for t in &fleet {
                    let notes = if t.attention.is_empty() {
                        "all well".to_string()
                    } else {
                        t.attention.join("; ")
                    };
                    out!(
                        "{:<14} {:<18} {:<8} {:<8} {:<7} queue {:<4} {}",
                        t.site_id,
                        t.terminal_id,
                        t.link,
                        t.version.as_deref().unwrap_or("-"),
                        t.ring.as_deref().unwrap_or("-"),
                        t.queue_depth.unwrap_or(0),
                        notes
                    );
                }
            }
            Ok(())
        }
        Command::UpdateKey { out } => {
            let key = central::releases::UpdateKey::create(&out, update_key_password())?;
            out!(
                "update key written to {}; its public key (install it on the counters as \
                 /etc/boxoffice/update.pub) is in {}:\n{}",
                out.display(),
                central::provisioning::public_key_path(&out).display(),
                key.public_key()?
            );
            Ok(())
        }
        Command::Release { action } => release(action),
        Command::Ring { db, terminal, ring } => {
            let db = CentralDb::connect(&db)?;
            db.set_ring(&terminal, &ring)?;
            out!("terminal {terminal} is in ring {ring} (it learns it at its next heartbeat)");
            Ok(())
        }
        Command::Revoke { db, terminal } => {
            let db = CentralDb::connect(&db)?;
            db.revoke_terminal(&terminal)?;
            out!("terminal {terminal} revoked: its token and key no longer work");
            Ok(())
        }
        Command::WebChannel {
            db,
            id,
            sites,
            max_seats,
            out,
        } => {
            let db = CentralDb::connect(&db)?;
            let sites: Vec<String> = sites
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            let scope = (!sites.iter().any(|s| s == "*")).then_some(sites.as_slice());
            // The key is kept in its file before the channel takes it, so a
            // failed write never leaves the shop without a working key.
            let file = web_channels::WebKeyFile {
                channel: id.clone(),
                key: web_channels::new_web_key(),
            };
            web_channels::write_secret_file(&out, &serde_json::to_string_pretty(&file)?)?;
            db.set_web_channel(&id, scope, max_seats, &file.key, Timestamp::now())?;
            out!("web channel {id}: key written to {}", out.display());
            Ok(())
        }
        Command::RevokeWebChannel { db, id } => {
            let db = CentralDb::connect(&db)?;
            db.revoke_web_channel(&id, Timestamp::now())?;
            out!("web channel {id} revoked");
            Ok(())
        }
        Command::Settings {
            db,
            site,
            idle_lock_secs,
            session_hours,
        } => {
            let db = CentralDb::connect(&db)?;
            let settings = db.set_site_settings(&site, idle_lock_secs, session_hours)?;
            out!("{}", serde_json::to_string_pretty(&settings)?);
            Ok(())
        }
        Command::Sites { db, json } => {
            let db = CentralDb::connect(&db)?;
            let sites = db.sites()?;
            if json {
                out!("{}", serde_json::to_string_pretty(&sites)?);
            } else {
                for s in sites {
                    out!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        s.id,
                        s.name,
                        s.country.code(),
                        s.currency,
                        s.time_zone,
                        s.terminals.join(",")
                    );
                }
            }
            Ok(())
        }
        Command::Openapi => {
            print!("{}", central::openapi::openapi_pretty());
            Ok(())
        }
        Command::Report {
            kind: _,
            db,
            site,
            day,
            format,
            out,
        } => {
            let db = CentralDb::connect(&db)?;
            let now = Timestamp::now();
            let day = match day {
                Some(d) => d,
                None => db.site_business_day(&site, now)?,
            };
            let report = db.site_day_report(&site, &day, "central", now)?;
            let bytes = match format.as_str() {
                "csv" => reports::csv_form::csv(&report)?,
                "pdf" => reports::pdf_form::pdf(&report)?,
                _ => serde_json::to_vec_pretty(&report)?,
            };
            match out {
                Some(path) => std::fs::write(path, bytes)?,
                None if format == "pdf" => {
                    return Err("a PDF goes to a file: add --out FILE".into());
                }
                None => {
                    use std::io::Write as _;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
            Ok(())
        }
    }
}

/// `release publish|promote|list`.
fn release(action: ReleaseAction) -> Result<(), Box<dyn std::error::Error>> {
    match action {
        ReleaseAction::Publish {
            db,
            file,
            version,
            ring,
            signing_key,
            notes,
        } => {
            let key = central::releases::UpdateKey::load(&signing_key, update_key_password())?;
            let bytes = std::fs::read(&file)
                .map_err(|e| format!("cannot read the package {}: {e}", file.display()))?;
            let file_name = file
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or("the package has no file name")?
                .to_string();
            let signature = key.sign_release(&bytes, &version, &file_name)?;
            let db = CentralDb::connect(&db)?;
            let r = db.publish_release(
                &central::releases::NewRelease {
                    version: &version,
                    ring: &ring,
                    file_name: &file_name,
                    bytes: &bytes,
                    signature: &signature,
                    notes: &notes,
                },
                Timestamp::now(),
            )?;
            out!(
                "published {} {} to ring {} ({} bytes, sha256 {})",
                r.version,
                r.target,
                r.ring,
                r.size,
                r.sha256
            );
        }
        ReleaseAction::Promote { db, version } => {
            let db = CentralDb::connect(&db)?;
            let n = db.promote_release(&version, Timestamp::now())?;
            out!("{version}: {n} package(s) now in ring all");
        }
        ReleaseAction::List { db, json } => {
            let db = CentralDb::connect(&db)?;
            let all = db.releases()?;
            if json {
                out!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                for r in &all {
                    out!(
                        "{:<10} {:<20} {:<7} {:>10} bytes  {}",
                        r.version,
                        r.target,
                        r.ring,
                        r.size,
                        r.published_at
                    );
                }
            }
        }
    }
    Ok(())
}
