//! What an operator's tools ask a running server: is it alive (`/healthz`), is it ready to
//! answer with current figures (`/readyz`), and its measurements in Prometheus's text format
//! (`/metrics`): requests by route, method and status with their durations, the store's
//! revision and the one this server has applied, and the engine's size.
//!
//! `/metrics` tells how the server is used; it answers only a scraper that sends the token
//! set in `SOLIEU_METRICS_TOKEN` (`Authorization: Bearer …`), and is a 404 without one.

use crate::{App, Shared};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sha2::Digest as _;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

/// The environment variable holding the token a Prometheus scraper sends.
pub const METRICS_TOKEN_ENV: &str = "SOLIEU_METRICS_TOKEN";

/// Revisions a server may be behind the store and still be ready: a look at the store every
/// second brings it back within one.
pub const READY_LAG: i64 = 1_000;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route as declared (`/tin/{slug}`), never the address asked: a crawler's thousand
    /// addresses are one series.
    route: String,
    method: String,
    status: u16,
}

type Requests = Family<RequestLabels, Histogram, fn() -> Histogram>;

fn request_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The server's measurements.
pub struct Metrics {
    registry: Registry,
    requests: Requests,
    store_revision: Gauge,
    applied_revision: Gauge,
    engine_values: Gauge,
    /// The revision this server's engine has applied, kept where a request reads it without
    /// waiting for a look at the store in progress.
    pub applied: AtomicI64,
    token: Option<String>,
}

impl Metrics {
    pub fn new(token: Option<String>) -> Metrics {
        let mut registry = Registry::default();
        let requests: Requests = Family::new_with_constructor(request_histogram);
        registry.register(
            "solieu_http_request_duration_seconds",
            "Requests answered, by route, method and status, with how long each took",
            requests.clone(),
        );
        let store_revision = Gauge::default();
        registry.register(
            "solieu_store_revision",
            "The store's revision: every write transaction takes the next",
            store_revision.clone(),
        );
        let applied_revision = Gauge::default();
        registry.register(
            "solieu_applied_revision",
            "The store's revision this server's engine and search have taken in",
            applied_revision.clone(),
        );
        let engine_values = Gauge::default();
        registry.register(
            "solieu_engine_values",
            "Stored values the engine holds in memory",
            engine_values.clone(),
        );
        Metrics {
            registry,
            requests,
            store_revision,
            applied_revision,
            engine_values,
            applied: AtomicI64::new(0),
            token: token.filter(|t| !t.trim().is_empty()),
        }
    }

    /// From the environment: the token, if the operator set one.
    pub fn from_env() -> Metrics {
        Metrics::new(std::env::var(METRICS_TOKEN_ENV).ok())
    }

    fn observe(&self, route: String, method: String, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route,
                method,
                status,
            })
            .observe(seconds);
    }

    /// Whether the request carries the scraper's token (compared by digest: no timing tells
    /// how much of a guess was right).
    fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(token) = &self.token else {
            return false;
        };
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        sha2::Sha256::digest(sent.as_bytes()) == sha2::Sha256::digest(token.as_bytes())
    }
}

/// Times every request and counts it under its route.
pub async fn measure(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(none)".to_string(), |p| p.as_str().to_string());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    app.metrics.observe(
        route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Alive: the process answers.
pub async fn healthz() -> Response {
    plain(StatusCode::OK, "ok\n".to_string())
}

/// Ready: the engine is loaded (it is before the server listens) and has taken in the store
/// to within [`READY_LAG`] revisions; 503 with the lag otherwise, or when the store cannot be
/// read.
pub async fn readyz(State(app): State<Shared>) -> Response {
    match lag(&app).await {
        Some(lag) if lag <= READY_LAG => plain(StatusCode::OK, format!("ready, lag {lag}\n")),
        Some(lag) => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("catching up, lag {lag}\n"),
        ),
        None => plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database cannot be read\n".to_string(),
        ),
    }
}

/// Revisions between the store and what this server has applied; none if the store cannot
/// be read.
async fn lag(app: &App) -> Option<i64> {
    let revision = app.store.revision().await.ok()?;
    Some((revision - app.metrics.applied.load(Ordering::Relaxed)).max(0))
}

pub async fn metrics(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if !app.metrics.allows(&headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let m = &app.metrics;
    if let Ok(revision) = app.store.revision().await {
        m.store_revision.set(revision);
    }
    m.applied_revision.set(m.applied.load(Ordering::Relaxed));
    m.engine_values
        .set(i64::try_from(app.engine().value_count()).unwrap_or(i64::MAX));
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &m.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

fn plain(status: StatusCode, text: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}
