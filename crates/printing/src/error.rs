//! The error type of printing operations.

use crate::decode::DecodeError;
use crate::render::RenderError;

/// Why a print job could not be built, written or sent.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The ESC/POS encoder rejected the job.
    #[error("could not encode the print job: {0}")]
    Encode(String),
    /// The QR payload is longer than a ticket QR code can carry.
    #[error("QR payload is {len} bytes, at most {max} can be printed")]
    QrTooLong {
        /// Payload length in bytes.
        len: usize,
        /// Largest accepted length in bytes.
        max: usize,
    },
    /// A job name that is empty or not a plain file name.
    #[error("invalid job name {0:?}: use letters, digits, '.', '-' and '_' only")]
    InvalidJobName(String),
    /// A printer address that cannot be resolved.
    #[error("invalid printer address {addr:?}: {reason}")]
    InvalidAddress {
        /// The address as given.
        addr: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The printer did not accept the connection.
    #[error("could not connect to printer {addr}: {source}")]
    Connect {
        /// The address as given.
        addr: String,
        /// The last connection error.
        source: std::io::Error,
    },
    /// The printer did not accept the data in time.
    #[error("printer {addr} timed out")]
    Timeout {
        /// The address as given.
        addr: String,
    },
    /// The printer closed or reset the connection before it had taken the whole job (it may
    /// have died mid-job): the job may be partly printed or not at all, and can be resent.
    #[error("printer {addr} closed the connection before the job was complete: {source}")]
    Interrupted {
        /// The address as given.
        addr: String,
        /// The socket error.
        source: std::io::Error,
    },
    /// A status answer that is not what the ESC/POS specification allows.
    #[error("unexpected printer status: {0}")]
    Status(String),
    /// A picture (logo) that cannot be decoded.
    #[error("unusable picture: {0}")]
    Image(String),
    /// Reading or writing a file or a socket failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// The bytes of a job could not be decoded.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A decoded job could not be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
}

impl PrintError {
    /// A stable short code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::Encode(_) => "print.encode",
            PrintError::QrTooLong { .. } => "print.qr_too_long",
            PrintError::InvalidJobName(_) => "print.job_name",
            PrintError::InvalidAddress { .. } => "print.address",
            PrintError::Connect { .. } => "print.connect",
            PrintError::Timeout { .. } => "print.timeout",
            PrintError::Interrupted { .. } => "print.interrupted",
            PrintError::Status(_) => "print.status",
            PrintError::Image(_) => "print.image",
            PrintError::Io(_) => "print.io",
            PrintError::Decode(_) => "print.decode",
            PrintError::Render(_) => "print.render",
        }
    }
}

impl From<escpos::errors::PrinterError> for PrintError {
    fn from(err: escpos::errors::PrinterError) -> Self {
        PrintError::Encode(err.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(PrintError::Encode("x".into()).code(), "print.encode");
        assert_eq!(
            PrintError::Io(std::io::Error::other("disk full")).code(),
            "print.io"
        );
        assert_eq!(
            PrintError::QrTooLong { len: 2, max: 1 }.code(),
            "print.qr_too_long"
        );
    }
}
