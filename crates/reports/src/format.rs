//! Amounts and times as people read them.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Minor units as major units with the currency's decimals: `12.345`,
/// `-0.50`. Exact (integer arithmetic), never rounded.
pub fn major(minor: i64, decimals: u8) -> String {
    let scale = 10_u64.pow(u32::from(decimals));
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if decimals == 0 {
        return format!("{sign}{abs}");
    }
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = usize::from(decimals)
    )
}

/// An RFC 3339 instant as `YYYY-MM-DD HH:MM` in the zone `tz` (IANA); the
/// text as given if it is not an instant.
pub fn local_time(at: &str, tz: &str) -> String {
    let zone = TimeZone::get(tz).unwrap_or(TimeZone::UTC);
    at.parse::<Timestamp>()
        .map(|t| zone.to_datetime(t).strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_keep_every_decimal() {
        assert_eq!(major(12_345, 3), "12.345");
        assert_eq!(major(-50, 2), "-0.50");
        assert_eq!(major(5, 3), "0.005");
        assert_eq!(major(i64::MIN, 2), "-92233720368547758.08");
        assert_eq!(major(7, 0), "7");
    }

    #[test]
    fn times_are_shown_in_the_site_zone() {
        // Beirut is UTC+2 in winter, UTC+3 in summer.
        assert_eq!(
            local_time("2026-01-10T20:30:00Z", "Asia/Beirut"),
            "2026-01-10 22:30"
        );
        assert_eq!(
            local_time("2026-07-10T20:30:00Z", "Asia/Beirut"),
            "2026-07-10 23:30"
        );
        assert_eq!(local_time("not a time", "Asia/Beirut"), "not a time");
    }
}
