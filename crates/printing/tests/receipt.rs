mod common;

use common::{read_png, sample_receipt};
use printing::decode::{Align, decode};
use printing::render::render_png;
use printing::{Paper, encode_receipt};

#[test]
fn receipt_with_drawer_kick() {
    let bytes = encode_receipt(&sample_receipt(), Paper::Mm80, true).unwrap();
    let decoded = decode(&bytes).unwrap();
    assert_eq!(decoded.drawer_kicks, 1);
    assert_eq!(decoded.cuts, 1);
    assert!(decoded.qr_codes.is_empty());
    // The full five-byte ESC p, so the printer does not swallow the following bytes.
    assert!(bytes.windows(5).any(|w| w == [0x1b, b'p', 0, 25, 250]));
}

#[test]
fn receipt_without_drawer_kick() {
    let decoded = decode(&encode_receipt(&sample_receipt(), Paper::Mm80, false).unwrap()).unwrap();
    assert_eq!(decoded.drawer_kicks, 0);
    assert_eq!(decoded.cuts, 1);
}

#[test]
fn receipt_lines_are_two_columns() {
    for paper in [Paper::Mm80, Paper::Mm58] {
        let decoded = decode(&encode_receipt(&sample_receipt(), paper, false).unwrap()).unwrap();
        let text = decoded.text();
        let header = &decoded.lines[0];
        assert_eq!(header.text, "Boxoffice Cinemas");
        assert!(header.bold);
        assert_eq!(header.align, Align::Center);
        let total = decoded
            .lines
            .iter()
            .find(|l| l.text.starts_with("Total (AED)"))
            .unwrap();
        assert!(total.bold);
        assert!(total.text.ends_with("118.00"));
        assert_eq!(total.text.len(), paper.columns());
        let popcorn = decoded
            .lines
            .iter()
            .find(|l| l.text.contains("Popcorn"))
            .unwrap();
        assert!(popcorn.text.ends_with("28.00"));
        assert!(text.contains("Receipt R-000123 - T1"), "{text}");
        assert!(
            decoded
                .lines
                .iter()
                .all(|l| l.text.len() <= paper.columns())
        );
    }
}

#[test]
fn rendered_receipt_has_paper_width() {
    let decoded = decode(&encode_receipt(&sample_receipt(), Paper::Mm58, true).unwrap()).unwrap();
    let (width, height, _) = read_png(&render_png(&decoded, Paper::Mm58).unwrap());
    assert_eq!(width, 384);
    assert!(height > 400, "{height}");
}
