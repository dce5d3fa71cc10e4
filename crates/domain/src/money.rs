//! Money as integer minor units with the currency's exponent.
//!
//! AED, QAR, EGP and LBP have two decimals; OMR and BHD have three. Amounts are
//! `i64` minor units everywhere; floats never touch money.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A currency used by the chain's sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// UAE dirham.
    Aed,
    /// Omani rial (3 decimals).
    Omr,
    /// Bahraini dinar (3 decimals).
    Bhd,
    /// Qatari riyal.
    Qar,
    /// Lebanese pound.
    Lbp,
    /// Egyptian pound.
    Egp,
}

/// Errors from parsing or computing money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text is not an amount.
    #[error("'{0}' is not an amount (use digits and an optional decimal point, e.g. 20 or 12.500)")]
    Malformed(String),
    /// More decimals than the currency has.
    #[error("'{text}' has more than {exponent} decimals for {currency}")]
    TooManyDecimals {
        /// What was typed.
        text: String,
        /// The currency's number of decimals.
        exponent: u8,
        /// The currency code.
        currency: Currency,
    },
    /// The amount does not fit.
    #[error("'{0}' is too large")]
    Overflow(String),
    /// An unknown currency code.
    #[error("unknown currency '{0}'")]
    UnknownCurrency(String),
    /// The cash tendered is so far above the total that the change would be
    /// more than the currency's largest note: a typing slip, not a payment.
    #[error(
        "{tendered} tendered on {total} would give {change} change, more than the largest note ({largest_note}): check the amount received"
    )]
    TenderTooLarge {
        /// Tendered, formatted.
        tendered: String,
        /// Total due in cash, formatted.
        total: String,
        /// The change it would give, formatted.
        change: String,
        /// The currency's largest note, formatted.
        largest_note: String,
    },
    /// The cash tendered does not cover the total.
    #[error("tendered {tendered} is less than the total {total}")]
    ShortTender {
        /// Total due, formatted.
        total: String,
        /// Tendered, formatted.
        tendered: String,
    },
}

impl MoneyError {
    /// A stable code the UI can show and tests can match.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::Malformed(_) => "money.malformed",
            MoneyError::TooManyDecimals { .. } => "money.too_many_decimals",
            MoneyError::Overflow(_) => "money.overflow",
            MoneyError::UnknownCurrency(_) => "money.unknown_currency",
            MoneyError::ShortTender { .. } => "money.short_tender",
            MoneyError::TenderTooLarge { .. } => "money.tender_too_large",
        }
    }
}

impl Currency {
    /// All currencies, for tables and tests.
    pub const ALL: [Currency; 6] = [
        Currency::Aed,
        Currency::Omr,
        Currency::Bhd,
        Currency::Qar,
        Currency::Lbp,
        Currency::Egp,
    ];

    /// ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Aed => "AED",
            Currency::Omr => "OMR",
            Currency::Bhd => "BHD",
            Currency::Qar => "QAR",
            Currency::Lbp => "LBP",
            Currency::Egp => "EGP",
        }
    }

    /// Number of decimals (minor units per major unit = 10^exponent).
    pub fn exponent(self) -> u8 {
        match self {
            Currency::Omr | Currency::Bhd => 3,
            _ => 2,
        }
    }

    /// The largest banknote in circulation, in minor units. Change is never
    /// more than this: a customer handing over a whole note more than needed
    /// is a typing slip at the till (see `MoneyError::TenderTooLarge`).
    pub fn largest_note_minor(self) -> i64 {
        let major = match self {
            Currency::Aed => 1_000,
            Currency::Omr => 50,
            Currency::Bhd => 20,
            Currency::Qar => 500,
            Currency::Lbp => 100_000,
            Currency::Egp => 200,
        };
        major * self.scale()
    }

    /// Checks that the change `tendered - due` is less than the largest
    /// note (a tender of exactly the largest note more is refused too).
    pub fn check_change(self, due: i64, tendered: i64) -> Result<(), MoneyError> {
        let change = tendered.saturating_sub(due);
        if change >= self.largest_note_minor() {
            return Err(MoneyError::TenderTooLarge {
                tendered: self.format(tendered),
                total: self.format(due),
                change: self.format(change),
                largest_note: self.format(self.largest_note_minor()),
            });
        }
        Ok(())
    }

    /// Minor units in one major unit.
    pub fn scale(self) -> i64 {
        10_i64.pow(u32::from(self.exponent()))
    }

    /// Formats minor units as the bare amount, e.g. `12.500` for OMR.
    pub fn format_amount(self, minor: i64) -> String {
        let scale = self.scale();
        let sign = if minor < 0 { "-" } else { "" };
        let abs = minor.unsigned_abs();
        let major = abs / scale as u64;
        let frac = abs % scale as u64;
        format!(
            "{sign}{major}.{frac:0width$}",
            width = usize::from(self.exponent())
        )
    }

    /// Formats minor units with the code, e.g. `AED 45.00`.
    pub fn format(self, minor: i64) -> String {
        format!("{} {}", self.code(), self.format_amount(minor))
    }

    /// Parses an amount typed by a cashier in major units (`20`, `12.5`,
    /// `12.500`) into minor units. Signs, exponents and separators are refused.
    pub fn parse_major(self, text: &str) -> Result<i64, MoneyError> {
        let t = text.trim();
        let malformed = || MoneyError::Malformed(text.to_string());
        let (int_part, frac_part) = match t.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (t, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(int_part) {
            return Err(malformed());
        }
        let frac = match frac_part {
            None => "",
            Some("") => "",
            Some(f) if digits(f) => f,
            Some(_) => return Err(malformed()),
        };
        let exponent = usize::from(self.exponent());
        if frac.len() > exponent {
            return Err(MoneyError::TooManyDecimals {
                text: text.to_string(),
                exponent: self.exponent(),
                currency: self,
            });
        }
        let overflow = || MoneyError::Overflow(text.to_string());
        let major: i64 = int_part.parse().map_err(|_| overflow())?;
        let frac_minor: i64 = if frac.is_empty() {
            0
        } else {
            let padded = format!("{frac:0<exponent$}");
            padded.parse().map_err(|_| malformed())?
        };
        major
            .checked_mul(self.scale())
            .and_then(|m| m.checked_add(frac_minor))
            .ok_or_else(overflow)
    }

    /// Change due when `tendered` is handed over for `total`.
    pub fn change_due(self, total: i64, tendered: i64) -> Result<i64, MoneyError> {
        if tendered < total {
            return Err(MoneyError::ShortTender {
                total: self.format(total),
                tendered: self.format(tendered),
            });
        }
        Ok(tendered - total)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| MoneyError::UnknownCurrency(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn format_table() {
        let cases = [
            (Currency::Aed, 4500, "AED 45.00"),
            (Currency::Aed, 5, "AED 0.05"),
            (Currency::Aed, 0, "AED 0.00"),
            (Currency::Aed, -250, "AED -2.50"),
            (Currency::Omr, 4500, "OMR 4.500"),
            (Currency::Omr, 12_500, "OMR 12.500"),
            (Currency::Omr, 7, "OMR 0.007"),
            (Currency::Bhd, 1_000, "BHD 1.000"),
        ];
        for (c, minor, want) in cases {
            assert_eq!(c.format(minor), want, "{c} {minor}");
        }
    }

    #[test]
    fn parse_table() {
        let ok = [
            (Currency::Aed, "20", 2000),
            (Currency::Aed, "20.5", 2050),
            (Currency::Aed, "20.50", 2050),
            (Currency::Aed, " 7 ", 700),
            (Currency::Aed, "0.01", 1),
            (Currency::Aed, "20.", 2000),
            (Currency::Omr, "12.500", 12_500),
            (Currency::Omr, "12.5", 12_500),
            (Currency::Omr, "5", 5_000),
            (Currency::Omr, "0.001", 1),
        ];
        for (c, text, want) in ok {
            assert_eq!(c.parse_major(text), Ok(want), "{c} {text:?}");
        }
        let bad = [
            (Currency::Aed, "", "money.malformed"),
            (Currency::Aed, "abc", "money.malformed"),
            (Currency::Aed, "-5", "money.malformed"),
            (Currency::Aed, "1e3", "money.malformed"),
            (Currency::Aed, "1,000", "money.malformed"),
            (Currency::Aed, ".5", "money.malformed"),
            (Currency::Aed, "1.2.3", "money.malformed"),
            (Currency::Aed, "12.505", "money.too_many_decimals"),
            (Currency::Omr, "12.5000", "money.too_many_decimals"),
            (Currency::Aed, "99999999999999999999", "money.overflow"),
        ];
        for (c, text, code) in bad {
            let err = c.parse_major(text).expect_err(text);
            assert_eq!(err.code(), code, "{c} {text:?}: {err}");
        }
    }

    #[test]
    fn change_table() {
        let cases = [
            (Currency::Aed, 4500, 5000, Ok(500)),
            (Currency::Aed, 4500, 4500, Ok(0)),
            (Currency::Omr, 4_500, 10_000, Ok(5_500)),
            (Currency::Omr, 9_000, 20_000, Ok(11_000)),
        ];
        for (c, total, tendered, want) in cases {
            assert_eq!(c.change_due(total, tendered), want);
        }
        let short = Currency::Omr.change_due(4_500, 4_000).unwrap_err();
        assert_eq!(short.code(), "money.short_tender");
        assert_eq!(
            short.to_string(),
            "tendered OMR 4.000 is less than the total OMR 4.500"
        );
    }

    #[test]
    fn change_is_less_than_the_largest_note() {
        // AED 130 paid with AED 1,000 + 100 + 20 is fine; a slip of
        // 99,999,999,999 is refused, as is a whole AED 1,000 note too many.
        assert!(Currency::Aed.check_change(13_000, 112_000).is_ok());
        assert!(Currency::Aed.check_change(13_000, 112_999).is_ok());
        let err = Currency::Aed
            .check_change(13_000, 9_999_999_999_900)
            .unwrap_err();
        assert_eq!(err.code(), "money.tender_too_large");
        assert!(err.to_string().contains("AED 1000.00"), "{err}");
        assert!(Currency::Aed.check_change(13_000, 113_000).is_err());
        // Per currency: OMR 50 is its largest note.
        assert!(Currency::Omr.check_change(3_500, 53_499).is_ok());
        assert!(Currency::Omr.check_change(3_500, 53_500).is_err());
        for c in Currency::ALL {
            assert!(c.check_change(0, c.largest_note_minor() - 1).is_ok());
            assert!(c.check_change(0, c.largest_note_minor()).is_err());
            assert!(c.check_change(0, i64::MAX).is_err());
        }
    }

    #[test]
    fn currency_codes_round_trip() {
        for c in Currency::ALL {
            assert_eq!(c.code().parse::<Currency>(), Ok(c));
        }
        assert!("XYZ".parse::<Currency>().is_err());
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(minor in 0i64..1_000_000_000_000, idx in 0usize..6) {
            let c = Currency::ALL[idx];
            prop_assert_eq!(c.parse_major(&c.format_amount(minor)), Ok(minor));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = Currency::Omr.parse_major(&s);
        }
    }
}
