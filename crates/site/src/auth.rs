//! Staff PINs and sessions. PINs are checked against argon2id hashes from the
//! catalog; repeated failures lock the terminal's PIN pad for a while.

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

#[derive(Default)]
struct Failures {
    count: u32,
    locked_until: Option<Timestamp>,
}

/// Open sessions and the failure counter.
#[derive(Default)]
pub struct Sessions {
    open: Mutex<HashMap<String, StaffRow>>,
    failures: Mutex<Failures>,
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
    pub fn check_pin(&self, staff: &[StaffRow], pin: &str, now: Timestamp) -> Result<StaffRow> {
        self.check_approver_pin(staff, pin, now, |_| true)?
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
    ) -> Result<Option<StaffRow>> {
        validate_pin(pin)?;
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(until) = failures.locked_until {
            if now < until {
                return Err(SiteError::LockedOut((until - now).as_secs().max(1)));
            }
            *failures = Failures::default();
        }
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
