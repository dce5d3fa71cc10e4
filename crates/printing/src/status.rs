//! Real-time printer status: DLE EOT n (Epson ESC/POS "transmit real-time status").
//!
//! The printer answers each query with one byte, even when it is offline or in error. Every
//! answer has bits 1 and 4 set and bits 0 and 7 clear, which tells it apart from other data
//! the printer may send (such as automatic status back).

use crate::PrintError;
use serde::{Deserialize, Serialize};

/// DLE EOT: the prefix of the status queries.
pub const DLE_EOT: [u8; 2] = [0x10, 0x04];

/// What DLE EOT n asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusQuery {
    /// n = 1: printer status (online, drawer sensor).
    Printer = 1,
    /// n = 2: offline cause (cover, feed button, paper end, error).
    Offline = 2,
    /// n = 3: error cause (autocutter, unrecoverable, auto-recoverable).
    Error = 3,
    /// n = 4: roll paper sensors (near end, end).
    RollPaper = 4,
}

impl StatusQuery {
    /// The four queries in order.
    pub const ALL: [StatusQuery; 4] = [
        StatusQuery::Printer,
        StatusQuery::Offline,
        StatusQuery::Error,
        StatusQuery::RollPaper,
    ];

    /// The query's bytes: DLE EOT n.
    pub fn bytes(self) -> [u8; 3] {
        [DLE_EOT[0], DLE_EOT[1], self as u8]
    }

    /// The query for `n`, if 1..=4.
    pub fn from_n(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }
}

/// Bits every status answer has: bit 1 and bit 4 set, bits 0 and 7 clear.
const FIXED_MASK: u8 = 0b1001_0011;
const FIXED_VALUE: u8 = 0b0001_0010;

/// True when `byte` has the fixed bits of a DLE EOT answer.
pub fn is_status_byte(byte: u8) -> bool {
    byte & FIXED_MASK == FIXED_VALUE
}

/// The printer's condition, from the answers to DLE EOT 1, 2, 3 and 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PrinterStatus {
    /// Online: ready to print (n = 1, bit 3 clear).
    pub online: bool,
    /// The roll paper cover is open (n = 2, bit 2).
    pub cover_open: bool,
    /// No paper: the paper end sensor finds none (n = 4, bits 5-6), or printing stopped at
    /// the paper end (n = 2, bit 5).
    pub paper_out: bool,
    /// The paper roll is nearly used up (n = 4, bits 2-3).
    pub paper_near_end: bool,
    /// The cash drawer is open: drawer kick-out connector pin 3 is low (n = 1, bit 2 clear),
    /// Epson's convention for drawers whose switch closes when the drawer shuts. With no
    /// drawer connected the value means nothing.
    pub drawer_open: bool,
    /// An error occurred (n = 2, bit 6): autocutter error, unrecoverable error or
    /// auto-recoverable error such as head overheating (n = 3, bits 3, 5, 6).
    pub error: bool,
}

impl Default for PrinterStatus {
    /// Online, cover closed, paper present, drawer closed, no error.
    fn default() -> Self {
        Self::READY
    }
}

impl PrinterStatus {
    /// A printer ready to print.
    pub const READY: PrinterStatus = PrinterStatus {
        online: true,
        cover_open: false,
        paper_out: false,
        paper_near_end: false,
        drawer_open: false,
        error: false,
    };

    /// True when the printer can print now: online, cover closed, paper present, no error.
    pub fn is_ready(&self) -> bool {
        self.online && !self.cover_open && !self.paper_out && !self.error
    }

    /// Decodes the four answer bytes to DLE EOT 1, 2, 3 and 4 (in that order). Fails with
    /// `print.status` when a byte lacks the fixed bits of a status answer.
    pub fn from_responses(responses: [u8; 4]) -> Result<Self, PrintError> {
        for (query, byte) in StatusQuery::ALL.iter().zip(responses) {
            if !is_status_byte(byte) {
                return Err(PrintError::Status(format!(
                    "answer {byte:#04x} to DLE EOT {} lacks the fixed bits",
                    *query as u8
                )));
            }
        }
        let [printer, offline, error, paper] = responses;
        let bit = |byte: u8, n: u8| byte & (1 << n) != 0;
        Ok(PrinterStatus {
            online: !bit(printer, 3),
            drawer_open: !bit(printer, 2),
            cover_open: bit(offline, 2),
            paper_out: bit(offline, 5) || paper & 0b0110_0000 != 0,
            paper_near_end: paper & 0b0000_1100 != 0,
            error: bit(offline, 6) || error & 0b0110_1000 != 0,
        })
    }

    /// The answer a printer in this condition gives to `query`; [`from_responses`] of the
    /// four answers gives back this status.
    ///
    /// [`from_responses`]: PrinterStatus::from_responses
    pub fn response(&self, query: StatusQuery) -> u8 {
        let flag = |on: bool, bits: u8| if on { bits } else { 0 };
        FIXED_VALUE
            | match query {
                StatusQuery::Printer => flag(!self.online, 0x08) | flag(!self.drawer_open, 0x04),
                StatusQuery::Offline => {
                    flag(self.cover_open, 0x04)
                        | flag(self.paper_out, 0x20)
                        | flag(self.error, 0x40)
                }
                StatusQuery::Error => flag(self.error, 0x40),
                StatusQuery::RollPaper => {
                    flag(self.paper_near_end || self.paper_out, 0x0c) | flag(self.paper_out, 0x60)
                }
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_printer_answers() {
        // Typical answers of a ready Epson printer with the drawer closed.
        let status = PrinterStatus::from_responses([0x16, 0x12, 0x12, 0x12]).unwrap();
        assert_eq!(status, PrinterStatus::READY);
        assert!(status.is_ready());
    }

    #[test]
    fn epson_bits_decode() {
        // Offline, drawer pin low; cover open and paper end stop; autocutter error;
        // paper near end and end.
        let status = PrinterStatus::from_responses([0x1a, 0x36, 0x1a, 0x7e]).unwrap();
        assert!(!status.online);
        assert!(status.drawer_open);
        assert!(status.cover_open);
        assert!(status.paper_out);
        assert!(status.paper_near_end);
        assert!(status.error);
        assert!(!status.is_ready());
        // Only near end.
        let status = PrinterStatus::from_responses([0x16, 0x12, 0x12, 0x1e]).unwrap();
        assert!(status.paper_near_end && !status.paper_out && status.is_ready());
    }

    #[test]
    fn bytes_without_the_fixed_bits_are_refused() {
        let err = PrinterStatus::from_responses([0x16, 0x12, 0x00, 0x12]).unwrap_err();
        assert_eq!(err.code(), "print.status");
        assert!(!is_status_byte(0x93));
    }

    #[test]
    fn responses_round_trip() {
        for bits in 0u8..64 {
            let status = PrinterStatus {
                online: bits & 1 != 0,
                cover_open: bits & 2 != 0,
                paper_out: bits & 4 != 0,
                paper_near_end: bits & 8 != 0 || bits & 4 != 0,
                drawer_open: bits & 16 != 0,
                error: bits & 32 != 0,
            };
            let answers = StatusQuery::ALL.map(|q| status.response(q));
            assert_eq!(PrinterStatus::from_responses(answers).unwrap(), status);
        }
        assert_eq!(StatusQuery::from_n(3), Some(StatusQuery::Error));
        assert_eq!(StatusQuery::from_n(0), None);
        assert_eq!(StatusQuery::RollPaper.bytes(), [0x10, 0x04, 4]);
    }
}
