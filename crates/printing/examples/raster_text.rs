//! Draws text as a raster image and renders it like the printer would print it.
//!
//! `cargo run -p boxoffice-printing --example raster_text -- TEXT [SIZE_DOTS] [80|58] [OUT.png]`

use printing::decode::decode;
use printing::render::render_png;
use printing::{Align, FontWeight, Paper, RasterTextOptions, raster_text_with};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let text = args
        .next()
        .unwrap_or_else(|| "فندق بودابست الكبير - القاعة 1".into());
    let size: u32 = args.next().as_deref().unwrap_or("40").parse()?;
    let paper: Paper = args.next().as_deref().unwrap_or("80").parse()?;
    let out = args
        .next()
        .map_or_else(|| std::env::temp_dir().join("raster_text.png"), Into::into);
    let image = raster_text_with(
        &text,
        &RasterTextOptions {
            size_dots: size,
            max_width_dots: paper.dots(),
            align: Align::Center,
            weight: FontWeight::Bold,
        },
    );
    let png = render_png(&decode(&image.to_escpos())?, paper)?;
    std::fs::write(&out, png)?;
    println!(
        "{} ({}x{} dots)",
        out.display(),
        image.width(),
        image.height()
    );
    Ok(())
}
