//! Age ratings: who may see a film and when the cashier checks ID.
//!
//! Ratings are written as on the classification boards' posters: `G`, `PG`,
//! `PG13`, `PG15` (under that age only with a parent), `15+`, `18+`, `21+`
//! (nobody younger admitted). Spaces and hyphens are ignored and case does not
//! matter (`pg-13` is `PG13`); the `+12` spelling is read as `12+`.

use std::fmt;
use std::str::FromStr;

/// From this age on a rating (guidance or minimum) needs an ID check.
pub const ID_CHECK_FROM_AGE: u8 = 15;

/// From this minimum age on child tickets are refused.
pub const CHILD_TICKET_REFUSED_FROM_AGE: u8 = 18;

/// The ticket type code of child tickets.
pub const CHILD_TICKET: &str = "child";

/// A film's age rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rating {
    /// `G`: everyone.
    General,
    /// `PG`: parental guidance advised, nobody refused.
    ParentalGuidance,
    /// `PG13`, `PG15`: under this age only with a parent or guardian.
    Accompanied(u8),
    /// `15+`, `18+`, `21+`: nobody under this age.
    Minimum(u8),
}

/// Why a rating cannot be read or a ticket cannot be sold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgeError {
    /// Not a rating this module knows.
    #[error("'{0}' is not an age rating (use G, PG, PG13, PG15, 15+, 18+ or 21+)")]
    UnknownRating(String),
    /// A child ticket for a film children may not see.
    #[error("child tickets cannot be sold for films rated {0}")]
    ChildTicketRefused(Rating),
}

impl AgeError {
    /// A stable code the UI can show and tests can match.
    pub fn code(&self) -> &'static str {
        match self {
            AgeError::UnknownRating(_) => "age.unknown_rating",
            AgeError::ChildTicketRefused(_) => "age.child_ticket_refused",
        }
    }
}

impl Rating {
    /// Youngest age admitted at all (0 unless a minimum-age rating).
    pub fn min_age(self) -> u8 {
        match self {
            Rating::Minimum(age) => age,
            _ => 0,
        }
    }

    /// Whether the cashier must check ID: `PG15` and above.
    pub fn requires_id_check(self) -> bool {
        match self {
            Rating::General | Rating::ParentalGuidance => false,
            Rating::Accompanied(age) | Rating::Minimum(age) => age >= ID_CHECK_FROM_AGE,
        }
    }

    /// Whether a ticket of type `ticket_type` may be sold: child tickets are
    /// refused from `18+` on.
    pub fn ticket_allowed(self, ticket_type: &str) -> Result<(), AgeError> {
        if ticket_type.eq_ignore_ascii_case(CHILD_TICKET)
            && self.min_age() >= CHILD_TICKET_REFUSED_FROM_AGE
        {
            return Err(AgeError::ChildTicketRefused(self));
        }
        Ok(())
    }
}

impl FromStr for Rating {
    type Err = AgeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || AgeError::UnknownRating(text.to_string());
        let s: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let age = |digits: &str| -> Result<u8, AgeError> {
            if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(unknown());
            }
            match digits.parse::<u8>() {
                Ok(a) if a > 0 => Ok(a),
                _ => Err(unknown()),
            }
        };
        match s.as_str() {
            "G" => Ok(Rating::General),
            "PG" => Ok(Rating::ParentalGuidance),
            _ => {
                if let Some(d) = s.strip_prefix("PG") {
                    age(d).map(Rating::Accompanied)
                } else if let Some(d) = s.strip_suffix('+').or_else(|| s.strip_prefix('+')) {
                    age(d).map(Rating::Minimum)
                } else {
                    Err(unknown())
                }
            }
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rating::General => f.write_str("G"),
            Rating::ParentalGuidance => f.write_str("PG"),
            Rating::Accompanied(age) => write!(f, "PG{age}"),
            Rating::Minimum(age) => write!(f, "{age}+"),
        }
    }
}

/// Whether a film rated `rating` needs an ID check at the counter. An
/// unreadable rating needs one too (the safe side).
pub fn requires_id_check(rating: &str) -> bool {
    rating
        .parse::<Rating>()
        .map_or(true, Rating::requires_id_check)
}

/// Whether a ticket of type `ticket_type` may be sold for a film rated
/// `rating`: child tickets are refused for `18+` and `21+`.
pub fn ticket_allowed(rating: &str, ticket_type: &str) -> Result<(), AgeError> {
    rating.parse::<Rating>()?.ticket_allowed(ticket_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parse_table() {
        let cases = [
            ("G", Rating::General, 0, false),
            ("PG", Rating::ParentalGuidance, 0, false),
            ("PG13", Rating::Accompanied(13), 0, false),
            ("PG-13", Rating::Accompanied(13), 0, false),
            ("pg 13", Rating::Accompanied(13), 0, false),
            ("PG15", Rating::Accompanied(15), 0, true),
            ("15+", Rating::Minimum(15), 15, true),
            ("18+", Rating::Minimum(18), 18, true),
            (" 21+ ", Rating::Minimum(21), 21, true),
            ("+12", Rating::Minimum(12), 12, false),
            ("13+", Rating::Minimum(13), 13, false),
        ];
        for (text, rating, min_age, id) in cases {
            let got: Rating = text.parse().unwrap();
            assert_eq!(got, rating, "{text:?}");
            assert_eq!(got.min_age(), min_age, "{text:?}");
            assert_eq!(got.requires_id_check(), id, "{text:?}");
            assert_eq!(requires_id_check(text), id, "{text:?}");
            assert_eq!(got.to_string().parse::<Rating>(), Ok(got));
        }
        for bad in [
            "", "R", "PG0", "PG130", "0+", "18", "18++", "PG+", "X18+", "+", "١٨+",
        ] {
            let err = bad.parse::<Rating>().unwrap_err();
            assert_eq!(err.code(), "age.unknown_rating", "{bad:?}");
            assert!(requires_id_check(bad), "{bad:?} must ask for ID");
        }
    }

    #[test]
    fn child_tickets_table() {
        let cases = [
            ("G", "child", Ok(())),
            ("PG13", "child", Ok(())),
            ("PG15", "child", Ok(())),
            ("15+", "child", Ok(())),
            ("18+", "child", Err("age.child_ticket_refused")),
            ("21+", "CHILD", Err("age.child_ticket_refused")),
            ("18+", "adult", Ok(())),
            ("21+", "student", Ok(())),
            ("R", "adult", Err("age.unknown_rating")),
        ];
        for (rating, ticket, want) in cases {
            let got = ticket_allowed(rating, ticket).map_err(|e| e.code());
            assert_eq!(got, want, "{rating} {ticket}");
        }
        assert_eq!(
            ticket_allowed("18+", "child").unwrap_err().to_string(),
            "child tickets cannot be sold for films rated 18+"
        );
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,8}") {
            let _ = s.parse::<Rating>();
            let _ = requires_id_check(&s);
        }
    }
}
