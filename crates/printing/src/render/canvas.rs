//! A grayscale picture of the paper, stored as ink darkness (0 = white paper).

use super::RenderError;

pub(super) struct Canvas {
    width: u32,
    height: u32,
    ink: Vec<u8>,
}

impl Canvas {
    pub(super) fn new(width: u32, height: u32) -> Self {
        let len = usize::try_from(u64::from(width) * u64::from(height)).unwrap_or(0);
        Self {
            width,
            height,
            ink: vec![0; len],
        }
    }

    fn index(&self, x: i64, y: i64) -> Option<usize> {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return None;
        }
        usize::try_from(y * i64::from(self.width) + x).ok()
    }

    /// Adds ink at a pixel (coverage 0..=1); outside the paper is ignored.
    pub(super) fn darken(&mut self, x: i64, y: i64, coverage: f32) {
        if let Some(i) = self.index(x, y) {
            let value = (coverage.clamp(0.0, 1.0) * 255.0).round() as u8;
            self.ink[i] = self.ink[i].max(value);
        }
    }

    /// Removes ink at a pixel (for white text on black).
    pub(super) fn lighten(&mut self, x: i64, y: i64, coverage: f32) {
        if let Some(i) = self.index(x, y) {
            let value = 255 - (coverage.clamp(0.0, 1.0) * 255.0).round() as u8;
            self.ink[i] = self.ink[i].min(value);
        }
    }

    /// A solid black rectangle, clipped to the paper.
    pub(super) fn fill(&mut self, x: i64, y: i64, w: i64, h: i64) {
        let x0 = x.max(0);
        let y0 = y.max(0);
        let x1 = (x + w).min(i64::from(self.width));
        let y1 = (y + h).min(i64::from(self.height));
        for py in y0..y1 {
            for px in x0..x1 {
                if let Some(i) = self.index(px, py) {
                    self.ink[i] = 255;
                }
            }
        }
    }

    /// Encodes as an 8-bit grayscale PNG (white paper, black ink).
    pub(super) fn to_png(&self) -> Result<Vec<u8>, RenderError> {
        let png_error = |e: png::EncodingError| RenderError::Png(e.to_string());
        let pixels: Vec<u8> = self.ink.iter().map(|ink| 255 - ink).collect();
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height.max(1));
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(png_error)?;
        if self.height == 0 {
            let blank = vec![255u8; usize::try_from(self.width).unwrap_or(0)];
            writer.write_image_data(&blank).map_err(png_error)?;
        } else {
            writer.write_image_data(&pixels).map_err(png_error)?;
        }
        writer.finish().map_err(png_error)?;
        Ok(out)
    }
}
