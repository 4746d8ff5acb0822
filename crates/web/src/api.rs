//! The JSON API under `/api/v1`: the same operations as the pages ([`ops`]), the same
//! authorization, for programs. A program signs in with a bearer token; a browser session
//! may call it too, with its CSRF token in `X-CSRF-Token` for anything that changes data.

use crate::auth::{self, MaybeViewer, Viewer};
use crate::policy::Principal;
use crate::{App, Shared, WebError, ops};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Json, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post};
use axum::{Router, http::header};
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::number::DecimalConvention;
use solieu_core::problem::{Location, Problem, Text};
use solieu_core::value::Source;
use std::collections::HashMap;

/// The largest JSON body a route takes: a data set's figures fit many times over.
pub const JSON_LIMIT: usize = 64 * 1024;
/// The largest workbook uploaded (as the form page's upload).
pub const UPLOAD_LIMIT: usize = 2 * 1024 * 1024;

/// The workbook types an upload may be sent as (raw body, `Content-Type` one of these).
const WORKBOOK_TYPES: &[&str] = &[
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/octet-stream",
];

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Every API route, in OpenAPI's path form (which is also axum's): the router is built from
/// this table, and a test checks that `openapi.json` documents exactly these operations.
pub fn table() -> Vec<(&'static str, Method, MethodRouter<Shared>)> {
    vec![
        ("/openapi.json", Method::GET, get(openapi)),
        ("/tokens", Method::POST, post(create_token)),
        ("/tokens", Method::GET, get(tokens)),
        ("/tokens/current", Method::DELETE, delete(revoke_current)),
        ("/tokens/{id}", Method::DELETE, delete(revoke_token)),
        ("/me", Method::GET, get(me)),
        ("/datasets", Method::GET, get(data_sets)),
        ("/assignments", Method::GET, get(assignments)),
        ("/forms/{set}/{unit}/{period}", Method::GET, get(form)),
        ("/forms/{set}/{unit}/{period}", Method::POST, post(save)),
        (
            "/forms/{set}/{unit}/{period}/workbook",
            Method::GET,
            get(workbook),
        ),
        (
            "/forms/{set}/{unit}/{period}/workbook",
            Method::POST,
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        ),
        (
            "/forms/{set}/{unit}/{period}/offline",
            Method::POST,
            post(offline),
        ),
        (
            "/forms/{set}/{unit}/{period}/{action}",
            Method::POST,
            post(step),
        ),
        ("/check/{set}/{unit}/{period}", Method::POST, post(check)),
        ("/completeness", Method::GET, get(completeness)),
        ("/dashboard", Method::GET, get(dashboard)),
        (
            "/figures/{indicator}/{unit}/{period}",
            Method::GET,
            get(figure),
        ),
        ("/values/{id}", Method::GET, get(history)),
        ("/reports", Method::GET, get(reports)),
        ("/reports/{id}", Method::GET, get(report)),
        ("/reports/{id}/docx", Method::GET, get(report_docx)),
        ("/public", Method::GET, get(public)),
    ]
}

pub fn routes() -> Router<Shared> {
    let mut router = Router::new();
    for (path, _, handler) in table() {
        router = router.route(path, handler);
    }
    router
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .layer(middleware::from_fn(json_errors))
}

/// What a path the API does not have answers.
pub async fn not_found() -> WebError {
    WebError::NotFound(no_such_path())
}

fn no_such_path() -> Text {
    solieu_i18n::text!("web-api-has-no-such-path")
}

/// Gives every refusal the documented JSON error: what axum answers on its own (unreadable
/// JSON, wrong content type, a body over its limit, a bad path or query, a method the path
/// does not take) comes as plain text without the marker that [`WebError`] sets.
async fn json_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    let failed = status.is_client_error() || status.is_server_error();
    if !failed || response.headers().contains_key("x-solieu-error") {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let mut out =
        WebError::Rejected(status, rejection_text(status, &method, &detail)).into_response();
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        out.headers_mut().insert(header::ALLOW, allow.clone());
    }
    out
}

pub(crate) fn rejection_text(status: StatusCode, method: &Method, detail: &str) -> Text {
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    };
    match status {
        StatusCode::BAD_REQUEST => {
            solieu_i18n::text!("web-request-cannot-be-read", detail = detail)
        }
        StatusCode::NOT_FOUND => no_such_path(),
        StatusCode::METHOD_NOT_ALLOWED => {
            solieu_i18n::text!("web-this-path-does-not-take", method = method)
        }
        StatusCode::PAYLOAD_TOO_LARGE => solieu_i18n::text!(
            "web-body-too-large-most-kb",
            value = JSON_LIMIT / 1024,
            value2 = UPLOAD_LIMIT / (1024 * 1024)
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            solieu_i18n::text!("web-wrong-content-type", detail = detail)
        }
        StatusCode::UNPROCESSABLE_ENTITY => {
            solieu_i18n::text!("web-json-does-not-have-expected", detail = detail)
        }
        _ => solieu_i18n::text!("web-request-could-not-be-handled", detail = detail),
    }
}

/// A period as the API takes it: `2026`, `2026S1`, `2026Q2` or `202606` (the pattern of
/// openapi.json). The store's parser also reads intervals and `2026-06`, which files use;
/// the API keeps to one spelling so that what the document refuses is refused.
fn period_code(text: &str) -> Result<&str, WebError> {
    let b = text.as_bytes();
    let ok = text.is_ascii()
        && b.len() >= 4
        && b[..4].iter().all(u8::is_ascii_digit)
        && matches!(&b[..2], b"19" | b"20" | b"21")
        && matches!(
            &text[4..],
            "" | "S1"
                | "S2"
                | "Q1"
                | "Q2"
                | "Q3"
                | "Q4"
                | "01"
                | "02"
                | "03"
                | "04"
                | "05"
                | "06"
                | "07"
                | "08"
                | "09"
                | "10"
                | "11"
                | "12"
        );
    if ok {
        Ok(text)
    } else {
        Err(WebError::BadRequest(solieu_i18n::text!(
            "web-invalid-period-write-2026-year",
            text = text
        )))
    }
}

/// Figures sent to the API carry a status code, not the names a spreadsheet may hold.
fn status_codes(values: &[ops::Entered], form: &str) -> Result<(), WebError> {
    let at = |e: &ops::Entered| Location::file(form.to_string()).with_column(&e.indicator);
    let statuses = values.iter().filter_map(|e| {
        let s = e.status.as_deref()?;
        (!matches!(s, "estimate" | "preliminary" | "official")).then(|| {
            Problem::error(
                at(e),
                solieu_i18n::text!("web-invalid-status-expected-estimate-preliminary"),
            )
            .with_value(s)
        })
    });
    // A revision is never negative: a base below zero names none that was ever stored.
    let bases = values.iter().filter_map(|e| {
        let base = e.base.filter(|b| *b < 0)?;
        Some(
            Problem::error(at(e), solieu_i18n::text!("web-offline-needs-base"))
                .with_value(base.to_string()),
        )
    });
    let problems: Vec<Problem> = statuses.chain(bases).collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(WebError::Invalid(problems))
    }
}

/// Checks a password with throttling; on success a new session (its `Set-Cookie` value).
pub async fn sign_in(
    app: &App,
    username: &str,
    password: &str,
    remote: &str,
) -> Result<String, WebError> {
    let user = check_password(app, username, password, remote).await?;
    let session = auth::random_token();
    let expires = chrono::Utc::now() + chrono::Duration::hours(auth::SESSION_HOURS);
    let _writing = app.writes.lock().await;
    app.store
        .create_session(
            &auth::token_hash(&session),
            user.id,
            &auth::random_token(),
            expires,
        )
        .await?;
    Ok(auth::set_cookie(
        app,
        auth::SESSION_COOKIE,
        &session,
        Some(auth::SESSION_HOURS * 3600),
    ))
}

pub(crate) async fn check_password(
    app: &App,
    username: &str,
    password: &str,
    remote: &str,
) -> Result<solieu_store::User, WebError> {
    let username = username.trim();
    let attempt = auth::Attempt::new(username, remote);
    if app.throttle.blocked(&attempt) {
        return Err(WebError::Throttled);
    }
    let user = app.store.user_by_name(username).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = auth::check_password(password.to_string(), hash).await;
    match user {
        Some(u) if ok && !u.disabled => {
            app.throttle.succeed(&attempt);
            Ok(u)
        }
        _ => {
            app.throttle.fail(&attempt);
            Err(WebError::Unauthenticated)
        }
    }
}

/// A write from a browser's session needs its CSRF token (the `X-CSRF-Token` header); a
/// client with a token or a password does not.
pub(crate) fn api_csrf(who: &Principal, headers: &HeaderMap) -> Result<(), WebError> {
    auth::check_csrf(
        who,
        headers.get("x-csrf-token").and_then(|v| v.to_str().ok()),
    )
}

#[derive(Deserialize)]
struct TokenRequest {
    username: String,
    password: String,
    #[serde(default)]
    name: String,
}

async fn create_token(
    State(app): State<Shared>,
    auth::ClientAddr(remote): auth::ClientAddr,
    Json(req): Json<TokenRequest>,
) -> Result<Json<Value>, WebError> {
    let user = check_password(&app, &req.username, &req.password, &remote).await?;
    let token = auth::random_token();
    let name = if req.name.trim().is_empty() {
        "api".to_string()
    } else {
        req.name.trim().to_string()
    };
    let _writing = app.writes.lock().await;
    app.store
        .add_token(&auth::token_hash(&token), user.id, &name)
        .await?;
    Ok(Json(json!({"token": token, "name": name})))
}

async fn me(Viewer(who): Viewer) -> Json<Value> {
    Json(json!({
        "username": who.username,
        "display_name": who.display_name,
        "role": who.role,
        "unit": who.unit,
        "groups": who.groups,
        "token": who.token,
    }))
}

async fn data_sets(State(app): State<Shared>, Viewer(_): Viewer) -> Result<Json<Value>, WebError> {
    let sets: Vec<Value> = app
        .store
        .data_sets()
        .await?
        .into_iter()
        .map(|s| {
            json!({"code": s.code, "name": s.name, "name_en": s.name_en, "period_type": s.period_type,
                   "deadline_days": s.deadline_days, "indicators": s.indicators})
        })
        .collect();
    Ok(Json(Value::Array(sets)))
}

async fn form(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path((set, unit, period)): Path<(String, String, String)>,
) -> Result<Json<ops::FormView>, WebError> {
    let period = period_code(&period)?;
    Ok(Json(ops::form(&app, &who, &set, &unit, period).await?))
}

#[derive(Deserialize)]
struct SaveRequest {
    values: Vec<ops::Entered>,
}

async fn save(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    headers: HeaderMap,
    Path((set, unit, period)): Path<(String, String, String)>,
    Json(req): Json<SaveRequest>,
) -> Result<Json<ops::Saved>, WebError> {
    api_csrf(&who, &headers)?;
    let period = period_code(&period)?;
    status_codes(&req.values, &format!("{set}/{unit}/{period}"))?;
    save_through_api(&app, &who, &set, &unit, period, req.values).await
}

/// A save by an API client: recorded under its token's name, figures in the API's convention
/// (1234.5), written for real.
async fn save_through_api(
    app: &App,
    who: &Principal,
    set: &str,
    unit: &str,
    period: &str,
    entered: Vec<ops::Entered>,
) -> Result<Json<ops::Saved>, WebError> {
    let source = Source::Api {
        client: who.token.clone().unwrap_or_else(|| "session".into()),
    };
    let saved = ops::save(
        app,
        who,
        set,
        unit,
        period,
        entered,
        source,
        DecimalConvention::Point,
        false,
    )
    .await?;
    Ok(Json(saved))
}

/// Figures a device kept while it had no network, sent when it has: typed as on the form
/// (read as the form reads them), each with the revision it was entered against, so a figure
/// changed meanwhile comes back as a conflict (409 with `changed`) and nothing is written.
async fn offline(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    headers: HeaderMap,
    Path((set, unit, period)): Path<(String, String, String)>,
    Json(req): Json<SaveRequest>,
) -> Result<Json<ops::Saved>, WebError> {
    api_csrf(&who, &headers)?;
    let period = period_code(&period)?;
    let form = format!("{set}/{unit}/{period}");
    status_codes(&req.values, &form)?;
    if let Some(e) = req.values.iter().find(|e| e.base.is_none()) {
        return Err(WebError::Invalid(vec![Problem::error(
            Location::file(format!("form {form}")).with_column(&e.indicator),
            solieu_i18n::text!("web-offline-needs-base"),
        )]));
    }
    let source = Source::Form {
        form: format!("{form} {OFFLINE}"),
    };
    let saved = ops::save(
        &app,
        &who,
        &set,
        &unit,
        period,
        req.values,
        source,
        DecimalConvention::Comma,
        false,
    )
    .await?;
    Ok(Json(saved))
}

/// How a figure sent from a device's keeping is marked in its source.
pub const OFFLINE: &str = "offline";

/// The save's checks without the save: what the form shows as the clerk types (figures
/// written the Vietnamese way, as on the form).
async fn check(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    headers: HeaderMap,
    Path((set, unit, period)): Path<(String, String, String)>,
    Json(req): Json<SaveRequest>,
) -> Result<Json<ops::Saved>, WebError> {
    api_csrf(&who, &headers)?;
    let period = period_code(&period)?;
    status_codes(&req.values, &format!("{set}/{unit}/{period}"))?;
    let source = Source::Form {
        form: format!("{set}/{unit}/{period}"),
    };
    Ok(Json(
        ops::save(
            &app,
            &who,
            &set,
            &unit,
            period,
            req.values,
            source,
            // The form's own text, as the clerk typed it.
            DecimalConvention::Comma,
            true,
        )
        .await?,
    ))
}

#[derive(Deserialize, Default)]
struct StepRequest {
    #[serde(default)]
    reason: String,
}

async fn step(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    headers: HeaderMap,
    Path((set, unit, period, action)): Path<(String, String, String, String)>,
    body: Option<Json<StepRequest>>,
) -> Result<Json<Value>, WebError> {
    api_csrf(&who, &headers)?;
    let reason = body.map(|Json(b)| b.reason).unwrap_or_default();
    let period = period_code(&period)?;
    let stepped = crate::workflow::step(&app, &who, &set, &unit, period, &action, &reason).await?;
    Ok(Json(json!(stepped)))
}

fn required<'a>(q: &'a HashMap<String, String>, key: &str) -> Result<&'a str, WebError> {
    q.get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| WebError::BadRequest(solieu_i18n::text!("web-parameter-missing", key = key)))
}

async fn completeness(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ops::Completeness>, WebError> {
    let today = chrono::Utc::now()
        .with_timezone(&solieu_core::format::vietnam())
        .date_naive();
    Ok(Json(
        ops::completeness(
            &app,
            &who,
            required(&q, "dataset")?,
            period_code(required(&q, "period")?)?,
            today,
        )
        .await?,
    ))
}

async fn dashboard(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ops::Dashboard>, WebError> {
    let period = match optional(&q, "period")? {
        Some(p) => ops::parse_period(period_code(p)?)?,
        None => crate::pages::default_period(),
    };
    let indicator = optional(&q, "indicator")?;
    // The page falls back to the first indicator; a program asking for one gets it or 404.
    if let Some(code) = indicator
        && app.engine().indicator_id(code).is_none()
    {
        return Err(WebError::NotFound(solieu_i18n::text!(
            "web-no-indicator",
            code = code
        )));
    }
    Ok(Json(ops::dashboard(
        &app,
        &who,
        optional(&q, "unit")?,
        &period,
        indicator,
    )?))
}

/// A query parameter that may be left out, but not sent empty.
fn optional<'a>(q: &'a HashMap<String, String>, key: &str) -> Result<Option<&'a str>, WebError> {
    match q.get(key) {
        None => Ok(None),
        Some(v) if v.is_empty() => Err(WebError::BadRequest(solieu_i18n::text!(
            "web-parameter-empty-leave-it-out",
            key = key
        ))),
        Some(v) => Ok(Some(v)),
    }
}

async fn figure(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path((indicator, unit, period)): Path<(String, String, String)>,
) -> Result<Json<solieu_analytics::FigureView>, WebError> {
    let period = period_code(&period)?;
    Ok(Json(ops::provenance(
        &app, &who, &indicator, &unit, period,
    )?))
}

async fn history(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path(id): Path<i64>,
) -> Result<Json<ops::ValueHistory>, WebError> {
    Ok(Json(ops::history(&app, &who, id).await?))
}

async fn public(
    State(app): State<Shared>,
    MaybeViewer(_): MaybeViewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<ops::PublicFigure>>, WebError> {
    let period = ops::parse_period(period_code(required(&q, "period")?)?)?;
    Ok(Json(ops::published(&app, &period).await?))
}

#[derive(serde::Serialize)]
struct TokenView {
    id: i64,
    name: String,
    created_at: String,
}

/// The caller's own live tokens (never their secrets).
async fn tokens(
    State(app): State<Shared>,
    Viewer(who): Viewer,
) -> Result<Json<Vec<TokenView>>, WebError> {
    let rows = app.store.tokens_of(who.user_id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|t| TokenView {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
            })
            .collect(),
    ))
}

/// Revokes the token the request came with: the next request with it gets 401.
async fn revoke_current(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    headers: HeaderMap,
) -> Result<StatusCode, WebError> {
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|_| who.token.is_some())
        .ok_or_else(|| {
            WebError::BadRequest(solieu_i18n::text!("web-this-request-carries-no-bearer"))
        })?;
    let hash = auth::token_hash(secret.trim());
    let _writing = app.writes.lock().await;
    app.store
        .revoke_token(who.user_id, solieu_store::TokenRef::Hash(&hash))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes one of the caller's own tokens; another account's is "not found", as is one
/// already revoked.
async fn revoke_token(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<StatusCode, WebError> {
    api_csrf(&who, &headers)?;
    let _writing = app.writes.lock().await;
    let revoked = app
        .store
        .revoke_token(who.user_id, solieu_store::TokenRef::Id(id))
        .await?;
    if !revoked {
        return Err(WebError::NotFound(solieu_i18n::text!(
            "web-account-has-no-live-token",
            id = id
        )));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The forms the caller fills in or approves: each data set's latest periods.
async fn assignments(
    State(app): State<Shared>,
    Viewer(who): Viewer,
) -> Result<Json<Vec<ops::Assignment>>, WebError> {
    let today = chrono::Utc::now()
        .with_timezone(&solieu_core::format::vietnam())
        .date_naive();
    Ok(Json(ops::assignments(&app, &who, today).await?))
}

/// The data set's workbook to fill for this unit and period.
async fn workbook(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path((set, unit, period)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let bytes = ops::workbook_template(&app, &who, &set, &unit, period_code(&period)?).await?;
    crate::pages::download(bytes, XLSX, &format!("{set}-{unit}-{period}.xlsx"))
}

/// A filled workbook sent as the raw request body: read as `solieu import` reads it, then
/// saved through the same checks as the form.
async fn upload(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    headers: HeaderMap,
    Path((set, unit, period)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<ops::Saved>, WebError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !WORKBOOK_TYPES.contains(&essence.to_ascii_lowercase().as_str()) {
        return Err(WebError::Rejected(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            solieu_i18n::text!(
                "web-send-workbook-content-type-among",
                value = WORKBOOK_TYPES.join(", ")
            ),
        ));
    }
    api_csrf(&who, &headers)?;
    let period = period_code(&period)?;
    let file = format!("{set}-{unit}-{period}.xlsx");
    let entered = ops::workbook_entries(&app, &who, &set, &unit, period, &file, &body).await?;
    save_through_api(&app, &who, &set, &unit, period, entered).await
}

/// The most reports listed at once.
const REPORTS_MAX: usize = 200;

/// Recorded reports of units the caller may read, newest first.
async fn reports(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<ops::ReportLine>>, WebError> {
    let limit = match q.get("limit") {
        None => 50,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=REPORTS_MAX).contains(n))
            .ok_or_else(|| {
                WebError::BadRequest(solieu_i18n::text!(
                    "web-limit-must-be-whole-number",
                    text = text,
                    value = REPORTS_MAX
                ))
            })?,
    };
    Ok(Json(ops::latest_reports(&app, &who, limit).await?))
}

/// A recorded report as it was printed: its document model.
async fn report(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path(id): Path<i64>,
) -> Result<Json<solieu_report::model::Document>, WebError> {
    Ok(Json(ops::stored_report(&app, &who, id).await?))
}

/// A recorded report as the Decree 30 DOCX.
async fn report_docx(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let bytes = ops::report_docx(&app, &who, id).await?;
    crate::pages::download(bytes, DOCX, &format!("bao-cao-{id}.docx"))
}

async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
}
