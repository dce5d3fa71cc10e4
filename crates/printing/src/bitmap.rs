//! One-bit images as a thermal printer prints them.

/// A black-and-white image, one bit per printer dot, in the layout of ESC/POS raster images
/// (GS v 0): rows top to bottom, each row `width_bytes()` bytes, most significant bit = leftmost
/// dot, a set bit is a black dot. Unused bits at the end of a row are always clear.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MonoBitmap {
    width: u32,
    height: u32,
    bits: Vec<u8>,
}

impl MonoBitmap {
    /// A white image of `width` x `height` dots.
    pub fn new(width: u32, height: u32) -> Self {
        let len = row_bytes(width).saturating_mul(to_usize(height));
        Self {
            width,
            height,
            bits: vec![0; len],
        }
    }

    /// An image whose dot (x, y) is black when `black(x, y)` is true.
    pub fn from_fn(width: u32, height: u32, mut black: impl FnMut(u32, u32) -> bool) -> Self {
        let mut image = Self::new(width, height);
        for y in 0..height {
            for x in 0..width {
                if black(x, y) {
                    image.set(x, y, true);
                }
            }
        }
        image
    }

    /// Width in dots.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in dots (rows).
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes per row: `ceil(width / 8)`.
    pub fn width_bytes(&self) -> usize {
        row_bytes(self.width)
    }

    /// The packed rows (see the type documentation).
    pub fn bits(&self) -> &[u8] {
        &self.bits
    }

    /// True when the image has no dots at all (zero width or height).
    pub fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// True when no dot is black.
    pub fn is_blank(&self) -> bool {
        self.bits.iter().all(|b| *b == 0)
    }

    /// Number of black dots.
    pub fn ink_dots(&self) -> usize {
        self.bits.iter().map(|b| b.count_ones() as usize).sum()
    }

    /// Whether dot (x, y) is black; false outside the image.
    pub fn get(&self, x: u32, y: u32) -> bool {
        self.index(x, y)
            .is_some_and(|(i, mask)| self.bits[i] & mask != 0)
    }

    /// Sets dot (x, y); ignored outside the image.
    pub fn set(&mut self, x: u32, y: u32, black: bool) {
        if let Some((i, mask)) = self.index(x, y) {
            if black {
                self.bits[i] |= mask;
            } else {
                self.bits[i] &= !mask;
            }
        }
    }

    /// The rows `start..end` (clamped) as a new image.
    pub fn rows(&self, start: u32, end: u32) -> MonoBitmap {
        let end = end.min(self.height);
        let start = start.min(end);
        let stride = self.width_bytes();
        let bits = self.bits[to_usize(start) * stride..to_usize(end) * stride].to_vec();
        MonoBitmap {
            width: self.width,
            height: end - start,
            bits,
        }
    }

    /// The smallest row range holding every black dot, or `None` for a blank image.
    pub fn ink_rows(&self) -> Option<(u32, u32)> {
        let stride = self.width_bytes().max(1);
        let has_ink = |row: &[u8]| row.iter().any(|b| *b != 0);
        let rows: Vec<bool> = self.bits.chunks(stride).map(has_ink).collect();
        let first = rows.iter().position(|ink| *ink)?;
        let last = rows.iter().rposition(|ink| *ink)?;
        Some((to_u32(first), to_u32(last) + 1))
    }

    /// ESC/POS commands printing the image (GS v 0, normal density, in bands of at most 256
    /// rows), with the current justification. Nothing for an empty image.
    pub fn to_escpos(&self) -> Vec<u8> {
        gs_v_0(self)
    }

    fn index(&self, x: u32, y: u32) -> Option<(usize, u8)> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = to_usize(y) * self.width_bytes() + to_usize(x / 8);
        Some((i, 0x80 >> (x % 8)))
    }
}

/// Tallest band sent in one GS v 0 command. Printers with small receive buffers cope better
/// with several bands than with one huge image, and a band stays far below the 2303-row
/// limit of the command.
pub(crate) const MAX_BAND_ROWS: u32 = 256;

/// GS v 0 commands printing `image` at normal density, in bands of at most
/// [`MAX_BAND_ROWS`] rows. Nothing for an empty image.
///
/// Printers act on the real-time commands DLE EOT, DLE ENQ and DLE DC4 wherever those byte
/// sequences appear, even inside image data, so a data byte 0x10 followed by 0x04, 0x05 or
/// 0x14 would make the printer answer a status query or even pulse the cash drawer. Such a
/// byte loses its single dot (0x10 becomes 0x00): invisible on paper, and the job is safe.
pub(crate) fn gs_v_0(image: &MonoBitmap) -> Vec<u8> {
    let mut out = Vec::new();
    if image.is_empty() {
        return out;
    }
    let stride = image.width_bytes();
    let Ok(width_bytes) = u16::try_from(stride) else {
        return out;
    };
    let mut start = 0;
    while start < image.height {
        let end = (start + MAX_BAND_ROWS).min(image.height);
        let rows = u16::try_from(end - start).unwrap_or(u16::MAX);
        out.extend_from_slice(&[0x1d, b'v', b'0', 0]);
        out.extend_from_slice(&width_bytes.to_le_bytes());
        out.extend_from_slice(&rows.to_le_bytes());
        let data_start = out.len();
        out.extend_from_slice(&image.bits[to_usize(start) * stride..to_usize(end) * stride]);
        defuse_real_time_commands(&mut out[data_start..]);
        start = end;
    }
    out
}

/// Clears every 0x10 byte that a printer would read as the start of a real-time command.
pub(crate) fn defuse_real_time_commands(data: &mut [u8]) {
    for i in 0..data.len().saturating_sub(1) {
        if data[i] == 0x10 && matches!(data[i + 1], 0x04 | 0x05 | 0x14) {
            data[i] = 0;
        }
    }
}

fn row_bytes(width: u32) -> usize {
    to_usize(width.div_ceil(8))
}

pub(crate) fn to_usize(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_msb_first_rows() {
        let mut image = MonoBitmap::new(10, 2);
        assert_eq!(image.width_bytes(), 2);
        image.set(0, 0, true);
        image.set(9, 1, true);
        image.set(10, 1, true); // outside: ignored
        assert_eq!(image.bits(), &[0x80, 0, 0, 0x40]);
        assert!(image.get(9, 1));
        assert!(!image.get(10, 1));
        assert_eq!(image.ink_dots(), 2);
        assert_eq!(image.ink_rows(), Some((0, 2)));
        assert_eq!(MonoBitmap::new(8, 3).ink_rows(), None);
    }

    #[test]
    fn tall_images_are_sent_in_bands() {
        let image = MonoBitmap::from_fn(16, 600, |x, y| (x + y) % 3 == 0);
        let bytes = gs_v_0(&image);
        let headers = bytes.windows(3).filter(|w| w == b"\x1dv0").count();
        assert_eq!(headers, 3);
        assert_eq!(bytes.len(), 3 * 8 + 2 * 600);
        assert_eq!(&bytes[..8], &[0x1d, b'v', b'0', 0, 2, 0, 0, 1]);
        assert!(gs_v_0(&MonoBitmap::new(0, 5)).is_empty());
    }

    #[test]
    fn real_time_command_lookalikes_are_defused() {
        let mut data = [0x10, 0x04, 0x01, 0x10, 0x14, 0x10, 0x10, 0x05, 0x10];
        defuse_real_time_commands(&mut data);
        assert_eq!(data, [0x00, 0x04, 0x01, 0x00, 0x14, 0x10, 0x00, 0x05, 0x10]);
    }
}
