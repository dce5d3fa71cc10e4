//! Tax invoice, change slip, drawer kick and test page, decoded.

mod common;

use common::{rasters, read_png, sample_tax_invoice, scan_qr_codes, tax_invoice_with_lines};
use printing::decode::{Align, Block, decode};
use printing::render::render_png;
use printing::{
    ChangeSlipData, Paper, encode_change_slip, encode_drawer_kick, encode_tax_invoice,
    encode_test_page,
};

#[test]
fn tax_invoice_decodes_to_its_content() {
    let inv = sample_tax_invoice();
    for paper in [Paper::Mm80, Paper::Mm58] {
        let bytes = encode_tax_invoice(&inv, paper, true).unwrap();
        let decoded = decode(&bytes).unwrap();
        let text = decoded.text();
        for expected in [
            "Boxoffice Cinemas LLC",
            "Dubai Marina Mall",
            "Level 2, Dubai Marina Mall",
            "Dubai, UAE",
            "TRN 100200300400003",
            "(Simplified)",
            "R-000123",
            "BO-7F3K-92QX",
            "26/11/2026 19:05",
            "Demo",
            "Amount AED",
            "1 x Popcorn Large",
            "Subtotal excl. VAT",
            "112.38",
            "VAT 5%",
            "5.62",
            "AED 118.00",
            "Ref AUTH 123456",
            "Thank you!",
            "Keep this invoice for refunds",
        ] {
            assert!(
                text.contains(expected),
                "{paper}: missing {expected:?} in\n{text}"
            );
        }
        let title = decoded
            .lines
            .iter()
            .find(|l| l.text == "TAX INVOICE")
            .expect("title");
        assert!(title.bold && title.width_mul == 2 && title.height_mul == 2);
        assert_eq!(title.align, Align::Center);
        let total = decoded
            .lines
            .iter()
            .find(|l| l.text.starts_with("TOTAL incl. VAT"))
            .unwrap();
        assert!(total.bold && total.height_mul == 2);
        assert!(total.text.ends_with("AED 118.00"));
        assert_eq!(total.text.len(), paper.columns());
        let change = decoded
            .lines
            .iter()
            .find(|l| l.text.starts_with("Change"))
            .unwrap();
        assert!(change.text.ends_with("2.00") && change.bold);
        let popcorn = decoded
            .lines
            .iter()
            .find(|l| l.text.contains("Popcorn"))
            .unwrap();
        assert!(popcorn.text.ends_with("28.00"));
        assert_eq!(popcorn.align, Align::Left);
        for line in &decoded.lines {
            assert!(line.text.len() * usize::from(line.width_mul) <= paper.columns());
        }
        // The Arabic header line is the one image, as wide as the paper.
        let images = rasters(&decoded);
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].width_bytes * 8, paper.dots() as usize);
        assert_eq!(decoded.qr_codes, vec![inv.qr_payload.clone()]);
        assert_eq!(decoded.drawer_kicks, 1);
        assert_eq!(decoded.cuts, 1);
        assert!(matches!(decoded.blocks.last(), Some(Block::Cut)));
        // The drawer opens before anything prints.
        assert!(bytes.starts_with(&[0x1b, b'@', 0x1b, b'p', 0, 25, 250]));
        // And the QR code really scans.
        let (w, h, pixels) = read_png(&render_png(&decoded, paper).unwrap());
        assert_eq!(scan_qr_codes(w, h, &pixels), vec![inv.qr_payload.clone()]);
    }
}

#[test]
fn tax_invoice_without_drawer_and_optional_parts() {
    let mut inv = sample_tax_invoice();
    inv.header_ar.clear();
    inv.qr_payload.clear();
    inv.change.clear();
    inv.order_ref.clear();
    let decoded = decode(&encode_tax_invoice(&inv, Paper::Mm80, false).unwrap()).unwrap();
    assert_eq!(decoded.drawer_kicks, 0);
    assert_eq!(decoded.rasters, 0);
    assert!(decoded.qr_codes.is_empty());
    let text = decoded.text();
    assert!(!text.contains("Change"), "{text}");
    assert!(!text.contains("Order"), "{text}");
    assert_eq!(decoded.cuts, 1);
}

#[test]
fn twenty_line_invoice_keeps_every_line() {
    let inv = tax_invoice_with_lines(20);
    let decoded = decode(&encode_tax_invoice(&inv, Paper::Mm58, true).unwrap()).unwrap();
    let text = decoded.text();
    for i in 0..20 {
        assert!(
            text.contains(&format!("{}.50", 10 + i)),
            "line {i} in\n{text}"
        );
    }
}

#[test]
fn change_slip_decodes_to_its_content() {
    let slip = ChangeSlipData {
        chain_name: "Boxoffice Cinemas".into(),
        site_name: "Dubai Marina Mall".into(),
        order_ref: "BO-7F3K-92QX".into(),
        old_seat: "F-12".into(),
        new_seat: "G-14".into(),
        film_title: "The Grand Budapest Hotel".into(),
        showtime: "Thu 26 Nov 2026 19:30 · Screen 1".into(),
        reason: "Broken seat".into(),
        supervisor: "Sara".into(),
        issued_at_local: "26/11/2026 19:12".into(),
        footer: "Terminal T1 · Cashier Demo".into(),
    };
    for paper in [Paper::Mm80, Paper::Mm58] {
        let decoded = decode(&encode_change_slip(&slip, paper).unwrap()).unwrap();
        let text = decoded.text();
        for expected in [
            "SEAT CHANGE",
            "The Grand Budapest Hotel",
            "Thu 26 Nov 2026 19:30 - Screen 1",
            "F-12 -> G-14",
            "BO-7F3K-92QX",
            "Reason: Broken seat",
            "Authorised by: Sara",
            "Signature: ",
            "Terminal T1 - Cashier Demo",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        let seats = decoded
            .lines
            .iter()
            .find(|l| l.text == "F-12 -> G-14")
            .unwrap();
        assert!(seats.bold && seats.width_mul == 2 && seats.height_mul == 2);
        let banner = decoded
            .lines
            .iter()
            .find(|l| l.text.contains("SEAT CHANGE"))
            .unwrap();
        assert!(banner.reverse);
        assert_eq!(decoded.cuts, 1);
        assert_eq!(decoded.drawer_kicks, 0);
        assert!(decoded.qr_codes.is_empty());
        for line in &decoded.lines {
            assert!(line.text.len() * usize::from(line.width_mul) <= paper.columns());
        }
    }
}

#[test]
fn drawer_kick_job_only_opens_the_drawer() {
    let bytes = encode_drawer_kick();
    assert_eq!(bytes, [0x1b, b'@', 0x1b, b'p', 0, 25, 250]);
    let decoded = decode(&bytes).unwrap();
    assert_eq!(decoded.drawer_kicks, 1);
    assert_eq!(decoded.cuts, 0);
    assert!(decoded.lines.is_empty() && decoded.blocks.is_empty());
}

#[test]
fn test_page_shows_ruler_styles_arabic_and_qr() {
    for paper in [Paper::Mm80, Paper::Mm58] {
        let decoded = decode(&encode_test_page("Printer test", paper).unwrap()).unwrap();
        let text = decoded.text();
        assert!(text.contains("Printer test"), "{text}");
        assert!(
            text.contains(&format!("Paper {paper}: {} dots", paper.dots())),
            "{text}"
        );
        let ruler = decoded
            .lines
            .iter()
            .find(|l| l.text.starts_with("1234567890"))
            .unwrap();
        assert_eq!(ruler.text.len(), paper.columns());
        assert_eq!(decoded.rasters, 3, "two Arabic lines and the gray ramp");
        assert_eq!(decoded.qr_codes, vec!["BOXOFFICE PRINTER TEST".to_string()]);
        assert_eq!(decoded.cuts, 1);
        let (w, h, pixels) = read_png(&render_png(&decoded, paper).unwrap());
        assert_eq!(w, paper.dots());
        assert_eq!(scan_qr_codes(w, h, &pixels), decoded.qr_codes);
    }
}
