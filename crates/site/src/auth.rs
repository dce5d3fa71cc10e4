//! Staff PINs and sessions. PINs are checked against argon2id hashes from the
//! catalog; repeated failures lock the terminal's PIN pad for a while. The
//! failure count is kept by the caller (the terminal's database), so that a
//! restart of the app or a one-shot CLI call does not reset it.

use crate::api::Session;
use crate::error::{Result, SiteError};
use crate::store::StaffRow;
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;
use std::sync::Mutex;
use uuid::Uuid;

/// Wrong PINs in a row before the pad locks.
pub const MAX_FAILURES: u32 = 5;
/// How long the pad stays locked.
pub const LOCKOUT: SignedDuration = SignedDuration::from_secs(60);

/// Wrong PINs in a row, and until when the pad is locked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// Wrong PINs since the last right one.
    pub count: u32,
    /// Locked until then.
    pub locked_until: Option<Timestamp>,
}

impl Failures {
    /// As stored: `count` or `count:unix_seconds`.
    pub fn to_text(self) -> String {
        match self.locked_until {
            Some(t) => format!("{}:{}", self.count, t.as_second()),
            None => self.count.to_string(),
        }
    }

    /// From [`Failures::to_text`]; anything unreadable counts as locked for
    /// a full lockout from `now` (a tampered counter never unlocks the pad).
    pub fn from_text(text: &str, now: Timestamp) -> Failures {
        let locked = Failures {
            count: MAX_FAILURES,
            locked_until: Some(now + LOCKOUT),
        };
        let mut parts = text.splitn(2, ':');
        let Some(Ok(count)) = parts.next().map(str::parse::<u32>) else {
            return locked;
        };
        match parts.next() {
            None => Failures {
                count,
                locked_until: None,
            },
            Some(secs) => match secs
                .parse::<i64>()
                .ok()
                .and_then(|s| Timestamp::from_second(s).ok())
            {
                Some(t) => Failures {
                    count,
                    locked_until: Some(t),
                },
                None => locked,
            },
        }
    }
}

/// Open sessions and the failure counter.
#[derive(Default)]
pub struct Sessions {
    open: Mutex<HashMap<String, StaffRow>>,
    /// Serialises PIN checks within the process (the count itself is stored).
    checking: Mutex<()>,
}

/// Where the failure count lives between checks.
pub trait FailureStore {
    /// The count as last saved.
    fn load(&self, now: Timestamp) -> Result<Failures>;
    /// Saves the count.
    fn save(&self, failures: Failures) -> Result<()>;
}

/// Checks that a PIN is 4 to 8 digits.
pub fn validate_pin(pin: &str) -> Result<()> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(SiteError::Invalid("a PIN is 4 to 8 digits".into()))
    }
}

impl Sessions {
    /// Finds the staff member whose PIN this is (a log-in: anyone qualifies).
    pub fn check_pin(
        &self,
        staff: &[StaffRow],
        pin: &str,
        now: Timestamp,
        kept: &dyn FailureStore,
    ) -> Result<StaffRow> {
        self.check_approver_pin(staff, pin, now, |_| true, kept)?
            .ok_or(SiteError::WrongPin)
    }

    /// Checks an approver's PIN. Like a log-in, except that the PIN of
    /// someone who may not approve (`qualifies` is false: a cashier, or a
    /// supervisor for a manager's action, the caller's own PIN included)
    /// counts as a wrong PIN towards the lockout and never resets it, so an
    /// approval dialog cannot be used to try PINs. Such a PIN gives `None`.
    pub fn check_approver_pin(
        &self,
        staff: &[StaffRow],
        pin: &str,
        now: Timestamp,
        qualifies: impl Fn(&StaffRow) -> bool,
        kept: &dyn FailureStore,
    ) -> Result<Option<StaffRow>> {
        validate_pin(pin)?;
        let _one_at_a_time = self.checking.lock().unwrap_or_else(|e| e.into_inner());
        let mut failures = kept.load(now)?;
        if let Some(until) = failures.locked_until {
            if now < until {
                return Err(SiteError::LockedOut((until - now).as_secs().max(1)));
            }
            failures = Failures::default();
        }
        let checked = Self::verify(staff, pin, now, qualifies, &mut failures);
        kept.save(failures)?;
        checked
    }

    fn verify(
        staff: &[StaffRow],
        pin: &str,
        now: Timestamp,
        qualifies: impl Fn(&StaffRow) -> bool,
        failures: &mut Failures,
    ) -> Result<Option<StaffRow>> {
        let argon = argon2::Argon2::default();
        let found = staff.iter().find(|m| {
            PasswordHash::new(&m.pin_hash)
                .is_ok_and(|h| argon.verify_password(pin.as_bytes(), &h).is_ok())
        });
        match found {
            Some(m) if qualifies(m) => {
                *failures = Failures::default();
                Ok(Some(m.clone()))
            }
            other => {
                failures.count += 1;
                if failures.count >= MAX_FAILURES {
                    failures.locked_until = Some(now + LOCKOUT);
                }
                match other {
                    Some(_) => Ok(None),
                    None => Err(SiteError::WrongPin),
                }
            }
        }
    }

    /// Opens a session for `member` with a fresh token.
    pub fn open_session(&self, member: StaffRow, token: Uuid) -> Session {
        let token = token.simple().to_string();
        let session = Session {
            token: token.clone(),
            staff_id: member.id.clone(),
            staff_name: member.name.clone(),
            role: member.role,
        };
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token, member);
        session
    }

    /// Closes a session.
    pub fn close_session(&self, token: &str) {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token);
    }

    /// The staff member of a session.
    pub fn staff_for(&self, token: &str) -> Result<StaffRow> {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
            .cloned()
            .ok_or(SiteError::NotLoggedIn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failure_count_is_kept_as_text_and_a_damaged_one_locks() {
        let now = Timestamp::from_second(1_800_000_000).unwrap();
        for f in [
            Failures::default(),
            Failures {
                count: 3,
                locked_until: None,
            },
            Failures {
                count: 5,
                locked_until: Some(now + LOCKOUT),
            },
        ] {
            assert_eq!(Failures::from_text(&f.to_text(), now), f);
        }
        for damaged in ["", "x", "2:y", "-1"] {
            let f = Failures::from_text(damaged, now);
            assert_eq!(f.locked_until, Some(now + LOCKOUT), "{damaged:?}");
        }
    }
}
