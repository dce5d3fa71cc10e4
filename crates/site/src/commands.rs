//! The one JSON door to the engine: `dispatch(name, args)`.
//!
//! The Tauri shell and the HTTP adapter both call this, so the desktop app
//! and the browser tests run exactly the same commands.

use crate::api::*;
use crate::engine::Site;
use crate::error::{ErrorBody, SiteError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn args<T: DeserializeOwned>(v: Value) -> Result<T, SiteError> {
    serde_json::from_value(v).map_err(|e| SiteError::Invalid(format!("bad arguments: {e}")))
}

fn json<T: Serialize>(v: T) -> Result<Value, SiteError> {
    serde_json::to_value(v).map_err(|e| SiteError::Corrupt(format!("cannot encode answer: {e}")))
}

/// Names of all commands.
pub const COMMANDS: [&str; 18] = [
    "status",
    "login",
    "logout",
    "showtimes",
    "seat_map",
    "sell",
    "printout_image",
    "sync",
    "best_available",
    "printer_status",
    "print_test_page",
    "reprint",
    "conflicts",
    "resolve_conflict",
    "web_booking",
    "collect_booking",
    "hold_seats",
    "release_hold",
];

/// Runs command `name` with JSON `input` and returns its JSON answer.
pub async fn dispatch(site: &Site, name: &str, input: Value) -> Result<Value, ErrorBody> {
    let input = if input.is_null() {
        Value::Object(Default::default())
    } else {
        input
    };
    let out = match name {
        "status" => site.status().and_then(json),
        "login" => {
            let a: Result<LoginArgs, _> = args(input);
            a.and_then(|a| site.login(&a.pin)).and_then(json)
        }
        "logout" => args::<LogoutArgs>(input).and_then(|a| {
            site.logout(&a.token);
            json(Empty {})
        }),
        "showtimes" => args::<ShowtimesArgs>(input)
            .and_then(|a| site.showtimes(&a))
            .and_then(json),
        "seat_map" => match args::<SeatMapArgs>(input) {
            Ok(a) => site.seat_map(&a).await.and_then(json),
            Err(e) => Err(e),
        },
        "sell" => match args::<SellArgs>(input) {
            Ok(a) => site.sell(&a).await.and_then(json),
            Err(e) => Err(e),
        },
        "printout_image" => args::<PrintoutImageArgs>(input)
            .and_then(|a| site.printout_image(&a))
            .and_then(json),
        "sync" => site.sync().await.and_then(json),
        "best_available" => args::<BestAvailableArgs>(input)
            .and_then(|a| site.best_available(&a))
            .and_then(json),
        "printer_status" => site.printer_view().await.and_then(json),
        "print_test_page" => {
            match args::<TokenArgs>(input).and_then(|a| site.session_staff(&a.token)) {
                Ok(_) => site.print_test_page().await.and_then(json),
                Err(e) => Err(e),
            }
        }
        "reprint" => match args::<ReprintArgs>(input) {
            Ok(a) => match site.session_staff(&a.token) {
                Ok(staff) => site
                    .reprint(&staff, &a.order, a.seat.as_deref())
                    .await
                    .and_then(json),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        "conflicts" => site.conflicts().and_then(json),
        "hold_seats" => match args::<HoldSeatsArgs>(input) {
            Ok(a) => site.hold_seats(&a).await.and_then(json),
            Err(e) => Err(e),
        },
        "release_hold" => match args::<ReleaseHoldArgs>(input) {
            Ok(a) => site
                .release_selection(&a)
                .await
                .and_then(|()| json(Empty {})),
            Err(e) => Err(e),
        },
        "web_booking" => match args::<BookingArgs>(input) {
            Ok(a) => site.web_booking(&a).await.and_then(json),
            Err(e) => Err(e),
        },
        "collect_booking" => match args::<BookingArgs>(input) {
            Ok(a) => match site.session_staff(&a.token) {
                Ok(staff) => site.collect_booking(&staff, &a).await.and_then(json),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        "resolve_conflict" => match args::<ResolveConflictArgs>(input) {
            Ok(a) => match site.session_staff(&a.token) {
                Ok(staff) => site.resolve_conflict(&staff, &a).await.and_then(json),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        },
        other => Err(SiteError::Invalid(format!("unknown command '{other}'"))),
    };
    out.map_err(|e| {
        if !e.is_user_error() {
            tracing::error!(command = name, error = %e, "command failed");
        }
        e.to_body()
    })
}

#[cfg(test)]
mod tests {
    /// Every command `dispatch` answers is listed in `COMMANDS`, and only those.
    #[test]
    fn commands_lists_every_dispatched_command() {
        let src = include_str!("commands.rs");
        let body = &src[src.find("let out = match name").expect("dispatch match")..];
        let body = &body[..body.find("other =>").expect("fallback arm")];
        let mut dispatched: Vec<&str> = body
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"'))
            .filter_map(|l| l.split('"').next())
            .collect();
        dispatched.sort_unstable();
        let mut listed = super::COMMANDS.to_vec();
        listed.sort_unstable();
        assert_eq!(dispatched, listed);
    }
}
