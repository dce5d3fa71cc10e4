//! A print job under construction: thin layout helpers over `escpos::printer::Printer`.

use super::driver::MemoryDriver;
use super::qr_fit::module_dots;
use super::text::{printable, two_columns, wrap};
use crate::bitmap::MonoBitmap;
use crate::text_raster::{FontWeight, RasterTextOptions, raster_text_with};
use crate::{Align, Paper, PrintError};
use escpos::printer::Printer;
use escpos::printer_options::PrinterOptions;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

/// ESC p 0 25 250: pulse drawer pin 2 for 50 ms, then 500 ms off.
///
/// Sent raw because `escpos` 0.20.1 `cash_drawer` emits only `ESC p m`, without the two
/// timing bytes the command requires; a printer would swallow the next two bytes.
pub(super) const DRAWER_KICK_PIN_2: &[u8] = &[0x1b, b'p', 0, 25, 250];

/// ESC J 6: six dots of paper between an image and the next line.
const FEED_AFTER_IMAGE: &[u8] = &[0x1b, b'J', 6];

/// Character size and weight of the next lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Style {
    pub(super) bold: bool,
    pub(super) width: u8,
    pub(super) height: u8,
}

impl Style {
    pub(super) const NORMAL: Style = Style::new(false, 1, 1);
    pub(super) const BOLD: Style = Style::new(true, 1, 1);

    /// A style; multipliers are clamped to the printer's 1..=8.
    pub(super) const fn new(bold: bool, width: u8, height: u8) -> Self {
        Self {
            bold,
            width: clamp_mul(width),
            height: clamp_mul(height),
        }
    }
}

const fn clamp_mul(n: u8) -> u8 {
    if n < 1 {
        1
    } else if n > 8 {
        8
    } else {
        n
    }
}

/// Builds one job in memory.
pub(super) struct Job {
    printer: Printer<MemoryDriver>,
    paper: Paper,
}

impl Job {
    /// Starts a job with the printer initialised (ESC @).
    pub(super) fn start(paper: Paper) -> Result<Self, PrintError> {
        let columns = u8::try_from(paper.columns()).unwrap_or(u8::MAX);
        let options = PrinterOptions::new(None, None, columns);
        let mut printer = Printer::new(MemoryDriver::default(), Protocol::default(), Some(options));
        printer.init()?;
        Ok(Self { printer, paper })
    }

    pub(super) fn paper(&self) -> Paper {
        self.paper
    }

    /// Characters per line at a width multiplier.
    pub(super) fn columns(&self, width: u8) -> usize {
        (self.paper.columns() / usize::from(width.max(1))).max(1)
    }

    pub(super) fn center(&mut self) -> Result<&mut Self, PrintError> {
        self.printer.justify(JustifyMode::CENTER)?;
        Ok(self)
    }

    pub(super) fn left(&mut self) -> Result<&mut Self, PrintError> {
        self.printer.justify(JustifyMode::LEFT)?;
        Ok(self)
    }

    fn style(&mut self, style: Style) -> Result<(), PrintError> {
        self.printer
            .bold(style.bold)?
            .size(style.width, style.height)?;
        Ok(())
    }

    /// Word-wrapped text in `style`; nothing for blank text.
    pub(super) fn paragraph(&mut self, text: &str, style: Style) -> Result<&mut Self, PrintError> {
        let lines = wrap(&printable(text), self.columns(style.width));
        self.lines(&lines, style)
    }

    /// `left` and `right` on one line (wrapping `left` if needed), `right` flush right.
    pub(super) fn two_columns(
        &mut self,
        left: &str,
        right: &str,
        style: Style,
    ) -> Result<&mut Self, PrintError> {
        let lines = two_columns(
            &printable(left),
            &printable(right),
            self.columns(style.width),
        );
        self.lines(&lines, style)
    }

    /// White-on-black text, padded with a space each side (for badges such as a rating).
    pub(super) fn badge(&mut self, text: &str, style: Style) -> Result<&mut Self, PrintError> {
        let width = self.columns(style.width).saturating_sub(2);
        let lines = wrap(&printable(text), width);
        if lines.is_empty() {
            return Ok(self);
        }
        self.style(style)?;
        self.printer.reverse(true)?;
        for line in &lines {
            self.printer.writeln(&format!(" {line} "))?;
        }
        self.printer.reverse(false)?;
        self.style(Style::NORMAL)?;
        Ok(self)
    }

    fn lines(&mut self, lines: &[String], style: Style) -> Result<&mut Self, PrintError> {
        if lines.is_empty() {
            return Ok(self);
        }
        self.style(style)?;
        for line in lines {
            self.printer.writeln(line)?;
        }
        self.style(Style::NORMAL)?;
        Ok(self)
    }

    /// A full-width line of `ch`.
    pub(super) fn rule(&mut self, ch: char) -> Result<&mut Self, PrintError> {
        let line: String = std::iter::repeat_n(ch, self.paper.columns()).collect();
        self.printer.writeln(&printable(&line))?;
        Ok(self)
    }

    /// `n` empty lines.
    pub(super) fn blank(&mut self, n: u8) -> Result<&mut Self, PrintError> {
        if n > 0 {
            self.printer.feeds(n)?;
        }
        Ok(self)
    }

    /// A QR code (model 2, level M) as large as `preferred_dots` modules allow on the paper;
    /// nothing for an empty payload.
    pub(super) fn qr(
        &mut self,
        payload: &str,
        preferred_dots: u8,
    ) -> Result<&mut Self, PrintError> {
        if payload.is_empty() {
            return Ok(self);
        }
        let module = module_dots(payload, preferred_dots, self.paper.dots() * 3 / 4)?;
        let option = QRCodeOption::new(QRCodeModel::Model2, module, QRCodeCorrectionLevel::M);
        self.printer.qrcode_option(payload, option)?;
        Ok(self)
    }

    /// A one-bit image (GS v 0), centered, and a little paper after it; nothing for an empty
    /// image. Justification stays centered.
    pub(super) fn image(&mut self, image: &MonoBitmap) -> Result<&mut Self, PrintError> {
        if image.is_empty() {
            return Ok(self);
        }
        self.printer.justify(JustifyMode::CENTER)?;
        self.printer.custom(&image.to_escpos())?;
        self.printer.custom(FEED_AFTER_IMAGE)?;
        Ok(self)
    }

    /// Text in any script (Arabic in particular) shaped and printed as an image as wide as the
    /// paper, lines placed by `align`; nothing for blank text.
    pub(super) fn raster_text(
        &mut self,
        text: &str,
        size_dots: u32,
        weight: FontWeight,
        align: Align,
    ) -> Result<&mut Self, PrintError> {
        let image = raster_text_with(
            text,
            &RasterTextOptions {
                size_dots,
                max_width_dots: self.paper.dots(),
                align,
                weight,
            },
        );
        self.image(&image)
    }

    /// Opens the cash drawer connected to pin 2.
    pub(super) fn drawer_kick(&mut self) -> Result<&mut Self, PrintError> {
        self.printer.custom(DRAWER_KICK_PIN_2)?;
        Ok(self)
    }

    /// Feeds to the cutter, cuts, and returns the job's bytes.
    pub(super) fn finish(mut self) -> Result<Vec<u8>, PrintError> {
        self.printer.print_cut()?;
        Ok(self.printer.driver().into_bytes())
    }
}
