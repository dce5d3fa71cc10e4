//! GS commands.

use super::{Parser, flag};
use crate::decode::DecodeError;

impl Parser<'_> {
    pub(super) fn gs(&mut self, start: usize) -> Result<(), DecodeError> {
        let cmd = self.r.byte(start, "GS")?;
        match cmd {
            b'!' => {
                let n = self.r.byte(start, "GS !")?;
                self.style.width_mul = ((n >> 4) & 0x07) + 1;
                self.style.height_mul = (n & 0x07) + 1;
            }
            b'B' => self.style.reverse = flag(self.r.byte(start, "GS B")?),
            b'V' => self.paper_cut(start)?,
            b'v' => self.raster_image(start)?,
            b'(' => {
                let function = self.r.byte(start, "GS (")?;
                let body = self.length_prefixed(start, "GS (")?;
                if function == b'k' {
                    self.two_dimensional_code(body);
                }
            }
            b'8' => {
                // GS 8 L p1 p2 p3 p4 ...: large graphics data; skipped.
                let _function = self.r.byte(start, "GS 8")?;
                let p = self.r.take(4, start, "GS 8")?;
                let len = p.iter().rev().fold(0usize, |acc, b| {
                    acc.saturating_mul(256).saturating_add(usize::from(*b))
                });
                self.skip(len, start, "GS 8")?;
            }
            b'k' => self.barcode(start)?,
            b'*' => {
                // GS * x y d1..d(x*y*8): downloaded bit image; skipped.
                let x = usize::from(self.r.byte(start, "GS *")?);
                let y = usize::from(self.r.byte(start, "GS *")?);
                self.skip(x * y * 8, start, "GS *")?;
            }
            // No parameters: macro definition start/end, print counter.
            b':' | b'c' => {}
            // One parameter we do not interpret: smoothing (b), HRI position and font (H, f),
            // barcode height and width (h, w), status (a, r, I), print position (T), downloaded
            // image (/), head control (E), ink ASB (j).
            b'b' | b'H' | b'f' | b'h' | b'w' | b'a' | b'r' | b'I' | b'T' | b'/' | b'E' | b'j' => {
                self.skip(1, start, "GS")?
            }
            // Two parameters: vertical positions ($, \), left margin (L), print area width (W),
            // motion units (P).
            b'$' | b'\\' | b'L' | b'W' | b'P' => self.skip(2, start, "GS")?,
            b'^' => self.skip(3, start, "GS ^")?,
            b'g' => self.skip(4, start, "GS g")?,
            byte => {
                return Err(DecodeError::UnknownCommand {
                    offset: start,
                    prefix: "GS",
                    byte,
                });
            }
        }
        Ok(())
    }

    /// GS V m [n]: function A has no `n`; functions B, C and D have one.
    fn paper_cut(&mut self, start: usize) -> Result<(), DecodeError> {
        const CMD: &str = "GS V";
        match self.r.byte(start, CMD)? {
            0 | 1 | b'0' | b'1' => {}
            65 | 66 | 97 | 98 | 103 | 104 => self.skip(1, start, CMD)?,
            value => {
                return Err(DecodeError::InvalidParameter {
                    offset: start,
                    command: CMD,
                    value,
                });
            }
        }
        self.cut();
        Ok(())
    }

    /// GS k m ...: barcodes are skipped (function A data ends in NUL, function B has a length).
    fn barcode(&mut self, start: usize) -> Result<(), DecodeError> {
        const CMD: &str = "GS k";
        match self.r.byte(start, CMD)? {
            0..=6 => {
                self.r.until_nul(start, CMD)?;
            }
            65..=79 => {
                let n = usize::from(self.r.byte(start, CMD)?);
                self.skip(n, start, CMD)?;
            }
            value => {
                return Err(DecodeError::InvalidParameter {
                    offset: start,
                    command: CMD,
                    value,
                });
            }
        }
        Ok(())
    }
}
