//! Holds while the cashier chooses: every change of the order's seats places
//! one hold at central covering the selection (replacing the previous one in
//! the same transaction), so a seat in the order cannot be sold on the web
//! while the customer decides, and a seat someone else took shows at once.
//! Clearing or abandoning the order releases the hold; central lets an
//! unrenewed hold go after its time to live anyway.

use crate::api::{HoldSeatsArgs, HoldView, ReleaseHoldArgs};
use crate::engine::Site;
use crate::error::{Result, SiteError};
use crate::link::CallError;
use crate::store::{self, StaffRow};
use domain::SeatState;
use protocol::HoldRequest;
use std::collections::HashMap;

impl Site {
    /// Holds the cashier's current selection (see the module docs).
    pub async fn hold_seats(&self, staff: &StaffRow, args: &HoldSeatsArgs) -> Result<HoldView> {
        tracing::debug!(by = %staff.id, showtime = %args.showtime_id, "hold seats");
        let site = self.site_row()?;
        let now = self.clock.now();
        let states: HashMap<String, SeatState> = {
            let db = self.db();
            let show = store::showtime(&db, &args.showtime_id)?;
            store::seats(&db, &show, now)?
                .into_iter()
                .map(|s| (s.label, s.state))
                .collect()
        };
        let unknown: Vec<String> = args
            .seats
            .iter()
            .filter(|s| !states.contains_key(*s))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(SiteError::UnknownSeats(unknown));
        }
        let (leased, to_hold): (Vec<String>, Vec<String>) = args
            .seats
            .iter()
            .cloned()
            .partition(|s| states.get(s) == Some(&SeatState::Leased));
        let client = self.client()?;
        let mut view = HoldView {
            hold_id: None,
            expires_at: None,
            leased,
            unavailable: Vec::new(),
            offline: false,
        };
        if to_hold.is_empty() {
            if let Some(old) = &args.hold_id {
                let _ = client.release_hold(old).await;
            }
            return Ok(view);
        }
        if !self.is_online() {
            view.offline = true;
            view.hold_id = args.hold_id.clone();
            return Ok(view);
        }
        let hold = client
            .hold(&HoldRequest {
                showtime_id: args.showtime_id.clone(),
                seats: to_hold,
                ttl_secs: site.hold_ttl_secs,
                replaces: args.hold_id.clone(),
            })
            .await;
        match hold {
            Ok(h) => {
                view.hold_id = Some(h.hold_id);
                view.expires_at = Some(h.expires_at.to_string());
            }
            Err(e) if e.is_retryable() => {
                view.offline = true;
                view.hold_id = args.hold_id.clone();
            }
            Err(CallError::Api { error, .. }) if error.code == "seat_unavailable" => {
                // The previous hold stays; the taken seats must leave the order.
                store::mark_remote_taken(&self.db(), &args.showtime_id, &error.seats)?;
                self.seats_changed();
                view.unavailable = error.seats;
                view.hold_id = args.hold_id.clone();
            }
            Err(e) => return Err(e.into()),
        }
        Ok(view)
    }

    /// Gives a selection's hold back (order cleared or abandoned).
    pub async fn release_selection(&self, staff: &StaffRow, args: &ReleaseHoldArgs) -> Result<()> {
        tracing::debug!(by = %staff.id, hold = %args.hold_id, "release hold");
        let r = self.client()?.release_hold(&args.hold_id).await;
        // Offline, central lets it expire by itself.
        match r {
            Err(e) if !e.is_retryable() => Err(e.into()),
            _ => Ok(()),
        }
    }
}
