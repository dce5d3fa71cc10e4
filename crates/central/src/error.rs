//! Errors of the central server, each with a stable code and an HTTP status.

use protocol::ApiError;

/// What can go wrong at central.
#[derive(Debug, thiserror::Error)]
pub enum CentralError {
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] crate::sql::DbError),
    /// Migrations failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// Unknown site.
    #[error("unknown site '{0}'")]
    UnknownSite(String),
    /// Unknown or missing terminal.
    #[error("unknown terminal '{0}'")]
    UnknownTerminal(String),
    /// Unknown showtime.
    #[error("unknown showtime '{0}'")]
    UnknownShowtime(String),
    /// Unknown hold.
    #[error("unknown hold '{0}'")]
    UnknownHold(String),
    /// Seats that do not exist in the screen.
    #[error("no such seats in this screen: {}", .0.join(", "))]
    UnknownSeats(Vec<String>),
    /// Seats already held or sold.
    #[error("seats no longer available: {}", .0.join(", "))]
    SeatUnavailable(Vec<String>),
    /// A malformed request.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Stored data that cannot be read back.
    #[error("corrupt data in the database: {0}")]
    Corrupt(String),
    /// Hashing a PIN failed.
    #[error("hashing failed: {0}")]
    Hash(String),
    /// Unknown web booking reference.
    #[error("no web booking '{0}' at this site")]
    UnknownBooking(String),
    /// The request clashes with the current state (e.g. already collected).
    #[error("{0}")]
    Conflict(String),
    /// A terminal without a valid token.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// A known terminal asked for something that is not its own.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A public key that is not a valid Ed25519 key in base64url.
    #[error("invalid public key: {0}")]
    InvalidKey(String),
    /// The terminal already has a different key (rotation is an IT task).
    #[error("terminal '{0}' already has a different key; ask IT to rotate it")]
    KeyConflict(String),
    /// No such release, or not in the caller's ring.
    #[error("unknown release {0}")]
    UnknownRelease(String),
    /// The terminal is enrolled on another counter already.
    #[error(
        "terminal '{0}' is provisioned on another counter already: revoke it (boxoffice-central revoke) and provision it again"
    )]
    AlreadyProvisioned(String),
    /// Past a limit that keeps central up or a seat from being kept for
    /// ever (seats per hold, a hold's lifetime, entries per push).
    #[error("limit: {0}")]
    Limit(String),
    /// Too much at once (long polls): try again shortly.
    #[error("busy: {0}")]
    Busy(String),
}

impl From<rusqlite::Error> for CentralError {
    fn from(e: rusqlite::Error) -> Self {
        CentralError::Db(e.into())
    }
}

impl CentralError {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            CentralError::Db(_) | CentralError::Migration(_) | CentralError::Corrupt(_) => {
                "internal"
            }
            CentralError::Hash(_) => "internal",
            CentralError::UnknownSite(_) => "unknown_site",
            CentralError::UnknownTerminal(_) => "unknown_terminal",
            CentralError::UnknownShowtime(_) => "unknown_showtime",
            CentralError::UnknownHold(_) => "unknown_hold",
            CentralError::UnknownSeats(_) => "unknown_seats",
            CentralError::SeatUnavailable(_) => "seat_unavailable",
            CentralError::BadRequest(_) => "bad_request",
            CentralError::Forbidden(_) => "forbidden",
            CentralError::Unauthorized(_) => "unauthorized",
            CentralError::UnknownBooking(_) => "unknown_booking",
            CentralError::Conflict(_) => "conflict",
            CentralError::InvalidKey(_) => "invalid_key",
            CentralError::KeyConflict(_) => "key_conflict",
            CentralError::AlreadyProvisioned(_) => "already_provisioned",
            CentralError::UnknownRelease(_) => "unknown_release",
            CentralError::Limit(_) => "limit",
            CentralError::Busy(_) => "busy",
        }
    }

    /// HTTP status code for this error.
    pub fn status(&self) -> u16 {
        match self {
            CentralError::Db(_)
            | CentralError::Migration(_)
            | CentralError::Corrupt(_)
            | CentralError::Hash(_) => 500,
            CentralError::UnknownTerminal(_) | CentralError::Unauthorized(_) => 401,
            CentralError::Forbidden(_) => 403,
            CentralError::UnknownSite(_)
            | CentralError::UnknownShowtime(_)
            | CentralError::UnknownHold(_)
            | CentralError::UnknownBooking(_)
            | CentralError::UnknownRelease(_) => 404,
            CentralError::Conflict(_) => 409,
            CentralError::SeatUnavailable(_)
            | CentralError::KeyConflict(_)
            | CentralError::AlreadyProvisioned(_) => 409,
            CentralError::UnknownSeats(_)
            | CentralError::BadRequest(_)
            | CentralError::InvalidKey(_)
            | CentralError::Limit(_) => 422,
            CentralError::Busy(_) => 503,
        }
    }

    /// The wire body.
    pub fn to_api(&self) -> ApiError {
        let seats = match self {
            CentralError::SeatUnavailable(s) | CentralError::UnknownSeats(s) => s.clone(),
            _ => Vec::new(),
        };
        ApiError {
            code: self.code().to_string(),
            message: self.to_string(),
            seats,
        }
    }
}
