//! Small jobs: a cash drawer kick and a printer test page.

use super::job::{DRAWER_KICK_PIN_2, Job, Style};
use crate::text_raster::FontWeight;
use crate::{Align, MonoBitmap, Paper, PrintError};

/// ESC @ then ESC p 0 25 250: opens the cash drawer on pin 2 without printing or cutting.
pub fn encode_drawer_kick() -> Vec<u8> {
    let mut bytes = vec![0x1b, b'@'];
    bytes.extend_from_slice(DRAWER_KICK_PIN_2);
    bytes
}

/// Payload of the test page's QR code.
pub(crate) const TEST_PAGE_QR: &str = "BOXOFFICE PRINTER TEST";

/// A test page: `title`, the paper width, a column ruler, the text styles the layouts use, a
/// line of Arabic printed as an image, a gray ramp, a QR code and a cut. If the ruler's last
/// digit is missing or wraps, the paper setting does not match the printer.
pub fn encode_test_page(title: &str, paper: Paper) -> Result<Vec<u8>, PrintError> {
    let mut job = Job::start(paper)?;
    let columns = paper.columns();
    let ruler: String = (1..=columns)
        .map(|i| char::from(b'0' + u8::try_from(i % 10).unwrap_or(0)))
        .collect();
    job.center()?
        .paragraph(title, Style::new(true, 2, 2))?
        .paragraph(
            &format!("Paper {paper}: {} dots, {columns} columns", paper.dots()),
            Style::NORMAL,
        )?
        .rule('=')?
        .left()?
        .paragraph(&ruler, Style::NORMAL)?
        .paragraph("Normal text ABC abc 0123456789", Style::NORMAL)?
        .paragraph("Bold text", Style::BOLD)?
        .paragraph("Double height", Style::new(false, 1, 2))?
        .paragraph("Double size", Style::new(true, 2, 2))?
        .badge("White on black", Style::BOLD)?
        .rule('-')?
        .raster_text(
            "اختبار الطابعة - القاعة 1",
            32,
            FontWeight::Regular,
            Align::Center,
        )?
        .raster_text("اختبار الطابعة", 32, FontWeight::Bold, Align::Center)?
        .image(&gray_ramp(paper.dots()))?
        .blank(1)?
        .qr(TEST_PAGE_QR, 5)?
        .blank(1)?
        .paragraph("End of test page", Style::NORMAL)?
        .blank(1)?;
    job.finish()
}

/// Eight ordered-dither patches from white to black, 32 dots high.
fn gray_ramp(width: u32) -> MonoBitmap {
    const BAYER: [[u32; 4]; 4] = [[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]];
    let patch = (width / 8).max(1);
    MonoBitmap::from_fn(width, 32, |x, y| {
        let level = (x / patch).min(7) * 16 / 7; // 0..=16 of 16
        BAYER[(y % 4) as usize][(x % 4) as usize] < level
    })
}
