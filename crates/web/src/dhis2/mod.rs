//! The DHIS2 Web API for aggregate data, under `/api/` beside our own `/api/v1`: what DHIS2's
//! clients (scripts, the Python and R libraries) call to read the organisation units, data
//! elements and data sets and to read and write figures. It is answered from the same store,
//! engine and rules as every page, with the same checks by role and unit, the same locks and
//! the same history (docs/dhis2-api.md).
//!
//! Signing in: HTTP Basic (an account's name and password, throttled as the sign-in page is),
//! `Authorization: ApiToken …` or `Bearer …` with a token of ours, or the session of a signed-in
//! browser (whose writes then need the CSRF header). No `WWW-Authenticate: Basic` challenge is
//! ever sent, so a browser never keeps a password to attach to requests by itself.

mod ids;
mod message;
mod metadata;
mod values;

pub(crate) use crate::api::api_csrf as csrf;
use crate::auth::{self, ClientAddr, Viewer};
use crate::policy::Principal;
use crate::{App, Shared, WebError};
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::Method;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::routing::{MethodRouter, get, post};
use axum::{Router, middleware};
use base64::Engine as _;
use std::sync::Arc;

pub use ids::{Scheme, links};

/// A data value set may be larger than a form: a month of a district's facilities.
const SET_LIMIT: usize = 8 << 20;

/// Every route, with its method: the router and the OpenAPI document's check are built from it.
pub fn table() -> Vec<(&'static str, Method, MethodRouter<Shared>)> {
    vec![
        ("/api/system/info", Method::GET, get(metadata::system_info)),
        ("/api/me", Method::GET, get(metadata::me)),
        (
            "/api/organisationUnits",
            Method::GET,
            get(metadata::org_units),
        ),
        (
            "/api/organisationUnits/{id}",
            Method::GET,
            get(metadata::org_unit),
        ),
        (
            "/api/dataElements",
            Method::GET,
            get(metadata::data_elements),
        ),
        (
            "/api/dataElements/{id}",
            Method::GET,
            get(metadata::data_element),
        ),
        ("/api/dataSets", Method::GET, get(metadata::data_sets)),
        ("/api/dataSets/{id}", Method::GET, get(metadata::data_set)),
        ("/api/dataValueSets", Method::GET, get(values::export_set)),
        (
            "/api/dataValueSets",
            Method::POST,
            post(values::import_set).layer(DefaultBodyLimit::max(SET_LIMIT)),
        ),
        ("/api/dataValues", Method::GET, get(values::one)),
        ("/api/dataValues", Method::POST, post(values::set_one)),
    ]
}

pub fn routes() -> Router<Shared> {
    let mut router = Router::new();
    for (path, _, handler) in table() {
        router = router.route(path, handler);
    }
    router.layer(middleware::from_fn(message::web_messages))
}

/// Who calls: an account signed in by any of the ways the module's documentation names.
pub struct Caller(pub Principal);

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, WebError> {
        let given = parts
            .headers
            .get(AUTHORIZATION)
            .map(|v| v.to_str().map(str::trim).unwrap_or("").to_string());
        match given.as_deref() {
            Some(v) if v.starts_with("Basic ") => {
                let Ok(ClientAddr(remote)) = ClientAddr::from_request_parts(parts, app).await;
                basic(app, &v["Basic ".len()..], &remote).await
            }
            Some(v) if v.starts_with("ApiToken ") => {
                token(app, v["ApiToken ".len()..].trim()).await
            }
            Some(v) if v.starts_with("Bearer ") => token(app, v["Bearer ".len()..].trim()).await,
            // Another scheme (Digest, a stray value) proves nothing: not signed in.
            Some(_) => Err(WebError::Unauthenticated),
            None => Viewer::from_request_parts(parts, app)
                .await
                .map(|Viewer(p)| Caller(p)),
        }
    }
}

async fn basic(app: &App, encoded: &str, remote: &str) -> Result<Caller, WebError> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or(WebError::Unauthenticated)?;
    let (username, password) = decoded.split_once(':').ok_or(WebError::Unauthenticated)?;
    // Too many failures: the credentials are refused for now (401, as DHIS2's clients expect
    // of a refused password), said with the throttle's reason.
    let user = match crate::api::check_password(app, username, password, remote).await {
        Err(WebError::Throttled) => {
            return Err(WebError::Rejected(
                axum::http::StatusCode::UNAUTHORIZED,
                WebError::Throttled.message(),
            ));
        }
        other => other?,
    };
    auth::principal(user, None, Some("basic".into()))
        .map(Caller)
        .ok_or(WebError::Unauthenticated)
}

async fn token(app: &App, token: &str) -> Result<Caller, WebError> {
    match app.store.token_user(&auth::token_hash(token)).await? {
        Some((user, name)) => auth::principal(user, None, Some(name))
            .map(Caller)
            .ok_or(WebError::Unauthenticated),
        None => Err(WebError::Unauthenticated),
    }
}

/// A query string's pairs in order, a name given several times kept each time (DHIS2's
/// `orgUnit=a&orgUnit=b`).
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(raw: Option<&str>) -> Query {
        Query(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Every value of `name`; a value with commas is several (`period=202001,202002`).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Every value of `name` as given (a filter's `in:[a,b]` keeps its commas).
    pub fn all_raw(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// The first value of `name`, as given: `atomicMode=` is an empty value, not none.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
    }

    pub fn flag(&self, name: &str) -> Result<bool, WebError> {
        self.flag_or(name, false)
    }

    /// `true` or `false`, or `default` when not given.
    pub fn flag_or(&self, name: &str, default: bool) -> Result<bool, WebError> {
        match self.get(name).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(default),
            Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(WebError::BadRequest(solieu_i18n::text!(
                "dhis2-bad-bool",
                name = name.to_string()
            ))),
        }
    }

    /// The identifier scheme for one kind: its own parameter, else `idScheme`, else UID.
    pub fn scheme(&self, own: &str) -> Result<Scheme, WebError> {
        match self.get(own) {
            Some(s) => Scheme::parse(own, s),
            None => self
                .get("idScheme")
                .map_or(Ok(Scheme::Uid), |s| Scheme::parse("idScheme", s)),
        }
    }
}
