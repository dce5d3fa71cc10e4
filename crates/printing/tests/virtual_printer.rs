mod common;

use common::{read_png, sample_ticket};
use printing::virtual_printer::VirtualPrinter;
use printing::{Paper, encode_ticket};

#[test]
fn writes_bin_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let printer = VirtualPrinter::new(dir.path().join("jobs"), Paper::Mm80);
    let bytes = encode_ticket(&sample_ticket(), Paper::Mm80).unwrap();
    let printout = printer.print("ticket-F12", &bytes).unwrap();

    assert_eq!(printout.bin_path, dir.path().join("jobs/ticket-F12.bin"));
    assert_eq!(printout.png_path, dir.path().join("jobs/ticket-F12.png"));
    assert_eq!(std::fs::read(&printout.bin_path).unwrap(), bytes);
    let (width, height, _) = read_png(&std::fs::read(&printout.png_path).unwrap());
    assert_eq!(width, 576);
    assert!(height > 800);
}

#[test]
fn undecodable_job_keeps_the_raw_bytes_and_reports_a_decode_error() {
    let dir = tempfile::tempdir().unwrap();
    let printer = VirtualPrinter::new(dir.path(), Paper::Mm58);
    let err = printer
        .print("broken", &[b'h', b'i', 0x1d, 0xff])
        .unwrap_err();
    assert_eq!(err.code(), "print.decode");
    assert!(dir.path().join("broken.bin").exists());
    assert!(!dir.path().join("broken.png").exists());
}

#[test]
fn bad_job_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let printer = VirtualPrinter::new(dir.path(), Paper::Mm80);
    let err = printer.print("../escape", b"x").unwrap_err();
    assert_eq!(err.code(), "print.job_name");
}
