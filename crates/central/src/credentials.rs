//! Terminal credentials: bearer tokens (only their SHA-256 is kept) and the
//! Ed25519 public keys terminals sign door QR codes with.

use crate::db::CentralDb;
use crate::error::CentralError;
use crate::sql::{OptionalExtension, params};
use base64::Engine as _;
use jiff::Timestamp;
use protocol::TerminalPublicKey;
use uuid::Uuid;

type Result<T> = std::result::Result<T, CentralError>;

impl CentralDb {
    /// Lets terminals without a provisioned token call (demo and development).
    pub fn allow_unprovisioned(&self, allow: bool) {
        self.allow_unprovisioned
            .store(allow, std::sync::atomic::Ordering::Relaxed);
    }

    /// Gives `terminal_id` a new bearer token (returned once; only its hash is kept).
    /// Any previous token stops working.
    pub fn provision_terminal(&self, terminal_id: &str) -> Result<String> {
        let token = new_secret();
        let changed = self.write(|tx| {
            Ok(tx.execute(
                "UPDATE terminals SET token_hash = ?2 WHERE id = ?1",
                params![terminal_id, token_hash(&token)],
            )?)
        })?;
        if changed == 0 {
            return Err(CentralError::UnknownTerminal(terminal_id.to_string()));
        }
        Ok(token)
    }

    /// Checks a terminal's bearer token.
    pub fn authenticate(&self, terminal_id: &str, bearer: Option<&str>) -> Result<()> {
        self.authenticate_terminal(terminal_id, bearer).map(|_| ())
    }

    /// Checks a terminal's bearer token and answers its site, in one query
    /// or none (every request of a counter, long polls included, starts here).
    pub fn authenticate_terminal(&self, terminal_id: &str, bearer: Option<&str>) -> Result<String> {
        let load = || -> Result<Option<crate::credential_cache::TerminalRow>> {
            Ok(self
                .read()?
                .query_row(
                    "SELECT token_hash, site_id FROM terminals WHERE id = ?1",
                    [terminal_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
        };
        let stored =
            self.credentials
                .terminals
                .get_or_load(terminal_id, std::time::Instant::now(), load)?;
        self.check_terminal(terminal_id, stored, bearer)
    }

    /// [`CentralDb::authenticate_terminal`] from the row kept in memory, if
    /// there is one: no database, nothing that blocks (`None`: ask the database).
    pub fn authenticate_terminal_kept(
        &self,
        terminal_id: &str,
        bearer: Option<&str>,
    ) -> Option<Result<String>> {
        let row = self
            .credentials
            .terminals
            .kept(terminal_id, std::time::Instant::now())?;
        Some(self.check_terminal(terminal_id, Some(row), bearer))
    }

    /// Checks `bearer` against a terminal's row (`None`: no such terminal).
    fn check_terminal(
        &self,
        terminal_id: &str,
        stored: Option<crate::credential_cache::TerminalRow>,
        bearer: Option<&str>,
    ) -> Result<String> {
        match stored {
            None => Err(CentralError::UnknownTerminal(terminal_id.to_string())),
            Some((None, site))
                if self
                    .allow_unprovisioned
                    .load(std::sync::atomic::Ordering::Relaxed) =>
            {
                Ok(site)
            }
            Some((None, _)) => Err(CentralError::Unauthorized(format!(
                "terminal {terminal_id} is not provisioned; ask IT for its token"
            ))),
            Some((Some(hash), site)) => {
                if same_digest(&bearer.map(token_hash).unwrap_or_default(), &hash) {
                    Ok(site)
                } else {
                    Err(CentralError::Unauthorized(format!(
                        "wrong or missing token for terminal {terminal_id}"
                    )))
                }
            }
        }
    }

    /// Registers `terminal_id`'s Ed25519 public key (base64url, no padding).
    ///
    /// The first registration wins. Registering the same key again is a no-op;
    /// a *different* key for a terminal that already has one is refused with
    /// [`CentralError::KeyConflict`]: a terminal cannot replace its key by
    /// itself, or a stolen terminal id could take over its signatures. Key
    /// rotation (a replaced or reinstalled terminal) is a provisioning task for
    /// IT, who delete the old row at central before the terminal registers anew.
    pub fn register_key(
        &self,
        terminal_id: &str,
        public_key: &str,
        now: Timestamp,
    ) -> Result<TerminalPublicKey> {
        validate_public_key(public_key)?;
        self.write(|tx| {
            let known = tx
                .query_row(
                    "SELECT 1 FROM terminals WHERE id = ?1",
                    [terminal_id],
                    |_| Ok(()),
                )
                .optional()?;
            if known.is_none() {
                return Err(CentralError::UnknownTerminal(terminal_id.to_string()));
            }
            let existing: Option<String> = tx
                .query_row(
                    "SELECT public_key FROM terminal_keys WHERE terminal_id = ?1",
                    [terminal_id],
                    |r| r.get(0),
                )
                .optional()?;
            match existing {
                Some(k) if k == public_key => {}
                Some(_) => return Err(CentralError::KeyConflict(terminal_id.to_string())),
                None => {
                    tx.execute(
                        "INSERT INTO terminal_keys (terminal_id, public_key, registered_at)
                         VALUES (?1, ?2, ?3)",
                        params![terminal_id, public_key, now.to_string()],
                    )?;
                }
            }
            Ok(TerminalPublicKey {
                terminal_id: terminal_id.to_string(),
                public_key: public_key.to_string(),
            })
        })
    }

    /// The registered public keys of a site's terminals, by terminal id.
    pub fn site_keys(&self, site_id: &str) -> Result<Vec<TerminalPublicKey>> {
        let conn = self.read()?;
        let site_known = conn
            .query_row("SELECT 1 FROM sites WHERE id = ?1", [site_id], |_| Ok(()))
            .optional()?
            .is_some();
        if !site_known {
            return Err(CentralError::UnknownSite(site_id.to_string()));
        }
        let keys = conn
            .prepare(
                "SELECT k.terminal_id, k.public_key FROM terminal_keys k
                 JOIN terminals t ON t.id = k.terminal_id
                 WHERE t.site_id = ?1 ORDER BY k.terminal_id",
            )?
            .query_map([site_id], |r| {
                Ok(TerminalPublicKey {
                    terminal_id: r.get(0)?,
                    public_key: r.get(1)?,
                })
            })?
            .collect::<std::result::Result<_, _>>()?;
        Ok(keys)
    }
}

/// Checks that `key` is base64url (no padding) of a valid Ed25519 public key.
pub(crate) fn validate_public_key(key: &str) -> Result<()> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(key)
        .map_err(|e| CentralError::InvalidKey(format!("not base64url without padding: {e}")))?;
    let bytes: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        CentralError::InvalidKey(format!(
            "an Ed25519 public key has 32 bytes, not {}",
            bytes.len()
        ))
    })?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| CentralError::InvalidKey("not a point of the Ed25519 curve".into()))?;
    Ok(())
}

/// A new random secret (256 bits, base64url): a token or a key.
pub(crate) fn new_secret() -> String {
    let mut raw = [0u8; 32];
    raw[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    raw[16..].copy_from_slice(Uuid::new_v4().as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// Constant-time comparison of two hex digests.
pub(crate) fn same_digest(given: &str, stored: &str) -> bool {
    given.len() == stored.len()
        && given
            .bytes()
            .zip(stored.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// SHA-256 of a token, hex.
pub(crate) fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// SHA-256 of some bytes, hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db_with_terminals() -> (tempfile::TempDir, CentralDb) {
        let dir = tempfile::tempdir().unwrap();
        let db = CentralDb::open(&dir.path().join("central.sqlite")).unwrap();
        add_terminals(&db);
        (dir, db)
    }

    /// Sites `a` and `b`, with terminals `a-t1`, `a-t2`, `b-t1`, `b-t2`.
    fn add_terminals(db: &CentralDb) {
        db.write(|tx| {
            for site in ["a", "b"] {
                tx.execute(
                    "INSERT INTO sites (id, name, chain_name, country, currency, time_zone,
                         vat_rate_bp, address, tax_number)
                     VALUES (?1, ?1, 'Chain', 'AE', 'AED', 'Asia/Dubai', 500, '', '')",
                    [site],
                )?;
                for n in 1..=2 {
                    tx.execute(
                        "INSERT INTO terminals (id, site_id, name) VALUES (?1, ?2, 'Counter')",
                        params![format!("{site}-t{n}"), site],
                    )?;
                }
            }
            Ok(())
        })
        .unwrap();
    }

    /// Waits up to 5 s for `done`: a notice reaches the other instance a
    /// moment after the change commits. (Less than the cache's `MAX_AGE`, so
    /// a row aging out cannot pass for a notice.)
    fn eventually(what: &str, mut done: impl FnMut() -> bool) {
        let wait = std::time::Duration::from_secs(5);
        assert!(wait < crate::credential_cache::MAX_AGE);
        let deadline = std::time::Instant::now() + wait;
        while !done() {
            assert!(std::time::Instant::now() < deadline, "never: {what}");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// On a real PostgreSQL server (tests/pg/up.sh), whatever the run's
    /// backend: instance A keeps the credential rows it checked, and a change
    /// made through instance B empties them, so A refuses the old token and
    /// the revoked key.
    #[test]
    fn a_credential_changed_through_one_instance_is_refused_by_the_other() {
        let url = crate::testing::fresh_postgres_database();
        let a = CentralDb::connect(&url).unwrap();
        add_terminals(&a);
        let b = CentralDb::connect(&url).unwrap();
        let now = Timestamp::UNIX_EPOCH;
        let old = a.provision_terminal("a-t1").unwrap();
        let key = a.create_web_channel("shop", None, 10, now).unwrap();
        eventually("A keeps the rows it checked", || {
            a.authenticate_terminal("a-t1", Some(&old)).is_ok()
                && a.authenticate_web("shop", Some(&key)).is_ok()
                && a.credentials.terminals.len() == 1
                && a.credentials.web_channels.len() == 1
        });
        // The HTTP layer checks from the kept rows without the database;
        // a wrong token is refused from them too.
        let kept = a.authenticate_terminal_kept("a-t1", Some(&old));
        assert_eq!(kept.map(|r| r.ok()), Some(Some("a".to_string())));
        let web = a.authenticate_web_kept("shop", Some(&key));
        assert!(web.is_some_and(|r| r.is_ok()));
        let wrong = a.authenticate_terminal_kept("a-t1", Some("not-the-token"));
        assert_eq!(wrong.map(|r| r.unwrap_err().code()), Some("unauthorized"));

        let new = b.provision_terminal("a-t1").unwrap();
        eventually("A refuses the replaced token", || {
            a.authenticate_terminal("a-t1", Some(&old)).is_err()
        });
        assert_eq!(a.authenticate_terminal("a-t1", Some(&new)).unwrap(), "a");
        b.revoke_terminal("a-t1").unwrap();
        eventually("A refuses a revoked terminal", || {
            a.authenticate_terminal("a-t1", Some(&new)).is_err()
        });
        b.revoke_web_channel("shop", now).unwrap();
        eventually("A refuses a revoked web key", || {
            a.authenticate_web("shop", Some(&key)).is_err()
        });
    }

    /// On a real PostgreSQL server: what a push or IT changes in a terminal's
    /// other columns (its order count, its ring) sends no notice, so the
    /// instances keep their rows; its token, site or removal does.
    #[test]
    fn only_credential_changes_notify() {
        use postgres::fallible_iterator::FallibleIterator;
        let url = crate::testing::fresh_postgres_database();
        let db = CentralDb::connect(&url).unwrap();
        add_terminals(&db);
        let mut listener = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        listener
            .batch_execute(&format!("LISTEN {}", crate::credential_cache::CHANNEL))
            .unwrap();
        let change = |sql: &str| db.write(|tx| Ok(tx.execute(sql, [])?)).unwrap();
        change("UPDATE terminals SET order_count_seen = 7 WHERE id = 'a-t1'");
        change("UPDATE terminals SET ring = 'canary' WHERE id = 'a-t1'");
        change("UPDATE terminals SET token_hash = 'x' WHERE id = 'a-t1'");
        change("UPDATE terminals SET site_id = 'b' WHERE id = 'a-t2'");
        change("DELETE FROM terminals WHERE id = 'b-t2'");
        // Notices come in commit order: three, from the last three changes.
        let mut notes = listener.notifications();
        let mut heard = 0;
        let mut it = notes.timeout_iter(std::time::Duration::from_secs(2));
        while let Some(note) = it.next().unwrap() {
            assert_eq!(note.channel(), crate::credential_cache::CHANNEL);
            heard += 1;
        }
        assert_eq!(heard, 3);
    }

    fn key(seed: u8) -> String {
        let public = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]).verifying_key();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public.as_bytes())
    }

    #[test]
    fn first_key_wins_and_the_same_key_again_is_fine() {
        let (_dir, db) = db_with_terminals();
        let now = Timestamp::UNIX_EPOCH;
        db.register_key("a-t1", &key(1), now).unwrap();
        db.register_key("a-t1", &key(1), now).unwrap();
        let err = db.register_key("a-t1", &key(2), now).unwrap_err();
        assert_eq!(err.code(), "key_conflict");
        assert_eq!(err.status(), 409);
        let keys = db.site_keys("a").unwrap();
        assert_eq!(
            keys,
            vec![TerminalPublicKey {
                terminal_id: "a-t1".into(),
                public_key: key(1),
            }]
        );
    }

    #[test]
    fn site_keys_lists_only_that_sites_terminals() {
        let (_dir, db) = db_with_terminals();
        let now = Timestamp::UNIX_EPOCH;
        db.register_key("a-t2", &key(2), now).unwrap();
        db.register_key("a-t1", &key(1), now).unwrap();
        db.register_key("b-t1", &key(3), now).unwrap();
        let ids: Vec<_> = db
            .site_keys("a")
            .unwrap()
            .into_iter()
            .map(|k| k.terminal_id)
            .collect();
        assert_eq!(ids, ["a-t1", "a-t2"]);
        assert_eq!(db.site_keys("b").unwrap().len(), 1);
        assert_eq!(db.site_keys("zz").unwrap_err().code(), "unknown_site");
    }

    #[test]
    fn bad_keys_and_unknown_terminals_are_refused() {
        let (_dir, db) = db_with_terminals();
        let now = Timestamp::UNIX_EPOCH;
        let short = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 31]);
        let padded = format!("{}=", key(1));
        for bad in ["", "not base64!", short.as_str(), padded.as_str()] {
            let err = db.register_key("a-t1", bad, now).unwrap_err();
            assert_eq!(err.code(), "invalid_key", "{bad:?}");
            assert_eq!(err.status(), 422);
        }
        let err = db.register_key("nobody", &key(1), now).unwrap_err();
        assert_eq!(err.code(), "unknown_terminal");
        assert!(db.site_keys("a").unwrap().is_empty());
    }
}
