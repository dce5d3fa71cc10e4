//! Boxoffice printing: cinema tickets and cash receipts as ESC/POS bytes, plus the tools to
//! check them without a printer (an ESC/POS decoder, a PNG renderer and a virtual printer) and
//! raw TCP sending to network printers.
//!
//! Text is printed in font A of the printer's default code page; characters outside printable
//! ASCII are transliterated where an obvious equivalent exists (`é` → `e`, `·` → `-`) and
//! printed as `?` otherwise.

mod encode;
mod error;
mod paper;

pub mod decode;
pub mod render;
pub mod tcp;
pub mod virtual_printer;

pub use encode::qr_fit::MAX_QR_PAYLOAD_BYTES;
pub use encode::receipt::{ReceiptData, encode_receipt};
pub use encode::ticket::{TicketData, encode_ticket};
pub use error::PrintError;
pub use paper::{Paper, ParsePaperError};
