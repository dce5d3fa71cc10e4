//! The ESC/POS state machine: printer modes, the line buffer and command dispatch.

mod esc;
mod fs_dle;
mod gs;
mod images;
mod qr;

use super::reader::Reader;
use super::text::{TAB_STOP, char_for_byte};
use super::{Align, Block, DecodeError, Decoded, Line, QrEcLevel};
use crate::paper::CHAR_HEIGHT_DOTS;

const NUL: u8 = 0x00;
const HT: u8 = 0x09;
const LF: u8 = 0x0a;
const FF: u8 = 0x0c;
const CR: u8 = 0x0d;
const DLE: u8 = 0x10;
const CAN: u8 = 0x18;
const ESC: u8 = 0x1b;
const FS: u8 = 0x1c;
const GS: u8 = 0x1d;

/// Power-on line spacing in dots (ESC 2).
const DEFAULT_LINE_SPACING: u32 = 30;
/// Power-on QR module size in dots.
const DEFAULT_QR_MODULE_DOTS: u8 = 3;

/// Character modes that apply to the text printed next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Style {
    align: Align,
    bold: bool,
    width_mul: u8,
    height_mul: u8,
    underline: bool,
    reverse: bool,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            align: Align::Left,
            bold: false,
            width_mul: 1,
            height_mul: 1,
            underline: false,
            reverse: false,
        }
    }
}

/// QR settings and the symbol storage area (GS ( k).
#[derive(Debug, Clone, PartialEq, Eq)]
struct QrState {
    module_dots: u8,
    ec_level: QrEcLevel,
    data: Vec<u8>,
}

impl Default for QrState {
    fn default() -> Self {
        Self {
            module_dots: DEFAULT_QR_MODULE_DOTS,
            ec_level: QrEcLevel::L,
            data: Vec::new(),
        }
    }
}

/// Text waiting in the print buffer, with the style of its first character.
struct PendingLine {
    text: String,
    style: Style,
}

/// Decodes one stream; create one per stream.
pub(in crate::decode) struct Parser<'a> {
    r: Reader<'a>,
    out: Decoded,
    style: Style,
    line_spacing: u32,
    pending: Option<PendingLine>,
    /// Height of bit images (ESC *) already printed as part of the current line.
    line_image_dots: u32,
    qr: QrState,
}

impl<'a> Parser<'a> {
    pub(in crate::decode) fn new(bytes: &'a [u8]) -> Self {
        Self {
            r: Reader::new(bytes),
            out: Decoded::default(),
            style: Style::default(),
            line_spacing: DEFAULT_LINE_SPACING,
            pending: None,
            line_image_dots: 0,
            qr: QrState::default(),
        }
    }

    pub(in crate::decode) fn run(mut self) -> Result<Decoded, DecodeError> {
        while let Some(byte) = self.r.next() {
            let start = self.r.pos() - 1;
            match byte {
                LF => self.print_and_feed_line(),
                FF => self.print_pending(),
                HT => self.tab(),
                ESC => self.esc(start)?,
                GS => self.gs(start)?,
                FS => self.fs(start)?,
                DLE => self.dle(start)?,
                NUL | CR | CAN => {}
                0x01..=0x1f => {}
                _ => self.push_char(char_for_byte(byte)),
            }
        }
        self.print_pending();
        Ok(self.out)
    }

    /// ESC @: clears the print buffer and restores power-on modes.
    fn initialize(&mut self) {
        self.pending = None;
        self.style = Style::default();
        self.line_spacing = DEFAULT_LINE_SPACING;
        self.line_image_dots = 0;
        self.qr = QrState::default();
    }

    fn push_char(&mut self, c: char) {
        let style = self.style;
        self.pending
            .get_or_insert_with(|| PendingLine {
                text: String::new(),
                style,
            })
            .text
            .push(c);
    }

    fn tab(&mut self) {
        // Decoded text is ASCII, so its byte length is its character count.
        let len = self.pending.as_ref().map_or(0, |p| p.text.len());
        let spaces = TAB_STOP - len % TAB_STOP;
        for _ in 0..spaces {
            self.push_char(' ');
        }
    }

    /// Paper movement after a text line: the line spacing plus the extra height of tall text.
    fn text_line_feed(&self, style: &Style) -> u32 {
        self.line_spacing + CHAR_HEIGHT_DOTS * (u32::from(style.height_mul).saturating_sub(1))
    }

    /// LF: prints the buffer (or a blank line) and feeds one line.
    fn print_and_feed_line(&mut self) {
        match self.pending.take() {
            Some(line) => {
                let feed = self.text_line_feed(&line.style);
                self.push_line(line, feed);
            }
            None if self.line_image_dots > 0 => {
                let dots = self.line_spacing.saturating_sub(self.line_image_dots);
                self.out.blocks.push(Block::Feed { dots });
            }
            None => {
                let line = PendingLine {
                    text: String::new(),
                    style: self.style,
                };
                let feed = self.line_spacing;
                self.push_line(line, feed);
            }
        }
        self.line_image_dots = 0;
    }

    /// Prints text waiting in the buffer, if any, as a line (before cuts, codes and images).
    fn print_pending(&mut self) {
        if self.pending.is_some() {
            self.print_and_feed_line();
        }
    }

    /// ESC d n: prints the buffer and feeds n lines.
    fn feed_lines(&mut self, n: u8) {
        if n == 0 {
            self.print_pending();
            return;
        }
        for _ in 0..n {
            self.print_and_feed_line();
        }
    }

    /// ESC J n: prints the buffer and feeds n dots.
    fn feed_dots(&mut self, n: u8) {
        let dots = u32::from(n);
        match self.pending.take() {
            Some(line) => {
                let feed = dots.max(CHAR_HEIGHT_DOTS * u32::from(line.style.height_mul));
                self.push_line(line, feed);
            }
            None => {
                let dots = dots.saturating_sub(self.line_image_dots);
                self.out.blocks.push(Block::Feed { dots });
            }
        }
        self.line_image_dots = 0;
    }

    fn push_line(&mut self, line: PendingLine, feed_dots: u32) {
        let index = self.out.lines.len();
        self.out.lines.push(Line {
            text: line.text,
            align: line.style.align,
            bold: line.style.bold,
            width_mul: line.style.width_mul,
            height_mul: line.style.height_mul,
            underline: line.style.underline,
            reverse: line.style.reverse,
        });
        self.out.blocks.push(Block::Text {
            line: index,
            feed_dots,
        });
    }

    fn cut(&mut self) {
        self.print_pending();
        self.out.cuts += 1;
        self.out.blocks.push(Block::Cut);
    }

    fn drawer_kick(&mut self) {
        self.out.drawer_kicks += 1;
    }

    /// Skips `n` parameter bytes of a command we do not interpret.
    fn skip(&mut self, n: usize, start: usize, command: &'static str) -> Result<(), DecodeError> {
        self.r.take(n, start, command).map(|_| ())
    }

    /// Skips a `pL pH` length-prefixed function (`ESC (`, `GS (`, `FS (`), returning its body.
    fn length_prefixed(
        &mut self,
        start: usize,
        command: &'static str,
    ) -> Result<&'a [u8], DecodeError> {
        let len = self.r.u16_le(start, command)?;
        self.r.take(len, start, command)
    }
}

/// Justification parameter of ESC a (0/48 left, 1/49 center, 2/50 right).
fn align_from(n: u8) -> Option<Align> {
    match n {
        0 | b'0' => Some(Align::Left),
        1 | b'1' => Some(Align::Center),
        2 | b'2' => Some(Align::Right),
        _ => None,
    }
}

/// On/off parameters use the least significant bit.
fn flag(n: u8) -> bool {
    n & 1 == 1
}
