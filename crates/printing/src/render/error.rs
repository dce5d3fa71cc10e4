//! Errors of the PNG renderer.

/// Why a decoded job could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// The bundled font could not be parsed.
    #[error("bundled font is unusable: {0}")]
    Font(String),
    /// PNG encoding failed.
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

impl RenderError {
    /// A stable short code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::Font(_) => "render.font",
            RenderError::Png(_) => "render.png",
        }
    }
}
