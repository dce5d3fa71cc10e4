//! Best available seats for a showtime, as this terminal knows them.

use crate::api::{BestAvailable, BestAvailableArgs};
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::store;
use domain::best_available::{self, Request, SeatSpot};
use domain::{SeatArea, SeatState};

impl Site {
    /// Picks `count` seats together (or the best split) among the seats this
    /// terminal may sell now. Reads the local cache only: no network.
    pub fn best_available(&self, args: &BestAvailableArgs) -> Result<BestAvailable> {
        let area = match args.area.as_deref() {
            None | Some("") | Some("any") => None,
            Some(a) => Some(SeatArea::parse(a).ok_or_else(|| {
                SiteError::Invalid(format!("area '{a}' is not one of standard, premium, vip"))
            })?),
        };
        let db = self.db();
        let show = store::showtime(&db, &args.showtime_id)?;
        let rows = store::seats(&db, &show, self.clock.now())?;
        drop(db);
        let spots: Vec<SeatSpot> = rows
            .iter()
            .map(|s| SeatSpot {
                label: s.label.clone(),
                row: s.row.clone(),
                x: s.x,
                y: s.y,
                area: s.area,
                kind: s.kind,
                blocked: s.state == SeatState::Blocked,
            })
            .collect();
        let exclude = args.exclude.as_deref().unwrap_or_default();
        let sellable = |leased_only: bool| -> std::collections::HashSet<&str> {
            rows.iter()
                .filter(|s| match s.state {
                    SeatState::Leased => true,
                    SeatState::Free => !leased_only,
                    _ => false,
                })
                .filter(|s| !exclude.contains(&s.label))
                .map(|s| s.label.as_str())
                .collect()
        };
        let mut req = Request::new(args.count as usize);
        if let Some(a) = area {
            req = req.in_area(a);
        }
        if args.accessible {
            req = req.with_accessible();
        }
        // Offline, the seats leased here sell with no manager: pick among
        // them first, and only when they cannot seat the party among all.
        if !self.is_online() {
            let leased = sellable(true);
            if let Ok(pick) =
                best_available::best_available(&spots, |s| leased.contains(s.label.as_str()), &req)
            {
                return Ok(BestAvailable {
                    seats: pick.seats,
                    groups: pick.groups,
                    split: pick.split,
                    leased_only: true,
                });
            }
        }
        let free = sellable(false);
        let pick =
            best_available::best_available(&spots, |s| free.contains(s.label.as_str()), &req)
                .map_err(|e| SiteError::Invalid(format!("{e} [{}]", e.code())))?;
        Ok(BestAvailable {
            seats: pick.seats,
            groups: pick.groups,
            split: pick.split,
            leased_only: false,
        })
    }
}
