//! The PostgreSQL side: a pool of connections each caching its prepared
//! statements, the value conversions, migrations, and the listener that
//! tells this instance about seat events other instances wrote.

use super::{DbError, Row, Value, to_dollar_placeholders};
use crate::credential_cache::CredentialCache;
use crate::event_watch::{EventWatch, Sites};
use bytes::BytesMut;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::{Arc, Weak};
use std::time::Duration;

type BoxError = Box<dyn StdError + Sync + Send>;
type Result<T> = std::result::Result<T, DbError>;

/// The advisory lock every write transaction takes first: writes apply one
/// at a time across all instances, as on SQLite, and seat events are
/// numbered in commit order.
pub(crate) const WRITER_LOCK: i64 = 0x626f_785f_7772_6974;
/// The advisory lock held while migrating (instances starting together).
const MIGRATION_LOCK: i64 = 0x626f_785f_6d69_6772;
/// The channel on which a write announces its last seat event.
pub(crate) const EVENTS_CHANNEL: &str = "boxoffice_seat_events";

/// PostgreSQL's migrations: `000n_*.sql`, applied in order, append only.
macro_rules! pg_migration {
    ($file:literal) => {
        (
            $file,
            include_str!(concat!("../../../../migrations/central-pg/", $file)),
        )
    };
}
pub(crate) const MIGRATIONS: &[(&str, &str)] = &[
    pg_migration!("0001_schema.sql"),
    pg_migration!("0002_web_reference_sequence.sql"),
    pg_migration!("0003_seat_event_sequencer.sql"),
    pg_migration!("0004_provisioning_fleet.sql"),
    pg_migration!("0005_set_based_sequencer.sql"),
    pg_migration!("0006_web_sale_function.sql"),
    pg_migration!("0007_push_sales_function.sql"),
    pg_migration!("0008_conflict_indexes_plpgsql_event.sql"),
    pg_migration!("0009_credential_notices.sql"),
    pg_migration!("0010_hold_functions.sql"),
    pg_migration!("0011_push_sales_single.sql"),
    pg_migration!("0012_push_sales_fewer_statements.sql"),
];

/// One pooled connection and its prepared statements.
pub(crate) struct PgConn {
    client: Client,
    statements: HashMap<String, Statement>,
}

pub(crate) type PooledConn = r2d2::PooledConnection<Manager>;

impl PgConn {
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let stmt = self.client.prepare(&to_dollar_placeholders(sql))?;
        self.statements.insert(sql.to_string(), stmt.clone());
        Ok(stmt)
    }

    pub(super) fn execute(&mut self, sql: &str, values: &[Value]) -> Result<usize> {
        let stmt = self.statement(sql)?;
        let params: Vec<PgParam<'_>> = values.iter().map(PgParam).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let n = self.client.execute(&stmt, &refs)?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    pub(super) fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>> {
        let stmt = self.statement(sql)?;
        let params: Vec<PgParam<'_>> = values.iter().map(PgParam).collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        self.client
            .query(&stmt, &refs)?
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.try_get::<_, PgValue>(i).map(|v| v.0))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map(Row)
                    .map_err(DbError::from)
            })
            .collect()
    }

    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql)?)
    }
}

/// Makes and checks pooled connections.
pub(crate) struct Manager {
    config: postgres::Config,
}

impl r2d2::ManageConnection for Manager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> std::result::Result<PgConn, postgres::Error> {
        Ok(PgConn {
            client: connect(&self.config)?,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut PgConn) -> std::result::Result<(), postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.is_closed()
    }
}

/// A pool of connections to one PostgreSQL database.
pub(crate) struct PgPool {
    pool: Option<r2d2::Pool<Manager>>,
    config: postgres::Config,
    /// Wakes this instance's sequencer thread (set by [`PgPool::listen`]).
    wake: std::sync::Mutex<Option<std::sync::mpsc::SyncSender<()>>>,
}

impl Drop for PgPool {
    fn drop(&mut self) {
        // Each client closes by blocking on its own runtime, which a thread
        // driving async tasks must not do: close them on a thread of their own.
        if let Some(pool) = self.pool.take() {
            let _ = std::thread::Builder::new()
                .name("pg-close".into())
                .spawn(move || drop(pool));
        }
    }
}

/// Connections per instance unless `BOXOFFICE_DB_POOL` says otherwise.
const DEFAULT_POOL_SIZE: u32 = 16;

fn config(url: &str) -> Result<postgres::Config> {
    let mut config: postgres::Config = url
        .parse()
        // The message names no part of the URL: it may hold a password.
        .map_err(|_| DbError::Setup("the PostgreSQL connection string is not valid".into()))?;
    config.application_name("boxoffice-central");
    config.connect_timeout(Duration::from_secs(5));
    Ok(config)
}

impl PgPool {
    /// Connects to `url` (`postgres://user:password@host:port/database`).
    pub(crate) fn connect(url: &str) -> Result<PgPool> {
        let config = config(url)?;
        let size = std::env::var("BOXOFFICE_DB_POOL")
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|n| (1..=256).contains(n))
            .unwrap_or(DEFAULT_POOL_SIZE);
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            // A broken connection is noticed when used; checking each one
            // on the way out of the pool would cost a round trip a request.
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .error_handler(Box::new(r2d2::LoggingErrorHandler))
            .build(Manager {
                config: config.clone(),
            })?;
        Ok(PgPool {
            pool: Some(pool),
            config,
            wake: std::sync::Mutex::new(None),
        })
    }

    fn pool(&self) -> Result<&r2d2::Pool<Manager>> {
        self.pool
            .as_ref()
            .ok_or_else(|| DbError::Setup("the database pool is closed".into()))
    }

    pub(crate) fn get(&self) -> Result<PooledConn> {
        Ok(self.pool()?.get()?)
    }

    /// Connections open and idle.
    pub(crate) fn state(&self) -> (u32, u32) {
        self.pool().map_or((0, 0), |p| {
            let s = p.state();
            (s.connections, s.idle_connections)
        })
    }

    /// Applies the migrations this database lacks, one transaction each,
    /// while holding the migration lock (instances may start together).
    pub(crate) fn migrate(&self) -> Result<()> {
        let mut client = self.config.connect(NoTls)?;
        client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
        let out = apply_migrations(&mut client);
        client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])?;
        out
    }

    /// Follows the seat events: a thread LISTENs on [`EVENTS_CHANNEL`] and
    /// raises `events` to each announced number (and to the newest in the
    /// table after each reconnection), and on the credentials' channel,
    /// emptying `credentials` at each notice (which it uses only while this
    /// listener is connected); another runs the sequencer when
    /// [`PgPool::wake_sequencer`] says so, and once a second. Both end when
    /// `events` (or the pool) is dropped.
    pub(crate) fn listen(&self, events: &Arc<EventWatch>, credentials: &Arc<CredentialCache>) {
        let config = self.config.clone();
        let weak = Arc::downgrade(events);
        let credentials = credentials.clone();
        let spawned = std::thread::Builder::new()
            .name("pg-listen".into())
            .spawn(move || listen_loop(&config, &weak, &credentials));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the seat event listener");
        }
        let (wake, woken) = std::sync::mpsc::sync_channel(1);
        let (config, weak) = (self.config.clone(), Arc::downgrade(events));
        let spawned = std::thread::Builder::new()
            .name("pg-sequencer".into())
            .spawn(move || sequencer_loop(&config, &weak, &woken));
        match spawned {
            Ok(_) => *self.wake.lock().unwrap_or_else(|e| e.into_inner()) = Some(wake),
            Err(e) => tracing::error!(error = %e, "cannot start the seat event sequencer"),
        }
    }

    /// Tells this instance's sequencer a write with seat events committed
    /// (never waits: a wake already pending covers this one).
    pub(crate) fn wake_sequencer(&self) {
        if let Some(wake) = self.wake.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = wake.try_send(());
        }
    }
}

/// Runs the sequencer when woken, and once a second; reconnects after an error.
fn sequencer_loop(
    config: &postgres::Config,
    events: &Weak<EventWatch>,
    woken: &std::sync::mpsc::Receiver<()>,
) {
    use std::sync::mpsc::RecvTimeoutError;
    let mut client: Option<Client> = None;
    loop {
        if let Err(RecvTimeoutError::Disconnected) = woken.recv_timeout(Duration::from_secs(1)) {
            return;
        }
        let Some(w) = events.upgrade() else { return };
        let run = match client.as_mut() {
            Some(c) => sequence(c, &w),
            None => connect(config)
                .map_err(DbError::from)
                .and_then(|c| sequence(client.insert(c), &w)),
        };
        if let Err(e) = run {
            tracing::warn!(error = %e, "seat event sequencer failed; reconnecting");
            client = None;
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

fn listen_loop(
    config: &postgres::Config,
    events: &Weak<EventWatch>,
    credentials: &CredentialCache,
) {
    loop {
        let Some(_) = events.upgrade() else { return };
        let listened = listen_once(config, events, credentials);
        // Notices may be missed from here until listening again.
        credentials.set_live(false);
        if let Err(e) = listened {
            tracing::warn!(error = %e, "seat event listener lost its connection; reconnecting");
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

/// A connection whose statements outside a transaction each see what was
/// committed when they ran (the sequencer relies on it), whatever the
/// database's default isolation; one that dies silently (a failover, a
/// firewall forgetting it) fails within seconds, not the system's hours.
fn connect(config: &postgres::Config) -> std::result::Result<Client, postgres::Error> {
    let mut config = config.clone();
    config
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(5))
        .keepalives_interval(Duration::from_secs(2))
        .keepalives_retries(3)
        .tcp_user_timeout(Duration::from_secs(10));
    let mut client = config.connect(NoTls)?;
    client.batch_execute("SET default_transaction_isolation = 'read committed'")?;
    Ok(client)
}

fn listen_once(
    config: &postgres::Config,
    events: &Weak<EventWatch>,
    credentials: &CredentialCache,
) -> Result<()> {
    let mut client = connect(config)?;
    client.batch_execute(&format!(
        "LISTEN {EVENTS_CHANNEL}; LISTEN {}",
        crate::credential_cache::CHANNEL
    ))?;
    credentials.set_live(true);
    let last: i64 = client
        .query_one("SELECT COALESCE(max(seq), 0) FROM seat_events", &[])?
        .get(0);
    match events.upgrade() {
        // What was missed while not listening: every site looks again.
        Some(w) => w.raise(last, &Sites::All),
        None => return Ok(()),
    }
    loop {
        // Each announcement wakes its followers as it arrives: under load
        // they come without pause, so waiting for a quiet moment (as the
        // iterator's timeout does) would hold them all back.
        {
            let mut notes = client.notifications();
            let mut it = notes.timeout_iter(Duration::from_secs(2));
            while let Some(note) = it.next()? {
                let Some(w) = events.upgrade() else {
                    return Ok(());
                };
                if note.channel() == crate::credential_cache::CHANNEL {
                    credentials.clear();
                } else if let Some((seq, sites)) = EventWatch::parse_payload(note.payload()) {
                    w.raise(seq, &sites);
                }
            }
        }
        if events.upgrade().is_none() || client.is_closed() {
            return Ok(());
        }
        // Two quiet seconds: make sure the connection still hears, or the
        // notices it would miss leave the credential cache stale.
        client.batch_execute("SELECT 1")?;
    }
}

/// Runs the sequencer until nothing is pending, waking this instance's
/// followers after each batch (the other instances hear its notification).
fn sequence(client: &mut Client, events: &EventWatch) -> Result<()> {
    loop {
        let row = client.query_one(super::sequencer::SEQUENCE, &[])?;
        match super::sequencer::read_payload(row.get::<_, Option<String>>(0))? {
            Some((seq, sites)) => events.raise(seq, &sites),
            None => return Ok(()),
        }
    }
}

fn apply_migrations(client: &mut Client) -> Result<()> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS boxoffice_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )?;
    let applied: i64 = client
        .query_one(
            "SELECT COALESCE(max(version), 0) FROM boxoffice_migrations",
            &[],
        )?
        .get(0);
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(i + 1).unwrap_or(i64::MAX);
        if version <= applied {
            continue;
        }
        let mut tx = client.transaction()?;
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO boxoffice_migrations (version, name) VALUES ($1, $2)",
            &[&version, name],
        )?;
        tx.commit()?;
        tracing::info!(migration = *name, "PostgreSQL migration applied");
    }
    if usize::try_from(applied).is_ok_and(|a| a > MIGRATIONS.len()) {
        return Err(DbError::Setup(format!(
            "the database is at migration {applied}, newer than this build knows ({}): \
             run a newer boxoffice-central",
            MIGRATIONS.len()
        )));
    }
    Ok(())
}

/// Creates database `name` on the server `admin_url` connects to (tests
/// and first installs); `name` is letters, digits and `_`.
pub fn create_database(admin_url: &str, name: &str) -> Result<()> {
    check_database_name(name)?;
    let mut client = config(admin_url)?.connect(NoTls)?;
    client.batch_execute(&format!("CREATE DATABASE {name}"))?;
    Ok(())
}

/// Drops database `name` (made by [`create_database`]) on the server of
/// `admin_url`, closing any connection left to it.
pub fn drop_database(admin_url: &str, name: &str) -> Result<()> {
    check_database_name(name)?;
    let mut client = config(admin_url)?.connect(NoTls)?;
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
    Ok(())
}

/// The databases on the server of `admin_url` whose names start with
/// `prefix` (tests sweep their own leftovers).
pub fn databases_named(admin_url: &str, prefix: &str) -> Result<Vec<String>> {
    let mut client = config(admin_url)?.connect(NoTls)?;
    let rows = client.query(
        "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname",
        &[&prefix],
    )?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// A database name written into SQL: 1 to 63 lower-case letters, digits and `_`.
fn check_database_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(DbError::Setup(format!("'{name}' is not a database name")))
    }
}

/// A [`Value`] as a PostgreSQL parameter of whatever type the statement
/// wants there.
#[derive(Debug)]
struct PgParam<'a>(&'a Value);

fn is_text(ty: &Type) -> bool {
    [
        Type::TEXT,
        Type::VARCHAR,
        Type::BPCHAR,
        Type::NAME,
        Type::UNKNOWN,
    ]
    .contains(ty)
}

impl ToSql for PgParam<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> std::result::Result<IsNull, BoxError> {
        match self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => {
                if *ty == Type::INT8 {
                    i.to_sql(ty, out)
                } else if *ty == Type::INT4 {
                    i32::try_from(*i)?.to_sql(ty, out)
                } else if *ty == Type::INT2 {
                    i16::try_from(*i)?.to_sql(ty, out)
                } else if *ty == Type::BOOL {
                    (*i != 0).to_sql(ty, out)
                } else if *ty == Type::FLOAT8 {
                    (*i as f64).to_sql(ty, out)
                } else if is_text(ty) {
                    i.to_string().to_sql(ty, out)
                } else {
                    Err(format!("an integer cannot be sent as {ty}").into())
                }
            }
            Value::Real(f) => {
                if *ty == Type::FLOAT8 {
                    f.to_sql(ty, out)
                } else if *ty == Type::FLOAT4 {
                    (*f as f32).to_sql(ty, out)
                } else {
                    Err(format!("a float cannot be sent as {ty}").into())
                }
            }
            Value::Text(s) => {
                if is_text(ty) {
                    s.as_str().to_sql(ty, out)
                } else {
                    Err(format!("text cannot be sent as {ty}").into())
                }
            }
            Value::Blob(b) => {
                if *ty == Type::BYTEA {
                    b.as_slice().to_sql(ty, out)
                } else {
                    Err(format!("bytes cannot be sent as {ty}").into())
                }
            }
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column of any supported type, read as a [`Value`].
struct PgValue(Value);

impl<'a> FromSql<'a> for PgValue {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        let v = if *ty == Type::BOOL {
            Value::Int(i64::from(bool::from_sql(ty, raw)?))
        } else if *ty == Type::INT2 {
            Value::Int(i16::from_sql(ty, raw)?.into())
        } else if *ty == Type::INT4 {
            Value::Int(i32::from_sql(ty, raw)?.into())
        } else if *ty == Type::INT8 {
            Value::Int(i64::from_sql(ty, raw)?)
        } else if *ty == Type::OID {
            Value::Int(u32::from_sql(ty, raw)?.into())
        } else if *ty == Type::FLOAT4 {
            Value::Real(f32::from_sql(ty, raw)?.into())
        } else if *ty == Type::FLOAT8 {
            Value::Real(f64::from_sql(ty, raw)?)
        } else if is_text(ty) {
            Value::Text(<&str>::from_sql(ty, raw)?.to_string())
        } else if *ty == Type::BYTEA {
            Value::Blob(raw.to_vec())
        } else if *ty == Type::NUMERIC {
            numeric(raw)?
        } else {
            return Err(format!("central does not read columns of type {ty}").into());
        };
        Ok(PgValue(v))
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Self, BoxError> {
        Ok(PgValue(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A NUMERIC (what `sum()` of BIGINTs gives) as an integer when it is
/// whole, else a float. Binary form: digit count, weight, sign, scale,
/// then base-10000 digits.
fn numeric(raw: &[u8]) -> std::result::Result<Value, BoxError> {
    let word = |i: usize| -> std::result::Result<i16, BoxError> {
        raw.get(i..i + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "a NUMERIC too short".into())
    };
    let digits = usize::try_from(word(0)?)?;
    let weight = i32::from(word(2)?);
    let sign = word(4)? as u16;
    if sign == 0xC000 {
        return Err("NUMERIC NaN".into());
    }
    let mut whole: i128 = 0;
    let mut float = 0f64;
    let mut fractional = false;
    for i in 0..digits {
        let d = i128::from(word(8 + 2 * i)?);
        let power = weight - i32::try_from(i)?;
        float += d as f64 * 10000f64.powi(power);
        if power >= 0 {
            whole = 10000i128
                .checked_pow(power.unsigned_abs())
                .and_then(|p| d.checked_mul(p))
                .and_then(|v| whole.checked_add(v))
                .ok_or("a NUMERIC too large")?;
        } else if d != 0 {
            fractional = true;
        }
    }
    let negative = sign == 0x4000;
    if fractional {
        return Ok(Value::Real(if negative { -float } else { float }));
    }
    let whole = if negative { -whole } else { whole };
    Ok(Value::Int(i64::try_from(whole)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerics_decode_to_integers_or_floats() {
        // 1234567 = 123 * 10000 + 4567: two digits, weight 1.
        let raw = [0, 2, 0, 1, 0, 0, 0, 0, 0, 123, 0x11, 0xD7];
        assert_eq!(numeric(&raw).unwrap(), Value::Int(1_234_567));
        // -5: one digit, weight 0, negative.
        let raw = [0, 1, 0, 0, 0x40, 0, 0, 0, 0, 5];
        assert_eq!(numeric(&raw).unwrap(), Value::Int(-5));
        // 0: no digits.
        let raw = [0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(numeric(&raw).unwrap(), Value::Int(0));
        // 1.5: digits 1 and 5000, weight 0.
        let raw = [0, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0x13, 0x88];
        assert_eq!(numeric(&raw).unwrap(), Value::Real(1.5));
    }
}
