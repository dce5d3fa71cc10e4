//! Property tests: the decoder and renderer never panic, and any caller strings encode into a
//! ticket that decodes with exactly the commands we meant (no injected commands).

mod common;

use common::sample_ticket;
use printing::decode::decode;
use printing::render::render_png;
use printing::{Paper, ReceiptData, TicketData, encode_receipt, encode_ticket};
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
        prop_assert_eq!(decoded.rasters, 0);
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
