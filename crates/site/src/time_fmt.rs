//! Showing instants in the site's time zone.

use crate::error::{Result, SiteError};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Resolves an IANA zone name from the bundled time zone database.
pub fn zone(name: &str) -> Result<TimeZone> {
    TimeZone::get(name).map_err(|e| SiteError::Corrupt(format!("time zone '{name}': {e}")))
}

/// RFC 3339 with the zone's offset, e.g. `2026-11-26T19:30:00+04:00`.
pub fn rfc3339_local(ts: Timestamp, tz: &TimeZone) -> String {
    ts.display_with_offset(tz.to_offset(ts)).to_string()
}

/// An RFC 3339 time as slips and shift reports print it (`dd/mm/yyyy HH:MM`,
/// local), or the text itself if it is not one.
pub fn printed_local(text: &str, tz: &TimeZone) -> String {
    text.parse::<Timestamp>()
        .map(|ts| tz.to_datetime(ts).strftime("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_else(|_| text.to_string())
}

/// Local `HH:MM`.
pub fn local_hhmm(ts: Timestamp, tz: &TimeZone) -> String {
    tz.to_datetime(ts).strftime("%H:%M").to_string()
}

/// Local date as printed on tickets, e.g. `Fri 27 Nov 2026`.
pub fn local_date(ts: Timestamp, tz: &TimeZone) -> String {
    tz.to_datetime(ts).strftime("%a %-d %b %Y").to_string()
}

/// Parses `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Result<Date> {
    text.parse::<Date>()
        .map_err(|_| SiteError::Invalid(format!("'{text}' is not a date (use YYYY-MM-DD)")))
}

/// The instants bounding business day `day` (from its cutoff to the next day's).
pub fn business_day_bounds(
    day: Date,
    cutoff_hour: i8,
    tz: &TimeZone,
) -> Result<(Timestamp, Timestamp)> {
    let start = day.to_datetime(jiff::civil::Time::constant(cutoff_hour, 0, 0, 0));
    let end = day
        .tomorrow()
        .map_err(|e| SiteError::Invalid(e.to_string()))?
        .to_datetime(jiff::civil::Time::constant(cutoff_hour, 0, 0, 0));
    let conv = |dt| {
        tz.to_timestamp(dt)
            .map_err(|e: jiff::Error| SiteError::Invalid(e.to_string()))
    };
    Ok((conv(start)?, conv(end)?))
}
