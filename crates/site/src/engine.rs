//! The terminal engine: every command the UI, the CLI and the HTTP adapter
//! run goes through [`Site`].

use crate::api::*;
use crate::central_client::{CallError, CentralClient};
use crate::clock::{Clock, IdSource};
use crate::error::{Result, SiteError};
use crate::store::{self, SiteRow, StaffRow};
use crate::{auth, sale, time_fmt};
use domain::business_day::business_day;
use jiff::Timestamp;
use protocol::{EntryBody, OutboxEntry, Outcome, PushRequest};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Most outbox entries sent in one push.
pub const PUSH_BATCH: u32 = 200;

/// Where and how this terminal reaches central.
#[derive(Debug, Clone)]
pub struct TerminalConfig {
    /// Central base URL.
    pub central_url: String,
    /// Site id.
    pub site_id: String,
    /// Terminal id.
    pub terminal_id: String,
}

#[derive(Debug, Default)]
struct Link {
    online: bool,
    last_sync: Option<Timestamp>,
}

/// One terminal: its database, its printer and its link to central.
pub struct Site {
    data_dir: PathBuf,
    conn: Mutex<Connection>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdSource>,
    pub(crate) auth: auth::Sessions,
    link: Mutex<Link>,
    pub(crate) printer: printing::virtual_printer::VirtualPrinter,
    /// Wakes the background pump when print jobs wait for a real printer.
    pub(crate) print_kick: tokio::sync::Notify,
    demo: bool,
}

impl Site {
    /// Opens the terminal whose files live in `data_dir` (created if needed).
    pub fn open(
        data_dir: &Path,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
        demo: bool,
    ) -> Result<Site> {
        std::fs::create_dir_all(data_dir)?;
        let conn = store::open(&data_dir.join("terminal.sqlite"))?;
        let printouts = data_dir.join("printouts");
        std::fs::create_dir_all(&printouts)?;
        let link = Link {
            online: store::config(&conn, "link_online")?.as_deref() == Some("1"),
            last_sync: store::config(&conn, "last_sync")?.and_then(|t| t.parse().ok()),
        };
        Ok(Site {
            data_dir: data_dir.to_path_buf(),
            conn: Mutex::new(conn),
            clock,
            ids,
            auth: auth::Sessions::default(),
            link: Mutex::new(link),
            printer: printing::virtual_printer::VirtualPrinter::new(
                printouts,
                printing::Paper::Mm80,
            ),
            print_kick: tokio::sync::Notify::new(),
            demo,
        })
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub(crate) fn db(&self) -> MutexGuard<'_, Connection> {
        // SQLite rolls back an unfinished transaction when it is dropped, so
        // the connection is consistent even after a panic elsewhere.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records the link state, persisting it when it changes so that a
    /// later process (the CLI's `status`) reports what this one saw.
    fn set_link(&self, online: bool, synced: bool) {
        let mut link = self.link.lock().unwrap_or_else(|e| e.into_inner());
        let changed = link.online != online || synced;
        link.online = online;
        if synced {
            link.last_sync = Some(self.clock.now());
        }
        if changed {
            let db = self.db();
            let saved = store::set_config(&db, "link_online", if online { "1" } else { "0" })
                .and_then(|()| match link.last_sync {
                    Some(t) => store::set_config(&db, "last_sync", &t.to_string()),
                    None => Ok(()),
                });
            if let Err(e) = saved {
                tracing::warn!(error = %e, "cannot record link state");
            }
        }
    }

    /// Records the outcome of a call to central for the status bar.
    pub(crate) fn note_call<T>(&self, r: &std::result::Result<T, CallError>) {
        match r {
            Ok(_) => self.set_link(true, false),
            Err(e) if e.is_retryable() => self.set_link(false, false),
            Err(_) => self.set_link(true, false),
        }
    }

    /// The terminal's configuration.
    pub fn config(&self) -> Result<TerminalConfig> {
        let db = self.db();
        let get = |k| store::config(&db, k)?.ok_or(SiteError::NotInitialised);
        Ok(TerminalConfig {
            central_url: get("central_url")?,
            site_id: get("site_id")?,
            terminal_id: get("terminal_id")?,
        })
    }

    pub(crate) fn client(&self) -> Result<CentralClient> {
        let cfg = self.config()?;
        CentralClient::new(&cfg.central_url, &cfg.terminal_id)
    }

    pub(crate) fn site_row(&self) -> Result<SiteRow> {
        store::site(&self.db())?.ok_or(SiteError::NotInitialised)
    }

    /// Sets the terminal up against central and pulls the catalog.
    pub async fn init(
        &self,
        central_url: &str,
        site_id: &str,
        terminal_id: &str,
    ) -> Result<SyncReport> {
        for (what, v) in [("site", site_id), ("terminal", terminal_id)] {
            if v.trim().is_empty() || v.len() > 64 || v.chars().any(char::is_whitespace) {
                return Err(SiteError::Invalid(format!("{what} id '{v}' is not valid")));
            }
        }
        let client = CentralClient::new(central_url, terminal_id)?;
        // Prove the terminal belongs to the site before writing anything.
        let catalog = client.catalog(site_id).await;
        self.note_call(&catalog);
        let catalog = catalog?;
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::set_config(&tx, "central_url", central_url.trim_end_matches('/'))?;
            store::set_config(&tx, "site_id", site_id)?;
            store::set_config(&tx, "terminal_id", terminal_id)?;
            store::replace_catalog(&tx, &catalog)?;
            tx.commit()?;
        }
        // The door QR key: a conflict with another key shows at set-up time.
        self.register_key().await?;
        self.sync().await
    }

    /// Pulls the catalog and seat states and pushes the outbox.
    pub async fn sync(&self) -> Result<SyncReport> {
        let cfg = self.config()?;
        let client = self.client()?;
        let catalog = client.catalog(&cfg.site_id).await;
        self.note_call(&catalog);
        let catalog = catalog?;
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::replace_catalog(&tx, &catalog)?;
            tx.commit()?;
        }
        // Keys never block a sync; registering again is idempotent.
        if let Err(e) = self.register_key().await {
            tracing::warn!(error = %e, "ticket key not registered");
        }
        if let Err(e) = self.pull_keys().await {
            tracing::warn!(error = %e, "terminal keys not pulled");
        }
        let ids = store::showtime_ids(&self.db())?;
        for id in &ids {
            self.refresh_seats(&client, id).await?;
        }
        let pushed = self.push_outbox().await?;
        self.set_link(true, true);
        let stats = store::queue_stats(&self.db())?;
        Ok(SyncReport {
            showtimes: ids.len() as u32,
            pushed,
            queue_depth: stats.pending,
        })
    }

    /// Fetches one showtime's seat states from central into the cache.
    pub(crate) async fn refresh_seats(
        &self,
        client: &CentralClient,
        showtime_id: &str,
    ) -> Result<()> {
        let states = client.seat_states(showtime_id).await;
        self.note_call(&states);
        let states = states?;
        let mut db = self.db();
        let tx = db.transaction()?;
        store::replace_remote_seats(&tx, &states)?;
        tx.commit()?;
        Ok(())
    }

    /// Sends pending outbox entries to central, in order, and records each result.
    /// Returns how many central accepted (applied or duplicate). Network
    /// trouble leaves entries pending for the next attempt.
    pub async fn push_outbox(&self) -> Result<u32> {
        let client = self.client()?;
        let mut accepted = 0;
        loop {
            let pending = store::pending_entries(&self.db(), PUSH_BATCH)?;
            if pending.is_empty() {
                return Ok(accepted);
            }
            let entries = pending
                .iter()
                .map(|p| {
                    let body: EntryBody = serde_json::from_str(&p.body)
                        .map_err(|e| SiteError::Corrupt(format!("outbox entry {}: {e}", p.id)))?;
                    Ok(OutboxEntry {
                        id: p.id,
                        seq: p.seq,
                        body,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let ids: Vec<_> = pending.iter().map(|p| p.id).collect();
            let resp = client.push(&PushRequest { entries }).await;
            self.note_call(&resp);
            let resp = match resp {
                Ok(r) => r,
                Err(e) => {
                    let msg = match &e {
                        CallError::Network(m) => m.clone(),
                        CallError::Api { error, .. } => error.message.clone(),
                    };
                    sale::record_push_failure(&self.db(), &ids, &msg)?;
                    return if e.is_retryable() {
                        Ok(accepted)
                    } else {
                        Err(e.into())
                    };
                }
            };
            let now = self.clock.now();
            let db = self.db();
            for r in &resp.results {
                let state = match &r.outcome {
                    Outcome::Applied => "applied",
                    Outcome::Duplicate => "duplicate",
                    Outcome::Conflict { .. } => "conflict",
                    Outcome::Rejected { .. } => "rejected",
                };
                if matches!(r.outcome, Outcome::Applied | Outcome::Duplicate) {
                    accepted += 1;
                }
                let detail = match &r.outcome {
                    Outcome::Conflict { seats } => {
                        Some(format!("seats taken: {}", seats.join(", ")))
                    }
                    Outcome::Rejected { code, message } => Some(format!("{code}: {message}")),
                    _ => None,
                };
                sale::record_outcome(&db, r.id, state, detail.as_deref(), now)?;
            }
            if resp.results.len() < ids.len() {
                return Err(SiteError::Corrupt(
                    "central answered fewer results than entries".into(),
                ));
            }
        }
    }

    /// One round of the background pump: push what is queued, or, with an
    /// empty queue, check that central answers. Returns whether it did.
    pub async fn pump_once(&self) -> Result<bool> {
        let pending = store::queue_stats(&self.db())?.pending;
        if pending > 0 {
            self.push_outbox().await?;
        } else {
            let health = self.client()?.health().await;
            self.note_call(&health);
        }
        Ok(self.link.lock().unwrap_or_else(|e| e.into_inner()).online)
    }

    /// The status bar's figures.
    pub fn status(&self) -> Result<Status> {
        let cfg = self.config()?;
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let now = self.clock.now();
        let stats = store::queue_stats(&self.db())?;
        let link = self.link.lock().unwrap_or_else(|e| e.into_inner());
        Ok(Status {
            site_id: site.id,
            site_name: site.name,
            chain_name: site.chain_name,
            terminal_id: cfg.terminal_id,
            currency: site.currency.into(),
            time_zone: site.time_zone,
            central_url: cfg.central_url,
            online: link.online,
            queue_depth: stats.pending,
            oldest_unsynced_secs: stats
                .oldest_pending
                .map(|t| (now.as_second() - t).clamp(0, i64::from(u32::MAX)) as u32),
            needs_attention: stats.needs_attention,
            business_day: business_day(now, &tz, site.cutoff_hour).to_string(),
            last_sync: link.last_sync.map(|t| t.to_string()),
            demo: self.demo,
        })
    }

    /// Logs a staff member in by PIN.
    pub fn login(&self, pin: &str) -> Result<Session> {
        let staff = store::staff(&self.db())?;
        let member = self.auth.check_pin(&staff, pin, self.clock.now())?;
        Ok(self
            .auth
            .open_session(member, self.ids.new_id(self.clock.now())))
    }

    /// Ends a session.
    pub fn logout(&self, token: &str) {
        self.auth.close_session(token);
    }

    /// The staff member behind a session token.
    pub fn session_staff(&self, token: &str) -> Result<StaffRow> {
        self.auth.staff_for(token)
    }

    /// Checks a PIN and returns the staff member (for one-shot CLI commands).
    pub fn staff_by_pin(&self, pin: &str) -> Result<StaffRow> {
        let staff = store::staff(&self.db())?;
        self.auth.check_pin(&staff, pin, self.clock.now())
    }

    /// Showtimes of a business day (today's by default), for the board.
    pub fn showtimes(&self, args: &ShowtimesArgs) -> Result<Vec<ShowtimeSummary>> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let day = match &args.day {
            Some(d) => time_fmt::parse_day(d)?,
            None => business_day(self.clock.now(), &tz, site.cutoff_hour),
        };
        let (from, to) = time_fmt::business_day_bounds(day, site.cutoff_hour, &tz)?;
        let rows = store::showtimes_between(&self.db(), from, to)?;
        Ok(rows
            .into_iter()
            .map(|r| ShowtimeSummary {
                starts_at: time_fmt::rfc3339_local(r.starts_at, &tz),
                local_time: time_fmt::local_hhmm(r.starts_at, &tz),
                business_day: day.to_string(),
                seats_free: r.seats_total.saturating_sub(r.seats_taken),
                seats_total: r.seats_total,
                id: r.id,
                film_id: r.film_id,
                film_title_en: r.title_en,
                film_title_ar: r.title_ar,
                id_check: domain::age::requires_id_check(&r.rating),
                rating: r.rating,
                screen: r.screen_name,
                format: r.format,
                runtime_min: r.runtime_min,
            })
            .collect())
    }

    /// The seat map of a showtime as this terminal knows it (no network).
    pub fn seat_map_cached(&self, showtime_id: &str) -> Result<SeatMap> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let db = self.db();
        let show = store::showtime(&db, showtime_id)?;
        let seats = store::seats(&db, &show)?;
        let prices = store::prices(&db, &show.price_card_id)?;
        Ok(SeatMap {
            width: seats.iter().map(|s| s.x + 1).max().unwrap_or(0),
            height: seats.iter().map(|s| s.y + 1).max().unwrap_or(0),
            seats: seats
                .into_iter()
                .map(|s| SeatView {
                    label: s.label,
                    row: s.row,
                    number: s.number,
                    x: s.x,
                    y: s.y,
                    area: s.area,
                    kind: s.kind,
                    state: s.state,
                })
                .collect(),
            ticket_types: prices
                .into_iter()
                .map(|p| TicketTypePrice {
                    code: p.ticket_type,
                    name_en: p.name_en,
                    name_ar: p.name_ar,
                    price_minor: p.price_minor,
                })
                .collect(),
            currency: site.currency.into(),
            local_time: time_fmt::local_hhmm(show.starts_at, &tz),
            showtime_id: show.id,
            screen: show.screen_name,
            film_title_en: show.title_en,
            film_title_ar: show.title_ar,
            id_check: domain::age::requires_id_check(&show.rating),
            rating: show.rating,
        })
    }

    /// The seat map, refreshed from central first when it answers.
    pub async fn seat_map(&self, args: &SeatMapArgs) -> Result<SeatMap> {
        // Fail fast on an unknown showtime before any network call.
        store::showtime(&self.db(), &args.showtime_id)?;
        if let Ok(client) = self.client() {
            // A dead central is shown in the status bar; the cached map still sells.
            if let Err(e) = self.refresh_seats(&client, &args.showtime_id).await {
                tracing::warn!(error = %e, "seat refresh failed; showing cached states");
            }
        }
        self.seat_map_cached(&args.showtime_id)
    }

    /// A printout rendered as a data URL, for the preview. Only files this
    /// terminal printed can be read.
    pub fn printout_image(&self, args: &PrintoutImageArgs) -> Result<PrintoutImage> {
        use base64::Engine as _;
        let dir = self.printer.dir().canonicalize()?;
        let path = Path::new(&args.png_path)
            .canonicalize()
            .map_err(|_| SiteError::Invalid(format!("no printout at '{}'", args.png_path)))?;
        if !path.starts_with(&dir) || path.extension().is_none_or(|e| e != "png") {
            return Err(SiteError::Invalid("not a printout of this terminal".into()));
        }
        let bytes = std::fs::read(&path)?;
        Ok(PrintoutImage {
            data_url: format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ),
        })
    }
}
