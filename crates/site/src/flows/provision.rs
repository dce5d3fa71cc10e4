//! Joining the chain with a provisioning file (API 1.7): check it, trade
//! its one-time secret for this terminal's token, then set the terminal up
//! as `init` does. Nothing secret is printed or logged.

use crate::api::SyncReport;
use crate::engine::Site;
use crate::error::{ProvisioningRefusal, SiteError};
use crate::link::client::Credentials;
use crate::rules::provisioning;
use crate::store::{self, ConfigKey};

/// Where a counter finds the chain's provisioning public key when not told:
/// the package's configuration (one base64url key per line).
#[cfg(not(windows))]
pub const DEFAULT_TRUST_FILE: &str = "/etc/boxoffice/provisioning.pub";
/// Where a counter finds the chain's provisioning public key when not told
/// (deployed by central IT; see `installer/windows`).
#[cfg(windows)]
pub const DEFAULT_TRUST_FILE: &str = r"C:\ProgramData\Boxoffice\provisioning.pub";

/// Where the package puts the chain's provisioning public key
/// (`make package PROVISIONING_PUB=`); one in [`DEFAULT_TRUST_FILE`] wins.
#[cfg(not(windows))]
pub const PACKAGED_TRUST_FILE: &str = "/usr/share/boxoffice/provisioning.pub";
/// Where the package puts the chain's provisioning public key.
#[cfg(windows)]
pub const PACKAGED_TRUST_FILE: &str = DEFAULT_TRUST_FILE;

/// The provisioning public keys this counter trusts: from `file`, else the
/// file named by `BOXOFFICE_PROVISIONING_PUB`, else [`DEFAULT_TRUST_FILE`]
/// (central IT's own), else [`PACKAGED_TRUST_FILE`].
pub fn trusted_keys(file: Option<&std::path::Path>) -> Result<Vec<String>, SiteError> {
    crate::keys::read_trusted_keys(
        file,
        "BOXOFFICE_PROVISIONING_PUB",
        DEFAULT_TRUST_FILE,
        PACKAGED_TRUST_FILE,
    )
    .map_err(|why| ProvisioningRefusal::NoTrust(why).into())
}

/// What provisioning did.
#[derive(Debug, Clone)]
pub struct Provisioned {
    /// The terminal this counter now is.
    pub terminal_id: String,
    /// Its site.
    pub site_id: String,
    /// Central's URL.
    pub central_url: String,
    /// The first sync.
    pub sync: SyncReport,
}

impl Site {
    /// Provisions this counter from the provisioning file `text`, signed by
    /// one of the `trusted` provisioning public keys (base64url).
    pub async fn provision(
        &self,
        text: &str,
        trusted: &[String],
    ) -> Result<Provisioned, SiteError> {
        let payload = provisioning::verify(text, trusted, self.clock.now())?;
        let here = store::config(&self.db(), ConfigKey::TerminalId)?;
        if let Some(here) = here.filter(|h| *h != payload.terminal_id) {
            return Err(ProvisioningRefusal::OtherTerminal {
                here,
                file: payload.terminal_id,
            }
            .into());
        }
        let key = self.terminal_key()?;
        let mut creds = Credentials {
            ca_pem: payload.ca_pem.clone(),
            token: None,
        };
        let client = self
            .link
            .connect(&payload.central_url, &payload.terminal_id, &creds)?;
        let enrolled = client
            .enroll(
                &payload.terminal_id,
                &protocol::EnrollRequest {
                    secret: payload.enrollment_secret.clone(),
                    public_key: key.public_key_b64(),
                    proof: key.sign_b64(&protocol::enroll_proof_message(
                        &payload.terminal_id,
                        &crate::rules::update_check::sha256_hex(
                            payload.enrollment_secret.as_bytes(),
                        ),
                    )),
                },
            )
            .await?;
        if enrolled.site_id != payload.site_id {
            return Err(SiteError::Corrupt(format!(
                "central says terminal {} is at site {}, the file says {}",
                payload.terminal_id, enrolled.site_id, payload.site_id
            )));
        }
        creds.token = Some(enrolled.token);
        let sync = self
            .init_with(
                &payload.central_url,
                &payload.site_id,
                &payload.terminal_id,
                &creds,
            )
            .await?;
        tracing::info!(
            terminal = %payload.terminal_id,
            site = %payload.site_id,
            "provisioned from a provisioning file"
        );
        Ok(Provisioned {
            terminal_id: payload.terminal_id,
            site_id: payload.site_id,
            central_url: payload.central_url,
            sync,
        })
    }
}
