//! Logos: PNG pictures turned into one-bit images that fit the paper.

use crate::PrintError;
use crate::bitmap::{MonoBitmap, to_usize};

/// Largest accepted PNG, in pixels (a 4096 x 4096 picture); bigger files are refused rather
/// than decoded.
pub const MAX_LOGO_PIXELS: u64 = 4096 * 4096;

/// How gray pixels become black or white dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Dither {
    /// Threshold for line art (most pixels near black or white), Floyd-Steinberg otherwise.
    #[default]
    Auto,
    /// Black where darker than mid-gray: crisp edges, best for logos and text.
    Threshold,
    /// Floyd-Steinberg error diffusion: keeps gray shades of photos.
    FloydSteinberg,
}

/// A picture to print at the top of a job, decoded from PNG and kept as 8-bit luminance
/// (transparent pixels count as white paper). It is scaled and made black-and-white when a
/// job is encoded, to fit that job's paper.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogoImage {
    width: u32,
    height: u32,
    /// Row-major luminance, 0 = black, 255 = white.
    luma: Vec<u8>,
    dither: Dither,
}

impl LogoImage {
    /// Decodes a PNG (any colour type and bit depth; alpha is composited on white paper).
    /// Fails with `print.image` for anything that is not a PNG, or a picture larger than
    /// [`MAX_LOGO_PIXELS`].
    ///
    /// The last picture decoded is remembered: a counter prints its site's one logo on
    /// every ticket, and decoding it each time cost more than the rest of the ticket.
    pub fn from_png(bytes: &[u8]) -> Result<Self, PrintError> {
        static LAST: std::sync::Mutex<Option<(Vec<u8>, LogoImage)>> = std::sync::Mutex::new(None);
        if let Some((png, logo)) = LAST.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
            && png.as_slice() == bytes
        {
            return Ok(logo.clone());
        }
        let logo = Self::decode_png(bytes)?;
        *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some((bytes.to_vec(), logo.clone()));
        Ok(logo)
    }

    fn decode_png(bytes: &[u8]) -> Result<Self, PrintError> {
        let image_error = |e: png::DecodingError| PrintError::Image(e.to_string());
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(image_error)?;
        let (width, height) = {
            let info = reader.info();
            (info.width, info.height)
        };
        if u64::from(width) * u64::from(height) > MAX_LOGO_PIXELS {
            return Err(PrintError::Image(format!(
                "picture is {width} x {height} pixels, at most {MAX_LOGO_PIXELS} pixels are accepted"
            )));
        }
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| PrintError::Image("picture too large".to_string()))?;
        let mut buf = vec![0; size];
        let frame = reader.next_frame(&mut buf).map_err(image_error)?;
        buf.truncate(frame.buffer_size());
        let channels = match frame.color_type {
            png::ColorType::Grayscale => 1,
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            png::ColorType::Indexed => {
                return Err(PrintError::Image(
                    "indexed colours not expanded".to_string(),
                ));
            }
        };
        let row_len = to_usize(frame.width) * channels;
        let mut luma = Vec::with_capacity(to_usize(frame.width) * to_usize(frame.height));
        for row in buf
            .chunks(frame.line_size.max(1))
            .take(to_usize(frame.height))
        {
            for px in row.get(..row_len).unwrap_or_default().chunks(channels) {
                luma.push(pixel_luma(px));
            }
        }
        Ok(Self {
            width: frame.width,
            height: frame.height,
            luma,
            dither: Dither::Auto,
        })
    }

    /// A logo from luminance values (row-major, 0 = black, 255 = white); `None` when
    /// `luma.len() != width * height`.
    pub fn from_luma(width: u32, height: u32, luma: Vec<u8>) -> Option<Self> {
        (luma.len() as u64 == u64::from(width) * u64::from(height)).then_some(Self {
            width,
            height,
            luma,
            dither: Dither::Auto,
        })
    }

    /// The same picture with another dithering.
    pub fn with_dither(mut self, dither: Dither) -> Self {
        self.dither = dither;
        self
    }

    /// Width of the picture in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height of the picture in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The one-bit image printed: scaled down (never up), keeping the aspect ratio, to at
    /// most `max_width` x `max_height` dots, then thresholded or dithered.
    ///
    /// The last result is remembered (see [`LogoImage::from_png`]).
    pub fn to_bitmap(&self, max_width: u32, max_height: u32) -> MonoBitmap {
        type Last = Option<(LogoImage, u32, u32, MonoBitmap)>;
        static LAST: std::sync::Mutex<Last> = std::sync::Mutex::new(None);
        if let Some((logo, w, h, bitmap)) = LAST.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
            && (*w, *h) == (max_width, max_height)
            && logo == self
        {
            return bitmap.clone();
        }
        let bitmap = self.draw_bitmap(max_width, max_height);
        *LAST.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((self.clone(), max_width, max_height, bitmap.clone()));
        bitmap
    }

    fn draw_bitmap(&self, max_width: u32, max_height: u32) -> MonoBitmap {
        if self.width == 0 || self.height == 0 || max_width == 0 || max_height == 0 {
            return MonoBitmap::default();
        }
        let fit = (f64::from(max_width) / f64::from(self.width))
            .min(f64::from(max_height) / f64::from(self.height))
            .min(1.0);
        let w = ((f64::from(self.width) * fit).round() as u32).clamp(1, max_width);
        let h = ((f64::from(self.height) * fit).round() as u32).clamp(1, max_height);
        let gray = self.scaled(w, h);
        let dither = match self.dither {
            Dither::Auto if is_line_art(&gray) => Dither::Threshold,
            Dither::Auto => Dither::FloydSteinberg,
            other => other,
        };
        match dither {
            Dither::FloydSteinberg => floyd_steinberg(&gray, w, h),
            _ => MonoBitmap::from_fn(w, h, |x, y| gray[to_usize(y * w + x)] < 128),
        }
    }

    /// Box-filter downscaling to `w` x `h` (each target pixel averages its source area).
    fn scaled(&self, w: u32, h: u32) -> Vec<u8> {
        if (w, h) == (self.width, self.height) {
            return self.luma.clone();
        }
        let (sw, sh) = (u64::from(self.width), u64::from(self.height));
        let mut out = Vec::with_capacity(to_usize(w) * to_usize(h));
        for ty in 0..u64::from(h) {
            let y0 = ty * sh / u64::from(h);
            let y1 = ((ty + 1) * sh / u64::from(h)).max(y0 + 1).min(sh);
            for tx in 0..u64::from(w) {
                let x0 = tx * sw / u64::from(w);
                let x1 = ((tx + 1) * sw / u64::from(w)).max(x0 + 1).min(sw);
                let mut sum = 0u64;
                for y in y0..y1 {
                    let row = usize::try_from(y * sw).unwrap_or(0);
                    let start = row + usize::try_from(x0).unwrap_or(0);
                    let end = row + usize::try_from(x1).unwrap_or(0);
                    sum += self.luma[start..end]
                        .iter()
                        .map(|v| u64::from(*v))
                        .sum::<u64>();
                }
                let count = (y1 - y0) * (x1 - x0);
                out.push(u8::try_from(sum / count.max(1)).unwrap_or(255));
            }
        }
        out
    }
}

/// Luminance of one normalised 8-bit pixel (gray, gray+alpha, RGB or RGBA) on white paper.
fn pixel_luma(px: &[u8]) -> u8 {
    let (value, alpha) = match *px {
        [g] => (u32::from(g), 255),
        [g, a] => (u32::from(g), u32::from(a)),
        [r, g, b] => (rec601(r, g, b), 255),
        [r, g, b, a] => (rec601(r, g, b), u32::from(a)),
        _ => (255, 255),
    };
    let on_white = (value * alpha + 255 * (255 - alpha)) / 255;
    u8::try_from(on_white).unwrap_or(255)
}

fn rec601(r: u8, g: u8, b: u8) -> u32 {
    (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000
}

/// True when at most 10 % of the pixels are mid-gray.
fn is_line_art(gray: &[u8]) -> bool {
    let mid = gray.iter().filter(|v| (48..208).contains(*v)).count();
    mid * 10 <= gray.len()
}

fn floyd_steinberg(gray: &[u8], w: u32, h: u32) -> MonoBitmap {
    let (wu, hu) = (to_usize(w), to_usize(h));
    let mut values: Vec<i32> = gray.iter().map(|v| i32::from(*v)).collect();
    let mut image = MonoBitmap::new(w, h);
    for y in 0..hu {
        for x in 0..wu {
            let i = y * wu + x;
            let old = values[i];
            let black = old < 128;
            let error = old - if black { 0 } else { 255 };
            if black {
                image.set(x as u32, y as u32, true);
            }
            let mut spread = |dx: isize, dy: usize, weight: i32| {
                let nx = x as isize + dx;
                let ny = y + dy;
                if nx >= 0 && (nx as usize) < wu && ny < hu {
                    values[ny * wu + nx as usize] += error * weight / 16;
                }
            };
            spread(1, 0, 7);
            spread(-1, 1, 3);
            spread(0, 1, 5);
            spread(1, 1, 1);
        }
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(width: u32, height: u32, color: png::ColorType, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn rgba_png_composites_on_white() {
        // Black opaque, red opaque, black transparent, white opaque.
        let data = [0, 0, 0, 255, 255, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255];
        let logo = LogoImage::from_png(&png_bytes(2, 2, png::ColorType::Rgba, &data)).unwrap();
        assert_eq!((logo.width(), logo.height()), (2, 2));
        assert_eq!(logo.luma, vec![0, 76, 255, 255]);
        let bitmap = logo.with_dither(Dither::Threshold).to_bitmap(576, 576);
        assert!(bitmap.get(0, 0) && bitmap.get(1, 0));
        assert!(!bitmap.get(0, 1) && !bitmap.get(1, 1));
    }

    #[test]
    fn large_pictures_shrink_to_fit_keeping_the_aspect_ratio() {
        let logo = LogoImage::from_luma(1000, 500, vec![0; 500_000]).unwrap();
        let bitmap = logo.to_bitmap(576, 288);
        assert_eq!((bitmap.width(), bitmap.height()), (576, 288));
        assert_eq!(bitmap.ink_dots(), 576 * 288);
        let small = LogoImage::from_luma(10, 4, vec![255; 40]).unwrap();
        let bitmap = small.to_bitmap(576, 288);
        assert_eq!((bitmap.width(), bitmap.height()), (10, 4));
        assert!(bitmap.is_blank());
    }

    #[test]
    fn gray_is_dithered_to_about_half_the_dots() {
        let logo = LogoImage::from_luma(64, 64, vec![128; 64 * 64]).unwrap();
        let dots = logo.to_bitmap(576, 576).ink_dots();
        assert!((1800..2300).contains(&dots), "{dots}");
    }

    #[test]
    fn garbage_is_an_image_error() {
        assert_eq!(
            LogoImage::from_png(b"not a png").unwrap_err().code(),
            "print.image"
        );
        assert!(LogoImage::from_luma(2, 2, vec![0; 3]).is_none());
    }
}
