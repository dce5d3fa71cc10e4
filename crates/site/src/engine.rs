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
    /// The last time a call failed in a way a retry may fix.
    last_failure: Option<Timestamp>,
    /// The last lease top-up.
    last_lease_top_up: Option<Timestamp>,
}

/// How long after a failed call the link counts as degraded.
const DEGRADED_FOR_SECS: i64 = 30;
/// An unsynced sale older than this marks the link degraded.
const BACKLOG_DEGRADED_SECS: u32 = 60;
/// How often the pump tops up leases while online.
const LEASE_TOP_UP_EVERY_SECS: i64 = 20;
/// How long one long poll of the seat event feed waits.
pub const EVENT_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

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
    /// Bumped whenever the seat cache changes, for seat maps waiting on it.
    seat_version: tokio::sync::watch::Sender<u64>,
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
            ..Link::default()
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
            seat_version: tokio::sync::watch::channel(0).0,
            demo,
        })
    }

    /// Tells waiting seat maps that the seat cache changed.
    pub(crate) fn seats_changed(&self) {
        self.seat_version.send_modify(|v| *v += 1);
    }

    /// Waits until the seat cache changes after `version`, or `wait` passes.
    async fn wait_for_seats(&self, version: u32, wait: std::time::Duration) {
        let mut rx = self.seat_version.subscribe();
        let _ = tokio::time::timeout(wait, rx.wait_for(|v| *v as u32 != version)).await;
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
        if !online {
            link.last_failure = Some(self.clock.now());
        }
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
            Err(CallError::Api { status, .. }) if *status == 429 || *status >= 500 => {
                // Central answers but is struggling: degraded, not offline.
                self.set_link(true, false);
                self.link().last_failure = Some(self.clock.now());
            }
            Err(e) if e.is_retryable() => self.set_link(false, false),
            Err(_) => self.set_link(true, false),
        }
    }

    fn link(&self) -> MutexGuard<'_, Link> {
        self.link.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the last exchange with central succeeded.
    pub fn is_online(&self) -> bool {
        self.link().online
    }

    /// `online`, `degraded` or `offline`, for the status bar and `status --json`.
    pub fn connectivity(&self, oldest_unsynced_secs: Option<u32>) -> &'static str {
        let link = self.link();
        let now = self.clock.now();
        if !link.online {
            "offline"
        } else if link
            .last_failure
            .is_some_and(|t| now.duration_since(t).as_secs() < DEGRADED_FOR_SECS)
            || oldest_unsynced_secs.is_some_and(|s| s > BACKLOG_DEGRADED_SECS)
        {
            "degraded"
        } else {
            "online"
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
        let creds = {
            let db = self.db();
            crate::central_client::Credentials {
                ca_pem: store::config(&db, "central_ca_pem")?.filter(|v| !v.is_empty()),
                token: store::config(&db, "terminal_token")?.filter(|v| !v.is_empty()),
            }
        };
        CentralClient::with_credentials(&cfg.central_url, &cfg.terminal_id, &creds)
    }

    pub(crate) fn site_row(&self) -> Result<SiteRow> {
        store::site(&self.db())?.ok_or(SiteError::NotInitialised)
    }

    /// Sets the terminal up against a demo or test central (no credentials).
    pub async fn init(
        &self,
        central_url: &str,
        site_id: &str,
        terminal_id: &str,
    ) -> Result<SyncReport> {
        self.init_with(
            central_url,
            site_id,
            terminal_id,
            &crate::central_client::Credentials::default(),
        )
        .await
    }

    /// Sets the terminal up against central with its provisioned credentials
    /// and pulls the catalog.
    pub async fn init_with(
        &self,
        central_url: &str,
        site_id: &str,
        terminal_id: &str,
        creds: &crate::central_client::Credentials,
    ) -> Result<SyncReport> {
        for (what, v) in [("site", site_id), ("terminal", terminal_id)] {
            if v.trim().is_empty() || v.len() > 64 || v.chars().any(char::is_whitespace) {
                return Err(SiteError::Invalid(format!("{what} id '{v}' is not valid")));
            }
        }
        let client = CentralClient::with_credentials(central_url, terminal_id, creds)?;
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
            store::set_config(&tx, "central_ca_pem", creds.ca_pem.as_deref().unwrap_or(""))?;
            store::set_config(&tx, "terminal_token", creds.token.as_deref().unwrap_or(""))?;
            store::replace_catalog(&tx, &catalog)?;
            store::set_config(&tx, "catalog_version", &catalog.version)?;
            store::set_config(&tx, "central_api_version", &catalog.api_version)?;
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
        let known = store::config(&self.db(), "catalog_version")?;
        let catalog = client
            .catalog_if_changed(&cfg.site_id, known.as_deref())
            .await;
        self.note_call(&catalog);
        // Unchanged since the last pull: nothing to rewrite.
        if let Some(catalog) = catalog? {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::replace_catalog(&tx, &catalog)?;
            store::set_config(&tx, "catalog_version", &catalog.version)?;
            store::set_config(&tx, "central_api_version", &catalog.api_version)?;
            tx.commit()?;
        }
        // Keys never block a sync; registering again is idempotent.
        if let Err(e) = self.register_key().await {
            tracing::warn!(error = %e, "ticket key not registered");
        }
        if let Err(e) = self.pull_keys().await {
            tracing::warn!(error = %e, "terminal keys not pulled");
        }
        // Learn where the event feed stands before loading seat states, so
        // that no change between the two is missed.
        let cursor = client.seat_events(&cfg.site_id, None, EVENT_WAIT).await;
        self.note_call(&cursor);
        let cursor = cursor?.last_seq;
        let ids = store::showtime_ids(&self.db())?;
        for id in &ids {
            self.refresh_seats(&client, id).await?;
        }
        store::set_config(&self.db(), "event_seq", &cursor.to_string())?;
        let pushed = self.push_outbox().await?;
        self.top_up_leases(&client).await?;
        // A sync is complete only when the queue drained.
        let drained = store::queue_stats(&self.db())?.pending == 0;
        let online = self.is_online();
        self.set_link(online, drained);
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
        let me = self.config()?.terminal_id;
        let mut db = self.db();
        let tx = db.transaction()?;
        store::replace_remote_seats(&tx, &states, &me)?;
        tx.commit()?;
        drop(db);
        self.seats_changed();
        Ok(())
    }

    /// Asks central to top up this terminal's leases and stores the full list.
    pub async fn top_up_leases(&self, client: &CentralClient) -> Result<u32> {
        let leases = client.leases(&protocol::LeaseRequest::default()).await;
        self.note_call(&leases);
        let leases = leases?;
        let now = self.clock.now();
        let offset = leases.central_time.duration_since(now).as_millis();
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::replace_leases(&tx, &leases)?;
            store::set_config(&tx, "central_offset_ms", &offset.to_string())?;
            tx.commit()?;
        }
        self.seats_changed();
        self.link().last_lease_top_up = Some(now);
        Ok(leases.showtimes.iter().map(|s| s.seats.len() as u32).sum())
    }

    /// The measured offset of central's clock from this terminal's.
    pub(crate) fn central_offset(&self) -> Result<jiff::SignedDuration> {
        let ms: i64 = store::config(&self.db(), "central_offset_ms")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(jiff::SignedDuration::from_millis(ms))
    }

    /// One long poll of central's seat event feed: waits up to `wait` for
    /// changes after the stored cursor and applies them to the seat cache.
    /// Returns how many events were applied.
    pub async fn follow_events(&self, wait: std::time::Duration) -> Result<usize> {
        let cfg = self.config()?;
        let client = self.client()?;
        let cursor: Option<i64> =
            store::config(&self.db(), "event_seq")?.and_then(|v| v.parse().ok());
        let Some(after) = cursor else {
            // Never synced the seat states: a full sync sets the cursor.
            self.sync().await?;
            return Ok(0);
        };
        let got = client.seat_events(&cfg.site_id, Some(after), wait).await;
        self.note_call(&got);
        let got = got?;
        if got.reset {
            // The feed no longer reaches back to our cursor: reload everything.
            store::set_config(&self.db(), "event_seq", &got.last_seq.to_string())?;
            let ids = store::showtime_ids(&self.db())?;
            for id in ids {
                self.refresh_seats(&client, &id).await?;
            }
            return Ok(0);
        }
        let mut db = self.db();
        let tx = db.transaction()?;
        store::apply_seat_events(&tx, &got.events, &cfg.terminal_id)?;
        store::set_config(&tx, "event_seq", &got.last_seq.to_string())?;
        tx.commit()?;
        drop(db);
        if !got.events.is_empty() {
            self.seats_changed();
        }
        Ok(got.events.len())
    }

    /// Sends pending outbox entries to central, in order, and records each result.
    /// Returns how many central accepted (applied or duplicate). Network
    /// trouble leaves entries pending for the next attempt.
    pub async fn push_outbox(&self) -> Result<u32> {
        let client = self.client()?;
        let mut accepted = 0;
        // Shrinks to 1 when central refuses a whole batch as malformed, to
        // find the one entry at fault and set it aside.
        let mut batch = PUSH_BATCH;
        // Entries central refused as a request (4xx) stay pending for a later
        // round, and the entries behind them go on without them.
        let mut after_seq = 0;
        let mut refused: Option<CallError> = None;
        loop {
            let pending = store::pending_entries(&self.db(), after_seq, batch)?;
            if pending.is_empty() {
                return match refused {
                    Some(e) => Err(e.into()),
                    None => Ok(accepted),
                };
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
                    let malformed = matches!(
                        &e,
                        CallError::Api { status, .. } if matches!(status, 400 | 413 | 422)
                    );
                    if malformed && ids.len() > 1 {
                        // One entry may poison the batch: go one by one.
                        batch = 1;
                        continue;
                    }
                    if malformed && let [one] = pending.as_slice() {
                        // Skip it this round (it stays pending, never lost);
                        // the entries behind it go on.
                        after_seq = one.seq;
                        refused = Some(e);
                        continue;
                    }
                    return if e.is_retryable() {
                        Ok(accepted)
                    } else {
                        Err(e.into())
                    };
                }
            };
            let answered: std::collections::HashSet<_> =
                resp.results.iter().map(|r| r.id).collect();
            if ids.iter().any(|id| !answered.contains(id)) {
                // Never loop on an answer that does not cover what was sent.
                return Err(SiteError::Corrupt(
                    "central's answer does not cover every entry sent".into(),
                ));
            }
            let now = self.clock.now();
            let mut db = self.db();
            // One transaction for the batch's results: one disk sync, not one per entry.
            let db = db.transaction()?;
            for r in resp.results.iter().filter(|r| ids.contains(&r.id)) {
                // A duplicate means the first answer was lost: act on that one.
                let (outcome, duplicate) = match &r.outcome {
                    Outcome::Duplicate { first } => (first.as_ref(), true),
                    other => (other, false),
                };
                let state = match outcome {
                    Outcome::Applied | Outcome::Duplicate { .. } if duplicate => "duplicate",
                    Outcome::Applied | Outcome::Duplicate { .. } => "applied",
                    Outcome::Conflict { .. } => "conflict",
                    Outcome::Rejected { .. } => "rejected",
                };
                if matches!(state, "applied" | "duplicate") {
                    accepted += 1;
                }
                let detail = match outcome {
                    Outcome::Conflict { seats } => {
                        Some(format!("seats taken: {}", seats.join(", ")))
                    }
                    Outcome::Rejected { code, message } => Some(format!("{code}: {message}")),
                    _ => None,
                };
                sale::record_outcome(&db, r.id, state, detail.as_deref(), now)?;
                if let Outcome::Conflict { seats } = outcome {
                    crate::conflicts::open_task(&db, r.id, seats, now)?;
                } else if matches!(state, "applied" | "duplicate") {
                    crate::conflicts::entry_applied(&db, r.id, now)?;
                }
            }
            db.commit()?;
        }
    }

    /// One round of the background pump: push what is queued, or, with an
    /// empty queue, check that central answers. Returns whether it did.
    pub async fn pump_once(&self) -> Result<bool> {
        let stats = store::queue_stats(&self.db())?;
        let client = self.client()?;
        if stats.pending > 0 {
            self.push_outbox().await?;
            // Central answered but the queue did not drain (429/5xx): back off.
            if store::queue_stats(&self.db())?.pending > 0 {
                return Ok(false);
            }
        } else {
            let now = self.clock.now();
            let hb = protocol::Heartbeat {
                queue_depth: 0,
                oldest_unsynced_secs: None,
                open_conflicts: crate::conflicts::open_count(&self.db())?,
                version: env!("CARGO_PKG_VERSION").to_string(),
            };
            let beat = client.heartbeat(&hb).await;
            self.note_call(&beat);
            let due = self
                .link()
                .last_lease_top_up
                .is_none_or(|t| now.duration_since(t).as_secs() >= LEASE_TOP_UP_EVERY_SECS);
            if beat.is_ok() && due {
                self.top_up_leases(&client).await?;
            }
        }
        Ok(self.is_online())
    }

    /// Asks central whether it answers, updating the link state (for
    /// one-shot CLI commands, which have no pump).
    pub async fn probe_link(&self) {
        if let Ok(client) = self.client() {
            let health = client.health().await;
            self.note_call(&health);
        }
    }

    /// The status bar's figures.
    pub fn status(&self) -> Result<Status> {
        let cfg = self.config()?;
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let now = self.clock.now();
        let stats = store::queue_stats(&self.db())?;
        let oldest_unsynced_secs = stats
            .oldest_pending
            .map(|t| (now.as_second() - t).clamp(0, i64::from(u32::MAX)) as u32);
        let connectivity = self.connectivity(oldest_unsynced_secs).to_string();
        let (open_conflicts, leases) = {
            let db = self.db();
            (
                crate::conflicts::open_count(&db)?,
                store::lease_summary(&db, now)?,
            )
        };
        let leases = leases
            .into_iter()
            .map(|(showtime_id, seats, expires)| LeaseSummary {
                showtime_id,
                seats,
                expires_at: Timestamp::from_millisecond(expires)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
            })
            .collect();
        let link = self.link();
        Ok(Status {
            site_id: site.id,
            site_name: site.name,
            chain_name: site.chain_name,
            terminal_id: cfg.terminal_id,
            currency: site.currency.into(),
            time_zone: site.time_zone,
            central_url: cfg.central_url,
            online: link.online,
            connectivity,
            queue_depth: stats.pending,
            oldest_unsynced_secs,
            needs_attention: stats.needs_attention,
            open_conflicts,
            leases,
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
        let now = self.clock.now();
        let (rows, leased, settings) = {
            let db = self.db();
            (
                store::showtimes_between(&db, from, to)?,
                store::lease_summary(&db, now)?,
                store::site_settings(&db)?,
            )
        };
        let leased: std::collections::HashMap<String, u32> =
            leased.into_iter().map(|(id, n, _)| (id, n)).collect();
        Ok(rows
            .into_iter()
            .map(|r| ShowtimeSummary {
                seats_leased: leased.get(&r.id).copied().unwrap_or(0),
                sales_state: sales_state(&r, &settings, now).to_string(),
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
        let seats = store::seats(&db, &show, self.clock.now())?;
        let mut areas: Vec<domain::SeatArea> = Vec::new();
        for s in &seats {
            if !areas.contains(&s.area) {
                areas.push(s.area);
            }
        }
        areas.sort_by_key(|a| domain::SeatArea::ALL.iter().position(|x| x == a));
        let ticket_types =
            crate::price::ShowPricing::load(&db, &show, &site, &tz)?.ticket_type_prices(&areas);
        Ok(SeatMap {
            version: *self.seat_version.borrow() as u32,
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
            ticket_types,
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
        if args.refresh == Some(false) {
            if let Some(seen) = args.wait_after {
                // Long poll of the local cache: answer as soon as it changes.
                let wait = std::time::Duration::from_millis(u64::from(
                    args.wait_ms.unwrap_or(10_000).min(25_000),
                ));
                self.wait_for_seats(seen, wait).await;
            }
            return self.seat_map_cached(&args.showtime_id);
        }
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

/// Whether the counter can still sell a showtime, and how full it is.
pub(crate) fn sales_state(
    show: &store::ShowtimeRow,
    settings: &protocol::SiteSettings,
    now: Timestamp,
) -> &'static str {
    let closes =
        show.starts_at + jiff::SignedDuration::from_mins(i64::from(settings.sales_close_after_min));
    let free = show.seats_total.saturating_sub(show.seats_taken);
    if show.cancelled {
        "cancelled"
    } else if now >= closes {
        "closed"
    } else if free == 0 {
        "sold_out"
    } else if u64::from(show.seats_taken) * 10_000
        >= u64::from(show.seats_total) * u64::from(settings.almost_full_bp)
    {
        "almost_full"
    } else {
        "selling"
    }
}
