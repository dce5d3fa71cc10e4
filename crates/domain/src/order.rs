//! Orders: lines, totals and the checks every sale passes before it is paid.

use crate::vat::vat_included;
use std::collections::HashSet;

/// Most tickets one order may hold.
pub const MAX_TICKETS_PER_ORDER: usize = 50;

/// One ticket in an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    /// Showtime of the ticket.
    pub showtime_id: String,
    /// Seat label, e.g. `F-12`.
    pub seat_label: String,
    /// Ticket type code, e.g. `adult`.
    pub ticket_type: String,
    /// VAT-inclusive price in minor units.
    pub price_minor: i64,
}

/// Totals of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderTotals {
    /// VAT-inclusive total in minor units.
    pub total_minor: i64,
    /// VAT contained in the total.
    pub vat_minor: i64,
}

/// Why an order cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// No tickets.
    #[error("the order has no tickets")]
    Empty,
    /// Too many tickets.
    #[error("an order holds at most {MAX_TICKETS_PER_ORDER} tickets")]
    TooManyTickets,
    /// The same seat twice.
    #[error("seat {0} is in the order twice")]
    DuplicateSeat(String),
    /// A negative price.
    #[error("seat {0} has a negative price")]
    NegativePrice(String),
    /// The total overflowed.
    #[error("the order total is too large")]
    Overflow,
}

impl OrderError {
    /// A stable code the UI can show.
    pub fn code(&self) -> &'static str {
        match self {
            OrderError::Empty => "order.empty",
            OrderError::TooManyTickets => "order.too_many_tickets",
            OrderError::DuplicateSeat(_) => "order.duplicate_seat",
            OrderError::NegativePrice(_) => "order.negative_price",
            OrderError::Overflow => "order.overflow",
        }
    }
}

/// Checks the lines and computes the totals at one VAT rate.
pub fn totals(lines: &[OrderLine], vat_rate_bp: u32) -> Result<OrderTotals, OrderError> {
    if lines.is_empty() {
        return Err(OrderError::Empty);
    }
    if lines.len() > MAX_TICKETS_PER_ORDER {
        return Err(OrderError::TooManyTickets);
    }
    let mut seen = HashSet::new();
    let mut total: i64 = 0;
    for line in lines {
        if !seen.insert((line.showtime_id.as_str(), line.seat_label.as_str())) {
            return Err(OrderError::DuplicateSeat(line.seat_label.clone()));
        }
        if line.price_minor < 0 {
            return Err(OrderError::NegativePrice(line.seat_label.clone()));
        }
        total = total
            .checked_add(line.price_minor)
            .ok_or(OrderError::Overflow)?;
    }
    Ok(OrderTotals {
        total_minor: total,
        vat_minor: vat_included(total, vat_rate_bp),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(seat: &str, price: i64) -> OrderLine {
        OrderLine {
            showtime_id: "s1".into(),
            seat_label: seat.into(),
            ticket_type: "adult".into(),
            price_minor: price,
        }
    }

    #[test]
    fn totals_table() {
        let t = totals(&[line("F-12", 5000), line("F-13", 5000)], 500).unwrap();
        assert_eq!(
            t,
            OrderTotals {
                total_minor: 10_000,
                vat_minor: 476
            }
        );
        let t = totals(&[line("A-1", 4_500)], 500).unwrap();
        assert_eq!(t.vat_minor, 214);
    }

    #[test]
    fn bad_orders() {
        assert_eq!(totals(&[], 500), Err(OrderError::Empty));
        assert_eq!(
            totals(&[line("A-1", 1), line("A-1", 1)], 500),
            Err(OrderError::DuplicateSeat("A-1".into()))
        );
        assert_eq!(
            totals(&[line("A-1", -1)], 500).unwrap_err().code(),
            "order.negative_price"
        );
        assert_eq!(
            totals(&[line("A-1", i64::MAX), line("A-2", 1)], 500),
            Err(OrderError::Overflow)
        );
        let many: Vec<_> = (0..51).map(|i| line(&format!("A-{i}"), 1)).collect();
        assert_eq!(totals(&many, 500), Err(OrderError::TooManyTickets));
    }
}
