//! QR codes drawn as real modules with the `qrcode` crate, as the printer would.

use super::canvas::Canvas;
use crate::decode::{QrEcLevel, QrSymbol};
use qrcode::{Color, EcLevel, QrCode};

/// A QR code laid out on the paper.
pub(super) enum QrLayout {
    /// Modules (`width` x `width`, row-major, true = dark) at `module` dots each.
    Symbol {
        modules: Vec<bool>,
        width: usize,
        module: u32,
    },
    /// Data the printer cannot encode (too long): drawn as a crossed box.
    Unprintable,
}

/// Side of the crossed box drawn for an unprintable symbol.
pub(super) const UNPRINTABLE_SIDE: u32 = 96;

impl QrLayout {
    /// Encodes the symbol and shrinks the module size, if needed, to fit `max_width` dots.
    pub(super) fn new(symbol: &QrSymbol, max_width: u32) -> Self {
        let Ok(code) = QrCode::with_error_correction_level(&symbol.data, ec_level(symbol.ec_level))
        else {
            return QrLayout::Unprintable;
        };
        let width = code.width();
        let width_dots = u32::try_from(width).unwrap_or(u32::MAX).max(1);
        let module = u32::from(symbol.module_dots.max(1)).min(max_width / width_dots);
        if module == 0 {
            return QrLayout::Unprintable;
        }
        let modules = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        QrLayout::Symbol {
            modules,
            width,
            module,
        }
    }

    /// Side length in dots.
    pub(super) fn side(&self) -> u32 {
        match self {
            QrLayout::Symbol { width, module, .. } => u32::try_from(*width)
                .unwrap_or(u32::MAX)
                .saturating_mul(*module),
            QrLayout::Unprintable => UNPRINTABLE_SIDE,
        }
    }

    pub(super) fn draw(&self, canvas: &mut Canvas, x: i64, y: i64) {
        match self {
            QrLayout::Symbol {
                modules,
                width,
                module,
            } => {
                let m = i64::from(*module);
                for (i, dark) in modules.iter().enumerate() {
                    if *dark {
                        let col = i64::try_from(i % width).unwrap_or(0);
                        let row = i64::try_from(i / width).unwrap_or(0);
                        canvas.fill(x + col * m, y + row * m, m, m);
                    }
                }
            }
            QrLayout::Unprintable => {
                let side = i64::from(UNPRINTABLE_SIDE);
                canvas.fill(x, y, side, 2);
                canvas.fill(x, y + side - 2, side, 2);
                canvas.fill(x, y, 2, side);
                canvas.fill(x + side - 2, y, 2, side);
                for d in 0..side {
                    canvas.fill(x + d, y + d, 2, 2);
                    canvas.fill(x + side - 1 - d, y + d, 2, 2);
                }
            }
        }
    }
}

fn ec_level(level: QrEcLevel) -> EcLevel {
    match level {
        QrEcLevel::L => EcLevel::L,
        QrEcLevel::M => EcLevel::M,
        QrEcLevel::Q => EcLevel::Q,
        QrEcLevel::H => EcLevel::H,
    }
}
