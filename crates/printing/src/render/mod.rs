//! Renders decoded ESC/POS to a PNG picture of the paper, for the virtual printer and for
//! looking at a layout without a printer.

mod canvas;
mod error;
mod font;
mod painter;
mod qr;
mod raster;

pub use error::RenderError;

use crate::Paper;
use crate::decode::Decoded;
use canvas::Canvas;
use painter::Painter;

/// Tallest picture rendered, in dots (about 4 m of paper); anything below is cut off.
pub const MAX_HEIGHT_DOTS: u32 = 32_000;

/// Renders decoded ESC/POS to a PNG image of the paper: white background, black text in a
/// 12 x 24 dot monospace cell per character, QR codes as real scannable modules, raster
/// images, and a dashed line where the paper is cut. The width is `paper.dots()`.
pub fn render_png(decoded: &Decoded, paper: Paper) -> Result<Vec<u8>, RenderError> {
    let fonts = font::Fonts::load()?;
    let height = Painter::new(&fonts, paper.dots(), None).paint(decoded);
    let mut canvas = Canvas::new(paper.dots(), height.min(MAX_HEIGHT_DOTS));
    Painter::new(&fonts, paper.dots(), Some(&mut canvas)).paint(decoded);
    canvas.to_png()
}
