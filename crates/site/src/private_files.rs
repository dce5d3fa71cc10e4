//! The terminal's files are its user's alone: the database holds the
//! terminal's API token and the staff's PIN hashes, the key file its ticket
//! signing key, the printouts customers' orders. Directories are 0700 and
//! files 0600 on unix; on Windows the data lives under the user's profile,
//! whose access list already keeps other users out.

use std::path::Path;

/// Makes every file this process creates from now on private to its user
/// (umask 077). Called first thing by the binaries, so that SQLite's log
/// files, backups, logs and printouts are born private.
pub fn restrict_new_files() {
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file mode creation mask; it
    // cannot fail and touches no memory.
    unsafe {
        libc::umask(0o077);
    }
}

/// Makes `dir` and what it holds private to the user: directories 0700,
/// files 0600. A subdirectory that is 0700 already is not walked again (no
/// one else can reach into it), so that a terminal with years of printouts
/// opens as fast as a new one. Symbolic links are left alone.
pub fn make_private(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let meta = std::fs::symlink_metadata(dir)?;
        if meta.is_dir() {
            set_mode(dir, &meta, 0o700)?;
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                let meta = std::fs::symlink_metadata(&path)?;
                if meta.is_file() {
                    set_mode(&path, &meta, 0o600)?;
                } else if meta.is_dir() && mode_of(&meta) != 0o700 {
                    make_private(&path)?;
                }
            }
        } else if meta.is_file() {
            set_mode(dir, &meta, 0o600)?;
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &Path, meta: &std::fs::Metadata, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if mode_of(meta) != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// Creates `dir` (and its parents) if missing, then makes it private.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    make_private(dir)
}

/// Creates an empty file at `path` readable by its owner only, if there is
/// none, so that SQLite opens (and copies the mode of) a private file.
pub fn ensure_private_file(path: &Path) -> std::io::Result<()> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    match open.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Writes `bytes` to a new private (0600) file beside `path`, synced, and
/// returns its name, for the caller to rename or link into place, so that
/// `path` appears whole or not at all. The name is this process's own; a
/// leftover there (even a symbolic link someone planted) is removed first
/// and the file made new (`create_new` never follows a link). `owner`
/// (uid, gid) is given the file through its open handle, never by path.
fn write_private_temp(
    path: &Path,
    bytes: &[u8],
    owner: Option<(u32, u32)>,
) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write as _;
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".tmp-{}", std::process::id()));
    let temp = std::path::PathBuf::from(name);
    match std::fs::remove_file(&temp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let mut file = open.open(&temp)?;
    let written = (|| {
        #[cfg(unix)]
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::fchown(&file, Some(uid), Some(gid))?;
        }
        #[cfg(not(unix))]
        let _ = owner;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    match written {
        Ok(()) => Ok(temp),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

/// Replaces `path` with `bytes`, whole or not at all, private to its user
/// (or given to `owner`). A link at `path` is replaced, not followed.
pub fn replace_private(
    path: &Path,
    bytes: &[u8],
    owner: Option<(u32, u32)>,
) -> std::io::Result<()> {
    let temp = write_private_temp(path, bytes, owner)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// Creates `path` holding `bytes`, whole, private to its user, unless it
/// exists (`AlreadyExists`: whoever made it first keeps it).
pub fn create_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = write_private_temp(path, bytes, None)?;
    let linked = std::fs::hard_link(&temp, path);
    let _ = std::fs::remove_file(&temp);
    linked
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_world_readable_tree_becomes_private() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        std::fs::create_dir_all(dir.join("printouts")).unwrap();
        std::fs::write(dir.join("terminal.sqlite"), b"x").unwrap();
        std::fs::write(dir.join("printouts/1.bin"), b"x").unwrap();
        for p in [&dir, &dir.join("printouts")] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for p in [dir.join("terminal.sqlite"), dir.join("printouts/1.bin")] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        make_private(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("printouts")), 0o700);
        assert_eq!(mode(&dir.join("terminal.sqlite")), 0o600);
        assert_eq!(mode(&dir.join("printouts/1.bin")), 0o600);
    }

    #[test]
    fn a_new_file_is_private_and_an_old_one_is_kept() {
        let root = tempfile::tempdir().unwrap();
        let p = root.path().join("db");
        ensure_private_file(&p).unwrap();
        assert_eq!(mode(&p), 0o600);
        std::fs::write(&p, b"kept").unwrap();
        ensure_private_file(&p).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"kept");
    }

    #[test]
    fn a_private_file_is_replaced_whole_or_created_once() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("key");
        create_private(&path, b"first").unwrap();
        let again = create_private(&path, b"second").unwrap_err();
        assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        // A link planted where the temporary file goes is removed, not followed.
        let precious = root.path().join("precious");
        std::fs::write(&precious, b"keep me").unwrap();
        let temp = root.path().join(format!("key.tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&precious, &temp).unwrap();
        replace_private(&path, b"third", None).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"third");
        assert_eq!(std::fs::read(&precious).unwrap(), b"keep me");
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "nothing left over: {names:?}");
    }
}
