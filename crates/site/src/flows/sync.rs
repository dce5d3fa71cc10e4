//! Keeping the terminal in step with central: set-up, the catalog, seat
//! states and the seat event feed, leases, and the pump's idle round.

use crate::api::SyncReport;
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::link::{CentralClient, Credentials};
use crate::store::{self, ConfigKey};

/// How often the pump tops up leases while online.
const LEASE_TOP_UP_EVERY_SECS: i64 = 20;
/// How long one long poll of the seat event feed waits.
pub const EVENT_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl Site {
    /// Sets the terminal up against a demo or test central (no credentials).
    pub async fn init(
        &self,
        central_url: &str,
        site_id: &str,
        terminal_id: &str,
    ) -> Result<SyncReport> {
        self.init_with(central_url, site_id, terminal_id, &Credentials::default())
            .await
    }

    /// Sets the terminal up against central with its provisioned credentials
    /// and pulls the catalog.
    pub async fn init_with(
        &self,
        central_url: &str,
        site_id: &str,
        terminal_id: &str,
        creds: &Credentials,
    ) -> Result<SyncReport> {
        for (what, v) in [("site", site_id), ("terminal", terminal_id)] {
            if v.trim().is_empty() || v.len() > 64 || v.chars().any(char::is_whitespace) {
                return Err(SiteError::Invalid(format!("{what} id '{v}' is not valid")));
            }
        }
        let client = self.link.connect(central_url, terminal_id, creds)?;
        // Prove the terminal belongs to the site before writing anything.
        let catalog = client.catalog(site_id).await;
        let catalog = catalog?;
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::set_config(
                &tx,
                store::ConfigKey::CentralUrl,
                central_url.trim_end_matches('/'),
            )?;
            store::set_config(&tx, store::ConfigKey::SiteId, site_id)?;
            store::set_config(&tx, store::ConfigKey::TerminalId, terminal_id)?;
            store::set_config(
                &tx,
                store::ConfigKey::CentralCaPem,
                creds.ca_pem.as_deref().unwrap_or(""),
            )?;
            store::set_config(
                &tx,
                store::ConfigKey::TerminalToken,
                creds.token.as_deref().unwrap_or(""),
            )?;
            store::store_catalog(&tx, &catalog, terminal_id)?;
            tx.commit()?;
        }
        self.link.reset();
        // The door QR key: a conflict with another key shows at set-up time.
        self.register_key().await?;
        self.sync().await
    }

    /// Pulls the catalog and seat states and pushes the outbox.
    pub async fn sync(&self) -> Result<SyncReport> {
        let cfg = self.config()?;
        let client = self.client()?;
        let known = store::config(&self.db(), ConfigKey::CatalogVersion)?;
        let catalog = client
            .catalog_if_changed(&cfg.site_id, known.as_deref())
            .await;
        // Unchanged since the last pull: nothing to rewrite.
        if let Some(catalog) = catalog? {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::store_catalog(&tx, &catalog, &cfg.terminal_id)?;
            tx.commit()?;
        }
        // Keys never block a sync; registering again is idempotent.
        if let Err(e) = self.register_key().await {
            tracing::warn!(error = %e, "ticket key not registered");
        }
        if let Err(e) = self.pull_keys().await {
            tracing::warn!(error = %e, "terminal keys not pulled");
        }
        // The door's void list, like the keys, never blocks a sync.
        if let Err(e) = self.pull_voids().await {
            tracing::warn!(error = %e, "void list not pulled");
        }
        // Learn where the event feed stands before loading seat states, so
        // that no change between the two is missed.
        let cursor = client.seat_events(&cfg.site_id, None, EVENT_WAIT).await;
        let cursor = cursor?.last_seq;
        let ids = store::showtime_ids(&self.db())?;
        for id in &ids {
            self.refresh_seats(&client, id).await?;
        }
        store::set_config(&self.db(), ConfigKey::EventSeq, &cursor.to_string())?;
        let pushed = match self.push_outbox().await {
            Ok(n) => n,
            Err(e) => {
                if !matches!(e, SiteError::CentralUnreachable(_)) {
                    self.report_queue(&client).await;
                }
                return Err(e);
            }
        };
        self.top_up_leases(&client).await?;
        // A sync is complete only when the queue drained.
        let drained = store::queue_stats(&self.db())?.pending == 0;
        let online = self.is_online();
        self.link.monitor().set(online, drained);
        let mut pushed = pushed;
        if self.report_queue(&client).await > 0 {
            // Central was behind: what it lost goes again now.
            pushed += self.push_outbox().await?;
            self.report_queue(&client).await;
        }
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
        let leases = leases?;
        let now = self.clock.now();
        let offset = leases.central_time.duration_since(now).as_millis();
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::replace_leases(&tx, &leases)?;
            store::set_config(&tx, store::ConfigKey::CentralOffsetMs, &offset.to_string())?;
            tx.commit()?;
        }
        self.seats_changed();
        self.link.monitor().lease_topped_up(now);
        Ok(leases.showtimes.iter().map(|s| s.seats.len() as u32).sum())
    }

    /// One long poll of central's seat event feed: waits up to `wait` for
    /// changes after the stored cursor and applies them to the seat cache.
    /// Returns how many events were applied.
    pub async fn follow_events(&self, wait: std::time::Duration) -> Result<usize> {
        let cfg = self.config()?;
        let client = self.client()?;
        let cursor: Option<i64> =
            store::config(&self.db(), ConfigKey::EventSeq)?.and_then(|v| v.parse().ok());
        let Some(after) = cursor else {
            // Never synced the seat states: a full sync sets the cursor.
            self.sync().await?;
            return Ok(0);
        };
        let got = client.seat_events(&cfg.site_id, Some(after), wait).await;
        let got = got?;
        if got.reset {
            // The feed no longer reaches back to our cursor: reload everything.
            store::set_config(&self.db(), ConfigKey::EventSeq, &got.last_seq.to_string())?;
            let ids = store::showtime_ids(&self.db())?;
            for id in ids {
                self.refresh_seats(&client, &id).await?;
            }
            return Ok(0);
        }
        let mut db = self.db();
        let tx = db.transaction()?;
        store::apply_seat_events(&tx, &got.events, &cfg.terminal_id)?;
        store::set_config(&tx, store::ConfigKey::EventSeq, &got.last_seq.to_string())?;
        tx.commit()?;
        drop(db);
        if !got.events.is_empty() {
            self.seats_changed();
        }
        Ok(got.events.len())
    }

    /// Tells central what still waits, per business day (the site's day
    /// report names this terminal); a heartbeat that does not arrive fails
    /// nothing.
    /// Returns how many entries central turned out to have lost (sent again
    /// by the next push).
    async fn report_queue(&self, client: &CentralClient) -> usize {
        // Two statements: the first's lock is let go before `heartbeat` locks.
        let stats = store::queue_stats(&self.db());
        let hb = stats.and_then(|stats| self.heartbeat(&stats));
        match hb {
            Ok(hb) => match client.heartbeat(&hb).await {
                Ok(ack) => self.heard_back(ack.as_ref()),
                Err(e) => {
                    tracing::debug!(error = ?e, "heartbeat not sent");
                    0
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "heartbeat not made");
                0
            }
        }
    }

    /// Acts on central's heartbeat answer: entries central lost go back to
    /// the queue, and the order count moves past what central has seen.
    /// Returns how many entries were queued again.
    pub(crate) fn heard_back(&self, ack: Option<&protocol::HeartbeatAck>) -> usize {
        let Some(ack) = ack else {
            return 0;
        };
        let db = self.db();
        if let Some(ring) = ack
            .ring
            .as_deref()
            .filter(|r| ["canary", "all"].contains(r))
            && let Err(e) = store::set_config(&db, ConfigKey::UpdateRing, ring)
        {
            tracing::warn!(error = %e, "update ring not kept");
        }
        if let Some(seen) = ack.order_count_seen {
            match store::raise_order_count(&db, u64::from(seen) + 1) {
                Ok(true) => {
                    tracing::warn!(
                        seen,
                        "central has seen later orders of this terminal: counting on from there"
                    );
                    self.forget_reserved_order_counts();
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "order count not raised"),
            }
        }
        match store::requeue_lost(&db, ack.applied_through) {
            Ok(0) => 0,
            Ok(n) => {
                tracing::warn!(
                    entries = n,
                    central_has = ack.applied_through,
                    "central is behind on this terminal's entries (restored from a backup?): sending them again"
                );
                n
            }
            Err(e) => {
                tracing::warn!(error = %e, "lost entries not queued again");
                0
            }
        }
    }

    /// What this terminal tells central about itself.
    fn heartbeat(&self, stats: &store::QueueStats) -> Result<protocol::Heartbeat> {
        let now = self.clock.now().as_second();
        let db = self.db();
        Ok(protocol::Heartbeat {
            queue_depth: stats.pending,
            oldest_unsynced_secs: stats
                .oldest_pending
                .map(|t| u32::try_from((now - t).max(0)).unwrap_or(u32::MAX)),
            open_conflicts: store::open_conflict_count(&db)?,
            version: env!("CARGO_PKG_VERSION").to_string(),
            unsynced_days: store::unsynced_days(&db)?,
            ring: Some(
                store::config(&db, ConfigKey::UpdateRing)?.unwrap_or_else(|| "all".to_string()),
            ),
            printer: Some(
                store::config(&db, ConfigKey::Printer)?.unwrap_or_else(|| "virtual".to_string()),
            ),
            printer_error: store::config(&db, ConfigKey::PrinterError)?.filter(|e| !e.is_empty()),
            last_backup_at: crate::backup::list(self.data_dir())?
                .first()
                .and_then(|b| b.taken_at.parse().ok()),
            disk_free_mb: crate::disk::free_bytes(self.data_dir())
                .ok()
                .flatten()
                .map(|b| b / (1024 * 1024)),
        })
    }

    /// One round of the background pump: push what is queued, or, with an
    /// empty queue, check that central answers. Returns whether it did.
    pub async fn pump_once(&self) -> Result<bool> {
        let stats = store::queue_stats(&self.db())?;
        let client = self.client()?;
        if stats.pending > 0 {
            let pushed = self.push_outbox().await;
            // The queue did not drain (central refused, 429/5xx): tell
            // central what waits (the site's day report names this
            // terminal), then back off.
            if store::queue_stats(&self.db())?.pending > 0 {
                // Not when central cannot be reached at all (the push
                // marked the link down): that would be one more timeout.
                if self.is_online() {
                    self.report_queue(&client).await;
                }
                pushed?;
                return Ok(false);
            }
            pushed?;
        } else {
            let now = self.clock.now();
            let hb = self.heartbeat(&stats)?;
            let beat = client.heartbeat(&hb).await;
            if let Ok(ack) = &beat
                && self.heard_back(ack.as_ref()) > 0
            {
                // Central lost entries: the next round pushes them.
                return Ok(true);
            }
            let due = self
                .link
                .monitor()
                .lease_top_up_due(now, LEASE_TOP_UP_EVERY_SECS);
            if beat.is_ok() && due {
                self.top_up_leases(&client).await?;
                if let Err(e) = self.pull_voids().await {
                    tracing::warn!(error = %e, "void list not pulled");
                }
            }
        }
        Ok(self.is_online())
    }

    /// Asks central whether it answers, updating the link state (for
    /// one-shot CLI commands, which have no pump).
    pub async fn probe_link(&self) {
        if let Ok(client) = self.client() {
            let _ = client.health().await;
        }
    }
}
