//! Benchmarks (divan): encoding a ticket with an Arabic title and a 20-line tax invoice.
//!
//! `cargo bench -p boxoffice-printing`

#[path = "../tests/common/mod.rs"]
mod common;

use divan::black_box;
use printing::{Align, Paper, encode_tax_invoice, encode_ticket, raster_text};

fn main() {
    divan::main();
}

const PAPERS: [Paper; 2] = [Paper::Mm80, Paper::Mm58];

/// A whole ticket: text, QR code and the Arabic title shaped and rasterised.
#[divan::bench(args = PAPERS)]
fn ticket_with_arabic_title(bencher: divan::Bencher, paper: Paper) {
    let ticket = common::sample_ticket();
    bencher.bench(|| encode_ticket(black_box(&ticket), paper).unwrap());
}

/// A simplified tax invoice with 20 item lines and an Arabic header line.
#[divan::bench(args = PAPERS)]
fn tax_invoice_20_lines(bencher: divan::Bencher, paper: Paper) {
    let invoice = common::tax_invoice_with_lines(20);
    bencher.bench(|| encode_tax_invoice(black_box(&invoice), paper, true).unwrap());
}

/// Shaping and rasterising the Arabic title alone.
#[divan::bench]
fn arabic_title_raster() -> printing::MonoBitmap {
    raster_text(black_box("فندق بودابست الكبير"), 40, 576, Align::Center)
}
