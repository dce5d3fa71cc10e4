//! The cash receipt as a simplified tax invoice.

use super::job::{Job, Style};
use super::text::{fitting_multiplier, printable};
use crate::text_raster::FontWeight;
use crate::{Align, Paper, PrintError};
use serde::{Deserialize, Serialize};

/// One sold item of a tax invoice.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaxInvoiceLine {
    /// What was sold, e.g. "Adult - The Grand Budapest Hotel".
    pub description: String,
    /// Quantity, printed as "2 x ".
    pub qty: u32,
    /// Line amount (quantity times unit price), formatted, e.g. "90.00".
    pub amount: String,
}

/// One payment of a tax invoice.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaxInvoicePayment {
    /// Payment method, e.g. "Cash" or "Card".
    pub method: String,
    /// Amount tendered, formatted.
    pub amount: String,
    /// Card approval code, voucher number and so on; printed under the method when not blank.
    pub reference: String,
}

/// Everything printed on a simplified tax invoice (the customer's cash receipt). All strings
/// are already localised and formatted by the caller; blank optional parts are left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaxInvoiceData {
    /// The supplier (legal name of the chain), e.g. "Boxoffice Cinemas LLC"; printed bold.
    pub supplier_name: String,
    /// Optional Arabic line under the supplier name (e.g. the supplier's Arabic name),
    /// printed as a raster image.
    pub header_ar: String,
    /// The site, e.g. "Dubai Marina Mall".
    pub site_name: String,
    /// Supplier address, one entry per line.
    pub address_lines: Vec<String>,
    /// Supplier tax registration number, printed as "TRN ...".
    pub trn: String,
    /// Date and time of issue in local time, e.g. "26/11/2026 19:05".
    pub date_time_local: String,
    /// Invoice number.
    pub invoice_ref: String,
    /// Order reference, when it differs from the invoice number.
    pub order_ref: String,
    /// Cashier name.
    pub cashier: String,
    /// Terminal id.
    pub terminal: String,
    /// Items sold.
    pub lines: Vec<TaxInvoiceLine>,
    /// Currency code shown in the amounts column heading, e.g. "AED".
    pub currency: String,
    /// Total excluding VAT.
    pub subtotal: String,
    /// VAT rate, e.g. "5%".
    pub vat_rate: String,
    /// VAT amount.
    pub vat_amount: String,
    /// Total including VAT (printed large).
    pub total: String,
    /// Payments received.
    pub payments: Vec<TaxInvoicePayment>,
    /// Change given, blank for none.
    pub change: String,
    /// Printed as a QR code when not blank (e.g. an e-invoicing payload).
    pub qr_payload: String,
    /// Centered lines at the end, e.g. "Thank you!".
    pub footer_lines: Vec<String>,
}

/// Title of the document.
pub(crate) const TAX_INVOICE_TITLE: &str = "TAX INVOICE";

/// Encodes a simplified tax invoice as ESC/POS bytes: a cash drawer kick (ESC p, pin 2) first
/// when `open_drawer`, a paper cut at the end.
///
/// Layout: supplier, Arabic header line, site, address and TRN; the title "TAX INVOICE"
/// (simplified); invoice details; items as "qty x description" with amounts flush right;
/// subtotal, VAT and the total; payments and change; QR code; footer. Fails with
/// `print.qr_too_long` for an oversized QR payload.
pub fn encode_tax_invoice(
    inv: &TaxInvoiceData,
    paper: Paper,
    open_drawer: bool,
) -> Result<Vec<u8>, PrintError> {
    let mut job = Job::start(paper)?;
    if open_drawer {
        job.drawer_kick()?;
    }
    let columns = paper.columns();
    let ar_dots = match paper {
        Paper::Mm80 => 34,
        Paper::Mm58 => 30,
    };

    job.center()?;
    let supplier_width = fitting_multiplier(&printable(&inv.supplier_name), columns, 2);
    job.paragraph(&inv.supplier_name, Style::new(true, supplier_width, 1))?
        .raster_text(&inv.header_ar, ar_dots, FontWeight::Bold, Align::Center)?
        .paragraph(&inv.site_name, Style::NORMAL)?;
    for line in &inv.address_lines {
        job.paragraph(line, Style::NORMAL)?;
    }
    if !inv.trn.trim().is_empty() {
        job.paragraph(&format!("TRN {}", inv.trn.trim()), Style::BOLD)?;
    }
    job.rule('=')?
        .paragraph(TAX_INVOICE_TITLE, Style::new(true, 2, 2))?
        .paragraph("(Simplified)", Style::NORMAL)?
        .rule('=')?
        .left()?;

    for (label, value) in [
        ("Invoice", &inv.invoice_ref),
        ("Order", &inv.order_ref),
        ("Date", &inv.date_time_local),
        ("Cashier", &inv.cashier),
        ("Terminal", &inv.terminal),
    ] {
        if !value.trim().is_empty() {
            job.two_columns(label, value, Style::NORMAL)?;
        }
    }
    job.rule('-')?;
    let amount_heading = if inv.currency.trim().is_empty() {
        "Amount".to_string()
    } else {
        format!("Amount {}", inv.currency.trim())
    };
    job.two_columns("Item", &amount_heading, Style::BOLD)?;
    for line in &inv.lines {
        let text = format!("{} x {}", line.qty, line.description.trim());
        job.two_columns(&text, &line.amount, Style::NORMAL)?;
    }
    job.rule('-')?;
    job.two_columns("Subtotal excl. VAT", &inv.subtotal, Style::NORMAL)?;
    let vat_label = if inv.vat_rate.trim().is_empty() {
        "VAT".to_string()
    } else {
        format!("VAT {}", inv.vat_rate.trim())
    };
    job.two_columns(&vat_label, &inv.vat_amount, Style::NORMAL)?
        .two_columns("TOTAL incl. VAT", &inv.total, Style::new(true, 1, 2))?
        .rule('=')?;

    for payment in &inv.payments {
        job.two_columns(&payment.method, &payment.amount, Style::NORMAL)?;
        if !payment.reference.trim().is_empty() {
            job.paragraph(&format!("Ref {}", payment.reference.trim()), Style::NORMAL)?;
        }
    }
    if !inv.change.trim().is_empty() {
        job.two_columns("Change", &inv.change, Style::BOLD)?;
    }
    if !inv.payments.is_empty() || !inv.change.trim().is_empty() {
        job.rule('-')?;
    }

    job.center()?.blank(1)?.qr(&inv.qr_payload, 4)?;
    if !inv.qr_payload.is_empty() {
        job.blank(1)?;
    }
    for line in &inv.footer_lines {
        job.paragraph(line, Style::NORMAL)?;
    }
    job.blank(1)?;
    job.finish()
}
