//! Raster (GS v 0) and bit images (ESC *).

use super::Parser;
use crate::decode::{Block, DecodeError, Raster};

impl Parser<'_> {
    /// GS v 0 m xL xH yL yH d1..dk: a raster image, `x` bytes wide and `y` dots high.
    pub(super) fn raster_image(&mut self, start: usize) -> Result<(), DecodeError> {
        const CMD: &str = "GS v 0";
        let function = self.r.byte(start, CMD)?;
        if function != b'0' {
            return Err(DecodeError::InvalidParameter {
                offset: start,
                command: CMD,
                value: function,
            });
        }
        let mode = self.r.byte(start, CMD)?;
        let (scale_x, scale_y) = match mode {
            0 | b'0' => (1, 1),
            1 | b'1' => (2, 1),
            2 | b'2' => (1, 2),
            3 | b'3' => (2, 2),
            value => {
                return Err(DecodeError::InvalidParameter {
                    offset: start,
                    command: CMD,
                    value,
                });
            }
        };
        let width_bytes = self.r.u16_le(start, CMD)?;
        let height = self.r.u16_le(start, CMD)?;
        let bits = self
            .r
            .take(width_bytes.saturating_mul(height), start, CMD)?;
        self.print_pending();
        self.push_raster(Raster {
            width_bytes,
            height,
            scale_x,
            scale_y,
            bits: bits.to_vec(),
            align: self.style.align,
        });
        Ok(())
    }

    /// ESC * m nL nH d1..dk: one stripe of a column-format bit image, 8 or 24 dots high.
    pub(super) fn bit_image(&mut self, start: usize) -> Result<(), DecodeError> {
        const CMD: &str = "ESC *";
        let mode = self.r.byte(start, CMD)?;
        let (bytes_per_column, scale_x, scale_y) = match mode {
            0 => (1, 2, 3),
            1 => (1, 1, 3),
            32 => (3, 2, 1),
            33 => (3, 1, 1),
            value => {
                return Err(DecodeError::InvalidParameter {
                    offset: start,
                    command: CMD,
                    value,
                });
            }
        };
        let columns = self.r.u16_le(start, CMD)?;
        let data = self.r.take(columns * bytes_per_column, start, CMD)?;
        let raster = columns_to_rows(
            data,
            columns,
            bytes_per_column,
            scale_x,
            scale_y,
            self.style.align,
        );
        let dots = u32::try_from(raster.height * usize::from(scale_y)).unwrap_or(u32::MAX);
        self.line_image_dots = self.line_image_dots.max(dots);
        self.push_raster(raster);
        Ok(())
    }

    fn push_raster(&mut self, raster: Raster) {
        self.out.rasters += 1;
        self.out.blocks.push(Block::Raster(raster));
    }
}

/// Converts column-major bit image data (MSB = top dot) to row-major raster bits.
fn columns_to_rows(
    data: &[u8],
    columns: usize,
    bytes_per_column: usize,
    scale_x: u8,
    scale_y: u8,
    align: crate::decode::Align,
) -> Raster {
    let height = bytes_per_column * 8;
    let width_bytes = columns.div_ceil(8);
    let mut bits = vec![0u8; width_bytes * height];
    for (column, column_bytes) in data.chunks(bytes_per_column).enumerate() {
        for (byte_index, byte) in column_bytes.iter().enumerate() {
            for bit in 0..8 {
                if byte & (0x80 >> bit) != 0 {
                    let row = byte_index * 8 + bit;
                    if let Some(target) = bits.get_mut(row * width_bytes + column / 8) {
                        *target |= 0x80 >> (column % 8);
                    }
                }
            }
        }
    }
    Raster {
        width_bytes,
        height,
        scale_x,
        scale_y,
        bits,
        align,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Align;

    #[test]
    fn column_bits_become_row_bits() {
        // Two columns, 8 dots high: column 0 has only the top dot, column 1 only the bottom one.
        let raster = columns_to_rows(&[0x80, 0x01], 2, 1, 1, 1, Align::Left);
        assert_eq!(raster.width_bytes, 1);
        assert_eq!(raster.height, 8);
        assert_eq!(raster.bits[0], 0x80);
        assert_eq!(raster.bits[7], 0x40);
        assert!(raster.bits[1..7].iter().all(|b| *b == 0));
    }
}
