//! The portal's search: the index kept beside the store ([`solieu_search`]), built from the
//! published articles at start-up, caught up after every change (this server's at once,
//! another process's at the next look at the store), and the search page with the seed
//! portal's form: words, category, dates.

use super::public::{frame, merged, not_found};
use super::{base_path, markup};
use crate::auth::MaybeViewer;
use crate::pages::{PageLang, render};
use crate::{App, Shared, WebError};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::format;
use solieu_core::portal::{State as ArticleState, article::is_public};
use solieu_search::{Entry, Search};
use solieu_store::{Article, Category};
use std::collections::HashMap;

/// Articles read from the store at a time when the index is built or caught up.
const BATCH: i64 = 500;
/// Results on a page.
const PAGE_SIZE: usize = 10;

fn index_error(e: solieu_search::SearchError) -> WebError {
    WebError::Internal(e.to_string())
}

/// The category and those above it: a search in a category finds what is below it.
fn lineage(categories: &[Category], id: Option<i64>) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut next = id;
    while let Some(id) = next {
        if ids.contains(&id) || ids.len() > categories.len() {
            break;
        }
        ids.push(id);
        next = categories
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.parent);
    }
    ids
}

fn entry(article: &Article, categories: &[Category]) -> Entry {
    let text = format!(
        "{}\n{}",
        article.text.sapo,
        markup::plain_text(&article.text.body)
    );
    Entry {
        id: article.id,
        portal: article.portal.clone(),
        categories: lineage(categories, article.text.category),
        title: article.text.title.clone(),
        text,
        published: article.published_at.unwrap_or_else(Utc::now),
    }
}

async fn categories_of(
    app: &App,
    cache: &mut HashMap<String, Vec<Category>>,
    portal: &str,
) -> Result<Vec<Category>, WebError> {
    if let Some(found) = cache.get(portal) {
        return Ok(found.clone());
    }
    let categories = app.store.categories(portal).await?;
    cache.insert(portal.to_string(), categories.clone());
    Ok(categories)
}

/// Fills the index from every published article, page by page. A scheduled article goes in
/// too: searches ask only for what is public at their time.
pub async fn rebuild(app: &App) -> Result<usize, WebError> {
    let mut seen = app.search_seen.lock().await;
    *seen = solieu_store::now_text();
    let mut entries = Vec::new();
    let mut cache = HashMap::new();
    let mut after = 0;
    loop {
        let page = app.store.published_articles_after(after, BATCH).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for article in &page {
            let categories = categories_of(app, &mut cache, &article.portal).await?;
            entries.push(entry(article, &categories));
        }
    }
    app.search.rebuild(entries).map_err(index_error)
}

/// Brings the index up to what the store holds: articles changed since the last look are
/// put in if published and taken out otherwise.
pub async fn catch_up(app: &App) -> Result<(), WebError> {
    let mut seen = app.search_seen.lock().await;
    loop {
        let changed = app.store.articles_changed_since(&seen, BATCH).await?;
        let mut put = Vec::new();
        let mut remove = Vec::new();
        let mut cache = HashMap::new();
        for article in &changed {
            if article.state == ArticleState::Published.code() {
                let categories = categories_of(app, &mut cache, &article.portal).await?;
                put.push(entry(article, &categories));
            } else {
                remove.push(article.id);
            }
        }
        app.search.update(&put, &remove).map_err(index_error)?;
        let newest = changed
            .last()
            .map(|a| solieu_store::timestamp(a.updated_at));
        let full = changed.len() as i64 == BATCH;
        match newest {
            // Changes in the same microsecond as the newest are read again next time (`>=`):
            // putting an article twice is harmless, missing one is not.
            Some(newest) if full && newest == *seen => break,
            Some(newest) => *seen = newest,
            None => break,
        }
        if !full {
            break;
        }
    }
    Ok(())
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    pub q: Option<String>,
    #[serde(rename = "chuyen-muc")]
    pub category: Option<String>,
    pub tu: Option<String>,
    pub den: Option<String>,
    pub trang: Option<String>,
}

/// A date field's value, or nothing: a date that is not one widens the search rather than
/// failing it (the form says which dates were used).
fn day(text: Option<&str>) -> Option<NaiveDate> {
    let text = text?.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .ok()
}

pub async fn page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Option<Path<HashMap<String, String>>>,
    headers: HeaderMap,
    client: crate::auth::ClientAddr,
    Query(q): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    let Some(frame) = frame(&app, &params, who.as_ref(), &headers, Some(&client)).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), None));
    };
    let portal = &frame.portal;
    let categories = &frame.categories;
    let words: String = q.q.clone().unwrap_or_default().chars().take(500).collect();
    let category = q
        .category
        .as_deref()
        .and_then(|c| c.parse::<i64>().ok())
        .filter(|id| categories.iter().any(|c| c.id == *id));
    let (from, to) = (day(q.tu.as_deref()), day(q.den.as_deref()));
    let page = q
        .trang
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| (1..=1000).contains(p))
        .unwrap_or(1);
    let asked = !words.trim().is_empty() || category.is_some() || from.is_some() || to.is_some();
    let base = base_path(portal);
    let (hits, total) = if asked {
        let search = Search {
            words: words.clone(),
            portal: portal.code.clone(),
            category,
            from,
            to,
            now: Some(Utc::now()),
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        };
        let found = app.search.search(&search).map_err(index_error)?;
        let mut hits = Vec::new();
        for hit in found.hits {
            // The store has the last word: an article withdrawn a moment ago is not shown.
            if let Some(article) = app.store.article(hit.id).await? {
                let state = ArticleState::from_code(&article.state).unwrap_or(ArticleState::Draft);
                if is_public(state, article.published_at, Utc::now()) {
                    hits.push(json!({
                        "href": format!("{base}/tin/{}", article.slug),
                        "title_html": hit.title_html,
                        "snippet_html": hit.snippet_html,
                        "published": article.published_at.map(format::date_time_vi),
                    }));
                }
            }
        }
        (hits, found.total)
    } else {
        (Vec::new(), 0)
    };
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let link = |p: usize| {
        let mut query = vec![("q", words.clone()), ("trang", p.to_string())];
        if let Some(c) = category {
            query.push(("chuyen-muc", c.to_string()));
        }
        if let Some(d) = from {
            query.push(("tu", d.to_string()));
        }
        if let Some(d) = to {
            query.push(("den", d.to_string()));
        }
        let encoded: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", super::url_encode(v)))
            .collect();
        format!("{base}/tim-kiem?{}", encoded.join("&"))
    };
    let options: Vec<Value> = categories
        .iter()
        .map(|c| {
            json!({
                "id": c.id.to_string(),
                "name": c.name,
                "child": c.parent.is_some(),
                "selected": Some(c.id) == category,
            })
        })
        .collect();
    let context = merged(
        frame.context,
        json!({
            "words": words,
            "asked": asked,
            "hits": hits,
            "total": total,
            "page": page,
            "pages": pages,
            "previous": (page > 1).then(|| link(page - 1)),
            "next": (page < pages).then(|| link(page + 1)),
            "categories": options,
            "from": from.map(|d| d.to_string()),
            "to": to.map(|d| d.to_string()),
        }),
    );
    Ok(render(&app, lang, who.as_ref(), "portal/search.html", context)?.into_response())
}
