//! The visit counter ("Hôm nay / Đã truy cập / Đang trực tuyến"): page views by people, not
//! by crawlers and not by signed-in editors, counted in memory and added to the store in
//! batches ([`flush`], every [`FLUSH_EVERY`] from `serve`), so a page view is never a database
//! write. No address is kept: a visitor online now is a keyed hash held in memory for a few
//! minutes.

use crate::App;
use crate::pages::{PageLang, render};
use crate::{Shared, WebError};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration as Days, Utc};
use serde::Deserialize;
use serde_json::json;
use solieu_store::VisitBatch;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the counts go to the store.
pub const FLUSH_EVERY: Duration = Duration::from_secs(30);
/// How long a visitor counts as online after a page.
const ONLINE_FOR: Duration = Duration::from_secs(5 * 60);
/// Visitors online kept at most (a flood of addresses cannot grow memory without end).
const ONLINE_MAX: usize = 100_000;

/// User agents that are programs, not people (lower case).
const BOTS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "curl",
    "wget",
    "python",
    "java/",
    "go-http",
    "httpclient",
    "headless",
    "monitor",
    "preview",
    "facebookexternalhit",
    "zalo",
];

#[derive(Default)]
struct Counts {
    /// Views not yet in the store: (portal, day) and (article, day).
    portals: HashMap<(String, String), i64>,
    articles: HashMap<(i64, String), i64>,
    /// What the store held at the last look, per portal: (day, today, total).
    stored: HashMap<String, (String, i64, i64)>,
    /// Who was seen when, per portal: a keyed hash of address and browser, never the address.
    online: HashMap<(String, u64), Instant>,
}

#[derive(Default)]
pub struct Visits {
    counts: Mutex<Counts>,
    /// A per-process key: the hashes of visitors mean nothing outside this process.
    key: std::collections::hash_map::RandomState,
}

/// Today in Vietnam's calendar, as the store keeps days.
fn today() -> String {
    Utc::now()
        .with_timezone(&solieu_core::format::vietnam())
        .date_naive()
        .to_string()
}

/// Whether a request is a person's page view: anonymous, with a browser's user agent.
pub fn counts_as_visit(who: Option<&crate::policy::Principal>, headers: &HeaderMap) -> bool {
    if who.is_some() {
        return false;
    }
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    agent.contains("mozilla") && !BOTS.iter().any(|b| agent.contains(b))
}

impl Visits {
    /// Counts the request if it is a person's page view (see [`counts_as_visit`]).
    pub fn count_request(
        &self,
        portal: &str,
        article: Option<i64>,
        who: Option<&crate::policy::Principal>,
        client: &crate::auth::ClientAddr,
        headers: &HeaderMap,
    ) {
        if counts_as_visit(who, headers) {
            self.count(portal, article, &client.0, headers);
        }
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a page view of `portal` (and of `article`) by the visitor at `client`.
    pub fn count(&self, portal: &str, article: Option<i64>, client: &str, headers: &HeaderMap) {
        let mut hasher = self.key.build_hasher();
        client.hash(&mut hasher);
        headers
            .get(header::USER_AGENT)
            .map(|v| v.as_bytes())
            .hash(&mut hasher);
        let visitor = hasher.finish();
        let day = today();
        let now = Instant::now();
        let mut counts = self.counts();
        *counts
            .portals
            .entry((portal.to_string(), day.clone()))
            .or_default() += 1;
        if let Some(article) = article {
            *counts.articles.entry((article, day)).or_default() += 1;
        }
        if counts.online.len() >= ONLINE_MAX {
            counts
                .online
                .retain(|_, seen| now.duration_since(*seen) < ONLINE_FOR);
            if counts.online.len() >= ONLINE_MAX {
                counts.online.clear();
            }
        }
        counts.online.insert((portal.to_string(), visitor), now);
    }

    /// (today, in all, online now) for a portal: what the store holds plus what is pending.
    pub async fn shown(&self, app: &App, portal: &str) -> Result<(i64, i64, i64), WebError> {
        let day = today();
        let known = self
            .counts()
            .stored
            .get(portal)
            .filter(|(d, _, _)| *d == day)
            .cloned();
        let (_, today_stored, total_stored) = match known {
            Some(known) => known,
            None => {
                let (today, total) = app.store.visit_totals(portal, &day).await?;
                let known = (day.clone(), today, total);
                self.counts()
                    .stored
                    .insert(portal.to_string(), known.clone());
                known
            }
        };
        let counts = self.counts();
        let pending_today = counts
            .portals
            .get(&(portal.to_string(), day.clone()))
            .copied()
            .unwrap_or(0);
        let pending: i64 = counts
            .portals
            .iter()
            .filter(|((p, _), _)| p == portal)
            .map(|(_, n)| n)
            .sum();
        let now = Instant::now();
        let online = counts
            .online
            .iter()
            .filter(|((p, _), seen)| p == portal && now.duration_since(**seen) < ONLINE_FOR)
            .count() as i64;
        Ok((today_stored + pending_today, total_stored + pending, online))
    }

    /// Adds the pending counts to the store. On failure they stay pending for the next time.
    pub async fn flush(&self, app: &App) -> Result<(), WebError> {
        let (portals, articles) = {
            let mut counts = self.counts();
            (
                std::mem::take(&mut counts.portals),
                std::mem::take(&mut counts.articles),
            )
        };
        let batch = VisitBatch {
            portals: portals
                .iter()
                .map(|((p, d), n)| (p.clone(), d.clone(), *n))
                .collect(),
            articles: articles
                .iter()
                .map(|((a, d), n)| (*a, d.clone(), *n))
                .collect(),
        };
        if let Err(e) = app.store.add_visits(&batch).await {
            let mut counts = self.counts();
            for (k, n) in portals {
                *counts.portals.entry(k).or_default() += n;
            }
            for (k, n) in articles {
                *counts.articles.entry(k).or_default() += n;
            }
            return Err(e.into());
        }
        let mut counts = self.counts();
        // The store now holds them (and whatever other servers added): read again when shown.
        counts.stored.clear();
        let now = Instant::now();
        counts
            .online
            .retain(|_, seen| now.duration_since(*seen) < ONLINE_FOR);
        Ok(())
    }
}

/// Flushes the counts every [`FLUSH_EVERY`] until the server stops.
pub fn keep_flushing(app: Shared) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(FLUSH_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = app.visits.flush(&app).await {
                tracing::warn!(error = %e.detail(), "visit counts not written; kept for the next time");
            }
        }
    })
}

#[derive(Deserialize)]
pub struct VisitsQuery {
    pub cong: Option<String>,
}

/// The editors' page of visits: views day by day over the last 30 days and the most read
/// articles, for a portal the viewer works on.
pub async fn page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    crate::auth::Viewer(who): crate::auth::Viewer,
    Query(q): Query<VisitsQuery>,
) -> Result<Response, WebError> {
    app.visits.flush(&app).await?;
    let worked = super::portal_for(&app, &who, q.cong.as_deref()).await?;
    let (portals, portal) = (&worked.all, worked.portal());
    let from = (Utc::now().with_timezone(&solieu_core::format::vietnam()) - Days::days(29))
        .date_naive()
        .to_string();
    let days = app.store.visits_by_day(&portal.code, &from).await?;
    let read = app.store.most_read(&portal.code, &from, 20).await?;
    let (today, total, online) = app.visits.shown(&app, &portal.code).await?;
    let base = super::base_path(portal);
    let days: Vec<_> = days
        .iter()
        .rev()
        .map(|(day, views)| {
            let date = day
                .parse()
                .map(solieu_core::format::date_vi)
                .unwrap_or_else(|_| day.clone());
            json!({"day": date, "views": solieu_core::format::number_vi((*views).into(), 0)})
        })
        .collect();
    let read: Vec<_> = read
        .iter()
        .map(|r| json!({"title": r.title, "href": format!("{base}/tin/{}", r.slug), "views": solieu_core::format::number_vi(r.views.into(), 0)}))
        .collect();
    let choices: Vec<_> = portals
        .iter()
        .map(|(p, _)| json!({"code": p.code, "name": p.name, "selected": p.code == portal.code}))
        .collect();
    Ok(render(
        &app,
        lang,
        Some(&who),
        "portal/visits.html",
        json!({
            "portal_name": portal.name,
            "portals": choices,
            "today": solieu_core::format::number_vi(today.into(), 0),
            "total": solieu_core::format::number_vi(total.into(), 0),
            "online": online,
            "days": days,
            "read": read,
        }),
    )?
    .into_response())
}
