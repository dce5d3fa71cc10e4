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

/// Why a PIN is refused for a role, or cannot be hashed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinRuleError {
    /// Not only digits, or too long.
    #[error("a PIN is {min} to {MAX_DIGITS} digits")]
    Shape {
        /// Fewest digits for the role.
        min: usize,
    },
    /// The hash function refused its input.
    #[error("cannot hash the PIN: {0}")]
    Hash(String),
}

/// Hashes a PIN with the chain's argon2id cost ([`HASH_MEMORY_KIB`],
/// [`HASH_PASSES`]) and `salt` (random, from the caller).
pub fn hash(pin: &str, salt: &[u8; 16]) -> Result<String, PinRuleError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let failed = |e: &dyn std::fmt::Display| PinRuleError::Hash(e.to_string());
    let salt = SaltString::encode_b64(salt).map_err(|e| failed(&e))?;
    let params = argon2::Params::new(HASH_MEMORY_KIB, HASH_PASSES, HASH_LANES, None)
        .map_err(|e| failed(&e))?;
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| failed(&e))
}

/// Whether a stored hash costs at least the chain's work per guess.
pub fn is_strong(hash: &str) -> bool {
    argon2::PasswordHash::new(hash)
        .ok()
        .and_then(|h| argon2::Params::try_from(&h).ok().map(|p| (h.algorithm, p)))
        .is_some_and(|(alg, p)| {
            alg.as_str() == "argon2id" && p.m_cost() >= HASH_MEMORY_KIB && p.t_cost() >= HASH_PASSES
        })
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

    #[test]
    fn a_hash_has_the_chain_cost_and_a_cheap_one_is_not_strong() {
        let h = hash("222222", &[1; 16]).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"), "{h}");
        assert!(is_strong(&h));
        assert!(!is_strong(
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
        ));
        assert!(!is_strong("not a hash"));
    }
}
