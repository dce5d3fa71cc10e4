//! Demo mode: an embedded reference central on a loopback port with demo
//! data, and a terminal of the demo's Dubai site with the virtual printer.

use central::{CentralDb, demo};
use jiff::Timestamp;
use site::Site;
use site::clock::{SystemClock, V7Ids};
use std::path::Path;
use std::sync::Arc;

/// The demo's site and terminal.
pub const DEMO_SITE: &str = "dxb-marina";
/// The demo terminal.
pub const DEMO_TERMINAL: &str = "dxb-marina-t1";

/// Starts the embedded central and opens the demo terminal under `dir`.
pub async fn start(dir: &Path) -> Result<Site, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let db = Arc::new(CentralDb::open(&dir.join("central.sqlite"))?);
    // The demo's terminal is not provisioned with a token, as with `serve --demo`.
    db.allow_unprovisioned(true);
    if db.is_empty()? {
        demo::seed(&db, Timestamp::now())?;
    } else {
        demo::ensure_schedule(&db, Timestamp::now())?;
    }
    let running = central::spawn(db, "127.0.0.1:0").await?;
    tracing::info!(addr = %running.addr, "embedded demo central listening");
    let site = Site::open(
        &dir.join("terminal"),
        Arc::new(SystemClock),
        Arc::new(V7Ids),
        true,
    )?;
    site.init(
        &format!("http://{}", running.addr),
        DEMO_SITE,
        DEMO_TERMINAL,
    )
    .await?;
    Ok(site)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The demo opens from nothing and again from its own files, and sells.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_starts_twice_and_sells() {
        let dir = tempfile::tempdir().unwrap();
        for _ in 0..2 {
            let site = start(dir.path()).await.unwrap();
            let status = site.status().unwrap();
            assert!(status.demo && status.online, "{status:?}");
            assert!(!status.leases.is_empty(), "the demo terminal leases seats");
        }
        let site = start(dir.path()).await.unwrap();
        let token = site
            .login(Some("dxb-marina-cashier"), "1111")
            .unwrap()
            .token;
        site::commands::shift_open(
            &site,
            site::api::ShiftOpenArgs {
                token: token.clone(),
                float_minor: 0,
            },
        )
        .await
        .unwrap();
        let day = site.status().unwrap().business_day;
        let tomorrow = jiff::civil::Date::strptime("%Y-%m-%d", &day)
            .unwrap()
            .tomorrow()
            .unwrap()
            .to_string();
        let show = site
            .showtimes(&site::api::ShowtimesArgs {
                day: Some(tomorrow),
            })
            .unwrap()
            .into_iter()
            .find(|s| s.screen.contains("IMAX"))
            .unwrap();
        let sale = site::commands::sell(
            &site,
            site::api::SellArgs {
                token,
                parts: vec![site::api::SellPart {
                    showtime_id: show.id,
                    seats: vec!["C-10".into()],
                    ticket_type: "adult".into(),
                    hold_id: None,
                    price_override: None,
                    wheelchair_seats: None,
                }],
                tendered_minor: 100_000,
                id_checked: true,
                card: None,
                override_approval: None,
            },
        )
        .await
        .unwrap();
        assert!(sale.synced);
    }
}
