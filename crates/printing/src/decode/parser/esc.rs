//! ESC commands.

use super::{Parser, align_from, flag};
use crate::decode::DecodeError;

impl Parser<'_> {
    pub(super) fn esc(&mut self, start: usize) -> Result<(), DecodeError> {
        let cmd = self.r.byte(start, "ESC")?;
        match cmd {
            b'@' => self.initialize(),
            b'a' => {
                if let Some(align) = align_from(self.r.byte(start, "ESC a")?) {
                    self.style.align = align;
                }
            }
            b'E' => self.style.bold = flag(self.r.byte(start, "ESC E")?),
            b'-' => {
                self.style.underline = matches!(self.r.byte(start, "ESC -")?, 1 | 2 | b'1' | b'2')
            }
            b'!' => {
                let n = self.r.byte(start, "ESC !")?;
                self.print_mode(n);
            }
            b'd' => {
                let n = self.r.byte(start, "ESC d")?;
                self.feed_lines(n);
            }
            b'J' => {
                let n = self.r.byte(start, "ESC J")?;
                self.feed_dots(n);
            }
            b'2' => self.line_spacing = super::DEFAULT_LINE_SPACING,
            b'3' => self.line_spacing = u32::from(self.r.byte(start, "ESC 3")?),
            b'p' => {
                self.skip(3, start, "ESC p")?;
                self.drawer_kick();
            }
            b'i' | b'm' => self.cut(),
            b'*' => self.bit_image(start)?,
            // Double width on/off of older models.
            0x0e => self.style.width_mul = 2,
            0x14 => self.style.width_mul = 1,
            // No parameters: page/standard mode, print in page mode, paper sensor status.
            b'L' | b'S' | 0x0c | b'v' => {}
            // One parameter we do not interpret: code page (t), character set (R), double strike
            // (G), font (M), rotation (V), upside down ({), unidirectional (U), page direction (T),
            // character spacing (SP), user characters (%, ?), peripheral (=), colour (r),
            // status (u), reverse feeds (e, K).
            b't' | b'R' | b'G' | b'M' | b'V' | b'{' | b'U' | b'T' | b' ' | b'%' | b'?' | b'='
            | b'r' | b'u' | b'e' | b'K' => self.skip(1, start, "ESC")?,
            // Two parameters: absolute/relative position ($, \), panel and sensor settings (c),
            // beeper (B).
            b'$' | b'\\' | b'c' | b'B' => self.skip(2, start, "ESC")?,
            b'W' => self.skip(8, start, "ESC W")?,
            b'D' => {
                self.r.until_nul(start, "ESC D")?;
            }
            b'&' => self.user_defined_characters(start)?,
            b'(' => {
                self.r.byte(start, "ESC (")?;
                self.length_prefixed(start, "ESC (")?;
            }
            byte => {
                return Err(DecodeError::UnknownCommand {
                    offset: start,
                    prefix: "ESC",
                    byte,
                });
            }
        }
        Ok(())
    }

    /// ESC ! n: font, emphasis, double height, double width and underline at once.
    fn print_mode(&mut self, n: u8) {
        self.style.bold = n & 0x08 != 0;
        self.style.height_mul = if n & 0x10 != 0 { 2 } else { 1 };
        self.style.width_mul = if n & 0x20 != 0 { 2 } else { 1 };
        self.style.underline = n & 0x80 != 0;
    }

    /// ESC & y c1 c2 [x d1..d(y*x)]...: defines user characters; skipped.
    fn user_defined_characters(&mut self, start: usize) -> Result<(), DecodeError> {
        const CMD: &str = "ESC &";
        let y = usize::from(self.r.byte(start, CMD)?);
        let c1 = self.r.byte(start, CMD)?;
        let c2 = self.r.byte(start, CMD)?;
        for _ in c1..=c2 {
            let x = usize::from(self.r.byte(start, CMD)?);
            self.skip(y * x, start, CMD)?;
        }
        Ok(())
    }
}
