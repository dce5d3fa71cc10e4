//! Bodies sent compressed (API 1.8): `Content-Encoding: gzip` on a request
//! body is decoded before the route reads it, and a JSON answer is
//! compressed for a caller that accepts gzip. A terminal draining a backlog
//! over the VPN sends its pushes so (JSON of similar sales shrinks about
//! tenfold, and over a lossy link the bytes are the time).
//!
//! Both sides of the decoding are capped at [`MAX_BODY_BYTES`], so a small
//! body that inflates to gigabytes is refused after 4 MiB, never held
//! (`protocol::compression`).

use super::limits::MAX_BODY_BYTES;
use crate::metrics::Metrics;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use protocol::compression::{GunzipError, gunzip, gzip};
use std::sync::Arc;

/// Decodes a gzip request body in place; refuses an encoding central does
/// not know (415, naming the one it does in `Accept-Encoding`, RFC 7694),
/// a body that is not gzip (400) and one over the cap either way (413).
pub(super) async fn decode_request(
    State(metrics): State<Arc<Metrics>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let encoding = match req.headers().get(header::CONTENT_ENCODING) {
        None => return next.run(req).await,
        Some(v) => v.to_str().unwrap_or("").trim().to_ascii_lowercase(),
    };
    match encoding.as_str() {
        "" | "identity" => return next.run(req).await,
        "gzip" | "x-gzip" => {}
        other => {
            let mut refusal = (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Content-Encoding {other:?} is not accepted; send gzip or none"),
            )
                .into_response();
            refusal
                .headers_mut()
                .insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
            return refusal;
        }
    }
    let (mut parts, body) = req.into_parts();
    let compressed = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return too_large(),
    };
    let sent = compressed.len();
    let decoded =
        match tokio::task::spawn_blocking(move || gunzip(&compressed, MAX_BODY_BYTES)).await {
            Ok(Ok(d)) => d,
            Ok(Err(GunzipError::TooLarge)) => return too_large(),
            Ok(Err(GunzipError::Invalid(e))) => {
                return (
                    StatusCode::BAD_REQUEST,
                    format!("The body is not valid gzip: {e}"),
                )
                    .into_response();
            }
            Err(e) => {
                tracing::error!(error = %e, "decoding a request body failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
    metrics.compressed_body(sent, decoded.len());
    parts.headers.remove(header::CONTENT_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, decoded.len().into());
    next.run(axum::extract::Request::from_parts(
        parts,
        Body::from(decoded),
    ))
    .await
}

/// `413` with the cap in words, as the framework's own refusal reads.
fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "The body is larger than {} MiB",
            MAX_BODY_BYTES / (1024 * 1024)
        ),
    )
        .into_response()
}

/// Smallest JSON answer worth compressing (below it gzip's own header and
/// the work cost more than the bytes saved).
const COMPRESS_FROM_BYTES: usize = 1024;

/// Largest answer compressed on the async thread itself (well under a
/// millisecond of work).
const COMPRESS_INLINE_UP_TO: usize = 64 * 1024;

/// Compresses a JSON answer of [`COMPRESS_FROM_BYTES`] or more for a caller
/// that accepts gzip (`Accept-Encoding`): a push's answer names every entry,
/// and over the VPN its bytes are round trips.
pub(super) async fn encode_response(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let accepts_gzip = req
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(accepts_gzip);
    let response = next.run(req).await;
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if !accepts_gzip || !json || response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "reading an answer to compress failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if bytes.len() < COMPRESS_FROM_BYTES {
        return Response::from_parts(parts, Body::from(bytes));
    }
    // A large answer (a site's catalog) is compressed off the async threads.
    let compressed = if bytes.len() > COMPRESS_INLINE_UP_TO {
        let copy = bytes.clone();
        tokio::task::spawn_blocking(move || gzip(&copy))
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())))
    } else {
        gzip(&bytes)
    };
    match compressed {
        Ok(gz) => {
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts
                .headers
                .insert(header::CONTENT_LENGTH, gz.len().into());
            Response::from_parts(parts, Body::from(gz))
        }
        Err(e) => {
            tracing::warn!(error = %e, "compressing an answer failed; sent as it is");
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

/// Whether one `Accept-Encoding` value takes gzip (`gzip`, `x-gzip` or `*`,
/// unless its weight is zero).
fn accepts_gzip(value: &str) -> bool {
    value.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or("").to_ascii_lowercase();
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        matches!(coding.as_str(), "gzip" | "x-gzip" | "*") && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts_gzip("gzip"));
        assert!(accepts_gzip("br, GZIP;q=0.5"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("br, identity"));
        assert!(!accepts_gzip(""));
    }
}
