//! Layouts of tickets and receipts, encoded to ESC/POS with the `escpos` crate.

mod driver;
mod job;
mod text;

pub(crate) mod change_slip;
pub(crate) mod qr_fit;
pub(crate) mod receipt;
pub(crate) mod tax_invoice;
pub(crate) mod ticket;
pub(crate) mod utility;
