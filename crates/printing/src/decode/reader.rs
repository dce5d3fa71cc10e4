//! A bounds-checked cursor over the input bytes.

use super::DecodeError;

/// Reads bytes without ever indexing out of bounds.
pub(super) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    /// Offset of the next byte.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// The next byte, if any, without consuming it.
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The next byte, if any, consumed.
    pub(super) fn next(&mut self) -> Option<u8> {
        let byte = self.bytes.get(self.pos).copied()?;
        self.pos += 1;
        Some(byte)
    }

    /// The next `n` bytes, or a truncation error naming the command that started at `start`.
    pub(super) fn take(
        &mut self,
        n: usize,
        start: usize,
        command: &'static str,
    ) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(DecodeError::Truncated {
                offset: start,
                command,
            })?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// One parameter byte.
    pub(super) fn byte(&mut self, start: usize, command: &'static str) -> Result<u8, DecodeError> {
        self.next().ok_or(DecodeError::Truncated {
            offset: start,
            command,
        })
    }

    /// A little-endian 16-bit parameter (nL nH).
    pub(super) fn u16_le(
        &mut self,
        start: usize,
        command: &'static str,
    ) -> Result<usize, DecodeError> {
        let b = self.take(2, start, command)?;
        Ok(usize::from(b[0]) | (usize::from(b[1]) << 8))
    }

    /// Bytes up to and including the next NUL; the NUL is not returned.
    pub(super) fn until_nul(
        &mut self,
        start: usize,
        command: &'static str,
    ) -> Result<&'a [u8], DecodeError> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|b| *b == 0)
            .ok_or(DecodeError::Truncated {
                offset: start,
                command,
            })?;
        let data = &rest[..len];
        self.pos += len + 1;
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_never_reads_past_the_end() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.take(2, 0, "x").unwrap(), &[1, 2]);
        assert!(r.take(2, 0, "x").is_err());
        assert!(r.take(usize::MAX, 0, "x").is_err());
        assert_eq!(r.take(1, 0, "x").unwrap(), &[3]);
        assert!(r.byte(0, "x").is_err());
    }

    #[test]
    fn until_nul_needs_a_terminator() {
        let mut r = Reader::new(b"ab\0cd");
        assert_eq!(r.until_nul(0, "x").unwrap(), b"ab");
        assert!(r.until_nul(0, "x").is_err());
    }
}
