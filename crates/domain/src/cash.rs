//! The cash drawer: the banknotes and coins of each currency, and the total
//! of a count made by denomination (a shift's blind close).

use crate::money::Currency;

/// One banknote or coin, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Denomination {
    /// Face value in minor units (fils, baisa, piastres...).
    pub minor: i64,
    /// A banknote (true) or a coin.
    pub note: bool,
}

const fn note(minor: i64) -> Denomination {
    Denomination { minor, note: true }
}

const fn coin(minor: i64) -> Denomination {
    Denomination { minor, note: false }
}

/// The denominations in circulation, largest first. Omani rial notes go down
/// to 100 baisa; Bahrain's smallest note is 500 fils.
pub fn denominations(currency: Currency) -> &'static [Denomination] {
    const AED: &[Denomination] = &[
        note(100_000),
        note(50_000),
        note(20_000),
        note(10_000),
        note(5_000),
        note(2_000),
        note(1_000),
        note(500),
        coin(100),
        coin(50),
        coin(25),
    ];
    const OMR: &[Denomination] = &[
        note(50_000),
        note(20_000),
        note(10_000),
        note(5_000),
        note(1_000),
        note(500),
        note(100),
        coin(50),
        coin(25),
        coin(10),
        coin(5),
    ];
    const BHD: &[Denomination] = &[
        note(20_000),
        note(10_000),
        note(5_000),
        note(1_000),
        note(500),
        coin(100),
        coin(50),
        coin(25),
        coin(10),
        coin(5),
    ];
    const QAR: &[Denomination] = &[
        note(50_000),
        note(20_000),
        note(10_000),
        note(5_000),
        note(1_000),
        note(500),
        note(100),
        coin(50),
        coin(25),
    ];
    const LBP: &[Denomination] = &[
        note(10_000_000),
        note(5_000_000),
        note(2_000_000),
        note(1_000_000),
        note(500_000),
        note(100_000),
        coin(50_000),
        coin(25_000),
    ];
    const EGP: &[Denomination] = &[
        note(20_000),
        note(10_000),
        note(5_000),
        note(2_000),
        note(1_000),
        note(500),
        coin(100),
        coin(50),
        coin(25),
    ];
    match currency {
        Currency::Aed => AED,
        Currency::Omr => OMR,
        Currency::Bhd => BHD,
        Currency::Qar => QAR,
        Currency::Lbp => LBP,
        Currency::Egp => EGP,
    }
}

/// Most pieces of one denomination in a count (a full drawer holds a few hundred).
pub const MAX_PIECES: u32 = 100_000;

/// Why a count by denomination is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountError {
    /// A value that is no banknote or coin of the currency.
    #[error("{0} is not a banknote or coin of this currency")]
    Unknown(i64),
    /// The same denomination twice.
    #[error("{0} is counted twice")]
    Twice(i64),
    /// More pieces than a drawer holds.
    #[error("more than {MAX_PIECES} pieces of one denomination")]
    TooMany,
}

/// The total in minor units of `counts` (`(denomination, pieces)`).
pub fn count_total(currency: Currency, counts: &[(i64, u32)]) -> Result<i64, CountError> {
    let known = denominations(currency);
    let mut seen = Vec::with_capacity(counts.len());
    let mut total: i64 = 0;
    for &(minor, pieces) in counts {
        if !known.iter().any(|d| d.minor == minor) {
            return Err(CountError::Unknown(minor));
        }
        if seen.contains(&minor) {
            return Err(CountError::Twice(minor));
        }
        seen.push(minor);
        if pieces > MAX_PIECES {
            return Err(CountError::TooMany);
        }
        // At most 11 denominations of 10^7 times 10^5 pieces: far below i64.
        total += minor * i64::from(pieces);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_currency_lists_its_notes_before_its_coins_largest_first() {
        for c in Currency::ALL {
            let d = denominations(c);
            assert!(d.windows(2).all(|w| w[0].minor > w[1].minor), "{c:?}");
            let first_coin = d.iter().position(|x| !x.note).unwrap_or(d.len());
            assert!(d[first_coin..].iter().all(|x| !x.note), "{c:?}");
            assert!(
                d.iter()
                    .all(|x| x.minor > 0 && x.minor <= c.largest_note_minor())
            );
        }
        // Baisa and fils: the three-decimal currencies count to the 5.
        assert_eq!(
            denominations(Currency::Omr).last().map(|d| d.minor),
            Some(5)
        );
        assert_eq!(denominations(Currency::Bhd)[4], note(500));
    }

    #[test]
    fn a_count_adds_up_in_minor_units_and_refuses_what_is_not_money() {
        // BHD: 2 x 20 dinars, 3 x 500 fils, 7 x 5 fils = 41.535
        assert_eq!(
            count_total(Currency::Bhd, &[(20_000, 2), (500, 3), (5, 7)]),
            Ok(41_535)
        );
        assert_eq!(count_total(Currency::Aed, &[]), Ok(0));
        assert_eq!(
            count_total(Currency::Aed, &[(300, 1)]),
            Err(CountError::Unknown(300))
        );
        assert_eq!(
            count_total(Currency::Aed, &[(500, 1), (500, 2)]),
            Err(CountError::Twice(500))
        );
        assert_eq!(
            count_total(Currency::Egp, &[(100, MAX_PIECES + 1)]),
            Err(CountError::TooMany)
        );
        let all_max: Vec<(i64, u32)> = denominations(Currency::Lbp)
            .iter()
            .map(|d| (d.minor, MAX_PIECES))
            .collect();
        assert!(count_total(Currency::Lbp, &all_max).is_ok_and(|t| t > 0));
    }
}
