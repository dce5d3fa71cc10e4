//! Raw TCP printing ("port 9100", also called JetDirect or AppSocket).

use crate::PrintError;
use std::io::{ErrorKind, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The raw printing port used when the address has none.
pub const DEFAULT_PORT: u16 = 9100;

/// Sends a job to a network printer over raw TCP. `addr` is `host:port`, or a bare host or IP
/// address for port 9100. `timeout` bounds the connection to each resolved address and each
/// write; host name resolution itself uses the system resolver.
pub fn send(addr: &str, bytes: &[u8], timeout: Duration) -> Result<(), PrintError> {
    let targets = resolve(addr)?;
    let timeout = if timeout.is_zero() {
        Duration::from_millis(1)
    } else {
        timeout
    };
    let mut stream = connect(addr, &targets, timeout)?;
    let io_error = |err: std::io::Error| match err.kind() {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => PrintError::Timeout {
            addr: addr.to_string(),
        },
        _ => PrintError::Io(err),
    };
    stream.set_write_timeout(Some(timeout)).map_err(io_error)?;
    stream.write_all(bytes).map_err(io_error)?;
    stream.flush().map_err(io_error)?;
    // Tell the printer the job is complete; some close the connection first, which is fine.
    match stream.shutdown(Shutdown::Write) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == ErrorKind::NotConnected => Ok(()),
        Err(err) => Err(io_error(err)),
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
    use std::io::Read;
    use std::net::TcpListener;

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
