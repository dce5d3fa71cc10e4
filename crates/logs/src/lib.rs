//! Structured logs for the Boxoffice binaries (`tracing`): one JSON event
//! per line, for a log shipper, into `<dir>/<name>.log`. The file is
//! rotated when it would pass its size or reaches its age: renamed to
//! `<name>-<UTC time>.log` and a new one started. The newest rotated files
//! are kept (by count and by age); files are readable by their owner only.
//!
//! What goes into a log is the callers' business: no PIN, token, key or
//! card reference is ever a field or part of a message (tests grep for them).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer as _};

/// When a log file is rotated and how many old ones are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rotation {
    /// A file is rotated before it passes this size.
    pub max_bytes: u64,
    /// A file is rotated once it is this old.
    pub max_age: Duration,
    /// Rotated files kept, newest first.
    pub keep_files: usize,
    /// Rotated files older than this are removed whatever their number.
    pub keep_for: Duration,
}

impl Default for Rotation {
    /// 10 MiB or a day a file; the last 30 files, at most 30 days.
    fn default() -> Self {
        Rotation {
            max_bytes: 10 * 1024 * 1024,
            max_age: Duration::from_secs(24 * 3600),
            keep_files: 30,
            keep_for: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// A log file rotated by size and age.
pub struct RotatingFile {
    dir: PathBuf,
    name: String,
    rotation: Rotation,
    state: Mutex<Open>,
}

struct Open {
    file: Option<std::fs::File>,
    bytes: u64,
    opened: SystemTime,
}

impl RotatingFile {
    /// Logs into `dir/<name>.log` (the directory is created, owner-only).
    pub fn new(dir: &Path, name: &str, rotation: Rotation) -> std::io::Result<RotatingFile> {
        // A directory made here is its owner's alone; one that existed
        // (say /var/log) keeps its mode, and the files in it are 0600.
        if !dir.exists() {
            std::fs::create_dir_all(dir)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            }
        }
        let log = RotatingFile {
            dir: dir.to_path_buf(),
            name: name.to_string(),
            rotation,
            state: Mutex::new(Open {
                file: None,
                bytes: 0,
                opened: SystemTime::now(),
            }),
        };
        {
            let mut open = log.lock();
            log.open(&mut open)?;
        }
        Ok(log)
    }

    /// The file being written.
    pub fn current(&self) -> PathBuf {
        self.dir.join(format!("{}.log", self.name))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn open(&self, open: &mut Open) -> std::io::Result<()> {
        let path = self.current();
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path)?;
        let meta = file.metadata()?;
        open.bytes = meta.len();
        // A file carried over from an earlier run counts its age from its
        // creation (its last change where the platform does not say).
        open.opened = meta
            .created()
            .or_else(|_| meta.modified())
            .unwrap_or_else(|_| SystemTime::now());
        open.file = Some(file);
        Ok(())
    }

    fn rotate(&self, open: &mut Open) -> std::io::Result<()> {
        open.file = None;
        let stamp = jiff::Timestamp::now()
            .strftime("%Y%m%dT%H%M%S%.6fZ")
            .to_string();
        let rotated = self.dir.join(format!("{}-{stamp}.log", self.name));
        std::fs::rename(self.current(), &rotated)?;
        self.prune()?;
        self.open(open)
    }

    /// Rotated files of this log, newest first.
    pub fn rotated(&self) -> std::io::Result<Vec<PathBuf>> {
        let prefix = format!("{}-", self.name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".log"))
            })
            .collect();
        // The names carry their UTC time: name order is time order.
        files.sort();
        files.reverse();
        Ok(files)
    }

    fn prune(&self) -> std::io::Result<()> {
        let now = SystemTime::now();
        for (i, path) in self.rotated()?.into_iter().enumerate() {
            let old = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > self.rotation.keep_for);
            if i >= self.rotation.keep_files || old {
                std::fs::remove_file(&path)?;
            }
        }
        Ok(())
    }

    fn write_event(&self, buf: &[u8]) -> std::io::Result<usize> {
        let mut open = self.lock();
        let len = buf.len() as u64;
        let too_big = open.bytes > 0 && open.bytes + len > self.rotation.max_bytes;
        let too_old = SystemTime::now()
            .duration_since(open.opened)
            .is_ok_and(|age| age >= self.rotation.max_age);
        if too_big || too_old || open.file.is_none() {
            if open.file.is_some() && (too_big || too_old) {
                self.rotate(&mut open)?;
            } else {
                self.open(&mut open)?;
            }
        }
        let Some(file) = open.file.as_mut() else {
            return Ok(buf.len());
        };
        file.write_all(buf)?;
        open.bytes += len;
        Ok(buf.len())
    }
}

/// One event's writer (the subscriber writes an event in one call).
pub struct EventWriter<'a>(&'a RotatingFile);

impl std::io::Write for EventWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_event(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for RotatingFile {
    type Writer = EventWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        EventWriter(self)
    }
}

/// Where a binary logs.
#[derive(Debug, Clone)]
pub enum Target {
    /// Standard error: JSON lines, or plain lines for people.
    Stderr {
        /// One JSON event per line.
        json: bool,
    },
    /// JSON lines into `<dir>/<name>.log`, rotated; warnings and errors
    /// also go to standard error as plain lines.
    Dir {
        /// The log directory.
        dir: PathBuf,
        /// The log's name (`site`, `central`, `app`).
        name: String,
        /// When to rotate.
        rotation: Rotation,
    },
}

/// Installs the global subscriber: `RUST_LOG` when set, else `default_filter`.
pub fn init(target: Target, default_filter: &str) -> std::io::Result<()> {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| default_filter.into());
    match target {
        Target::Stderr { json: true } => tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        Target::Stderr { json: false } => tracing_subscriber::fmt()
            .with_env_filter(filter())
            .with_writer(std::io::stderr)
            .try_init(),
        Target::Dir {
            dir,
            name,
            rotation,
        } => {
            let file = RotatingFile::new(&dir, &name, rotation)?;
            let json = tracing_subscriber::fmt::layer()
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .with_writer(file)
                .with_filter(filter());
            let people = tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(tracing_subscriber::filter::LevelFilter::WARN);
            tracing_subscriber::registry()
                .with(json)
                .with(people)
                .try_init()
                .map_err(|e| e.to_string().into())
        }
    }
    .map_err(|e: Box<dyn std::error::Error + Send + Sync>| std::io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotation(max_bytes: u64) -> Rotation {
        Rotation {
            max_bytes,
            max_age: Duration::from_secs(3600),
            keep_files: 3,
            keep_for: Duration::from_secs(3600),
        }
    }

    #[test]
    fn a_full_file_is_rotated_and_only_the_newest_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let log = RotatingFile::new(dir.path(), "site", rotation(100)).unwrap();
        let line = format!("{}\n", "x".repeat(39));
        for _ in 0..20 {
            log.make_writer().write_all(line.as_bytes()).unwrap();
        }
        // Two 40-byte events a file: 20 events make 10 files, 3 rotated kept.
        assert_eq!(log.rotated().unwrap().len(), 3);
        let current = std::fs::read_to_string(log.current()).unwrap();
        assert_eq!(current.lines().count(), 2);
        for f in log.rotated().unwrap() {
            let text = std::fs::read_to_string(&f).unwrap();
            assert_eq!(text.lines().count(), 2, "{}", f.display());
            assert!(text.len() as u64 <= 100);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(log.current())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn an_old_file_is_rotated_at_its_next_event() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = rotation(1 << 20);
        r.max_age = Duration::from_millis(50);
        let log = RotatingFile::new(dir.path(), "central", r).unwrap();
        log.make_writer().write_all(b"one\n").unwrap();
        std::thread::sleep(Duration::from_millis(80));
        log.make_writer().write_all(b"two\n").unwrap();
        assert_eq!(log.rotated().unwrap().len(), 1);
        assert_eq!(std::fs::read_to_string(log.current()).unwrap(), "two\n");
    }
}
