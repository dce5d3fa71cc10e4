mod common;

use common::{read_png, sample_ticket, scan_qr_codes};
use printing::decode::{Align, Block, decode};
use printing::render::render_png;
use printing::{Paper, encode_ticket};

#[test]
fn ticket_decodes_to_its_content() {
    let t = sample_ticket();
    let bytes = encode_ticket(&t, Paper::Mm80).unwrap();
    let decoded = decode(&bytes).unwrap();
    let text = decoded.text();

    // The title is printed double width, so it wraps at 24 columns.
    assert!(text.contains("The Grand Budapest"), "{text}");
    assert!(text.contains("Hotel"), "{text}");
    for expected in [
        "Boxoffice Cinemas",
        "Dubai Marina Mall",
        "PG13",
        "Screen 1",
        "Thu 26 Nov 2026  19:30",
        "F-12",
        "Adult",
        "AED 45.00",
        "VAT 5% incl. AED 2.14",
        "BO-7F3K-92QX",
        "Terminal T1 - Cashier Demo",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert_eq!(decoded.qr_codes, vec![t.qr_payload.clone()]);
    assert_eq!(decoded.cuts, 1);
    assert_eq!(decoded.drawer_kicks, 0);
    assert_eq!(decoded.rasters, 0);
    assert!(matches!(decoded.blocks.last(), Some(Block::Cut)));
    assert!(bytes.starts_with(&[0x1b, b'@']), "starts with ESC @");
}

#[test]
fn arabic_title_is_not_sent_as_text() {
    let bytes = encode_ticket(&sample_ticket(), Paper::Mm80).unwrap();
    assert!(
        bytes
            .iter()
            .all(|b| b.is_ascii() || !is_utf8_arabic_lead(*b))
    );
    let text = decode(&bytes).unwrap().text();
    assert!(
        !text.contains('?'),
        "no unprintable characters expected:\n{text}"
    );
}

fn is_utf8_arabic_lead(b: u8) -> bool {
    b == 0xd8 || b == 0xd9
}

#[test]
fn ticket_styles_make_the_important_parts_big() {
    let t = sample_ticket();
    let decoded = decode(&encode_ticket(&t, Paper::Mm80).unwrap()).unwrap();
    let seat = decoded.lines.iter().find(|l| l.text == "F-12").unwrap();
    assert!(
        seat.bold && seat.width_mul >= 2 && seat.height_mul >= 2,
        "{seat:?}"
    );
    assert_eq!(seat.align, Align::Center);
    let title = decoded
        .lines
        .iter()
        .find(|l| l.text.contains("Grand"))
        .unwrap();
    assert_eq!((title.width_mul, title.height_mul), (2, 2));
    assert_eq!(title.align, Align::Center);
    let rating = decoded
        .lines
        .iter()
        .find(|l| l.text.contains("PG13"))
        .unwrap();
    assert!(rating.reverse);
    let price = decoded
        .lines
        .iter()
        .find(|l| l.text.contains("AED 45.00"))
        .unwrap();
    assert!(price.text.starts_with("Adult"));
    assert_eq!(price.text.len(), Paper::Mm80.columns());
    assert!(
        decoded
            .lines
            .iter()
            .all(|l| { l.text.len() * usize::from(l.width_mul) <= Paper::Mm80.columns() })
    );
}

#[test]
fn ticket_fits_58mm_paper() {
    let t = sample_ticket();
    let decoded = decode(&encode_ticket(&t, Paper::Mm58).unwrap()).unwrap();
    let columns = Paper::Mm58.columns();
    for line in &decoded.lines {
        assert!(
            line.text.len() * usize::from(line.width_mul) <= columns,
            "line too wide for 58 mm: {line:?}"
        );
    }
    let text = decoded.text();
    for expected in ["Screen 1", "F-12", "AED 45.00", "BO-7F3K-92QX"] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert_eq!(decoded.qr_codes, vec![t.qr_payload]);
    assert_eq!(decoded.cuts, 1);
}

#[test]
fn rendered_ticket_is_a_png_of_the_paper_with_a_scannable_qr() {
    for paper in [Paper::Mm80, Paper::Mm58] {
        let t = sample_ticket();
        let decoded = decode(&encode_ticket(&t, paper).unwrap()).unwrap();
        let png = render_png(&decoded, paper).unwrap();
        let (width, height, pixels) = read_png(&png);
        assert_eq!(width, paper.dots());
        assert!(height > 800, "ticket only {height} dots long");
        let dark = pixels.iter().filter(|p| **p < 128).count();
        assert!(dark > 5_000, "too little ink: {dark}");
        assert_eq!(scan_qr_codes(width, height, &pixels), vec![t.qr_payload]);
    }
}

#[test]
fn empty_ticket_still_encodes_and_cuts() {
    let decoded = decode(&encode_ticket(&Default::default(), Paper::Mm80).unwrap()).unwrap();
    assert!(decoded.qr_codes.is_empty());
    assert_eq!(decoded.cuts, 1);
}

#[test]
fn too_long_qr_payload_is_refused() {
    let mut t = sample_ticket();
    t.qr_payload = "x".repeat(5000);
    let err = encode_ticket(&t, Paper::Mm80).unwrap_err();
    assert_eq!(err.code(), "print.qr_too_long");
}

#[test]
fn long_qr_payload_shrinks_but_still_scans() {
    let mut t = sample_ticket();
    t.qr_payload = "BXO1:".to_string() + &"0123456789abcdef".repeat(50);
    for paper in [Paper::Mm80, Paper::Mm58] {
        let decoded = decode(&encode_ticket(&t, paper).unwrap()).unwrap();
        let (w, h, pixels) = read_png(&render_png(&decoded, paper).unwrap());
        assert_eq!(scan_qr_codes(w, h, &pixels), vec![t.qr_payload.clone()]);
    }
}
