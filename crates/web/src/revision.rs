//! Reading one's own writes when several servers share one database. Each server's engine
//! follows the store a moment behind (`follow.rs`); a clerk who saves through one server and
//! whose next request is routed to another must still see the figure. So every write answers
//! with the store's revision after it (the `X-Solieu-Revision` header, and a short-lived
//! cookie a browser sends back by itself), and a request that carries a revision this server
//! has not yet applied has it caught up first, for at most [`WAIT_MOST`].
//!
//! A revision the store itself has not reached (another database's, or made up) is not
//! waited for: it cannot make a request slow.

use crate::auth::set_cookie;
use crate::{App, Shared};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// The header a write answers with and a later request may carry.
pub const HEADER: &str = "x-solieu-revision";
/// The cookie a browser carries it in.
pub const COOKIE: &str = "solieu_rev";
/// How long the cookie lasts: long enough to reach the next page, short enough to drop.
const COOKIE_SECONDS: i64 = 120;
/// The longest a request waits for this server to catch up.
pub const WAIT_MOST: Duration = Duration::from_secs(2);

/// The newest revision a request says its client has written, if any.
pub fn asked(headers: &HeaderMap) -> Option<i64> {
    let from_header = headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok());
    let from_cookie = crate::auth::cookie(headers, COOKIE).and_then(|v| v.parse::<i64>().ok());
    from_header.max(from_cookie)
}

/// Brings this server up to `revision` if the store has it, for at most [`WAIT_MOST`].
pub async fn reach(app: &App, revision: i64) {
    let applied = || app.metrics.applied.load(Ordering::Relaxed);
    if applied() >= revision {
        return;
    }
    match app.store.revision().await {
        Ok(held) if held >= revision => {}
        _ => return,
    }
    let deadline = Instant::now() + WAIT_MOST;
    while applied() < revision && Instant::now() < deadline {
        if app.catch_up().await.is_err() {
            return;
        }
        if applied() < revision {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The layer: a request waits for the revision it carries; a write answers with its own.
pub async fn layer(State(app): State<Shared>, request: Request, next: Next) -> Response {
    if let Some(revision) = asked(request.headers()) {
        reach(&app, revision).await;
    }
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let mut response = next.run(request).await;
    let done = response.status().is_success() || response.status().is_redirection();
    if !(writes && done) {
        return response;
    }
    if let Ok(revision) = app.store.revision().await {
        let headers = response.headers_mut();
        headers.insert(HEADER, HeaderValue::from(revision));
        let cookie = set_cookie(&app, COOKIE, &revision.to_string(), Some(COOKIE_SECONDS));
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_revision_comes_from_the_header_or_the_cookie_whichever_is_newer() {
        let mut h = HeaderMap::new();
        assert_eq!(asked(&h), None);
        h.insert(HEADER, HeaderValue::from_static("41"));
        assert_eq!(asked(&h), Some(41));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("solieu_lang=en; solieu_rev=57; solieu_revx=99"),
        );
        assert_eq!(asked(&h), Some(57));
        h.insert(HEADER, HeaderValue::from_static("not a number"));
        assert_eq!(asked(&h), Some(57));
    }
}
