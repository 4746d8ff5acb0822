//! The public portal: the main portal at `/` and each commune's sub-portal under `/{code}/`,
//! with their articles, categories and feeds ([`public`]), and the editors' pages under
//! `/bien-tap` where articles are written, submitted, published and withdrawn ([`editor`]).
//!
//! Who edits or approves is a grant per portal (`portal_grants`), checked on the server for
//! every request; the workflow's rules are `solieu_core::portal`.

pub mod bundle;
mod diff;
pub mod documents;
pub mod editor;
pub mod figures;
pub mod markup;
pub mod media;
pub mod open_data;
pub mod public;
pub mod questions;
pub mod schedule;
pub mod search;
pub mod statistics;
pub mod visits;

use crate::policy::{Principal, Role};
use crate::{App, Shared, WebError};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use solieu_core::portal::PortalRole;
use solieu_store::{Category, Portal};
use std::collections::HashMap;

/// The portal's templates, added to the application's environment by `pages::templates`.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "portal/base.html",
        include_str!("../../templates/portal/base.html"),
    ),
    (
        "portal/home.html",
        include_str!("../../templates/portal/home.html"),
    ),
    (
        "portal/article.html",
        include_str!("../../templates/portal/article.html"),
    ),
    (
        "portal/list.html",
        include_str!("../../templates/portal/list.html"),
    ),
    (
        "portal/about.html",
        include_str!("../../templates/portal/about.html"),
    ),
    (
        "portal/schedule.html",
        include_str!("../../templates/portal/schedule.html"),
    ),
    (
        "portal/schedule_editor.html",
        include_str!("../../templates/portal/schedule_editor.html"),
    ),
    (
        "portal/engagement.html",
        include_str!("../../templates/portal/engagement.html"),
    ),
    (
        "portal/documents.html",
        include_str!("../../templates/portal/documents.html"),
    ),
    (
        "portal/statistics.html",
        include_str!("../../templates/portal/statistics.html"),
    ),
    (
        "portal/statistics_indicator.html",
        include_str!("../../templates/portal/statistics_indicator.html"),
    ),
    (
        "portal/visits.html",
        include_str!("../../templates/portal/visits.html"),
    ),
    (
        "portal/search.html",
        include_str!("../../templates/portal/search.html"),
    ),
    (
        "portal/not_found.html",
        include_str!("../../templates/portal/not_found.html"),
    ),
    (
        "portal/editor_list.html",
        include_str!("../../templates/portal/editor_list.html"),
    ),
    (
        "portal/editor_form.html",
        include_str!("../../templates/portal/editor_form.html"),
    ),
    (
        "portal/history.html",
        include_str!("../../templates/portal/history.html"),
    ),
    (
        "portal/error.html",
        include_str!("../../templates/portal/error.html"),
    ),
    (
        "portal/media.html",
        include_str!("../../templates/portal/media.html"),
    ),
    (
        "portal/questions.html",
        include_str!("../../templates/portal/questions.html"),
    ),
    (
        "portal/comment.html",
        include_str!("../../templates/portal/comment.html"),
    ),
    (
        "portal/questions_editor.html",
        include_str!("../../templates/portal/questions_editor.html"),
    ),
];

/// First path segments the application uses: no portal may take one as its code.
pub const RESERVED_CODES: &[&str] = &[
    "api",
    "bien-tap",
    "chuyen-muc",
    "completeness",
    "dashboard",
    "entry",
    "forms",
    "gioi-thieu",
    "hoi-dap",
    "lang",
    "lich-cong-tac",
    "lich-cong-tac.ics",
    "login",
    "logout",
    "media",
    "provenance",
    "public",
    "reports",
    "robots.txt",
    "rss.xml",
    "sitemap.xml",
    "static",
    "tin",
    "tim-kiem",
    "upload",
    "values",
    "van-ban",
];

/// An article's form holds its whole body: larger than a form of figures.
pub const ARTICLE_FORM_LIMIT: usize = 512 * 1024;

pub fn routes() -> Router<Shared> {
    let public_pages = Router::new()
        .route("/", get(public::home))
        .route("/tin/{slug}", get(public::article))
        .route("/chuyen-muc/{slug}", get(public::category))
        .route("/chuyen-muc/{slug}/rss.xml", get(public::feed))
        .route("/rss.xml", get(public::feed))
        .route("/robots.txt", get(public::robots))
        .route("/sitemap.xml", get(public::sitemap))
        .route("/gioi-thieu", get(public::about))
        .route("/tim-kiem", get(search::page))
        .route("/van-ban", get(documents::page))
        .route("/so-lieu", get(statistics::page))
        .route("/catalog.jsonld", get(open_data::catalog))
        .route(
            "/api/3/action/{action}",
            get(open_data::action).post(open_data::action),
        )
        .route(
            "/api/action/{action}",
            get(open_data::action).post(open_data::action),
        )
        .route("/so-lieu/{indicator}", get(statistics::indicator))
        .route("/{portal}/so-lieu", get(statistics::page))
        .route("/{portal}/so-lieu/{indicator}", get(statistics::indicator))
        .route("/so-lieu/{indicator}/{chart}", get(statistics::chart))
        .route(
            "/{portal}/so-lieu/{indicator}/{chart}",
            get(statistics::chart),
        )
        .route("/lich-cong-tac", get(schedule::page))
        .route("/lich-cong-tac.ics", get(schedule::ics))
        .route("/{portal}/lich-cong-tac", get(schedule::page))
        .route("/{portal}/lich-cong-tac.ics", get(schedule::ics))
        .route("/{portal}/van-ban", get(documents::page))
        .route("/{portal}/tim-kiem", get(search::page))
        .route("/{portal}", get(public::home_without_slash))
        .route("/{portal}/", get(public::home))
        .route("/{portal}/tin/{slug}", get(public::article))
        .route("/{portal}/chuyen-muc/{slug}", get(public::category))
        .route("/{portal}/chuyen-muc/{slug}/rss.xml", get(public::feed))
        .route("/{portal}/rss.xml", get(public::feed))
        .route("/{portal}/gioi-thieu", get(public::about))
        .layer(axum::middleware::from_fn(etag));
    let editor_pages = Router::new()
        .route("/bien-tap", get(editor::list))
        .route("/bien-tap/moi", get(editor::new_form).post(editor::create))
        .route("/reports/{id}/tin-bai", post(editor::from_report))
        .route("/bien-tap/truy-cap", get(visits::page))
        .route(
            "/bien-tap/lich",
            get(schedule::editor_page).post(schedule::add),
        )
        .route("/bien-tap/lich/dang", post(schedule::publish))
        .route(
            "/bien-tap/lich/{id}",
            get(schedule::edit_page).post(schedule::save),
        )
        .route("/bien-tap/lich/{id}/huy", post(schedule::cancel))
        .route("/bien-tap/{id}", get(editor::edit_form).post(editor::save))
        .route("/bien-tap/{id}/buoc", post(editor::step))
        .route("/bien-tap/{id}/lich-su", get(editor::history))
        .layer(DefaultBodyLimit::max(ARTICLE_FORM_LIMIT));
    let media = Router::new()
        .route("/bien-tap/tep", get(media::library).post(media::upload))
        .layer(DefaultBodyLimit::max(media::upload_body_limit()))
        .route("/media/{file}", get(media::serve));
    public_pages
        .merge(editor_pages)
        .merge(media)
        .merge(questions::routes())
}

/// An anonymous public page (one sent with `Cache-Control: public`) gets an ETag, and a
/// browser or proxy that already holds that version gets a 304 without the body. A kept page
/// comes with its tag ([`public::PageCache`]); another is read whole and hashed.
async fn etag(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let asked = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let response = next.run(request).await;
    let cacheable = response.status() == StatusCode::OK
        && response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("public"));
    if !cacheable {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let given = parts
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (tag, body) = match given {
        Some(tag) => (tag, body),
        None => {
            let Ok(bytes) = axum::body::to_bytes(body, 16 << 20).await else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            (public::tag_of(&bytes), axum::body::Body::from(bytes))
        }
    };
    let Ok(value) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, body);
    };
    if asked.as_deref().is_some_and(|a| {
        a.split(',')
            .any(|t| t.trim().trim_start_matches("W/") == tag)
    }) {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::CACHE_CONTROL, header::CONTENT_TYPE, header::VARY] {
            for v in parts.headers.get_all(&name) {
                not_modified.headers_mut().append(name.clone(), v.clone());
            }
        }
        not_modified.headers_mut().insert(header::ETAG, value);
        return not_modified;
    }
    parts.headers.insert(header::ETAG, value);
    Response::from_parts(parts, body)
}

/// The portal a public address names: `portal` from the path, or the main portal.
pub async fn portal_of(
    app: &App,
    params: &HashMap<String, String>,
) -> Result<Option<Portal>, WebError> {
    let portals = app.store.portals().await?;
    Ok(match params.get("portal") {
        Some(code) => portals.into_iter().find(|p| &p.code == code && !p.is_main),
        None => portals.into_iter().find(|p| p.is_main),
    })
}

/// Where a portal's pages start: "" for the main portal, `/{code}` for a sub-portal.
pub fn base_path(portal: &Portal) -> String {
    if portal.is_main {
        String::new()
    } else {
        format!("/{}", portal.code)
    }
}

/// The role `who` holds on a portal: an administrator approves everywhere.
pub async fn role_on(
    app: &App,
    who: &Principal,
    portal: &str,
) -> Result<Option<PortalRole>, WebError> {
    if who.role == Role::Admin {
        return Ok(Some(PortalRole::Approver));
    }
    Ok(app
        .store
        .grants_of(&who.username)
        .await?
        .into_iter()
        .find(|(p, _)| p == portal)
        .and_then(|(_, role)| PortalRole::from_code(&role)))
}

/// The portals `who` works on, with the role held on each.
pub async fn portals_of(app: &App, who: &Principal) -> Result<Vec<(Portal, PortalRole)>, WebError> {
    let portals = app.store.portals().await?;
    if who.role == Role::Admin {
        return Ok(portals
            .into_iter()
            .map(|p| (p, PortalRole::Approver))
            .collect());
    }
    let grants = app.store.grants_of(&who.username).await?;
    Ok(portals
        .into_iter()
        .filter_map(|p| {
            let role = grants
                .iter()
                .find(|(code, _)| *code == p.code)
                .and_then(|(_, r)| PortalRole::from_code(r))?;
            Some((p, role))
        })
        .collect())
}

/// The portals `who` works on, and the one an editors' page is about.
pub struct Worked {
    pub all: Vec<(Portal, PortalRole)>,
    chosen: usize,
}

impl Worked {
    pub fn portal(&self) -> &Portal {
        &self.all[self.chosen].0
    }

    pub fn role(&self) -> PortalRole {
        self.all[self.chosen].1
    }
}

/// The portal an editors' page is about: the one asked for (`?cong=`), or else the first
/// `who` works on. Asking for a portal `who` does not work on is refused, not answered with
/// another.
pub async fn portal_for(
    app: &App,
    who: &Principal,
    asked: Option<&str>,
) -> Result<Worked, WebError> {
    let all = portals_of(app, who).await?;
    let chosen = match asked.map(str::trim).filter(|a| !a.is_empty()) {
        Some(code) => all.iter().position(|(p, _)| p.code == code),
        None => (!all.is_empty()).then_some(0),
    }
    .ok_or(WebError::Forbidden)?;
    Ok(Worked { all, chosen })
}

/// A category and those below it, for a list that includes its sub-categories.
pub fn with_descendants(categories: &[Category], id: i64) -> Vec<i64> {
    let mut ids = vec![id];
    let mut at = 0;
    while at < ids.len() {
        let parent = ids[at];
        ids.extend(
            categories
                .iter()
                .filter(|c| c.parent == Some(parent))
                .map(|c| c.id),
        );
        at += 1;
        if ids.len() > categories.len() {
            break;
        }
    }
    ids
}

/// Text as a query string's value: every byte but the unreserved ones percent-encoded.
pub(crate) fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where a change made through a page comes from, as the store records it.
pub(crate) fn from_of(client: &crate::auth::ClientAddr) -> String {
    format!("web {}", client.0)
}

/// Who makes a change from a web request, as the store records it.
pub(crate) fn author<'a>(who: &'a Principal, from: &'a str) -> solieu_store::Author<'a> {
    solieu_store::Author {
        username: &who.username,
        from,
    }
}
