//! The pages: HTML rendered on the server from the templates in `templates/`.

use crate::auth::{self, MaybeViewer, Viewer};
use crate::policy::Principal;
use crate::{App, Shared, WebError, ops};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::value::Kwargs;
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::problem::{Lang, Problem};
use solieu_core::value::Source;
use std::collections::HashMap;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("header.html", include_str!("../templates/header.html")),
    (
        "report_top.html",
        include_str!("../templates/report_top.html"),
    ),
    ("login.html", include_str!("../templates/login.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("offline.html", include_str!("../templates/offline.html")),
    ("entry.html", include_str!("../templates/entry.html")),
    ("form.html", include_str!("../templates/form.html")),
    (
        "completeness.html",
        include_str!("../templates/completeness.html"),
    ),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    (
        "provenance.html",
        include_str!("../templates/provenance.html"),
    ),
    ("value.html", include_str!("../templates/value.html")),
    ("public.html", include_str!("../templates/public.html")),
];

fn page_lang(state: &minijinja::State) -> Lang {
    if is_en(state) { Lang::En } else { Lang::Vi }
}

/// The name of a workflow code (a state, role, action or timeliness) in the page's language.
/// A state or timeliness the catalogue does not name is a draft, or not yet due.
pub fn named(lang: Lang, kind: &str, code: &str) -> String {
    let id = format!("web-{kind}-{code}");
    let fallback = match kind {
        "state" => Some("web-state-draft"),
        "timeliness" => Some("web-timeliness-other"),
        _ => None,
    };
    match (solieu_i18n::has(lang, &id), fallback) {
        (true, _) => solieu_i18n::tr(lang, &id),
        (false, Some(other)) => solieu_i18n::tr(lang, other),
        (false, None) => code.to_string(),
    }
}

fn is_en(state: &minijinja::State) -> bool {
    state
        .lookup("lang")
        .is_some_and(|l| l.as_str() == Some("en"))
}

pub fn templates() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    for (name, source) in TEMPLATES.iter().chain(crate::portal::TEMPLATES) {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name}: {e}"));
    }
    env.add_function("t", |state: &minijinja::State, id: String, args: Kwargs| {
        let values: Vec<(&str, String)> = args
            .args()
            .map(|name| {
                let value: minijinja::Value = args.get(name).unwrap_or_default();
                (name, value.to_string())
            })
            .collect();
        solieu_i18n::tr_args(page_lang(state), &id, &values)
    });
    env.add_filter("vn", |v: minijinja::Value| {
        let text = v.to_string();
        match text.parse::<rust_decimal::Decimal>() {
            Ok(d) => solieu_core::format::number_vi(d, d.scale()),
            Err(_) => text,
        }
    });
    // Names of the workflow's codes: `web-<kind>-<code>` in the catalogues, the code itself
    // when the catalogue has no name for it.
    for kind in ["state", "role", "action", "timeliness"] {
        env.add_function(
            format!("{kind}_name"),
            move |state: &minijinja::State, code: String| named(page_lang(state), kind, &code),
        );
    }
    env.add_function("status_name", |state: &minijinja::State, s: String| {
        let status = s
            .parse::<solieu_core::value::Status>()
            .unwrap_or(solieu_core::value::Status::Estimate);
        match page_lang(state) {
            Lang::En => status.code(),
            Lang::Vi => status.name_vi(),
        }
        .to_string()
    });
    env
}

/// The request's language, read once by the [`html_errors`] layer and by handlers.
#[derive(Clone, Copy)]
pub struct PageLang(pub Lang);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(PageLang(auth::lang_of(parts)))
    }
}

pub fn render(
    app: &App,
    lang: Lang,
    who: Option<&Principal>,
    name: &str,
    mut context: Value,
) -> Result<Html<String>, WebError> {
    if let Value::Object(map) = &mut context {
        map.insert("lang".into(), json!(lang.tag()));
        if let Some(p) = who {
            map.insert(
                "user".into(),
                json!({"display_name": p.display_name, "role": p.role.code(), "username": p.username}),
            );
            map.insert("csrf".into(), json!(p.csrf.clone().unwrap_or_default()));
        }
    }
    let template = app
        .templates
        .get_template(name)
        .map_err(|e| WebError::Internal(e.to_string()))?;
    template
        .render(to_template(&context))
        .map(Html)
        .map_err(|e| WebError::Internal(format!("{e:#}")))
}

/// JSON to a template value. serde_json's exact numbers (the workspace enables
/// `arbitrary_precision` for decimals) would reach the template as a private struct.
fn to_template(v: &Value) -> minijinja::Value {
    match v {
        Value::Null => minijinja::Value::from(()),
        Value::Bool(b) => minijinja::Value::from(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => minijinja::Value::from(i),
            None => minijinja::Value::from(n.to_string()),
        },
        Value::String(s) => minijinja::Value::from(s.as_str()),
        Value::Array(items) => items.iter().map(to_template).collect::<Vec<_>>().into(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.clone(), to_template(v)))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into(),
    }
}

pub fn routes(app: Shared) -> Router<Shared> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{lang}", get(set_lang))
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
        .route("/static/keep.js", get(crate::offline::keep_script))
        .route("/static/icon.svg", get(crate::offline::icon))
        .route("/sw.js", get(crate::offline::service_worker))
        .route("/manifest.webmanifest", get(crate::offline::manifest))
        .route("/offline", get(offline_page))
        .route("/dashboard", get(dashboard))
        .route("/entry", get(entry))
        .route(
            "/forms/{set}/{unit}/{period}",
            get(form_page).post(form_save),
        )
        .route(
            "/forms/{set}/{unit}/{period}/{action}",
            post(form_step).get(form_workbook),
        )
        .route(
            "/upload/{set}/{unit}/{period}",
            post(form_upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/completeness", get(completeness))
        .route("/provenance", get(provenance))
        .route("/values/{id}", get(value_page))
        .route("/reports/{id}", get(report_page))
        .route("/reports/{id}/docx", get(report_docx))
        .route("/public", get(public))
        .merge(crate::portal::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(middleware::from_fn_with_state(app, html_errors))
}

/// A form of figures is a few kilobytes; more is not a form.
pub const FORM_LIMIT: usize = 64 * 1024;
/// A filled workbook of one data set.
pub const UPLOAD_LIMIT: usize = 2 * 1024 * 1024;

/// Turns the JSON errors of [`WebError`] into pages: sign-in for 401, an error page otherwise.
pub async fn html_errors(
    State(app): State<Shared>,
    lang: PageLang,
    request: Request,
    next: Next,
) -> Response {
    // Kept to tell, on an error page, who is signed in (the request itself is consumed).
    let headers = request.headers().clone();
    let mut response = next.run(request).await;
    let ours = response.headers().contains_key("x-solieu-error");
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !ours {
        // Refused by the body limit before any handler ran, in axum's English.
        response = WebError::TooLarge.into_response();
    } else if !ours {
        return response;
    }
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED {
        return Redirect::to("/login").into_response();
    }
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let key = if lang.0 == Lang::En {
        "message_en"
    } else {
        "message_vi"
    };
    let message = parsed[key].as_str().unwrap_or("").to_string();
    let (mut parts, ()) = Request::new(()).into_parts();
    parts.headers = headers;
    let MaybeViewer(who) = MaybeViewer::from_request_parts(&mut parts, &app)
        .await
        .unwrap_or(MaybeViewer(None));
    if who.is_none() && status != StatusCode::FORBIDDEN {
        // A visitor only reaches the portal: its error pages are in the portal's layout.
        return crate::portal::public::visitor_error(
            &app,
            lang.0,
            status,
            &message,
            &parts.headers,
        )
        .await;
    }
    match render(
        &app,
        lang.0,
        who.as_ref(),
        "error.html",
        json!({"status": status.as_u16(), "message": message}),
    ) {
        Ok(html) => (status, html).into_response(),
        Err(_) => (status, message).into_response(),
    }
}

/// An address that is no page: the error page, with the header to go on from.
async fn not_found() -> WebError {
    WebError::NotFound(solieu_i18n::text!("web-there-no-such-page-check"))
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, crate::headers::STATIC_CACHE),
        ],
        include_str!("../static/style.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, crate::headers::STATIC_CACHE),
        ],
        include_str!("../static/app.js"),
    )
}

/// What the service worker shows for a page it has not kept when there is no network.
async fn offline_page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
) -> Result<Html<String>, WebError> {
    render(&app, lang, None, "offline.html", json!({}))
}

async fn set_lang(
    State(app): State<Shared>,
    Path(lang): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let value = if lang == "en" { "en" } else { "vi" };
    // Back to the page the switch was clicked on, if it was ours.
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_string()))
        // Only a path of ours: "//host" and "/\\host" would leave the site.
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
        .unwrap_or_else(|| "/".into());
    let mut response = Redirect::to(&back).into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(
        &app,
        auth::LANG_COOKIE,
        value,
        Some(365 * 24 * 3600),
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

async fn login_page(State(app): State<Shared>, PageLang(lang): PageLang) -> Response {
    login_form(&app, lang, "", None, StatusCode::OK)
}

fn login_form(
    app: &App,
    lang: Lang,
    username: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    // A fresh token in a cookie and in the form (double submit): a sign-in form posted from
    // another site carries neither.
    let token = auth::random_token();
    match render(
        app,
        lang,
        None,
        "login.html",
        json!({"login_csrf": token, "username": username, "error": error}),
    ) {
        Ok(html) => {
            let mut response = (status, html).into_response();
            if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(
                app,
                auth::LOGIN_CSRF_COOKIE,
                &token,
                None,
            )) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            response
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn login(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    auth::ClientAddr(remote): auth::ClientAddr,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let cookie_token = auth::cookie(&parts.headers, auth::LOGIN_CSRF_COOKIE).map(str::to_string);
    let request = Request::from_parts(parts, body);
    let Form(form) = Form::<LoginForm>::from_request(request, &app)
        .await
        .map_err(|_| WebError::BadRequest(solieu_i18n::text!("web-malformed-form")))?;
    match cookie_token {
        Some(t) if !form.csrf.is_empty() && auth::same_secret(&t, &form.csrf) => {}
        _ => return Err(WebError::Csrf),
    }
    let session = crate::api::sign_in(&app, &form.username, &form.password, &remote).await;
    match session {
        Ok(cookie) => {
            let mut response = Redirect::to("/dashboard").into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(response)
        }
        Err(WebError::Unauthenticated) => Ok(login_form(
            &app,
            lang,
            &form.username,
            Some(
                solieu_i18n::text!("web-wrong-username-or-password")
                    .get(lang)
                    .to_string(),
            ),
            StatusCode::UNAUTHORIZED,
        )),
        Err(WebError::Throttled) => Ok(login_form(
            &app,
            lang,
            &form.username,
            Some(WebError::Throttled.message().get(lang).to_string()),
            StatusCode::TOO_MANY_REQUESTS,
        )),
        Err(e) => Err(e),
    }
}

use axum::extract::{FromRequest, FromRequestParts};

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

async fn logout(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    request: Request,
) -> Result<Response, WebError> {
    let (parts, body) = request.into_parts();
    let session = auth::cookie(&parts.headers, auth::SESSION_COOKIE).map(str::to_string);
    let Form(form) = Form::<CsrfOnly>::from_request(Request::from_parts(parts, body), &app)
        .await
        .map_err(|_| WebError::Csrf)?;
    auth::check_csrf(&who, form.csrf.as_deref())?;
    if let Some(s) = session {
        let _writing = app.writes.lock().await;
        app.store.delete_session(&auth::token_hash(&s)).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(&app, auth::SESSION_COOKIE, "", Some(0)))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// Today in Vietnam: a deadline falls due at midnight in Hà Nội, not in Greenwich.
fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&solieu_core::format::vietnam())
        .date_naive()
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    pub unit: Option<String>,
    pub period: Option<String>,
    pub indicator: Option<String>,
}

/// The period a dashboard opens on: the last half-year that has ended.
pub fn default_period() -> solieu_core::period::Period {
    crate::datasets::latest_period("half", today())
        .unwrap_or_else(|| "2026S1".parse().expect("a period"))
}

async fn dashboard(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Query(q): Query<DashboardQuery>,
) -> Result<Html<String>, WebError> {
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => ops::parse_period(p)?,
        None => default_period(),
    };
    let d = ops::dashboard(
        &app,
        &who,
        q.unit.as_deref(),
        &period,
        q.indicator.as_deref(),
    )?;
    let reports = ops::latest_reports(&app, &who, 5).await?;
    render(
        &app,
        lang,
        Some(&who),
        "dashboard.html",
        json!({"d": d, "reports": reports}),
    )
}

/// A recorded report as printed, as a page of its own. Its HTML is the report's file format
/// too, so it keeps its inline `<style>`: the policy allows that one by its hash.
async fn report_page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let stored = ops::readable_report(&app, &who, id).await?;
    let document = ops::report_document(&stored)?;
    // The portals of the report's unit this person writes for: an article may be drafted.
    let portals: Vec<Value> = crate::portal::portals_of(&app, &who)
        .await?
        .into_iter()
        .filter(|(p, _)| p.unit_code == stored.report.unit)
        .map(|(p, _)| json!({"code": p.code, "name": p.name}))
        .collect();
    let top = render(
        &app,
        lang,
        Some(&who),
        "report_top.html",
        json!({"id": id, "portals": portals}),
    )?
    .0;
    let html = in_site(&solieu_report::text::html(&document), &top);
    let css = html
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map_or("", |(css, _)| css);
    let policy = HeaderValue::from_str(&crate::headers::csp_with_style(css))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_SECURITY_POLICY, policy)], Html(html)).into_response())
}

/// The printed report inside the site: the phone's width (the viewport), the site's header
/// and a way back. The site's style sheet comes before the report's own, which wins where
/// both speak.
fn in_site(report: &str, top: &str) -> String {
    let head = concat!(
        r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#,
        r#"<link rel="stylesheet" href="/static/style.css">"#
    );
    let mut html = report.replacen("<head>", &format!("<head>{head}"), 1);
    if let Some(at) = html.find("<body") {
        let end = at + html[at..].find('>').map_or(0, |i| i + 1);
        html.insert_str(end, top);
    }
    html
}

/// The same report as the Decree 30 document to download.
async fn report_docx(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let bytes = ops::report_docx(&app, &who, id).await?;
    download(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("bao-cao-{id}.docx"),
    )
}

/// A file to save rather than a page to show.
pub(crate) fn download(
    bytes: Vec<u8>,
    content_type: &'static str,
    name: &str,
) -> Result<Response, WebError> {
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .map_err(|e| WebError::Internal(e.to_string()))?,
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn entry(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
) -> Result<Html<String>, WebError> {
    let items = ops::assignments(&app, &who, today()).await?;
    render(
        &app,
        lang,
        Some(&who),
        "entry.html",
        json!({"items": items}),
    )
}

async fn form_page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Path((set, unit, period)): Path<(String, String, String)>,
) -> Result<Html<String>, WebError> {
    let f = ops::form(&app, &who, &set, &unit, &period).await?;
    render(&app, lang, Some(&who), "form.html", json!({"f": f}))
}

async fn form_save(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Path((set, unit, period)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    auth::check_csrf(&who, get("csrf").as_deref())?;
    let entered: Vec<ops::Entered> = fields
        .iter()
        .filter_map(|(k, v)| {
            let code = k.strip_prefix("value:")?;
            Some(ops::Entered {
                indicator: code.to_string(),
                value: v.clone(),
                status: get(&format!("status:{code}")),
                note: get(&format!("note:{code}")),
                measure: None,
                base: get(&format!("base:{code}")).and_then(|b| b.trim().parse().ok()),
            })
        })
        .collect();
    let source = Source::Form {
        form: format!("{set}/{unit}/{period}"),
    };
    let typed = entered.clone();
    let result = ops::save(
        &app,
        &who,
        &set,
        &unit,
        &period,
        entered,
        source,
        solieu_core::number::DecimalConvention::Comma,
        false,
    )
    .await;
    saved_form(&app, lang, &who, (&set, &unit, &period), result, &typed).await
}

/// The form again, with what a save did: how many figures, or each problem beside its field.
/// A refused save keeps every figure the clerk typed (`typed`), the valid ones too: nothing
/// was written, and typing them all again is how figures get lost.
async fn saved_form(
    app: &App,
    lang: Lang,
    who: &Principal,
    (set, unit, period): (&str, &str, &str),
    result: Result<ops::Saved, WebError>,
    typed: &[ops::Entered],
) -> Result<Response, WebError> {
    let f = ops::form(app, who, set, unit, period).await?;
    let mut f = serde_json::to_value(&f).map_err(|e| WebError::Internal(e.to_string()))?;
    let (saved, problems, status) = match result {
        Ok(s) => (Some(saved_text(lang, s)), Vec::new(), StatusCode::OK),
        Err(WebError::Invalid(problems)) => {
            keep_typed(&mut f, typed, Bases::Typed);
            let problems = problems_beside_fields(&mut f, &problems, lang);
            (None, problems, StatusCode::UNPROCESSABLE_ENTITY)
        }
        // The form comes back with the stored revisions as its bases: saved again as it
        // stands, the clerk's figures replace the others, now seen.
        Err(WebError::Changed(changed)) => {
            keep_typed(&mut f, typed, Bases::Stored);
            let problems: Vec<Problem> = changed.iter().map(ops::Changed::problem).collect();
            let problems = problems_beside_fields(&mut f, &problems, lang);
            (None, problems, StatusCode::CONFLICT)
        }
        Err(e) => return Err(e),
    };
    let html = render(
        app,
        lang,
        Some(who),
        "form.html",
        json!({"f": f, "saved": saved, "problems": problems}),
    )?;
    Ok((status, html).into_response())
}

fn saved_text(lang: Lang, s: ops::Saved) -> String {
    let mut text = solieu_i18n::tr!(
        lang,
        "web-saved-counts",
        added = s.values_added,
        changed = s.values_changed,
        unchanged = s.values_unchanged
    );
    for w in s.warnings {
        text.push(' ');
        text.push_str(&w);
    }
    text
}

/// Which revisions a form shown again is entered against.
enum Bases {
    /// Those the clerk's figures were typed against: a refused save is no reason to let
    /// the next one overwrite a change made meanwhile.
    Typed,
    /// The stored ones: the clerk has now seen the other figures.
    Stored,
}

/// The typed figures, statuses and notes in place of the stored ones.
fn keep_typed(f: &mut Value, typed: &[ops::Entered], bases: Bases) {
    let Some(fields) = f["fields"].as_array_mut() else {
        return;
    };
    for field in fields {
        let Some(e) = typed
            .iter()
            .find(|e| field["indicator"].as_str() == Some(e.indicator.as_str()))
        else {
            continue;
        };
        field["value"] = json!(e.value);
        if let Some(s) = e.status.as_deref().filter(|s| !s.is_empty()) {
            field["status"] = json!(s);
        }
        if let Some(n) = &e.note {
            field["note"] = json!(n);
        }
        if let (Bases::Typed, Some(base)) = (&bases, e.base) {
            field["revision"] = json!(base);
        }
    }
}

/// Each problem under the field it is about (`fields[i].problems`), and the list shown above
/// the form, fields named rather than coded.
fn problems_beside_fields(f: &mut Value, problems: &[Problem], lang: Lang) -> Vec<Value> {
    let mut more = 0;
    let shown = crate::shown_problems(problems, &mut more);
    let mut listed = Vec::new();
    for p in &shown {
        let message = match (&p.value, p.hint.as_ref()) {
            (Some(v), Some(h)) => format!("{v}: {} ({})", p.message.get(lang), h.get(lang)),
            (Some(v), None) => format!("{v}: {}", p.message.get(lang)),
            (None, Some(h)) => format!("{} ({})", p.message.get(lang), h.get(lang)),
            (None, None) => p.message.get(lang).to_string(),
        };
        let field = f["fields"].as_array_mut().and_then(|fields| {
            fields
                .iter_mut()
                .find(|x| x["indicator"].as_str() == p.location.column.as_deref())
        });
        let column = match field {
            Some(field) => {
                match field["problems"].as_array_mut() {
                    Some(list) => list.push(json!(message)),
                    None => field["problems"] = json!([message]),
                }
                field["name"].as_str().map(str::to_string)
            }
            None => p.location.column.clone().or_else(|| {
                p.location
                    .sheet
                    .clone()
                    .map(|s| format!("{s}, {}", p.location.line.unwrap_or(0)))
            }),
        };
        listed.push(json!({"column": column, "message": message}));
    }
    if more > 0 {
        listed.push(json!({"message": solieu_core::problem::more(more).get(lang)}));
    }
    listed
}

/// The data set's workbook to fill for this unit and period (`…/bieu.xlsx`).
async fn form_workbook(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path((set, unit, period, file)): Path<(String, String, String, String)>,
) -> Result<Response, WebError> {
    if file != "bieu.xlsx" {
        return Err(WebError::NotFound(solieu_i18n::text!("web-no-such-file")));
    }
    let bytes = ops::workbook_template(&app, &who, &set, &unit, &period).await?;
    download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{set}-{unit}-{period}.xlsx"),
    )
}

/// The filled workbook sent instead of typing: read as `solieu import` reads it, then saved
/// through the same checks as the form.
async fn form_upload(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Path((set, unit, period)): Path<(String, String, String)>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        WebError::BadRequest(solieu_i18n::text!("web-cannot-read-upload", e = e))
    };
    let (mut csrf, mut file) = (None, None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("csrf") => csrf = Some(field.text().await.map_err(unreadable)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("bieu.xlsx").to_string();
                file = Some((name, field.bytes().await.map_err(unreadable)?));
            }
            _ => {}
        }
    }
    auth::check_csrf(&who, csrf.as_deref())?;
    let Some((name, bytes)) = file else {
        return Err(WebError::BadRequest(solieu_i18n::text!(
            "web-no-file-chosen"
        )));
    };
    let result = match ops::workbook_entries(&app, &who, &set, &unit, &period, &name, &bytes).await
    {
        Ok(entered) => {
            ops::save(
                &app,
                &who,
                &set,
                &unit,
                &period,
                entered,
                Source::File {
                    path: name.clone(),
                    line: 0,
                },
                solieu_core::number::DecimalConvention::Point,
                false,
            )
            .await
        }
        Err(e) => Err(e),
    };
    saved_form(&app, lang, &who, (&set, &unit, &period), result, &[]).await
}

async fn form_step(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    Path((set, unit, period, action)): Path<(String, String, String, String)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Redirect, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    crate::workflow::step(
        &app,
        &who,
        &set,
        &unit,
        &period,
        &action,
        form.reason.as_deref().unwrap_or(""),
    )
    .await?;
    Ok(Redirect::to(&format!("/forms/{set}/{unit}/{period}")))
}

#[derive(Deserialize)]
pub struct CompletenessQuery {
    pub dataset: Option<String>,
    pub period: Option<String>,
    /// `qua-han`: only the units whose form is overdue.
    pub chi: Option<String>,
    /// `csv`: the list as a file to download.
    pub tep: Option<String>,
}

async fn completeness(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Query(q): Query<CompletenessQuery>,
) -> Result<Response, WebError> {
    let sets = app.store.data_sets().await?;
    let set = q
        .dataset
        .clone()
        .filter(|d| !d.is_empty())
        .or_else(|| sets.first().map(|s| s.code.clone()));
    let overdue_only = q.chi.as_deref() == Some("qua-han");
    let (c, periods) = match set {
        Some(code) => {
            let set = ops::data_set(&app, &code).await?;
            // A period of another kind (the data set was changed in the list) opens the set's
            // latest period rather than an error.
            let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
                Some(p) => Some(ops::parse_period(p)?),
                None => None,
            }
            .filter(|p| crate::datasets::period_fits(&set.period_type, p))
            .or_else(|| crate::datasets::latest_period(&set.period_type, today()))
            .unwrap_or_else(default_period);
            let periods = ops::data_set_periods(&app, &set.period_type, &period, today());
            let mut c = ops::completeness(&app, &who, &code, &period.code(), today()).await?;
            if overdue_only {
                c.rows.retain(|r| r.timeliness == "missing");
            }
            (Some(c), periods)
        }
        None => (None, Vec::new()),
    };
    if let (Some(c), Some("csv")) = (&c, q.tep.as_deref()) {
        return Ok(completeness_csv(lang, c));
    }
    let sets: Vec<Value> = sets
        .iter()
        .map(|s| json!({"code": s.code, "name": s.name}))
        .collect();
    Ok(render(
        &app,
        lang,
        Some(&who),
        "completeness.html",
        json!({"c": c, "sets": sets, "periods": periods, "overdue_only": overdue_only}),
    )?
    .into_response())
}

/// The completeness list as a CSV file an office sends on or opens in a spreadsheet.
fn completeness_csv(lang: Lang, c: &ops::Completeness) -> Response {
    let say = |id: &str| solieu_i18n::tr(lang, id);
    let header = [
        say("web-csv-unit-code"),
        say("web-unit"),
        say("web-state"),
        say("web-due-2"),
        say("web-csv-days-late"),
        say("web-filled"),
    ];
    let rows = c.rows.iter().map(|r| {
        [
            r.unit.clone(),
            r.unit_name.clone(),
            named(lang, "state", &r.state),
            c.deadline.clone(),
            r.days_late.to_string(),
            format!("{}/{}", r.filled, r.total),
        ]
    });
    let header: [&str; 6] = header.each_ref().map(String::as_str);
    let file = format!("attachment; filename=\"{}-{}.csv\"", c.data_set, c.period);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, file),
        ],
        // A BOM: Excel on a Vietnamese office PC reads the accents right only with it.
        format!("\u{feff}{}", solieu_io::to_csv(header, rows)),
    )
        .into_response()
}

async fn provenance(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    let field = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let v = ops::provenance(
        &app,
        &who,
        field("indicator"),
        field("unit"),
        field("period"),
    )?;
    render(&app, lang, Some(&who), "provenance.html", json!({"v": v}))
}

async fn value_page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    let h = ops::history(&app, &who, id).await?;
    render(&app, lang, Some(&who), "value.html", json!({"h": h}))
}

async fn public(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, WebError> {
    let period = match q.get("period").filter(|p| !p.is_empty()) {
        Some(p) => ops::parse_period(p)?,
        None => default_period(),
    };
    let figures = ops::published(&app, &period).await?;
    let periods = ops::public_periods(&app, &period).await?;
    render(
        &app,
        lang,
        who.as_ref(),
        "public.html",
        json!({"figures": figures, "period": period.code(), "periods": periods}),
    )
}
