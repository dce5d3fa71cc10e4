//! The business day: a day of trading runs from a cutoff (06:00 local by
//! default) to the next day's cutoff, so a 00:30 show belongs to the evening
//! before.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

/// Default cutoff hour of the business day.
pub const DEFAULT_CUTOFF_HOUR: i8 = 6;

/// The business day a local wall-clock time belongs to.
pub fn business_day_of_local(local: DateTime, cutoff_hour: i8) -> Date {
    let date = local.date();
    if local.hour() < cutoff_hour {
        date.yesterday().unwrap_or(date)
    } else {
        date
    }
}

/// The business day of an instant at a site in time zone `tz`.
pub fn business_day(at: Timestamp, tz: &TimeZone, cutoff_hour: i8) -> Date {
    business_day_of_local(tz.to_datetime(at), cutoff_hour)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn after_midnight_belongs_to_the_evening_before() {
        let cases = [
            (date(2026, 11, 26).at(0, 30, 0, 0), date(2026, 11, 25)),
            (date(2026, 11, 26).at(5, 59, 59, 0), date(2026, 11, 25)),
            (date(2026, 11, 26).at(6, 0, 0, 0), date(2026, 11, 26)),
            (date(2026, 11, 26).at(23, 45, 0, 0), date(2026, 11, 26)),
            (date(2026, 1, 1).at(1, 0, 0, 0), date(2025, 12, 31)),
        ];
        for (local, want) in cases {
            assert_eq!(
                business_day_of_local(local, DEFAULT_CUTOFF_HOUR),
                want,
                "{local}"
            );
        }
    }

    #[test]
    fn uses_the_site_zone() {
        // 20:30 UTC is 00:30 next day in Dubai (UTC+4): still the UTC date's business day.
        let at: Timestamp = "2026-11-26T20:30:00Z".parse().unwrap();
        let dubai = TimeZone::get("Asia/Dubai").unwrap();
        assert_eq!(business_day(at, &dubai, 6), date(2026, 11, 26));
        // 02:30 UTC is 06:30 in Dubai: that day's business day.
        let at: Timestamp = "2026-11-27T02:30:00Z".parse().unwrap();
        assert_eq!(business_day(at, &dubai, 6), date(2026, 11, 27));
    }
}
