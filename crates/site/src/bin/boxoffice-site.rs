//! `boxoffice-site`: a terminal without a screen, over the same engine as the
//! desktop app. IT scripts terminals with it; tests drive it.

use clap::{Parser, Subcommand};
use serde::Serialize;
use site::api::{SaleResult, SeatMapArgs, ShowtimesArgs};
use site::clock::{SystemClock, V7Ids};
use site::sale::CashSale;
use site::{Site, SiteError};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    },
    /// Pull the catalog and seat states, push queued sales.
    Sync,
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
        #[arg(long, value_delimiter = ',')]
        seats: Vec<String>,
        /// Ticket type code, e.g. adult.
        #[arg(long, default_value = "adult")]
        ticket: String,
        /// Payment, e.g. cash:20 or cash:12.500 (major units).
        #[arg(long)]
        pay: String,
        /// The cashier's PIN.
        #[arg(long)]
        pin: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Serve the terminal's commands over HTTP (and the UI, for browsers).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8686")]
        listen: String,
        /// Directory of the built UI to serve.
        #[arg(long)]
        ui: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e} [{}]", e.code());
            ExitCode::from(if e.is_user_error() { 2 } else { 1 })
        }
    }
}

fn print_json<T: Serialize>(v: &T) -> Result<(), SiteError> {
    let text = serde_json::to_string_pretty(v)
        .map_err(|e| SiteError::Corrupt(format!("cannot encode output: {e}")))?;
    println!("{text}");
    Ok(())
}

/// The sale as the CLI prints it: the currency as its code, plus its exponent.
fn sale_output(sale: &SaleResult) -> Result<serde_json::Value, SiteError> {
    let mut v = serde_json::to_value(sale)
        .map_err(|e| SiteError::Corrupt(format!("cannot encode output: {e}")))?;
    v["currency"] = sale.currency.code.clone().into();
    v["currency_exponent"] = sale.currency.exponent.into();
    Ok(v)
}

async fn run(cli: Cli) -> Result<(), SiteError> {
    let site = Site::open(&cli.data, Arc::new(SystemClock), Arc::new(V7Ids), false)?;
    match cli.command {
        Command::Init {
            central,
            site: site_id,
            terminal,
        } => {
            let report = site.init(&central, &site_id, &terminal).await?;
            eprintln!(
                "terminal {terminal} of site {site_id} ready: {} showtimes",
                report.showtimes
            );
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
                println!(
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
                    println!(
                        "{}  {}  {:<28} {:<16} {:>4} free  {}",
                        s.local_time, s.format, s.film_title_en, s.screen, s.seats_free, s.id
                    );
                }
            }
        }
        Command::Seats { showtime, json } => {
            let map = site
                .seat_map(&SeatMapArgs {
                    showtime_id: showtime,
                })
                .await?;
            if json {
                print_json(&map.seats)?;
            } else {
                for s in map.seats {
                    println!("{}\t{}\t{}\t{}", s.label, s.area, s.kind, s.state);
                }
            }
        }
        Command::Sell {
            showtime,
            seats,
            ticket,
            pay,
            pin,
            json,
        } => {
            let staff = site.staff_by_pin(&pin)?;
            let currency = site.status()?.currency;
            let amount = pay.strip_prefix("cash:").ok_or_else(|| {
                SiteError::Invalid(format!("--pay '{pay}' is not understood; use cash:AMOUNT"))
            })?;
            let cur: domain::Currency = currency
                .code
                .parse()
                .map_err(|e: domain::MoneyError| SiteError::Corrupt(e.to_string()))?;
            let tendered = cur.parse_major(amount)?;
            let seats: Vec<String> = seats
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            let sale = site
                .sell_cash(
                    &staff,
                    CashSale {
                        showtime_id: showtime,
                        seats,
                        ticket_type: ticket,
                        tendered_minor: tendered,
                    },
                )
                .await?;
            if json {
                print_json(&sale_output(&sale)?)?;
            } else {
                println!(
                    "sold {} for {}; change {}; order {}",
                    sale.seats.join(","),
                    cur.format(sale.total_minor),
                    cur.format(sale.change_minor),
                    sale.order_ref
                );
            }
        }
        Command::Serve { listen, ui } => {
            let site = Arc::new(site);
            let pump = tokio::spawn(site::pump::run(
                site.clone(),
                site::pump::Backoff::default(),
                site::pump::random_jitter,
            ));
            let listener = tokio::net::TcpListener::bind(&listen).await?;
            eprintln!("serving terminal on http://{}", listener.local_addr()?);
            let served = axum::serve(listener, site::http::router(site, ui)).await;
            pump.abort();
            served?;
        }
    }
    Ok(())
}
