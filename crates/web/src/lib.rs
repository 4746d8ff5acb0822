//! The solieu web application: server-rendered pages in Vietnamese (English on request) and a
//! JSON API under `/api/v1`, over one store and one in-memory analytics engine.
//!
//! Every handler goes through the same operations ([`ops`]), and every operation asks
//! [`policy::allowed`] before it reads or writes a unit's figures: a page and its API call
//! cannot disagree about who may do what.

pub mod api;
pub mod auth;
pub mod datasets;
pub mod dhis2;
pub mod follow;
pub mod headers;
pub mod offline;
pub mod operations;
pub mod ops;
pub mod pages;
pub mod policy;
pub mod portal;
pub mod revision;
mod svg;
pub mod workflow;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use solieu_analytics::{Engine, Entry};
use solieu_core::lineage::Registry;
use solieu_core::problem::{Problem, Text};
use solieu_store::{Store, StoreError};
use std::sync::{Arc, RwLock};

/// Everything a request handler needs.
pub struct App {
    pub store: Store,
    /// Every stored value in memory; a saved form updates it before the response goes out.
    pub engine: RwLock<Engine>,
    pub templates: minijinja::Environment<'static>,
    pub throttle: auth::Throttle,
    /// Set when the server is reached through a TLS proxy (not on loopback): cookies are
    /// Secure and responses carry HSTS.
    pub secure_cookies: bool,
    /// Whose `X-Forwarded-For` names the client (sign-in throttling counts per client).
    pub trusted_proxies: auth::TrustedProxies,
    /// Held while a form is saved or a workflow step taken: the lock check, the plan and the
    /// write see one state. Also held while what other processes wrote is taken into the
    /// engine ([`follow`]), so an older read never replaces a value a save has just put there.
    pub writes: tokio::sync::Mutex<()>,
    /// How far the engine reflects the store; [`follow`] moves it on.
    pub feed: tokio::sync::Mutex<solieu_store::FeedPosition>,
    /// What `/metrics` reports, and the revision `/readyz` compares with the store's.
    pub metrics: operations::Metrics,
    /// The portal's search index ([`portal::search`]), rebuilt from the store at start-up.
    pub search: solieu_search::SearchIndex,
    /// The newest article change the index has taken in (a stored timestamp).
    pub search_seen: tokio::sync::Mutex<String>,
    /// The portal's visit counter, written to the store in batches.
    pub visits: portal::visits::Visits,
    /// Anonymous portal pages as rendered a moment ago ([`portal::public::PageCache`]).
    pub pages: portal::public::PageCache,
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("too many failed sign-ins")]
    Throttled,
    #[error("not found")]
    NotFound(Text),
    #[error("bad request")]
    BadRequest(Text),
    #[error("the figures do not pass the checks")]
    Invalid(Vec<Problem>),
    /// A well-formed request that cannot be carried out as it stands (a reopening without
    /// its reason).
    #[error("unprocessable")]
    Unprocessable(Text),
    #[error("locked")]
    Locked,
    #[error("conflict")]
    Conflict(Text),
    /// Figures sent against a revision that is no longer the stored one, changed meanwhile
    /// by someone else: nothing written, each shown with both figures for the clerk to decide.
    #[error("changed meanwhile")]
    Changed(Vec<ops::Changed>),
    #[error("the request is too large")]
    TooLarge,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
    /// A request the framework refused before any handler ran (unreadable JSON, wrong
    /// content type, a body over its limit, a method the path does not take), with its status.
    #[error("refused: {0}")]
    Rejected(StatusCode, Text),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Invalid(_) | WebError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Locked | WebError::Conflict(_) | WebError::Changed(_) => StatusCode::CONFLICT,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            WebError::Store(e) if e.is_busy() => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Store(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Rejected(status, _) => *status,
        }
    }

    pub fn message(&self) -> Text {
        match self {
            WebError::Unauthenticated => solieu_i18n::text!("web-not-signed"),
            WebError::Forbidden => solieu_i18n::text!("web-this-account-has-no-right"),
            WebError::Csrf => solieu_i18n::text!("web-form-has-expired-or-lacks"),
            WebError::Throttled => solieu_i18n::text!("web-too-many-failed-sign-ins"),
            WebError::NotFound(t)
            | WebError::BadRequest(t)
            | WebError::Conflict(t)
            | WebError::Unprocessable(t)
            | WebError::Rejected(_, t) => t.clone(),
            WebError::Invalid(problems) => solieu_i18n::text!(
                "web-figures-are-not-valid-problems",
                problems_count = problems.len()
            ),
            WebError::Locked => solieu_i18n::text!("web-period-approved-locked-approver-must"),
            WebError::Changed(changed) => {
                solieu_i18n::text!("web-changed-meanwhile", count = changed.len())
            }
            WebError::TooLarge => solieu_i18n::text!(
                "web-what-was-sent-too-large",
                value = pages::FORM_LIMIT / 1024,
                value2 = pages::UPLOAD_LIMIT / (1024 * 1024)
            ),
            WebError::Store(StoreError::Conflict(t)) => t.clone(),
            WebError::Store(e) if e.is_busy() => solieu_store::busy_text(),
            // The detail goes to the server's log (see `into_response`), never to the client:
            // it can name tables, columns and the database's location.
            WebError::Store(_) | WebError::Internal(_) => {
                solieu_i18n::text!("web-server-met-error-nothing-was")
            }
        }
    }
}

/// Errors leave as JSON with a marker header; the page layer ([`pages::html_errors`]) turns
/// them into pages for a browser.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut message = self.message();
        let reference = self.status().is_server_error().then(|| {
            let reference = auth::random_token()[..8].to_string();
            tracing::error!(reference = %reference, error = %self.detail(), "request failed");
            message.vi.push_str(&format!(" {reference}"));
            message.en.push_str(&format!(" {reference}"));
            reference
        });
        let mut more = 0;
        let problems: Vec<serde_json::Value> = match &self {
            WebError::Invalid(problems) => shown_problems(problems, &mut more)
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "column": p.location.column,
                        "value": p.value,
                        "message_vi": p.message.vi,
                        "message_en": p.message.en,
                        "hint_vi": p.hint.as_ref().map(|h| h.vi.clone()),
                        "hint_en": p.hint.as_ref().map(|h| h.en.clone()),
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut body = serde_json::json!({
            "error": self.status().as_u16(),
            "message_vi": message.vi,
            "message_en": message.en,
            "problems": problems,
            "reference": reference,
            "more_problems": more,
        });
        if let WebError::Changed(changed) = &self {
            body["changed"] = serde_json::json!(changed);
        }
        let mut response = (
            self.status(),
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::HeaderName::from_static("x-solieu-error"), "1"),
            ],
            body.to_string(),
        )
            .into_response();
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
        }
        response
    }
}

impl WebError {
    /// What the server's log (or the operator at the command line) is told about an error,
    /// with its source chain; a client gets [`WebError::message`] only.
    pub fn detail(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(e) = source {
            let more = e.to_string();
            // `#[error("{0}")]` wrappers repeat their source's text.
            if !text.contains(&more) {
                text.push_str(&format!(": {more}"));
            }
            source = e.source();
        }
        text
    }
}

/// Problems a response lists; the rest are counted (`more`), so an error stays small whatever
/// the upload held.
pub const SHOWN_PROBLEMS: usize = 100;

/// The first [`SHOWN_PROBLEMS`] problems, errors first; `more` is set to how many are left out.
pub fn shown_problems(problems: &[Problem], more: &mut usize) -> Vec<Problem> {
    let (shown, rest) = solieu_core::problem::first(
        problems.iter().take(SHOWN_PROBLEMS * 10).cloned().collect(),
        SHOWN_PROBLEMS,
    );
    *more = rest + problems.len().saturating_sub(SHOWN_PROBLEMS * 10);
    shown
}

pub type Shared = Arc<App>;

impl App {
    /// Opens the application over `store`, loading every stored value into the engine.
    pub async fn new(store: Store, secure_cookies: bool) -> Result<App, WebError> {
        // Read first: whatever is written during the load comes again at the first look.
        let position = store.feed_position().await?;
        let engine = load_engine(&store).await?;
        let search = solieu_search::SearchIndex::in_memory()
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let app = App {
            store,
            engine: RwLock::new(engine),
            templates: pages::templates(),
            throttle: auth::Throttle::default(),
            secure_cookies,
            trusted_proxies: auth::TrustedProxies::default(),
            writes: tokio::sync::Mutex::new(()),
            feed: tokio::sync::Mutex::new(position),
            search,
            search_seen: tokio::sync::Mutex::new(String::new()),
            visits: portal::visits::Visits::default(),
            metrics: operations::Metrics::from_env(),
            pages: portal::public::PageCache::default(),
        };
        app.metrics.applied.store(
            app.feed.lock().await.revision,
            std::sync::atomic::Ordering::Relaxed,
        );
        portal::search::rebuild(&app).await?;
        Ok(app)
    }

    pub fn engine(&self) -> std::sync::RwLockReadGuard<'_, Engine> {
        self.engine.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// Every stored value in a fresh engine (as `solieu query` loads it).
pub async fn load_engine(store: &Store) -> Result<Engine, WebError> {
    let stored = store.stored().await?;
    let mut engine = Engine::new(
        Registry::new(stored.units, stored.events),
        stored.indicators,
    );
    let mut loader = engine.loader();
    store
        .for_each_value(|v| {
            loader.push(&Entry {
                value_id: v.id,
                record: v.record,
                entered_by: v.updated_by,
            })
        })
        .await?;
    if let Some((id, e)) = loader.finish().into_iter().next() {
        return Err(WebError::Internal(format!(
            "stored value {id} cannot be placed: {e}"
        )));
    }
    Ok(engine)
}

/// The whole application: pages, static files and the API, each response with the security
/// headers of [`headers`].
pub fn router(app: Shared) -> Router {
    let hsts = app.secure_cookies;
    headers::layers(
        Router::new()
            .merge(pages::routes(app.clone()))
            .nest("/api/v1", api::routes())
            .merge(dhis2::routes())
            // The nested router answers `/api/v1` and what is below it, not `/api/v1/` itself.
            .route("/api/v1/", axum::routing::any(api::not_found))
            .route("/healthz", axum::routing::get(operations::healthz))
            .route("/readyz", axum::routing::get(operations::readyz))
            .route("/metrics", axum::routing::get(operations::metrics))
            .layer(axum::middleware::from_fn_with_state(
                app.clone(),
                revision::layer,
            ))
            .layer(axum::middleware::from_fn_with_state(
                app.clone(),
                operations::measure,
            ))
            .with_state(app),
        hsts,
    )
    // Pages, feeds and JSON are text: gzip when the client takes it (a phone in the mountains).
    .layer(tower_http::compression::CompressionLayer::new())
    // A span per request (RUST_LOG=tower_http=debug shows each); failures are logged once,
    // with their reference, by `WebError`.
    .layer(
        tower_http::trace::TraceLayer::new_for_http()
            .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::DEBUG)),
    )
}

/// How `solieu serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: std::net::SocketAddr,
    pub trusted_proxies: auth::TrustedProxies,
    /// How often to look for what other processes (`solieu import`) wrote.
    pub poll_every: std::time::Duration,
}

/// Serves `store` until the process is stopped, looking every `poll_every` for what other
/// processes wrote.
pub async fn serve(store: Store, options: ServeOptions) -> Result<(), WebError> {
    let listen = options.listen;
    // A session cookie marked Secure is never sent over plain HTTP; on loopback (a test or a
    // single machine) there is no TLS, elsewhere a TLS proxy is expected in front.
    let secure = !listen.ip().is_loopback();
    let mut app = App::new(store, secure).await?;
    app.trusted_proxies = options.trusted_proxies;
    let app = Arc::new(app);
    follow::follow(app.clone(), options.poll_every);
    portal::visits::keep_flushing(app.clone());
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| WebError::Internal(format!("cannot listen on {listen}: {e}")))?;
    axum::serve(
        listener,
        router(app.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(stop_asked())
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    // Requests in flight have been answered; what was counted in memory is kept.
    app.visits.flush(&app).await
}

/// Ctrl-C, or SIGTERM from systemd or a container runtime: new connections stop, requests in
/// flight finish.
async fn stop_asked() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("stopping: finishing the requests in flight");
}
