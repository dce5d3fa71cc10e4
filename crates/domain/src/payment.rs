//! Settling an order's total with cash, an external card terminal, or both.
//!
//! Card payments are taken on the chain's external card terminal; the till
//! records only that terminal's approval reference. A reference that looks
//! like a card number (13 to 19 digits passing the Luhn check) is refused, so a
//! card number can never end up in our database by mistake.

/// Longest approval reference accepted.
pub const MAX_REFERENCE_LEN: usize = 40;

/// A card payment taken on the external terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardPayment {
    /// Amount charged to the card, in minor units.
    pub amount_minor: i64,
    /// The card terminal's approval reference.
    pub reference: String,
}

/// What the customer hands over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tender {
    /// Cash handed over, in minor units (0 when paying fully by card).
    pub cash_minor: i64,
    /// The card part, if any.
    pub card: Option<CardPayment>,
}

/// How the total was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// Cash kept for the order (the cash part of the total).
    pub cash_applied: i64,
    /// Charged to the card.
    pub card_applied: i64,
    /// Cash given back.
    pub change: i64,
}

/// Why a tender cannot settle a total.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// A negative amount.
    #[error("amounts cannot be negative")]
    Negative,
    /// The card part is zero or more than the total.
    #[error("the card amount must be more than zero and at most the total")]
    CardAmount,
    /// No approval reference.
    #[error("enter the card terminal's approval reference")]
    MissingReference,
    /// A reference that is too long or has odd characters.
    #[error("the approval reference must be 1 to {MAX_REFERENCE_LEN} letters, digits or dashes")]
    BadReference,
    /// A reference that looks like a card number.
    #[error("that looks like a card number: enter the card terminal's approval reference instead")]
    CardNumberRefused,
    /// Not enough cash for the cash part.
    #[error("cash {tendered} is less than the {due} due in cash")]
    ShortTender {
        /// Cash due, minor units.
        due: i64,
        /// Cash handed over, minor units.
        tendered: i64,
    },
}

impl PaymentError {
    /// A stable code the UI can show.
    pub fn code(&self) -> &'static str {
        match self {
            PaymentError::Negative => "payment.negative",
            PaymentError::CardAmount => "payment.card_amount",
            PaymentError::MissingReference => "payment.missing_reference",
            PaymentError::BadReference => "payment.bad_reference",
            PaymentError::CardNumberRefused => "payment.card_number_refused",
            PaymentError::ShortTender { .. } => "money.short_tender",
        }
    }
}

/// Whether `digits` is 13 to 19 digits passing the Luhn check (a card number).
pub fn looks_like_card_number(text: &str) -> bool {
    let digits: Vec<u32> = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Settles `total_minor` with `tender`: the card part first, then cash with change.
pub fn settle(total_minor: i64, tender: &Tender) -> Result<Settlement, PaymentError> {
    if total_minor < 0 || tender.cash_minor < 0 {
        return Err(PaymentError::Negative);
    }
    let card_applied = match &tender.card {
        None => 0,
        Some(card) => {
            if card.amount_minor <= 0 || card.amount_minor > total_minor {
                return Err(PaymentError::CardAmount);
            }
            let r = card.reference.trim();
            if r.is_empty() {
                return Err(PaymentError::MissingReference);
            }
            if looks_like_card_number(r) {
                return Err(PaymentError::CardNumberRefused);
            }
            if r.len() > MAX_REFERENCE_LEN
                || !r
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
            {
                return Err(PaymentError::BadReference);
            }
            card.amount_minor
        }
    };
    let due = total_minor - card_applied;
    if tender.cash_minor < due {
        return Err(PaymentError::ShortTender {
            due,
            tendered: tender.cash_minor,
        });
    }
    Ok(Settlement {
        cash_applied: due,
        card_applied,
        change: tender.cash_minor - due,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn card(amount: i64, reference: &str) -> Option<CardPayment> {
        Some(CardPayment {
            amount_minor: amount,
            reference: reference.into(),
        })
    }

    #[test]
    fn settle_table() {
        let ok = [
            (
                10_000,
                Tender {
                    cash_minor: 20_000,
                    card: None,
                },
                (10_000, 0, 10_000),
            ),
            (
                10_000,
                Tender {
                    cash_minor: 0,
                    card: card(10_000, "AUTH-123456"),
                },
                (0, 10_000, 0),
            ),
            (
                10_000,
                Tender {
                    cash_minor: 5_000,
                    card: card(6_000, "A1B2C3"),
                },
                (4_000, 6_000, 1_000),
            ),
            (
                4_500,
                Tender {
                    cash_minor: 4_500,
                    card: None,
                },
                (4_500, 0, 0),
            ),
        ];
        for (total, tender, (cash, cardp, change)) in ok {
            let s = settle(total, &tender).unwrap();
            assert_eq!(
                (s.cash_applied, s.card_applied, s.change),
                (cash, cardp, change),
                "{tender:?}"
            );
        }
        let bad = [
            (
                10_000,
                Tender {
                    cash_minor: 1_000,
                    card: None,
                },
                "money.short_tender",
            ),
            (
                10_000,
                Tender {
                    cash_minor: 0,
                    card: card(12_000, "A1"),
                },
                "payment.card_amount",
            ),
            (
                10_000,
                Tender {
                    cash_minor: 0,
                    card: card(0, "A1"),
                },
                "payment.card_amount",
            ),
            (
                10_000,
                Tender {
                    cash_minor: 0,
                    card: card(10_000, "  "),
                },
                "payment.missing_reference",
            ),
            (
                10_000,
                Tender {
                    cash_minor: 0,
                    card: card(10_000, "4111 1111 1111 1111"),
                },
                "payment.card_number_refused",
            ),
            (
                10_000,
                Tender {
                    cash_minor: 0,
                    card: card(10_000, "5500-0000-0000-0004"),
                },
                "payment.card_number_refused",
            ),
            (
                10_000,
                Tender {
                    cash_minor: 0,
                    card: card(10_000, "AUTH;DROP"),
                },
                "payment.bad_reference",
            ),
            (
                10_000,
                Tender {
                    cash_minor: -1,
                    card: None,
                },
                "payment.negative",
            ),
            (
                10_000,
                Tender {
                    cash_minor: 3_000,
                    card: card(6_000, "OK1"),
                },
                "money.short_tender",
            ),
        ];
        for (total, tender, code) in bad {
            assert_eq!(
                settle(total, &tender).unwrap_err().code(),
                code,
                "{tender:?}"
            );
        }
    }

    #[test]
    fn card_numbers_are_recognised() {
        assert!(looks_like_card_number("4111111111111111"));
        assert!(!looks_like_card_number("4111111111111112"), "fails Luhn");
        assert!(!looks_like_card_number("123456"), "an approval code");
        assert!(!looks_like_card_number("AUTH4111111111111111"));
    }

    proptest! {
        #[test]
        fn settlement_adds_up(total in 0i64..10_000_000, card_share in 0i64..=100, extra in 0i64..1_000_000) {
            let card_amount = total * card_share / 100;
            let card = (card_amount > 0).then(|| CardPayment { amount_minor: card_amount, reference: "R1".into() });
            let cash = total - card_amount + extra;
            let s = settle(total, &Tender { cash_minor: cash, card }).unwrap();
            prop_assert_eq!(s.cash_applied + s.card_applied, total);
            prop_assert_eq!(s.change, extra);
        }
    }
}
