//! Text preparation for a printer font: printable ASCII only, wrapped to the paper.

/// Replaces what a printer code page cannot show: control characters become spaces (so no
/// caller string can inject commands), common typographic and accented characters are
/// transliterated, combining marks are dropped and anything else becomes `?`.
pub(super) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_graphic() || c == ' ' {
            out.push(c);
        } else if c.is_whitespace() || c.is_control() {
            out.push(' ');
        } else if is_combining_mark(c) {
            continue;
        } else if let Some(replacement) = transliterate(c) {
            out.push_str(replacement);
        } else {
            out.push('?');
        }
    }
    out
}

fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{200b}'..='\u{200f}' | '\u{fe00}'..='\u{fe0f}')
}

fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        '·' | '•' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => "-",
        '‘' | '’' | '‚' | '′' | '´' | '`' => "'",
        '“' | '”' | '„' | '″' | '«' | '»' => "\"",
        '…' => "...",
        '×' => "x",
        '÷' => "/",
        '€' => "EUR",
        '£' => "GBP",
        '©' => "(C)",
        '®' => "(R)",
        '™' => "TM",
        '°' => "o",
        'ß' => "ss",
        'Æ' => "AE",
        'æ' => "ae",
        'Œ' => "OE",
        'œ' => "oe",
        'Ø' => "O",
        'ø' => "o",
        'Ð' => "D",
        'ð' => "d",
        'Þ' => "Th",
        'þ' => "th",
        'Ł' => "L",
        'ł' => "l",
        _ => return base_letter(c),
    })
}

/// The unaccented letter of a Latin-1 or common Latin Extended-A letter.
fn base_letter(c: char) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("ÀÁÂÃÄÅĀĂĄ", "A"),
        ("àáâãäåāăą", "a"),
        ("ÇĆĈĊČ", "C"),
        ("çćĉċč", "c"),
        ("ĎĐ", "D"),
        ("ďđ", "d"),
        ("ÈÉÊËĒĔĖĘĚ", "E"),
        ("èéêëēĕėęě", "e"),
        ("ĜĞĠĢ", "G"),
        ("ĝğġģ", "g"),
        ("ÌÍÎÏĨĪĬĮİ", "I"),
        ("ìíîïĩīĭįı", "i"),
        ("ÑŃŅŇ", "N"),
        ("ñńņň", "n"),
        ("ÒÓÔÕÖŌŎŐ", "O"),
        ("òóôõöōŏő", "o"),
        ("ŔŖŘ", "R"),
        ("ŕŗř", "r"),
        ("ŚŜŞŠ", "S"),
        ("śŝşš", "s"),
        ("ŢŤ", "T"),
        ("ţť", "t"),
        ("ÙÚÛÜŨŪŬŮŰŲ", "U"),
        ("ùúûüũūŭůűų", "u"),
        ("ÝŸŶ", "Y"),
        ("ýÿŷ", "y"),
        ("ŹŻŽ", "Z"),
        ("źżž", "z"),
    ];
    TABLE
        .iter()
        .find(|(letters, _)| letters.contains(c))
        .map(|(_, base)| *base)
}

/// Word-wraps printable text to lines of at most `width` characters; words longer than a
/// line are split. Text that fits is kept as is (trimmed); in wrapped text runs of spaces
/// collapse. Returns no lines for blank text.
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let trimmed = text.trim_matches(' ');
    if trimmed.is_empty() {
        return Vec::new();
    }
    if trimmed.len() <= width {
        return vec![trimmed.to_string()];
    }
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word;
        loop {
            let needed = if current.is_empty() {
                word.len()
            } else {
                current.len() + 1 + word.len()
            };
            if needed <= width {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(word);
                break;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
                continue;
            }
            // The word alone is longer than a line: split it.
            let split = word
                .char_indices()
                .nth(width)
                .map_or(word.len(), |(i, _)| i);
            let (head, tail) = word.split_at(split);
            lines.push(head.to_string());
            word = tail;
            if word.is_empty() {
                break;
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// `left` and `right` on lines of `width` characters, `right` flush right on the last line.
/// The left text wraps if both do not fit; a very long right text gets its own line.
pub(super) fn two_columns(left: &str, right: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let right = right.trim();
    let left_width = width.saturating_sub(right.len() + 1);
    if right.is_empty() {
        return wrap(left, width);
    }
    if left_width < width / 3 || left_width == 0 {
        let mut lines = wrap(left, width);
        lines.extend(
            wrap(right, width)
                .into_iter()
                .map(|r| flush_right(&r, width)),
        );
        return lines;
    }
    let mut lines = wrap(left, left_width);
    let last = lines.pop().unwrap_or_default();
    let gap = width.saturating_sub(last.len() + right.len()).max(1);
    lines.push(format!("{last}{}{right}", " ".repeat(gap)));
    lines
}

fn flush_right(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(text.len())))
}

/// Largest multiplier in `1..=max` at which `text` fits on one line of `columns`.
pub(super) fn fitting_multiplier(text: &str, columns: usize, max: u8) -> u8 {
    (1..=max.max(1))
        .rev()
        .find(|m| text.len() * usize::from(*m) <= columns)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_keeps_ascii_and_neutralises_controls() {
        assert_eq!(printable("Seat F-12"), "Seat F-12");
        assert_eq!(printable("a\x1b@b\nc"), "a @b c");
        assert_eq!(printable("Terminal T1 · Cashier"), "Terminal T1 - Cashier");
        assert_eq!(printable("Amélie – Café"), "Amelie - Cafe");
        assert_eq!(printable("e\u{301}"), "e");
        assert_eq!(printable("مرحبا"), "?????");
    }

    #[test]
    fn wrap_breaks_words_and_splits_long_ones() {
        assert_eq!(
            wrap("the quick brown fox", 10),
            vec!["the quick", "brown fox"]
        );
        assert_eq!(wrap("abcdefghijkl", 5), vec!["abcde", "fghij", "kl"]);
        assert_eq!(wrap("  ", 5), Vec::<String>::new());
        assert_eq!(wrap("a  b", 5), vec!["a  b"]);
        assert_eq!(wrap("a  b c", 4), vec!["a b", "c"]);
        assert!(
            wrap("x".repeat(100).as_str(), 7)
                .iter()
                .all(|l| l.len() <= 7)
        );
    }

    #[test]
    fn two_columns_pads_to_the_width() {
        assert_eq!(two_columns("Adult", "45.00", 16), vec!["Adult      45.00"]);
        let lines = two_columns("A very long item name", "AED 45.00", 20);
        assert!(lines.iter().all(|l| l.len() <= 20), "{lines:?}");
        assert!(lines.last().unwrap().ends_with("AED 45.00"));
        let lines = two_columns("Item", "a very very long amount", 12);
        assert!(lines.iter().all(|l| l.len() <= 12), "{lines:?}");
    }

    #[test]
    fn multiplier_fits_columns() {
        assert_eq!(fitting_multiplier("F-12", 48, 3), 3);
        assert_eq!(fitting_multiplier("Boxoffice Cinemas", 32, 2), 1);
        assert_eq!(fitting_multiplier(&"x".repeat(100), 48, 3), 1);
    }
}
