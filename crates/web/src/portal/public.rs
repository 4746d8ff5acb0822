//! What a visitor reads: a portal's home page, its articles, categories, feeds and the
//! organisation page. Anonymous; a signed-in editor of the portal also sees articles that are
//! not public yet, marked as such.

mod cache;

pub use cache::{PageCache, tag_of};

use super::{base_path, markup, portal_of, role_on, with_descendants};
use crate::auth::{ClientAddr, MaybeViewer};
use crate::pages::{PageLang, render};
use crate::policy::Principal;
use crate::{App, Shared, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use cache::{Counts, Kept, Page};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::format;
use solieu_core::portal::{State as ArticleState, article::is_public};
use solieu_core::problem::Lang;
use solieu_core::text::escape_markup as escape;
use solieu_store::{Article, ArticleAt, ArticleQuery, Category, Portal};
use std::collections::HashMap;

type Params = Option<Path<HashMap<String, String>>>;

/// Articles on a page of a category.
const PAGE_SIZE: i64 = 20;
/// Articles in a feed.
const FEED_SIZE: i64 = 20;

/// Everything a portal page shows around its content: the portal, its menu, its links.
/// What every page of a portal shows around its content, and what it was made from.
pub(super) struct Frame {
    pub portal: Portal,
    pub categories: Vec<Category>,
    pub context: Value,
}

/// The frame of a portal page; `visit` counts the page as a view first (so the counter it
/// shows includes it).
pub(super) async fn frame(
    app: &App,
    params: &HashMap<String, String>,
    who: Option<&Principal>,
    headers: &HeaderMap,
    visit: Option<&ClientAddr>,
) -> Result<Option<Frame>, WebError> {
    let Some(portal) = portal_of(app, params).await? else {
        return Ok(None);
    };
    if let Some(client) = visit {
        app.visits
            .count_request(&portal.code, None, who, client, headers);
    }
    let categories = app.store.categories(&portal.code).await?;
    let context = frame_context(app, &portal, &categories, who, headers).await?;
    Ok(Some(Frame {
        portal,
        categories,
        context,
    }))
}

/// What every page of a portal shows around its content: the portal, its menu, its links,
/// whether the viewer edits there.
async fn frame_context(
    app: &App,
    portal: &Portal,
    categories: &[Category],
    who: Option<&Principal>,
    headers: &HeaderMap,
) -> Result<Value, WebError> {
    let links = app.store.links(&portal.code).await?;
    let base = base_path(portal);
    let editor = match who {
        Some(who) => role_on(app, who, &portal.code).await?.is_some(),
        None => false,
    };
    let menu: Vec<Value> = categories
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| json!({"name": c.name, "href": format!("{base}/chuyen-muc/{}", c.slug)}))
        .collect();
    let [today, total, online] = visit_counts(app, &portal.code).await?;
    Ok(json!({
        "visits": {"today": today, "total": total, "online": online},
        "portal": {
            "name": portal.name,
            "address": portal.address,
            "phone": portal.phone,
            "email": portal.email,
            "base": base,
            "home": format!("{base}/"),
        },
        "menu": menu,
        "links": links.iter().map(|l| json!({"name": l.name, "url": l.url})).collect::<Vec<_>>(),
        "editor": editor,
        "origin": origin(app, headers),
    }))
}

/// The visit counts a page shows (today, in all, online now), written as on the page.
async fn visit_counts(app: &App, portal: &str) -> Result<Counts, WebError> {
    let (today, total, online) = app.visits.shown(app, portal).await?;
    Ok([today, total, online].map(|n| format::number_vi(n.into(), 0)))
}

/// `scheme://host` of the request, for the absolute addresses of feeds and canonical links.
/// The host is taken as sent only if it is a plain host name (letters, digits, dots, a port).
pub(super) fn origin(app: &App, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() < 256
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        })
        .unwrap_or("localhost");
    let scheme = if app.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}")
}

pub(super) fn merged(mut context: Value, more: Value) -> Value {
    if let (Value::Object(map), Value::Object(more)) = (&mut context, more) {
        map.extend(more);
    }
    context
}

fn article_card(article: &Article, base: &str, categories: &[Category]) -> Value {
    let category = article
        .text
        .category
        .and_then(|id| categories.iter().find(|c| c.id == id));
    let image = markup::first_image(&article.text.body_html)
        .map(|(src, srcset, alt)| json!({"src": src, "srcset": srcset, "alt": alt}));
    json!({
        "title": article.text.title,
        "sapo": article.text.sapo,
        "image": image,
        "href": format!("{base}/tin/{}", article.slug),
        "published": article.published_at.map(format::date_time_vi),
        "category": category.map(|c| json!({"name": c.name, "href": format!("{base}/chuyen-muc/{}", c.slug)})),
    })
}

/// The portal's 404, in its own layout, for a visitor; a signed-in official gets the
/// application's, with the menu of its work.
pub(super) fn not_found(
    app: &App,
    lang: Lang,
    who: Option<&Principal>,
    frame: Option<&Frame>,
) -> Response {
    // Without a frame (no such sub-portal), the visitor's error page finds the main portal's.
    let (None, Some(frame)) = (who, frame) else {
        return WebError::NotFound(solieu_i18n::text!("web-there-no-such-page-check"))
            .into_response();
    };
    let context = frame.context.clone();
    match render(app, lang, who, "portal/not_found.html", context) {
        Ok(html) => (StatusCode::NOT_FOUND, html).into_response(),
        Err(e) => e.into_response(),
    }
}

/// An error page for a visitor, in the main portal's layout when it can be read (a database
/// that fails may be why the page failed: then the layout alone).
pub async fn visitor_error(
    app: &App,
    lang: Lang,
    status: StatusCode,
    message: &str,
    headers: &HeaderMap,
) -> Response {
    let context = match frame(app, &HashMap::new(), None, headers, None).await {
        Ok(Some(f)) => f.context,
        _ => json!({}),
    };
    let template = if status == StatusCode::NOT_FOUND {
        "portal/not_found.html"
    } else {
        "portal/error.html"
    };
    let context = merged(
        context,
        json!({"status": status.as_u16(), "message": message}),
    );
    match render(app, lang, None, template, context) {
        Ok(html) => (status, html).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

pub async fn home(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Params,
    headers: HeaderMap,
    client: ClientAddr,
) -> Result<Response, WebError> {
    let asked = Asked::new(&app, Which::Home, lang, params, headers);
    kept_or_rendered(&app, who.as_ref(), &asked, &client).await
}

/// The home page as `who` sees it; a visit from `client` counted.
async fn home_page(
    app: &App,
    asked: &Asked,
    who: Option<&Principal>,
    client: Option<&ClientAddr>,
) -> Result<Response, WebError> {
    let Asked {
        lang,
        params,
        headers,
        ..
    } = asked;
    let (app, lang) = (app, *lang);
    let Some(frame) = frame(app, params, who, headers, client).await? else {
        return Ok(no_portal(app, lang, who, params));
    };
    let now = Utc::now();
    let base = base_path(&frame.portal);
    let code = &frame.portal.code;
    let featured = ArticleQuery {
        featured_only: true,
        limit: 4,
        ..ArticleQuery::default()
    };
    let featured = app
        .store
        .latest_public_articles(code, &featured, now)
        .await?;
    let latest = ArticleQuery {
        limit: 8,
        ..ArticleQuery::default()
    };
    let latest = app.store.latest_public_articles(code, &latest, now).await?;
    let mut sections = Vec::new();
    for top in frame.categories.iter().filter(|c| c.parent.is_none()) {
        let query = ArticleQuery {
            categories: with_descendants(&frame.categories, top.id),
            limit: 4,
            ..ArticleQuery::default()
        };
        let articles = app.store.latest_public_articles(code, &query, now).await?;
        if !articles.is_empty() {
            sections.push(json!({
                "name": top.name,
                "href": format!("{base}/chuyen-muc/{}", top.slug),
                "articles": articles.iter().map(|a| article_card(a, &base, &frame.categories)).collect::<Vec<_>>(),
            }));
        }
    }
    let today = now.with_timezone(&format::vietnam()).date_naive();
    let today_schedule: Vec<Value> = app
        .store
        .schedule(code, today, today)
        .await?
        .iter()
        .filter(|i| i.published_at.is_some() && i.state == "published")
        .map(|i| json!({"start": i.engagement.start, "content": i.engagement.content, "place": i.engagement.place}))
        .collect();
    let cards = |list: &[Article]| -> Vec<Value> {
        list.iter()
            .map(|a| article_card(a, &base, &frame.categories))
            .collect()
    };
    let headline = super::figures::headline(app, &frame.portal).await?;
    let context = merged(
        frame.context.clone(),
        json!({
            "headline": headline,
            "featured": cards(&featured),
            "latest": cards(&latest),
            "sections": sections,
            "today_schedule": today_schedule,
            "feed": format!("{base}/rss.xml"),
        }),
    );
    if who.is_none() {
        return keep_page(app, asked, "portal/home.html", context, code, None);
    }
    Ok(render(app, lang, who, "portal/home.html", context)?.into_response())
}

/// The anonymous pages kept as rendered.
#[derive(Clone, Copy)]
enum Which {
    Home,
    Article,
}

/// A public page as asked for, and where it is kept: one address, language and host name
/// give one page.
#[derive(Clone)]
struct Asked {
    which: Which,
    lang: Lang,
    params: HashMap<String, String>,
    headers: HeaderMap,
    key: String,
    /// The store's writes begun when it was asked for.
    writes: u64,
}

impl Asked {
    fn new(app: &App, which: Which, lang: Lang, params: Params, headers: HeaderMap) -> Asked {
        let params = params.map(|p| p.0).unwrap_or_default();
        let param = |name: &str| params.get(name).map_or("", String::as_str);
        let key = format!(
            "{} {} {} {}",
            origin(app, &headers),
            lang.tag(),
            param("portal"),
            param("slug")
        );
        Asked {
            which,
            lang,
            key,
            writes: app.store.writes_begun(),
            params,
            headers,
        }
    }
}

/// The page an anonymous visitor asks for as rendered a moment ago ([`cache`]), the view
/// counted and the counts of now on it. A page due to be rendered again is, off to the side.
async fn kept_page(
    app: &Shared,
    who: Option<&Principal>,
    asked: &Asked,
    client: &ClientAddr,
) -> Result<Option<Response>, WebError> {
    if who.is_some() {
        return Ok(None);
    }
    let page = match app.pages.get(&asked.key, asked.writes) {
        None => return Ok(None),
        Some(Kept::Fresh(page)) => page,
        Some(Kept::Due(page)) => {
            tokio::spawn(render_again(app.clone(), asked.clone()));
            page
        }
    };
    app.visits
        .count_request(&page.portal, page.article, None, client, &asked.headers);
    let counts = visit_counts(app, &page.portal).await?;
    Ok(Some(anonymous_page(&page, &counts)))
}

/// The page asked for: as kept, or rendered now.
async fn kept_or_rendered(
    app: &Shared,
    who: Option<&Principal>,
    asked: &Asked,
    client: &ClientAddr,
) -> Result<Response, WebError> {
    match kept_page(app, who, asked, client).await? {
        Some(kept) => Ok(kept),
        None => rendered(app, asked, who, Some(client)).await,
    }
}

/// The page asked for, rendered for `who`; a visit from `client` counted.
async fn rendered(
    app: &App,
    asked: &Asked,
    who: Option<&Principal>,
    client: Option<&ClientAddr>,
) -> Result<Response, WebError> {
    match asked.which {
        Which::Home => home_page(app, asked, who, client).await,
        Which::Article => article_page(app, asked, who, client).await,
    }
}

/// Renders a kept page again for the visitors after, counting no visit.
async fn render_again(app: Shared, asked: Asked) {
    let rendered = rendered(&app, &asked, None, None).await;
    if let Err(e) = rendered {
        tracing::warn!(page = %asked.key, error = %e, "a kept page could not be rendered again");
    }
    app.pages.settle(&asked.key);
}

fn anonymous_page(page: &Page, counts: &Counts) -> Response {
    let mut response = anonymous_cache(Html(page.html(counts)).into_response(), true);
    if let Ok(tag) = header::HeaderValue::from_str(page.tag()) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// Renders an anonymous visitor's page with marks where the visit counts go, keeps it for
/// the visitors after, and answers it with the counts `context` holds.
fn keep_page(
    app: &App,
    asked: &Asked,
    template: &str,
    mut context: Value,
    portal: &str,
    article: Option<i64>,
) -> Result<Response, WebError> {
    let counts: Counts = ["today", "total", "online"]
        .map(|n| context["visits"][n].as_str().unwrap_or("").to_string());
    let [today, total, online] = cache::marks();
    context["visits"] = json!({"today": today, "total": total, "online": online});
    let html = render(app, asked.lang, None, template, context)?.0;
    let page = Page::new(portal, article, &html, asked.writes);
    let response = anonymous_page(&page, &counts);
    app.pages.put(asked.key.clone(), page);
    Ok(response)
}

/// Without a portal to show: the sign-in page's way in for a fresh installation, a 404 for a
/// sub-portal that does not exist.
fn no_portal(
    app: &App,
    lang: Lang,
    who: Option<&Principal>,
    params: &HashMap<String, String>,
) -> Response {
    if params.contains_key("portal") {
        return not_found(app, lang, who, None);
    }
    Redirect::to(if who.is_some() {
        "/dashboard"
    } else {
        "/login"
    })
    .into_response()
}

/// `/{code}` leads to the sub-portal's home at `/{code}/`.
pub async fn home_without_slash(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let known = app
        .store
        .portals()
        .await?
        .iter()
        .any(|p| p.code == code && !p.is_main);
    Ok(if known {
        Redirect::permanent(&format!("/{code}/")).into_response()
    } else {
        not_found(&app, lang, who.as_ref(), None)
    })
}

pub async fn article(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Params,
    headers: HeaderMap,
    client: ClientAddr,
) -> Result<Response, WebError> {
    let asked = Asked::new(&app, Which::Article, lang, params, headers);
    kept_or_rendered(&app, who.as_ref(), &asked, &client).await
}

/// An article as `who` sees it; a visit from `client` counted.
async fn article_page(
    app: &App,
    asked: &Asked,
    who: Option<&Principal>,
    client: Option<&ClientAddr>,
) -> Result<Response, WebError> {
    let Asked {
        lang,
        params,
        headers,
        ..
    } = asked;
    let lang = *lang;
    let Some(frame) = frame(app, params, who, headers, None).await? else {
        return Ok(not_found(app, lang, who, None));
    };
    let base = base_path(&frame.portal);
    let slug = params.get("slug").map(String::as_str).unwrap_or("");
    let article = match app.store.article_at(&frame.portal.code, slug).await? {
        ArticleAt::Found(article) => article,
        ArticleAt::Moved(to) => {
            return Ok(Redirect::permanent(&format!("{base}/tin/{to}")).into_response());
        }
        ArticleAt::Missing => return Ok(not_found(app, lang, who, Some(&frame))),
    };
    let state = ArticleState::from_code(&article.state).unwrap_or(ArticleState::Draft);
    let public = is_public(state, article.published_at, Utc::now());
    let editor = frame.context["editor"].as_bool() == Some(true);
    if !public && !editor {
        return Ok(not_found(app, lang, who, Some(&frame)));
    }
    if let Some(client) = client.filter(|_| public) {
        app.visits
            .count_request(&frame.portal.code, Some(article.id), who, client, headers);
    }
    let card = article_card(&article, &base, &frame.categories);
    let href = format!("{base}/tin/{}", article.slug);
    let comments = super::questions::comments_of(app, article.id, &href).await?;
    let description: String = if article.text.sapo.is_empty() {
        markup::plain_text(&article.text.body)
            .chars()
            .take(200)
            .collect()
    } else {
        article.text.sapo.clone()
    };
    let context = merged(
        frame.context.clone(),
        json!({
            "article": merged(card, json!({
                "body_html": article.text.body_html,
                "byline": article.text.byline,
                "source": article.text.source,
                "id": article.id,
            })),
            "not_public": !public,
            "state_label": super::editor::state_name(lang, &article.state),
            "canonical": format!("{}{href}", frame.context["origin"].as_str().unwrap_or("")),
            "description": description,
            "comments": comments,
        }),
    );
    if public && who.is_none() {
        let portal = &frame.portal.code;
        return keep_page(
            app,
            asked,
            "portal/article.html",
            context,
            portal,
            Some(article.id),
        );
    }
    Ok(render(app, lang, who, "portal/article.html", context)?.into_response())
}

/// A page that is the same for every anonymous reader may be kept by a browser or proxy for
/// a minute (a correction shows within it); a signed-in editor's page never is.
/// The page's language comes from a cookie: a shared cache keeps one copy per cookie.
fn anonymous_cache(mut response: Response, anonymous: bool) -> Response {
    if anonymous {
        let headers = response.headers_mut();
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static(PUBLIC_CACHE),
        );
        headers.append(header::VARY, header::HeaderValue::from_static("cookie"));
    }
    response
}

/// What an anonymous public page may be kept for.
pub const PUBLIC_CACHE: &str = "public, max-age=60";

#[derive(Deserialize)]
pub struct PageQuery {
    pub trang: Option<String>,
}

pub async fn category(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Params,
    headers: HeaderMap,
    client: ClientAddr,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    let Some(frame) = frame(&app, &params, who.as_ref(), &headers, Some(&client)).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), None));
    };
    let slug = params.get("slug").map(String::as_str).unwrap_or("");
    let Some(category) = frame.categories.iter().find(|c| c.slug == slug) else {
        return Ok(not_found(&app, lang, who.as_ref(), Some(&frame)));
    };
    // A page number that is not one shows the first page rather than an error.
    let page = q
        .trang
        .as_deref()
        .and_then(|t| t.trim().parse::<i64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let query = ArticleQuery {
        categories: with_descendants(&frame.categories, category.id),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
        ..ArticleQuery::default()
    };
    let (articles, total) = app
        .store
        .public_articles(&frame.portal.code, &query, Utc::now())
        .await?;
    let base = base_path(&frame.portal);
    let href = format!("{base}/chuyen-muc/{}", category.slug);
    let pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    let children: Vec<Value> = frame
        .categories
        .iter()
        .filter(|c| c.parent == Some(category.id))
        .map(|c| json!({"name": c.name, "href": format!("{base}/chuyen-muc/{}", c.slug)}))
        .collect();
    let context = merged(
        frame.context.clone(),
        json!({
            "heading": category.name,
            "children": children,
            "articles": articles.iter().map(|a| article_card(a, &base, &frame.categories)).collect::<Vec<_>>(),
            "total": total,
            "page": page,
            "previous": (page > 1).then(|| format!("{href}?trang={}", page - 1)),
            "next": (page < pages).then(|| format!("{href}?trang={}", page + 1)),
            "pages": pages,
            "feed": format!("{href}/rss.xml"),
        }),
    );
    Ok(anonymous_cache(
        render(&app, lang, who.as_ref(), "portal/list.html", context)?.into_response(),
        who.is_none(),
    ))
}

pub async fn about(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Params,
    headers: HeaderMap,
    client: ClientAddr,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    let Some(frame) = frame(&app, &params, who.as_ref(), &headers, Some(&client)).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), None));
    };
    let context = merged(
        frame.context.clone(),
        json!({"about_html": markup::body_html(&frame.portal.about)}),
    );
    Ok(anonymous_cache(
        render(&app, lang, who.as_ref(), "portal/about.html", context)?.into_response(),
        who.is_none(),
    ))
}

/// RSS of a portal, or of a category when the address names one.
pub async fn feed(
    State(app): State<Shared>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    let by_category = params.contains_key("slug");
    feed_of(&app, params, &headers, by_category).await
}

/// RSS 2.0 of a portal's latest public articles, or of one category's (and those below it).
async fn feed_of(
    app: &App,
    params: HashMap<String, String>,
    headers: &HeaderMap,
    by_category: bool,
) -> Result<Response, WebError> {
    let not_found = || WebError::NotFound(solieu_i18n::text!("web-there-no-such-page-check"));
    let Some(frame) = frame(app, &params, None, headers, None).await? else {
        return Err(not_found());
    };
    let base = base_path(&frame.portal);
    let origin = frame.context["origin"].as_str().unwrap_or("").to_string();
    let (title, link, categories) = if by_category {
        let slug = params.get("slug").map(String::as_str).unwrap_or("");
        let category = frame
            .categories
            .iter()
            .find(|c| c.slug == slug)
            .ok_or_else(not_found)?;
        (
            format!("{} – {}", frame.portal.name, category.name),
            format!("{origin}{base}/chuyen-muc/{}", category.slug),
            with_descendants(&frame.categories, category.id),
        )
    } else {
        (
            frame.portal.name.clone(),
            format!("{origin}{base}/"),
            Vec::new(),
        )
    };
    let query = ArticleQuery {
        categories,
        limit: FEED_SIZE,
        ..ArticleQuery::default()
    };
    let articles = app
        .store
        .latest_public_articles(&frame.portal.code, &query, Utc::now())
        .await?;
    let items: Vec<FeedItem> = articles
        .iter()
        .map(|a| FeedItem {
            title: a.text.title.clone(),
            link: format!("{origin}{base}/tin/{}", a.slug),
            description: a.text.sapo.clone(),
            published: a.published_at.map(format::feed_time).unwrap_or_default(),
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/rss+xml; charset=utf-8"),
            (header::CACHE_CONTROL, PUBLIC_CACHE),
        ],
        rss(&title, &link, &items),
    )
        .into_response())
}

struct FeedItem {
    title: String,
    link: String,
    description: String,
    published: String,
}

fn rss(title: &str, link: &str, items: &[FeedItem]) -> String {
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>");
    xml.push_str(&format!(
        "<title>{}</title><link>{}</link><description>{}</description><language>vi</language>",
        escape(title),
        escape(link),
        escape(title)
    ));
    for item in items {
        xml.push_str(&format!(
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"true\">{}</guid><description>{}</description><pubDate>{}</pubDate></item>",
            escape(&item.title),
            escape(&item.link),
            escape(&item.link),
            escape(&item.description),
            escape(&item.published),
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

/// What crawlers may read: the portal, not the editors' pages, the application or the API.
pub async fn robots(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let origin = origin(&app, &headers);
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, PUBLIC_CACHE),
        ],
        format!(
            "User-agent: *\nDisallow: /bien-tap\nDisallow: /api/\nDisallow: /login\nDisallow: /dashboard\nDisallow: /entry\nDisallow: /forms/\nDisallow: /tim-kiem\nSitemap: {origin}/sitemap.xml\n"
        ),
    )
        .into_response()
}

/// The sitemaps protocol's limit of addresses in one file.
const SITEMAP_MAX: i64 = 50_000;

/// Every portal's home and categories and every public article (the newest 50,000).
pub async fn sitemap(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, WebError> {
    let origin = origin(&app, &headers);
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
    );
    let mut url = |path: &str, changed: Option<chrono::DateTime<Utc>>| {
        xml.push_str(&format!(
            "<url><loc>{}</loc>",
            escape(&format!("{origin}{path}"))
        ));
        if let Some(at) = changed {
            xml.push_str(&format!("<lastmod>{}</lastmod>", at.format("%Y-%m-%d")));
        }
        xml.push_str("</url>");
    };
    let portals = app.store.portals().await?;
    for portal in &portals {
        let base = base_path(portal);
        url(&format!("{base}/"), None);
        for c in app.store.categories(&portal.code).await? {
            url(&format!("{base}/chuyen-muc/{}", c.slug), None);
        }
    }
    for (code, slug, changed) in app.store.public_addresses(Utc::now(), SITEMAP_MAX).await? {
        let Some(portal) = portals.iter().find(|p| p.code == code) else {
            continue;
        };
        url(&format!("{}/tin/{slug}", base_path(portal)), Some(changed));
    }
    xml.push_str("</urlset>\n");
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, PUBLIC_CACHE),
        ],
        xml,
    )
        .into_response())
}
