//! The editors' pages: the articles of the portals an account works on, the article form,
//! the workflow's steps and every revision with what changed between two.
//!
//! Every handler asks [`role_on`] for the article's own portal: an editor of one commune's
//! portal cannot read the drafts of, or change, another's, whatever address it sends.

use super::{from_of, markup, portal_for, portals_of, role_on};
use crate::auth::{self, ClientAddr, Viewer};
use crate::pages::{PageLang, named, render};
use crate::policy::Principal;
use crate::{App, Shared, WebError};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::format;
use solieu_core::portal::{Action, PortalRole, Refusal, State as ArticleState, article};
use solieu_core::problem::{Lang, Text};
use solieu_store::{Article, ArticleStep, ArticleText, Category, Media};

/// What a title, a sapo and a body may hold (characters).
const TITLE_MAX: usize = 300;
const SAPO_MAX: usize = 1_000;
const BODY_MAX: usize = 200_000;

#[derive(Deserialize, Default, Clone)]
pub struct ArticleForm {
    pub csrf: Option<String>,
    /// The portal of a new article.
    pub portal: Option<String>,
    /// The revision the editor opened; a save over a newer one is refused.
    pub revision: Option<i64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub sapo: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub byline: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub category: String,
    pub featured: Option<String>,
}

#[derive(Deserialize)]
pub struct StepForm {
    pub csrf: Option<String>,
    pub revision: i64,
    pub action: String,
    #[serde(default)]
    pub reason: String,
    /// When a publication goes out, in Vietnam's time ("2020-07-01T15:56"); empty for now.
    #[serde(default)]
    pub publish_at: String,
}

#[derive(Deserialize)]
pub struct NewQuery {
    pub cong: Option<String>,
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    pub tu: Option<i64>,
    pub den: Option<i64>,
}

pub async fn list(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
) -> Result<Response, WebError> {
    let portals = portals_of(&app, &who).await?;
    if portals.is_empty() {
        return Err(WebError::Forbidden);
    }
    let codes: Vec<String> = portals.iter().map(|(p, _)| p.code.clone()).collect();
    let articles = app.store.articles_of(&codes, 500).await?;
    let rows: Vec<Value> = articles
        .iter()
        .map(|a| {
            json!({
                "title": a.text.title,
                "href": format!("/bien-tap/{}", a.id),
                "portal": portals.iter().find(|(p, _)| p.code == a.portal).map(|(p, _)| p.name.clone()),
                "state": a.state,
                "state_name": state_name(lang, &a.state),
                "updated": format::date_time_vi(a.updated_at),
                "updated_by": a.updated_by,
                "published": a.published_at.map(format::date_time_vi),
            })
        })
        .collect();
    let portals: Vec<Value> = portals
        .iter()
        .map(|(p, role)| json!({"code": p.code, "name": p.name, "role": role_name(lang, *role)}))
        .collect();
    Ok(render(
        &app,
        lang,
        Some(&who),
        "portal/editor_list.html",
        json!({"articles": rows, "portals": portals}),
    )?
    .into_response())
}

pub fn state_name(lang: Lang, code: &str) -> String {
    named(lang, "article-state", code)
}

fn role_name(lang: Lang, role: PortalRole) -> String {
    named(lang, "portal-role", role.code())
}

pub async fn new_form(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let worked = portal_for(&app, &who, q.cong.as_deref()).await?;
    let form = ArticleForm {
        portal: Some(worked.portal().code.clone()),
        ..ArticleForm::default()
    };
    form_page(&app, lang, &who, None, &form, &[], StatusCode::OK).await
}

pub async fn create(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    client: ClientAddr,
    Form(form): Form<ArticleForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let portal = form.portal.clone().unwrap_or_default();
    if role_on(&app, &who, &portal).await?.is_none() {
        return Err(WebError::Forbidden);
    }
    create_checked(&app, lang, &who, &client, &portal, &form).await
}

/// A new article in `portal` from `form`, once it passes the editor's checks: the new
/// article's page, or the form again with each problem.
async fn create_checked(
    app: &App,
    lang: Lang,
    who: &Principal,
    client: &ClientAddr,
    portal: &str,
    form: &ArticleForm,
) -> Result<Response, WebError> {
    let categories = app.store.categories(portal).await?;
    let media = media_named(app, &form.body).await?;
    let text = match checked(form, &categories, &media) {
        Ok(text) => text,
        Err(problems) => {
            return form_page(
                app,
                lang,
                who,
                None,
                form,
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let created = app
        .store
        .create_article(portal, &text, super::author(who, &from_of(client)))
        .await?;
    super::search::catch_up(app).await?;
    Ok(Redirect::to(&format!("/bien-tap/{}", created.id)).into_response())
}

#[derive(Deserialize)]
pub struct FromReportForm {
    pub csrf: Option<String>,
    pub portal: String,
}

/// A draft article from a recorded report's figures (`solieu_report::article`), in the
/// portal the editor names, which must be a portal of the report's unit; the editor finishes
/// and publishes it through the usual workflow.
pub async fn from_report(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    client: ClientAddr,
    Path(id): Path<i64>,
    Form(form): Form<FromReportForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    // Read access to the report first: a report of another unit is not told to exist.
    let stored = crate::ops::readable_report(&app, &who, id).await?;
    let portal = app
        .store
        .portals()
        .await?
        .into_iter()
        .find(|p| p.code == form.portal && p.unit_code == stored.report.unit)
        .ok_or(WebError::Forbidden)?;
    if role_on(&app, &who, &portal.code).await?.is_none() {
        return Err(WebError::Forbidden);
    }
    let period = crate::ops::parse_period(&stored.report.period)?;
    // As the office prints its reports (kept by `solieu report --settings`), else the default.
    let settings: solieu_report::settings::Settings = app
        .store
        .meta(solieu_report::settings::KEPT)
        .await?
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let draft = {
        let engine = app.engine();
        let request = solieu_report::Request {
            unit: crate::ops::unit_version(&engine, &portal.unit_code, &period)?,
            period,
            template: None,
            programs: None,
            date: None,
            number: None,
        };
        let statistics = format!("{}/so-lieu", super::base_path(&portal));
        solieu_report::article(&engine, &request, &settings, &statistics)
            .map_err(|e| WebError::Internal(e.to_string()))?
    };
    let article = ArticleForm {
        csrf: None,
        portal: Some(portal.code.clone()),
        revision: None,
        title: draft.title,
        sapo: draft.sapo,
        body: draft.body,
        byline: who.display_name.clone(),
        source: solieu_i18n::tr_args(
            lang,
            "portal-article-from-report-source",
            &[("id", id.to_string())],
        ),
        category: String::new(),
        featured: None,
    };
    create_checked(&app, lang, &who, &client, &portal.code, &article).await
}

/// The article and the role `who` holds on its portal, or why not.
pub(super) async fn article_for(
    app: &App,
    who: &Principal,
    id: i64,
) -> Result<(Article, PortalRole), WebError> {
    let missing = || WebError::NotFound(solieu_i18n::text!("store-article-not-found"));
    let article = app.store.article(id).await?.ok_or_else(missing)?;
    let role = role_on(app, who, &article.portal)
        .await?
        .ok_or(WebError::Forbidden)?;
    Ok((article, role))
}

fn state_of(article: &Article) -> ArticleState {
    ArticleState::from_code(&article.state).unwrap_or(ArticleState::Draft)
}

pub async fn edit_form(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (article, _) = article_for(&app, &who, id).await?;
    let form = ArticleForm {
        portal: Some(article.portal.clone()),
        revision: Some(article.revision),
        title: article.text.title.clone(),
        sapo: article.text.sapo.clone(),
        body: article.text.body.clone(),
        byline: article.text.byline.clone(),
        source: article.text.source.clone(),
        category: article
            .text
            .category
            .map(|c| c.to_string())
            .unwrap_or_default(),
        featured: article.text.featured.then(|| "on".to_string()),
        csrf: None,
    };
    form_page(&app, lang, &who, Some(&article), &form, &[], StatusCode::OK).await
}

pub async fn save(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    client: ClientAddr,
    Path(id): Path<i64>,
    Form(form): Form<ArticleForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let (current, role) = article_for(&app, &who, id).await?;
    if !article::may_edit(state_of(&current), role) {
        return Err(WebError::Conflict(solieu_i18n::text!(
            "portal-article-waits-for-approver"
        )));
    }
    let categories = app.store.categories(&current.portal).await?;
    let media = media_named(&app, &form.body).await?;
    let text = match checked(&form, &categories, &media) {
        Ok(text) => text,
        Err(problems) => {
            return form_page(
                &app,
                lang,
                &who,
                Some(&current),
                &form,
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let seen = form.revision.unwrap_or(current.revision);
    let from = from_of(&client);
    app.store
        .update_article(id, seen, &text, super::author(&who, &from))
        .await?;
    super::search::catch_up(&app).await?;
    Ok(Redirect::to(&format!("/bien-tap/{id}")).into_response())
}

pub async fn step(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    client: ClientAddr,
    Path(id): Path<i64>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let (current, role) = article_for(&app, &who, id).await?;
    let action = Action::from_code(&form.action).ok_or_else(|| {
        WebError::BadRequest(solieu_i18n::text!(
            "portal-unknown-step",
            value = form.action.clone()
        ))
    })?;
    let state = article::step(state_of(&current), action, role, &form.reason).map_err(refused)?;
    let published_at = match action {
        Action::Publish if form.publish_at.trim().is_empty() => Some(Utc::now()),
        Action::Publish => Some(format::parse_form_time(&form.publish_at).ok_or_else(|| {
            WebError::Unprocessable(solieu_i18n::text!(
                "portal-publish-time-not-a-time",
                value = form.publish_at.clone()
            ))
        })?),
        _ => current.published_at,
    };
    let from = from_of(&client);
    let step = ArticleStep {
        action: action.code(),
        state: state.code(),
        published_at,
        reason: form.reason.trim(),
    };
    app.store
        .step_article(id, form.revision, step, super::author(&who, &from))
        .await?;
    super::search::catch_up(&app).await?;
    Ok(Redirect::to(&format!("/bien-tap/{id}")).into_response())
}

fn refused(refusal: Refusal) -> WebError {
    match refusal {
        Refusal::NeedsApprover => WebError::Forbidden,
        Refusal::WrongState => WebError::Conflict(solieu_i18n::text!("portal-step-does-not-apply")),
        Refusal::NeedsReason => {
            WebError::Unprocessable(solieu_i18n::text!("portal-step-needs-reason"))
        }
    }
}

/// The uploads a body names, as far as the library holds them (bounded: a body may name any
/// number of addresses, only the first few dozen are looked up).
async fn media_named(app: &App, body: &str) -> Result<Named, WebError> {
    let addresses = markup::media_addresses(body);
    let asked: Vec<&str> = addresses.iter().map(String::as_str).collect();
    let kept = app.store.media_at(&asked).await?;
    Ok(Named { addresses, kept })
}

/// The uploads a body names: their addresses, and those the library holds.
struct Named {
    addresses: Vec<String>,
    kept: Vec<Media>,
}

impl Named {
    fn missing(&self) -> impl Iterator<Item = &str> {
        self.addresses
            .iter()
            .filter(|a| !self.kept.iter().any(|m| &m.address == *a))
            .map(String::as_str)
    }
}

/// The form's text, checked: every problem found, each naming its field.
fn checked(
    form: &ArticleForm,
    categories: &[Category],
    media: &Named,
) -> Result<ArticleText, Vec<Value>> {
    let mut problems = Vec::new();
    let mut problem = |field: &str, message: Text| {
        problems.push(json!({"field": field, "message_vi": message.vi, "message_en": message.en}));
    };
    let title = solieu_core::text::clean(&form.title);
    if title.is_empty() {
        problem("title", solieu_i18n::text!("portal-title-required"));
    }
    for (field, value, max) in [
        ("title", &form.title, TITLE_MAX),
        ("sapo", &form.sapo, SAPO_MAX),
        ("body", &form.body, BODY_MAX),
    ] {
        let length = value.chars().count();
        if length > max {
            problem(
                field,
                solieu_i18n::text!("portal-field-too-long", length = length, max = max),
            );
        }
    }
    for src in markup::images_without_alt(&form.body) {
        let shown: String = src.chars().take(120).collect();
        problem(
            "body",
            solieu_i18n::text!("portal-image-needs-alt", value = shown),
        );
    }
    for address in media.missing() {
        problem(
            "body",
            solieu_i18n::text!(
                "portal-image-not-uploaded",
                value = format!("/media/{address}")
            ),
        );
    }
    let category = match form.category.trim() {
        "" => None,
        id => match id
            .parse::<i64>()
            .ok()
            .filter(|id| categories.iter().any(|c| c.id == *id))
        {
            Some(id) => Some(id),
            None => {
                problem("category", solieu_i18n::text!("portal-category-unknown"));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let body = solieu_core::text::clean(&form.body);
    Ok(ArticleText {
        category,
        title,
        sapo: solieu_core::text::clean(&form.sapo),
        body_html: markup::body_html_with(&body, &media.kept),
        body,
        byline: solieu_core::text::clean(&form.byline),
        source: solieu_core::text::clean(&form.source),
        featured: form.featured.is_some(),
    })
}

/// The article form: what was typed stays in it when a save is refused.
async fn form_page(
    app: &App,
    lang: Lang,
    who: &Principal,
    article: Option<&Article>,
    form: &ArticleForm,
    problems: &[Value],
    status: StatusCode,
) -> Result<Response, WebError> {
    let portal_code = form.portal.clone().unwrap_or_default();
    let portals = app.store.portals().await?;
    let portal = portals
        .iter()
        .find(|p| p.code == portal_code)
        .ok_or(WebError::Forbidden)?;
    let role = role_on(app, who, &portal.code)
        .await?
        .ok_or(WebError::Forbidden)?;
    let categories: Vec<Value> = app
        .store
        .categories(&portal.code)
        .await?
        .iter()
        .map(|c| json!({"id": c.id.to_string(), "name": c.name, "child": c.parent.is_some()}))
        .collect();
    let state = article.map(state_of);
    let editable = state.is_none_or(|s| article::may_edit(s, role));
    let steps: Vec<Value> = match state {
        Some(s) => Action::ALL
            .into_iter()
            .filter(|a| article::step(s, *a, role, "lý do").is_ok())
            .map(|a| json!({"code": a.code(), "name": named(lang, "article-action", a.code()), "reason": a.needs_reason(), "publish": a == Action::Publish}))
            .collect(),
        None => Vec::new(),
    };
    let base = super::base_path(portal);
    let comment_period = match article {
        Some(a) => app.store.comment_period(a.id).await?,
        None => None,
    };
    let today = format::today_vi();
    let context = json!({
        "approver": role == super::PortalRole::Approver,
        "today": today.to_string(),
        "comment_period": comment_period.map(|d| json!({"last_day": format::date_vi(d), "open": today <= d})),
        "form": {
            "portal": portal_code,
            "revision": form.revision,
            "title": form.title,
            "sapo": form.sapo,
            "body": form.body,
            "byline": form.byline,
            "source": form.source,
            "category": form.category,
            "featured": form.featured.is_some(),
        },
        "portal_name": portal.name,
        "categories": categories,
        "problems": problems.iter().map(|p| p[if lang == Lang::En { "message_en" } else { "message_vi" }].clone()).collect::<Vec<_>>(),
        "article": article.map(|a| json!({
            "id": a.id,
            "state": a.state,
            "state_name": state_name(lang, &a.state),
            "href": format!("{base}/tin/{}", a.slug),
            "published": a.published_at.map(format::date_time_vi),
            "scheduled": a.state == "published" && a.published_at.is_some_and(|t| t > Utc::now()),
            "updated": format::date_time_vi(a.updated_at),
            "updated_by": a.updated_by,
            "revision": a.revision,
        })),
        "editable": editable,
        "steps": steps,
        "now": format::form_time(Utc::now()),
    });
    let html = render(app, lang, Some(who), "portal/editor_form.html", context)?;
    Ok((status, html).into_response())
}

pub async fn history(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Path(id): Path<i64>,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, WebError> {
    let (article, _) = article_for(&app, &who, id).await?;
    let revisions = app.store.article_revisions(id).await?;
    let last = revisions.last().map_or(0, |r| r.revision);
    let to = q.den.unwrap_or(last);
    let from = q.tu.unwrap_or(to - 1);
    let find = |n: i64| revisions.iter().find(|r| r.revision == n);
    let categories = app.store.categories(&article.portal).await?;
    let category_name = |id: Option<i64>| {
        id.and_then(|id| categories.iter().find(|c| c.id == id))
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let diff = match (find(from), find(to)) {
        (Some(a), Some(b)) => Some(super::diff::between(lang, a, b, category_name)),
        _ => None,
    };
    let rows: Vec<Value> = revisions
        .iter()
        .rev()
        .map(|r| {
            json!({
                "revision": r.revision,
                "action": named(lang, "article-action", &r.action),
                "reason": r.reason,
                "title": r.text.title,
                "state_name": state_name(lang, &r.state),
                "by": r.changed_by,
                "at": format::date_time_vi(r.changed_at),
                "from": r.changed_from,
            })
        })
        .collect();
    Ok(render(
        &app,
        lang,
        Some(&who),
        "portal/history.html",
        json!({
            "article": {"id": article.id, "title": article.text.title},
            "revisions": rows,
            "diff": diff,
            "from": from,
            "to": to,
        }),
    )?
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_step_and_role_has_a_name_in_both_languages() {
        let mut ids: Vec<String> = ArticleState::ALL
            .iter()
            .map(|s| format!("web-article-state-{}", s.code()))
            .collect();
        ids.extend(
            Action::ALL
                .iter()
                .map(|a| a.code())
                .chain(["create", "edit"])
                .map(|a| format!("web-article-action-{a}")),
        );
        ids.extend(
            [PortalRole::Editor, PortalRole::Approver]
                .iter()
                .map(|r| format!("web-portal-role-{}", r.code())),
        );
        for id in ids {
            for lang in [Lang::Vi, Lang::En] {
                assert!(solieu_i18n::has(lang, &id), "{id} has no {lang:?} name");
            }
        }
    }
}
