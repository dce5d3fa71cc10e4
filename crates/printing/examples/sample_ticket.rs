//! Renders a sample ticket and receipt as PNG pictures of the paper.
//!
//! `cargo run -p boxoffice-printing --example sample_ticket -- [OUT_DIR] [80|58]` writes
//! `sample_ticket.png`, `sample_ticket.bin`, `sample_receipt.png` and `sample_receipt.bin`
//! into OUT_DIR (default: the system temp directory).

use printing::virtual_printer::VirtualPrinter;
use printing::{Paper, ReceiptData, TicketData, encode_receipt, encode_ticket};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map_or_else(std::env::temp_dir, Into::into);
    let paper: Paper = args.next().as_deref().unwrap_or("80").parse()?;

    let ticket = TicketData {
        chain_name: "Boxoffice Cinemas".into(),
        site_name: "Dubai Marina Mall".into(),
        film_title_en: "The Grand Budapest Hotel".into(),
        film_title_ar: "فندق بودابست الكبير".into(),
        rating: "PG13".into(),
        screen: "Screen 1".into(),
        date_local: "Thu 26 Nov 2026".into(),
        time_local: "19:30".into(),
        seat_label: "F-12".into(),
        ticket_type: "Adult".into(),
        price: "AED 45.00".into(),
        vat: "VAT 5% incl. AED 2.14".into(),
        order_ref: "BO-7F3K-92QX".into(),
        qr_payload: "BXO1:T:01JD8Z6Q3W9F:F-12:7c1e0b2a".into(),
        footer: "Terminal T1 · Cashier Demo".into(),
    };
    let receipt = ReceiptData {
        header_lines: vec![
            "Boxoffice Cinemas".into(),
            "Dubai Marina Mall".into(),
            "TRN 100200300400003".into(),
            "Simplified Tax Invoice".into(),
        ],
        lines: vec![
            (
                "2 x Adult - The Grand Budapest Hotel".into(),
                "90.00".into(),
            ),
            ("1 x Popcorn Large".into(), "28.00".into()),
        ],
        totals: vec![
            ("Total (AED)".into(), "118.00".into()),
            ("VAT 5% included".into(), "5.62".into()),
            ("Cash".into(), "120.00".into()),
            ("Change".into(), "2.00".into()),
        ],
        footer_lines: vec!["Thank you!".into(), "Receipt R-000123 · T1".into()],
    };

    let printer = VirtualPrinter::new(dir, paper);
    for (name, bytes) in [
        ("sample_ticket", encode_ticket(&ticket, paper)?),
        ("sample_receipt", encode_receipt(&receipt, paper, true)?),
    ] {
        let printout = printer.print(name, &bytes)?;
        println!("{} ({} bytes)", printout.png_path.display(), bytes.len());
    }
    Ok(())
}
