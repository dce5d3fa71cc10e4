//! Staff PINs and sessions. PINs are checked against argon2id hashes from the
//! catalog; repeated failures lock out, for a while, the person signing in
//! (or the approvals asked at their session). The failure counts are kept by
//! the caller (the terminal's database), so that a restart of the app or a
//! one-shot CLI call does not reset them. Sessions lock after the site's
//! idle time and end after its lifetime.

use crate::api::Session;
use crate::error::{Result, SiteError};
use crate::store::StaffRow;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// Wrong PINs before a lockout (and between lockouts).
pub const MAX_FAILURES: u32 = 5;
/// The first lockout; each further one lasts twice as long as the last.
pub const LOCKOUT: SignedDuration = SignedDuration::from_secs(60);
/// The longest lockout.
pub const MAX_LOCKOUT: SignedDuration = SignedDuration::from_secs(3_600);
/// A day without a wrong PIN forgets the count.
pub const QUIET: SignedDuration = SignedDuration::from_hours(24);

/// Wrong PINs of one subject, and until when it is locked out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// Wrong PINs since the count was last forgotten (a right PIN forgets it
    /// for a named sign-in; a quiet day forgets it for every subject).
    pub count: u32,
    /// Locked out until then.
    pub locked_until: Option<Timestamp>,
    /// The last wrong PIN.
    pub last_failure: Option<Timestamp>,
}

impl Failures {
    /// From a stored row; a damaged one (a negative count, an impossible
    /// time) counts as locked for a full lockout from `now`, so a tampered
    /// counter never unlocks the pad.
    pub fn from_row(
        count: i64,
        locked_until: Option<i64>,
        last_failure: Option<i64>,
        now: Timestamp,
    ) -> Failures {
        let locked = Failures {
            count: MAX_FAILURES,
            locked_until: Some(now + LOCKOUT),
            last_failure: Some(now),
        };
        let Ok(count) = u32::try_from(count) else {
            return locked;
        };
        let time = |t: Option<i64>| t.map(Timestamp::from_second).transpose();
        match (time(locked_until), time(last_failure)) {
            (Ok(locked_until), Ok(last_failure)) => Failures {
                count,
                locked_until,
                last_failure,
            },
            _ => locked,
        }
    }

    /// Counts one wrong PIN at `now`: every [`MAX_FAILURES`]th locks out,
    /// for [`LOCKOUT`] the first time and twice as long each time after, up
    /// to [`MAX_LOCKOUT`]; the count is not forgotten when a lockout ends.
    pub fn fail(&mut self, now: Timestamp) {
        self.count = self.count.saturating_add(1);
        self.last_failure = Some(now);
        if self.count.is_multiple_of(MAX_FAILURES) {
            let round = (self.count / MAX_FAILURES - 1).min(16);
            let secs = (LOCKOUT.as_secs() << round).min(MAX_LOCKOUT.as_secs());
            self.locked_until = Some(now + SignedDuration::from_secs(secs));
        }
    }

    /// The count as it stands at `now`: forgotten after a quiet day.
    pub fn as_of(self, now: Timestamp) -> Failures {
        match self.last_failure {
            Some(last) if now - last > QUIET && self.locked_until.is_none_or(|u| u <= now) => {
                Failures::default()
            }
            _ => self,
        }
    }
}

/// Whether a right PIN forgets a subject's count: only for a named sign-in,
/// where the right PIN proves who is there. A right PIN at the unnamed pad
/// or in an approval dialog could be someone else's, known, used to go on
/// guessing.
fn right_pin_forgets(subject: &str) -> bool {
    subject.starts_with("staff:")
}

/// A signed-in session.
#[derive(Clone)]
struct OpenSession {
    member: StaffRow,
    /// Last use by a command acting for the person.
    last_used: Timestamp,
    /// Expires then, whatever its use.
    expires_at: Timestamp,
    /// Its lifetime in hours (for the message when it ends).
    hours: u32,
    /// Locks after this long without use.
    idle: SignedDuration,
    /// Locked (idle, or by the counter): only its owner's PIN unlocks it.
    locked: bool,
}

/// Open sessions.
#[derive(Default)]
pub struct Sessions {
    open: Mutex<HashMap<String, OpenSession>>,
    /// Serialises PIN checks within the process (the counts themselves are stored).
    checking: Mutex<()>,
}

/// How long sessions last: the site's settings.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// Seconds without use before the counter locks.
    pub idle_lock_secs: u32,
    /// Hours before a sign-in expires.
    pub hours: u32,
}

/// Where the failure counts live between checks, per subject.
pub trait FailureStore {
    /// The count of `subject` as last saved.
    fn load(&self, subject: &str, now: Timestamp) -> Result<Failures>;
    /// Saves the count of `subject`.
    fn save(&self, subject: &str, failures: Failures) -> Result<()>;
}

/// Checks that a PIN looks like one (4 to 8 digits) before any hash is tried.
pub fn validate_pin(pin: &str) -> Result<()> {
    domain::pin::check(pin, false).map_err(|e| SiteError::Invalid(e.to_string()))
}

/// Whether a role approves (and so needs the longer PIN).
pub fn approves(role: protocol::Role) -> bool {
    !matches!(role, protocol::Role::Cashier)
}

impl Sessions {
    /// Finds which of `candidates` this PIN is (a sign-in: anyone qualifies),
    /// counting failures under `subject`.
    pub fn check_pin(
        &self,
        candidates: &[StaffRow],
        pin: &str,
        now: Timestamp,
        subject: &str,
        kept: &dyn FailureStore,
    ) -> Result<StaffRow> {
        self.check_approver_pin(candidates, pin, now, |_| true, subject, kept)?
            .ok_or(SiteError::WrongPin)
    }

    /// Checks an approver's PIN against `candidates`. Like a sign-in, except
    /// that the PIN of a candidate who may not approve (`qualifies` is false:
    /// a supervisor for a manager's action) counts as a wrong PIN towards the
    /// lockout and never resets it, so an approval dialog cannot be used to
    /// try PINs. Such a PIN gives `None`.
    pub fn check_approver_pin(
        &self,
        candidates: &[StaffRow],
        pin: &str,
        now: Timestamp,
        qualifies: impl Fn(&StaffRow) -> bool,
        subject: &str,
        kept: &dyn FailureStore,
    ) -> Result<Option<StaffRow>> {
        validate_pin(pin)?;
        let _one_at_a_time = self.checking.lock().unwrap_or_else(|e| e.into_inner());
        let mut failures = kept.load(subject, now)?.as_of(now);
        if let Some(until) = failures.locked_until {
            if now < until {
                return Err(SiteError::LockedOut((until - now).as_secs().max(1)));
            }
            failures.locked_until = None;
        }
        let checked = Self::verify(candidates, pin, now, qualifies, &mut failures);
        if checked.as_ref().is_ok_and(Option::is_some) && right_pin_forgets(subject) {
            failures = Failures::default();
        }
        kept.save(subject, failures)?;
        checked
    }

    fn verify(
        staff: &[StaffRow],
        pin: &str,
        now: Timestamp,
        qualifies: impl Fn(&StaffRow) -> bool,
        failures: &mut Failures,
    ) -> Result<Option<StaffRow>> {
        // The cost parameters come from each hash (see `domain::pin::is_strong`).
        let argon = argon2::Argon2::default();
        let found = staff.iter().find(|m| {
            PasswordHash::new(&m.pin_hash)
                .is_ok_and(|h| argon.verify_password(pin.as_bytes(), &h).is_ok())
        });
        match found {
            Some(m) if qualifies(m) => Ok(Some(m.clone())),
            other => {
                failures.fail(now);
                match other {
                    Some(_) => Ok(None),
                    None => Err(SiteError::WrongPin),
                }
            }
        }
    }

    /// Opens a session for `member` with a fresh token.
    pub fn open_session(
        &self,
        member: StaffRow,
        token: Uuid,
        now: Timestamp,
        policy: SessionPolicy,
    ) -> Session {
        let token = token.simple().to_string();
        let expires_at = now + SignedDuration::from_hours(i64::from(policy.hours));
        let session = Session {
            token: token.clone(),
            staff_id: member.id.clone(),
            staff_name: member.name.clone(),
            role: member.role,
            idle_lock_secs: policy.idle_lock_secs,
            expires_at: expires_at.to_string(),
        };
        self.lock_map().insert(
            token,
            OpenSession {
                member,
                last_used: now,
                expires_at,
                hours: policy.hours,
                idle: SignedDuration::from_secs(i64::from(policy.idle_lock_secs)),
                locked: false,
            },
        );
        session
    }

    fn lock_map(&self) -> std::sync::MutexGuard<'_, HashMap<String, OpenSession>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Closes a session.
    pub fn close_session(&self, token: &str) {
        self.lock_map().remove(token);
    }

    /// The staff member of a session, which counts as a use of it. A
    /// session unused for its idle time locks; one past its lifetime ends.
    pub fn staff_for(&self, token: &str, now: Timestamp) -> Result<StaffRow> {
        let mut open = self.lock_map();
        let s = open.get_mut(token).ok_or(SiteError::NotLoggedIn)?;
        if now >= s.expires_at {
            let hours = lifetime_hours(s);
            open.remove(token);
            return Err(SiteError::SessionExpired(hours));
        }
        if !s.locked && now - s.last_used > s.idle {
            s.locked = true;
        }
        if s.locked {
            return Err(SiteError::SessionLocked(s.idle.as_secs() as u32));
        }
        s.last_used = now;
        Ok(s.member.clone())
    }

    /// Locks a session (the counter went idle or was locked by hand).
    pub fn lock(&self, token: &str) -> Result<()> {
        let mut open = self.lock_map();
        let s = open.get_mut(token).ok_or(SiteError::NotLoggedIn)?;
        s.locked = true;
        Ok(())
    }

    /// The owner of a session, locked or not, unless it expired.
    pub fn owner_of(&self, token: &str, now: Timestamp) -> Result<StaffRow> {
        let mut open = self.lock_map();
        let s = open.get(token).ok_or(SiteError::NotLoggedIn)?;
        if now >= s.expires_at {
            let hours = lifetime_hours(s);
            open.remove(token);
            return Err(SiteError::SessionExpired(hours));
        }
        Ok(s.member.clone())
    }

    /// Unlocks a session whose owner just gave their PIN.
    pub fn unlock(&self, token: &str, now: Timestamp) -> Result<Session> {
        let mut open = self.lock_map();
        let s = open.get_mut(token).ok_or(SiteError::NotLoggedIn)?;
        s.locked = false;
        s.last_used = now;
        Ok(Session {
            token: token.to_string(),
            staff_id: s.member.id.clone(),
            staff_name: s.member.name.clone(),
            role: s.member.role,
            idle_lock_secs: s.idle.as_secs() as u32,
            expires_at: s.expires_at.to_string(),
        })
    }
}

fn lifetime_hours(s: &OpenSession) -> u32 {
    s.hours
}

/// Hashes a PIN with the chain's argon2id cost (central seeds the catalog
/// with these; tests make their own staff with it).
pub fn hash_pin(pin: &str, salt: &[u8; 16]) -> Result<String> {
    domain::pin::hash(pin, salt).map_err(|e| SiteError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, role: protocol::Role, pin: &str) -> StaffRow {
        StaffRow {
            id: id.into(),
            name: id.into(),
            role,
            pin_hash: hash_pin(pin, &[7; 16]).unwrap(),
        }
    }

    struct Kept(Mutex<HashMap<String, Failures>>);

    impl FailureStore for Kept {
        fn load(&self, subject: &str, _now: Timestamp) -> Result<Failures> {
            Ok(self
                .0
                .lock()
                .unwrap()
                .get(subject)
                .copied()
                .unwrap_or_default())
        }
        fn save(&self, subject: &str, f: Failures) -> Result<()> {
            self.0.lock().unwrap().insert(subject.into(), f);
            Ok(())
        }
    }

    #[test]
    fn a_damaged_failure_row_locks() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        assert_eq!(Failures::from_row(3, None, None, now).count, 3);
        let until = now.as_second() + 30;
        assert_eq!(
            Failures::from_row(5, Some(until), Some(until - 60), now).locked_until,
            Some(Timestamp::from_second(until).unwrap())
        );
        for (count, until) in [(-1, None), (2, Some(i64::MAX))] {
            let f = Failures::from_row(count, until, None, now);
            assert_eq!(f.locked_until, Some(now + LOCKOUT), "{count} {until:?}");
        }
    }

    #[test]
    fn lockouts_double_and_only_a_quiet_day_forgets_them() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let mut f = Failures::default();
        let mut at = now;
        let mut lockouts = Vec::new();
        for _ in 0..(MAX_FAILURES * 8) {
            f = f.as_of(at);
            if let Some(until) = f.locked_until {
                at = until;
                f.locked_until = None;
            }
            f.fail(at);
            if let Some(until) = f.locked_until {
                lockouts.push((until - at).as_secs());
            }
        }
        assert_eq!(lockouts, [60, 120, 240, 480, 960, 1_920, 3_600, 3_600]);
        // Locked: a quiet day does not forget before the lockout ends.
        assert_eq!(f.as_of(at + SignedDuration::from_secs(60)).count, 40);
        let quiet = at + MAX_LOCKOUT + QUIET + SignedDuration::from_secs(1);
        assert_eq!(f.as_of(quiet), Failures::default());
    }

    #[test]
    fn wrong_pins_lock_out_one_subject_only_and_sessions_lock_when_idle_and_expire() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        let amal = member("amal", protocol::Role::Cashier, "1234");
        let omar = member("omar", protocol::Role::Cashier, "5678");
        assert!(domain::pin::is_strong(&amal.pin_hash));
        let sessions = Sessions::default();
        let kept = Kept(Mutex::new(HashMap::new()));
        for _ in 0..MAX_FAILURES {
            let e = sessions.check_pin(
                std::slice::from_ref(&amal),
                "9999",
                now,
                "staff:amal",
                &kept,
            );
            assert!(matches!(e, Err(SiteError::WrongPin)));
        }
        // Amal is locked out, even with her right PIN; Omar is not.
        let e = sessions.check_pin(
            std::slice::from_ref(&amal),
            "1234",
            now,
            "staff:amal",
            &kept,
        );
        assert!(matches!(e, Err(SiteError::LockedOut(60))), "{e:?}");
        let omar_in = sessions.check_pin(
            std::slice::from_ref(&omar),
            "5678",
            now,
            "staff:omar",
            &kept,
        );
        assert_eq!(omar_in.unwrap().id, "omar");
        let later = now + LOCKOUT;
        assert!(
            sessions
                .check_pin(
                    std::slice::from_ref(&amal),
                    "1234",
                    later,
                    "staff:amal",
                    &kept
                )
                .is_ok()
        );
        // Her right PIN forgot her count; a right PIN at the unnamed pad does not.
        assert_eq!(kept.load("staff:amal", later).unwrap(), Failures::default());
        let amal_only = std::slice::from_ref(&amal);
        for _ in 0..MAX_FAILURES - 1 {
            let _ = sessions.check_pin(amal_only, "9999", later, "pad", &kept);
        }
        assert!(
            sessions
                .check_pin(amal_only, "1234", later, "pad", &kept)
                .is_ok()
        );
        let e = sessions.check_pin(amal_only, "9999", later, "pad", &kept);
        assert!(matches!(e, Err(SiteError::WrongPin)));
        let e = sessions.check_pin(amal_only, "1234", later, "pad", &kept);
        assert!(matches!(e, Err(SiteError::LockedOut(60))), "{e:?}");

        let policy = SessionPolicy {
            idle_lock_secs: 120,
            hours: 12,
        };
        let s = sessions.open_session(omar.clone(), Uuid::nil(), now, policy);
        let at = |secs: i64| now + SignedDuration::from_secs(secs);
        assert!(sessions.staff_for(&s.token, at(100)).is_ok());
        // Used at 100 s: idle from there.
        assert!(sessions.staff_for(&s.token, at(220)).is_ok());
        let e = sessions.staff_for(&s.token, at(341));
        assert!(matches!(e, Err(SiteError::SessionLocked(120))), "{e:?}");
        // Stays locked even if touched again at once, until unlocked.
        assert!(sessions.staff_for(&s.token, at(342)).is_err());
        assert_eq!(sessions.owner_of(&s.token, at(342)).unwrap().id, "omar");
        sessions.unlock(&s.token, at(343)).unwrap();
        assert!(sessions.staff_for(&s.token, at(344)).is_ok());
        sessions.lock(&s.token).unwrap();
        assert!(matches!(
            sessions.staff_for(&s.token, at(345)),
            Err(SiteError::SessionLocked(_))
        ));
        sessions.unlock(&s.token, at(346)).unwrap();
        let e = sessions.staff_for(&s.token, at(12 * 3600));
        assert!(matches!(e, Err(SiteError::SessionExpired(12))), "{e:?}");
        assert!(matches!(
            sessions.staff_for(&s.token, at(12 * 3600)),
            Err(SiteError::NotLoggedIn)
        ));
    }
}
