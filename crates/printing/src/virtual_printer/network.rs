//! The virtual printer as a network printer: a raw TCP listener ("port 9100").

use super::VirtualPrinter;
use crate::status::{DLE_EOT, PrinterStatus, StatusQuery};
use crate::{Paper, PrintError};
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a connection may stay silent before the job is taken as ended, like the idle
/// timeout of a real network printer.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// How often a blocked read wakes up to check for [`TcpVirtualPrinter::stop`].
const POLL: Duration = Duration::from_millis(50);

/// How a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobEnd {
    /// The sender closed the connection: the job is complete.
    Closed,
    /// The sender stayed silent for the idle timeout; what arrived is taken as complete.
    IdleTimeout,
    /// The printer "died" after the bytes set with
    /// [`TcpVirtualPrinter::set_fail_after_bytes`] and reset the connection.
    SimulatedFailure,
    /// The sender reset the connection, or reading failed.
    Reset,
    /// The virtual printer was stopped during the job.
    Stopped,
}

impl JobEnd {
    /// True when the whole job arrived.
    pub fn is_complete(self) -> bool {
        matches!(self, JobEnd::Closed | JobEnd::IdleTimeout)
    }
}

/// One connection's worth of bytes, as the virtual network printer received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedJob {
    /// 1, 2, 3... in order of arrival.
    pub number: u32,
    /// The file name stem: `job-0001`, with `-incomplete` appended for an incomplete job.
    pub name: String,
    /// The sender.
    pub peer: SocketAddr,
    /// Every byte received, status queries included.
    pub bytes: Vec<u8>,
    /// True when the whole job arrived (see [`JobEnd::is_complete`]); incomplete jobs are
    /// not printed (no `.png`).
    pub complete: bool,
    /// How the connection ended.
    pub end: JobEnd,
    /// The raw bytes, `<dir>/<name>.bin`.
    pub bin_path: PathBuf,
    /// The rendered paper, `<dir>/<name>.png`, for a complete job that decoded.
    pub png_path: Option<PathBuf>,
    /// Why a complete job has no picture (it did not decode, or a file could not be written).
    pub error: Option<String>,
    /// Number of DLE EOT status queries answered during the connection.
    pub status_queries: usize,
    /// The simulated status when the job ended.
    pub status: PrinterStatus,
}

struct State {
    status: PrinterStatus,
    fail_after: Option<usize>,
    idle_timeout: Duration,
    jobs: Vec<ReceivedJob>,
    next_number: u32,
}

struct Shared {
    printer: VirtualPrinter,
    state: Mutex<State>,
    changed: Condvar,
    stop: AtomicBool,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A virtual printer listening for raw TCP print jobs like a network printer on port 9100.
///
/// It serves one connection at a time (others wait, as with a real printer). Each connection
/// is one job, ending when the sender closes it; the job is written as `job-NNNN.bin` and
/// `job-NNNN.png` into the directory, like [`VirtualPrinter::print`]. DLE EOT n status
/// queries are answered as they arrive, from a simulated status ([`set_status`]); a
/// connection that only asks for the status is not a job. [`set_fail_after_bytes`] makes the
/// printer "die" mid-job: it resets the connection after that many bytes, and the job is
/// recorded as incomplete.
///
/// [`set_status`]: TcpVirtualPrinter::set_status
/// [`set_fail_after_bytes`]: TcpVirtualPrinter::set_fail_after_bytes
pub struct TcpVirtualPrinter {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for TcpVirtualPrinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcpVirtualPrinter")
            .field("addr", &self.addr)
            .field("printer", &self.shared.printer)
            .finish_non_exhaustive()
    }
}

impl TcpVirtualPrinter {
    /// Listens on `bind_addr` (e.g. `127.0.0.1:0` for any free port, `0.0.0.0:9100` like a
    /// real printer) and writes jobs into `dir` (created on first job), rendered on `paper`.
    pub fn start(
        bind_addr: impl ToSocketAddrs,
        dir: impl Into<PathBuf>,
        paper: Paper,
    ) -> Result<Self, PrintError> {
        let listener = TcpListener::bind(bind_addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            printer: VirtualPrinter::new(dir, paper),
            state: Mutex::new(State {
                status: PrinterStatus::READY,
                fail_after: None,
                idle_timeout: DEFAULT_IDLE_TIMEOUT,
                jobs: Vec::new(),
                next_number: 1,
            }),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let thread = std::thread::Builder::new()
            .name(format!("virtual-printer-{addr}"))
            .spawn({
                let shared = Arc::clone(&shared);
                move || accept_loop(&listener, &shared)
            })?;
        Ok(Self {
            addr,
            shared,
            thread: Some(thread),
        })
    }

    /// The address the printer listens on (with the actual port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The directory jobs are written to.
    pub fn dir(&self) -> &Path {
        self.shared.printer.dir()
    }

    /// The paper jobs are rendered on.
    pub fn paper(&self) -> Paper {
        self.shared.printer.paper()
    }

    /// Every job received so far, in order.
    pub fn jobs(&self) -> Vec<ReceivedJob> {
        self.shared.state().jobs.clone()
    }

    /// Waits until at least `count` jobs have been received or `timeout` passed, and returns
    /// the jobs received by then.
    pub fn wait_for_jobs(&self, count: usize, timeout: Duration) -> Vec<ReceivedJob> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.state();
        while state.jobs.len() < count {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                break;
            }
            state = match self.shared.changed.wait_timeout(state, remaining) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        state.jobs.clone()
    }

    /// The simulated status, as answered to DLE EOT queries.
    pub fn status(&self) -> PrinterStatus {
        self.shared.state().status
    }

    /// Sets the simulated status (e.g. paper out, cover open). Jobs are still received and
    /// printed; the status only changes the answers to status queries.
    pub fn set_status(&self, status: PrinterStatus) {
        self.shared.state().status = status;
    }

    /// `Some(n)`: from the next connection on, the printer resets every connection after
    /// receiving `n` bytes of it, like a printer that dies mid-job. `None`: back to normal.
    pub fn set_fail_after_bytes(&self, bytes: Option<usize>) {
        self.shared.state().fail_after = bytes;
    }

    /// How long a connection may stay silent before the job is taken as ended
    /// ([`DEFAULT_IDLE_TIMEOUT`] unless set).
    pub fn set_idle_timeout(&self, timeout: Duration) {
        self.shared.state().idle_timeout = timeout.max(POLL);
    }

    /// Stops listening, ends a connection in progress and waits for the listener thread.
    /// Jobs received so far stay available from [`jobs`](TcpVirtualPrinter::jobs).
    pub fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept; failure means it is not waiting anyway.
        let _ = TcpStream::connect_timeout(&wake_addr(self.addr), Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for TcpVirtualPrinter {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Where to connect to reach a listener bound to `addr` (a wildcard address becomes
/// loopback).
fn wake_addr(addr: SocketAddr) -> SocketAddr {
    let mut target = addr;
    if target.ip().is_unspecified() {
        target.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    target
}

fn accept_loop(listener: &TcpListener, shared: &Shared) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(conn) = conn else {
            continue;
        };
        let Ok(peer) = conn.peer_addr() else {
            continue;
        };
        serve(conn, peer, shared);
    }
}

/// What one connection brought.
struct Received {
    bytes: Vec<u8>,
    end: JobEnd,
    queries: usize,
}

/// Receives one job, answering status queries, and records it.
fn serve(mut conn: TcpStream, peer: SocketAddr, shared: &Shared) {
    let (fail_after, idle_timeout) = {
        let state = shared.state();
        (state.fail_after, state.idle_timeout)
    };
    let received = receive(&mut conn, shared, fail_after, idle_timeout);
    if received.end == JobEnd::SimulatedFailure {
        // Abortive close: the sender sees a reset, as when a printer dies.
        let _ = socket2::SockRef::from(&conn).set_linger(Some(Duration::ZERO));
    }
    drop(conn);
    let printed_bytes = received.bytes.len().saturating_sub(3 * received.queries);
    let complete = received.end.is_complete();
    if complete && printed_bytes == 0 {
        // A status check (or an empty connection), not a job.
        return;
    }
    record(shared, peer, received);
}

fn receive(
    conn: &mut TcpStream,
    shared: &Shared,
    fail_after: Option<usize>,
    idle_timeout: Duration,
) -> Received {
    let mut bytes = Vec::new();
    let mut scanned = 0;
    let mut queries = 0;
    let mut buf = [0u8; 4096];
    let mut last_data = Instant::now();
    let _ = conn.set_read_timeout(Some(POLL));
    let end = loop {
        if shared.stop.load(Ordering::SeqCst) {
            break JobEnd::Stopped;
        }
        let room = match fail_after {
            Some(limit) if bytes.len() >= limit => break JobEnd::SimulatedFailure,
            Some(limit) => (limit - bytes.len()).min(buf.len()),
            None => buf.len(),
        };
        match conn.read(&mut buf[..room]) {
            Ok(0) => break JobEnd::Closed,
            Ok(n) => {
                bytes.extend_from_slice(&buf[..n]);
                last_data = Instant::now();
                queries += answer_queries(conn, &bytes, &mut scanned, shared);
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if last_data.elapsed() >= idle_timeout {
                    break JobEnd::IdleTimeout;
                }
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break JobEnd::Reset,
        }
    };
    Received {
        bytes,
        end,
        queries,
    }
}

/// Answers every complete DLE EOT n (n = 1..4) in `bytes[*scanned..]`, wherever it appears
/// (a real printer also reacts inside image data); returns how many were answered.
fn answer_queries(
    conn: &mut TcpStream,
    bytes: &[u8],
    scanned: &mut usize,
    shared: &Shared,
) -> usize {
    let mut answered = 0;
    let mut i = *scanned;
    while i + 2 < bytes.len() {
        if bytes[i..i + 2] == DLE_EOT
            && let Some(query) = StatusQuery::from_n(bytes[i + 2])
        {
            let answer = shared.state().status.response(query);
            // A sender that went away cannot be answered; the read notices.
            let _ = conn.write_all(&[answer]);
            answered += 1;
            i += 3;
            continue;
        }
        i += 1;
    }
    *scanned = i;
    answered
}

fn record(shared: &Shared, peer: SocketAddr, received: Received) {
    let (number, status) = {
        let mut state = shared.state();
        let number = state.next_number;
        state.next_number += 1;
        (number, state.status)
    };
    let complete = received.end.is_complete();
    let name = if complete {
        format!("job-{number:04}")
    } else {
        format!("job-{number:04}-incomplete")
    };
    let bin_path = shared.printer.dir().join(format!("{name}.bin"));
    let (png_path, error) = if complete {
        match shared.printer.print(&name, &received.bytes) {
            Ok(printout) => (Some(printout.png_path), None),
            Err(e) => (None, Some(e.to_string())),
        }
    } else {
        let written = std::fs::create_dir_all(shared.printer.dir())
            .and_then(|()| std::fs::write(&bin_path, &received.bytes));
        (None, written.err().map(|e| e.to_string()))
    };
    let job = ReceivedJob {
        number,
        name,
        peer,
        bytes: received.bytes,
        complete,
        end: received.end,
        bin_path,
        png_path,
        error,
        status_queries: received.queries,
        status,
    };
    shared.state().jobs.push(job);
    shared.changed.notify_all();
}
