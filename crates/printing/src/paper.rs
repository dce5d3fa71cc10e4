//! Paper widths of thermal receipt printers.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Font A cell width in dots (12 x 24 dots per character).
pub(crate) const CHAR_WIDTH_DOTS: u32 = 12;
/// Font A cell height in dots.
pub(crate) const CHAR_HEIGHT_DOTS: u32 = 24;

/// Paper width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paper {
    /// 80 mm roll: 576 printable dots, 48 characters of font A.
    #[default]
    Mm80,
    /// 58 mm roll: 384 printable dots, 32 characters of font A.
    Mm58,
}

impl Paper {
    /// Printable width in dots (203 dpi).
    pub fn dots(&self) -> u32 {
        match self {
            Paper::Mm80 => 576,
            Paper::Mm58 => 384,
        }
    }

    /// Characters per line in font A at normal width.
    pub fn columns(&self) -> usize {
        // 576 / 12 = 48 and 384 / 12 = 32: both fit in usize on every platform.
        (self.dots() / CHAR_WIDTH_DOTS) as usize
    }
}

impl fmt::Display for Paper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Paper::Mm80 => "80mm",
            Paper::Mm58 => "58mm",
        })
    }
}

/// A paper width that is neither 80 mm nor 58 mm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown paper width {0:?} (expected 80mm or 58mm)")]
pub struct ParsePaperError(pub String);

impl FromStr for Paper {
    type Err = ParsePaperError;

    /// Accepts `80`, `80mm`, `mm80` (and the same for 58), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "80" | "80mm" | "mm80" | "80 mm" => Ok(Paper::Mm80),
            "58" | "58mm" | "mm58" | "58 mm" => Ok(Paper::Mm58),
            _ => Err(ParsePaperError(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_match_font_a() {
        assert_eq!(Paper::Mm80.dots(), 576);
        assert_eq!(Paper::Mm80.columns(), 48);
        assert_eq!(Paper::Mm58.dots(), 384);
        assert_eq!(Paper::Mm58.columns(), 32);
    }

    #[test]
    fn parses_common_spellings() {
        assert_eq!("80mm".parse::<Paper>(), Ok(Paper::Mm80));
        assert_eq!("MM58".parse::<Paper>(), Ok(Paper::Mm58));
        assert!("76mm".parse::<Paper>().is_err());
        assert_eq!(Paper::Mm58.to_string(), "58mm");
    }
}
