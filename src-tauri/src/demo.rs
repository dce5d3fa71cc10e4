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
