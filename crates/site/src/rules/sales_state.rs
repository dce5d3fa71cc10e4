//! Whether the counter can sell a showtime, and whether a seat can be sold.

use crate::error::{Result, SiteError};
use crate::model::ShowtimeRow;
use domain::SeatState;
use jiff::Timestamp;
use std::collections::HashMap;

/// The sales state of a showtime, as the board shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesState {
    /// Open, with room.
    Selling,
    /// Open, and at least the site's "almost full" share taken.
    AlmostFull,
    /// Open, no seat free.
    SoldOut,
    /// Sales closed (the show started a while ago).
    Closed,
    /// Cancelled by the chain.
    Cancelled,
}

impl SalesState {
    /// The stable name the UI and the CLI show.
    pub fn as_str(self) -> &'static str {
        match self {
            SalesState::Selling => "selling",
            SalesState::AlmostFull => "almost_full",
            SalesState::SoldOut => "sold_out",
            SalesState::Closed => "closed",
            SalesState::Cancelled => "cancelled",
        }
    }

    /// Whether the counter may sell the showtime in this state.
    pub fn check_sellable(self, showtime_id: &str) -> Result<()> {
        match self {
            SalesState::Closed => Err(SiteError::SalesClosed(showtime_id.to_string())),
            SalesState::Cancelled => Err(SiteError::ShowtimeCancelled(showtime_id.to_string())),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Display for SalesState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the counter can still sell a showtime at `now`, and how full it is.
pub fn sales_state(
    show: &ShowtimeRow,
    settings: &protocol::SiteSettings,
    now: Timestamp,
) -> SalesState {
    let closes =
        show.starts_at + jiff::SignedDuration::from_mins(i64::from(settings.sales_close_after_min));
    let free = show.seats_total.saturating_sub(show.seats_taken);
    if show.cancelled {
        SalesState::Cancelled
    } else if now >= closes {
        SalesState::Closed
    } else if free == 0 {
        SalesState::SoldOut
    } else if u64::from(show.seats_taken) * 10_000
        >= u64::from(show.seats_total) * u64::from(settings.almost_full_bp)
    {
        SalesState::AlmostFull
    } else {
        SalesState::Selling
    }
}

/// Whether a seat in `state` can be sold by this terminal (free, or leased to it).
pub fn seat_sellable(state: SeatState) -> bool {
    matches!(state, SeatState::Free | SeatState::Leased)
}

/// Checks that every requested seat exists and can be sold; returns, per
/// requested seat, whether it is leased to this terminal.
pub fn check_seats(requested: &[String], states: &HashMap<String, SeatState>) -> Result<Vec<bool>> {
    let unknown: Vec<String> = requested
        .iter()
        .filter(|s| !states.contains_key(*s))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(SiteError::UnknownSeats(unknown));
    }
    let taken: Vec<String> = requested
        .iter()
        .filter(|s| !states.get(*s).copied().is_some_and(seat_sellable))
        .cloned()
        .collect();
    if !taken.is_empty() {
        return Err(SiteError::SeatUnavailable(taken));
    }
    Ok(requested
        .iter()
        .map(|s| states.get(s) == Some(&SeatState::Leased))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(starts_at: Timestamp, total: u32, taken: u32, cancelled: bool) -> ShowtimeRow {
        ShowtimeRow {
            id: "s1".into(),
            film_id: "f".into(),
            title_en: "Film".into(),
            title_ar: "فيلم".into(),
            rating: "G".into(),
            runtime_min: 100,
            screen_id: "sc".into(),
            screen_name: "Screen 1".into(),
            starts_at,
            format: "2D".into(),
            price_card_id: "pc".into(),
            seats_total: total,
            seats_taken: taken,
            cancelled,
        }
    }

    #[test]
    fn states_follow_time_fill_and_cancellation() {
        let settings = protocol::SiteSettings::default();
        let start: Timestamp = "2026-12-04T16:00:00Z".parse().unwrap();
        let before = start - jiff::SignedDuration::from_hours(1);
        let late = start + jiff::SignedDuration::from_hours(3);
        assert_eq!(
            sales_state(&show(start, 100, 0, false), &settings, before),
            SalesState::Selling
        );
        assert_eq!(
            sales_state(&show(start, 100, 100, false), &settings, before),
            SalesState::SoldOut
        );
        assert_eq!(
            sales_state(&show(start, 100, 99, false), &settings, before),
            SalesState::AlmostFull
        );
        assert_eq!(
            sales_state(&show(start, 100, 0, false), &settings, late),
            SalesState::Closed
        );
        assert_eq!(
            sales_state(&show(start, 100, 0, true), &settings, before),
            SalesState::Cancelled
        );
        assert!(SalesState::Closed.check_sellable("s1").is_err());
        assert!(SalesState::AlmostFull.check_sellable("s1").is_ok());
        assert_eq!(SalesState::AlmostFull.to_string(), "almost_full");
    }

    #[test]
    fn seats_must_exist_and_be_free_or_leased_here() {
        let states: HashMap<String, SeatState> = [
            ("A-1", SeatState::Free),
            ("A-2", SeatState::Leased),
            ("A-3", SeatState::Sold),
            ("A-4", SeatState::Held),
        ]
        .into_iter()
        .map(|(l, s)| (l.to_string(), s))
        .collect();
        let ask = |seats: &[&str]| {
            check_seats(
                &seats.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                &states,
            )
        };
        assert_eq!(ask(&["A-1", "A-2"]).unwrap(), vec![false, true]);
        assert_eq!(
            ask(&["A-1", "A-3", "A-4"]).unwrap_err().code(),
            "seat_unavailable"
        );
        assert_eq!(ask(&["Z-9"]).unwrap_err().code(), "unknown_seats");
    }
}
