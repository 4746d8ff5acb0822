//! The leaders' work schedule (lịch công tác): the public week by week with a print view and
//! an iCalendar feed per portal and per leader; the editors' week, where engagements are
//! written and an approver publishes the week. A change after publication is marked on the
//! public page; a cancelled engagement stays, marked.

use super::public::{frame, merged, not_found};
use super::{portal_for, portal_of, portals_of, role_on};
use crate::auth::{self, ClientAddr, MaybeViewer, Viewer};
use crate::pages::{PageLang, render};
use crate::policy::Principal;
use crate::{App, Shared, WebError};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::format;
use solieu_core::portal::PortalRole;
use solieu_core::problem::{Lang, Text};
use solieu_store::{Engagement, Portal, ScheduleItem};
use std::collections::HashMap;

/// Monday and Sunday of the week holding `day`.
pub fn week_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    (monday, monday + Duration::days(6))
}

fn day_param(text: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text?.trim(), "%Y-%m-%d").ok()
}

/// "Thứ Hai, 15/06/2020".
fn day_name(lang: Lang, day: NaiveDate) -> String {
    let weekday = solieu_i18n::tr(
        lang,
        &format!("portal-weekday-{}", day.weekday().num_days_from_monday()),
    );
    format!("{weekday}, {}", format::date_vi(day))
}

/// What the public sees of an engagement: published, or cancelled after it was published.
fn is_public(item: &ScheduleItem) -> bool {
    item.published_at.is_some() && item.state != "draft"
}

fn item_json(lang: Lang, item: &ScheduleItem) -> Value {
    let e = &item.engagement;
    json!({
        "state_name": solieu_i18n::tr(lang, &format!("portal-schedule-state-{}", item.state)),
        "id": item.id,
        "start": e.start,
        "content": e.content,
        "chair": e.chair,
        "participants": e.participants,
        "place": e.place,
        "preparer": e.preparer,
        "state": item.state,
        "cancelled": item.state == "cancelled",
        "changed": item.changed_after_publication.map(format::date_time_vi),
        "revision": item.revision,
    })
}

/// The week's days, each with its engagements.
fn days(lang: Lang, monday: NaiveDate, items: &[&ScheduleItem]) -> Vec<Value> {
    (0..7)
        .map(|n| {
            let day = monday + Duration::days(n);
            let of_day: Vec<Value> = items
                .iter()
                .filter(|i| i.engagement.day == day)
                .map(|i| item_json(lang, i))
                .collect();
            json!({"name": day_name(lang, day), "items": of_day, "today": day == format::today_vi()})
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct WeekQuery {
    pub tuan: Option<String>,
    pub cong: Option<String>,
}

pub async fn page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Option<Path<HashMap<String, String>>>,
    headers: HeaderMap,
    client: ClientAddr,
    Query(q): Query<WeekQuery>,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    let Some(frame) = frame(&app, &params, who.as_ref(), &headers, Some(&client)).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), None));
    };
    let portal = &frame.portal;
    let (monday, sunday) = week_of(day_param(q.tuan.as_deref()).unwrap_or_else(format::today_vi));
    let items = app.store.schedule(&portal.code, monday, sunday).await?;
    let shown: Vec<&ScheduleItem> = items.iter().filter(|i| is_public(i)).collect();
    let base = super::base_path(portal);
    let href = |d: NaiveDate| format!("{base}/lich-cong-tac?tuan={d}");
    let context = merged(
        frame.context,
        json!({
            "week": t_week(lang, monday, sunday),
            "days": days(lang, monday, &shown),
            "empty": shown.is_empty(),
            "previous": href(monday - Duration::days(7)),
            "next": href(monday + Duration::days(7)),
            "ics": format!("{base}/lich-cong-tac.ics"),
            "chairs": chairs(&shown, &base),
        }),
    );
    Ok(render(&app, lang, who.as_ref(), "portal/schedule.html", context)?.into_response())
}

/// "Tuần từ 15/06/2020 đến 21/06/2020".
fn t_week(lang: Lang, monday: NaiveDate, sunday: NaiveDate) -> String {
    solieu_i18n::tr!(
        lang,
        "portal-week-from-to",
        from = format::date_vi(monday),
        to = format::date_vi(sunday)
    )
}

/// Each leader who chairs something this week, with the address of that leader's feed.
fn chairs(items: &[&ScheduleItem], base: &str) -> Vec<Value> {
    let mut names: Vec<&str> = items
        .iter()
        .map(|i| i.engagement.chair.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
        .iter()
        .map(|n| json!({"name": n, "ics": format!("{base}/lich-cong-tac.ics?chu-tri={}", super::url_encode(n))}))
        .collect()
}

#[derive(Deserialize, Default)]
pub struct FeedQuery {
    #[serde(rename = "chu-tri")]
    pub chair: Option<String>,
}

/// How far ahead a calendar feed reaches; back, it holds the newest engagements up to
/// [`FEED_MAX`].
const FEED_DAYS_AHEAD: i64 = 366;
const FEED_MAX: usize = 2_000;

/// iCalendar (RFC 5545) of a portal's published engagements, or one leader's.
pub async fn ics(
    State(app): State<Shared>,
    params: Option<Path<HashMap<String, String>>>,
    headers: HeaderMap,
    Query(q): Query<FeedQuery>,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    let Some(portal) = portal_of(&app, &params).await? else {
        return Err(WebError::NotFound(solieu_i18n::text!(
            "web-there-no-such-page-check"
        )));
    };
    let today = format::today_vi();
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    let mut items = app
        .store
        .schedule(&portal.code, first, today + Duration::days(FEED_DAYS_AHEAD))
        .await?;
    let kept_from = items.len().saturating_sub(FEED_MAX);
    items.drain(..kept_from);
    let chair = q.chair.as_deref().filter(|c| !c.trim().is_empty());
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b))
        })
        .unwrap_or("localhost");
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//solieu//lich-cong-tac//VI".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        format!("X-WR-CALNAME:{}", ics_text(&portal.name)),
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh".to_string(),
    ];
    for item in items
        .iter()
        .filter(|i| is_public(i) && chair.is_none_or(|c| i.engagement.chair == c))
    {
        lines.extend(event(item, host));
    }
    lines.push("END:VCALENDAR".to_string());
    let body: String = lines.iter().map(|l| fold_line(l) + "\r\n").collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, super::public::PUBLIC_CACHE),
        ],
        body,
    )
        .into_response())
}

fn event(item: &ScheduleItem, host: &str) -> Vec<String> {
    let e = &item.engagement;
    let start = NaiveTime::parse_from_str(&e.start, "%H:%M").unwrap_or(NaiveTime::MIN);
    let at = e
        .day
        .and_time(start)
        .and_local_timezone(format::vietnam())
        .single()
        .map(|t| t.with_timezone(&Utc));
    let stamp = |t: chrono::DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let mut lines = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:lich-{}@{host}", item.id),
        format!("DTSTAMP:{}", stamp(item.updated_at)),
        format!("SEQUENCE:{}", item.revision),
        format!("SUMMARY:{}", ics_text(&e.content)),
    ];
    if let Some(at) = at {
        lines.push(format!("DTSTART:{}", stamp(at)));
    }
    if !e.place.is_empty() {
        lines.push(format!("LOCATION:{}", ics_text(&e.place)));
    }
    let description = [
        ("Chủ trì", &e.chair),
        ("Thành phần", &e.participants),
        ("Chuẩn bị", &e.preparer),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}: {v}"))
    .collect::<Vec<_>>()
    .join("\n");
    if !description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", ics_text(&description)));
    }
    lines.push(format!(
        "STATUS:{}",
        if item.state == "cancelled" {
            "CANCELLED"
        } else {
            "CONFIRMED"
        }
    ));
    lines.push("END:VEVENT".to_string());
    lines
}

/// Text as iCalendar writes it: backslash, semicolon, comma and newline escaped.
fn ics_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets, never inside a character (RFC 5545, 3.1).
fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out
}

#[derive(Deserialize, Default, Clone)]
pub struct EngagementForm {
    pub csrf: Option<String>,
    pub cong: Option<String>,
    pub revision: Option<i64>,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub chair: String,
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub preparer: String,
}

/// The form's engagement, or every problem with it.
fn checked(form: &EngagementForm) -> Result<Engagement, Vec<Text>> {
    let mut problems = Vec::new();
    let day = NaiveDate::parse_from_str(form.day.trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        problems.push(solieu_i18n::text!(
            "portal-engagement-day-not-a-day",
            value = form.day.clone()
        ));
    }
    let start = NaiveTime::parse_from_str(form.start.trim(), "%H:%M").ok();
    if start.is_none() {
        problems.push(solieu_i18n::text!(
            "portal-engagement-time-not-a-time",
            value = form.start.clone()
        ));
    }
    let clean = |t: &str| {
        solieu_core::text::clean(t)
            .chars()
            .take(2_000)
            .collect::<String>()
    };
    if clean(&form.content).is_empty() {
        problems.push(solieu_i18n::text!("portal-engagement-needs-content"));
    }
    match (day, start) {
        (Some(day), Some(start)) if problems.is_empty() => Ok(Engagement {
            day,
            start: start.format("%H:%M").to_string(),
            content: clean(&form.content),
            chair: clean(&form.chair),
            participants: clean(&form.participants),
            place: clean(&form.place),
            preparer: clean(&form.preparer),
        }),
        _ => Err(problems),
    }
}

/// The portal `code` names if `who` works on it (the first of its portals without one).
pub async fn editor_page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Query(q): Query<WeekQuery>,
) -> Result<Response, WebError> {
    let worked = portal_for(&app, &who, q.cong.as_deref()).await?;
    let (portal, role) = (worked.portal().clone(), worked.role());
    let (monday, _) = week_of(day_param(q.tuan.as_deref()).unwrap_or_else(format::today_vi));
    week_editor(
        &app,
        lang,
        &who,
        &portal,
        role,
        monday,
        &EngagementForm::default(),
        &[],
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn week_editor(
    app: &App,
    lang: Lang,
    who: &Principal,
    portal: &Portal,
    role: PortalRole,
    monday: NaiveDate,
    form: &EngagementForm,
    problems: &[Text],
    status: StatusCode,
) -> Result<Response, WebError> {
    let sunday = monday + Duration::days(6);
    let items = app.store.schedule(&portal.code, monday, sunday).await?;
    let all: Vec<&ScheduleItem> = items.iter().collect();
    let drafts = items.iter().filter(|i| i.state == "draft").count();
    let href = |d: NaiveDate| format!("/bien-tap/lich?cong={}&tuan={d}", portal.code);
    let portals: Vec<Value> = portals_of(app, who)
        .await?
        .iter()
        .map(|(p, _)| json!({"code": p.code, "name": p.name, "selected": p.code == portal.code}))
        .collect();
    let html = render(
        app,
        lang,
        Some(who),
        "portal/schedule_editor.html",
        json!({
            "portal": {"code": portal.code, "name": portal.name},
            "portals": portals,
            "week": t_week(lang, monday, sunday),
            "monday": monday.to_string(),
            "days": days(lang, monday, &all),
            "drafts": drafts,
            "approver": role == PortalRole::Approver,
            "previous": href(monday - Duration::days(7)),
            "next": href(monday + Duration::days(7)),
            "form": {
                "day": if form.day.is_empty() { monday.to_string() } else { form.day.clone() },
                "start": form.start, "content": form.content, "chair": form.chair,
                "participants": form.participants, "place": form.place, "preparer": form.preparer,
            },
            "problems": problems.iter().map(|p| p.get(lang).to_string()).collect::<Vec<_>>(),
        }),
    )?;
    Ok((status, html).into_response())
}

pub async fn add(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    client: ClientAddr,
    Form(form): Form<EngagementForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let worked = portal_for(&app, &who, form.cong.as_deref()).await?;
    let (portal, role) = (worked.portal().clone(), worked.role());
    if form.cong.as_deref() != Some(portal.code.as_str()) {
        return Err(WebError::Forbidden);
    }
    let engagement = match checked(&form) {
        Ok(e) => e,
        Err(problems) => {
            let day = day_param(Some(&form.day)).unwrap_or_else(format::today_vi);
            let (monday, _) = week_of(day);
            return week_editor(
                &app,
                lang,
                &who,
                &portal,
                role,
                monday,
                &form,
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let from = super::from_of(&client);
    let item = app
        .store
        .add_engagement(&portal.code, &engagement, super::author(&who, &from))
        .await?;
    Ok(Redirect::to(&format!(
        "/bien-tap/lich?cong={}&tuan={}",
        portal.code, item.engagement.day
    ))
    .into_response())
}

/// The engagement and the role `who` holds on its portal.
async fn engagement_for(
    app: &App,
    who: &Principal,
    id: i64,
) -> Result<(ScheduleItem, PortalRole), WebError> {
    let item = app
        .store
        .engagement(id)
        .await
        .map_err(|_| WebError::NotFound(solieu_i18n::text!("store-engagement-not-found")))?;
    let role = role_on(app, who, &item.portal)
        .await?
        .ok_or(WebError::Forbidden)?;
    Ok((item, role))
}

pub async fn edit_page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    Viewer(who): Viewer,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (item, _) = engagement_for(&app, &who, id).await?;
    let html = render(
        &app,
        lang,
        Some(&who),
        "portal/engagement.html",
        json!({"item": item_json(lang, &item), "day": item.engagement.day.to_string(), "portal": item.portal}),
    )?;
    Ok(html.into_response())
}

pub async fn save(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    client: ClientAddr,
    Path(id): Path<i64>,
    Form(form): Form<EngagementForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let (item, role) = engagement_for(&app, &who, id).await?;
    // What is public changes only by an approver's hand.
    if item.state != "draft" && role != PortalRole::Approver {
        return Err(WebError::Forbidden);
    }
    let engagement = checked(&form).map_err(|problems| {
        WebError::Unprocessable(
            problems
                .into_iter()
                .next()
                .unwrap_or_else(|| solieu_i18n::text!("portal-engagement-needs-content")),
        )
    })?;
    let from = super::from_of(&client);
    let seen = form.revision.unwrap_or(item.revision);
    let saved = app
        .store
        .change_engagement(id, seen, &engagement, super::author(&who, &from))
        .await?;
    Ok(Redirect::to(&format!(
        "/bien-tap/lich?cong={}&tuan={}",
        saved.portal, saved.engagement.day
    ))
    .into_response())
}

#[derive(Deserialize)]
pub struct StepForm {
    pub csrf: Option<String>,
    pub revision: Option<i64>,
    pub cong: Option<String>,
    pub tuan: Option<String>,
}

pub async fn cancel(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    client: ClientAddr,
    Path(id): Path<i64>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let (item, role) = engagement_for(&app, &who, id).await?;
    if role != PortalRole::Approver {
        return Err(WebError::Forbidden);
    }
    let from = super::from_of(&client);
    let seen = form.revision.unwrap_or(item.revision);
    app.store
        .cancel_engagement(id, seen, super::author(&who, &from))
        .await?;
    Ok(Redirect::to(&format!(
        "/bien-tap/lich?cong={}&tuan={}",
        item.portal, item.engagement.day
    ))
    .into_response())
}

/// An approver publishes the week's drafts.
pub async fn publish(
    State(app): State<Shared>,
    Viewer(who): Viewer,
    client: ClientAddr,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&who, form.csrf.as_deref())?;
    let worked = portal_for(&app, &who, form.cong.as_deref()).await?;
    let (portal, role) = (worked.portal().clone(), worked.role());
    if role != PortalRole::Approver || form.cong.as_deref() != Some(portal.code.as_str()) {
        return Err(WebError::Forbidden);
    }
    let (monday, sunday) =
        week_of(day_param(form.tuan.as_deref()).unwrap_or_else(format::today_vi));
    let from = super::from_of(&client);
    app.store
        .publish_week(&portal.code, monday, sunday, super::author(&who, &from))
        .await?;
    Ok(Redirect::to(&format!(
        "/bien-tap/lich?cong={}&tuan={monday}",
        portal.code
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_weekday_has_a_name_in_both_languages() {
        for lang in [Lang::Vi, Lang::En] {
            for state in ["draft", "published", "cancelled"] {
                assert!(solieu_i18n::has(
                    lang,
                    &format!("portal-schedule-state-{state}")
                ));
            }
            for day in 0..7 {
                assert!(solieu_i18n::has(lang, &format!("portal-weekday-{day}")));
            }
        }
    }

    #[test]
    fn a_week_runs_monday_to_sunday() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(week_of(d("2020-06-15")), (d("2020-06-15"), d("2020-06-21")));
        assert_eq!(week_of(d("2020-06-21")), (d("2020-06-15"), d("2020-06-21")));
        assert_eq!(week_of(d("2020-06-22")).0, d("2020-06-22"));
    }

    #[test]
    fn calendar_lines_are_escaped_and_folded_whole() {
        assert_eq!(
            ics_text("Họp; bàn, chốt\nxong"),
            "Họp\\; bàn\\, chốt\\nxong"
        );
        let line = format!("SUMMARY:{}", "Hội nghị sơ kết công tác dân vận ".repeat(5));
        let folded = fold_line(&line);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{part:?} is {} octets", part.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), line);
    }
}
