//! Citizens' questions (hỏi đáp) and comments on drafts put to the public (góp ý dự thảo): a
//! visitor asks the portal, or comments on an article an approver opened for comments until a
//! day (name, a contact, the text); the office answers; the two are published together,
//! without the contact (a question on the questions page, a comment under its draft).
//!
//! The form is held against floods without a third-party CAPTCHA: a double-submit token
//! (a cookie and the form's field: a form posted from another site carries neither), a field
//! hidden from people that only a robot fills (its question is dropped, the robot thanked),
//! a few questions per address per hour and a ceiling on unread questions per portal, both
//! counted in the database so that every instance of the server keeps them.

use super::public::{frame, merged, not_found};
use super::{PortalRole, from_of, portal_for, portals_of, role_on};
use crate::auth::{self, ClientAddr, MaybeViewer, Viewer};
use crate::pages::{PageLang, render};
use crate::policy::Principal;
use crate::{App, Shared, WebError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Router, routing::get, routing::post};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::format::date_time_vi;
use solieu_core::problem::{Lang, Text};
use solieu_store::{AskLimits, Asked, NewQuestion, Question, QuestionStep};
use std::collections::HashMap;

/// The cookie holding the ask form's token.
pub const ASK_COOKIE: &str = "solieu_ask";
/// Questions one address may send in an hour.
pub const PER_ADDRESS_PER_HOUR: i64 = 5;
/// Unread questions a portal keeps before it asks visitors to come back later.
pub const WAITING_AT_MOST: i64 = 1_000;
/// Published questions on one page.
const PAGE_SIZE: i64 = 20;
/// Characters kept of each field: a name, a contact, a question, an answer.
const NAME_CHARS: usize = 200;
const CONTACT_CHARS: usize = 200;
const QUESTION_CHARS: usize = 4_000;
const ANSWER_CHARS: usize = 20_000;
/// A question form is small: anything larger is refused before it is read.
pub const FORM_LIMIT: usize = 64 * 1024;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/hoi-dap", get(page).post(ask))
        .route("/{portal}/hoi-dap", get(page).post(ask))
        .route("/bien-tap/hoi-dap", get(editor_page))
        .route("/bien-tap/hoi-dap/{id}", post(step))
        .route("/tin/{slug}/gop-y", get(comment_page).post(comment))
        .route(
            "/{portal}/tin/{slug}/gop-y",
            get(comment_page).post(comment),
        )
        .route("/bien-tap/{id}/gop-y", post(set_period))
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    trang: Option<String>,
    #[serde(rename = "da-gui")]
    da_gui: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct AskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    ten: String,
    #[serde(default)]
    lien_he: String,
    #[serde(default)]
    cau_hoi: String,
    /// Hidden from people: only a robot fills it.
    #[serde(default)]
    website: String,
}

/// A field as kept: control characters out, spaces trimmed, at most `chars` characters.
fn clean(text: &str, chars: usize) -> String {
    solieu_core::text::clean(text).chars().take(chars).collect()
}

/// Whether a contact reads as an e-mail address or a Vietnamese phone number.
fn is_contact(text: &str) -> bool {
    if let Some((user, domain)) = text.split_once('@') {
        return !user.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !text.contains(char::is_whitespace);
    }
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
        .collect();
    let digits = digits
        .strip_prefix("+84")
        .map_or(digits.clone(), |d| format!("0{d}"));
    (9..=11).contains(&digits.len())
        && digits.starts_with('0')
        && digits.chars().all(|c| c.is_ascii_digit())
}

/// What is wrong with a question or a comment, in the visitor's words; empty when it can be
/// kept. `needs_text`: what to say when the text is missing.
fn problems_of(form: &AskForm, needs_text: Text) -> Vec<Text> {
    let mut problems = Vec::new();
    if clean(&form.ten, NAME_CHARS).is_empty() {
        problems.push(solieu_i18n::text!("portal-ask-needs-name"));
    }
    if !is_contact(&clean(&form.lien_he, CONTACT_CHARS)) {
        problems.push(solieu_i18n::text!("portal-ask-needs-contact"));
    }
    let question = solieu_core::text::clean(&form.cau_hoi);
    if question.chars().count() < 10 {
        problems.push(needs_text);
    } else if question.chars().count() > QUESTION_CHARS {
        problems.push(solieu_i18n::text!(
            "portal-ask-question-too-long",
            most = QUESTION_CHARS
        ));
    }
    problems
}

fn published_json(q: &Question) -> Value {
    json!({
        "id": q.id,
        "name": q.name,
        "asked": date_time_vi(q.asked_at),
        "question": q.question,
        "answer": q.answer,
        "answered": q.answered_at.map(date_time_vi),
    })
}

/// The questions page: what was answered, newest first, and the form to ask.
pub async fn page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Option<Path<HashMap<String, String>>>,
    headers: HeaderMap,
    client: ClientAddr,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    let sent = q.da_gui.is_some();
    let page_number = q
        .trang
        .as_deref()
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|n| (1..=100_000).contains(n))
        .unwrap_or(1);
    let form = AskForm::default();
    let shown = Shown {
        sent,
        page: page_number,
        form: &form,
        problems: &[],
        status: StatusCode::OK,
    };
    questions_page(
        &app,
        lang,
        who.as_ref(),
        &params,
        &headers,
        Some(&client),
        shown,
    )
    .await
}

/// What the questions page shows besides the published questions.
struct Shown<'a> {
    sent: bool,
    page: i64,
    form: &'a AskForm,
    problems: &'a [Text],
    status: StatusCode,
}

impl<'a> Shown<'a> {
    /// The form again as sent, with what to change.
    fn again(form: &'a AskForm, problems: &'a [Text], status: StatusCode) -> Shown<'a> {
        Shown {
            sent: false,
            page: 1,
            form,
            problems,
            status,
        }
    }
}

async fn questions_page(
    app: &App,
    lang: Lang,
    who: Option<&Principal>,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    visit: Option<&ClientAddr>,
    shown: Shown<'_>,
) -> Result<Response, WebError> {
    let Some(frame) = frame(app, params, who, headers, visit).await? else {
        return Ok(not_found(app, lang, who, None));
    };
    let portal = &frame.portal;
    let base = super::base_path(portal);
    let (answered, total) = app
        .store
        .answered_questions(&portal.code, PAGE_SIZE, (shown.page - 1) * PAGE_SIZE)
        .await?;
    let pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;
    let href = |n: i64| format!("{base}/hoi-dap?trang={n}");
    let context = merged(
        frame.context,
        json!({
            "questions": answered.iter().map(published_json).collect::<Vec<_>>(),
            "total": total,
            "previous": (shown.page > 1).then(|| href(shown.page - 1)),
            "next": (shown.page < pages).then(|| href(shown.page + 1)),
            "action": format!("{base}/hoi-dap"),
        }),
    );
    form_page(app, lang, who, "portal/questions.html", context, &shown)
}

/// A page holding the form a visitor sends: `context` with the form as sent, what to change
/// in it, and a fresh token, in the form and in the cookie, for this visitor only.
fn form_page(
    app: &App,
    lang: Lang,
    who: Option<&Principal>,
    template: &str,
    context: Value,
    shown: &Shown<'_>,
) -> Result<Response, WebError> {
    let token = auth::random_token();
    let context = merged(
        context,
        json!({
            "ask_csrf": token,
            "sent": shown.sent,
            "form": {"ten": shown.form.ten, "lien_he": shown.form.lien_he, "cau_hoi": shown.form.cau_hoi},
            "problems": shown.problems.iter().map(|p| p.get(lang).to_string()).collect::<Vec<_>>(),
        }),
    );
    let html = render(app, lang, who, template, context)?;
    let mut response = (shown.status, html).into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(app, ASK_COOKIE, &token, None)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// Whether the form carries the token its page set in the visitor's cookie: a form posted
/// from another site carries neither.
fn check_token(headers: &HeaderMap, form: &AskForm) -> Result<(), WebError> {
    match auth::cookie(headers, ASK_COOKIE) {
        Some(t) if !form.csrf.is_empty() && auth::same_secret(t, &form.csrf) => Ok(()),
        _ => Err(WebError::Csrf),
    }
}

/// How a visitor's form ended.
enum Received {
    /// Kept, or a robot's, dropped: either way the visitor is thanked.
    Thanked,
    /// The form again, with what to change.
    Again(Vec<Text>, StatusCode),
}

/// What a visitor sends (a question, or a comment on `article`), kept for the office unless a
/// robot filled the hidden field, `closed` says it comes too late, it needs changing (`needs_text`
/// when the text is missing), or the limits hold it back.
async fn receive(
    app: &App,
    form: &AskForm,
    client: &ClientAddr,
    portal: &str,
    article: Option<i64>,
    closed: Option<Text>,
    needs_text: Text,
) -> Result<Received, WebError> {
    if !form.website.trim().is_empty() {
        return Ok(Received::Thanked);
    }
    if let Some(closed) = closed {
        return Ok(Received::Again(
            vec![closed],
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    let problems = problems_of(form, needs_text);
    if !problems.is_empty() {
        return Ok(Received::Again(problems, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let from = from_of(client);
    let question = NewQuestion {
        portal,
        article,
        name: &clean(&form.ten, NAME_CHARS),
        contact: &clean(&form.lien_he, CONTACT_CHARS),
        question: &clean(&form.cau_hoi, QUESTION_CHARS),
        from: &from,
    };
    let refusal = match app.store.ask(question, limits()).await? {
        Asked::Kept(_) => return Ok(Received::Thanked),
        Asked::TooManyFromAddress => solieu_i18n::text!("portal-ask-too-many-from-address"),
        Asked::TooManyWaiting => solieu_i18n::text!("portal-ask-too-many-waiting"),
    };
    Ok(Received::Again(
        vec![refusal],
        StatusCode::TOO_MANY_REQUESTS,
    ))
}

/// A visitor's question: kept for the office, or the form again with what to change.
pub async fn ask(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Option<Path<HashMap<String, String>>>,
    headers: HeaderMap,
    client: ClientAddr,
    Form(form): Form<AskForm>,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    check_token(&headers, &form)?;
    let Some(portal) = super::portal_of(&app, &params).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), None));
    };
    let needs_text = solieu_i18n::text!("portal-ask-needs-question");
    let received = receive(&app, &form, &client, &portal.code, None, None, needs_text).await?;
    let Received::Again(problems, status) = received else {
        let thanked = format!("{}/hoi-dap?da-gui=1", super::base_path(&portal));
        return Ok(Redirect::to(&thanked).into_response());
    };
    let shown = Shown::again(&form, &problems, status);
    questions_page(&app, lang, who.as_ref(), &params, &headers, None, shown).await
}

/// What a visitor may send: questions and comments counted together.
fn limits() -> AskLimits {
    AskLimits {
        per_address: PER_ADDRESS_PER_HOUR,
        since: Utc::now() - chrono::Duration::hours(1),
        waiting: WAITING_AT_MOST,
    }
}

#[derive(Deserialize, Default)]
pub struct EditorQuery {
    cong: Option<String>,
}

/// The office's page: the questions waiting for an answer on one of its portals, with who
/// asked and how to reach them.
pub async fn editor_page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Query(q): Query<EditorQuery>,
) -> Result<Response, WebError> {
    let worked = portal_for(&app, &who, q.cong.as_deref()).await?;
    editor(
        &app,
        lang,
        &who,
        worked.portal(),
        worked.role(),
        &[],
        StatusCode::OK,
    )
    .await
}

async fn editor(
    app: &App,
    lang: Lang,
    who: &Principal,
    portal: &solieu_store::Portal,
    role: PortalRole,
    problems: &[Text],
    status: StatusCode,
) -> Result<Response, WebError> {
    let waiting = app.store.questions_in(&portal.code, "new").await?;
    let mut drafts: HashMap<i64, (String, String)> = HashMap::new();
    for id in waiting.iter().filter_map(|q| q.article) {
        if let Some(a) = app.store.article(id).await? {
            let href = format!("{}/tin/{}", super::base_path(portal), a.slug);
            drafts.insert(id, (a.text.title, href));
        }
    }
    let portals: Vec<Value> = portals_of(app, who)
        .await?
        .iter()
        .map(|(p, _)| json!({"code": p.code, "name": p.name, "selected": p.code == portal.code}))
        .collect();
    let html = render(
        app,
        lang,
        Some(who),
        "portal/questions_editor.html",
        json!({
            "portal": {"code": portal.code, "name": portal.name, "public": format!("{}/hoi-dap", super::base_path(portal))},
            "portals": portals,
            "approver": role == PortalRole::Approver,
            "questions": waiting.iter().map(|q| json!({
                "id": q.id,
                "name": q.name,
                "contact": q.contact,
                "asked": date_time_vi(q.asked_at),
                "question": q.question,
                "answer": q.answer,
                "revision": q.revision,
                "saved_by": (!q.updated_by.is_empty()).then(|| q.updated_by.clone()),
                "draft": q.article.and_then(|id| drafts.get(&id)).map(|(title, href)| json!({"title": title, "href": href})),
            })).collect::<Vec<_>>(),
            "problems": problems.iter().map(|p| p.get(lang).to_string()).collect::<Vec<_>>(),
        }),
    )?;
    Ok((status, html).into_response())
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    revision: i64,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    note: String,
    /// luu (keep the answer), dang (publish), de-rieng (set aside).
    #[serde(default)]
    action: String,
}

/// One step on a question: an editor keeps an answer, an approver publishes or sets aside.
pub async fn step(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    client: ClientAddr,
    Path(id): Path<i64>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let question = app
        .store
        .question(id)
        .await?
        .ok_or_else(|| WebError::NotFound(solieu_i18n::text!("store-question-not-found")))?;
    // Someone without a role on the question's portal learns nothing of it.
    let role = role_on(&app, &who, &question.portal)
        .await?
        .ok_or_else(|| WebError::NotFound(solieu_i18n::text!("store-question-not-found")))?;
    let answer = clean(&form.answer, ANSWER_CHARS);
    let note = clean(&form.note, 1_000);
    let approver = role == PortalRole::Approver;
    let (step, missing) = match form.action.as_str() {
        "luu" => (QuestionStep::SaveAnswer(&answer), None),
        "dang" if approver => (
            QuestionStep::Publish(&answer),
            // A comment may be published without a reply; a question never.
            (answer.is_empty() && question.article.is_none())
                .then(|| solieu_i18n::text!("portal-answer-needs-text")),
        ),
        "de-rieng" if approver => (
            QuestionStep::SetAside(&note),
            note.is_empty()
                .then(|| solieu_i18n::text!("portal-answer-needs-reason")),
        ),
        "dang" | "de-rieng" => return Err(WebError::Forbidden),
        _ => {
            return Err(WebError::BadRequest(solieu_i18n::text!(
                "web-malformed-form"
            )));
        }
    };
    let portals = app.store.portals().await?;
    let portal = portals
        .iter()
        .find(|p| p.code == question.portal)
        .ok_or(WebError::Forbidden)?;
    if let Some(problem) = missing {
        return editor(
            &app,
            lang,
            &who,
            portal,
            role,
            &[problem],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let from = from_of(&client);
    match app
        .store
        .step_question(id, form.revision, step, super::author(&who, &from))
        .await
    {
        Ok(_) => {}
        Err(solieu_store::StoreError::Conflict(text)) => {
            return editor(
                &app,
                lang,
                &who,
                portal,
                role,
                &[text],
                StatusCode::CONFLICT,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/bien-tap/hoi-dap?cong={}", portal.code)).into_response())
}

/// What an article shows of its comments: when they are taken until, where to send one, and
/// those published with the office's answer. `null` for an article never opened for them.
pub async fn comments_of(app: &App, article: i64, href: &str) -> Result<Value, WebError> {
    let Some(last_day) = app.store.comment_period(article).await? else {
        return Ok(Value::Null);
    };
    let published = app.store.published_comments(article).await?;
    Ok(json!({
        "last_day": solieu_core::format::date_vi(last_day),
        "open": solieu_core::format::today_vi() <= last_day,
        "href": format!("{href}/gop-y"),
        "published": published.iter().map(published_json).collect::<Vec<_>>(),
    }))
}

/// A public article of the portal the path names, and the last day it takes comments.
async fn draft_of(
    app: &App,
    params: &HashMap<String, String>,
) -> Result<
    Option<(
        solieu_store::Portal,
        solieu_store::Article,
        chrono::NaiveDate,
    )>,
    WebError,
> {
    let Some(portal) = super::portal_of(app, params).await? else {
        return Ok(None);
    };
    let slug = params.get("slug").map(String::as_str).unwrap_or("");
    let solieu_store::ArticleAt::Found(article) = app.store.article_at(&portal.code, slug).await?
    else {
        return Ok(None);
    };
    let state = solieu_core::portal::State::from_code(&article.state)
        .unwrap_or(solieu_core::portal::State::Draft);
    if !solieu_core::portal::article::is_public(state, article.published_at, Utc::now()) {
        return Ok(None);
    }
    let Some(last_day) = app.store.comment_period(article.id).await? else {
        return Ok(None);
    };
    Ok(Some((portal, *article, last_day)))
}

/// The comment form of a draft: open until its last day, then a notice that it is closed.
pub async fn comment_page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let form = AskForm::default();
    let shown = Shown {
        sent: q.da_gui.is_some(),
        page: 1,
        form: &form,
        problems: &[],
        status: StatusCode::OK,
    };
    comment_form(&app, lang, who.as_ref(), &params, &headers, shown).await
}

async fn comment_form(
    app: &App,
    lang: Lang,
    who: Option<&Principal>,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    shown: Shown<'_>,
) -> Result<Response, WebError> {
    let Some(frame) = frame(app, params, who, headers, None).await? else {
        return Ok(not_found(app, lang, who, None));
    };
    let Some((portal, article, last_day)) = draft_of(app, params).await? else {
        return Ok(not_found(app, lang, who, Some(&frame)));
    };
    let href = format!("{}/tin/{}", super::base_path(&portal), article.slug);
    let context = merged(
        frame.context,
        json!({
            "draft": {"title": article.text.title, "href": href},
            "last_day": solieu_core::format::date_vi(last_day),
            "open": solieu_core::format::today_vi() <= last_day,
            "action": format!("{href}/gop-y"),
        }),
    );
    form_page(app, lang, who, "portal/comment.html", context, &shown)
}

/// A visitor's comment on a draft, kept for the office while the draft takes comments.
pub async fn comment(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
    client: ClientAddr,
    Form(form): Form<AskForm>,
) -> Result<Response, WebError> {
    check_token(&headers, &form)?;
    let Some((portal, article, last_day)) = draft_of(&app, &params).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), None));
    };
    let closed = (solieu_core::format::today_vi() > last_day).then(|| {
        let day = solieu_core::format::date_vi(last_day);
        solieu_i18n::text!("portal-comments-closed", day = day)
    });
    let needs_text = solieu_i18n::text!("portal-comment-needs-text");
    let received = receive(
        &app,
        &form,
        &client,
        &portal.code,
        Some(article.id),
        closed,
        needs_text,
    )
    .await?;
    let Received::Again(problems, status) = received else {
        let base = super::base_path(&portal);
        let thanked = format!("{base}/tin/{}/gop-y?da-gui=1", article.slug);
        return Ok(Redirect::to(&thanked).into_response());
    };
    let shown = Shown::again(&form, &problems, status);
    comment_form(&app, lang, who.as_ref(), &params, &headers, shown).await
}

#[derive(Deserialize, Default)]
pub struct PeriodForm {
    #[serde(default)]
    csrf: Option<String>,
    /// The last day comments are taken (YYYY-MM-DD); `dong` closes them today.
    #[serde(default)]
    last_day: String,
    #[serde(default)]
    action: String,
}

/// An approver opens an article for comments until a day, moves the day or closes them.
pub async fn set_period(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    client: ClientAddr,
    Path(id): Path<i64>,
    Form(form): Form<PeriodForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let (_, role) = super::editor::article_for(&app, &who, id).await?;
    if role != PortalRole::Approver {
        return Err(WebError::Forbidden);
    }
    let last_day = if form.action == "dong" {
        solieu_core::format::today_vi() - chrono::Duration::days(1)
    } else {
        chrono::NaiveDate::parse_from_str(form.last_day.trim(), "%Y-%m-%d")
            .ok()
            .filter(|d| *d >= solieu_core::format::today_vi())
            .ok_or_else(|| {
                WebError::Unprocessable(solieu_i18n::text!("portal-comments-day-needed"))
            })?
    };
    let from = from_of(&client);
    app.store
        .set_comment_period(id, last_day, super::author(&who, &from))
        .await?;
    Ok(Redirect::to(&format!("/bien-tap/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_an_email_address_or_a_phone_number() {
        for good in [
            "dan@example.vn",
            "0203 3878 247",
            "0912.345.678",
            "+84 912 345 678",
            "(0203) 3878247",
        ] {
            assert!(is_contact(good), "{good}");
        }
        for bad in [
            "",
            "dan",
            "dan@",
            "@example.vn",
            "dan@example",
            "12345",
            "0912 abc 678",
            "a b@c.vn",
        ] {
            assert!(!is_contact(bad), "{bad}");
        }
    }
}
