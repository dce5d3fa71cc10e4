//! Our own ESC/POS parser: turns a byte stream back into printed lines, QR codes, images, cuts
//! and drawer kicks, so tests and the virtual printer can check what a printer would do.
//!
//! It is independent of the `escpos` crate used to encode, so it checks that crate too.

mod error;
mod model;
mod parser;
mod reader;
mod text;

pub use error::DecodeError;
pub use model::{Align, Block, Decoded, Line, QrEcLevel, QrSymbol, Raster};

/// Decodes an ESC/POS byte stream.
///
/// Unknown commands whose length is known are skipped; an unknown command of unknown length
/// or a truncated command is an error. Text left in the print buffer at the end of the stream
/// is reported as a last line.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    parser::Parser::new(bytes).run()
}
