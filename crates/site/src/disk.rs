//! Free space on the disk that holds the terminal's data.

use std::path::Path;

/// Bytes available to this process on the file system holding `path`
/// (`statvfs`'s blocks for unprivileged users), or `None` where the
/// platform does not say.
pub fn free_bytes(path: &Path) -> std::io::Result<Option<u64>> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
        // SAFETY: `c` is a valid NUL-terminated path and `stat` points to
        // writable memory the size of a statvfs, which the call fills.
        let rc = unsafe { libc::statvfs(c.as_ptr(), stat.as_mut_ptr()) };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: statvfs returned 0, so it filled the whole struct.
        let stat = unsafe { stat.assume_init() };
        #[allow(clippy::unnecessary_cast)]
        Ok(Some(
            (stat.f_bavail as u64).saturating_mul(stat.f_frsize as u64),
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_temp_disk_has_some_room() {
        let dir = tempfile::tempdir().unwrap();
        let free = super::free_bytes(dir.path()).unwrap();
        assert!(free.is_some_and(|b| b > 0), "{free:?}");
    }
}
