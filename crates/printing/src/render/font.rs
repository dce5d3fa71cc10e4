//! Printer font A imitated with the bundled Noto Sans Mono (SIL OFL 1.1, see
//! `assets/OFL.txt`): one 12 x 24 dot cell per character, scaled for double width/height.

use super::RenderError;
use super::canvas::Canvas;
use crate::fonts::{MONO_BOLD as BOLD, MONO_REGULAR as REGULAR};
use crate::paper::{CHAR_HEIGHT_DOTS, CHAR_WIDTH_DOTS};
use ab_glyph::{Font, FontRef, PxScale, point};

/// Em size in dots of a normal-size character: 20 dots gives a 12-dot advance (0.6 em) and
/// glyphs that fit the 24-dot cell.
const EM_DOTS: f32 = 20.0;
/// Baseline position inside a normal-size cell, from its top.
const BASELINE_DOTS: f32 = 18.0;

/// How to draw one run of characters.
#[derive(Debug, Clone, Copy)]
pub(super) struct TextStyle {
    pub(super) width_mul: u8,
    pub(super) height_mul: u8,
    pub(super) bold: bool,
    pub(super) underline: bool,
    pub(super) reverse: bool,
}

pub(super) struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Fonts {
    pub(super) fn load() -> Result<Self, RenderError> {
        let parse =
            |bytes| FontRef::try_from_slice(bytes).map_err(|e| RenderError::Font(e.to_string()));
        Ok(Self {
            regular: parse(REGULAR)?,
            bold: parse(BOLD)?,
        })
    }

    /// Draws `text` with its first cell's top-left corner at (`x`, `y`).
    pub(super) fn draw(&self, canvas: &mut Canvas, text: &str, x: i64, y: i64, style: TextStyle) {
        let font = if style.bold {
            &self.bold
        } else {
            &self.regular
        };
        let w = u32::from(style.width_mul.max(1));
        let h = u32::from(style.height_mul.max(1));
        let cell_w = i64::from(CHAR_WIDTH_DOTS * w);
        let cell_h = i64::from(CHAR_HEIGHT_DOTS * h);
        let chars = i64::try_from(text.chars().count()).unwrap_or(i64::MAX);
        if style.reverse {
            canvas.fill(x, y, chars.saturating_mul(cell_w), cell_h);
        }

        let units_per_em = font.units_per_em().unwrap_or(1000.0);
        let advance_em = font.h_advance_unscaled(font.glyph_id('0')) / units_per_em;
        let height_em = font.height_unscaled() / units_per_em;
        let em_x = CHAR_WIDTH_DOTS as f32 * w as f32 / advance_em.max(0.1);
        let em_y = EM_DOTS * h as f32;
        let scale = PxScale {
            x: em_x * height_em,
            y: em_y * height_em,
        };
        let baseline = y as f32 + BASELINE_DOTS * h as f32;

        for (i, c) in (0i64..).zip(text.chars()) {
            if c == ' ' {
                continue;
            }
            let cell_x = x + i * cell_w;
            let glyph = font
                .glyph_id(c)
                .with_scale_and_position(scale, point(cell_x as f32, baseline));
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i64, bounds.min.y as i64);
            outline.draw(|gx, gy, coverage| {
                let (px, py) = (left + i64::from(gx), top + i64::from(gy));
                if style.reverse {
                    canvas.lighten(px, py, coverage);
                } else {
                    canvas.darken(px, py, coverage);
                }
            });
        }

        if style.underline {
            let thickness = i64::from(h.max(w).min(3)) + 1;
            let underline_y = y + cell_h - thickness - 1;
            canvas.fill(x, underline_y, chars.saturating_mul(cell_w), thickness);
        }
    }
}
