//! Countries, their VAT rates and the VAT-inclusive rounding rule.
//!
//! Prices are VAT-inclusive. The VAT contained in a gross amount is
//! `gross × rate / (1 + rate)`, rounded half away from zero to the minor unit,
//! computed once on the order total for each rate (invoice-level rounding), so
//! the VAT shown on a receipt never drifts from the sum of rounded lines.

use crate::money::Currency;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A country where the chain has sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Country {
    /// United Arab Emirates.
    Ae,
    /// Oman.
    Om,
    /// Bahrain.
    Bh,
    /// Qatar.
    Qa,
    /// Lebanon.
    Lb,
    /// Egypt.
    Eg,
}

/// An unknown country code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown country '{0}'")]
pub struct UnknownCountry(pub String);

impl Country {
    /// All countries.
    pub const ALL: [Country; 6] = [
        Country::Ae,
        Country::Om,
        Country::Bh,
        Country::Qa,
        Country::Lb,
        Country::Eg,
    ];

    /// ISO 3166 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Country::Ae => "AE",
            Country::Om => "OM",
            Country::Bh => "BH",
            Country::Qa => "QA",
            Country::Lb => "LB",
            Country::Eg => "EG",
        }
    }

    /// Standard VAT rate in basis points (500 = 5 %).
    pub fn vat_rate_bp(self) -> u32 {
        match self {
            Country::Ae | Country::Om => 500,
            Country::Bh => 1000,
            Country::Qa => 0,
            Country::Lb => 1100,
            Country::Eg => 1400,
        }
    }

    /// The local currency.
    pub fn currency(self) -> Currency {
        match self {
            Country::Ae => Currency::Aed,
            Country::Om => Currency::Omr,
            Country::Bh => Currency::Bhd,
            Country::Qa => Currency::Qar,
            Country::Lb => Currency::Lbp,
            Country::Eg => Currency::Egp,
        }
    }
}

impl FromStr for Country {
    type Err = UnknownCountry;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Country::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownCountry(s.to_string()))
    }
}

/// VAT contained in a VAT-inclusive `gross` amount at `rate_bp` basis points,
/// rounded half away from zero.
pub fn vat_included(gross: i64, rate_bp: u32) -> i64 {
    if rate_bp == 0 {
        return 0;
    }
    let num = i128::from(gross) * i128::from(rate_bp);
    let den = 10_000_i128 + i128::from(rate_bp);
    let q = num / den;
    let r = num % den;
    let rounded = if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    };
    // |rounded| <= |gross|, so it always fits back into i64.
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vat_table() {
        let cases = [
            // (gross, bp, vat)
            (5000, 500, 238),   // AED 50.00 at 5 % -> 2.38 (2.380952)
            (4500, 500, 214),   // 2.142857
            (4_500, 500, 214),  // OMR 4.500 -> 0.214
            (10_500, 500, 500), // exact
            (1100, 1000, 100),  // BHD-like 10 %
            (11_400, 1400, 1400),
            (5000, 0, 0),
            (21, 500, 1), // 1.0 exactly
            (1, 500, 0),  // 0.0476
            (-5000, 500, -238),
        ];
        for (gross, bp, want) in cases {
            assert_eq!(vat_included(gross, bp), want, "{gross} at {bp}bp");
        }
    }

    #[test]
    fn countries_have_their_currency_and_rate() {
        assert_eq!(Country::Om.currency(), Currency::Omr);
        assert_eq!(Country::Ae.vat_rate_bp(), 500);
        assert_eq!(Country::Eg.vat_rate_bp(), 1400);
        assert_eq!("om".parse::<Country>(), Ok(Country::Om));
    }

    proptest! {
        #[test]
        fn vat_is_bounded(gross in 0i64..i64::MAX / 2, bp in 0u32..3000) {
            let vat = vat_included(gross, bp);
            prop_assert!(vat >= 0 && vat <= gross);
        }
    }
}
