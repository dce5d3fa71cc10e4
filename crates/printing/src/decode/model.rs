//! What a decoded ESC/POS stream contains.

/// Horizontal justification (ESC a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Align {
    /// Flush left (the power-on default).
    #[default]
    Left,
    /// Centered.
    Center,
    /// Flush right.
    Right,
}

/// One printed line of text with the style in force when its first character arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The characters, printable ASCII; other bytes are shown as `?`. Empty for a blank feed.
    pub text: String,
    /// Justification.
    pub align: Align,
    /// Emphasized (ESC E, ESC ! bit 3).
    pub bold: bool,
    /// Character width multiplier, 1..=8 (GS !, ESC ! bit 5).
    pub width_mul: u8,
    /// Character height multiplier, 1..=8 (GS !, ESC ! bit 4).
    pub height_mul: u8,
    /// Underlined (ESC -, ESC ! bit 7).
    pub underline: bool,
    /// White on black (GS B).
    pub reverse: bool,
}

/// QR error correction level (GS ( k, function 169).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QrEcLevel {
    /// About 7 % (the printer default).
    #[default]
    L,
    /// About 15 %.
    M,
    /// About 25 %.
    Q,
    /// About 30 %.
    H,
}

/// A QR code the stream printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrSymbol {
    /// The stored symbol data, byte for byte.
    pub data: Vec<u8>,
    /// Module size in dots (GS ( k function 167), 1..=16.
    pub module_dots: u8,
    /// Error correction level.
    pub ec_level: QrEcLevel,
    /// Justification in force when it was printed.
    pub align: Align,
}

/// A monochrome raster image the stream printed (GS v 0, or ESC * bit image).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    /// Bytes per row; each byte holds 8 horizontal dots, most significant bit first.
    pub width_bytes: usize,
    /// Number of rows.
    pub height: usize,
    /// Horizontal dot multiplier (double-width modes).
    pub scale_x: u8,
    /// Vertical dot multiplier (double-height modes).
    pub scale_y: u8,
    /// Row-major bits, `width_bytes * height` bytes; a set bit is a black dot.
    pub bits: Vec<u8>,
    /// Justification in force when it was printed.
    pub align: Align,
}

/// One step of the paper, in print order; this is what the renderer draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A printed line (`lines[line]`), after which the paper moves `feed_dots`.
    Text {
        /// Index into [`Decoded::lines`].
        line: usize,
        /// Paper movement after the line, in dots.
        feed_dots: u32,
    },
    /// Paper feed without printing.
    Feed {
        /// Distance in dots.
        dots: u32,
    },
    /// A QR code.
    Qr(QrSymbol),
    /// A raster image.
    Raster(Raster),
    /// A paper cut (full or partial).
    Cut,
}

/// What an ESC/POS byte stream says, decoded by our own parser (not the escpos crate).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Decoded {
    /// Printed lines in order, blank feeds included as empty lines.
    pub lines: Vec<Line>,
    /// Payloads of printed QR codes (lossy UTF-8), in order.
    pub qr_codes: Vec<String>,
    /// Number of paper cuts.
    pub cuts: usize,
    /// Number of cash drawer kicks (ESC p, DLE DC4 1).
    pub drawer_kicks: usize,
    /// Number of raster images printed.
    pub rasters: usize,
    /// Everything that moves the paper, in print order.
    pub blocks: Vec<Block>,
}

impl Decoded {
    /// All lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|line| line.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}
