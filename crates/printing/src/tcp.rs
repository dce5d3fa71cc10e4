//! Raw TCP printing ("port 9100", also called JetDirect or AppSocket), and real-time status
//! queries over the same connection.
//!
//! Raw printing has no acknowledgement: the printer takes bytes and closes the connection
//! after the client does. [`send`] therefore half-closes the connection and waits for the
//! printer to close its side, so a printer that resets the connection mid-job is reported
//! as [`PrintError::Interrupted`]. [`send_confirmed`] goes further: it asks for the status
//! after the job, and the printer's answer proves it received every byte before it.

use crate::PrintError;
use crate::status::{PrinterStatus, StatusQuery, is_status_byte};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The raw printing port used when the address has none.
pub const DEFAULT_PORT: u16 = 9100;

/// Longest wait for the printer to close the connection after a job. Printers close at once;
/// one that keeps the connection open should not hold up the till.
const MAX_CLOSE_WAIT: Duration = Duration::from_secs(3);

/// Most bytes skipped while waiting for a status answer (automatic status back and other
/// unsolicited data) before giving up.
const MAX_SKIPPED_BYTES: usize = 64;

/// Sends a job to a network printer over raw TCP. `addr` is `host:port`, or a bare host or IP
/// address for port 9100. `timeout` bounds the connection to each resolved address and each
/// write; the wait for the printer to close the connection after the job is bounded by
/// `timeout` and 3 s. Host name resolution itself uses the system resolver.
///
/// Fails with `print.interrupted` when the printer closes or resets the connection before the
/// job is complete (the job can be sent again), `print.timeout` when it stops taking data.
/// A printer that keeps the connection open after the job is not an error.
pub fn send(addr: &str, bytes: &[u8], timeout: Duration) -> Result<(), PrintError> {
    let timeout = nonzero(timeout);
    let mut stream = open(addr, timeout)?;
    write_job(addr, &mut stream, bytes, timeout)?;
    finish(addr, &mut stream, timeout)
}

/// Sends a job like [`send`], then queries the printer status (DLE EOT 1 to 4) on the same
/// connection. The printer answers a query only after receiving everything before it, so an
/// answer proves that the whole job arrived; the status tells whether it can be printed
/// (paper out, cover open). Printers that do not answer real-time status queries over the
/// network make this fail with `print.timeout`: use [`send`] for those.
pub fn send_confirmed(
    addr: &str,
    bytes: &[u8],
    timeout: Duration,
) -> Result<PrinterStatus, PrintError> {
    let timeout = nonzero(timeout);
    let mut stream = open(addr, timeout)?;
    write_job(addr, &mut stream, bytes, timeout)?;
    let status = read_status(addr, &mut stream, timeout)?;
    finish(addr, &mut stream, timeout)?;
    Ok(status)
}

/// Asks a network printer for its real-time status: sends DLE EOT 1, 2, 3 and 4 and reads the
/// one-byte answer to each. Fails with `print.timeout` when the printer does not answer in
/// time, `print.status` when its answers are not status bytes.
pub fn query_status(addr: &str, timeout: Duration) -> Result<PrinterStatus, PrintError> {
    let timeout = nonzero(timeout);
    let mut stream = open(addr, timeout)?;
    let status = read_status(addr, &mut stream, timeout)?;
    // Nothing was printed; the printer may already be closing the connection.
    let _ = stream.shutdown(Shutdown::Both);
    Ok(status)
}

fn nonzero(timeout: Duration) -> Duration {
    if timeout.is_zero() {
        Duration::from_millis(1)
    } else {
        timeout
    }
}

fn open(addr: &str, timeout: Duration) -> Result<TcpStream, PrintError> {
    let targets = resolve(addr)?;
    let stream = connect(addr, &targets, timeout)?;
    // Jobs are written in one go; do not hold back small status queries.
    stream.set_nodelay(true).map_err(|e| io_error(addr, e))?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| io_error(addr, e))?;
    Ok(stream)
}

fn write_job(
    addr: &str,
    stream: &mut TcpStream,
    bytes: &[u8],
    timeout: Duration,
) -> Result<(), PrintError> {
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| io_error(addr, e))?;
    stream.write_all(bytes).map_err(|e| io_error(addr, e))?;
    stream.flush().map_err(|e| io_error(addr, e))
}

/// Sends DLE EOT 1..4 one at a time and reads each answer.
fn read_status(
    addr: &str,
    stream: &mut TcpStream,
    timeout: Duration,
) -> Result<PrinterStatus, PrintError> {
    let deadline = Instant::now() + timeout;
    let mut answers = [0u8; 4];
    for (query, answer) in StatusQuery::ALL.iter().zip(answers.iter_mut()) {
        stream
            .write_all(&query.bytes())
            .map_err(|e| io_error(addr, e))?;
        *answer = read_status_byte(addr, stream, deadline)?;
    }
    PrinterStatus::from_responses(answers)
}

/// The next byte that looks like a status answer, skipping a few that do not.
fn read_status_byte(
    addr: &str,
    stream: &mut TcpStream,
    deadline: Instant,
) -> Result<u8, PrintError> {
    for _ in 0..=MAX_SKIPPED_BYTES {
        let byte = read_byte(addr, stream, deadline)?;
        if is_status_byte(byte) {
            return Ok(byte);
        }
    }
    Err(PrintError::Status(format!(
        "no status answer among {MAX_SKIPPED_BYTES} bytes from {addr}"
    )))
}

fn read_byte(addr: &str, stream: &mut TcpStream, deadline: Instant) -> Result<u8, PrintError> {
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return Err(PrintError::Timeout {
            addr: addr.to_string(),
        });
    }
    stream
        .set_read_timeout(Some(remaining))
        .map_err(|e| io_error(addr, e))?;
    let mut byte = [0u8; 1];
    loop {
        match stream.read(&mut byte) {
            Ok(0) => {
                return Err(PrintError::Interrupted {
                    addr: addr.to_string(),
                    source: ErrorKind::UnexpectedEof.into(),
                });
            }
            Ok(_) => return Ok(byte[0]),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(addr, e)),
        }
    }
}

/// Tells the printer the job is complete (half-close), then waits up to `timeout` (at most
/// [`MAX_CLOSE_WAIT`]) for it to close its side, ignoring anything it sends meanwhile. A reset
/// means the job was cut short.
fn finish(addr: &str, stream: &mut TcpStream, timeout: Duration) -> Result<(), PrintError> {
    match stream.shutdown(Shutdown::Write) {
        Ok(()) => {}
        // Already closed by the printer: the read below tells whether it was a reset.
        Err(err) if err.kind() == ErrorKind::NotConnected => {}
        Err(err) => return Err(io_error(addr, err)),
    }
    let deadline = Instant::now() + timeout.min(MAX_CLOSE_WAIT);
    let mut buf = [0u8; 256];
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            // The printer keeps the connection open; it has taken every byte we sent.
            return Ok(());
        }
        stream
            .set_read_timeout(Some(remaining))
            .map_err(|e| io_error(addr, e))?;
        match stream.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                return Ok(());
            }
            Err(e) => return Err(io_error(addr, e)),
        }
    }
}

/// Socket errors as print errors: timeouts, connections cut short, anything else.
fn io_error(addr: &str, err: std::io::Error) -> PrintError {
    match err.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => PrintError::Timeout {
            addr: addr.to_string(),
        },
        ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::BrokenPipe
        | ErrorKind::UnexpectedEof
        | ErrorKind::NotConnected => PrintError::Interrupted {
            addr: addr.to_string(),
            source: err,
        },
        _ => PrintError::Io(err),
    }
}

fn resolve(addr: &str) -> Result<Vec<SocketAddr>, PrintError> {
    let invalid = |reason: String| PrintError::InvalidAddress {
        addr: addr.to_string(),
        reason,
    };
    let trimmed = addr.trim();
    if trimmed.is_empty() {
        return Err(invalid("empty address".to_string()));
    }
    let resolved = match trimmed.to_socket_addrs() {
        Ok(found) => found.collect::<Vec<_>>(),
        // No port given (or a bare IPv6 address): use the raw printing port.
        Err(_) => (trimmed, DEFAULT_PORT)
            .to_socket_addrs()
            .map_err(|err| invalid(err.to_string()))?
            .collect(),
    };
    if resolved.is_empty() {
        return Err(invalid("no address found".to_string()));
    }
    Ok(resolved)
}

fn connect(addr: &str, targets: &[SocketAddr], timeout: Duration) -> Result<TcpStream, PrintError> {
    let mut last_error = None;
    for target in targets {
        match TcpStream::connect_timeout(target, timeout) {
            Ok(stream) => return Ok(stream),
            Err(err) => last_error = Some(err),
        }
    }
    let source = last_error.unwrap_or_else(|| std::io::Error::other("no address to connect to"));
    if matches!(source.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) {
        return Err(PrintError::Timeout {
            addr: addr.to_string(),
        });
    }
    Err(PrintError::Connect {
        addr: addr.to_string(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::sync::mpsc;

    #[test]
    fn sends_all_bytes_to_a_listening_printer() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut received = Vec::new();
            socket.read_to_end(&mut received).unwrap();
            received
        });
        let job: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        send(&addr, &job, Duration::from_secs(5)).unwrap();
        assert_eq!(server.join().unwrap(), job);
    }

    #[test]
    fn a_printer_closing_mid_job_is_an_interrupted_send() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut head = [0u8; 10];
            socket.read_exact(&mut head).unwrap();
            // Let the rest of the job pile up unread, then close: the kernel resets the
            // connection because data is left unread.
            std::thread::sleep(Duration::from_millis(200));
        });
        let job = vec![b'x'; 100_000];
        let err = send(&addr, &job, Duration::from_secs(5)).unwrap_err();
        assert_eq!(err.code(), "print.interrupted", "{err}");
        server.join().unwrap();
    }

    #[test]
    fn a_printer_keeping_the_connection_open_does_not_block_for_long() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            let mut job = [0u8; 3];
            socket.read_exact(&mut job).unwrap();
            // Hold the connection open until the client has returned.
            let _ = done_rx.recv_timeout(Duration::from_secs(10));
            job
        });
        let started = Instant::now();
        send(&addr, b"abc", Duration::from_millis(300)).unwrap();
        assert!(started.elapsed() < Duration::from_secs(2));
        done_tx.send(()).unwrap();
        assert_eq!(&server.join().unwrap(), b"abc");
    }

    #[test]
    fn query_status_reads_one_answer_per_query() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (mut socket, _) = listener.accept().unwrap();
            // Ready, drawer closed; cover open; no error; paper near end.
            for answer in [0x16u8, 0x16, 0x12, 0x1e] {
                let mut query = [0u8; 3];
                socket.read_exact(&mut query).unwrap();
                assert_eq!(query[..2], [0x10, 0x04]);
                // Unsolicited bytes (automatic status back) are skipped.
                socket.write_all(&[0x00, answer]).unwrap();
            }
        });
        let status = query_status(&addr, Duration::from_secs(5)).unwrap();
        server.join().unwrap();
        assert!(status.online && status.cover_open && status.paper_near_end);
        assert!(!status.paper_out && !status.drawer_open && !status.error);
    }

    #[test]
    fn silent_printer_is_a_status_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = std::thread::spawn(move || {
            let (socket, _) = listener.accept().unwrap();
            std::thread::sleep(Duration::from_millis(500));
            drop(socket);
        });
        let err = query_status(&addr, Duration::from_millis(200)).unwrap_err();
        assert_eq!(err.code(), "print.timeout", "{err}");
        server.join().unwrap();
    }

    #[test]
    fn refused_connection_is_a_connect_error() {
        // Bind then drop to find a port with nothing listening.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = send(&format!("127.0.0.1:{port}"), b"x", Duration::from_secs(2)).unwrap_err();
        assert_eq!(err.code(), "print.connect", "{err}");
    }

    #[test]
    fn bare_hosts_get_the_raw_printing_port() {
        let targets = resolve("127.0.0.1").unwrap();
        assert_eq!(targets[0].port(), DEFAULT_PORT);
        let targets = resolve("::1").unwrap();
        assert_eq!(targets[0].port(), DEFAULT_PORT);
        let targets = resolve("127.0.0.1:9101").unwrap();
        assert_eq!(targets[0].port(), 9101);
        assert_eq!(resolve("  ").unwrap_err().code(), "print.address");
    }
}
