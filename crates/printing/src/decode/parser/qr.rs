//! GS ( k: two-dimensional codes. Only QR (cn = 49) is interpreted; others are skipped.

use super::Parser;
use crate::decode::{Block, QrEcLevel, QrSymbol};

const QR: u8 = 49;
const FN_MODULE_SIZE: u8 = 67;
const FN_ERROR_CORRECTION: u8 = 69;
const FN_STORE: u8 = 80;
const FN_PRINT: u8 = 81;

impl Parser<'_> {
    /// Interprets the body of a GS ( k function: `cn fn parameters...`.
    pub(super) fn two_dimensional_code(&mut self, body: &[u8]) {
        let [cn, function, params @ ..] = body else {
            return;
        };
        if *cn != QR {
            return;
        }
        match *function {
            FN_MODULE_SIZE => {
                if let Some(size) = params.first() {
                    self.qr.module_dots = (*size).clamp(1, 16);
                }
            }
            FN_ERROR_CORRECTION => {
                if let Some(level) = params.first().and_then(|n| ec_level(*n)) {
                    self.qr.ec_level = level;
                }
            }
            FN_STORE => {
                // params = m d1..dk, where m is always 48.
                self.qr.data = params.get(1..).unwrap_or_default().to_vec();
            }
            FN_PRINT => self.print_qr(),
            _ => {}
        }
    }

    fn print_qr(&mut self) {
        if self.qr.data.is_empty() {
            return;
        }
        self.print_pending();
        let symbol = QrSymbol {
            data: self.qr.data.clone(),
            module_dots: self.qr.module_dots,
            ec_level: self.qr.ec_level,
            align: self.style.align,
        };
        self.out
            .qr_codes
            .push(String::from_utf8_lossy(&symbol.data).into_owned());
        self.out.blocks.push(Block::Qr(symbol));
    }
}

fn ec_level(n: u8) -> Option<QrEcLevel> {
    match n {
        48 => Some(QrEcLevel::L),
        49 => Some(QrEcLevel::M),
        50 => Some(QrEcLevel::Q),
        51 => Some(QrEcLevel::H),
        _ => None,
    }
}
