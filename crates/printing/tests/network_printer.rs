//! The virtual printer as a network printer, over real TCP on loopback: jobs, status queries,
//! a printer that dies mid-job, and resending.

mod common;

use common::{read_png, sample_tax_invoice, sample_ticket};
use printing::decode::decode;
use printing::status::StatusQuery;
use printing::tcp::{query_status, send, send_confirmed};
use printing::virtual_printer::{JobEnd, TcpVirtualPrinter};
use printing::{Paper, PrinterStatus, encode_tax_invoice, encode_ticket};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

fn start(paper: Paper) -> (tempfile::TempDir, TcpVirtualPrinter) {
    let dir = tempfile::tempdir().unwrap();
    let printer = TcpVirtualPrinter::start("127.0.0.1:0", dir.path().join("jobs"), paper).unwrap();
    (dir, printer)
}

#[test]
fn a_sent_ticket_is_printed_like_the_file_printer_would() {
    let (dir, printer) = start(Paper::Mm80);
    let ticket = sample_ticket();
    let bytes = encode_ticket(&ticket, Paper::Mm80).unwrap();
    send(&printer.addr().to_string(), &bytes, TIMEOUT).unwrap();
    let jobs = printer.wait_for_jobs(1, TIMEOUT);
    assert_eq!(jobs.len(), 1);
    let job = &jobs[0];
    assert_eq!(job.number, 1);
    assert_eq!(job.name, "job-0001");
    assert!(job.complete);
    assert_eq!(job.end, JobEnd::Closed);
    assert_eq!(job.bytes, bytes);
    assert_eq!(job.error, None);
    assert_eq!(job.status_queries, 0);
    assert_eq!(job.bin_path, dir.path().join("jobs/job-0001.bin"));
    assert_eq!(std::fs::read(&job.bin_path).unwrap(), bytes);
    let png = job.png_path.as_ref().unwrap();
    assert_eq!(png, &dir.path().join("jobs/job-0001.png"));
    let (width, height, _) = read_png(&std::fs::read(png).unwrap());
    assert_eq!(width, 576);
    assert!(height > 800);
    let decoded = decode(&job.bytes).unwrap();
    assert!(decoded.text().contains("F-12"));
    assert_eq!(decoded.qr_codes, vec![ticket.qr_payload]);
    assert_eq!(decoded.rasters, 1);
    assert_eq!(decoded.cuts, 1);
}

#[test]
fn jobs_are_numbered_in_order_of_arrival() {
    let (_dir, printer) = start(Paper::Mm58);
    let addr = printer.addr().to_string();
    let ticket = encode_ticket(&sample_ticket(), Paper::Mm58).unwrap();
    let invoice = encode_tax_invoice(&sample_tax_invoice(), Paper::Mm58, true).unwrap();
    send(&addr, &ticket, TIMEOUT).unwrap();
    send(&addr, &invoice, TIMEOUT).unwrap();
    let jobs = printer.wait_for_jobs(2, TIMEOUT);
    let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["job-0001", "job-0002"]);
    assert_eq!(jobs[1].bytes, invoice);
    let decoded = decode(&jobs[1].bytes).unwrap();
    assert_eq!(decoded.drawer_kicks, 1);
    assert!(decoded.text().contains("TAX INVOICE"));
}

#[test]
fn status_queries_are_answered_from_the_simulated_status() {
    let (_dir, printer) = start(Paper::Mm80);
    let addr = printer.addr().to_string();
    assert_eq!(query_status(&addr, TIMEOUT).unwrap(), PrinterStatus::READY);

    let paper_out = PrinterStatus {
        online: false,
        paper_out: true,
        paper_near_end: true,
        ..PrinterStatus::READY
    };
    printer.set_status(paper_out);
    let status = query_status(&addr, TIMEOUT).unwrap();
    assert_eq!(status, paper_out);
    assert!(!status.is_ready());

    let cover_open = PrinterStatus {
        online: false,
        cover_open: true,
        ..PrinterStatus::READY
    };
    printer.set_status(cover_open);
    assert_eq!(query_status(&addr, TIMEOUT).unwrap(), cover_open);

    // Status checks are not print jobs.
    std::thread::sleep(Duration::from_millis(200));
    assert!(printer.jobs().is_empty());
}

#[test]
fn raw_status_bytes_follow_the_epson_layout() {
    let (_dir, printer) = start(Paper::Mm80);
    printer.set_status(PrinterStatus {
        online: false,
        cover_open: true,
        paper_out: true,
        paper_near_end: true,
        drawer_open: false,
        error: false,
    });
    let mut conn = TcpStream::connect(printer.addr()).unwrap();
    conn.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut answers = [0u8; 4];
    for (query, answer) in StatusQuery::ALL.iter().zip(answers.iter_mut()) {
        conn.write_all(&query.bytes()).unwrap();
        let mut byte = [0u8; 1];
        conn.read_exact(&mut byte).unwrap();
        *answer = byte[0];
    }
    // n=1: offline (bit 3), drawer pin high = closed (bit 2); n=2: cover open (bit 2), paper
    // end stop (bit 5); n=3: no error; n=4: near end (bits 2-3) and end (bits 5-6).
    assert_eq!(answers, [0x1e, 0x36, 0x12, 0x7e]);
}

#[test]
fn confirmed_send_proves_delivery_and_returns_the_status() {
    let (_dir, printer) = start(Paper::Mm80);
    let addr = printer.addr().to_string();
    printer.set_status(PrinterStatus {
        paper_near_end: true,
        ..PrinterStatus::READY
    });
    let bytes = encode_ticket(&sample_ticket(), Paper::Mm80).unwrap();
    let status = send_confirmed(&addr, &bytes, TIMEOUT).unwrap();
    assert!(status.paper_near_end && status.is_ready());
    let jobs = printer.wait_for_jobs(1, TIMEOUT);
    let job = &jobs[0];
    assert!(job.complete);
    assert_eq!(job.status_queries, 4);
    assert!(job.bytes.starts_with(&bytes));
    assert_eq!(job.bytes.len(), bytes.len() + 12);
    // The queries at the end do not disturb the printout.
    assert!(job.png_path.is_some(), "{:?}", job.error);
    assert_eq!(decode(&job.bytes).unwrap().cuts, 1);
}

#[test]
fn a_printer_that_dies_mid_job_is_reported_and_the_resend_succeeds() {
    let (dir, printer) = start(Paper::Mm80);
    let addr = printer.addr().to_string();
    let bytes = encode_ticket(&sample_ticket(), Paper::Mm80).unwrap();
    assert!(bytes.len() > 3000, "{}", bytes.len());

    printer.set_fail_after_bytes(Some(1000));
    let err = send(&addr, &bytes, TIMEOUT).unwrap_err();
    assert_eq!(err.code(), "print.interrupted", "{err}");
    let jobs = printer.wait_for_jobs(1, TIMEOUT);
    let failed = &jobs[0];
    assert!(!failed.complete);
    assert_eq!(failed.end, JobEnd::SimulatedFailure);
    assert_eq!(failed.bytes, bytes[..1000]);
    assert_eq!(failed.name, "job-0001-incomplete");
    assert_eq!(failed.png_path, None);
    assert_eq!(
        std::fs::read(dir.path().join("jobs/job-0001-incomplete.bin")).unwrap(),
        &bytes[..1000]
    );
    assert!(!dir.path().join("jobs/job-0001-incomplete.png").exists());

    // A confirmed send notices too.
    let err = send_confirmed(&addr, &bytes, TIMEOUT).unwrap_err();
    assert_eq!(err.code(), "print.interrupted", "{err}");

    // The printer comes back; the caller resends the whole job.
    printer.set_fail_after_bytes(None);
    send(&addr, &bytes, TIMEOUT).unwrap();
    let jobs = printer.wait_for_jobs(3, TIMEOUT);
    assert_eq!(jobs.len(), 3);
    let resent = &jobs[2];
    assert!(resent.complete);
    assert_eq!(resent.name, "job-0003");
    assert_eq!(resent.bytes, bytes);
    assert!(resent.png_path.as_ref().unwrap().exists());
}

#[test]
fn a_sender_that_goes_silent_ends_its_job_after_the_idle_timeout() {
    let (_dir, printer) = start(Paper::Mm80);
    printer.set_idle_timeout(Duration::from_millis(200));
    let mut conn = TcpStream::connect(printer.addr()).unwrap();
    conn.write_all(b"\x1b@hello\n").unwrap();
    let jobs = printer.wait_for_jobs(1, TIMEOUT);
    assert_eq!(jobs[0].end, JobEnd::IdleTimeout);
    assert!(jobs[0].complete);
    assert_eq!(decode(&jobs[0].bytes).unwrap().text(), "hello");
    drop(conn);
}

#[test]
fn a_stopped_printer_refuses_connections() {
    let (_dir, mut printer) = start(Paper::Mm80);
    let addr = printer.addr().to_string();
    printer.stop();
    let err = send(&addr, b"\x1b@x\n", Duration::from_secs(2)).unwrap_err();
    assert_eq!(err.code(), "print.connect", "{err}");
}
