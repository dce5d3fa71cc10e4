//! The link to central: one HTTP client per terminal, built once from the
//! stored configuration and reused, whose every call updates the link state
//! ([`LinkMonitor`]).

pub mod client;
pub mod monitor;

pub use client::{CallError, CallObserver, CallOutcome, CentralClient, Credentials};
pub use monitor::LinkMonitor;

use crate::error::{Result, SiteError};
use crate::store::{self, ConfigKey, Db};
use std::sync::{Arc, Mutex};

/// The terminal's link to central.
pub struct CentralLink {
    db: Arc<Db>,
    monitor: Arc<LinkMonitor>,
    client: Mutex<Option<Arc<CentralClient>>>,
}

impl CentralLink {
    /// A link over the terminal's database; the client is built on first use.
    pub fn new(db: Arc<Db>, monitor: Arc<LinkMonitor>) -> CentralLink {
        CentralLink {
            db,
            monitor,
            client: Mutex::new(None),
        }
    }

    /// The link's state.
    pub fn monitor(&self) -> &LinkMonitor {
        &self.monitor
    }

    /// The client for the configured central (built once: the CA is parsed
    /// and the connection pool kept for the life of the process).
    pub fn client(&self) -> Result<Arc<CentralClient>> {
        let mut cached = self.client.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cached.as_ref() {
            return Ok(c.clone());
        }
        let (url, terminal, creds) = {
            let db = self.db.lock();
            let get = |k| store::config(&db, k)?.ok_or(SiteError::NotInitialised);
            (
                get(ConfigKey::CentralUrl)?,
                get(ConfigKey::TerminalId)?,
                Credentials {
                    ca_pem: store::config(&db, ConfigKey::CentralCaPem)?.filter(|v| !v.is_empty()),
                    token: store::config(&db, ConfigKey::TerminalToken)?.filter(|v| !v.is_empty()),
                },
            )
        };
        let client = Arc::new(self.connect(&url, &terminal, &creds)?);
        *cached = Some(client.clone());
        Ok(client)
    }

    /// A client for a central not yet configured (set-up), watched like the
    /// configured one.
    pub fn connect(
        &self,
        url: &str,
        terminal_id: &str,
        creds: &Credentials,
    ) -> Result<CentralClient> {
        Ok(CentralClient::with_credentials(url, terminal_id, creds)?
            .observed_by(self.monitor.clone()))
    }

    /// Forgets the cached client (after the configuration changed).
    pub fn reset(&self) {
        *self.client.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}
