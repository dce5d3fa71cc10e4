//! The report's CSV and PDF forms, read back with independent tools: the
//! `csv` reader, and poppler's `pdftotext` and `pdftoppm` (the PDF is
//! rendered, its text extracted, Arabic titles included).

use reports::*;
use std::process::Command;

fn line(key: &str, label: &str, label_ar: &str, tickets: u32, amount: i64) -> Line {
    Line {
        key: key.into(),
        label: label.into(),
        label_ar: label_ar.into(),
        orders: 1,
        tickets,
        amount_minor: amount,
    }
}

/// A Bahraini day (3 decimals) with an Arabic title.
fn sample() -> DayReport {
    DayReport {
        kind: ReportKind::Z,
        number: Some(7),
        site_id: "bah-seef".into(),
        site_name: "Seef Mall Bahrain".into(),
        chain_name: "Boxoffice Cinemas".into(),
        currency: "BHD".into(),
        decimals: 3,
        time_zone: "Asia/Bahrain".into(),
        business_day: "2026-12-03".into(),
        day_starts_at: "2026-12-03T03:00:00Z".into(),
        day_ends_at: "2026-12-04T03:00:00Z".into(),
        terminals: vec!["bah-seef-t1".into()],
        generated_at: "2026-12-04T01:30:00Z".into(),
        by: "Layla Manager".into(),
        totals: Totals {
            orders: 3,
            tickets: 5,
            sales_minor: 12_345,
            sales_vat_minor: 1_122,
            refunded_tickets: 1,
            refunds_minor: 2_505,
            refunds_vat_minor: 227,
            net_minor: 9_840,
            net_vat_minor: 895,
        },
        by_film: vec![
            line("f1", "Desert Falcon", "صقر الصحراء", 3, 7_500),
            line("f2", "The Last Caravan", "القافلة الأخيرة", 2, 4_845),
        ],
        by_showtime: vec![ShowtimeLine {
            showtime_id: "s1".into(),
            film: "Desert Falcon".into(),
            film_ar: "صقر الصحراء".into(),
            screen: "Screen 1 IMAX".into(),
            starts_at: "2026-12-03T18:00:00Z".into(),
            tickets: 3,
            amount_minor: 7_500,
            capacity: 120,
            taken: 45,
        }],
        by_ticket_type: vec![line("adult", "Adult", "بالغ", 5, 12_345)],
        by_payment: vec![PaymentLine {
            method: "cash".into(),
            taken_minor: 12_345,
            refunded_minor: 2_505,
            net_minor: 9_840,
        }],
        by_cashier: vec![line("c1", "=HYPERLINK(\"x\")", "Omar Cashier", 5, 12_345)],
        by_hour: vec![HourLine {
            hour: 21,
            orders: 3,
            tickets: 5,
            amount_minor: 12_345,
        }],
        vat: vec![VatLine {
            rate_bp: 1000,
            gross_minor: 9_840,
            vat_minor: 895,
            net_minor: 8_945,
        }],
        discounts: vec![],
        overrides: vec![],
        refunds: vec![RefundLine {
            order_ref: "A1B2C3D4".into(),
            kind: "refund".into(),
            tickets: 1,
            amount_minor: 2_505,
            card_minor: 0,
            cash_minor: 2_505,
            exchange_minor: 0,
            staff: "Omar Cashier".into(),
            approved_by: "Sara Supervisor".into(),
            reason: "wrong film".into(),
            at: "2026-12-03T19:00:00Z".into(),
        }],
        voids: vec![],
        shifts: vec![ShiftLine {
            terminal_id: "bah-seef-t1".into(),
            shift_id: "shift-1".into(),
            staff: "Omar Cashier".into(),
            opened_at: "2026-12-03T14:00:00Z".into(),
            closed_at: Some("2026-12-03T22:00:00Z".into()),
            float_minor: 50_000,
            cash_net_minor: 9_840,
            paid_in_out_minor: 10_000,
            dropped_minor: 20_000,
            expected_minor: 49_840,
            counted_minor: Some(49_835),
            variance_minor: Some(-5),
        }],
        offline: OfflineSales::default(),
        open_conflicts: vec![],
        unsynced: vec![UnsyncedLine {
            terminal_id: "bah-seef-t1".into(),
            entries: 2,
            amount_minor: 4_845,
            oldest_at: Some("2026-12-03T20:00:00Z".into()),
            last_heard_at: None,
        }],
    }
}

#[test]
fn csv_has_one_header_and_exact_amounts() {
    let bytes = csv_form::csv(&sample()).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        &csv::StringRecord::from(csv_form::HEADER.to_vec())
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let find = |section: &str, item: &str| {
        rows.iter()
            .find(|r| &r[0] == section && &r[1] == item)
            .unwrap_or_else(|| panic!("no {section}/{item}"))
            .clone()
    };
    assert_eq!(&find("totals", "sales")[6], "12.345");
    assert_eq!(&find("totals", "net_sales")[6], "9.840");
    assert_eq!(&find("cash_variance", "shift-1")[6], "-0.005");
    let film = find("film", "f2");
    assert_eq!(
        (&film[3], &film[6], &film[7]),
        ("القافلة الأخيرة", "4.845", "BHD")
    );
    assert_eq!(&find("not_at_central", "bah-seef-t1")[4], "2");
    assert!(rows.iter().all(|r| r.len() == csv_form::HEADER.len()));
    // A name typed as a formula stays text in a spreadsheet.
    assert_eq!(&find("cashier", "c1")[2], "'=HYPERLINK(\"x\")");
}

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (poppler-utils, installed by make deps): {e}"));
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn pdf_renders_and_its_text_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("z.pdf");
    std::fs::write(&path, pdf_form::pdf(&sample()).unwrap()).unwrap();
    let p = path.to_str().unwrap();
    let text = String::from_utf8(tool("pdftotext", &["-layout", p, "-"]).stdout).unwrap();
    for want in [
        "Z REPORT - DAY CLOSED No. 7",
        "12.345",
        "9.840",
        "-0.005",
        "Desert Falcon",
        "NOT YET AT CENTRAL",
        "page 1 of 1",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    // The Arabic titles come back as the letters they are (logical order).
    assert!(
        text.contains("صقر الصحراء"),
        "Arabic title missing from:\n{text}"
    );
    // Rendered: the page has ink.
    let png = dir.path().join("page");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            p,
            png.to_str().unwrap(),
        ],
    );
    let rendered = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with(".png"))
        .expect("a rendered page");
    assert!(std::fs::metadata(rendered.path()).unwrap().len() > 5_000);
    if let Ok(out) = std::env::var("REPORT_PDF_OUT") {
        std::fs::copy(&path, out).unwrap();
    }
}
