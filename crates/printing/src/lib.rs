//! Boxoffice printing: cinema tickets, simplified tax invoices, seat change slips and other
//! jobs as ESC/POS bytes, plus the tools to check them without a printer (an ESC/POS decoder,
//! a PNG renderer, and a virtual printer writing files or listening on TCP like a network
//! printer), raw TCP sending to network printers and real-time status queries.
//!
//! Text is printed in font A of the printer's default code page; characters outside printable
//! ASCII are transliterated where an obvious equivalent exists (`é` → `e`, `·` → `-`) and
//! printed as `?` otherwise. Arabic (film titles, invoice headers) cannot be printed from a
//! code page: it is shaped and drawn as a raster image ([`raster_text`], module
//! [`text_raster`]).

mod bitmap;
mod encode;
mod error;
mod fonts;
mod logo;
mod paper;

pub mod decode;
pub mod render;
pub mod status;
pub mod tcp;
pub mod text_raster;
pub mod vector_text;
pub mod virtual_printer;

pub use bitmap::MonoBitmap;
pub use decode::Align;
pub use encode::change_slip::{ChangeSlipData, encode_change_slip};
pub use encode::qr_fit::MAX_QR_PAYLOAD_BYTES;
pub use encode::receipt::{ReceiptData, encode_receipt};
pub use encode::tax_invoice::{
    TaxInvoiceData, TaxInvoiceLine, TaxInvoicePayment, encode_tax_invoice,
};
pub use encode::ticket::{TicketData, TicketOptions, encode_ticket, encode_ticket_with};
pub use encode::utility::{encode_drawer_kick, encode_test_page};
pub use error::PrintError;
pub use logo::{Dither, LogoImage, MAX_LOGO_PIXELS};
pub use paper::{Paper, ParsePaperError};
pub use status::PrinterStatus;
pub use text_raster::{FontWeight, RasterTextOptions, measure_text, raster_text, raster_text_with};
