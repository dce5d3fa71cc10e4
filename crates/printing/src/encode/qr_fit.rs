//! Choosing a QR module size that fits the paper.

use crate::PrintError;
use qrcode::EcLevel;

/// Longest QR payload we print, in bytes: beyond this the symbol gets too dense to scan
/// reliably from thermal paper.
pub const MAX_QR_PAYLOAD_BYTES: usize = 1024;

/// The error correction level tickets use (about 15 % of the symbol can be damaged).
pub(super) const TICKET_EC_LEVEL: EcLevel = EcLevel::M;

/// The largest module size up to `preferred` dots at which the symbol for `payload` takes at
/// most `max_width` dots. Printers skip a symbol that is wider than the paper.
pub(super) fn module_dots(payload: &str, preferred: u8, max_width: u32) -> Result<u8, PrintError> {
    let len = payload.len();
    if len > MAX_QR_PAYLOAD_BYTES {
        return Err(PrintError::QrTooLong {
            len,
            max: MAX_QR_PAYLOAD_BYTES,
        });
    }
    // The printer draws the symbol itself: only its width is needed here, and the
    // width follows from the version the data needs. Encoding the bits gives the
    // version without drawing a symbol and scoring its eight masks.
    let bits = qrcode::bits::encode_auto(payload.as_bytes(), TICKET_EC_LEVEL)
        .map_err(|err| PrintError::Encode(format!("QR code: {err}")))?;
    let modules = u32::try_from(bits.version().width())
        .unwrap_or(u32::MAX)
        .max(1);
    let fitting = (max_width / modules).clamp(1, u32::from(preferred.max(1)));
    // `fitting` is at most `preferred`, a u8.
    Ok(u8::try_from(fitting).unwrap_or(preferred))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_payloads_get_the_preferred_size() {
        assert_eq!(module_dots("BO-123", 6, 400).unwrap(), 6);
    }

    #[test]
    fn long_payloads_shrink_to_fit() {
        let payload = "x".repeat(1000);
        let dots = module_dots(&payload, 6, 300).unwrap();
        assert!(dots < 6);
        assert!(dots >= 1);
    }

    #[test]
    fn the_width_is_the_drawn_symbol_s() {
        for len in [1, 10, 50, 120, 200, 230, 260, 400, 700, 1000] {
            for byte in ["x", "7", "BX1|"] {
                let payload = byte.repeat(len / byte.len().max(1) + 1);
                let payload = &payload[..len];
                let drawn = qrcode::QrCode::with_error_correction_level(payload, TICKET_EC_LEVEL)
                    .unwrap()
                    .width();
                let bits = qrcode::bits::encode_auto(payload.as_bytes(), TICKET_EC_LEVEL).unwrap();
                assert_eq!(bits.version().width() as usize, drawn, "{len} x {byte:?}");
            }
        }
    }

    #[test]
    fn too_long_payloads_are_refused() {
        let err = module_dots(&"x".repeat(MAX_QR_PAYLOAD_BYTES + 1), 6, 576).unwrap_err();
        assert_eq!(err.code(), "print.qr_too_long");
    }
}
