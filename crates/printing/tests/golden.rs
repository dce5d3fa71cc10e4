//! Golden pictures: rendered jobs compared pixel for pixel with `tests/golden/*.png`.
//!
//! After an intended layout change, look at the new pictures and accept them with
//! `UPDATE_GOLDEN=1 cargo test -p boxoffice-printing --test golden`. On a mismatch the
//! rendered picture is written next to the system temp directory's
//! `boxoffice-golden/<name>.actual.png` for comparison.

mod common;

use common::{read_png, sample_tax_invoice, sample_ticket};
use printing::decode::decode;
use printing::render::render_png;
use printing::{Paper, encode_tax_invoice, encode_ticket};
use std::path::PathBuf;

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.png"))
}

fn check_golden(name: &str, bytes: &[u8], paper: Paper) {
    let png = render_png(&decode(bytes).unwrap(), paper).unwrap();
    let path = golden_path(name);
    if std::env::var("UPDATE_GOLDEN").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &png).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; create it with UPDATE_GOLDEN=1", path.display()));
    let (ew, eh, expected_pixels) = read_png(&expected);
    let (aw, ah, actual_pixels) = read_png(&png);
    if (ew, eh) == (aw, ah) && expected_pixels == actual_pixels {
        return;
    }
    let out_dir = std::env::temp_dir().join("boxoffice-golden");
    std::fs::create_dir_all(&out_dir).unwrap();
    let actual_path = out_dir.join(format!("{name}.actual.png"));
    std::fs::write(&actual_path, &png).unwrap();
    let differing = expected_pixels
        .iter()
        .zip(&actual_pixels)
        .filter(|(a, b)| a != b)
        .count();
    panic!(
        "{name}: rendered {aw}x{ah} differs from golden {ew}x{eh} ({differing} pixels differ \
         in the common part); see {} and, if the change is intended, run with UPDATE_GOLDEN=1",
        actual_path.display()
    );
}

#[test]
fn ticket_80mm() {
    let bytes = encode_ticket(&sample_ticket(), Paper::Mm80).unwrap();
    check_golden("ticket_80mm", &bytes, Paper::Mm80);
}

#[test]
fn ticket_58mm() {
    let bytes = encode_ticket(&sample_ticket(), Paper::Mm58).unwrap();
    check_golden("ticket_58mm", &bytes, Paper::Mm58);
}

#[test]
fn tax_invoice_80mm() {
    let bytes = encode_tax_invoice(&sample_tax_invoice(), Paper::Mm80, true).unwrap();
    check_golden("tax_invoice_80mm", &bytes, Paper::Mm80);
}

#[test]
fn tax_invoice_58mm() {
    let bytes = encode_tax_invoice(&sample_tax_invoice(), Paper::Mm58, true).unwrap();
    check_golden("tax_invoice_58mm", &bytes, Paper::Mm58);
}
