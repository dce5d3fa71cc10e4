//! The background pump: sends queued print jobs to the printer, keeps pushing
//! queued sales to central (backing off with jitter while central is away),
//! keeps the link state fresh for the status bar, checkpoints the
//! database's write-ahead log in the background and takes the hourly backup.

use crate::clock::{Jitter, RandomJitter};
use crate::engine::Site;
use std::sync::Arc;
use std::time::Duration;

/// Retry policy of the pump.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Pause between rounds while everything is fine.
    pub idle: Duration,
    /// First pause after a failure.
    pub initial: Duration,
    /// Longest pause.
    pub max: Duration,
    /// While central is away, how often a tiny health call asks whether it
    /// is back (the backed-off pushes wait for it): the counter sees the
    /// link return within this, not after the longest pause.
    pub probe: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            idle: Duration::from_secs(2),
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
            probe: Duration::from_millis(1500),
        }
    }
}

impl Backoff {
    /// The pause after `failures` consecutive failures, scaled by `jitter`
    /// (a factor drawn by the caller, e.g. uniformly from 0.8..1.2).
    pub fn pause(&self, failures: u32, jitter: f64) -> Duration {
        if failures == 0 {
            return self.idle;
        }
        let exp = self
            .initial
            .saturating_mul(1u32 << failures.saturating_sub(1).min(16));
        exp.min(self.max).mul_f64(jitter.clamp(0.5, 1.5))
    }
}

/// Runs the pump until the task is dropped or aborted. Every pause of both
/// loops is scaled by a factor from `jitter` (one source for the whole pump:
/// [`RandomJitter`](crate::clock::RandomJitter) or [`random_jitter`] in
/// production, a [`SeededJitter`](crate::clock::SeededJitter) to replay a
/// simulation).
pub async fn run(site: Arc<Site>, policy: Backoff, jitter: impl Jitter + 'static) {
    let jitter: Arc<dyn Jitter> = Arc::new(jitter);
    tokio::join!(
        push_loop(site.clone(), policy, jitter.clone()),
        follow_loop(site.clone(), policy, jitter),
        checkpoint_loop(site.clone(), policy),
        backup_loop(site.clone()),
        update_loop(site.clone()),
        install_loop(site)
    );
}

/// How often the pump asks central for an update.
const UPDATE_EVERY: Duration = Duration::from_secs(6 * 3600);

/// Asks central for an update every few hours (the first time five minutes
/// after start); stages it when the chain's update key is installed.
async fn update_loop(site: Arc<Site>) {
    tokio::time::sleep(Duration::from_secs(300)).await;
    loop {
        let keys = crate::flows::updates::update_keys(None).ok();
        let target = crate::flows::updates::package_target();
        if let Err(e) = site.check_for_update(&target, keys.as_deref()).await {
            tracing::warn!(error = %e, "update check failed");
        }
        tokio::time::sleep(UPDATE_EVERY).await;
    }
}

/// How often the pump looks whether a staged update can be installed or an
/// installed one restarted into.
pub const INSTALL_EVERY: Duration = Duration::from_secs(20);

/// Asks root to install a staged update once the counter is idle (the
/// first look at start: nobody is selling yet). Only the processes that
/// run the counter's screen run the pump, so the idleness is theirs.
async fn install_loop(site: Arc<Site>) {
    loop {
        if let Err(e) = site.advance_update_install() {
            tracing::warn!(error = %e, "cannot look at the staged update");
        }
        tokio::time::sleep(INSTALL_EVERY).await;
    }
}

/// Takes the hourly backup (the first one a minute after start, so that
/// starting never waits for it).
async fn backup_loop(site: Arc<Site>) {
    tokio::time::sleep(Duration::from_secs(60)).await;
    loop {
        match site.backup_if_due().await {
            Ok(Some(b)) => {
                tracing::info!(file = %b.path.display(), bytes = b.bytes, "backup taken")
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "the scheduled backup failed"),
        }
        tokio::time::sleep(Duration::from_secs(300)).await;
    }
}

/// Checkpoints the database's write-ahead log every idle pause, on a
/// connection of its own, so no sale's commit does it.
async fn checkpoint_loop(site: Arc<Site>, policy: Backoff) {
    loop {
        tokio::time::sleep(policy.idle).await;
        if let Err(e) = site.checkpoint().await {
            tracing::warn!(error = %e, "checkpoint failed");
        }
    }
}

/// Follows central's seat event feed (long poll) into the seat cache, so
/// seat maps change within a second of a sale anywhere in the chain.
async fn follow_loop(site: Arc<Site>, policy: Backoff, jitter: Arc<dyn Jitter>) {
    let mut failures = 0u32;
    loop {
        match site.follow_events(crate::flows::sync::EVENT_WAIT).await {
            Ok(_) => failures = 0,
            Err(e) => {
                tracing::debug!(error = %e, "seat events failed");
                failures = failures.saturating_add(1);
                // Only a link that is down ends the pause early: a feed that
                // fails while central answers keeps backing off.
                let offline = !site.is_online();
                let pause = policy.pause(failures, jitter.factor());
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = back_online(&site, policy.probe, pause / 4, jitter.as_ref()), if offline => {}
                }
            }
        }
    }
}

async fn push_loop(site: Arc<Site>, policy: Backoff, jitter: Arc<dyn Jitter>) {
    let mut failures = 0u32;
    loop {
        if let Err(e) = site.process_print_queue().await {
            tracing::warn!(error = %e, "print queue failed");
        }
        let ok = match site.pump_once().await {
            Ok(online) => online,
            Err(e) => {
                tracing::debug!(error = %e, "outbox push failed");
                false
            }
        };
        failures = if ok { 0 } else { failures.saturating_add(1) };
        // Only a link that is down ends the pause early (central answering
        // 429 or 5xx keeps the backoff).
        let offline = failures > 0 && !site.is_online();
        let pause = policy.pause(failures, jitter.factor());
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = site.print_kick.notified() => {}
            // Central is back: push at once rather than after the backoff.
            _ = back_online(&site, policy.probe, pause / 4, jitter.as_ref()), if offline => {}
        }
    }
}

/// Returns once central answers again and at least `at_least` has passed:
/// while the link is down, a health call every `every` (scaled by the
/// jitter, so a fleet does not probe in step), each updating the link state
/// the status bar shows at once. `at_least` (a share of the backoff pause)
/// keeps a call that keeps failing while central's health answers (an
/// overloaded central, a proxy cutting long polls) backing off.
pub async fn back_online(site: &Site, every: Duration, at_least: Duration, jitter: &dyn Jitter) {
    let start = tokio::time::Instant::now();
    loop {
        if site.is_online() && start.elapsed() >= at_least {
            return;
        }
        tokio::time::sleep(every.mul_f64(jitter.factor().clamp(0.5, 1.5))).await;
        if !site.is_online() {
            site.probe_link().await;
        }
    }
}

/// A jitter factor in 0.8..1.2 from fresh random bits ([`RandomJitter`]);
/// kept as a function so `run(site, policy, random_jitter)` reads as before.
pub fn random_jitter() -> f64 {
    RandomJitter.factor()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let b = Backoff::default();
        assert_eq!(b.pause(0, 1.0), Duration::from_secs(2));
        assert_eq!(b.pause(1, 1.0), Duration::from_millis(500));
        assert_eq!(b.pause(2, 1.0), Duration::from_secs(1));
        assert_eq!(b.pause(4, 1.0), Duration::from_secs(4));
        assert_eq!(b.pause(20, 1.0), Duration::from_secs(30));
        assert_eq!(b.pause(40, 1.2), Duration::from_secs(36));
        assert!(b.pause(3, 0.8) < b.pause(3, 1.2));
    }

    #[test]
    fn seeded_jitter_gives_the_same_pauses_per_seed() {
        let b = Backoff::default();
        let pauses = |seed: u64| -> Vec<Duration> {
            let j = crate::clock::SeededJitter::new(seed);
            (1..20).map(|f| b.pause(f, j.factor())).collect()
        };
        assert_eq!(pauses(4), pauses(4));
        assert_ne!(pauses(4), pauses(5));
        for (f, p) in (1..20).zip(pauses(4)) {
            assert!(p >= b.pause(f, 0.8) && p <= b.pause(f, 1.2), "{f}: {p:?}");
        }
    }

    #[test]
    fn jitter_stays_in_range() {
        for _ in 0..1000 {
            let j = random_jitter();
            assert!((0.8..=1.2).contains(&j), "{j}");
        }
    }
}
