//! Text bytes to characters.

/// The character shown for a text byte: printable ASCII as itself, anything else as `?`.
pub(super) fn char_for_byte(byte: u8) -> char {
    if (0x20..0x7f).contains(&byte) {
        char::from(byte)
    } else {
        '?'
    }
}

/// Default horizontal tab stops are every 8 characters.
pub(super) const TAB_STOP: usize = 8;
