//! The report as an A4 PDF: the report's tables, text shaped with the same
//! fonts and Arabic shaping as the printed ticket, fonts embedded as subsets
//! with a ToUnicode map (so the text, Arabic film titles included, can be
//! searched and copied).

use crate::ReportError;
use crate::format::local_time;
use crate::model::DayReport;
use crate::tables::{Table, tables};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use printing::FontWeight;
use printing::vector_text::{VectorFont, shape_line};
use std::collections::BTreeMap;
use std::io::Write as _;
use subsetter::GlyphRemapper;

const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 40.0;
const BODY: f32 = 8.0;
const ROW: f32 = 12.0;

/// Glyphs used of one font: new (subset) id to the text it stands for.
#[derive(Default)]
struct Used {
    remapper: GlyphRemapper,
    text: BTreeMap<u16, String>,
}

/// Pages being drawn.
struct Writer {
    pages: Vec<Content>,
    page: Content,
    y: f32,
    fonts: BTreeMap<VectorFont, Used>,
    /// The number of pages, once known (the second pass).
    of: Option<usize>,
}

impl Writer {
    fn new(of: Option<usize>) -> Writer {
        Writer {
            pages: Vec::new(),
            page: Content::new(),
            y: PAGE.1 - MARGIN,
            fonts: BTreeMap::new(),
            of,
        }
    }

    /// Ends the page with its number ("page N of M").
    fn new_page(&mut self) {
        let n = self.pages.len() + 1;
        let text = match self.of {
            Some(of) => format!("page {n} of {of}"),
            None => format!("page {n}"),
        };
        self.text(
            &text,
            MARGIN,
            MARGIN - 16.0,
            PAGE.0 - 2.0 * MARGIN,
            7.0,
            false,
            true,
        );
        let done = std::mem::replace(&mut self.page, Content::new());
        self.pages.push(done);
        self.y = PAGE.1 - MARGIN;
    }

    /// Room for `height` more points on this page, or a new page.
    fn need(&mut self, height: f32) {
        if self.y - height < MARGIN + ROW {
            self.new_page();
        }
    }

    /// Draws `text` in a box `width` wide starting at `x` on the baseline
    /// `y`, right-aligned if `right`, shrunk to fit if it is too wide.
    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, text: &str, x: f32, y: f32, width: f32, size: f32, bold: bool, right: bool) {
        let weight = if bold {
            FontWeight::Bold
        } else {
            FontWeight::Regular
        };
        let mut line = shape_line(text, size, weight);
        let mut size = size;
        if line.width > width && line.width > 0.0 {
            size = (size * width / line.width).max(4.0);
            line = shape_line(text, size, weight);
        }
        let x0 = if right { x + width - line.width } else { x };
        self.page.begin_text();
        let mut current: Option<VectorFont> = None;
        for g in &line.glyphs {
            let used = self.fonts.entry(g.font).or_default();
            let id = used.remapper.remap(g.id);
            if !g.text.is_empty() {
                used.text.entry(id).or_insert_with(|| g.text.clone());
            }
            if current != Some(g.font) {
                self.page.set_font(font_name(g.font), size);
                current = Some(g.font);
            }
            self.page
                .set_text_matrix([1.0, 0.0, 0.0, 1.0, x0 + g.x, y + g.y]);
            self.page.show(Str(&id.to_be_bytes()));
        }
        self.page.end_text();
    }

    fn rule(&mut self, y: f32, gray: f32) {
        self.page
            .set_stroke_gray(gray)
            .set_line_width(0.5)
            .move_to(MARGIN, y)
            .line_to(PAGE.0 - MARGIN, y)
            .stroke();
    }

    fn table(&mut self, t: &Table) {
        self.need(ROW * 3.0);
        self.y -= ROW;
        self.text(
            t.title,
            MARGIN,
            self.y,
            PAGE.0 - 2.0 * MARGIN,
            11.0,
            true,
            false,
        );
        self.y -= ROW + 2.0;
        let total: f32 = t.columns.iter().map(|c| c.weight).sum::<f32>().max(1.0);
        let usable = PAGE.0 - 2.0 * MARGIN;
        let widths: Vec<f32> = t
            .columns
            .iter()
            .map(|c| usable * c.weight / total)
            .collect();
        let heading = |w: &mut Writer| {
            let mut x = MARGIN;
            for (c, width) in t.columns.iter().zip(&widths) {
                w.page.set_fill_gray(0.35);
                w.text(c.name, x, w.y, width - 4.0, 7.0, true, c.figure);
                x += width;
            }
            w.page.set_fill_gray(0.0);
            w.rule(w.y - 3.0, 0.6);
            w.y -= ROW;
        };
        heading(self);
        for row in &t.rows {
            if self.y < MARGIN + ROW {
                self.new_page();
                heading(self);
            }
            let mut x = MARGIN;
            for ((c, width), cell) in t.columns.iter().zip(&widths).zip(row) {
                let right = c.figure || c.arabic;
                self.text(cell, x, self.y, width - 4.0, BODY, false, right);
                x += width;
            }
            self.y -= ROW;
        }
    }
}

fn font_name(font: VectorFont) -> Name<'static> {
    match font {
        VectorFont::MonoRegular => Name(b"F0"),
        VectorFont::MonoBold => Name(b"F1"),
        VectorFont::ArabicRegular => Name(b"F2"),
        VectorFont::ArabicBold => Name(b"F3"),
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Writes the report as a PDF.
pub fn pdf(r: &DayReport) -> Result<Vec<u8>, ReportError> {
    // Drawn twice: the first time to count the pages.
    let pages = draw(r, None).pages.len();
    assemble(draw(r, Some(pages)), r)
}

fn draw(r: &DayReport, of: Option<usize>) -> Writer {
    let mut w = Writer::new(of);
    let at = |t: &str| local_time(t, &r.time_zone);
    w.text(&r.chain_name, MARGIN, w.y, 300.0, 10.0, false, false);
    w.y -= 22.0;
    let title = match r.number {
        Some(n) => format!("{} No. {n}", r.kind.title()),
        None => r.kind.title().to_string(),
    };
    w.text(
        &title,
        MARGIN,
        w.y,
        PAGE.0 - 2.0 * MARGIN,
        16.0,
        true,
        false,
    );
    w.y -= 18.0;
    let lines = [
        format!("{} ({})", r.site_name, r.site_id),
        format!(
            "Business day {}: {} to {} ({})",
            r.business_day,
            at(&r.day_starts_at),
            at(&r.day_ends_at),
            r.time_zone
        ),
        format!("Terminals: {}", r.terminals.join(", ")),
        format!(
            "Made {} by {}; amounts in {}",
            at(&r.generated_at),
            r.by,
            r.currency
        ),
    ];
    for line in &lines {
        w.text(line, MARGIN, w.y, PAGE.0 - 2.0 * MARGIN, 9.0, false, false);
        w.y -= ROW;
    }
    w.rule(w.y + 4.0, 0.0);
    for t in tables(r) {
        w.table(&t);
    }
    w.new_page();
    w
}

fn assemble(w: Writer, r: &DayReport) -> Result<Vec<u8>, ReportError> {
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        let id = Ref::new(next);
        next += 1;
        id
    };
    let catalog = alloc();
    let tree = alloc();
    let info = alloc();
    let page_ids: Vec<(Ref, Ref)> = w.pages.iter().map(|_| (alloc(), alloc())).collect();
    let font_ids: Vec<(VectorFont, [Ref; 5])> = w
        .fonts
        .keys()
        .map(|f| (*f, [alloc(), alloc(), alloc(), alloc(), alloc()]))
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(pdf_writer::TextStr(&format!(
            "{} {} {}",
            r.kind.title(),
            r.site_name,
            r.business_day
        )))
        .producer(pdf_writer::TextStr("Boxoffice"));
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));
    for (content, (page_id, content_id)) in w.pages.into_iter().zip(&page_ids) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
        page.parent(tree);
        page.contents(*content_id);
        let mut res = page.resources();
        let mut fonts = res.fonts();
        for (font, ids) in &font_ids {
            fonts.pair(font_name(*font), ids[0]);
        }
        fonts.finish();
        res.finish();
        page.finish();
        pdf.stream(*content_id, &deflate(&content.finish()))
            .filter(Filter::FlateDecode);
    }
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    for (font, [type0, cid, descriptor, file, cmap]) in &font_ids {
        let Some(used) = w.fonts.get(font) else {
            continue;
        };
        let name = Name(font.ps_name().as_bytes());
        pdf.type0_font(*type0)
            .base_font(name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(*cid)
            .to_unicode(*cmap);
        let mut cid_font = pdf.cid_font(*cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(name)
            .system_info(system)
            .font_descriptor(*descriptor)
            .default_width(0.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let mut widths = cid_font.widths();
        for old in used.remapper.remapped_gids() {
            let new = used.remapper.get(old).unwrap_or(0);
            widths.consecutive(new, [font.advance(old)]);
        }
        widths.finish();
        cid_font.finish();
        let metrics = font.metrics();
        pdf.font_descriptor(*descriptor)
            .name(name)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(-500.0, metrics.descent, 1500.0, metrics.ascent))
            .italic_angle(0.0)
            .ascent(metrics.ascent)
            .descent(metrics.descent)
            .cap_height(metrics.ascent * 0.7)
            .stem_v(80.0)
            .font_file2(*file);
        // Glyph ids in the text are the subset's: without it the text is wrong.
        let subset = subsetter::subset(font.data(), 0, &used.remapper)
            .map_err(|e| ReportError::Pdf(format!("font {}: {e}", font.ps_name())))?;
        pdf.stream(*file, &deflate(&subset))
            .filter(Filter::FlateDecode);
        let mut map = UnicodeCmap::new(Name(b"Custom"), system);
        for (id, text) in &used.text {
            map.pair_with_multiple(*id, text.chars());
        }
        pdf.cmap(*cmap, &map.finish());
    }
    Ok(pdf.finish())
}
