//! Errors of the ESC/POS decoder.

/// Why an ESC/POS stream could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The stream ends in the middle of a command.
    #[error("truncated {command} command at byte {offset}")]
    Truncated {
        /// Offset of the command's first byte.
        offset: usize,
        /// Human name of the command.
        command: &'static str,
    },
    /// A command whose length we cannot know, so the rest cannot be decoded.
    #[error("unknown command {prefix} {byte:#04x} at byte {offset}")]
    UnknownCommand {
        /// Offset of the command's first byte.
        offset: usize,
        /// The command prefix: "ESC", "GS", "FS" or "DLE".
        prefix: &'static str,
        /// The byte after the prefix.
        byte: u8,
    },
    /// A parameter outside the range the command defines, making its length unknown.
    #[error("invalid parameter {value} of {command} command at byte {offset}")]
    InvalidParameter {
        /// Offset of the command's first byte.
        offset: usize,
        /// Human name of the command.
        command: &'static str,
        /// The offending parameter.
        value: u8,
    },
}

impl DecodeError {
    /// A stable short code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            DecodeError::Truncated { .. } => "decode.truncated",
            DecodeError::UnknownCommand { .. } => "decode.unknown_command",
            DecodeError::InvalidParameter { .. } => "decode.invalid_parameter",
        }
    }
}
