//! The security headers every response carries. A page may set its own `Content-Security-Policy`
//! or `Cache-Control` (the printed report, the static files); everything else gets these.

use axum::Router;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// No inline script or style anywhere: the pages load `/static/app.js` and `/static/style.css`
/// only, and the charts use SVG presentation attributes, which a CSP does not govern.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Signed-in pages and API answers hold one person's figures: no browser or proxy keeps them.
/// Pages that may be kept (the static files) say so themselves.
pub const NO_STORE: &str = "no-store";

/// What the static files send: they change only with a new release.
pub const STATIC_CACHE: &str = "public, max-age=3600";

/// A year, as browsers' preload lists ask.
const HSTS: &str = "max-age=31536000";

fn set(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// `router` with the headers. HSTS only when served through TLS: on loopback over plain HTTP
/// a browser would remember it for `localhost` and refuse every other local server.
pub fn layers<S: Clone + Send + Sync + 'static>(router: Router<S>, hsts: bool) -> Router<S> {
    router
        .layer(set(CONTENT_SECURITY_POLICY, CSP))
        .layer(SetResponseHeaderLayer::overriding(
            X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(set(CACHE_CONTROL, NO_STORE))
        .layer(SetResponseHeaderLayer::if_not_present(
            STRICT_TRANSPORT_SECURITY,
            hsts.then(|| HeaderValue::from_static(HSTS)),
        ))
}

/// The policy for a page that must keep one inline `<style>` (the printed report, whose HTML
/// is also saved as a file and must stand alone): the same policy, that style allowed by its
/// hash and nothing else.
pub fn csp_with_style(css: &str) -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css.as_bytes()));
    CSP.replace(
        "style-src 'self'",
        &format!("style-src 'self' 'sha256-{hash}'"),
    )
}
