//! The web shop's credentials: a channel id and a bearer key (only its
//! SHA-256 is kept), with a scope: the sites it may sell at and the most
//! seats one sale may take.

use crate::credentials::{new_secret, same_digest, token_hash};
use crate::db::CentralDb;
use crate::error::CentralError;
use crate::sql::{OptionalExtension, params};
use jiff::Timestamp;

type Result<T> = std::result::Result<T, CentralError>;

/// The most seats any web sale may take, whatever a channel says.
pub const MAX_WEB_SEATS: u32 = 50;

/// An authenticated web channel and what it may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebChannel {
    /// Channel id, e.g. `shop`.
    pub id: String,
    /// The sites it sells at; `None` for every site.
    pub sites: Option<Vec<String>>,
    /// Most seats in one sale.
    pub max_seats_per_sale: u32,
}

impl WebChannel {
    /// A channel selling at every site, up to `max_seats_per_sale` seats a
    /// sale (for code that sells on the web shop's behalf, and tests).
    pub fn every_site(id: &str, max_seats_per_sale: u32) -> WebChannel {
        WebChannel {
            id: id.to_string(),
            sites: None,
            max_seats_per_sale: max_seats_per_sale.min(MAX_WEB_SEATS),
        }
    }

    /// Whether the channel may act at `site`.
    pub fn covers(&self, site: &str) -> bool {
        self.sites
            .as_ref()
            .is_none_or(|sites| sites.iter().any(|s| s == site))
    }
}

impl CentralDb {
    /// Creates (or re-keys) web channel `id` for `sites` (`None`: every
    /// site) and returns its new key, once; any earlier key stops working.
    pub fn create_web_channel(
        &self,
        id: &str,
        sites: Option<&[String]>,
        max_seats_per_sale: u32,
        now: Timestamp,
    ) -> Result<String> {
        let key = new_web_key();
        self.set_web_channel(id, sites, max_seats_per_sale, &key, now)?;
        Ok(key)
    }

    /// Creates (or re-keys) web channel `id` with `key` (from [`new_web_key`],
    /// kept somewhere safe first: after this, any earlier key stops working).
    pub fn set_web_channel(
        &self,
        id: &str,
        sites: Option<&[String]>,
        max_seats_per_sale: u32,
        key: &str,
        now: Timestamp,
    ) -> Result<()> {
        let id = id.trim();
        if id.is_empty()
            || id.len() > 64
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(CentralError::BadRequest(
                "a channel id is 1 to 64 letters, digits, '-' or '_'".into(),
            ));
        }
        if !(1..=MAX_WEB_SEATS).contains(&max_seats_per_sale) {
            return Err(CentralError::BadRequest(format!(
                "seats per sale must be 1 to {MAX_WEB_SEATS}"
            )));
        }
        let scope = match sites {
            None => "[\"*\"]".to_string(),
            Some([]) => {
                return Err(CentralError::BadRequest(
                    "a channel sells at one site at least (or '*' for all)".into(),
                ));
            }
            Some(sites) => {
                for site in sites {
                    self.site_exists(site)?;
                }
                serde_json::to_string(sites).map_err(crate::db::corrupt)?
            }
        };
        self.write(|tx| {
            tx.execute(
                "INSERT INTO web_channels (id, key_hash, sites, max_seats_per_sale, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET key_hash = excluded.key_hash,
                     sites = excluded.sites, max_seats_per_sale = excluded.max_seats_per_sale,
                     revoked_at = NULL",
                params![
                    id,
                    token_hash(key),
                    scope,
                    max_seats_per_sale,
                    now.to_string()
                ],
            )?;
            Ok(())
        })
    }

    /// Cuts web channel `id` off at once.
    pub fn revoke_web_channel(&self, id: &str, now: Timestamp) -> Result<()> {
        let n = self.write(|tx| {
            Ok(tx.execute(
                "UPDATE web_channels SET revoked_at = ?2 WHERE id = ?1",
                params![id, now.to_string()],
            )?)
        })?;
        if n == 0 {
            return Err(CentralError::Unauthorized(format!("no web channel '{id}'")));
        }
        Ok(())
    }

    /// Checks a web channel's key and returns its scope.
    pub fn authenticate_web(&self, id: &str, key: Option<&str>) -> Result<WebChannel> {
        let load = || -> Result<Option<crate::credential_cache::WebChannelRow>> {
            let row: Option<(String, String, u32, Option<String>)> = self
                .read()?
                .query_row(
                    "SELECT key_hash, sites, max_seats_per_sale, revoked_at FROM web_channels
                     WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            row.map(|(hash, sites, max_seats, revoked)| {
                let sites = serde_json::from_str(&sites).map_err(crate::db::corrupt)?;
                Ok((hash, sites, max_seats, revoked.is_some()))
            })
            .transpose()
        };
        let row = self
            .credentials
            .web_channels
            .get_or_load(id, std::time::Instant::now(), load)?;
        check_web(id, row, key)
    }

    /// [`CentralDb::authenticate_web`] from the row kept in memory, if there
    /// is one: no database, nothing that blocks (`None`: ask the database).
    pub fn authenticate_web_kept(&self, id: &str, key: Option<&str>) -> Option<Result<WebChannel>> {
        let row = self
            .credentials
            .web_channels
            .kept(id, std::time::Instant::now())?;
        Some(check_web(id, Some(row), key))
    }
}

/// Checks `key` against a web channel's row (`None`: no such channel).
fn check_web(
    id: &str,
    row: Option<crate::credential_cache::WebChannelRow>,
    key: Option<&str>,
) -> Result<WebChannel> {
    let refused =
        || CentralError::Unauthorized(format!("wrong or missing key for web channel {id}"));
    let Some((hash, sites, max_seats, revoked)) = row else {
        return Err(refused());
    };
    if revoked || !same_digest(&key.map(token_hash).unwrap_or_default(), &hash) {
        return Err(refused());
    }
    Ok(WebChannel {
        id: id.to_string(),
        sites: (!sites.iter().any(|s| s == "*")).then_some(sites),
        max_seats_per_sale: max_seats.min(MAX_WEB_SEATS),
    })
}

/// A new web channel key (256 random bits).
pub fn new_web_key() -> String {
    new_secret()
}

/// The demo's web channel, selling at every site.
pub const DEMO_WEB_CHANNEL: &str = "demo-web";

/// A web channel's key as written to a file for the shop (or the tests):
/// JSON, readable by its owner only.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct WebKeyFile {
    /// Channel id.
    pub channel: String,
    /// Its key (send as `Authorization: Bearer <key>`).
    pub key: String,
}

/// Where a demo central keeps its web channel's key: beside its database,
/// as `<database file>.web-key`.
pub fn demo_key_path(db: &std::path::Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".web-key");
    name.into()
}

/// Writes `contents` to `path`, readable and writable by its owner only.
///
/// The file appears whole or not at all: the text goes to a private
/// temporary file beside `path`, is synced, and is then renamed over it, so
/// a reader (a test waiting for a demo central's web key, a shipper) never
/// sees it empty or half-written.
pub fn write_secret_file(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut temp_name = path.as_os_str().to_owned();
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp = std::path::PathBuf::from(temp_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        // A temporary file left by a crash keeps its mode when opened: set it again.
        if temp.exists() {
            std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let written = options.open(&temp).and_then(|mut file| {
        file.write_all(contents.as_bytes())?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    renamed?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        // Best effort: makes the new name durable where the system allows it.
        let _ = dir.sync_all();
    }
    Ok(())
}

impl std::fmt::Debug for WebKeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebKeyFile")
            .field("channel", &self.channel)
            .field("key", &"(hidden)")
            .finish()
    }
}

impl CentralDb {
    /// Makes sure web channel `channel` (every site, 10 seats a sale) has
    /// the key kept at `path`: a key file that still opens the channel is
    /// kept, else the channel gets a new key, written there.
    pub fn ensure_web_key_file(
        &self,
        channel: &str,
        path: &std::path::Path,
        now: Timestamp,
    ) -> Result<()> {
        let kept = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str::<WebKeyFile>(&text).ok())
            .filter(|f| f.channel == channel);
        if let Some(f) = kept
            && self.authenticate_web(channel, Some(&f.key)).is_ok()
        {
            return Ok(());
        }
        let file = WebKeyFile {
            channel: channel.to_string(),
            key: new_web_key(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(crate::db::corrupt)?;
        write_secret_file(path, &text)
            .map_err(|e| CentralError::Corrupt(format!("cannot write {}: {e}", path.display())))?;
        self.set_web_channel(channel, None, 10, &file.key, now)
    }
}

#[cfg(test)]
mod tests {
    use super::write_secret_file;

    #[test]
    fn a_secret_file_is_replaced_whole_and_stays_private() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("demo.web-key");
        write_secret_file(&path, "first").expect("first write");
        write_secret_file(&path, "second, longer").expect("second write");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "second, longer"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("demo.web-key")]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
