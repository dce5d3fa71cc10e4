//! Voiding the order being built: once the customer was shown the total,
//! giving the order up takes a supervisor's or manager's approval and a
//! reason, and is kept for the day report and the audit trail. No money
//! moved; the counter releases the order's holds itself.

use crate::api::{VoidOrderArgs, VoidResult};
use crate::engine::{Site, stated_reason};
use crate::error::{Result, SiteError};
use crate::store::{self, StaffRow};

/// Most seats a voided order names.
const MAX_SEATS: usize = 500;
/// Largest total a void records (a hundred million major units of any currency).
const MAX_TOTAL_MINOR: i64 = 100_000_000_000;
/// Who may approve a void.
const VOID_NEEDS: &str = "voiding an order needs a supervisor or a manager";

impl Site {
    /// Records the void of the order being built (see the module docs).
    pub fn void_order(&self, staff: &StaffRow, args: &VoidOrderArgs) -> Result<VoidResult> {
        let reason = stated_reason(&args.reason)?;
        if args.seats.is_empty() || args.seats.len() > MAX_SEATS {
            return Err(SiteError::Invalid(format!(
                "a voided order names 1 to {MAX_SEATS} seats"
            )));
        }
        if let Some(bad) = args.seats.iter().find(|s| s.is_empty() || s.len() > 120) {
            return Err(SiteError::Invalid(format!("'{bad}' is not a seat")));
        }
        if !(0..=MAX_TOTAL_MINOR).contains(&args.total_minor) {
            return Err(SiteError::Invalid(
                "the order's total must be between 0 and 100,000,000".into(),
            ));
        }
        let approver = self.approver(staff, args.approval.as_ref(), false, VOID_NEEDS)?;
        let now = self.clock.now();
        let id = self.ids.new_id(now).to_string();
        let shown = self.site_row()?.currency.format(args.total_minor);
        {
            let mut db = self.db();
            let tx = db.transaction()?;
            store::insert_void(
                &tx,
                &store::VoidRow {
                    id: &id,
                    at: now,
                    staff_id: &staff.id,
                    approved_by: &approver.id,
                    reason,
                    amount_minor: args.total_minor,
                    seats: &args.seats,
                },
            )?;
            self.audit(
                &tx,
                &store::AuditEvent {
                    action: "void",
                    staff_id: &staff.id,
                    approved_by: Some(&approver.id),
                    subject: &id,
                    detail: &format!("{shown}, seats {}: {reason}", args.seats.join(" ")),
                },
            )?;
            tx.commit()?;
        }
        let simple = id.replace('-', "").to_uppercase();
        Ok(VoidResult {
            reference: format!("V{}", &simple[simple.len().saturating_sub(8)..]),
            approved_by: approver.name,
        })
    }
}
