//! The OpenAPI 3.1 document of central API v1, built from the code.
//!
//! [`ROUTES`] lists every route of the HTTP router (`http.rs`) with what it
//! takes and answers; the bodies' schemas come from the protocol types themselves
//! (`schemars`, which reads their serde attributes). The document is served at
//! `GET /v1/openapi.json`, printed by `boxoffice-central openapi` and committed
//! as `docs/api/openapi.json`; `tests/openapi.rs` fails when the committed file,
//! this table, the router and serde disagree. See `docs/api/README.md`.

use protocol::{API_VERSION, ApiError, TERMINAL_HEADER, WEB_CHANNEL_HEADER};
use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// Produces the schema of a body, registering named types as components.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// Who calls a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Anyone who can reach central (no identification).
    Anyone,
    /// A counter terminal: `x-boxoffice-terminal` header and its bearer token.
    Terminal,
    /// The chain's website: `x-boxoffice-web-channel` header and its key.
    Website,
    /// Either a terminal or the website, each within its scope.
    TerminalOrWebsite,
}

/// A path or query parameter.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Name, as in the path template or the query string.
    pub name: &'static str,
    /// What it is.
    pub description: &'static str,
    /// Its schema.
    pub schema: SchemaFn,
    /// Whether it must be given (path parameters always are).
    pub required: bool,
}

/// One route of API v1.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// Lower-case HTTP method, e.g. `get`.
    pub method: &'static str,
    /// Path template, as in the router, e.g. `/v1/holds/{id}`.
    pub path: &'static str,
    /// Stable operation id.
    pub operation_id: &'static str,
    /// Group in the document.
    pub tag: &'static str,
    /// One line.
    pub summary: &'static str,
    /// More, when there is more to say.
    pub description: &'static str,
    /// Who calls it.
    pub caller: Caller,
    /// Path parameters, in template order.
    pub path_params: &'static [Param],
    /// Query parameters.
    pub query: &'static [Param],
    /// JSON request body.
    pub request: Option<SchemaFn>,
    /// Success status.
    pub status: u16,
    /// JSON success body (`None`: no body).
    pub response: Option<SchemaFn>,
    /// Error statuses answered with an [`ApiError`] body, and their codes.
    pub errors: &'static [(u16, &'static str)],
}

mod routes;
pub use routes::ROUTES;

/// Groups of operations, in display order.
const TAGS: [(&str, &str); 7] = [
    ("service", "Health and this document."),
    (
        "catalog",
        "Sites, films, screens, showtimes, prices and staff.",
    ),
    (
        "seats",
        "Seat states, holds and the seat event feed: central is the seat authority.",
    ),
    (
        "sales",
        "The terminals' outbox: sales, reseats and refunds, applied once each.",
    ),
    ("leases", "Seats leased to a terminal for offline selling."),
    ("terminals", "Terminal keys, heartbeats and conflict tasks."),
    ("web", "The chain's website."),
];

const DESCRIPTION: &str = "The chain's central booking API, as served by the reference central \
(`boxoffice-central`). Counter terminals sync their catalog, hold seats, push their outbox and \
lease seats for offline selling; the website sells seats.\n\n\
Everything lives under `/v1`. Timestamps are RFC 3339 in UTC, money is integer minor units with \
an explicit currency, entry and order ids are UUIDv7. Errors are `ApiError` bodies with a stable \
`code`; bodies the HTTP framework refuses before central reads them (not JSON, wrong content \
type, wrong shape) get a plain-text answer.\n\n\
Within v1 changes are additive only: new optional fields and new endpoints. Central ignores \
unknown request fields and terminals ignore unknown response fields. See `docs/api/README.md`.";

/// The OpenAPI 3.1 document of API v1, keys sorted.
pub fn openapi() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator();
    let api_error = generator.subschema_for::<ApiError>().to_value();
    let mut paths = Map::new();
    for route in ROUTES {
        let op = operation(route, &mut generator, &api_error);
        let item = paths
            .entry(route.path)
            .or_insert_with(|| Value::Object(Map::new()));
        item[route.method] = op;
    }
    let schemas = generator.take_definitions(true);
    canonical(json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Boxoffice central API",
            "version": API_VERSION,
            "description": DESCRIPTION,
        },
        "servers": [
            { "url": "/", "description": "The central that serves this document." },
            {
                "url": "http://127.0.0.1:7878",
                "description": "The reference central on its default address \
                                (`boxoffice-central serve --demo`).",
            },
        ],
        "tags": TAGS
            .iter()
            .map(|(name, description)| json!({ "name": name, "description": description }))
            .collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {
                "TerminalId": {
                    "name": TERMINAL_HEADER,
                    "in": "header",
                    "required": true,
                    "description": "The calling terminal's id, e.g. `dxb-marina-t1`.",
                    "schema": { "type": "string" },
                },
                "WebChannelId": {
                    "name": WEB_CHANNEL_HEADER,
                    "in": "header",
                    "required": true,
                    "description": "The calling web channel's id, e.g. `shop`.",
                    "schema": { "type": "string" },
                },
            },
            "securitySchemes": {
                "terminalToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A per-terminal token that central IT gives a terminal when \
                                    it is provisioned, sent as `Authorization: Bearer <token>` \
                                    beside the `x-boxoffice-terminal` header. A central in demo \
                                    or development mode also accepts terminals that have no \
                                    token yet, identified by the header alone.",
                },
                "webChannelKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The web shop's key (`boxoffice-central web-channel`), sent \
                                    as `Authorization: Bearer <key>` beside the \
                                    `x-boxoffice-web-channel` header. A demo central writes its \
                                    channel's id and key to `<database>.web-key`.",
                },
            },
        },
    }))
}

/// The document as committed: pretty JSON, keys sorted, a trailing newline.
pub fn openapi_pretty() -> String {
    let mut text = serde_json::to_string_pretty(&openapi())
        .unwrap_or_else(|e| unreachable!("a JSON value always serializes: {e}"));
    text.push('\n');
    text
}

fn operation(route: &Route, generator: &mut SchemaGenerator, api_error: &Value) -> Value {
    let mut op = Map::new();
    op.insert("operationId".into(), json!(route.operation_id));
    op.insert("tags".into(), json!([route.tag]));
    op.insert("summary".into(), json!(route.summary));
    let caller = match route.caller {
        Caller::Anyone => "",
        Caller::Terminal => "Called by a counter terminal.",
        Caller::Website => "Called by the chain's website.",
        Caller::TerminalOrWebsite => "Called by a counter terminal or the chain's website.",
    };
    let description = [route.description, caller]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !description.is_empty() {
        op.insert("description".into(), json!(description));
    }

    let mut parameters = Vec::new();
    match route.caller {
        Caller::Anyone => {}
        Caller::Terminal => {
            parameters.push(json!({ "$ref": "#/components/parameters/TerminalId" }));
            op.insert("security".into(), json!([{ "terminalToken": [] }]));
        }
        Caller::Website => {
            parameters.push(json!({ "$ref": "#/components/parameters/WebChannelId" }));
            op.insert("security".into(), json!([{ "webChannelKey": [] }]));
        }
        Caller::TerminalOrWebsite => {
            for name in [TERMINAL_HEADER, WEB_CHANNEL_HEADER] {
                parameters.push(json!({
                    "name": name,
                    "in": "header",
                    "required": false,
                    "description": "The caller: a terminal's id or a web channel's id (one of the two).",
                    "schema": { "type": "string" },
                }));
            }
            op.insert(
                "security".into(),
                json!([{ "terminalToken": [] }, { "webChannelKey": [] }]),
            );
        }
    }
    for (location, params) in [("path", route.path_params), ("query", route.query)] {
        for p in params {
            parameters.push(json!({
                "name": p.name,
                "in": location,
                "required": p.required,
                "description": p.description,
                "schema": (p.schema)(generator).to_value(),
            }));
        }
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }

    if let Some(request) = route.request {
        op.insert(
            "requestBody".into(),
            json!({
                "required": true,
                "content": { "application/json": { "schema": request(generator).to_value() } },
            }),
        );
    }

    let mut responses = Map::new();
    let success = match route.response {
        Some(body) => {
            let schema = body(generator).to_value();
            // A package download is bytes, not JSON.
            let media = if schema.get("format").and_then(|f| f.as_str()) == Some("binary") {
                "application/octet-stream"
            } else {
                "application/json"
            };
            json!({
                "description": "Success.",
                "content": { media: { "schema": schema } },
            })
        }
        None => json!({ "description": "Done; no body." }),
    };
    responses.insert(route.status.to_string(), success);
    for (status, description) in route.errors {
        let response = if (200..400).contains(status) {
            // 204 No Content and 304 Not Modified have no body.
            json!({ "description": description })
        } else {
            json!({
                "description": description,
                "content": { "application/json": { "schema": api_error } },
            })
        };
        responses.insert(status.to_string(), response);
    }
    // What every route may answer: no credential, and central's time limit.
    if route.caller != Caller::Anyone {
        for (status, text) in [
            ("401", "`unauthorized`: no credential, or a wrong one."),
            (
                "403",
                "`forbidden`: outside the caller's scope, or a route of the other kind of caller.",
            ),
        ] {
            responses.entry(status).or_insert_with(|| {
                json!({
                    "description": text,
                    "content": { "application/json": { "schema": api_error } },
                })
            });
        }
    }
    responses.insert(
        "503".into(),
        json!({
            "description": "`busy`: the request ran past its time limit (15 s, counting its \
                            wait for its turn; a long poll its wait and 15 s), too many requests are \
                            waiting their turn, or too many long polls are open; ask again shortly.",
            "content": { "application/json": { "schema": api_error } },
        }),
    );
    // Refusals of the HTTP framework's extractors, before central reads the request.
    let plain = |what: &str| {
        (
            what.to_string(),
            json!({ "text/plain": { "schema": { "type": "string" } } }),
        )
    };
    let mut framework = Vec::new();
    if route.request.is_some() {
        framework.push((400, plain("The body is not JSON (or, sent gzip, not gzip)")));
        framework.push((
            415,
            plain("`Content-Type` is not `application/json`, or `Content-Encoding` is neither gzip nor none"),
        ));
        framework.push((422, plain("The body does not match the schema")));
        framework.push((
            413,
            plain("The body is larger than 4 MiB (sent or decoded)"),
        ));
    }
    if !route.query.is_empty() {
        framework.push((400, plain("The query string does not match the parameters")));
    }
    for (status, (what, content)) in framework {
        let text = format!("{what} (plain text from the HTTP framework).");
        let entry = responses
            .entry(status.to_string())
            .or_insert_with(|| json!({ "description": "", "content": {} }));
        let old = entry["description"].as_str().unwrap_or_default();
        entry["description"] = json!(if old.is_empty() {
            text
        } else {
            format!("{old} {text}")
        });
        if let (Some(all), Value::Object(more)) = (entry["content"].as_object_mut(), content) {
            all.extend(more);
        }
    }
    op.insert("responses".into(), Value::Object(responses));
    Value::Object(op)
}

/// `value` with every object's keys in sorted order, whatever map serde_json uses.
fn canonical(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, canonical(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}
