//! The bundled fonts (SIL Open Font License 1.1, see `assets/OFL.txt`), included once and
//! shared by the renderer and the raster text shaper.

/// Noto Sans Mono Regular: imitates printer font A in the renderer, and draws Latin letters
/// inside raster text.
pub(crate) static MONO_REGULAR: &[u8] = include_bytes!("../assets/NotoSansMono-Regular.ttf");
/// Noto Sans Mono Bold.
pub(crate) static MONO_BOLD: &[u8] = include_bytes!("../assets/NotoSansMono-Bold.ttf");
/// Noto Sans Arabic Regular: Arabic letters, digits and common punctuation of raster text.
pub(crate) static ARABIC_REGULAR: &[u8] = include_bytes!("../assets/NotoSansArabic-Regular.ttf");
/// Noto Sans Arabic Bold.
pub(crate) static ARABIC_BOLD: &[u8] = include_bytes!("../assets/NotoSansArabic-Bold.ttf");
