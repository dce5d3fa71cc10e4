//! Text printed as a raster image, for scripts a printer code page cannot print: Arabic letters
//! change shape with their neighbours and run right to left, so they are shaped with
//! `rustybuzz` (a port of HarfBuzz), put in visual order with the Unicode bidirectional
//! algorithm (`unicode-bidi`), and drawn from the glyph outlines of the bundled Noto Sans Arabic
//! into a one-bit image the printer prints with GS v 0.
//!
//! Arabic letters, digits and common punctuation come from Noto Sans Arabic; anything that font
//! lacks (Latin letters, for instance) from the bundled Noto Sans Mono. Text wider than the
//! paper wraps at spaces; a word wider than a whole line is split.

use crate::bitmap::MonoBitmap;
use crate::decode::Align;
use crate::fonts::{ARABIC_BOLD, ARABIC_REGULAR, MONO_BOLD, MONO_REGULAR};
use ab_glyph::{Font as _, FontRef, GlyphId, PxScale, point};
use rustybuzz::{Direction, Face, UnicodeBuffer};
use std::ops::Range;
use std::sync::OnceLock;
use unicode_bidi::ParagraphBidiInfo;

/// Smallest and largest accepted text size in dots.
const SIZE_RANGE: (u32, u32) = (6, 400);
/// Distance between the baselines of wrapped lines, in ems.
const LINE_PITCH_EM: f32 = 1.45;
/// Blank rows kept above and below the ink.
const PAD_ROWS: u32 = 2;
/// Words up to this many bytes are measured whole before any splitting is considered.
const SHORT_WORD_BYTES: usize = 256;
/// A pixel is printed when at least this much of it is covered by the glyph.
const INK_THRESHOLD: f32 = 0.5;

/// Weight of the font used for raster text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FontWeight {
    /// Noto Sans Arabic Regular (and Noto Sans Mono Regular).
    #[default]
    Regular,
    /// Noto Sans Arabic Bold (and Noto Sans Mono Bold).
    Bold,
}

/// How [`raster_text_with`] draws text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RasterTextOptions {
    /// Font size (em) in dots, clamped to 6..=400. At 203 dpi, 32 dots are about 4 mm.
    pub size_dots: u32,
    /// Width of the image in dots, rounded down to a multiple of 8; usually the paper's
    /// [`Paper::dots`](crate::Paper::dots).
    pub max_width_dots: u32,
    /// Where each line sits within the width.
    pub align: Align,
    /// Font weight.
    pub weight: FontWeight,
}

impl Default for RasterTextOptions {
    fn default() -> Self {
        Self {
            size_dots: 32,
            max_width_dots: 576,
            align: Align::Center,
            weight: FontWeight::Regular,
        }
    }
}

/// Shapes `text` and draws it as a one-bit image `max_width_dots` wide (rounded down to a
/// multiple of 8), lines placed by `align`, with the regular weight; `px_height` is the font
/// size (em) in dots. See [`raster_text_with`].
pub fn raster_text(text: &str, px_height: u32, max_width_dots: u32, align: Align) -> MonoBitmap {
    raster_text_with(
        text,
        &RasterTextOptions {
            size_dots: px_height,
            max_width_dots,
            align,
            weight: FontWeight::Regular,
        },
    )
}

/// Shapes `text` and draws it as a one-bit image.
///
/// The image is exactly `max_width_dots` wide (rounded down to a multiple of 8) so that its
/// placement does not depend on the printer honouring justification for images. Its height is
/// that of the ink plus two blank rows above and below; text without any ink (empty, blank or
/// control characters only) gives an empty image (height 0), which prints nothing. Control
/// characters count as spaces.
///
/// The paragraph direction comes from the first letter (Arabic: right to left), and mixed
/// runs such as "القاعة 1" are put in visual order by the Unicode bidirectional algorithm.
///
/// Results are remembered (a few hundred of them): a counter prints the same
/// film titles, screen names and headers all day, and shaping and drawing them
/// again was most of the time a ticket took to encode.
pub fn raster_text_with(text: &str, options: &RasterTextOptions) -> MonoBitmap {
    type Key = (String, u32, u32, Align, FontWeight);
    static CACHE: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<Key, MonoBitmap>>,
    > = std::sync::OnceLock::new();
    const CAPACITY: usize = 512;
    let key: Key = (
        text.to_string(),
        options.size_dots,
        options.max_width_dots,
        options.align,
        options.weight,
    );
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return hit.clone();
    }
    let drawn = draw_text(text, options);
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key, drawn.clone());
    drawn
}

fn draw_text(text: &str, options: &RasterTextOptions) -> MonoBitmap {
    let width = options.max_width_dots / 8 * 8;
    let Some(fonts) = fonts() else {
        return MonoBitmap::default();
    };
    let size = options.size_dots.clamp(SIZE_RANGE.0, SIZE_RANGE.1) as f32;
    let text = sanitize(text);
    if width == 0 || text.trim().is_empty() {
        return MonoBitmap::default();
    }
    let layout = Layout::new(&text, fonts.set(options.weight), size);
    let lines = layout.break_lines(width as f32);
    layout.draw(&lines, width, options.align)
}

/// Width in dots of `text` set on one line (no wrapping) at `size_dots`.
pub fn measure_text(text: &str, size_dots: u32, weight: FontWeight) -> u32 {
    let Some(fonts) = fonts() else {
        return 0;
    };
    let size = size_dots.clamp(SIZE_RANGE.0, SIZE_RANGE.1) as f32;
    let text = sanitize(text);
    let layout = Layout::new(&text, fonts.set(weight), size);
    let range = 0..text.len();
    layout.shape_line(range).width.ceil() as u32
}

/// Control characters and paragraph or line separators become spaces, so the text is one
/// paragraph and cannot carry printer commands.
pub(crate) fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// One font, parsed once for shaping and once for outlines.
pub(crate) struct Shaper {
    face: Face<'static>,
    pub(crate) outlines: FontRef<'static>,
    pub(crate) units_per_em: f32,
}

impl Shaper {
    fn new(data: &'static [u8]) -> Option<Self> {
        let face = Face::from_slice(data, 0)?;
        let outlines = FontRef::try_from_slice(data).ok()?;
        let units_per_em = face.units_per_em() as f32;
        Some(Self {
            face,
            outlines,
            units_per_em,
        })
    }

    fn covers(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }
}

/// The Arabic font and its Latin fallback in one weight.
pub(crate) struct FontSet {
    arabic: Shaper,
    latin: Shaper,
}

impl FontSet {
    pub(crate) fn shaper(&self, kind: FontKind) -> &Shaper {
        match kind {
            FontKind::Arabic => &self.arabic,
            FontKind::Latin => &self.latin,
        }
    }
}

pub(crate) struct Fonts {
    regular: FontSet,
    bold: FontSet,
}

impl Fonts {
    pub(crate) fn set(&self, weight: FontWeight) -> &FontSet {
        match weight {
            FontWeight::Regular => &self.regular,
            FontWeight::Bold => &self.bold,
        }
    }
}

/// The bundled fonts, parsed on first use; `None` only if a bundled font were corrupt.
pub(crate) fn fonts() -> Option<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                regular: FontSet {
                    arabic: Shaper::new(ARABIC_REGULAR)?,
                    latin: Shaper::new(MONO_REGULAR)?,
                },
                bold: FontSet {
                    arabic: Shaper::new(ARABIC_BOLD)?,
                    latin: Shaper::new(MONO_BOLD)?,
                },
            })
        })
        .as_ref()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FontKind {
    Arabic,
    Latin,
}

/// A glyph placed relative to the start of its line and the baseline, in dots (y down).
#[derive(Debug, Clone)]
pub(crate) struct PlacedGlyph {
    pub(crate) font: FontKind,
    pub(crate) id: u16,
    pub(crate) x: f32,
    pub(crate) y: f32,
    /// The characters this glyph stands for (byte range of the line's text); empty for
    /// the second and later glyphs of one cluster.
    pub(crate) text: Range<usize>,
    /// Set right to left.
    pub(crate) rtl: bool,
}

#[derive(Debug, Default)]
pub(crate) struct ShapedLine {
    pub(crate) glyphs: Vec<PlacedGlyph>,
    pub(crate) width: f32,
}

/// One paragraph of sanitized text with its bidi levels and the font of each character.
pub(crate) struct Layout<'a> {
    text: &'a str,
    bidi: ParagraphBidiInfo<'a>,
    /// Font of the character starting at each byte (meaningful at character boundaries).
    font_at: Vec<FontKind>,
    fonts: &'a FontSet,
    size: f32,
}

impl<'a> Layout<'a> {
    pub(crate) fn new(text: &'a str, fonts: &'a FontSet, size: f32) -> Self {
        Self {
            text,
            bidi: ParagraphBidiInfo::new(text, None),
            font_at: font_runs(text, fonts),
            fonts,
            size,
        }
    }

    /// Shapes `range` (a line) in visual order.
    pub(crate) fn shape_line(&self, range: Range<usize>) -> ShapedLine {
        let mut line = ShapedLine::default();
        if range.is_empty() {
            return line;
        }
        let (levels, runs) = self.bidi.visual_runs(range);
        for run in runs {
            let Some(level) = levels.get(run.start) else {
                continue;
            };
            let mut segments = self.font_segments(run);
            let direction = if level.is_rtl() {
                segments.reverse();
                Direction::RightToLeft
            } else {
                Direction::LeftToRight
            };
            for (segment, font) in segments {
                self.shape_segment(segment, font, direction, &mut line);
            }
        }
        line
    }

    /// Splits a run into pieces of one font, in logical order.
    fn font_segments(&self, run: Range<usize>) -> Vec<(Range<usize>, FontKind)> {
        let mut segments: Vec<(Range<usize>, FontKind)> = Vec::new();
        for (offset, c) in self.text[run.clone()].char_indices() {
            let start = run.start + offset;
            let end = start + c.len_utf8();
            let font = self.font_at[start];
            match segments.last_mut() {
                Some((range, last)) if *last == font => range.end = end,
                _ => segments.push((start..end, font)),
            }
        }
        segments
    }

    fn shape_segment(
        &self,
        segment: Range<usize>,
        font: FontKind,
        dir: Direction,
        line: &mut ShapedLine,
    ) {
        let shaper = self.fonts.shaper(font);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(&self.text[segment.clone()]);
        buffer.set_direction(dir);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&shaper.face, &[], buffer);
        let scale = self.size / shaper.units_per_em;
        // Cluster starts in logical order: a glyph's text runs to the next one.
        let mut starts: Vec<usize> = shaped
            .glyph_infos()
            .iter()
            .map(|i| i.cluster as usize)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let mut seen = Vec::with_capacity(starts.len());
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            let cluster = info.cluster as usize;
            let text = if seen.contains(&cluster) {
                0..0
            } else {
                seen.push(cluster);
                let end = starts
                    .iter()
                    .find(|s| **s > cluster)
                    .copied()
                    .unwrap_or(segment.len());
                segment.start + cluster..segment.start + end
            };
            line.glyphs.push(PlacedGlyph {
                font,
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                x: line.width + pos.x_offset as f32 * scale,
                y: -(pos.y_offset as f32) * scale,
                text,
                rtl: dir == Direction::RightToLeft,
            });
            line.width += pos.x_advance as f32 * scale;
        }
    }

    fn width_of(&self, range: Range<usize>) -> f32 {
        self.shape_line(range).width
    }

    /// Greedy line breaking at spaces; a word wider than a line is split between characters.
    fn break_lines(&self, max_width: f32) -> Vec<Range<usize>> {
        let mut lines = Vec::new();
        let mut current: Option<Range<usize>> = None;
        for word in words(self.text) {
            if let Some(line) = &current {
                let candidate = line.start..word.end;
                if self.width_of(candidate.clone()) <= max_width {
                    current = Some(candidate);
                    continue;
                }
                lines.extend(current.take());
            }
            let mut word = word;
            loop {
                let end =
                    if word.len() <= SHORT_WORD_BYTES && self.width_of(word.clone()) <= max_width {
                        word.end
                    } else {
                        self.longest_fitting_prefix(word.clone(), max_width)
                    };
                if end >= word.end {
                    current = Some(word);
                    break;
                }
                lines.push(word.start..end);
                word = end..word.end;
            }
        }
        lines.extend(current);
        lines
    }

    /// The end of the longest prefix of `word` that fits (at least one character, so every
    /// line makes progress); `word.end` when the whole word fits. The prefix grows 1, 2, 4...
    /// characters until it no longer fits, then is bisected, so the cost depends on the
    /// length of a line rather than of the word.
    fn longest_fitting_prefix(&self, word: Range<usize>, max_width: f32) -> usize {
        let mut chars = self.text[word.clone()]
            .char_indices()
            .map(|(i, c)| word.start + i + c.len_utf8());
        // ends[i]: end of the prefix of i + 1 characters.
        let mut ends: Vec<usize> = Vec::new();
        let fits = |end: usize| self.width_of(word.start..end) <= max_width;
        let mut good = 0;
        let mut probe = 1;
        let bad = loop {
            while ends.len() <= probe {
                match chars.next() {
                    Some(end) => ends.push(end),
                    None => break,
                }
            }
            let Some(&end) = ends.get(probe) else {
                let last = ends.len().saturating_sub(1);
                match ends.get(last) {
                    Some(&end) if last > good && !fits(end) => break last,
                    _ => return word.end,
                }
            };
            if fits(end) {
                good = probe;
                probe *= 2;
            } else {
                break probe;
            }
        };
        let (mut good, mut bad) = (good, bad);
        while bad - good > 1 {
            let mid = good + (bad - good) / 2;
            if fits(ends[mid]) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        ends.get(good).copied().unwrap_or(word.end)
    }

    /// Draws the lines into an image `width` dots wide, cropped to the ink. Each line is
    /// rasterised in its own band, so memory stays proportional to one line.
    fn draw(&self, lines: &[Range<usize>], width: u32, align: Align) -> MonoBitmap {
        let pitch = (self.size * LINE_PITCH_EM).ceil() as u32;
        // Room for tall marks above a line and descenders below it.
        let margin = self.size.ceil() as u32;
        let line_count = u32::try_from(lines.len()).unwrap_or(u32::MAX);
        let height = pitch.saturating_mul(line_count).saturating_add(2 * margin);
        let band_height = pitch + 2 * margin;
        let w = width as usize;
        let mut image = MonoBitmap::new(width, height);
        let mut coverage = vec![0f32; w * band_height as usize];
        for (i, range) in (0u32..).zip(lines) {
            let line = self.shape_line(range.clone());
            let free = (width as f32 - line.width).max(0.0);
            let x0 = match align {
                Align::Left => 0.0,
                Align::Center => (free / 2.0).floor(),
                Align::Right => free.floor(),
            };
            // The band starts `margin` above the line's top; the baseline is one em below it.
            let baseline = (margin as f32) + self.size;
            coverage.fill(0.0);
            for glyph in &line.glyphs {
                self.draw_glyph(glyph, x0, baseline, width, band_height, &mut coverage);
            }
            let top = pitch.saturating_mul(i);
            for (y, row) in (0u32..).zip(coverage.chunks(w.max(1))) {
                for (x, c) in (0u32..).zip(row) {
                    if *c >= INK_THRESHOLD {
                        image.set(x, top.saturating_add(y), true);
                    }
                }
            }
        }
        match image.ink_rows() {
            Some((first, last)) => image.rows(
                first.saturating_sub(PAD_ROWS),
                last.saturating_add(PAD_ROWS),
            ),
            None => MonoBitmap::default(),
        }
    }

    fn draw_glyph(
        &self,
        glyph: &PlacedGlyph,
        x0: f32,
        baseline: f32,
        width: u32,
        height: u32,
        coverage: &mut [f32],
    ) {
        let font = &self.fonts.shaper(glyph.font).outlines;
        let height_em = font.height_unscaled() / font.units_per_em().unwrap_or(1000.0);
        let scale = PxScale::from(self.size * height_em);
        let positioned = GlyphId(glyph.id)
            .with_scale_and_position(scale, point(x0 + glyph.x, baseline + glyph.y));
        let Some(outline) = font.outline_glyph(positioned) else {
            return;
        };
        let bounds = outline.px_bounds();
        let (left, top) = (bounds.min.x as i64, bounds.min.y as i64);
        let (w, h) = (i64::from(width), i64::from(height));
        outline.draw(|gx, gy, c| {
            let (x, y) = (left + i64::from(gx), top + i64::from(gy));
            if (0..w).contains(&x) && (0..h).contains(&y) {
                // Overlapping glyphs (joined letters) add up, so seams do not turn white.
                let cell = &mut coverage[usize::try_from(y * w + x).unwrap_or(0)];
                *cell = (*cell + c).min(1.0);
            }
        });
    }
}

/// Byte ranges of the space-separated words.
fn words(text: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c == ' ', start) {
            (true, Some(s)) => {
                words.push(s..i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(s..text.len());
    }
    words
}

/// The font of every character (indexed by byte): Arabic where it has the glyph, else Latin.
/// Marks, digits, punctuation and spaces take the font of the letter before them (or after
/// them, at the start) when that font has them, so "IMAX 3D" is set in one font.
fn font_runs(text: &str, fonts: &FontSet) -> Vec<FontKind> {
    let pick = |c: char| {
        if fonts.arabic.covers(c) || !fonts.latin.covers(c) {
            FontKind::Arabic
        } else {
            FontKind::Latin
        }
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut picked: Vec<Option<FontKind>> = chars
        .iter()
        .map(|(_, c)| (c.is_alphabetic() && !is_mark(*c)).then(|| pick(*c)))
        .collect();
    let mut inherit = |order: &mut dyn Iterator<Item = usize>| {
        let mut last: Option<FontKind> = None;
        for i in order {
            match picked[i] {
                Some(kind) => last = Some(kind),
                None => {
                    if let Some(kind) = last.filter(|k| fonts.shaper(*k).covers(chars[i].1)) {
                        picked[i] = Some(kind);
                    }
                }
            }
        }
    };
    inherit(&mut (0..chars.len()));
    inherit(&mut (0..chars.len()).rev());
    let mut kinds = vec![FontKind::Arabic; text.len()];
    for ((start, c), kind) in chars.iter().zip(picked) {
        kinds[*start..start + c.len_utf8()].fill(kind.unwrap_or_else(|| pick(*c)));
    }
    kinds
}

/// Combining marks and joiners that must stay with the letter before them.
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036f}'
        | '\u{0610}'..='\u{061a}'
        | '\u{064b}'..='\u{065f}'
        | '\u{0670}'
        | '\u{06d6}'..='\u{06ed}'
        | '\u{08d3}'..='\u{08ff}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{200c}'..='\u{200d}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{fe20}'..='\u{fe2f}')
}

/// Used by tests: the number of text lines `text` wraps to.
#[cfg(test)]
fn line_count(text: &str, options: &RasterTextOptions) -> usize {
    let text = sanitize(text);
    let Some(fonts) = fonts() else { return 0 };
    let layout = Layout::new(&text, fonts.set(options.weight), options.size_dots as f32);
    layout
        .break_lines((options.max_width_dots / 8 * 8) as f32)
        .len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_parse() {
        let fonts = fonts().expect("bundled fonts");
        assert!(fonts.regular.arabic.covers('ب'));
        assert!(fonts.bold.arabic.covers('1'));
        assert!(!fonts.regular.arabic.covers('A'));
        assert!(fonts.regular.latin.covers('A'));
    }

    #[test]
    fn blank_text_prints_nothing() {
        for text in ["", "   ", "\n\t", "\u{200d}"] {
            let image = raster_text(text, 32, 576, Align::Center);
            assert!(image.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn arabic_is_wide_and_fits() {
        let image = raster_text("فندق بودابست الكبير", 40, 576, Align::Center);
        assert_eq!(image.width(), 576);
        assert!(
            image.height() > 20 && image.height() < 100,
            "{}",
            image.height()
        );
        assert!(image.ink_dots() > 1000);
    }

    #[test]
    fn long_text_wraps() {
        let options = RasterTextOptions {
            size_dots: 40,
            max_width_dots: 384,
            ..Default::default()
        };
        let text = "فندق بودابست الكبير فندق بودابست الكبير فندق بودابست الكبير";
        assert!(line_count(text, &options) >= 3);
        let long_word = "ب".repeat(200);
        assert!(line_count(&long_word, &options) >= 2);
        let image = raster_text_with(text, &options);
        assert_eq!(image.width(), 384);
    }

    #[test]
    fn huge_words_are_split_in_reasonable_time() {
        let options = RasterTextOptions {
            size_dots: 24,
            max_width_dots: 384,
            ..Default::default()
        };
        let word = "بيت".repeat(2000);
        let started = std::time::Instant::now();
        let lines = line_count(&word, &options);
        assert!(lines > 50, "{lines}");
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        // Every piece but the last fills its line.
        let text = sanitize(&word);
        let fonts = fonts().unwrap();
        let layout = Layout::new(&text, fonts.set(options.weight), 24.0);
        let pieces = layout.break_lines(384.0);
        for piece in &pieces[..pieces.len() - 1] {
            let width = layout.width_of(piece.clone());
            assert!(width <= 384.0 && width > 300.0, "{width}");
        }
    }

    #[test]
    fn words_split_at_spaces() {
        assert_eq!(words(" ab  c "), vec![1..3, 5..6]);
        assert!(words("   ").is_empty());
    }

    #[test]
    fn fonts_follow_the_letters() {
        let fonts = fonts().unwrap();
        let set = &fonts.regular;
        let kinds = font_runs("3D", set);
        assert_eq!(kinds[0], FontKind::Latin);
        let text = "القاعة 1";
        let kinds = font_runs(text, set);
        assert!(kinds.iter().all(|k| *k == FontKind::Arabic));
        let text = "IMAX 3D";
        let kinds = font_runs(text, set);
        assert!(kinds.iter().all(|k| *k == FontKind::Latin));
    }
}
