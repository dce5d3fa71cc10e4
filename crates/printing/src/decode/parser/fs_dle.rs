//! FS (kanji and NV image) and DLE (real-time) commands.

use super::{DLE, Parser};
use crate::decode::DecodeError;

const EOT: u8 = 0x04;
const ENQ: u8 = 0x05;
const DC4: u8 = 0x14;

impl Parser<'_> {
    pub(super) fn fs(&mut self, start: usize) -> Result<(), DecodeError> {
        let cmd = self.r.byte(start, "FS")?;
        match cmd {
            // Kanji mode on/off.
            b'&' | b'.' => {}
            // One parameter: kanji print mode, underline, code system, quadruple size.
            b'!' | b'-' | b'C' | b'W' => self.skip(1, start, "FS")?,
            // Two parameters: kanji spacing, user kanji cancel, NV bit image print.
            b'S' | b'?' | b'p' => self.skip(2, start, "FS")?,
            b'2' => self.skip(2 + 72, start, "FS 2")?,
            b'(' => {
                self.r.byte(start, "FS (")?;
                self.length_prefixed(start, "FS (")?;
            }
            b'q' => self.define_nv_images(start)?,
            byte => {
                return Err(DecodeError::UnknownCommand {
                    offset: start,
                    prefix: "FS",
                    byte,
                });
            }
        }
        Ok(())
    }

    /// FS q n [xL xH yL yH d1..dk]1..n: defines NV bit images; skipped.
    fn define_nv_images(&mut self, start: usize) -> Result<(), DecodeError> {
        const CMD: &str = "FS q";
        let n = self.r.byte(start, CMD)?;
        for _ in 0..n {
            let x = self.r.u16_le(start, CMD)?;
            let y = self.r.u16_le(start, CMD)?;
            self.skip(x.saturating_mul(y).saturating_mul(8), start, CMD)?;
        }
        Ok(())
    }

    /// DLE EOT/ENQ/DC4 are real-time commands; a lone DLE is an ignored control byte.
    pub(super) fn dle(&mut self, start: usize) -> Result<(), DecodeError> {
        match self.r.peek() {
            Some(EOT) => {
                self.r.next();
                let n = self.r.byte(start, "DLE EOT")?;
                if matches!(n, 7 | 8) {
                    self.skip(1, start, "DLE EOT")?;
                }
            }
            Some(ENQ) => {
                self.r.next();
                self.skip(1, start, "DLE ENQ")?;
            }
            Some(DC4) => {
                self.r.next();
                self.real_time_request(start)?;
            }
            Some(DLE) | Some(_) | None => {}
        }
        Ok(())
    }

    /// DLE DC4 fn ...: function 1 pulses the cash drawer.
    fn real_time_request(&mut self, start: usize) -> Result<(), DecodeError> {
        const CMD: &str = "DLE DC4";
        match self.r.byte(start, CMD)? {
            1 => {
                self.skip(2, start, CMD)?;
                self.drawer_kick();
            }
            2 | 3 => self.skip(2, start, CMD)?,
            7 => self.skip(1, start, CMD)?,
            8 => self.skip(7, start, CMD)?,
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
