//! Raster images drawn dot for dot.

use super::canvas::Canvas;
use crate::decode::Raster;

/// Width in dots, scaled.
pub(super) fn width(raster: &Raster) -> u64 {
    (raster.width_bytes as u64) * 8 * u64::from(raster.scale_x.max(1))
}

/// Height in dots, scaled.
pub(super) fn height(raster: &Raster) -> u64 {
    (raster.height as u64) * u64::from(raster.scale_y.max(1))
}

/// Draws the image with its top-left corner at (`x`, `y`); rows below `max_y` are skipped.
pub(super) fn draw(canvas: &mut Canvas, raster: &Raster, x: i64, y: i64, max_y: i64) {
    let sx = i64::from(raster.scale_x.max(1));
    let sy = i64::from(raster.scale_y.max(1));
    let width_bytes = raster.width_bytes.max(1);
    for (row, bytes) in raster.bits.chunks(width_bytes).enumerate() {
        let row_y = y + i64::try_from(row).unwrap_or(i64::MAX / 2) * sy;
        if row_y >= max_y {
            break;
        }
        for (byte_index, byte) in bytes.iter().enumerate() {
            if *byte == 0 {
                continue;
            }
            for bit in 0..8 {
                if byte & (0x80 >> bit) != 0 {
                    let col = i64::try_from(byte_index * 8 + bit).unwrap_or(i64::MAX / 2);
                    canvas.fill(x + col * sx, row_y, sx, sy);
                }
            }
        }
    }
}
