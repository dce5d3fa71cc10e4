//! Property tests: the decoder and renderer never panic, and any caller strings encode into a
//! ticket that decodes with exactly the commands we meant (no injected commands).

mod common;

use common::{rasters, sample_ticket};
use printing::decode::decode;
use printing::render::render_png;
use printing::{
    Align, FontWeight, Paper, RasterTextOptions, ReceiptData, TaxInvoiceData, TaxInvoiceLine,
    TaxInvoicePayment, TicketData, encode_receipt, encode_tax_invoice, encode_ticket,
    raster_text_with,
};
use proptest::prelude::*;

/// Bytes that start or parameterise commands, so random streams reach deep into the parser.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => any::<u8>(),
        2 => prop::sample::select(vec![0x1b, 0x1d, 0x1c, 0x10, 0x0a, 0x00, 0xff, 0x30, 0x31]),
        2 => prop::sample::select(b"@aE-!dJ23pimt*&D(kVv08LBg!".to_vec()),
    ]
}

fn any_text(max: usize) -> impl Strategy<Value = String> {
    prop::string::string_regex(&format!("(?s).{{0,{max}}}")).unwrap()
}

fn any_paper() -> impl Strategy<Value = Paper> {
    prop::sample::select(vec![Paper::Mm80, Paper::Mm58])
}

prop_compose! {
    fn any_ticket()(
        chain_name in any_text(80), site_name in any_text(80), film_title_en in any_text(400),
        film_title_ar in any_text(80), rating in any_text(60), screen in any_text(60),
        date_local in any_text(60), time_local in any_text(20), seat_label in any_text(60),
        ticket_type in any_text(60), price in any_text(60), vat in any_text(120),
        order_ref in any_text(60), qr_payload in any_text(200), footer in any_text(200),
    ) -> TicketData {
        TicketData {
            chain_name, site_name, film_title_en, film_title_ar, rating, screen, date_local,
            time_local, seat_label, ticket_type, price, vat, order_ref, qr_payload, footer,
        }
    }
}

proptest! {
    #[test]
    fn decode_never_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn decode_never_panics_on_command_like_bytes(
        bytes in prop::collection::vec(interesting_byte(), 0..1024)
    ) {
        if let Ok(decoded) = decode(&bytes) {
            // Whatever decodes must also render.
            let png = render_png(&decoded, Paper::Mm58);
            prop_assert!(png.is_ok(), "{png:?}");
        }
    }

    #[test]
    fn decode_never_panics_on_damaged_tickets(
        start in 0usize..2000,
        len in 0usize..2000,
        flips in prop::collection::vec((0usize..2000, any::<u8>()), 0..4),
    ) {
        let mut bytes = encode_ticket(&sample_ticket(), Paper::Mm80).unwrap();
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        let start = start.min(bytes.len());
        let end = (start + len).min(bytes.len());
        let _ = decode(&bytes[start..end]);
    }

    #[test]
    fn any_ticket_text_encodes_and_decodes_exactly(t in any_ticket(), paper in any_paper()) {
        let bytes = encode_ticket(&t, paper).unwrap();
        let decoded = decode(&bytes).unwrap();
        prop_assert_eq!(decoded.cuts, 1);
        prop_assert_eq!(decoded.drawer_kicks, 0);
        // The Arabic title is the only image: as tall as the shaped title, as wide as the paper.
        let title = raster_text_with(&t.film_title_ar, &RasterTextOptions {
            size_dots: if paper == Paper::Mm80 { 40 } else { 34 },
            max_width_dots: paper.dots(),
            align: Align::Center,
            weight: FontWeight::Bold,
        });
        let images = rasters(&decoded);
        prop_assert_eq!(images.is_empty(), title.is_empty());
        prop_assert_eq!(
            images.iter().map(|r| r.height).sum::<usize>(),
            title.height() as usize
        );
        for image in &images {
            prop_assert_eq!(image.width_bytes * 8, paper.dots() as usize);
        }
        let expected_qr: Vec<String> = if t.qr_payload.is_empty() {
            vec![]
        } else {
            vec![t.qr_payload.clone()]
        };
        prop_assert_eq!(&decoded.qr_codes, &expected_qr);
        for line in &decoded.lines {
            prop_assert!(
                line.text.len() * usize::from(line.width_mul) <= paper.columns(),
                "line wider than the paper: {:?}", line
            );
        }
        if t.order_ref.trim().len() <= paper.columns()
            && t.order_ref.chars().all(|c| c.is_ascii_graphic() || c == ' ')
        {
            prop_assert!(decoded.text().contains(t.order_ref.trim()));
        }
    }

    #[test]
    fn any_receipt_encodes_and_decodes(
        header_lines in prop::collection::vec(any_text(100), 0..4),
        lines in prop::collection::vec((any_text(100), any_text(30)), 0..6),
        totals in prop::collection::vec((any_text(60), any_text(60)), 0..4),
        footer_lines in prop::collection::vec(any_text(100), 0..3),
        paper in any_paper(),
        open_drawer in any::<bool>(),
    ) {
        let r = ReceiptData { header_lines, lines, totals, footer_lines };
        let decoded = decode(&encode_receipt(&r, paper, open_drawer).unwrap()).unwrap();
        prop_assert_eq!(decoded.cuts, 1);
        prop_assert_eq!(decoded.drawer_kicks, usize::from(open_drawer));
        prop_assert!(decoded.qr_codes.is_empty());
        for line in &decoded.lines {
            prop_assert!(line.text.len() * usize::from(line.width_mul) <= paper.columns());
        }
    }
}

/// Text mixing Arabic letters (with marks and Arabic-Indic digits), Latin letters, digits,
/// spaces, punctuation, bidi controls and a few odd characters.
fn mixed_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::string::string_regex("[\u{0621}-\u{064A}]{1,8}").unwrap(),
        1 => prop::string::string_regex("[\u{064B}-\u{0652}\u{0660}-\u{0669}]{1,3}").unwrap(),
        2 => prop::string::string_regex("[A-Za-z]{1,8}").unwrap(),
        2 => prop::string::string_regex("[0-9]{1,4}").unwrap(),
        3 => Just(" ".to_string()),
        1 => prop::string::string_regex("[-.,:()«»!?/]").unwrap(),
        1 => prop::sample::select(vec![
            "\u{200F}", "\u{200E}", "\u{202B}", "\u{202C}", "\u{2067}", "\u{2069}",
            "\u{200D}", "\u{200C}", "\n", "\t", "\u{1b}", "\u{2029}", "é", "😀", "中",
        ]).prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn mixed_arabic_latin_raster_fits_the_paper(
        text in mixed_text(),
        size in 8u32..72,
        paper in any_paper(),
        bold in any::<bool>(),
        align in prop::sample::select(vec![Align::Left, Align::Center, Align::Right]),
    ) {
        let image = raster_text_with(&text, &RasterTextOptions {
            size_dots: size,
            max_width_dots: paper.dots(),
            align,
            weight: if bold { FontWeight::Bold } else { FontWeight::Regular },
        });
        if image.is_empty() {
            prop_assert!(image.is_blank());
        } else {
            prop_assert_eq!(image.width(), paper.dots());
            prop_assert_eq!(image.bits().len(), image.width_bytes() * image.height() as usize);
            prop_assert!(image.ink_dots() > 0);
            // Lines wrap instead of growing without bound: at most one line per character.
            let chars = u32::try_from(text.chars().count()).unwrap();
            prop_assert!(image.height() <= chars * size * 2 + 4 * size);
        }
        if text.chars().any(|c| ('\u{0621}'..='\u{064A}').contains(&c)) {
            prop_assert!(!image.is_empty(), "Arabic letters must leave ink: {:?}", text);
        }
        // Whatever comes out prints and renders.
        // Tall images go out in bands of at most 256 rows.
        let decoded = decode(&image.to_escpos()).unwrap();
        prop_assert_eq!(decoded.rasters, image.height().div_ceil(256) as usize);
        prop_assert_eq!(
            rasters(&decoded).iter().map(|r| r.height).sum::<usize>(),
            image.height() as usize
        );
        prop_assert!(render_png(&decoded, paper).is_ok());
    }

    #[test]
    fn any_tax_invoice_encodes_and_decodes(
        supplier_name in any_text(80),
        header_ar in mixed_text(),
        lines in prop::collection::vec((any_text(80), 0u32..1000, any_text(20)), 0..6),
        payments in prop::collection::vec((any_text(20), any_text(20), any_text(40)), 0..3),
        total in any_text(30),
        qr_payload in any_text(100),
        paper in any_paper(),
        open_drawer in any::<bool>(),
    ) {
        let inv = TaxInvoiceData {
            supplier_name,
            header_ar,
            lines: lines
                .into_iter()
                .map(|(description, qty, amount)| TaxInvoiceLine { description, qty, amount })
                .collect(),
            payments: payments
                .into_iter()
                .map(|(method, amount, reference)| TaxInvoicePayment { method, amount, reference })
                .collect(),
            total,
            qr_payload: qr_payload.clone(),
            ..Default::default()
        };
        let decoded = decode(&encode_tax_invoice(&inv, paper, open_drawer).unwrap()).unwrap();
        prop_assert_eq!(decoded.cuts, 1);
        prop_assert_eq!(decoded.drawer_kicks, usize::from(open_drawer));
        let expected_qr: Vec<String> =
            if qr_payload.is_empty() { vec![] } else { vec![qr_payload] };
        prop_assert_eq!(&decoded.qr_codes, &expected_qr);
        for line in &decoded.lines {
            prop_assert!(line.text.len() * usize::from(line.width_mul) <= paper.columns());
        }
        for image in rasters(&decoded) {
            prop_assert!(image.width_bytes * 8 <= paper.dots() as usize);
        }
    }
}

#[test]
fn every_prefix_of_a_ticket_decodes_or_fails_cleanly() {
    for paper in [Paper::Mm80, Paper::Mm58] {
        let bytes = encode_ticket(&sample_ticket(), paper).unwrap();
        for end in 0..=bytes.len() {
            let prefix = &bytes[..end];
            match decode(prefix) {
                Ok(decoded) => assert!(decoded.cuts <= 1),
                Err(err) => assert_eq!(err.code(), "decode.truncated", "prefix of {end}: {err}"),
            }
            let _ = decode(&bytes[end..]);
        }
    }
}

#[test]
fn huge_declared_lengths_fail_without_allocating() {
    let streams: [&[u8]; 5] = [
        &[0x1d, b'v', b'0', 0, 0xff, 0xff, 0xff, 0xff],
        &[0x1d, b'8', b'L', 0xff, 0xff, 0xff, 0xff, 48, 112],
        &[0x1c, b'q', 0xff, 0xff, 0xff, 0xff, 0xff],
        &[0x1d, b'(', b'k', 0xff, 0xff, 49, 80, 48],
        &[0x1b, b'*', 33, 0xff, 0xff],
    ];
    for bytes in streams {
        assert_eq!(
            decode(bytes).unwrap_err().code(),
            "decode.truncated",
            "{bytes:?}"
        );
    }
}

#[test]
fn very_long_feeds_are_clipped_when_rendered() {
    let bytes: Vec<u8> = std::iter::repeat_n([0x1b, b'd', 255], 2000)
        .flatten()
        .collect();
    let decoded = decode(&bytes).unwrap();
    let png = render_png(&decoded, Paper::Mm80).unwrap();
    let (_, height, _) = common::read_png(&png);
    assert_eq!(height, printing::render::MAX_HEIGHT_DOTS);
}
