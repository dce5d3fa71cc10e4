//! `boxoffice-site`: a terminal without a screen, over the same engine as the
//! desktop app. IT scripts terminals with it; tests drive it.

use clap::{Parser, Subcommand};
use serde::Serialize;
use site::api::{Approval, SellPart};
use site::api::{SaleResult, SeatMapArgs, ShowtimesArgs};
use site::clock::{IdSource, Jitter, RandomJitter, SeededIds, SeededJitter, SystemClock, V7Ids};
use site::commands;
use site::rules::signing::TicketCheck;
use site::{Site, SiteError};
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
    name = "boxoffice-site",
    version,
    about = "Boxoffice terminal, headless"
)]
struct Cli {
    /// The terminal's data directory (database, printouts).
    #[arg(long, global = true, default_value = "./boxoffice-data")]
    data: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Set this terminal up against central and pull the catalog.
    Init {
        /// Central base URL (https, or http on loopback only).
        #[arg(long)]
        central: String,
        /// Site id.
        #[arg(long)]
        site: String,
        /// Terminal id.
        #[arg(long)]
        terminal: String,
        /// The chain's CA certificate (PEM) from provisioning: an https central
        /// must present a certificate issued by it, and by nothing else.
        #[arg(long)]
        ca: Option<PathBuf>,
        /// File holding this terminal's API token from provisioning
        /// (`boxoffice-central provision`).
        #[arg(long)]
        token_file: Option<PathBuf>,
    },
    /// Set this counter up from its provisioning file (from
    /// `boxoffice-central provision`): the file's signature is checked
    /// against the chain's provisioning public key, its one-time secret
    /// traded for the terminal's token, then the catalog pulled.
    Provision {
        /// The provisioning file.
        #[arg(long)]
        file: PathBuf,
        /// The chain's provisioning public key file (default:
        /// BOXOFFICE_PROVISIONING_PUB, else /etc/boxoffice/provisioning.pub).
        #[arg(long)]
        trust: Option<PathBuf>,
    },
    /// Ask central for a newer release in this terminal's update ring; with
    /// --stage, download it, check its signature and stage it for installing.
    Update {
        /// Download, verify and stage a newer release.
        #[arg(long)]
        stage: bool,
        /// The chain's update public key file (default: BOXOFFICE_UPDATE_PUB,
        /// else /etc/boxoffice/update.pub).
        #[arg(long)]
        trust: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Install the update the counter asked for (as root: what the
    /// package's boxoffice-update service runs). The staged package is
    /// checked again, then handed to the package manager; the outcome goes
    /// to the log, `updates/outcome.json` and the diagnostics screen.
    InstallUpdate {
        /// The chain's update public key file (default: BOXOFFICE_UPDATE_PUB,
        /// else /etc/boxoffice/update.pub, else the package's).
        #[arg(long)]
        trust: Option<PathBuf>,
        /// Install into this scratch root instead of the system (tests, images).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Pull the catalog and seat states, push queued sales.
    Sync,
    /// Push queued sales, refunds and moves to central now (what the app's
    /// background pump does), and say how many central took.
    Push,
    /// Show connectivity and queue figures.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the showtimes of a business day.
    Showtimes {
        /// Business day (YYYY-MM-DD); today when absent.
        #[arg(long)]
        day: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the seats of a showtime with their states.
    Seats {
        /// Showtime id.
        #[arg(long)]
        showtime: String,
        /// Instead of the seats: the ticket types with their prices for this
        /// showtime, per seat area.
        #[arg(long)]
        prices: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sell seats.
    Sell {
        /// Showtime id.
        #[arg(long)]
        showtime: String,
        /// Comma-separated seat labels, e.g. F-12,F-13.
        #[arg(
            long,
            value_delimiter = ',',
            required_unless_present = "best",
            conflicts_with = "best"
        )]
        seats: Vec<String>,
        /// Instead of --seats: the best N seats together.
        #[arg(long)]
        best: Option<u32>,
        /// With --best: only this area (standard, premium, vip).
        #[arg(long, requires = "best")]
        area: Option<String>,
        /// The customer needs a wheelchair place: wheelchair places are sold
        /// as such (never without this), and --best may choose them and
        /// their companion seats.
        #[arg(long)]
        accessible: bool,
        /// Ticket type code, e.g. adult.
        #[arg(long, default_value = "adult")]
        ticket: String,
        /// More tickets in the same order, paid together:
        /// SHOWTIME:SEAT,SEAT[:TYPE] (TYPE defaults to adult); repeat for
        /// each showtime or ticket type, e.g. --also S2: :child.
        #[arg(long)]
        also: Vec<String>,
        /// Payment: cash:AMOUNT (what was handed over) and/or card:AMOUNT:APPROVAL
        /// (taken on the card terminal), in major units, e.g. --pay cash:20
        /// or --pay card:45:A1B2C3 --pay cash:10 for a split.
        #[arg(long, required = true)]
        pay: Vec<String>,
        /// The customer's ID was checked (films rated PG15 and above).
        #[arg(long)]
        id_checked: bool,
        /// The cashier's PIN.
        #[arg(long)]
        pin: String,
        /// Offline only: a manager's PIN to sell seats not leased to this terminal.
        #[arg(long)]
        override_pin: Option<String>,
        /// Price override: every ticket at this price (major units, between
        /// half the list price and the list price), with --reason and
        /// --supervisor-pin.
        #[arg(long, conflicts_with = "complimentary")]
        price: Option<String>,
        /// A complimentary ticket (price 0), with --reason and --supervisor-pin.
        #[arg(long)]
        complimentary: bool,
        /// Why the price was overridden (printed on the receipt).
        #[arg(long)]
        reason: Option<String>,
        /// The PIN of the supervisor or manager approving the price override.
        #[arg(long)]
        supervisor_pin: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Look up a web booking, or collect it and print its tickets.
    Collect {
        /// The booking reference the customer shows, e.g. W1A2B3C4D.
        #[arg(long)]
        reference: String,
        /// The cashier's PIN: collect and print (without it, only look up).
        #[arg(long)]
        pin: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List conflict tasks (override sales central could not apply), or resolve one.
    Conflicts {
        /// Resolve the task of this order (id or reference).
        #[arg(long)]
        resolve: Option<String>,
        /// With --resolve: reseat or refund.
        #[arg(long, requires = "resolve", value_parser = ["reseat", "refund"])]
        action: Option<String>,
        /// With --action reseat: the new seats (best available when absent).
        #[arg(long, value_delimiter = ',', requires = "resolve")]
        seats: Vec<String>,
        /// With --resolve: a supervisor's or manager's PIN.
        #[arg(long, requires = "resolve")]
        pin: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show or change the printer; print a test page; retry the queue.
    Printer {
        /// Set the printer: virtual, tcp:HOST[:PORT] or device:/dev/usb/lp0.
        #[arg(long)]
        set: Option<String>,
        /// Paper width with --set: 80 or 58.
        #[arg(long)]
        paper: Option<String>,
        /// Ask the printer for its real-time status.
        #[arg(long)]
        status: bool,
        /// Print a test page.
        #[arg(long)]
        test_page: bool,
        /// Send queued jobs now.
        #[arg(long)]
        retry: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Open or close a cashier's shift, or print its X report.
    Shift {
        /// open, report, close, or a drawer movement: pay-in, pay-out, drop.
        #[arg(value_parser = ["open", "report", "close", "pay-in", "pay-out", "drop"])]
        action: String,
        /// With open: the cash float in the drawer (major units).
        #[arg(long, required_if_eq("action", "open"))]
        float: Option<String>,
        /// With close: the blind count, one `--count VALUE=PIECES` per note or
        /// coin (major units, e.g. `--count 20=3 --count 0.5=4`).
        #[arg(long = "count")]
        counts: Vec<String>,
        /// With close: the cash counted as one total instead (major units).
        #[arg(long)]
        counted: Option<String>,
        /// With pay-in, pay-out, drop: the amount (major units).
        #[arg(long)]
        amount: Option<String>,
        /// With pay-in, pay-out, drop: why.
        #[arg(long)]
        reason: Option<String>,
        /// With pay-out by a cashier: the approving supervisor's or manager's PIN.
        #[arg(long)]
        approve_pin: Option<String>,
        /// The PIN of the shift's cashier (or of a supervisor or manager).
        #[arg(long)]
        pin: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Move a sold seat to another seat (supervisor or manager): prints a change slip
    /// and the new ticket.
    Reseat {
        /// Order id or printed reference.
        #[arg(long)]
        order: String,
        /// The seat's showtime, when the order has that seat label in several.
        #[arg(long)]
        showtime: Option<String>,
        /// The seat given up.
        #[arg(long)]
        from: String,
        /// The new seat.
        #[arg(long)]
        to: String,
        /// Why (printed on the change slip).
        #[arg(long)]
        reason: String,
        /// A supervisor's or manager's PIN.
        #[arg(long)]
        pin: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Refund an order, or some of its tickets (supervisor, or a manager once the show
    /// started): money back the way it came, a refund slip, the seats back on sale.
    Refund {
        /// Order id or printed reference (T1A2B3C4D).
        #[arg(long)]
        order: String,
        /// Only these seats (comma separated; SHOWTIME:SEAT when the order has the label
        /// in several showtimes); all tickets left without it.
        #[arg(long, value_delimiter = ',')]
        seats: Vec<String>,
        /// Why (printed on the slip and kept in the audit trail).
        #[arg(long)]
        reason: String,
        /// The card terminal's refund reference, when part goes back to a card.
        #[arg(long)]
        card_reference: Option<String>,
        /// PIN of the staff member at the counter (whose shift's drawer pays cash).
        #[arg(long)]
        pin: String,
        /// A supervisor's or manager's approving PIN, when the one at the counter is not.
        #[arg(long)]
        approve: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Exchange tickets of an order for new ones (supervisor, or a manager once the
    /// show started): the difference is paid, or goes back the way the order was paid.
    Exchange {
        /// Order id or printed reference.
        #[arg(long)]
        order: String,
        /// Only these of its tickets (comma separated); all tickets left without it.
        #[arg(long, value_delimiter = ',')]
        seats: Vec<String>,
        /// The new tickets: SHOWTIME:SEAT,SEAT[:TYPE]; repeat for more parts.
        #[arg(long, required = true)]
        to: Vec<String>,
        /// Payment of a difference: cash:AMOUNT and/or card:AMOUNT:APPROVAL.
        #[arg(long)]
        pay: Vec<String>,
        /// The card terminal's refund reference, when a difference goes back to a card.
        #[arg(long)]
        card_refund_reference: Option<String>,
        /// The customer's ID was checked (films rated PG15 and above).
        #[arg(long)]
        id_checked: bool,
        /// Why.
        #[arg(long)]
        reason: String,
        /// PIN of the staff member at the counter.
        #[arg(long)]
        pin: String,
        /// A supervisor's or manager's approving PIN.
        #[arg(long)]
        approve: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Find earlier orders: by reference or card approval code, seat and showtime,
    /// business day.
    Orders {
        /// An order reference (or its start) or a card approval code.
        #[arg(long)]
        text: Option<String>,
        /// Showtime id.
        #[arg(long)]
        showtime: Option<String>,
        /// Seat label.
        #[arg(long)]
        seat: Option<String>,
        /// Business day, YYYY-MM-DD.
        #[arg(long)]
        day: Option<String>,
        /// Staff PIN.
        #[arg(long)]
        pin: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Reprint an order's tickets (supervisor or manager), marked REPRINT.
    Reprint {
        /// Order id or printed reference (T1A2B3C4D).
        #[arg(long)]
        order: String,
        /// Only this seat.
        #[arg(long)]
        seat: Option<String>,
        /// A supervisor's or manager's PIN.
        #[arg(long)]
        pin: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a scanned ticket QR code offline (exit 0 valid, 2 invalid, 3 void: refunded
    /// or moved, 4 the show is over, 5 admitted already).
    VerifyTicket {
        /// The QR code's text.
        payload: String,
        /// At the door: let a valid ticket in, so that a second scan anywhere at the site
        /// says it was admitted already.
        #[arg(long)]
        admit: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Day reports: `x`, the business day so far (a supervisor's or manager's
    /// PIN), or `z`, which closes the day with its numbered Z report (a
    /// manager's PIN; every shift closed first) and prints it; `z` of a day
    /// closed already gives the report kept when it closed.
    Report {
        /// x, z, or site (the whole site's day from central: every terminal and the web).
        #[arg(value_parser = ["x", "z", "site"])]
        kind: String,
        /// The business day, YYYY-MM-DD (default: the current one).
        #[arg(long)]
        day: Option<String>,
        /// json, csv (for a spreadsheet) or pdf.
        #[arg(long, default_value = "json", value_parser = site::report_files::FORMATS)]
        format: String,
        /// Write to this file (default: standard output; a PDF needs a file).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also print an X report on the counter's printer (a Z always prints).
        #[arg(long)]
        print: bool,
        /// PIN.
        #[arg(long)]
        pin: String,
    },
    /// The audit trail: `list` its newest entries (a manager's PIN), or
    /// `verify` its hash chain (exit code 2 when an entry was edited,
    /// inserted or deleted).
    Audit {
        /// list or verify.
        #[arg(value_parser = ["list", "verify"])]
        action: String,
        /// With list: a manager's PIN.
        #[arg(long, required_if_eq("action", "list"))]
        pin: Option<String>,
        /// With list: how many entries, newest first.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Back the terminal database up now (the app also does every hour and
    /// at each day close), or list the backups.
    Backup {
        /// List the backups instead, newest first.
        #[arg(long)]
        list: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Put a backup in place of the terminal database (the app and `serve`
    /// must be closed). The database it replaces is kept in
    /// `replaced-<time>/` beside it.
    Restore {
        /// The backup file.
        #[arg(long, conflicts_with = "latest", required_unless_present = "latest")]
        file: Option<PathBuf>,
        /// The newest backup in the terminal's `backups/` folder.
        #[arg(long)]
        latest: bool,
    },
    /// Serve the terminal's commands over HTTP (and the UI, for browsers):
    /// for browser tests and development. Every command needs the door's
    /// key (header `x-boxoffice-key`, or open the UI at `/#key=KEY`), and a
    /// request must name this address as its Host, so that a web page open
    /// on the counter PC cannot drive the till.
    Serve {
        /// Address to listen on (loopback unless --allow-remote).
        #[arg(long, default_value = "127.0.0.1:8686")]
        listen: String,
        /// Listen on an address that is not loopback (warned about: anyone
        /// who can reach it and holds the key can sell).
        #[arg(long)]
        allow_remote: bool,
        /// The door's key: read from this file, or a new one written to it
        /// (owner-only) when it does not exist. Default: `door.key` in the
        /// data directory. Never printed.
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// Directory of the built UI to serve.
        #[arg(long)]
        ui: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    site::private_files::restrict_new_files();
    let cli = Cli::parse();
    // `serve` runs for long: JSON lines into the terminal's `logs/` (a
    // missing terminal directory is not created for it); the one-shot
    // commands write plain warnings for people.
    let (target, level) = match &cli.command {
        Command::Serve { .. } if cli.data.is_dir() => (
            logs::Target::Dir {
                dir: cli.data.join("logs"),
                name: "site".into(),
                rotation: logs::Rotation::default(),
            },
            "info",
        ),
        _ => (logs::Target::Stderr { json: false }, "warn"),
    };
    if let Err(e) = logs::init(target, level) {
        eprintln!("error: cannot start the log: {e}");
        return ExitCode::FAILURE;
    }
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e} [{}]", e.code());
            ExitCode::from(if e.is_user_error() { 2 } else { 1 })
        }
    }
}

fn print_json<T: Serialize>(v: &T) -> Result<(), SiteError> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| SiteError::Corrupt(format!("cannot encode output: {e}")))?;
    out!("{text}");
    Ok(())
}

/// Reads one `--also SHOWTIME:SEAT,SEAT[:TYPE]` part of an order.
fn parse_part(text: &str) -> Result<SellPart, SiteError> {
    let bad = || {
        SiteError::Invalid(format!(
            "--also '{text}' is not understood; use SHOWTIME:SEAT,SEAT[:TYPE], e.g. S2:A-1,A-2:child"
        ))
    };
    let mut fields = text.splitn(3, ':');
    let showtime = fields
        .next()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(bad)?;
    let seats: Vec<String> = fields
        .next()
        .ok_or_else(bad)?
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if seats.is_empty() {
        return Err(bad());
    }
    let ticket_type = match fields.next().map(str::trim) {
        None => "adult".to_string(),
        Some("") => return Err(bad()),
        Some(t) => t.to_string(),
    };
    Ok(SellPart {
        showtime_id: showtime.to_string(),
        seats,
        ticket_type,
        hold_id: None,
        price_override: None,
        wheelchair_seats: None,
    })
}

/// The currency the engine names (its code), for parsing and formatting amounts.
fn currency_of(info: &site::api::CurrencyInfo) -> Result<domain::Currency, SiteError> {
    info.code
        .parse()
        .map_err(|e: domain::MoneyError| SiteError::Corrupt(e.to_string()))
}

/// Reads `--pay` values: at most one `cash:AMOUNT` and one `card:AMOUNT:APPROVAL`.
fn parse_payments(
    pays: &[String],
    cur: domain::Currency,
) -> Result<(i64, Option<domain::payment::CardPayment>), SiteError> {
    let mut cash = None;
    let mut card = None;
    for pay in pays {
        let bad = || {
            SiteError::Invalid(format!(
                "--pay '{pay}' is not understood; use cash:AMOUNT or card:AMOUNT:APPROVAL"
            ))
        };
        match pay.split_once(':') {
            Some(("cash", amount)) if cash.is_none() => cash = Some(cur.parse_major(amount)?),
            Some(("card", rest)) if card.is_none() => {
                let (amount, reference) = rest.split_once(':').ok_or_else(bad)?;
                card = Some(domain::payment::CardPayment {
                    amount_minor: cur.parse_major(amount)?,
                    reference: reference.to_string(),
                });
            }
            _ => return Err(bad()),
        }
    }
    Ok((cash.unwrap_or(0), card))
}

/// The sale as the CLI prints it: the currency as its code, plus its exponent.
fn sale_output(sale: &SaleResult) -> Result<serde_json::Value, SiteError> {
    let mut v = serde_json::to_value(sale)
        .map_err(|e| SiteError::Corrupt(format!("cannot encode output: {e}")))?;
    v["currency"] = sale.currency.code.clone().into();
    v["currency_exponent"] = sale.currency.exponent.into();
    Ok(v)
}

/// One line for the door: what a valid ticket admits, or why it is refused.
fn ticket_line(check: &TicketCheck) -> String {
    match (&check.admits, check.valid) {
        (Some(a), true) => {
            let film = match (&a.film_title_en, &a.film_title_ar) {
                (Some(en), Some(ar)) => format!("{en} / {ar}"),
                (Some(en), None) => en.clone(),
                _ => format!("showtime {}", a.showtime_id),
            };
            let mut line = format!("valid: {film}");
            if let Some(screen) = &a.screen {
                line.push_str(&format!(", {screen}"));
            }
            if let Some(start) = &a.starts_at_local {
                line.push_str(&format!(", {start}"));
            }
            let kind = a.ticket_name_en.as_deref().unwrap_or(&a.ticket_type);
            line.push_str(&format!(
                ", seat {} ({kind}), order {}",
                a.seat, a.order_ref
            ));
            line
        }
        _ => format!(
            "invalid: {} [{}]",
            check.reason.as_deref().unwrap_or("not a valid ticket"),
            check.reason_code.as_deref().unwrap_or("ticket.invalid")
        ),
    }
}

/// The id source and the pump's jitter of one process.
type Seams = (Arc<dyn IdSource>, Arc<dyn Jitter>);

/// Ids and pump jitter: random, or seeded when the (undocumented, for the
/// seeded simulation in `tests/tests/simulation.rs`) environment variable
/// `BOXOFFICE_SIM_SEED` holds a number. Seeded ids come from
/// [`SeededIds::persistent`] over `DATA/sim-ids.counter`, so the many short
/// processes of one terminal (one per command, some SIGKILLed) never hand
/// out an id twice. The clock stays the system's: the simulation runs
/// against a real central whose own clock it cannot drive.
fn seams(data: &std::path::Path) -> Result<Seams, SiteError> {
    let Ok(text) = std::env::var("BOXOFFICE_SIM_SEED") else {
        return Ok((Arc::new(V7Ids), Arc::new(RandomJitter)));
    };
    let seed: u64 = text
        .trim()
        .parse()
        .map_err(|_| SiteError::Invalid(format!("BOXOFFICE_SIM_SEED '{text}' is not a number")))?;
    std::fs::create_dir_all(data)?;
    let ids = SeededIds::persistent(seed, &data.join("sim-ids.counter"))?;
    // A different stream than the ids', from the same seed.
    Ok((Arc::new(ids), Arc::new(SeededJitter::new(!seed))))
}

async fn run(cli: Cli) -> Result<ExitCode, SiteError> {
    match &cli.command {
        Command::Restore { file, latest } => return restore(&cli.data, file.as_deref(), *latest),
        // Root's half of an update never opens the terminal's database.
        Command::InstallUpdate { trust, root, json } => {
            let outcome = site::flows::update_install::run_installer(
                &cli.data,
                trust.as_deref(),
                root.as_deref(),
            )?;
            if *json {
                print_json(&outcome)?;
            } else {
                out!(
                    "{} {}: {}",
                    outcome.version,
                    outcome.outcome,
                    outcome.message
                );
            }
            return Ok(if outcome.outcome == "installed" {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Serve {
            listen,
            allow_remote,
            key_file,
            ui,
        } => {
            let door = door_config(&cli.data, listen, *allow_remote, key_file.as_deref())?;
            return serve(&cli.data, listen, door, ui.clone()).await;
        }
        // Only `init` and `provision` make a new terminal; every other
        // command needs one.
        Command::Init { .. } | Command::Provision { .. } => {
            site::boot::check_new_terminal_dir(&cli.data)?
        }
        _ => site::boot::check_files(&cli.data)?,
    }
    let (ids, _) = seams(&cli.data)?;
    let site = Site::open(&cli.data, Arc::new(SystemClock), ids, false)?;
    if let Some(mb) = min_free_mb()? {
        site.set_min_free_bytes(mb * 1024 * 1024);
    }
    match cli.command {
        Command::Init {
            central,
            site: site_id,
            terminal,
            ca,
            token_file,
        } => {
            let read = |p: &PathBuf, what: &str| {
                std::fs::read_to_string(p).map_err(|e| {
                    SiteError::Invalid(format!("cannot read the {what} file {}: {e}", p.display()))
                })
            };
            let creds = site::link::Credentials {
                ca_pem: ca.as_ref().map(|p| read(p, "CA")).transpose()?,
                token: token_file
                    .as_ref()
                    .map(|p| read(p, "token").map(|t| t.trim().to_string()))
                    .transpose()?,
            };
            let report = site
                .init_with(&central, &site_id, &terminal, &creds)
                .await?;
            eprintln!(
                "terminal {terminal} of site {site_id} ready: {} showtimes",
                report.showtimes
            );
        }
        Command::Provision { file, trust } => {
            let trusted = site::flows::provision::trusted_keys(trust.as_deref())?;
            let text = std::fs::read_to_string(&file).map_err(|e| {
                SiteError::Invalid(format!(
                    "cannot read the provisioning file {}: {e}",
                    file.display()
                ))
            })?;
            let done = site.provision(&text, &trusted).await?;
            eprintln!(
                "terminal {} of site {} provisioned against {}: {} showtimes",
                done.terminal_id, done.site_id, done.central_url, done.sync.showtimes
            );
        }
        Command::Update { stage, trust, json } => {
            let keys = if stage {
                Some(site::flows::updates::update_keys(trust.as_deref())?)
            } else {
                None
            };
            let target = site::flows::updates::package_target();
            let state = site.check_for_update(&target, keys.as_deref()).await?;
            if json {
                print_json(&state)?;
            } else {
                out!(
                    "running {} in ring {}: {}{}",
                    state.running,
                    state.ring,
                    state
                        .available
                        .as_deref()
                        .map_or("up to date".to_string(), |v| format!("{v} available")),
                    state
                        .staged
                        .as_deref()
                        .map_or(String::new(), |v| format!(", {v} staged"))
                );
            }
        }
        Command::Push => {
            let pushed = site.push_outbox().await?;
            let left = site.status()?.queue_depth;
            eprintln!("pushed: {pushed} taken by central, {left} queued");
        }
        Command::Sync => {
            let r = site.sync().await?;
            eprintln!(
                "synced: {} showtimes, {} pushed, {} queued",
                r.showtimes, r.pushed, r.queue_depth
            );
        }
        Command::Status { json } => {
            let s = site.status()?;
            if json {
                print_json(&s)?;
            } else {
                out!(
                    "{} {} ({}) online={} queue={} business_day={}",
                    s.site_id,
                    s.terminal_id,
                    s.central_url,
                    s.online,
                    s.queue_depth,
                    s.business_day
                );
            }
        }
        Command::Showtimes { day, json } => {
            let list = site.showtimes(&ShowtimesArgs { day })?;
            if json {
                print_json(&list)?;
            } else {
                for s in list {
                    out!(
                        "{}  {}  {:<28} {:<16} {:>4} free  {}",
                        s.local_time,
                        s.format,
                        s.film_title_en,
                        s.screen,
                        s.seats_free,
                        s.id
                    );
                }
            }
        }
        Command::Seats {
            showtime,
            prices,
            json,
        } => {
            let map = site
                .seat_map(&SeatMapArgs {
                    showtime_id: showtime,
                    refresh: None,
                    wait_after: None,
                    wait_ms: None,
                })
                .await?;
            if prices {
                if json {
                    print_json(&map.ticket_types)?;
                } else {
                    let cur = currency_of(&map.currency)?;
                    for t in map.ticket_types {
                        let areas: Vec<String> = t
                            .area_prices
                            .iter()
                            .map(|a| format!("{} {}", a.area, cur.format(a.price_minor)))
                            .collect();
                        out!(
                            "{}\t{}\t{}",
                            t.code,
                            cur.format(t.price_minor),
                            areas.join(", ")
                        );
                    }
                }
            } else if json {
                print_json(&map.seats)?;
            } else {
                for s in map.seats {
                    out!("{}\t{}\t{}\t{}", s.label, s.area, s.kind, s.state);
                }
            }
        }
        Command::Sell {
            showtime,
            seats,
            best,
            area,
            accessible,
            id_checked,
            ticket,
            also,
            pay,
            pin,
            override_pin,
            price,
            complimentary,
            reason,
            supervisor_pin,
            json,
        } => {
            let more = also
                .iter()
                .map(|a| {
                    // --accessible confirms the wheelchair places of every part.
                    parse_part(a).map(|p| SellPart {
                        wheelchair_seats: accessible.then(|| p.seats.clone()),
                        ..p
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let token = site.login(None, &pin)?.token;
            // A one-shot process has no pump: learn whether central answers now.
            site.probe_link().await;
            let cur = currency_of(&site.status()?.currency)?;
            let (tendered, card) = parse_payments(&pay, cur)?;
            let price_minor = match (&price, complimentary) {
                (Some(p), _) => Some(cur.parse_major(p)?),
                (None, true) => Some(0),
                (None, false) => None,
            };
            if price_minor.is_none() && (reason.is_some() || supervisor_pin.is_some()) {
                return Err(SiteError::Invalid(
                    "--reason and --supervisor-pin go with --price or --complimentary".into(),
                ));
            }
            let price_override = price_minor.map(|price_minor| site::api::PriceOverrideArgs {
                price_minor,
                reason: reason.unwrap_or_default(),
                complimentary: complimentary.then_some(true),
                approval: Approval {
                    pin: supervisor_pin.unwrap_or_default(),
                },
            });
            let seats: Vec<String> = match best {
                Some(count) => {
                    let pick = site.best_available(&site::api::BestAvailableArgs {
                        showtime_id: showtime.clone(),
                        count,
                        area,
                        accessible,
                        exclude: None,
                    })?;
                    if pick.split {
                        eprintln!(
                            "note: no row has {count} seats together; split as {:?}",
                            pick.groups
                        );
                    }
                    pick.seats
                }
                None => seats
                    .into_iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            };
            let wheelchair_seats = accessible.then(|| seats.clone());
            let sale = commands::sell(
                &site,
                site::api::SellArgs {
                    token,
                    parts: std::iter::once(SellPart {
                        showtime_id: showtime,
                        seats,
                        ticket_type: ticket,
                        hold_id: None,
                        price_override,
                        wheelchair_seats,
                    })
                    .chain(more)
                    .collect(),
                    tendered_minor: tendered,
                    card: card.map(|c| site::api::CardArgs {
                        amount_minor: c.amount_minor,
                        reference: c.reference,
                    }),
                    id_checked,
                    override_approval: override_pin.map(|pin| Approval { pin }),
                },
            )
            .await?;
            // A headless sale waits for the printer (the app leaves it to the queue).
            if site.printer_target()? != site::print_queue::PrinterTarget::Virtual
                && let Err(e) = site.process_print_queue().await
            {
                eprintln!("warning: printing: {e}");
            }
            if json {
                print_json(&sale_output(&sale)?)?;
            } else {
                out!(
                    "sold {} for {}; change {}; order {}",
                    sale.seats.join(","),
                    cur.format(sale.total_minor),
                    cur.format(sale.change_minor),
                    sale.order_ref
                );
            }
        }
        Command::Printer {
            set,
            paper,
            status,
            test_page,
            retry,
            json,
        } => {
            if let Some(target) = set {
                site.set_printer(&target, paper.as_deref())?;
            } else if paper.is_some() {
                return Err(SiteError::Invalid("--paper goes with --set".into()));
            }
            if test_page {
                let p = site.print_test_page().await?;
                eprintln!("test page: {}", p.png_path);
            }
            if retry {
                let n = site.process_print_queue().await?;
                eprintln!("{n} jobs printed");
            }
            let queue = site.print_queue_state()?;
            let printer_status = if status {
                Some(site.printer_status().await?)
            } else {
                None
            };
            if json {
                let mut v =
                    serde_json::to_value(&queue).map_err(|e| SiteError::Corrupt(e.to_string()))?;
                if let Some(st) = printer_status {
                    v["status"] = serde_json::json!({
                        "online": st.online, "paper_out": st.paper_out, "paper_near_end": st.paper_near_end,
                        "cover_open": st.cover_open, "drawer_open": st.drawer_open, "error": st.error,
                    });
                }
                print_json(&v)?;
            } else {
                out!(
                    "printer {} ({}), {} queued, {} interrupted{}",
                    queue.printer,
                    queue.paper,
                    queue.queued,
                    queue.interrupted,
                    queue
                        .last_error
                        .map(|e| format!(", last error: {e}"))
                        .unwrap_or_default()
                );
                if let Some(st) = printer_status {
                    out!("status: {st:?}");
                }
            }
        }
        Command::Shift {
            action,
            float,
            counts,
            counted,
            amount,
            reason,
            approve_pin,
            pin,
            json,
        } => {
            let token = site.login(None, &pin)?.token;
            let cur = currency_of(&site.status()?.currency)?;
            let kind = match action.as_str() {
                "pay-in" => Some(site::api::CashMovementKind::PayIn),
                "pay-out" => Some(site::api::CashMovementKind::PayOut),
                "drop" => Some(site::api::CashMovementKind::Drop),
                _ => None,
            };
            if let Some(kind) = kind {
                let args = site::api::CashMovementArgs {
                    token,
                    kind,
                    amount_minor: cur.parse_major(amount.as_deref().unwrap_or_default())?,
                    reason: reason.unwrap_or_default(),
                    approval: approve_pin.map(|pin| site::api::Approval { pin }),
                };
                let moved = commands::cash_movement(&site, args).await?;
                if json {
                    print_json(&moved)?;
                } else {
                    out!(
                        "{} {} ({})",
                        kind.title(),
                        cur.format(moved.movement.amount_minor),
                        moved.movement.reason
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            let (report, printout) = match action.as_str() {
                "open" => {
                    let float_minor = cur.parse_major(float.as_deref().unwrap_or_default())?;
                    let args = site::api::ShiftOpenArgs { token, float_minor };
                    (commands::shift_open(&site, args).await?, None)
                }
                "report" => {
                    let p = commands::shift_report(&site, site::api::TokenArgs { token }).await?;
                    (p.report, p.printout)
                }
                _ => {
                    let counts = counts
                        .iter()
                        .map(|c| parse_count(cur, c))
                        .collect::<Result<Vec<_>, _>>()?;
                    let counted_minor =
                        counted.as_deref().map(|c| cur.parse_major(c)).transpose()?;
                    let args = site::api::ShiftCloseArgs {
                        token,
                        counts: (!counts.is_empty()).then_some(counts),
                        counted_minor,
                    };
                    let p = commands::shift_close(&site, args).await?;
                    (p.report, p.printout)
                }
            };
            if json {
                let mut v =
                    serde_json::to_value(&report).map_err(|e| SiteError::Corrupt(e.to_string()))?;
                v["printout"] = serde_json::to_value(&printout)
                    .map_err(|e| SiteError::Corrupt(e.to_string()))?;
                print_json(&v)?;
            } else {
                out!(
                    "shift of {}: {} orders, {} tickets{}{}{}",
                    report.staff_name,
                    report.orders,
                    report.tickets,
                    report
                        .total_minor
                        .map(|v| format!(", sales {}", cur.format(v)))
                        .unwrap_or_default(),
                    report
                        .expected_cash_minor
                        .map(|v| format!(", cash expected {}", cur.format(v)))
                        .unwrap_or_default(),
                    report
                        .variance_minor
                        .map(|v| format!(", variance {}", cur.format(v)))
                        .unwrap_or_default()
                );
            }
        }
        Command::Reseat {
            order,
            showtime,
            from,
            to,
            reason,
            pin,
            json,
        } => {
            let token = site.login(None, &pin)?.token;
            let done = commands::reseat(
                &site,
                site::api::ReseatArgs {
                    token,
                    order,
                    showtime_id: showtime,
                    from,
                    to,
                    reason,
                    approval: None,
                },
            )
            .await?;
            if site.printer_target()? != site::print_queue::PrinterTarget::Virtual {
                site.process_print_queue().await?;
            }
            if json {
                print_json(&done)?;
            } else {
                out!("{}: {} -> {}", done.order_ref, done.from_seat, done.to_seat);
            }
        }
        Command::Refund {
            order,
            seats,
            reason,
            card_reference,
            pin,
            approve,
            json,
        } => {
            let token = site.login(None, &pin)?.token;
            let args = site::api::RefundArgs {
                token,
                order,
                seats,
                reason,
                card_reference,
                approval: approve.map(|pin| site::api::Approval { pin }),
            };
            let done = commands::refund(&site, args).await?;
            if site.printer_target()? != site::print_queue::PrinterTarget::Virtual {
                site.process_print_queue().await?;
            }
            if json {
                print_json(&done)?;
            } else {
                let q = &done.quote;
                let seats: Vec<&str> = q.tickets.iter().map(|t| t.seat.as_str()).collect();
                out!(
                    "{}: refunded {} minor units (card {}, cash {}) for {}",
                    q.order_ref,
                    q.amount_minor,
                    q.card_minor,
                    q.cash_minor,
                    seats.join(", ")
                );
            }
        }
        Command::Exchange {
            order,
            seats,
            to,
            pay,
            card_refund_reference,
            id_checked,
            reason,
            pin,
            approve,
            json,
        } => {
            let parts = to
                .iter()
                .map(|p| parse_part(p))
                .collect::<Result<Vec<_>, _>>()?;
            let token = site.login(None, &pin)?.token;
            site.probe_link().await;
            let cur = currency_of(&site.status()?.currency)?;
            let (tendered, card) = if pay.is_empty() {
                (0, None)
            } else {
                parse_payments(&pay, cur)?
            };
            let args = site::api::ExchangeArgs {
                token,
                order,
                seats,
                parts,
                tendered_minor: tendered,
                card: card.map(|c| site::api::CardArgs {
                    amount_minor: c.amount_minor,
                    reference: c.reference,
                }),
                card_refund_reference,
                id_checked,
                reason,
                approval: approve.map(|pin| Approval { pin }),
                override_approval: None,
            };
            let done = commands::exchange(&site, args).await?;
            if site.printer_target()? != site::print_queue::PrinterTarget::Virtual {
                site.process_print_queue().await?;
            }
            if json {
                print_json(&done)?;
            } else {
                out!(
                    "{} -> {}: returned {}, credited {}, paid {}, back card {} cash {}",
                    done.from_ref,
                    done.sale.order_ref,
                    cur.format(done.returned_minor),
                    cur.format(done.credit_minor),
                    cur.format(done.sale.total_minor - done.credit_minor),
                    cur.format(done.card_back_minor),
                    cur.format(done.cash_back_minor)
                );
            }
        }
        Command::Orders {
            text,
            showtime,
            seat,
            day,
            pin,
            json,
        } => {
            let token = site.login(None, &pin)?.token;
            let args = site::api::FindOrdersArgs {
                token,
                text,
                showtime_id: showtime,
                seat,
                day,
                limit: None,
            };
            let found = commands::find_orders(&site, args).await?;
            if json {
                print_json(&found)?;
            } else {
                for o in found {
                    let valid: Vec<&str> = o
                        .tickets
                        .iter()
                        .filter(|t| t.state == "valid")
                        .map(|t| t.seat.as_str())
                        .collect();
                    out!(
                        "{} {} {} {} [{}] {} {}",
                        o.order_ref,
                        o.sold_at_local,
                        o.film_title_en,
                        o.starts_local,
                        valid.join(","),
                        o.total_minor - o.refunded_minor,
                        o.currency
                    );
                }
            }
        }
        Command::Collect {
            reference,
            pin,
            json,
        } => {
            let booking = match pin {
                Some(pin) => {
                    let token = site.login(None, &pin)?.token;
                    let args = site::api::BookingArgs { token, reference };
                    let b = commands::collect_booking(&site, args).await?;
                    if site.printer_target()? != site::print_queue::PrinterTarget::Virtual
                        && let Err(e) = site.process_print_queue().await
                    {
                        eprintln!("warning: printing: {e}");
                    }
                    b
                }
                None => {
                    let args = site::api::BookingArgs {
                        token: String::new(),
                        reference,
                    };
                    commands::web_booking(&site, args).await?
                }
            };
            if json {
                print_json(&booking)?;
            } else {
                out!(
                    "{} {} {} seats {}{}",
                    booking.reference,
                    booking.local_time,
                    booking.film_title_en,
                    booking.seats.join(","),
                    match (&booking.collected_by, &booking.collected_at) {
                        (Some(by), Some(at)) => format!(" collected at {by} {at}"),
                        _ => String::new(),
                    }
                );
            }
        }
        Command::Conflicts {
            resolve,
            action,
            seats,
            pin,
            json,
        } => {
            if let Some(order) = resolve {
                let pin = pin.ok_or_else(|| SiteError::Invalid("--resolve needs --pin".into()))?;
                let token = site.login(None, &pin)?.token;
                let action =
                    action.ok_or_else(|| SiteError::Invalid("--resolve needs --action".into()))?;
                site.probe_link().await;
                let done = commands::resolve_conflict(
                    &site,
                    site::api::ResolveConflictArgs {
                        token,
                        order,
                        action,
                        seats,
                        approval: None,
                    },
                )
                .await?;
                if json {
                    print_json(&done)?;
                } else {
                    out!(
                        "{} {}: {}",
                        done.order_ref,
                        done.seats.join(","),
                        done.state
                    );
                }
            } else {
                let list = site.conflicts()?;
                if json {
                    print_json(&list)?;
                } else {
                    for c in list {
                        out!(
                            "{}\t{}\t{} {}\tseats {}\ttaken {}",
                            c.order_ref,
                            c.state,
                            c.local_time,
                            c.film_title_en,
                            c.seats.join(","),
                            c.taken.join(",")
                        );
                    }
                }
            }
        }
        Command::Reprint {
            order,
            seat,
            pin,
            json,
        } => {
            let token = site.login(None, &pin)?.token;
            let args = site::api::ReprintArgs {
                token,
                order,
                seat,
                approval: None,
            };
            let printouts = commands::reprint(&site, args).await?;
            if site.printer_target()? != site::print_queue::PrinterTarget::Virtual {
                site.process_print_queue().await?;
            }
            if json {
                print_json(&printouts)?;
            } else {
                for p in printouts {
                    out!("{}", p.png_path);
                }
            }
        }
        Command::VerifyTicket {
            payload,
            admit,
            json,
        } => {
            let check = if admit {
                site.admit_ticket(&payload).await?
            } else {
                site.verify_ticket(&payload)?
            };
            if json {
                print_json(&check)?;
            } else {
                out!("{}", ticket_line(&check));
            }
            if !check.valid {
                return Ok(ExitCode::from(match check.reason_code.as_deref() {
                    Some("ticket.void") => 3,
                    Some("ticket.show_over") => 4,
                    Some("ticket.already_admitted") => 5,
                    _ => 2,
                }));
            }
        }
        Command::Report {
            kind,
            day,
            format,
            out,
            print,
            pin,
        } => {
            let token = site.login(None, &pin)?.token;
            // A Z report is of the day the site's clock is in unless told.
            let day = match (kind.as_str(), day) {
                ("z", None) => Some(site.status()?.business_day),
                (_, day) => day,
            };
            let args = site::api::DayArgs { token, day };
            let report = if kind == "x" || kind == "site" {
                let report = if kind == "x" {
                    commands::day_report(&site, args).await?
                } else {
                    commands::site_day_report(&site, args).await?
                };
                if print {
                    site.print_day_report(&report).await?;
                }
                report
            } else {
                match commands::day_z_report(&site, args.clone()).await {
                    Ok(kept) => {
                        eprintln!(
                            "business day {} was closed by Z report {}",
                            kept.business_day,
                            kept.number.unwrap_or_default()
                        );
                        kept
                    }
                    Err(e) if e.code() == "day.not_closed" => {
                        let closed = commands::day_close(&site, args).await?.report;
                        eprintln!(
                            "closed business day {} with Z report {}",
                            closed.business_day,
                            closed.number.unwrap_or_default()
                        );
                        closed
                    }
                    Err(e) => return Err(e),
                }
            };
            let (bytes, _) = site::report_files::report_bytes(&report, &format)?;
            match out {
                Some(path) => std::fs::write(&path, bytes)?,
                None if format == "pdf" => {
                    return Err(SiteError::Invalid(
                        "a PDF goes to a file: add --out FILE".into(),
                    ));
                }
                None => {
                    use std::io::Write as _;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
        }
        Command::Audit {
            action,
            pin,
            limit,
            json,
        } => {
            if action == "verify" {
                let check = site.verify_audit()?;
                if json {
                    print_json(&check)?;
                } else if check.intact {
                    out!("audit trail intact: {} entries", check.entries);
                } else {
                    out!(
                        "audit trail BROKEN: {}",
                        check.problem.as_deref().unwrap_or("unknown")
                    );
                }
                if !check.intact {
                    return Ok(ExitCode::from(2));
                }
            } else {
                let token = site.login(None, pin.as_deref().unwrap_or_default())?.token;
                let rows =
                    commands::audit_trail(&site, site::api::AuditArgs { token, limit }).await?;
                if json {
                    print_json(&rows)?;
                } else {
                    for r in &rows {
                        out!(
                            "{:>5} {} {} {:<16} {} by {}{}: {}",
                            r.seq,
                            r.at,
                            r.terminal_id,
                            r.action,
                            r.subject,
                            r.staff_id,
                            r.approved_by
                                .as_deref()
                                .map(|a| format!(", approved by {a}"))
                                .unwrap_or_default(),
                            r.detail
                        );
                    }
                }
            }
        }
        Command::Backup { list, json } => {
            if list {
                let all = site.backups()?;
                if json {
                    print_json(&all)?;
                } else {
                    for b in &all {
                        out!(
                            "{}  {:<9}  {:>10} bytes  {}",
                            b.taken_at,
                            format!("{:?}", b.kind).to_lowercase(),
                            b.bytes,
                            b.path.display()
                        );
                    }
                }
            } else {
                let b = site.take_backup(site::backup::BackupKind::Manual).await?;
                if json {
                    print_json(&b)?;
                } else {
                    out!("backup taken: {} ({} bytes)", b.path.display(), b.bytes);
                }
            }
        }
        Command::Restore { .. } | Command::Serve { .. } | Command::InstallUpdate { .. } => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// `BOXOFFICE_MIN_FREE_MB`: the least free disk space a new sale needs.
fn min_free_mb() -> Result<Option<u64>, SiteError> {
    match std::env::var("BOXOFFICE_MIN_FREE_MB") {
        Err(_) => Ok(None),
        Ok(text) => text.trim().parse().map(Some).map_err(|_| {
            SiteError::Invalid(format!(
                "BOXOFFICE_MIN_FREE_MB '{text}' is not a number of MB"
            ))
        }),
    }
}

/// `restore`: the named backup, or the newest one.
fn restore(
    data: &std::path::Path,
    file: Option<&std::path::Path>,
    latest: bool,
) -> Result<ExitCode, SiteError> {
    let from = match (file, latest) {
        (Some(f), _) => f.to_path_buf(),
        (None, _) => site::backup::list(data)?
            .into_iter()
            .next()
            .map(|b| b.path)
            .ok_or_else(|| {
                SiteError::Invalid(format!(
                    "there is no backup in {}",
                    site::backup::backup_dir(data).display()
                ))
            })?,
    };
    let report = site::backup::restore(data, &from, jiff::Timestamp::now())?;
    out!("restored {}", report.restored.display());
    if let Some(kept) = &report.replaced_kept_in {
        out!("the database it replaced is kept in {}", kept.display());
    }
    out!(
        "sales made after this backup that central had not received are not in it: \
         check the terminal's day against central's site report"
    );
    Ok(ExitCode::SUCCESS)
}

/// The door's key and the addresses it answers to.
fn door_config(
    data: &std::path::Path,
    listen: &str,
    allow_remote: bool,
    key_file: Option<&std::path::Path>,
) -> Result<site::http::Door, SiteError> {
    let addr: std::net::SocketAddr = listen.parse().map_err(|_| {
        SiteError::Invalid(format!(
            "--listen '{listen}' is not an address and port, e.g. 127.0.0.1:8686"
        ))
    })?;
    if !addr.ip().is_loopback() {
        if !allow_remote {
            return Err(SiteError::Invalid(format!(
                "--listen {addr} is not a loopback address: the door would be open to the network; \
                 add --allow-remote if that is really meant"
            )));
        }
        eprintln!(
            "warning: serving on {addr}, not loopback: anyone who reaches it and holds the key can sell"
        );
    }
    let key_file = key_file
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| data.join("door.key"));
    let key = site::http::load_or_create_key(&key_file)?;
    eprintln!("door key in {}", key_file.display());
    Ok(site::http::Door::new(key, addr))
}

/// `serve`: the set-up terminal behind the door, or the reason it cannot
/// sell (the UI shows it) when it is not.
async fn serve(
    data: &std::path::Path,
    listen: &str,
    door: site::http::Door,
    ui: Option<PathBuf>,
) -> Result<ExitCode, SiteError> {
    let (ids, jitter) = seams(data)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let door = door.with_port(listener.local_addr()?.port());
    let router = match site::boot::open_configured(data, Arc::new(SystemClock), ids) {
        Ok(site) => {
            if let Some(mb) = min_free_mb()? {
                site.set_min_free_bytes(mb * 1024 * 1024);
            }
            let running = site::backup::RunLock::acquire(data)?;
            let site = Arc::new(site);
            let pump = tokio::spawn(site::pump::run(
                site.clone(),
                site::pump::Backoff::default(),
                move || jitter.factor(),
            ));
            eprintln!("serving terminal on http://{}", listener.local_addr()?);
            let served = axum::serve(listener, site::http::router(site, ui, door)).await;
            pump.abort();
            drop(running);
            return served.map(|()| ExitCode::SUCCESS).map_err(SiteError::from);
        }
        Err(problem) => {
            eprintln!("error: {problem} [{}]", problem.code);
            eprintln!(
                "serving the start-up problem on http://{}",
                listener.local_addr()?
            );
            site::http::problem_router(problem, ui, door)
        }
    };
    axum::serve(listener, router).await?;
    Ok(ExitCode::SUCCESS)
}

/// One `--count VALUE=PIECES` of a blind count, e.g. `0.5=4`.
fn parse_count(
    cur: domain::Currency,
    text: &str,
) -> Result<site::api::DenominationCount, SiteError> {
    let bad = || SiteError::Invalid(format!("'{text}': give a count as VALUE=PIECES, e.g. 20=3"));
    let (value, pieces) = text.split_once('=').ok_or_else(bad)?;
    Ok(site::api::DenominationCount {
        minor: cur.parse_major(value.trim())?,
        pieces: pieces.trim().parse().map_err(|_| bad())?,
    })
}
