//! What the counter shows before a sale: the showtimes board, seat maps
//! (cached, refreshed, or long-polled) and printout previews.

use crate::api::*;
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::rules::sales_state::sales_state;
use crate::{store, time_fmt};
use domain::business_day::business_day;
use std::path::Path;

impl Site {
    /// Showtimes of a business day (today's by default), for the board.
    pub fn showtimes(&self, args: &ShowtimesArgs) -> Result<Vec<ShowtimeSummary>> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let day = match &args.day {
            Some(d) => time_fmt::parse_day(d)?,
            None => business_day(self.clock.now(), &tz, site.cutoff_hour),
        };
        let (from, to) = time_fmt::business_day_bounds(day, site.cutoff_hour, &tz)?;
        let now = self.clock.now();
        let (rows, leased, settings) = {
            let db = self.db();
            (
                store::showtimes_between(&db, from, to)?,
                store::lease_summary(&db, now)?,
                store::site_settings(&db)?,
            )
        };
        let leased: std::collections::HashMap<String, u32> =
            leased.into_iter().map(|(id, n, _)| (id, n)).collect();
        Ok(rows
            .into_iter()
            .map(|r| ShowtimeSummary {
                seats_leased: leased.get(&r.id).copied().unwrap_or(0),
                sales_state: sales_state(&r, &settings, now).to_string(),
                starts_at: time_fmt::rfc3339_local(r.starts_at, &tz),
                local_time: time_fmt::local_hhmm(r.starts_at, &tz),
                business_day: day.to_string(),
                seats_free: r.seats_total.saturating_sub(r.seats_taken),
                seats_total: r.seats_total,
                id: r.id,
                film_id: r.film_id,
                film_title_en: r.title_en,
                film_title_ar: r.title_ar,
                id_check: domain::age::requires_id_check(&r.rating),
                rating: r.rating,
                screen: r.screen_name,
                format: r.format,
                runtime_min: r.runtime_min,
            })
            .collect())
    }

    /// The seat map of a showtime as this terminal knows it (no network).
    pub fn seat_map_cached(&self, showtime_id: &str) -> Result<SeatMap> {
        let site = self.site_row()?;
        let tz = time_fmt::zone(&site.time_zone)?;
        let db = self.db();
        let show = store::showtime(&db, showtime_id)?;
        let seats = store::seats(&db, &show, self.clock.now())?;
        let mut areas: Vec<domain::SeatArea> = Vec::new();
        for s in &seats {
            if !areas.contains(&s.area) {
                areas.push(s.area);
            }
        }
        areas.sort_by_key(|a| domain::SeatArea::ALL.iter().position(|x| x == a));
        // Only the ticket types the film allows (no child tickets for 18+ and 21+):
        // the counter never offers what the sale would refuse.
        let ticket_types = crate::price::ShowPricing::load(&db, &show, &site, &tz)?
            .ticket_type_prices(&areas)
            .into_iter()
            .filter(|t| domain::age::ticket_allowed(&show.rating, &t.code).is_ok())
            .collect();
        Ok(SeatMap {
            version: self.seat_version(),
            width: seats.iter().map(|s| s.x + 1).max().unwrap_or(0),
            height: seats.iter().map(|s| s.y + 1).max().unwrap_or(0),
            seats: seats
                .into_iter()
                .map(|s| SeatView {
                    label: s.label,
                    row: s.row,
                    number: s.number,
                    x: s.x,
                    y: s.y,
                    area: s.area,
                    kind: s.kind,
                    state: s.state,
                })
                .collect(),
            ticket_types,
            currency: site.currency.into(),
            local_time: time_fmt::local_hhmm(show.starts_at, &tz),
            showtime_id: show.id,
            screen: show.screen_name,
            film_title_en: show.title_en,
            film_title_ar: show.title_ar,
            id_check: domain::age::requires_id_check(&show.rating),
            rating: show.rating,
        })
    }

    /// The seat map, refreshed from central first when it answers.
    pub async fn seat_map(&self, args: &SeatMapArgs) -> Result<SeatMap> {
        // Fail fast on an unknown showtime before any network call.
        store::showtime(&self.db(), &args.showtime_id)?;
        if args.refresh == Some(false) {
            if let Some(seen) = args.wait_after {
                // Long poll of the local cache: answer as soon as it changes.
                let wait = std::time::Duration::from_millis(u64::from(
                    args.wait_ms.unwrap_or(10_000).min(25_000),
                ));
                self.wait_for_seats(seen, wait).await;
            }
            return self.seat_map_cached(&args.showtime_id);
        }
        if let Ok(client) = self.client() {
            // A dead central is shown in the status bar; the cached map still sells.
            if let Err(e) = self.refresh_seats(&client, &args.showtime_id).await {
                tracing::warn!(error = %e, "seat refresh failed; showing cached states");
            }
        }
        self.seat_map_cached(&args.showtime_id)
    }

    /// A printout rendered as a data URL, for the preview. Only files this
    /// terminal printed can be read.
    pub fn printout_image(&self, args: &PrintoutImageArgs) -> Result<PrintoutImage> {
        use base64::Engine as _;
        let dir = self.printer.dir().canonicalize()?;
        let path = Path::new(&args.png_path)
            .canonicalize()
            .map_err(|_| SiteError::Invalid(format!("no printout at '{}'", args.png_path)))?;
        if !path.starts_with(&dir) || path.extension().is_none_or(|e| e != "png") {
            return Err(SiteError::Invalid("not a printout of this terminal".into()));
        }
        let bytes = std::fs::read(&path)?;
        Ok(PrintoutImage {
            data_url: format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ),
        })
    }
}
