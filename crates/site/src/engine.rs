//! The terminal engine's core: [`Site`] owns the terminal's database, its
//! link to central, its printer preview and its sessions. The flows and the
//! services below them (the outbox, the print queue) add their commands to
//! it in their own files; this file imports none of them.

use crate::api::*;
use crate::clock::{Clock, IdSource};
use crate::error::{Result, SiteError};
use crate::link::{CentralClient, CentralLink, LinkMonitor};
use crate::store::{self, ConfigKey, Db, SiteRow, StaffRow};
use crate::{auth, time_fmt};
use domain::business_day::business_day;
use jiff::Timestamp;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, MutexGuard};

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

/// One terminal: its database, its printer and its link to central.
pub struct Site {
    data_dir: PathBuf,
    db: Arc<Db>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdSource>,
    pub(crate) auth: auth::Sessions,
    pub(crate) link: CentralLink,
    pub(crate) printer: printing::virtual_printer::VirtualPrinter,
    /// Wakes the background pump when print jobs wait for a real printer.
    pub(crate) print_kick: tokio::sync::Notify,
    /// Bumped whenever the seat cache changes, for seat maps waiting on it.
    seat_version: tokio::sync::watch::Sender<u64>,
    /// Order numbers reserved by this process and not used yet: `(next, end)`.
    order_counts: std::sync::Mutex<(u64, u64)>,
    /// The least free disk space a new sale needs, in bytes.
    min_free_bytes: std::sync::atomic::AtomicU64,
    /// What the counter's screen last said: an order or a payment open.
    pub(crate) activity: std::sync::Mutex<crate::rules::update_install::Activity>,
    /// An installed version the app should restart into now (whichever
    /// caller found it due: the pump, the screen's report, the app).
    pub(crate) restart_due: std::sync::Mutex<Option<String>>,
    demo: bool,
}

/// The least free space on the data directory's disk for a new sale, unless
/// set otherwise: room for the sale, its log, a backup and the logs of a
/// day, with plenty to spare.
pub const DEFAULT_MIN_FREE_BYTES: u64 = 200 * 1024 * 1024;

/// The terminal database's file name in its data directory.
pub const DB_FILE: &str = "terminal.sqlite";

/// Longest reason an approved action takes (it is printed and audited).
const MAX_REASON: usize = 120;

/// The reason given for an approved action (reseat, refund, exchange),
/// trimmed: 1 to 120 characters, counted as characters so that an Arabic
/// reason gets as much room as an English one.
pub(crate) fn stated_reason(text: &str) -> Result<&str> {
    let reason = text.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON {
        return Err(SiteError::Invalid(format!(
            "give a reason of 1 to {MAX_REASON} characters"
        )));
    }
    Ok(reason)
}

/// The failure counts, kept in the terminal's database per subject: a
/// restart of the app or a one-shot CLI call continues them.
struct StoredFailures<'a>(&'a Site);

impl auth::FailureStore for StoredFailures<'_> {
    fn load(&self, subject: &str, now: jiff::Timestamp) -> Result<auth::Failures> {
        Ok(store::pin_failures(&self.0.db(), subject)?
            .map(|(count, until, last)| auth::Failures::from_row(count, until, last, now))
            .unwrap_or_default())
    }

    fn save(&self, subject: &str, failures: auth::Failures) -> Result<()> {
        store::set_pin_failures(
            &self.0.db(),
            subject,
            (
                i64::from(failures.count),
                failures.locked_until.map(|t| t.as_second()),
                failures.last_failure.map(|t| t.as_second()),
            ),
        )
    }
}

/// Who may approve a refund before the show starts.
pub(crate) const REFUND_NEEDS: &str = "refunds need a supervisor or a manager";

impl Site {
    /// Opens the terminal whose files live in `data_dir` (created if needed).
    pub fn open(
        data_dir: &Path,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
        demo: bool,
    ) -> Result<Site> {
        crate::private_files::create_private_dir(data_dir)?;
        let db_file = data_dir.join(DB_FILE);
        // SQLite gives its log files the database file's mode: a private
        // database has private logs.
        crate::private_files::ensure_private_file(&db_file)?;
        let db = Arc::new(Db::open(&db_file)?);
        let printouts = data_dir.join("printouts");
        std::fs::create_dir_all(&printouts)?;
        // Files from before the terminal kept them private (or copied in by
        // hand) become private now.
        crate::private_files::make_private(data_dir)?;
        let monitor = Arc::new(LinkMonitor::load(db.clone(), clock.clone())?);
        Ok(Site {
            data_dir: data_dir.to_path_buf(),
            link: CentralLink::new(db.clone(), monitor),
            db,
            clock,
            ids,
            auth: auth::Sessions::default(),
            printer: printing::virtual_printer::VirtualPrinter::new(
                printouts,
                printing::Paper::Mm80,
            ),
            print_kick: tokio::sync::Notify::new(),
            seat_version: tokio::sync::watch::channel(0).0,
            order_counts: std::sync::Mutex::new((0, 0)),
            min_free_bytes: std::sync::atomic::AtomicU64::new(DEFAULT_MIN_FREE_BYTES),
            activity: std::sync::Mutex::new(Default::default()),
            restart_due: std::sync::Mutex::new(None),
            demo,
        })
    }

    /// Tells waiting seat maps that the seat cache changed.
    pub(crate) fn seats_changed(&self) {
        self.seat_version.send_modify(|v| *v += 1);
    }

    /// The seat cache's version (bumped on every change).
    pub(crate) fn seat_version(&self) -> u32 {
        *self.seat_version.borrow() as u32
    }

    /// Waits until the seat cache changes after `version`, or `wait` passes.
    pub(crate) async fn wait_for_seats(&self, version: u32, wait: std::time::Duration) {
        let mut rx = self.seat_version.subscribe();
        let _ = tokio::time::timeout(wait, rx.wait_for(|v| *v as u32 != version)).await;
    }

    /// Sets the least free disk space a new sale needs (`BOXOFFICE_MIN_FREE_MB`).
    pub fn set_min_free_bytes(&self, bytes: u64) {
        self.min_free_bytes
            .store(bytes, std::sync::atomic::Ordering::Relaxed);
    }

    /// The least free disk space a new sale needs, in bytes.
    pub fn min_free_bytes(&self) -> u64 {
        self.min_free_bytes
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Refuses a new sale, before anything is written, when the data
    /// directory's disk has less free space than the terminal keeps. A disk
    /// that fills anyway mid-sale fails the sale's transaction whole.
    pub(crate) fn check_disk(&self) -> Result<()> {
        let need = self
            .min_free_bytes
            .load(std::sync::atomic::Ordering::Relaxed);
        match crate::disk::free_bytes(&self.data_dir)? {
            Some(free) if free < need => Err(SiteError::DiskLow {
                free_mb: free / (1024 * 1024),
                need_mb: need.div_ceil(1024 * 1024),
            }),
            _ => Ok(()),
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Checkpoints the database's write-ahead log on a connection of its
    /// own (the pump does it every few seconds; a sale never waits for it).
    pub async fn checkpoint(&self) -> Result<i64> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.checkpoint())
            .await
            .map_err(|e| SiteError::Corrupt(format!("checkpoint worker failed: {e}")))?
    }

    /// The same, from a thread that is not the runtime's.
    pub fn checkpoint_blocking(&self) -> Result<i64> {
        self.db.checkpoint()
    }

    /// The database connection (one at a time).
    pub(crate) fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock()
    }

    /// Whether the last exchange with central succeeded.
    pub fn is_online(&self) -> bool {
        self.link.monitor().is_online()
    }

    /// `online`, `degraded` or `offline`, for the status bar and `status --json`.
    pub fn connectivity(&self, oldest_unsynced_secs: Option<u32>) -> &'static str {
        self.link.monitor().connectivity(oldest_unsynced_secs)
    }

    /// The terminal's configuration.
    pub fn config(&self) -> Result<TerminalConfig> {
        let db = self.db();
        let get = |k| store::config(&db, k)?.ok_or(SiteError::NotInitialised);
        Ok(TerminalConfig {
            central_url: get(ConfigKey::CentralUrl)?,
            site_id: get(ConfigKey::SiteId)?,
            terminal_id: get(ConfigKey::TerminalId)?,
        })
    }

    /// The client for central (built once per process).
    pub(crate) fn client(&self) -> Result<Arc<CentralClient>> {
        self.link.client()
    }

    pub(crate) fn site_row(&self) -> Result<SiteRow> {
        store::site(&self.db())?.ok_or(SiteError::NotInitialised)
    }

    /// A new order id whose last 32 bits (the printed `T` reference) are
    /// this terminal's number and its next order count
    /// ([`protocol::with_order_tail`]), so no two orders of the chain share a
    /// reference. Without a number (a central before API 1.6) the id is as
    /// drawn.
    pub(crate) fn new_order_id(&self, now: jiff::Timestamp) -> Result<uuid::Uuid> {
        let id = self.ids.new_id(now);
        let mut db = self.db();
        let number = store::config(&db, ConfigKey::TerminalNumber)?
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|n| (1..=protocol::MAX_TERMINAL_NUMBER).contains(n));
        let Some(number) = number else {
            return Ok(id);
        };
        let count = {
            let mut counts = self.order_counts.lock().unwrap_or_else(|e| e.into_inner());
            if counts.0 >= counts.1 {
                let start = store::reserve_order_counts(&mut db, store::ORDER_COUNT_BLOCK)?;
                *counts = (start, start + store::ORDER_COUNT_BLOCK);
            }
            counts.0 += 1;
            counts.0 - 1
        };
        // The count wraps within its 22 bits (see ORDER_COUNTER_BITS).
        Ok(protocol::with_order_tail(id, number, count as u32))
    }

    /// Drops the order numbers this process reserved but did not use (the
    /// count was raised past them).
    pub(crate) fn forget_reserved_order_counts(&self) {
        *self.order_counts.lock().unwrap_or_else(|e| e.into_inner()) = (0, 0);
    }

    /// The measured offset of central's clock from this terminal's.
    pub(crate) fn central_offset(&self) -> Result<jiff::SignedDuration> {
        let ms: i64 = store::config(&self.db(), ConfigKey::CentralOffsetMs)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Ok(jiff::SignedDuration::from_millis(ms))
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
                store::open_conflict_count(&db)?,
                store::lease_summary(&db, now)?,
            )
        };
        let trading_day = store::trading_day(&self.db(), now)?;
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
        let last_sync = self.link.monitor().last_sync();
        Ok(Status {
            site_id: site.id,
            site_name: site.name,
            chain_name: site.chain_name,
            terminal_id: cfg.terminal_id,
            currency: site.currency.into(),
            time_zone: site.time_zone,
            central_url: cfg.central_url,
            online: self.is_online(),
            connectivity,
            queue_depth: stats.pending,
            oldest_unsynced_secs,
            needs_attention: stats.needs_attention,
            open_conflicts,
            leases,
            business_day: business_day(now, &tz, site.cutoff_hour).to_string(),
            trading_day,
            last_sync: last_sync.map(|t| t.to_string()),
            demo: self.demo,
        })
    }

    /// How long sessions last here (the site's settings).
    fn session_policy(&self) -> Result<auth::SessionPolicy> {
        let settings = store::site_settings(&self.db())?;
        Ok(auth::SessionPolicy {
            idle_lock_secs: settings.idle_lock(),
            hours: settings.session_lifetime_hours(),
        })
    }

    /// The people who can sign in here, managers first.
    pub fn staff_list(&self) -> Result<Vec<StaffView>> {
        let mut staff = store::staff(&self.db())?;
        let rank = |r: protocol::Role| match r {
            protocol::Role::Manager => 0,
            protocol::Role::Supervisor => 1,
            protocol::Role::Cashier => 2,
        };
        staff.sort_by(|a, b| (rank(a.role), &a.name).cmp(&(rank(b.role), &b.name)));
        Ok(staff
            .into_iter()
            .map(|m| StaffView {
                id: m.id,
                name: m.name,
                role: m.role,
            })
            .collect())
    }

    /// Signs a staff member in: `staff_id` named (the counter's sign-in:
    /// one hash checked, wrong PINs lock out that person only) or not (the
    /// PIN looked up among everyone's; wrong PINs lock the unnamed pad).
    pub fn login(&self, staff_id: Option<&str>, pin: &str) -> Result<Session> {
        let member = match staff_id {
            Some(id) => self.check_named_pin(id, pin)?,
            None => self.staff_by_pin(pin)?,
        };
        let now = self.clock.now();
        Ok(self
            .auth
            .open_session(member, self.ids.new_id(now), now, self.session_policy()?))
    }

    /// Checks the PIN of the staff member `id`.
    fn check_named_pin(&self, id: &str, pin: &str) -> Result<StaffRow> {
        let Some(member) = store::staff_member(&self.db(), id)? else {
            return Err(SiteError::Invalid(format!(
                "nobody called '{id}' works here"
            )));
        };
        let member = self.auth.check_pin(
            std::slice::from_ref(&member),
            pin,
            self.clock.now(),
            &format!("staff:{id}"),
            &StoredFailures(self),
        )?;
        pin_fits_role(&member, pin)?;
        Ok(member)
    }

    /// Ends a session.
    pub fn logout(&self, token: &str) {
        self.auth.close_session(token);
        // The sign-in screen is never mid-sale (the order's holds went first).
        if let Ok(mut activity) = self.activity.lock() {
            *activity = Default::default();
        }
    }

    /// The staff member behind a session token (a use of the session: it
    /// is refused once locked or expired).
    pub fn session_staff(&self, token: &str) -> Result<StaffRow> {
        let signed_in = self.auth.staff_for(token, self.clock.now())?;
        // As the catalog has them now: someone removed since signing in can
        // no longer act, and a changed role applies at once.
        let now = store::staff_member(&self.db(), &signed_in.id)?;
        now.ok_or_else(|| {
            self.auth.close_session(token);
            SiteError::NotLoggedIn
        })
    }

    /// The staff member of a session that may be locked (not expired), for
    /// the holds of the order under the lock screen; not a use of it.
    pub fn session_holder(&self, token: &str) -> Result<StaffRow> {
        self.auth.owner_of(token, self.clock.now())
    }

    /// Locks a session: it waits for its owner's PIN.
    pub fn lock_session(&self, token: &str) -> Result<()> {
        self.auth.lock(token)
    }

    /// Unlocks a locked session with its owner's PIN (wrong PINs count
    /// towards the owner's lockout, as at the sign-in).
    pub fn unlock_session(&self, token: &str, pin: &str) -> Result<Session> {
        let owner = self.auth.owner_of(token, self.clock.now())?;
        self.check_named_pin(&owner.id, pin)?;
        self.auth.unlock(token, self.clock.now())
    }

    /// Who approves an action that needs at least a supervisor (or, with
    /// `manager_only`, a manager): the approver named by `approval` (their
    /// PIN, checked with the lockout of approvals asked at `staff`'s
    /// session) or, without one, the staff member at the counter.
    /// `refusal` says what the action needs.
    pub fn approver(
        &self,
        staff: &StaffRow,
        approval: Option<&Approval>,
        manager_only: bool,
        refusal: &str,
    ) -> Result<StaffRow> {
        if let Some(a) = approval.filter(|a| !a.pin.trim().is_empty()) {
            return self.approver_by_pin(staff, a.pin.trim(), manager_only, refusal);
        }
        if may_approve(staff, manager_only) {
            Ok(staff.clone())
        } else {
            Err(refused(manager_only, refusal))
        }
    }

    /// The approver whose PIN this is, typed at `requester`'s session, if
    /// they may approve (a manager, or with `manager_only` false a
    /// supervisor too). Only approvers' hashes are tried; a PIN of anyone
    /// else is wrong, and a supervisor's for a manager's action is refused
    /// with `refusal`. Either counts towards the lockout of approvals at
    /// `requester`'s session, so that one person trying PINs locks only
    /// themselves out.
    pub fn approver_by_pin(
        &self,
        requester: &StaffRow,
        pin: &str,
        manager_only: bool,
        refusal: &str,
    ) -> Result<StaffRow> {
        // A supervisor alone at the counter approves with their own PIN; a
        // right PIN never forgets the count of `approve:` (see `auth`), so
        // typing it between guesses at a manager's PIN gains nothing.
        let approvers: Vec<StaffRow> = store::staff(&self.db())?
            .into_iter()
            .filter(|m| auth::approves(m.role))
            .collect();
        let found = self
            .auth
            .check_approver_pin(
                &approvers,
                pin,
                self.clock.now(),
                |m| may_approve(m, manager_only),
                &format!("approve:{}", requester.id),
                &StoredFailures(self),
            )?
            .ok_or_else(|| refused(manager_only, refusal))?;
        pin_fits_role(&found, pin)?;
        Ok(found)
    }

    /// Checks, before it is applied, that `args.approval` is a PIN of
    /// someone who may approve `args.action`: a dialog names the approver or
    /// refuses at once, rather than when the sale is confirmed. The PIN
    /// counts towards the log-in lockout like any other.
    pub fn check_approval(
        &self,
        staff: &StaffRow,
        args: &crate::api::CheckApprovalArgs,
    ) -> Result<crate::api::ApproverView> {
        use crate::api::ApprovalAction;
        let pin = args.approval.pin.trim();
        if pin.is_empty() {
            return Err(SiteError::Invalid("enter the approver's PIN".into()));
        }
        let (manager_only, needs) = match args.action {
            ApprovalAction::PriceOverride => {
                (false, "price overrides need a supervisor or a manager")
            }
            ApprovalAction::Reprint => (false, "reprints need a supervisor or a manager"),
            ApprovalAction::Refund => (false, REFUND_NEEDS),
            ApprovalAction::Void => (false, "voiding an order needs a supervisor or a manager"),
            ApprovalAction::PayOut => (
                false,
                "paying cash out of the drawer needs a supervisor or a manager",
            ),
            ApprovalAction::OfflineOverride => {
                (true, "only a manager can approve an offline override")
            }
        };
        let approver = self.approver_by_pin(staff, pin, manager_only, needs)?;
        Ok(crate::api::ApproverView {
            staff_id: approver.id,
            name: approver.name,
            role: approver.role.as_str().to_string(),
        })
    }

    /// Records a sensitive action in the audit trail, inside `conn`'s
    /// transaction so the action and its record commit together.
    pub(crate) fn audit(
        &self,
        conn: &rusqlite::Transaction<'_>,
        e: &store::AuditEvent<'_>,
    ) -> Result<()> {
        let now = self.clock.now();
        let terminal = store::config(conn, ConfigKey::TerminalId)?.unwrap_or_default();
        store::append_audit(conn, self.ids.new_id(now), now, &terminal, e)?;
        Ok(())
    }

    /// The newest `limit` entries of the audit trail (a manager's view).
    pub fn audit_trail(&self, staff: &StaffRow, limit: u32) -> Result<Vec<AuditEntryView>> {
        self.approver(staff, None, true, AUDIT_NEEDS)?;
        let rows = store::audit_entries(&self.db(), limit.clamp(1, 10_000))?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntryView {
                seq: r.seq,
                at: r.at,
                terminal_id: r.terminal_id,
                staff_id: r.staff_id,
                approved_by: r.approved_by,
                action: r.action,
                subject: r.subject,
                detail: r.detail,
                hash: r.hash,
            })
            .collect())
    }

    /// Walks the audit trail's hash chain.
    pub fn verify_audit(&self) -> Result<store::AuditCheck> {
        store::verify_audit(&self.db())
    }

    /// The audit trail's check, for a manager's view.
    pub fn audit_check(&self, staff: &StaffRow) -> Result<AuditCheckView> {
        self.approver(staff, None, true, AUDIT_NEEDS)?;
        let c = self.verify_audit()?;
        Ok(AuditCheckView {
            entries: c.entries,
            intact: c.intact,
            problem: c.problem,
        })
    }

    /// Checks a PIN given without a name and returns its staff member (the
    /// one-shot CLI commands): wrong PINs lock the unnamed pad.
    pub fn staff_by_pin(&self, pin: &str) -> Result<StaffRow> {
        let staff = store::staff(&self.db())?;
        let member =
            self.auth
                .check_pin(&staff, pin, self.clock.now(), "pad", &StoredFailures(self))?;
        pin_fits_role(&member, pin)?;
        Ok(member)
    }
}

/// Refuses a supervisor's or manager's PIN shorter than their role needs
/// (a catalog from before the rule): central IT sets them a longer one.
fn pin_fits_role(m: &StaffRow, pin: &str) -> Result<()> {
    Ok(domain::pin::check(pin, auth::approves(m.role))?)
}

/// Who may read the audit trail.
const AUDIT_NEEDS: &str = "the audit trail is for managers";

/// Whether `m` may approve an action (a manager's only, or a supervisor's).
fn may_approve(m: &StaffRow, manager_only: bool) -> bool {
    match m.role {
        protocol::Role::Manager => true,
        protocol::Role::Supervisor => !manager_only,
        protocol::Role::Cashier => false,
    }
}

/// The refusal of an approval, saying who may give it.
fn refused(manager_only: bool, refusal: &str) -> SiteError {
    if manager_only {
        SiteError::NeedsManager(refusal.to_string())
    } else {
        SiteError::NotAllowed(refusal.to_string())
    }
}

#[cfg(test)]
mod reason_tests {
    use super::stated_reason;

    #[test]
    fn a_reason_is_counted_in_characters_not_bytes() {
        // 100 Arabic letters are 200 bytes: still a reason, as 100 Latin ones are.
        let arabic = "س".repeat(100);
        assert_eq!(stated_reason(&format!("  {arabic} ")).unwrap(), arabic);
        assert!(stated_reason(&"a".repeat(121)).is_err());
        assert!(stated_reason("   ").is_err());
    }
}
