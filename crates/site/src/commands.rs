//! The one table of the engine's commands. From it come, alike for every
//! adapter:
//!
//! - one typed handler per command (`commands::sell(&site, args)`), which
//!   resolves the session to the staff member for commands that need one
//!   and hands the engine that staff member, never a token: the CLI calls
//!   these;
//! - [`dispatch`], the JSON door the Tauri shell and the HTTP adapter share;
//! - [`COMMANDS`], the list of names;
//! - [`typescript_commands`], the UI's `Commands` map
//!   (`ui/src/lib/bindings/Commands.ts`, written by this module's tests).

use crate::api::*;
use crate::engine::Site;
use crate::error::{ErrorBody, Result, SiteError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn args<T: DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| SiteError::Invalid(format!("bad arguments: {e}")))
}

fn json<T: Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| SiteError::Corrupt(format!("cannot encode answer: {e}")))
}

/// Who may run a command: anyone who reaches the door (`Public`), the
/// staff member behind the session token of its arguments (`Staff`), or
/// that staff member even while their counter is locked (`Holder`: keeping
/// or letting go the seats of the order under the lock screen, which is not
/// a use of the counter).
macro_rules! access {
    (Public, $site:ident, $a:ident) => {
        ()
    };
    (Staff, $site:ident, $a:ident) => {
        $site.session_staff(&$a.token)?
    };
    (Holder, $site:ident, $a:ident) => {
        $site.session_holder(&$a.token)?
    };
}

macro_rules! needs_staff {
    (Public) => {
        false
    };
    (Staff) => {
        true
    };
    (Holder) => {
        true
    };
}

macro_rules! command_table {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident($site:ident, $who:pat, $a:ident: $args:ty) -> $out:ty, $access:ident $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[allow(unused_variables)]
            pub async fn $name($site: &Site, $a: $args) -> Result<$out> {
                let $who = access!($access, $site, $a);
                $body
            }
        )*

        /// Names of all commands, in table order.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        /// Whether each command needs a signed-in staff member, in table order.
        pub const NEEDS_STAFF: &[(&str, bool)] =
            &[$((stringify!($name), needs_staff!($access))),*];

        /// Runs command `name` with JSON `input` and returns its JSON answer.
        pub async fn dispatch(site: &Site, name: &str, input: Value) -> std::result::Result<Value, ErrorBody> {
            let input = if input.is_null() {
                Value::Object(Default::default())
            } else {
                input
            };
            let out = match name {
                $(stringify!($name) => match args::<$args>(input) {
                    Ok(a) => $name(site, a).await.and_then(json),
                    Err(e) => Err(e),
                },)*
                other => Err(SiteError::Invalid(format!("unknown command '{other}'"))),
            };
            out.map_err(|e| {
                if !e.is_user_error() {
                    tracing::error!(command = name, error = %e, "command failed");
                }
                e.to_body()
            })
        }

        /// The UI's map of every command to its argument and result types,
        /// as TypeScript.
        pub fn typescript_commands() -> String {
            let cfg = ts_rs::Config::default();
            let rows: Vec<(&str, String, String)> = vec![$((
                stringify!($name),
                <$args as ts_rs::TS>::name(&cfg),
                <$out as ts_rs::TS>::name(&cfg),
            )),*];
            typescript_map(&rows)
        }
    };
}

command_table! {
    /// The status bar's figures.
    status(site, _, _a: Empty) -> Status, Public { site.status() }
    /// The people who can sign in here (names and roles, for the sign-in screen).
    staff_list(site, _, _a: Empty) -> Vec<StaffView>, Public { site.staff_list() }
    /// Signs a staff member in by name and PIN.
    login(site, _, a: LoginArgs) -> Session, Public { site.login(Some(&a.staff_id), &a.pin) }
    /// Locks the counter (idle, or the cashier stepping away): the session
    /// waits for its owner's PIN.
    lock(site, _, a: TokenArgs) -> Empty, Public {
        site.lock_session(&a.token)?;
        Ok(Empty {})
    }
    /// Unlocks a locked session with its owner's PIN.
    unlock(site, _, a: UnlockArgs) -> Session, Public { site.unlock_session(&a.token, &a.pin) }
    /// Ends a session.
    logout(site, _, a: LogoutArgs) -> Empty, Public {
        site.logout(&a.token);
        Ok(Empty {})
    }
    /// The showtimes board of a business day.
    showtimes(site, _, a: ShowtimesArgs) -> Vec<ShowtimeSummary>, Public { site.showtimes(&a) }
    /// A seat map (cached, refreshed or long-polled).
    seat_map(site, _, a: SeatMapArgs) -> SeatMap, Public { site.seat_map(&a).await }
    /// Sells an order.
    sell(site, staff, a: SellArgs) -> SaleResult, Staff { site.sell(&staff, &a).await }
    /// A printout preview as a data URL.
    printout_image(site, _, a: PrintoutImageArgs) -> PrintoutImage, Public { site.printout_image(&a) }
    /// Pulls the catalog and seat states, pushes the outbox.
    sync(site, _, _a: Empty) -> SyncReport, Public { site.sync().await }
    /// Best available seats.
    best_available(site, _, a: BestAvailableArgs) -> BestAvailable, Public { site.best_available(&a) }
    /// The printer for the status bar.
    printer_status(site, _, _a: Empty) -> PrinterView, Public { site.printer_view().await }
    /// Prints a test page.
    print_test_page(site, _staff, _a: TokenArgs) -> Printout, Staff { site.print_test_page().await }
    /// Reprints an order's tickets (a supervisor's or manager's approval).
    reprint(site, staff, a: ReprintArgs) -> Vec<Printout>, Staff { site.reprint(&staff, &a).await }
    /// Moves a seat of an order (a supervisor's or manager's approval).
    reseat(site, staff, a: ReseatArgs) -> ReseatResult, Staff { site.reseat(&staff, &a).await }
    /// Earlier orders by reference, card approval code, seat and showtime, or day.
    find_orders(site, _staff, a: FindOrdersArgs) -> Vec<OrderSummary>, Staff { site.find_orders(&a) }
    /// What refunding tickets of an order would pay back, and how.
    refund_quote(site, _staff, a: RefundQuoteArgs) -> RefundQuote, Staff { site.refund_quote(&a) }
    /// Refunds tickets of an order (a supervisor's approval; a manager's once the show started).
    refund(site, staff, a: RefundArgs) -> RefundResult, Staff { site.refund(&staff, &a).await }
    /// Exchanges tickets of an order for a new order (a supervisor's approval).
    exchange(site, staff, a: ExchangeArgs) -> ExchangeResult, Staff { site.exchange(&staff, &a).await }
    /// Conflict tasks.
    conflicts(site, _, _a: Empty) -> Vec<ConflictView>, Public { site.conflicts() }
    /// Resolves a conflict task (a supervisor's or manager's approval).
    resolve_conflict(site, staff, a: ResolveConflictArgs) -> ConflictView, Staff {
        site.resolve_conflict(&staff, &a).await
    }
    /// Looks up a web booking.
    web_booking(site, _, a: BookingArgs) -> BookingView, Public { site.web_booking(&a).await }
    /// Collects a web booking: prints its tickets once.
    collect_booking(site, staff, a: BookingArgs) -> BookingView, Staff {
        site.collect_booking(&staff, &a).await
    }
    /// Holds seats while the cashier chooses.
    hold_seats(site, staff, a: HoldSeatsArgs) -> HoldView, Holder { site.hold_seats(&staff, &a).await }
    /// Releases a hold placed while choosing.
    release_hold(site, staff, a: ReleaseHoldArgs) -> Empty, Holder {
        site.release_selection(&staff, &a).await?;
        Ok(Empty {})
    }
    /// Checks an approver's PIN for an action when it is typed (the action checks it again).
    check_approval(site, staff, a: CheckApprovalArgs) -> ApproverView, Staff {
        site.check_approval(&staff, &a)
    }
    /// The newest entries of the audit trail (a manager).
    audit_trail(site, staff, a: AuditArgs) -> Vec<AuditEntryView>, Staff {
        site.audit_trail(&staff, a.limit)
    }
    /// The diagnostics screen: versions, link, queue, leases, printer, disk, backups.
    diagnostics(site, staff, _a: TokenArgs) -> Diagnostics, Staff { site.diagnostics(&staff) }
    /// The screen says whether an order is being built or a payment is
    /// open; an idle counter may install a staged update.
    counter_activity(site, _staff, a: CounterActivityArgs) -> Empty, Holder {
        site.report_activity(a.busy)?;
        Ok(Empty {})
    }
    /// Asks central for an update now and stages it (a manager).
    check_update(site, staff, _a: TokenArgs) -> UpdateState, Staff {
        site.check_update_now(&staff).await
    }
    /// Walks the audit trail's hash chain (a manager).
    audit_check(site, staff, _a: TokenArgs) -> AuditCheckView, Staff { site.audit_check(&staff) }
    /// Opens a shift on this terminal for the signed-in person, with a counted float.
    shift_open(site, staff, a: ShiftOpenArgs) -> ShiftReport, Staff {
        site.open_shift(&staff, a.float_minor)
    }
    /// The terminal's open shift and the notes and coins to count.
    shift_state(site, staff, _a: TokenArgs) -> ShiftState, Staff { site.shift_state(&staff) }
    /// The X report of the terminal's open shift, printed (blind for a cashier).
    shift_report(site, staff, _a: TokenArgs) -> ShiftPrinted, Staff {
        site.x_report(&staff).await
    }
    /// A pay-in, pay-out or drop with a reason; the slip opens the drawer.
    cash_movement(site, staff, a: CashMovementArgs) -> CashMoved, Staff {
        site.move_cash(&staff, &a).await
    }
    /// Closes the terminal's open shift with the blind count (closing report printed).
    shift_close(site, staff, a: ShiftCloseArgs) -> ShiftPrinted, Staff {
        site.close_shift(&staff, &a).await
    }
    /// Voids the order being built (a supervisor's or manager's approval, a reason).
    void_order(site, staff, a: VoidOrderArgs) -> VoidResult, Staff { site.void_order(&staff, &a) }
    /// The X report of a business day so far (a supervisor or a manager).
    day_report(site, staff, a: DayArgs) -> DayReport, Staff {
        site.x_day_report(&staff, a.day.as_deref())
    }
    /// The whole site's day from central: every terminal and the web shop,
    /// naming terminals whose day is not all in (a supervisor or a manager).
    site_day_report(site, staff, a: DayArgs) -> DayReport, Staff {
        site.site_day_report(&staff, a.day.as_deref()).await
    }
    /// A closed day's Z report as kept (a supervisor or a manager).
    day_z_report(site, staff, a: DayArgs) -> DayReport, Staff {
        let day = a.day.ok_or_else(|| SiteError::Invalid("which business day?".into()))?;
        site.z_day_report(&staff, &day)
    }
    /// Closes a business day with its Z report, printed (a manager).
    day_close(site, staff, a: DayArgs) -> DayClosed, Staff {
        let (report, printout) = site.close_day(&staff, a.day.as_deref()).await?;
        Ok(DayClosed { report, printout })
    }
    /// Prints a day's X report, or a closed day's Z report again.
    day_print(site, staff, a: DayFileArgs) -> Printout, Staff {
        let report = site.day_report_of(&staff, &a.kind, a.day.as_deref()).await?;
        site.print_day_report(&report).await
    }
    /// A day's X report, or a closed day's Z report, as a PDF or CSV file.
    day_report_file(site, staff, a: DayFileArgs) -> ReportFile, Staff {
        let report = site.day_report_of(&staff, &a.kind, a.day.as_deref()).await?;
        crate::report_files::report_file(&report, &a.format)
    }
}

/// The TypeScript `Commands` interface for `(name, args type, result type)` rows.
fn typescript_map(rows: &[(&str, String, String)]) -> String {
    let mut types: Vec<String> = rows
        .iter()
        .flat_map(|(_, a, r)| type_names(a).chain(type_names(r)).collect::<Vec<_>>())
        .collect();
    types.sort();
    types.dedup();
    let mut out = String::from(
        "// This file was generated from the command table in crates/site/src/commands.rs. Do not edit it by hand.\n",
    );
    for t in &types {
        out.push_str(&format!("import type {{ {t} }} from \"./{t}\";\n"));
    }
    out.push_str("\n/**\n * Every command of the engine: its arguments and its result.\n */\n");
    out.push_str("export interface Commands {\n");
    for (name, a, r) in rows {
        out.push_str(&format!("  {name}: {{ args: {a}; result: {r} }};\n"));
    }
    out.push_str("}\n");
    out
}

/// The named types in a TypeScript type expression (`Array<X>` names `X`).
fn type_names(ts: &str) -> impl Iterator<Item = String> + '_ {
    ts.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase()) && *w != "Array")
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes the UI's command map next to the other generated bindings
    /// (the `bindings-check` step of `make test` fails when it changed
    /// without being committed).
    #[test]
    fn export_bindings_commands() {
        let dir = std::env::var("TS_RS_EXPORT_DIR").unwrap_or_else(|_| "./bindings".into());
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("Commands.ts"), typescript_commands()).unwrap();
    }

    #[test]
    fn the_map_names_every_command_once_with_its_types() {
        let ts = typescript_commands();
        for name in COMMANDS {
            assert_eq!(ts.matches(&format!("  {name}: {{")).count(), 1, "{name}");
        }
        assert!(
            ts.contains("  showtimes: { args: ShowtimesArgs; result: Array<ShowtimeSummary> };")
        );
        assert!(ts.contains("import type { ShowtimeSummary } from \"./ShowtimeSummary\";"));
        assert!(!ts.contains("import type { Array }"));
        let mut names = COMMANDS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COMMANDS.len(), "a command is listed twice");
    }

    #[test]
    fn commands_that_act_for_someone_need_a_session() {
        // Every command needs a session but these: what anyone at the
        // counter's door may do before signing in (or to sign in, or to
        // unlock), and what reads no one's money.
        let public: Vec<&str> = NEEDS_STAFF
            .iter()
            .filter(|(_, s)| !*s)
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(
            public,
            [
                "status",
                "staff_list",
                "login",
                "lock",
                "unlock",
                "logout",
                "showtimes",
                "seat_map",
                "printout_image",
                "sync",
                "best_available",
                "printer_status",
                "conflicts",
                "web_booking",
            ]
        );
    }

    #[tokio::test]
    async fn unknown_commands_and_bad_arguments_are_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let site = Site::open(
            dir.path(),
            std::sync::Arc::new(crate::clock::SystemClock),
            std::sync::Arc::new(crate::clock::V7Ids),
            false,
        )
        .unwrap();
        let e = dispatch(&site, "no_such", Value::Null).await.unwrap_err();
        assert_eq!(e.code, "invalid_input");
        let e = dispatch(&site, "sell", serde_json::json!({"token": 5}))
            .await
            .unwrap_err();
        assert_eq!(e.code, "invalid_input");
        assert!(e.message.starts_with("bad arguments"), "{}", e.message);
        // A staff command with a token nobody was given.
        let e = dispatch(
            &site,
            "release_hold",
            serde_json::json!({"token": "nobody", "hold_id": "h"}),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, "not_logged_in");
    }
}
