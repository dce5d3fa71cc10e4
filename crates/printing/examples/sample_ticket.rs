//! Renders sample jobs as PNG pictures of the paper.
//!
//! `cargo run -p boxoffice-printing --example sample_ticket -- [OUT_DIR] [80|58]` writes
//! `sample_ticket`, `sample_reprint`, `sample_receipt`, `sample_tax_invoice`,
//! `sample_change_slip` and `sample_test_page` (`.png` and `.bin`) into OUT_DIR (default: the
//! system temp directory).

use printing::virtual_printer::VirtualPrinter;
use printing::{
    ChangeSlipData, LogoImage, Paper, ReceiptData, TaxInvoiceData, TaxInvoiceLine,
    TaxInvoicePayment, TicketData, TicketOptions, encode_change_slip, encode_receipt,
    encode_tax_invoice, encode_test_page, encode_ticket, encode_ticket_with,
};

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

    let invoice = TaxInvoiceData {
        supplier_name: "Boxoffice Cinemas LLC".into(),
        header_ar: "بوكس أوفيس للسينما".into(),
        site_name: "Dubai Marina Mall".into(),
        address_lines: vec!["Level 2, Dubai Marina Mall".into(), "Dubai, UAE".into()],
        trn: "100200300400003".into(),
        date_time_local: "26/11/2026 19:05".into(),
        invoice_ref: "R-000123".into(),
        order_ref: "BO-7F3K-92QX".into(),
        cashier: "Demo".into(),
        terminal: "T1".into(),
        lines: vec![
            TaxInvoiceLine {
                description: "Adult - The Grand Budapest Hotel".into(),
                qty: 2,
                amount: "90.00".into(),
            },
            TaxInvoiceLine {
                description: "Popcorn Large".into(),
                qty: 1,
                amount: "28.00".into(),
            },
        ],
        currency: "AED".into(),
        subtotal: "112.38".into(),
        vat_rate: "5%".into(),
        vat_amount: "5.62".into(),
        total: "AED 118.00".into(),
        payments: vec![TaxInvoicePayment {
            method: "Cash".into(),
            amount: "120.00".into(),
            reference: String::new(),
        }],
        change: "2.00".into(),
        qr_payload: String::new(),
        footer_lines: vec!["Thank you!".into()],
    };
    let slip = ChangeSlipData {
        chain_name: "Boxoffice Cinemas".into(),
        site_name: "Dubai Marina Mall".into(),
        order_ref: "BO-7F3K-92QX".into(),
        old_seat: "F-12".into(),
        new_seat: "G-14".into(),
        film_title: "The Grand Budapest Hotel".into(),
        showtime: "Thu 26 Nov 2026 19:30 - Screen 1".into(),
        reason: "Broken seat".into(),
        supervisor: "Sara".into(),
        issued_at_local: "26/11/2026 19:12".into(),
        footer: "Terminal T1 - Cashier Demo".into(),
    };
    // A round logo with a hole, drawn in code so the example needs no file.
    let logo = LogoImage::from_luma(
        240,
        120,
        (0..240 * 120)
            .map(|i| {
                let (x, y) = ((i % 240) as f32 - 120.0, (i / 240) as f32 - 60.0);
                let r = (x * x + y * y).sqrt();
                if (25.0..58.0).contains(&r) { 0 } else { 255 }
            })
            .collect(),
    )
    .ok_or("logo")?;
    let reprint = TicketOptions {
        reprint_count: Some(2),
        logo: Some(logo),
        business_day_note: Some("Business day Thu 26 Nov".into()),
    };

    let printer = VirtualPrinter::new(dir, paper);
    for (name, bytes) in [
        ("sample_ticket", encode_ticket(&ticket, paper)?),
        (
            "sample_reprint",
            encode_ticket_with(&ticket, &reprint, paper)?,
        ),
        ("sample_receipt", encode_receipt(&receipt, paper, true)?),
        (
            "sample_tax_invoice",
            encode_tax_invoice(&invoice, paper, true)?,
        ),
        ("sample_change_slip", encode_change_slip(&slip, paper)?),
        ("sample_test_page", encode_test_page("Printer test", paper)?),
    ] {
        let printout = printer.print(name, &bytes)?;
        println!("{} ({} bytes)", printout.png_path.display(), bytes.len());
    }
    Ok(())
}
