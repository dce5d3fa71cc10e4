//! Staff PIN rules: how long a PIN is for each role, and what one guess at
//! a PIN hash costs. PIN hashes reach every counter with the catalog, so a
//! stolen counter PC must make guessing them slow.

/// Fewest digits of a cashier's PIN.
pub const CASHIER_MIN_DIGITS: usize = 4;
/// Fewest digits of a supervisor's or a manager's PIN (their PINs approve
/// refunds, voids and overrides).
pub const APPROVER_MIN_DIGITS: usize = 6;
/// Most digits of any PIN.
pub const MAX_DIGITS: usize = 8;

/// Argon2id memory cost in KiB of a PIN hash (64 MiB).
pub const HASH_MEMORY_KIB: u32 = 65_536;
/// Argon2id passes of a PIN hash: with [`HASH_MEMORY_KIB`], one guess
/// costs over 100 ms on a counter PC (see `docs/PERFORMANCE.md`).
pub const HASH_PASSES: u32 = 3;
/// Argon2id lanes.
pub const HASH_LANES: u32 = 1;

/// Why a PIN is refused for a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinRuleError {
    /// Not only digits, or too long.
    #[error("a PIN is {min} to {MAX_DIGITS} digits")]
    Shape {
        /// Fewest digits for the role.
        min: usize,
    },
}

/// Checks a PIN for a role that approves (`approver`) or only sells.
pub fn check(pin: &str, approver: bool) -> Result<(), PinRuleError> {
    let min = if approver {
        APPROVER_MIN_DIGITS
    } else {
        CASHIER_MIN_DIGITS
    };
    if (min..=MAX_DIGITS).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(PinRuleError::Shape { min })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approvers_need_six_digits_and_cashiers_four() {
        assert!(check("1111", false).is_ok());
        assert_eq!(check("2222", true), Err(PinRuleError::Shape { min: 6 }));
        assert!(check("222222", true).is_ok());
        assert!(check("12345678", true).is_ok());
        for bad in ["", "123", "123456789", "12a4", " 1234", "١٢٣٤"] {
            assert!(check(bad, false).is_err(), "{bad:?}");
        }
    }
}
