//! Approvals are checked when the approver's PIN is entered, not when the
//! sale is confirmed: the override dialog names the approver or refuses at
//! once (issue 14, item 3).

use e2e::Central;
use site::api::{Approval, ApprovalAction, CheckApprovalArgs};
use site::clock::{SystemClock, V7Ids};
use site::engine::Site;
use std::sync::Arc;

#[test]
fn an_approval_is_checked_for_its_action_when_the_pin_is_entered() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let site = Site::open(
        &dir.path().join("t1"),
        Arc::new(SystemClock),
        Arc::new(V7Ids),
        false,
    )
    .unwrap();
    rt.block_on(site.init(&central.url, "dxb-marina", "dxb-marina-t1"))
        .unwrap();
    let token = site.login("1111").unwrap().token;
    let check = |action: ApprovalAction, pin: &str| {
        rt.block_on(site::commands::check_approval(
            &site,
            CheckApprovalArgs {
                token: token.clone(),
                action,
                approval: Approval { pin: pin.into() },
            },
        ))
    };

    // A supervisor may override a price; a manager may do everything.
    let sup = check(ApprovalAction::PriceOverride, "2222").unwrap();
    assert_eq!(
        (sup.staff_id.as_str(), sup.role.as_str()),
        ("dxb-marina-supervisor", "supervisor")
    );
    assert_eq!(
        check(ApprovalAction::OfflineOverride, "3333").unwrap().role,
        "manager"
    );
    assert_eq!(check(ApprovalAction::Reprint, "2222").unwrap().role, "supervisor");

    // A cashier's PIN is refused for a price override at once (the defect:
    // the dialog struck the prices out before Confirm said so).
    for (action, pin, code) in [
        (ApprovalAction::PriceOverride, "1111", "not_allowed"),
        (ApprovalAction::Reprint, "1111", "not_allowed"),
        (ApprovalAction::OfflineOverride, "2222", "not_allowed"),
        (ApprovalAction::PriceOverride, "", "invalid_input"),
        (ApprovalAction::PriceOverride, "8888", "wrong_pin"),
    ] {
        let err = check(action, pin).unwrap_err();
        assert_eq!(err.code(), code, "{action:?} with {pin:?}: {err}");
    }

    // Without a session nobody asks.
    let err = rt
        .block_on(site::commands::check_approval(
            &site,
            CheckApprovalArgs {
                token: "nope".into(),
                action: ApprovalAction::PriceOverride,
                approval: Approval { pin: "2222".into() },
            },
        ))
        .unwrap_err();
    assert_eq!(err.code(), "not_logged_in");
}
