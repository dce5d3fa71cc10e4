mod common;

use common::{rasters, read_png, sample_ticket, scan_qr_codes};
use printing::decode::{Align, Block, decode};
use printing::render::render_png;
use printing::{
    FontWeight, LogoImage, Paper, RasterTextOptions, TicketOptions, encode_ticket,
    encode_ticket_with, raster_text_with,
};

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
    // The Arabic title is the one raster image.
    assert_eq!(decoded.rasters, 1);
    assert!(matches!(decoded.blocks.last(), Some(Block::Cut)));
    assert!(bytes.starts_with(&[0x1b, b'@']), "starts with ESC @");
}

#[test]
fn arabic_title_is_not_sent_as_text() {
    let t = sample_ticket();
    let bytes = encode_ticket(&t, Paper::Mm80).unwrap();
    let title = t.film_title_ar.as_bytes();
    assert!(!bytes.windows(title.len()).any(|w| w == title));
    let text = decode(&bytes).unwrap().text();
    assert!(
        !text.contains('?'),
        "no unprintable characters expected:\n{text}"
    );
}

#[test]
fn arabic_title_is_a_centered_raster_under_the_english_title() {
    for (paper, size) in [(Paper::Mm80, 40), (Paper::Mm58, 34)] {
        let t = sample_ticket();
        let decoded = decode(&encode_ticket(&t, paper).unwrap()).unwrap();
        let images = rasters(&decoded);
        assert_eq!(images.len(), 1);
        let image = images[0];
        assert_eq!(image.width_bytes * 8, paper.dots() as usize);
        assert_eq!((image.scale_x, image.scale_y), (1, 1));
        assert_eq!(image.align, Align::Center);
        // Exactly the shaped title.
        let expected = raster_text_with(
            &t.film_title_ar,
            &RasterTextOptions {
                size_dots: size,
                max_width_dots: paper.dots(),
                align: printing::Align::Center,
                weight: FontWeight::Bold,
            },
        );
        assert_eq!(image.height, expected.height() as usize);
        assert_eq!(image.bits, expected.bits());
        // Printed between the English title and the rating.
        let position = |pred: &dyn Fn(&Block) -> bool| decoded.blocks.iter().position(pred);
        let hotel = position(&|b| {
            matches!(b, Block::Text { line, .. } if decoded.lines[*line].text.contains("Hotel"))
        })
        .unwrap();
        let raster = position(&|b| matches!(b, Block::Raster(_))).unwrap();
        let rating = position(&|b| {
            matches!(b, Block::Text { line, .. } if decoded.lines[*line].text.contains("PG13"))
        })
        .unwrap();
        assert!(
            hotel < raster && raster < rating,
            "{hotel} {raster} {rating}"
        );
    }
}

#[test]
fn blank_arabic_title_prints_no_image() {
    let mut t = sample_ticket();
    t.film_title_ar = "  ".into();
    let decoded = decode(&encode_ticket(&t, Paper::Mm80).unwrap()).unwrap();
    assert_eq!(decoded.rasters, 0);
}

#[test]
fn encode_ticket_is_encode_ticket_with_default_options() {
    let t = sample_ticket();
    for paper in [Paper::Mm80, Paper::Mm58] {
        assert_eq!(
            encode_ticket(&t, paper).unwrap(),
            encode_ticket_with(&t, &TicketOptions::default(), paper).unwrap()
        );
    }
}

#[test]
fn reprint_banner_logo_and_business_day_note() {
    let t = sample_ticket();
    // A 1000 x 200 black bar with a white stripe: scaled to the paper width.
    let luma = (0..1000 * 200)
        .map(|i| {
            if (90..110).contains(&(i / 1000)) {
                255
            } else {
                0
            }
        })
        .collect();
    let opts = TicketOptions {
        reprint_count: Some(3),
        logo: Some(LogoImage::from_luma(1000, 200, luma).unwrap()),
        business_day_note: Some("Business day Thu 26 Nov".into()),
    };
    for paper in [Paper::Mm80, Paper::Mm58] {
        let decoded = decode(&encode_ticket_with(&t, &opts, paper).unwrap()).unwrap();
        // The logo comes first, as wide as the paper.
        let Some(Block::Raster(logo)) = decoded.blocks.first() else {
            panic!("logo first: {:?}", decoded.blocks.first());
        };
        assert_eq!(logo.width_bytes * 8, paper.dots() as usize);
        let expected_height = (f64::from(paper.dots()) * 200.0 / 1000.0).round() as usize;
        assert_eq!(logo.height, expected_height);
        assert_eq!(logo.align, Align::Center);
        assert_eq!(decoded.rasters, 2, "logo and Arabic title");
        // Then the banner: bold, white on black, double size.
        let banner = decoded.lines.iter().find(|l| !l.text.is_empty()).unwrap();
        assert_eq!(banner.text.trim(), "REPRINT 3");
        assert!(banner.bold && banner.reverse, "{banner:?}");
        assert_eq!((banner.width_mul, banner.height_mul), (2, 2));
        assert_eq!(banner.align, Align::Center);
        let text = decoded.text();
        let note = text.find("Business day Thu 26 Nov").unwrap();
        let time = text.find("19:30").unwrap();
        let seat = text.find("F-12").unwrap();
        assert!(time < note && note < seat, "{text}");
        assert_eq!(decoded.qr_codes, vec![t.qr_payload.clone()]);
        assert_eq!(decoded.cuts, 1);
    }
    let zero = TicketOptions {
        reprint_count: Some(0),
        ..Default::default()
    };
    let decoded = decode(&encode_ticket_with(&t, &zero, Paper::Mm80).unwrap()).unwrap();
    let banner = decoded.lines.iter().find(|l| !l.text.is_empty()).unwrap();
    assert_eq!(banner.text.trim(), "REPRINT");
    assert!(banner.reverse);
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
