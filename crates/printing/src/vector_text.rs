//! Shaped text for vector output (PDF): the same shaping, bidi reordering and
//! font choice as the thermal printer's raster text, returned as glyph ids and
//! positions instead of pixels, with the characters each glyph stands for.

use crate::fonts::{ARABIC_BOLD, ARABIC_REGULAR, MONO_BOLD, MONO_REGULAR};
use crate::text_raster::{FontKind, FontWeight, Layout, fonts, sanitize};
use ab_glyph::{Font as _, GlyphId};

/// One of the bundled fonts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VectorFont {
    /// Noto Sans Mono Regular (Latin letters, digits, punctuation).
    MonoRegular,
    /// Noto Sans Mono Bold.
    MonoBold,
    /// Noto Sans Arabic Regular.
    ArabicRegular,
    /// Noto Sans Arabic Bold.
    ArabicBold,
}

impl VectorFont {
    /// Every bundled font.
    pub const ALL: [VectorFont; 4] = [
        VectorFont::MonoRegular,
        VectorFont::MonoBold,
        VectorFont::ArabicRegular,
        VectorFont::ArabicBold,
    ];

    /// The TrueType file.
    pub fn data(self) -> &'static [u8] {
        match self {
            VectorFont::MonoRegular => MONO_REGULAR,
            VectorFont::MonoBold => MONO_BOLD,
            VectorFont::ArabicRegular => ARABIC_REGULAR,
            VectorFont::ArabicBold => ARABIC_BOLD,
        }
    }

    /// The PostScript name.
    pub fn ps_name(self) -> &'static str {
        match self {
            VectorFont::MonoRegular => "NotoSansMono-Regular",
            VectorFont::MonoBold => "NotoSansMono-Bold",
            VectorFont::ArabicRegular => "NotoSansArabic-Regular",
            VectorFont::ArabicBold => "NotoSansArabic-Bold",
        }
    }

    fn of(kind: FontKind, weight: FontWeight) -> VectorFont {
        match (kind, weight) {
            (FontKind::Latin, FontWeight::Regular) => VectorFont::MonoRegular,
            (FontKind::Latin, FontWeight::Bold) => VectorFont::MonoBold,
            (FontKind::Arabic, FontWeight::Regular) => VectorFont::ArabicRegular,
            (FontKind::Arabic, FontWeight::Bold) => VectorFont::ArabicBold,
        }
    }

    fn parsed(self) -> Option<&'static ab_glyph::FontRef<'static>> {
        let fonts = fonts()?;
        let (kind, weight) = match self {
            VectorFont::MonoRegular => (FontKind::Latin, FontWeight::Regular),
            VectorFont::MonoBold => (FontKind::Latin, FontWeight::Bold),
            VectorFont::ArabicRegular => (FontKind::Arabic, FontWeight::Regular),
            VectorFont::ArabicBold => (FontKind::Arabic, FontWeight::Bold),
        };
        Some(&fonts.set(weight).shaper(kind).outlines)
    }

    /// Metrics in thousandths of an em, as PDF font dictionaries want them.
    pub fn metrics(self) -> FontMetrics {
        let Some(font) = self.parsed() else {
            return FontMetrics::default();
        };
        let per_em = font.units_per_em().unwrap_or(1000.0);
        let k = 1000.0 / per_em;
        FontMetrics {
            ascent: font.ascent_unscaled() * k,
            descent: font.descent_unscaled() * k,
            glyph_count: u16::try_from(font.glyph_count()).unwrap_or(u16::MAX),
        }
    }

    /// Advance width of glyph `id` in thousandths of an em.
    pub fn advance(self, id: u16) -> f32 {
        let Some(font) = self.parsed() else {
            return 0.0;
        };
        let per_em = font.units_per_em().unwrap_or(1000.0);
        font.h_advance_unscaled(GlyphId(id)) * 1000.0 / per_em
    }
}

/// A font's vertical metrics, in thousandths of an em.
#[derive(Debug, Clone, Copy, Default)]
pub struct FontMetrics {
    /// Height above the baseline.
    pub ascent: f32,
    /// Depth below the baseline (negative).
    pub descent: f32,
    /// Number of glyphs in the font.
    pub glyph_count: u16,
}

/// A glyph placed on a line.
#[derive(Debug, Clone)]
pub struct VectorGlyph {
    /// Its font.
    pub font: VectorFont,
    /// Glyph id in that font.
    pub id: u16,
    /// Offset from the start of the line, in the size's units.
    pub x: f32,
    /// Offset up from the baseline, in the size's units.
    pub y: f32,
    /// The characters it stands for (a ligature stands for several; the
    /// second glyph of a cluster for none). Right to left, a glyph standing
    /// for several characters has them in visual order (a lam-alef ligature
    /// "لأ" gives "أل"): text extraction reverses right-to-left runs
    /// character by character, and so gets the logical order back.
    pub text: String,
}

/// One line of text, shaped and in visual order (left to right).
#[derive(Debug, Clone, Default)]
pub struct VectorLine {
    /// The glyphs.
    pub glyphs: Vec<VectorGlyph>,
    /// Total advance, in the size's units.
    pub width: f32,
}

/// Shapes `text` as one line at `size` (any unit: points for a PDF). Arabic
/// is joined and set right to left; mixed text is ordered by the Unicode
/// bidirectional algorithm, as on the printed ticket.
pub fn shape_line(text: &str, size: f32, weight: FontWeight) -> VectorLine {
    let Some(fonts) = fonts() else {
        return VectorLine::default();
    };
    let text = sanitize(text);
    if text.is_empty() {
        return VectorLine::default();
    }
    let layout = Layout::new(&text, fonts.set(weight), size);
    let shaped = layout.shape_line(0..text.len());
    VectorLine {
        width: shaped.width,
        glyphs: shaped
            .glyphs
            .into_iter()
            .map(|g| VectorGlyph {
                font: VectorFont::of(g.font, weight),
                id: g.id,
                x: g.x,
                y: -g.y,
                text: {
                    let chars = text.get(g.text).unwrap_or_default();
                    if g.rtl {
                        chars.chars().rev().collect()
                    } else {
                        chars.to_string()
                    }
                },
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_is_joined_and_reversed_with_its_text_kept() {
        let line = shape_line("قاعة 1", 10.0, FontWeight::Regular);
        assert!(line.width > 0.0);
        // Visual order: the digit (left) comes before the Arabic letters.
        let first = &line.glyphs[0];
        assert_eq!(first.text, "1");
        assert_eq!(first.font, VectorFont::ArabicRegular);
        // Every character is accounted for once, whatever the glyph order.
        let mut chars: Vec<char> = line.glyphs.iter().flat_map(|g| g.text.chars()).collect();
        chars.sort_unstable();
        let mut want: Vec<char> = "قاعة 1".chars().collect();
        want.sort_unstable();
        assert_eq!(chars, want);
        // Joined forms differ from the isolated letters.
        let isolated = shape_line("ق ا ع ة", 10.0, FontWeight::Regular);
        let ids = |l: &VectorLine| -> Vec<u16> {
            l.glyphs
                .iter()
                .filter(|g| g.text != " ")
                .map(|g| g.id)
                .collect()
        };
        assert_ne!(ids(&line)[1..], ids(&isolated)[..]);
    }

    #[test]
    fn latin_uses_the_mono_font_and_advances() {
        let line = shape_line("AED 75.00", 10.0, FontWeight::Bold);
        assert_eq!(line.glyphs.len(), 9);
        assert!(line.glyphs.iter().all(|g| g.font == VectorFont::MonoBold));
        assert!(line.glyphs[1].x > line.glyphs[0].x);
        assert!((VectorFont::MonoBold.advance(line.glyphs[0].id) - 600.0).abs() < 1.0);
    }
}
