//! Bodies on the wire compressed with gzip (API 1.8): what terminals and
//! central both write and read. Reading is always capped, so a small body
//! that inflates to gigabytes is cut off instead of held.

use std::io::{Read, Write};

/// `bytes` as a gzip stream at the fast level (a push of 500 sales, or its
/// answer, compresses in about a millisecond and shrinks about as much as at
/// the best level).
pub fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    e.write_all(bytes)?;
    e.finish()
}

/// Why a gzip stream could not be read.
#[derive(Debug)]
pub enum GunzipError {
    /// It decodes to more than the cap.
    TooLarge,
    /// It is not (whole) gzip.
    Invalid(std::io::Error),
}

impl std::fmt::Display for GunzipError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GunzipError::TooLarge => f.write_str("it decodes to more than the limit"),
            GunzipError::Invalid(e) => write!(f, "not valid gzip: {e}"),
        }
    }
}

impl std::error::Error for GunzipError {}

/// The whole of a gzip stream, refused past `cap` bytes decoded.
pub fn gunzip(compressed: &[u8], cap: usize) -> Result<Vec<u8>, GunzipError> {
    let mut out = Vec::with_capacity(compressed.len().saturating_mul(8).min(cap));
    flate2::read::MultiGzDecoder::new(compressed)
        .take(cap as u64 + 1)
        .read_to_end(&mut out)
        .map_err(GunzipError::Invalid)?;
    if out.len() > cap {
        return Err(GunzipError::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_round_trips_and_shrinks() {
        let json =
            br#"{"id":"0190f0e2-0000-7000-8000-000000000000","outcome":"applied"},"#.repeat(500);
        let gz = gzip(&json).expect("compress");
        assert!(gz.len() * 10 < json.len(), "{} of {}", gz.len(), json.len());
        assert_eq!(gunzip(&gz, json.len()).expect("decode"), json);
    }

    #[test]
    fn a_stream_inflating_past_the_cap_is_refused() {
        let cap = 4 * 1024 * 1024;
        // 16 MiB of zeros: a body well inside the cap on the wire.
        let bomb = gzip(&vec![0u8; 16 * 1024 * 1024]).expect("compress");
        assert!(bomb.len() < cap / 4, "{}", bomb.len());
        assert!(matches!(gunzip(&bomb, cap), Err(GunzipError::TooLarge)));
        // Exactly the cap is still accepted.
        let full = gzip(&vec![b' '; cap]).expect("compress");
        assert_eq!(gunzip(&full, cap).expect("at the cap").len(), cap);
    }

    #[test]
    fn bytes_that_are_not_gzip_are_refused() {
        assert!(matches!(
            gunzip(br#"{"entries":[]}"#, 1024),
            Err(GunzipError::Invalid(_))
        ));
        let mut cut = gzip(b"some body that is long enough to cut").expect("compress");
        cut.truncate(cut.len() - 6);
        assert!(matches!(gunzip(&cut, 1024), Err(GunzipError::Invalid(_))));
    }
}
