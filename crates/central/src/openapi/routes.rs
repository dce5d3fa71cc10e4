//! Every route of API v1 with its parameters, bodies and errors: the table
//! the document is written from.

use super::{Caller, Param, Route};
use crate::terminals::ConflictTask;
use protocol::{
    Catalog, EnrollRequest, Enrollment, Health, Heartbeat, HeartbeatAck, Hold, HoldRequest,
    LeaseRequest, LeaseReturn, Leases, PushRequest, PushResponse, RegisterKeyRequest, SeatEvents,
    SeatStates, SiteInfo, TerminalPublicKey, UpdateManifest, VoidList, WebSale, WebSaleRequest,
};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

fn day_report(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "description": "A business day's report (`reports::DayReport`, the same as the \
                        terminals' X and Z reports; its TypeScript form is \
                        `ui/src/lib/bindings/DayReport.ts`): totals, sales by film, showtime, \
                        ticket type, payment method, cashier and hour, VAT by rate, \
                        discounts, overrides, refunds, offline sales, open conflicts and the \
                        terminals whose day is not all at central (`unsynced`).",
        "required": ["site_id", "business_day", "totals", "unsynced"]
    })
}

fn binary(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string", "format": "binary", "description": "The package's bytes." })
}

fn any_object(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "object", "description": "An OpenAPI 3.1 document." })
}

const SITE: Param = Param {
    name: "site",
    description: "Site id, e.g. `dxb-marina`.",
    schema: schema::<String>,
    required: true,
};

const fn id(description: &'static str) -> Param {
    Param {
        name: "id",
        description,
        schema: schema::<String>,
        required: true,
    }
}

const E401: (u16, &str) = (
    401,
    "`unknown_terminal`: the `x-boxoffice-terminal` header names no terminal; \
     `unauthorized`: no credential, or the terminal's token or the web channel's key is \
     wrong.",
);
const E403: (u16, &str) = (
    403,
    "`forbidden`: the caller asks for another site's or another terminal's data, or for a \
     route of the other kind of caller.",
);
const E500: (u16, &str) = (500, "`internal`: central failed; retry later.");

/// Every route of API v1, as the HTTP router (`http.rs`) serves them. This
/// module knows nothing of the router: `http` depends on it (it serves the
/// document), never the other way round.
pub const ROUTES: &[Route] = &[
    Route {
        method: "get",
        path: "/v1/health",
        operation_id: "getHealth",
        tag: "service",
        summary: "Liveness, central's version and clock",
        description: "Terminals measure their clock offset from `central_time`.",
        caller: Caller::Anyone,
        path_params: &[],
        query: &[],
        request: None,
        status: 200,
        response: Some(schema::<Health>),
        errors: &[],
    },
    Route {
        method: "get",
        path: "/v1/openapi.json",
        operation_id: "getOpenApi",
        tag: "service",
        summary: "This document",
        description: "The OpenAPI 3.1 document of API v1, as committed in `docs/api/openapi.json`.",
        caller: Caller::Anyone,
        path_params: &[],
        query: &[],
        request: None,
        status: 200,
        response: Some(any_object),
        errors: &[],
    },
    Route {
        method: "get",
        path: "/v1/sites",
        operation_id: "listSites",
        tag: "catalog",
        summary: "The sites the caller may see",
        description: "A terminal sees its own site, with its terminals and their numbers; a \
                      web channel the sites it sells at, without the terminals.",
        caller: Caller::TerminalOrWebsite,
        path_params: &[],
        query: &[],
        request: None,
        status: 200,
        response: Some(schema::<Vec<SiteInfo>>),
        errors: &[E401, E500],
    },
    Route {
        method: "get",
        path: "/v1/sites/{site}/catalog",
        operation_id: "getCatalog",
        tag: "catalog",
        summary: "Everything a terminal needs to sell at its site",
        description: "Films, screens with their layouts, showtimes from the start of yesterday's \
                      business day on, price cards, staff and counter settings. Only a terminal \
                      of the site may read it (another site's terminal gets `forbidden`).",
        caller: Caller::Terminal,
        path_params: &[SITE],
        query: &[Param {
            name: "known",
            description: "The `version` of the catalog the terminal already has: when it is \
                          still current central answers 304 with no body.",
            schema: schema::<String>,
            required: false,
        }],
        request: None,
        status: 200,
        response: Some(schema::<Catalog>),
        errors: &[
            (304, "The catalog is unchanged since `known`; no body."),
            E401,
            (404, "`unknown_site`."),
            E500,
        ],
    },
    Route {
        method: "get",
        path: "/v1/showtimes/{id}/seats",
        operation_id: "getSeatStates",
        tag: "seats",
        summary: "The seats of a showtime that are not free",
        description: "Held, sold, leased and blocked seats; every other seat is free. For a \
                      terminal of the showtime's site or a web channel selling there.",
        caller: Caller::TerminalOrWebsite,
        path_params: &[id("Showtime id.")],
        query: &[],
        request: None,
        status: 200,
        response: Some(schema::<SeatStates>),
        errors: &[E401, E403, (404, "`unknown_showtime`."), E500],
    },
    Route {
        method: "post",
        path: "/v1/holds",
        operation_id: "createHold",
        tag: "seats",
        summary: "Hold seats while the cashier takes payment",
        description: "All or nothing: when a seat is taken nothing is held. Only at the \
                      terminal's own site. Central caps the time to live (15 minutes), the \
                      seats of one hold (100) and of one terminal's holds together (200), and \
                      how long seats stay held from their first hold, however often it is \
                      extended or replaced (30 minutes).",
        caller: Caller::Terminal,
        path_params: &[],
        query: &[],
        request: Some(schema::<HoldRequest>),
        status: 200,
        response: Some(schema::<Hold>),
        errors: &[
            E401,
            (404, "`unknown_showtime`."),
            (
                409,
                "`seat_unavailable`: `seats` lists the seats already held, leased or sold.",
            ),
            E403,
            (
                422,
                "`unknown_seats`: `seats` lists seats the screen does not have; \
                 `bad_request`: no seats; `limit`: too many seats, or held too long.",
            ),
            E500,
        ],
    },
    Route {
        method: "delete",
        path: "/v1/holds/{id}",
        operation_id: "releaseHold",
        tag: "seats",
        summary: "Release a hold of this terminal",
        description: "Releasing an unknown or expired hold is not an error.",
        caller: Caller::Terminal,
        path_params: &[id("Hold id.")],
        query: &[],
        request: None,
        status: 204,
        response: None,
        errors: &[E401, E500],
    },
    Route {
        method: "post",
        path: "/v1/push",
        operation_id: "push",
        tag: "sales",
        summary: "Push outbox entries (sales, reseats, refunds)",
        description: "Each entry's UUIDv7 `id` is its idempotency key: central applies an entry \
                      once and answers `duplicate` (with the first outcome) on a resend. One \
                      result per entry, in order; a `conflict` or `rejected` entry never blocks \
                      the next ones. Money is checked (no negative amount, the seat prices add \
                      up to the total, the payments pay it); a terminal refunds or moves only \
                      the orders it sold (`not_your_order`). A database failure on one entry \
                      undoes that entry alone and answers it `deferred` (nothing kept: send it \
                      again), with the later entries of its order; the rest of the batch is \
                      answered as usual. The body may be sent `Content-Encoding: gzip` (API \
                      1.8; at most 4 MiB either way).",
        caller: Caller::Terminal,
        path_params: &[],
        query: &[],
        request: Some(schema::<PushRequest>),
        status: 200,
        response: Some(schema::<PushResponse>),
        errors: &[E401, (422, "`limit`: more than 500 entries."), E500],
    },
    Route {
        method: "post",
        path: "/v1/web/sales",
        operation_id: "createWebSale",
        tag: "web",
        summary: "Sell seats to a web customer",
        description: "What the chain's website calls when a customer buys; all seats or none. \
                      Only at the sites the channel sells at, before the show starts, and up \
                      to the channel's seats per sale (at most 50).",
        caller: Caller::Website,
        path_params: &[],
        query: &[],
        request: Some(schema::<WebSaleRequest>),
        status: 200,
        response: Some(schema::<WebSale>),
        errors: &[
            E401,
            (
                403,
                "`forbidden`: the channel does not sell at the showtime's site.",
            ),
            (404, "`unknown_showtime`."),
            (
                409,
                "`seat_unavailable`: `seats` lists the seats already taken; `conflict`: the \
                 show has started or is cancelled.",
            ),
            (
                422,
                "`unknown_seats`: `seats` lists seats the screen does not have; \
                 `bad_request`: no seats, or more than the channel's cap.",
            ),
            E500,
        ],
    },
    Route {
        method: "put",
        path: "/v1/terminals/{id}/key",
        operation_id: "registerTerminalKey",
        tag: "terminals",
        summary: "Register this terminal's ticket-signing key",
        description: "First registration wins; registering the same key again is fine, a \
                      different one is a `key_conflict` (rotation is an IT task).",
        caller: Caller::Terminal,
        path_params: &[id("Terminal id: the calling terminal's own.")],
        query: &[],
        request: Some(schema::<RegisterKeyRequest>),
        status: 200,
        response: Some(schema::<TerminalPublicKey>),
        errors: &[
            E401,
            (403, "`forbidden`: the path names another terminal."),
            (
                409,
                "`key_conflict`: the terminal already has a different key.",
            ),
            (
                422,
                "`invalid_key`: not an Ed25519 public key in base64url.",
            ),
            E500,
        ],
    },
    Route {
        method: "get",
        path: "/v1/updates/{target}/{version}",
        operation_id: "checkForUpdate",
        tag: "terminals",
        summary: "The newer release this terminal's ring sees (API 1.7)",
        description: "The newest release for the package type that is newer than the version \
                      the terminal runs, in a ring it sees (a `canary` terminal sees `canary` and \
                      `all` releases, the others `all` only), in the Tauri updater's format: \
                      the package is signed with the chain's update key (minisign). 204 when \
                      there is none.",
        caller: Caller::Terminal,
        path_params: &[
            Param {
                name: "target",
                description: "Package type: `linux-x86_64-deb`, `linux-x86_64-rpm` or `windows-x86_64-nsis`.",
                schema: schema::<String>,
                required: true,
            },
            Param {
                name: "version",
                description: "The version the terminal runs (semver).",
                schema: schema::<String>,
                required: true,
            },
        ],
        query: &[],
        request: None,
        status: 200,
        response: Some(schema::<UpdateManifest>),
        errors: &[
            (204, "No newer release for this terminal's ring; no body."),
            E401,
            (
                422,
                "`bad_request`: an unknown package type or a version that is not semver.",
            ),
            E500,
        ],
    },
    Route {
        method: "get",
        path: "/v1/updates/{target}/download/{version}",
        operation_id: "downloadUpdate",
        tag: "terminals",
        summary: "A release's package (API 1.7)",
        description: "The bytes of the package `checkForUpdate` announced, for a terminal whose \
                      ring sees the release. The terminal checks their signature before it \
                      stages them.",
        caller: Caller::Terminal,
        path_params: &[
            Param {
                name: "target",
                description: "Package type, as in `checkForUpdate`.",
                schema: schema::<String>,
                required: true,
            },
            Param {
                name: "version",
                description: "The release's version.",
                schema: schema::<String>,
                required: true,
            },
        ],
        query: &[],
        request: None,
        status: 200,
        response: Some(binary),
        errors: &[
            E401,
            (
                404,
                "`unknown_release`: no such release, or not in this terminal's ring.",
            ),
            E500,
        ],
    },
    Route {
        method: "post",
        path: "/v1/terminals/{id}/enroll",
        operation_id: "enrollTerminal",
        tag: "terminals",
        summary: "Trade a provisioning file's secret for this terminal's token (API 1.7)",
        description: "A new counter sends the one-time secret of its signed provisioning file \
                      (`boxoffice-central provision`) and its ticket-signing public key; central \
                      answers the terminal's bearer token and binds the terminal to that key. \
                      The same counter may enroll again with the same file while it is valid \
                      (a new token); another counter is refused. No other credential: the \
                      secret is it.",
        caller: Caller::Anyone,
        path_params: &[id("Terminal id, as in the provisioning file.")],
        query: &[],
        request: Some(schema::<EnrollRequest>),
        status: 200,
        response: Some(schema::<Enrollment>),
        errors: &[
            (
                401,
                "`unauthorized`: no valid provisioning for this terminal (wrong, expired or \
                 replaced secret, unknown terminal).",
            ),
            (
                409,
                "`already_provisioned`: the terminal is bound to another counter's key.",
            ),
            (
                422,
                "`invalid_key` or `bad_request`: not an Ed25519 public key, or fields too long.",
            ),
            E500,
        ],
    },
    Route {
        method: "get",
        path: "/v1/sites/{site}/keys",
        operation_id: "listSiteKeys",
        tag: "terminals",
        summary: "The site's terminal public keys",
        description: "Terminals and door scanners verify signed ticket QR codes offline with \
                      this list.",
        caller: Caller::Terminal,
        path_params: &[SITE],
        query: &[],
        request: None,
        status: 200,
        response: Some(schema::<Vec<TerminalPublicKey>>),
        errors: &[E401, E403, E500],
    },
    Route {
        method: "get",
        path: "/v1/sites/{site}/seat-events",
        operation_id: "getSeatEvents",
        tag: "seats",
        summary: "Seat changes of the site after a sequence number (long poll)",
        description: "Without `after`, answers at once with no events and the current \
                      `last_seq`. With `after` and no `wait_ms`, answers at once. With \
                      `wait_ms`, answers once there are events after `after` but no sooner \
                      than 50 ms after the request came (what a busy site's sales bring \
                      meanwhile goes in one answer), or with none when `wait_ms` has passed. \
                      `reset` means events were pruned: reload the seat states.",
        caller: Caller::Terminal,
        path_params: &[SITE],
        query: &[
            Param {
                name: "after",
                description: "Last sequence number seen; leave out to learn the current one.",
                schema: schema::<i64>,
                required: false,
            },
            Param {
                name: "wait_ms",
                description: "How long to wait for a first event, in milliseconds (default 0; \
                              central waits at most 30 000).",
                schema: schema::<u64>,
                required: false,
            },
        ],
        request: None,
        status: 200,
        response: Some(schema::<SeatEvents>),
        errors: &[E401, E403, E500],
    },
    Route {
        method: "get",
        path: "/v1/sites/{site}/voids",
        operation_id: "listVoidedTickets",
        tag: "terminals",
        summary: "The site's voided tickets after a sequence number (API 1.3)",
        description: "Tickets refunded or whose seat moved no longer open the door: \
                      terminals and door scanners follow this list with their sync. At most \
                      1000 per answer; `more` says whether to ask again from `last_seq`.",
        caller: Caller::Terminal,
        path_params: &[SITE],
        query: &[Param {
            name: "after",
            description: "Last sequence number seen (default 0: the whole list).",
            schema: schema::<i64>,
            required: false,
        }],
        request: None,
        status: 200,
        response: Some(schema::<VoidList>),
        errors: &[E401, E403, E500],
    },
    Route {
        method: "get",
        path: "/v1/sites/{site}/day-report",
        operation_id: "siteDayReport",
        tag: "terminals",
        summary: "The site's business day across its terminals and the web shop (API 1.5)",
        description: "What `boxoffice-central report site` gives, for a terminal of the site \
                      (the manager's Day panel): every sale and refund central holds for \
                      the day, and in `unsynced` every terminal whose day may not all be in \
                      (entries still queued by its last heartbeat, or not heard from).",
        caller: Caller::Terminal,
        path_params: &[SITE],
        query: &[Param {
            name: "day",
            description: "The business day, `YYYY-MM-DD` (default: the site's current one).",
            schema: schema::<String>,
            required: false,
        }],
        request: None,
        status: 200,
        response: Some(day_report),
        errors: &[
            E401,
            E403,
            (404, "`unknown_site`."),
            (422, "`bad_request`: `day` is not a date."),
            E500,
        ],
    },
    Route {
        method: "get",
        path: "/v1/sites/{site}/conflicts",
        operation_id: "listConflicts",
        tag: "terminals",
        summary: "The site's conflict tasks",
        description: "Override sales central could not apply, oldest first, with their \
                      resolution once reseated or refunded.",
        caller: Caller::Terminal,
        path_params: &[SITE],
        query: &[],
        request: None,
        status: 200,
        response: Some(schema::<Vec<ConflictTask>>),
        errors: &[E401, E403, E500],
    },
    Route {
        method: "post",
        path: "/v1/leases",
        operation_id: "topUpLeases",
        tag: "leases",
        summary: "Top up this terminal's leases for offline selling",
        description: "Sized by the site's lease policy (`Catalog.settings.lease_policy`). \
                      Answers all live leases of the terminal.",
        caller: Caller::Terminal,
        path_params: &[],
        query: &[],
        request: Some(schema::<LeaseRequest>),
        status: 200,
        response: Some(schema::<Leases>),
        errors: &[E401, E500],
    },
    Route {
        method: "post",
        path: "/v1/leases/return",
        operation_id: "returnLeases",
        tag: "leases",
        summary: "Give leased seats back to general sale",
        description: "Answers the terminal's remaining live leases.",
        caller: Caller::Terminal,
        path_params: &[],
        query: &[],
        request: Some(schema::<LeaseReturn>),
        status: 200,
        response: Some(schema::<Leases>),
        errors: &[E401, E500],
    },
    Route {
        method: "post",
        path: "/v1/terminals/{id}/heartbeat",
        operation_id: "postHeartbeat",
        tag: "terminals",
        summary: "Report this terminal's queue and version",
        description: "The answer (API 1.6) says the last entry of this terminal central holds \
                      and the highest order count it has seen of it: after central is restored \
                      from a backup, the terminal sends again what central lost. From API 1.7 \
                      the terminal also reports its ring, printer, last backup and free disk \
                      (the fleet), and the answer names the ring central IT put it in.",
        caller: Caller::Terminal,
        path_params: &[id("Terminal id: the calling terminal's own.")],
        query: &[],
        request: Some(schema::<Heartbeat>),
        status: 200,
        response: Some(schema::<HeartbeatAck>),
        errors: &[
            E401,
            (403, "`forbidden`: the path names another terminal."),
            (
                422,
                "`bad_request`: a text over 200 characters, or a ring other than `canary` \
                 and `all`.",
            ),
            E500,
        ],
    },
    Route {
        method: "post",
        path: "/v1/holds/{id}/extend",
        operation_id: "extendHold",
        tag: "seats",
        summary: "Give a hold of this terminal more time",
        description: "The counter extends its hold while the cashier is still choosing or \
                      paying; central caps the time to live.",
        caller: Caller::Terminal,
        path_params: &[id("Hold id.")],
        query: &[],
        request: Some(schema::<protocol::HoldExtend>),
        status: 200,
        response: Some(schema::<Hold>),
        errors: &[
            E401,
            (
                404,
                "`unknown_hold`: no live hold of this terminal has that id.",
            ),
            E500,
        ],
    },
    Route {
        method: "get",
        path: "/v1/web/bookings/{reference}",
        operation_id: "getWebBooking",
        tag: "web",
        summary: "Look up a web booking at the terminal's site",
        description: "The customer shows the booking reference at the counter.",
        caller: Caller::Terminal,
        path_params: &[Param {
            name: "reference",
            description: "Booking reference, e.g. `W1A2B3C4D`.",
            schema: schema::<String>,
            required: true,
        }],
        query: &[],
        request: None,
        status: 200,
        response: Some(schema::<protocol::WebBooking>),
        errors: &[
            E401,
            (
                404,
                "`unknown_booking`: no web booking with that reference at this site.",
            ),
            E500,
        ],
    },
    Route {
        method: "post",
        path: "/v1/web/bookings/{reference}/collect",
        operation_id: "collectWebBooking",
        tag: "web",
        summary: "Collect a web booking: this terminal prints its tickets",
        description: "The first terminal to collect wins. Collecting again from the same \
                      terminal answers the booking again (a lost answer is retried); from \
                      another terminal it is refused with who collected it and when.",
        caller: Caller::Terminal,
        path_params: &[Param {
            name: "reference",
            description: "Booking reference, e.g. `W1A2B3C4D`.",
            schema: schema::<String>,
            required: true,
        }],
        query: &[],
        request: None,
        status: 200,
        response: Some(schema::<protocol::WebBooking>),
        errors: &[
            E401,
            (
                404,
                "`unknown_booking`: no web booking with that reference at this site.",
            ),
            (
                409,
                "`conflict`: already collected at another terminal, or refunded.",
            ),
            E500,
        ],
    },
];
