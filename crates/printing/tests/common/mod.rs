//! Sample jobs shared by the integration tests.
#![allow(dead_code)]

use printing::{ReceiptData, TaxInvoiceData, TaxInvoiceLine, TaxInvoicePayment, TicketData};

pub fn sample_ticket() -> TicketData {
    TicketData {
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
    }
}

pub fn sample_receipt() -> ReceiptData {
    ReceiptData {
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
    }
}

pub fn sample_tax_invoice() -> TaxInvoiceData {
    TaxInvoiceData {
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
        payments: vec![
            TaxInvoicePayment {
                method: "Card".into(),
                amount: "50.00".into(),
                reference: "AUTH 123456".into(),
            },
            TaxInvoicePayment {
                method: "Cash".into(),
                amount: "70.00".into(),
                reference: String::new(),
            },
        ],
        change: "2.00".into(),
        qr_payload: "BXO1:R:R-000123:118.00".into(),
        footer_lines: vec!["Thank you!".into(), "Keep this invoice for refunds".into()],
    }
}

/// An invoice with `n` item lines.
pub fn tax_invoice_with_lines(n: usize) -> TaxInvoiceData {
    let mut inv = sample_tax_invoice();
    inv.lines = (0..n)
        .map(|i| TaxInvoiceLine {
            description: format!("Item {i} - Popcorn, nachos and a large drink"),
            qty: u32::try_from(i % 3 + 1).unwrap(),
            amount: format!("{}.50", 10 + i),
        })
        .collect();
    inv
}

/// Every raster image of a decoded job, in order.
pub fn rasters(decoded: &printing::decode::Decoded) -> Vec<&printing::decode::Raster> {
    decoded
        .blocks
        .iter()
        .filter_map(|b| match b {
            printing::decode::Block::Raster(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// Decodes a PNG into (width, height, grayscale pixels).
pub fn read_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Every QR code an independent reader finds in a grayscale image.
pub fn scan_qr_codes(width: u32, height: u32, pixels: &[u8]) -> Vec<String> {
    let w = width as usize;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(w, height as usize, |x, y| pixels[y * w + x]);
    image
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, content)| content))
        .collect()
}
