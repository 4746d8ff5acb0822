//! The JSON API under `/api/v1`: the same operations as the pages ([`ops`]), the same
//! authorization, for programs. A program signs in with a bearer token; a browser session
//! may call it too, with its CSRF token in `X-CSRF-Token` for anything that changes data.

use crate::auth::{self, MaybeViewer, Viewer};
use crate::{App, Shared, WebError, ops};
use axum::extract::{Json, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Router, http::header};
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::number::DecimalConvention;
use solieu_core::problem::Text;
use solieu_core::value::Source;
use std::collections::HashMap;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/tokens", post(create_token))
        .route("/me", get(me))
        .route("/datasets", get(data_sets))
        .route("/forms/{set}/{unit}/{period}", get(form).post(save))
        .route("/forms/{set}/{unit}/{period}/{action}", post(step))
        .route("/check/{set}/{unit}/{period}", post(check))
        .route("/completeness", get(completeness))
        .route("/dashboard", get(dashboard))
        .route("/figures/{indicator}/{unit}/{period}", get(figure))
        .route("/values/{id}", get(history))
        .route("/public", get(public))
        .fallback(|| async {
            WebError::NotFound(Text::new("không có đường dẫn này", "no such path"))
        })
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

async fn check_password(
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

fn api_csrf(who: &crate::policy::Principal, headers: &HeaderMap) -> Result<(), WebError> {
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
    Ok(Json(ops::form(&app, &who, &set, &unit, &period).await?))
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
    let source = Source::Api {
        client: who.token.clone().unwrap_or_else(|| "session".into()),
    };
    Ok(Json(
        ops::save(
            &app,
            &who,
            &set,
            &unit,
            &period,
            req.values,
            source,
            DecimalConvention::Point,
            false,
        )
        .await?,
    ))
}

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
    let source = Source::Form {
        form: format!("{set}/{unit}/{period}"),
    };
    Ok(Json(
        ops::save(
            &app,
            &who,
            &set,
            &unit,
            &period,
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
    ops::step(&app, &who, &set, &unit, &period, &action, &reason).await?;
    let state = app
        .store
        .submission(&set, &unit, &period)
        .await?
        .map(|s| s.state);
    Ok(Json(json!({"state": state})))
}

fn required<'a>(q: &'a HashMap<String, String>, key: &str) -> Result<&'a str, WebError> {
    q.get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            WebError::BadRequest(Text::new(
                format!("thiếu tham số {key}"),
                format!("the parameter {key} is missing"),
            ))
        })
}

async fn completeness(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<ops::Completeness>, WebError> {
    let today = chrono::Utc::now().date_naive();
    Ok(Json(
        ops::completeness(
            &app,
            &who,
            required(&q, "dataset")?,
            required(&q, "period")?,
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
    let period = match q.get("period").filter(|p| !p.is_empty()) {
        Some(p) => ops::parse_period(p)?,
        None => crate::pages::default_period(),
    };
    Ok(Json(ops::dashboard(
        &app,
        &who,
        q.get("unit").map(String::as_str),
        &period,
        q.get("indicator").map(String::as_str),
    )?))
}

async fn figure(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path((indicator, unit, period)): Path<(String, String, String)>,
) -> Result<Json<solieu_analytics::FigureView>, WebError> {
    Ok(Json(ops::provenance(
        &app, &who, &indicator, &unit, &period,
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
    let period = ops::parse_period(required(&q, "period")?)?;
    Ok(Json(ops::published(&app, &period).await?))
}

async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
}
