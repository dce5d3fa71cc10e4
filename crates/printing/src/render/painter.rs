//! Lays decoded blocks out down the paper; measures the height when given no canvas.

use super::canvas::Canvas;
use super::font::{Fonts, TextStyle};
use super::qr::QrLayout;
use super::{MAX_HEIGHT_DOTS, raster};
use crate::decode::{Align, Block, Decoded, Line};
use crate::paper::{CHAR_HEIGHT_DOTS, CHAR_WIDTH_DOTS};

/// Blank paper above the first and below the last printed line.
const MARGIN_DOTS: u64 = 24;
/// Paper taken by a cut, with the dashed line in its middle.
const CUT_DOTS: u64 = 40;
const DASH_DOTS: i64 = 10;
const DASH_GAP_DOTS: i64 = 6;

pub(super) struct Painter<'a> {
    fonts: &'a Fonts,
    width: u32,
    canvas: Option<&'a mut Canvas>,
    y: u64,
}

impl<'a> Painter<'a> {
    pub(super) fn new(fonts: &'a Fonts, width: u32, canvas: Option<&'a mut Canvas>) -> Self {
        Self {
            fonts,
            width,
            canvas,
            y: 0,
        }
    }

    /// Paints (or only measures) every block; returns the paper height in dots.
    pub(super) fn paint(mut self, decoded: &Decoded) -> u32 {
        self.y = MARGIN_DOTS;
        for block in &decoded.blocks {
            if self.y >= u64::from(MAX_HEIGHT_DOTS) {
                break;
            }
            match block {
                Block::Text { line, feed_dots } => {
                    if let Some(line) = decoded.lines.get(*line) {
                        self.text(line, *feed_dots);
                    }
                }
                Block::Feed { dots } => self.y += u64::from(*dots),
                Block::Qr(symbol) => {
                    let layout = QrLayout::new(symbol, self.width);
                    let side = layout.side();
                    let x = self.x_for(symbol.align, u64::from(side));
                    let y = self.y_i64();
                    if let Some(canvas) = self.canvas.as_deref_mut() {
                        layout.draw(canvas, x, y);
                    }
                    self.y += u64::from(side);
                }
                Block::Raster(image) => {
                    let x = self.x_for(image.align, raster::width(image));
                    let y = self.y_i64();
                    if let Some(canvas) = self.canvas.as_deref_mut() {
                        raster::draw(canvas, image, x, y, i64::from(MAX_HEIGHT_DOTS));
                    }
                    self.y = self.y.saturating_add(raster::height(image));
                }
                Block::Cut => {
                    let y = self.y_i64() + (CUT_DOTS as i64) / 2 - 1;
                    let width = i64::from(self.width);
                    if let Some(canvas) = self.canvas.as_deref_mut() {
                        let mut x = 0;
                        while x < width {
                            canvas.fill(x, y, DASH_DOTS, 2);
                            x += DASH_DOTS + DASH_GAP_DOTS;
                        }
                    }
                    self.y += CUT_DOTS;
                }
            }
        }
        let height = self.y.saturating_add(MARGIN_DOTS);
        u32::try_from(height.min(u64::from(MAX_HEIGHT_DOTS))).unwrap_or(MAX_HEIGHT_DOTS)
    }

    /// A text line, wrapped at the paper width like a printer does.
    fn text(&mut self, line: &Line, feed_dots: u32) {
        let w = u32::from(line.width_mul.max(1));
        let h = u32::from(line.height_mul.max(1));
        let cell_w = CHAR_WIDTH_DOTS * w;
        let columns = usize::try_from((self.width / cell_w).max(1)).unwrap_or(1);
        let chars: Vec<char> = line.text.chars().collect();
        if chars.is_empty() {
            self.y += u64::from(feed_dots);
            return;
        }
        let style = TextStyle {
            width_mul: line.width_mul,
            height_mul: line.height_mul,
            bold: line.bold,
            underline: line.underline,
            reverse: line.reverse,
        };
        let row_advance = u64::from(feed_dots.max(CHAR_HEIGHT_DOTS * h));
        let rows: Vec<&[char]> = chars.chunks(columns).collect();
        let last = rows.len().saturating_sub(1);
        for (i, row) in rows.into_iter().enumerate() {
            if self.y >= u64::from(MAX_HEIGHT_DOTS) {
                return;
            }
            let text: String = row.iter().collect();
            let row_width = u64::from(cell_w) * row.len() as u64;
            let x = self.x_for(line.align, row_width);
            let y = self.y_i64();
            if let Some(canvas) = self.canvas.as_deref_mut() {
                self.fonts.draw(canvas, &text, x, y, style);
            }
            self.y += if i == last {
                u64::from(feed_dots)
            } else {
                row_advance
            };
        }
    }

    fn x_for(&self, align: Align, content_width: u64) -> i64 {
        let free = u64::from(self.width).saturating_sub(content_width);
        let x = match align {
            Align::Left => 0,
            Align::Center => free / 2,
            Align::Right => free,
        };
        i64::try_from(x).unwrap_or(0)
    }

    fn y_i64(&self) -> i64 {
        i64::try_from(self.y).unwrap_or(i64::MAX / 2)
    }
}
