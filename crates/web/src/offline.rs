//! Entry without the network (issue 18): what the browser needs to keep an officer's forms on
//! the device and check figures there. The service worker (`static/sw.js`) keeps the entry
//! page, the forms it lists and the script and style; `static/keep.js` keeps figures saved
//! offline in IndexedDB until `app.js` sends them to `POST /api/v1/forms/…/offline`, which
//! refuses a figure changed meanwhile instead of overwriting it (`ops::Changed`).
//!
//! The checks a form runs on the device are the server's own rules, sent with the form as
//! data ([`FormChecks`]): the browser evaluates the same expressions; the server checks again.

use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use serde_json::{Value, json};
use solieu_core::formula::{Expr, Op};
use solieu_core::validation::{Importance, Rule};
use std::collections::BTreeMap;

/// The rules a form's figures are checked by on the device, with the unit's stored figures
/// of the period that they read beside the form's own.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FormChecks {
    pub rules: Vec<Value>,
    /// Stored figures of the unit and period the rules read (plain decimals).
    pub beside: BTreeMap<String, String>,
}

/// The rules that read at least one of `indicators`, as data; `stored` gives the unit's
/// stored figures of the period by indicator.
pub fn checks(
    rules: &[Rule],
    indicators: &[String],
    stored: &BTreeMap<String, String>,
) -> FormChecks {
    let rules: Vec<&Rule> = rules
        .iter()
        .filter(|r| {
            r.references()
                .iter()
                .any(|c| indicators.iter().any(|i| i == c))
        })
        .collect();
    let beside = stored
        .iter()
        .filter(|(code, _)| {
            rules
                .iter()
                .any(|r| r.references().contains(&code.as_str()))
        })
        .map(|(c, v)| (c.clone(), v.clone()))
        .collect();
    FormChecks {
        rules: rules.into_iter().map(rule).collect(),
        beside,
    }
}

/// A rule as the device applies it: in the words a clerk reads on save (its message, or its
/// name), never its code or formula, which are the office's.
fn rule(r: &Rule) -> Value {
    let message = match r.message() {
        Some(m) => solieu_i18n::Text::verbatim(m),
        None => solieu_i18n::text!("web-does-not-meet-requirement", rule_name = r.name),
    };
    json!({
        "message": {"vi": message.vi, "en": message.en},
        "left": expr(r.left.expr()),
        "operator": r.operator.symbol(),
        "right": expr(r.right.expr()),
        "tolerance": r.tolerance.normalize().to_string(),
        "blocks": r.importance == Importance::High,
    })
}

/// An expression as nested arrays: `["+", a, b]`, `["-", a]`, `{"i": code}`, or a number
/// written as text (exact, as stored).
fn expr(e: &Expr) -> Value {
    match e {
        Expr::Number(n) => json!(n.normalize().to_string()),
        Expr::Indicator(code) => json!({ "i": code }),
        Expr::Neg(inner) => json!(["-", expr(inner)]),
        Expr::Binary(a, op, b) => {
            let op = match op {
                Op::Add => "+",
                Op::Sub => "-",
                Op::Mul => "*",
                Op::Div => "/",
            };
            json!([op, expr(a), expr(b)])
        }
    }
}

/// The service worker, from the site's root so that it may answer for every page of the
/// application; never kept by the browser's cache, so a new release's worker is seen.
pub async fn service_worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../static/sw.js"),
    )
}

/// The IndexedDB keeping shared by the pages and the service worker.
pub async fn keep_script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, crate::headers::STATIC_CACHE),
        ],
        include_str!("../static/keep.js"),
    )
}

pub async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, crate::headers::STATIC_CACHE),
        ],
        include_str!("../static/icon.svg"),
    )
}

/// What makes the application installable on a phone's home screen, named in the page's
/// language.
pub async fn manifest(crate::pages::PageLang(lang): crate::pages::PageLang) -> impl IntoResponse {
    let body = json!({
        "name": solieu_i18n::tr(lang, "web-app-name"),
        "short_name": solieu_i18n::tr(lang, "web-app-short-name"),
        "description": solieu_i18n::tr(lang, "web-app-description"),
        "lang": lang.tag(),
        "start_url": "/entry",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#123c5a",
        "icons": [{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_travels_as_data_the_browser_evaluates() {
        let r = Rule {
            code: "R".into(),
            name: "Doanh thu theo khách".into(),
            message: String::new(),
            left: "DOANH_THU_DL".parse().unwrap(),
            operator: "<=".parse().unwrap(),
            right: "KHACH_DL * 5 - -1.50".parse().unwrap(),
            importance: Importance::Low,
            tolerance: "0.010".parse().unwrap(),
        };
        let stored = BTreeMap::from([
            ("KHACH_DL".to_string(), "100".to_string()),
            ("OTHER".to_string(), "1".to_string()),
        ]);
        let c = checks(std::slice::from_ref(&r), &["DOANH_THU_DL".into()], &stored);
        assert_eq!(
            c.rules[0],
            json!({"message": {"vi": "Chưa đạt yêu cầu: Doanh thu theo khách",
                               "en": "Does not meet the requirement: Doanh thu theo khách"},
                   "left": {"i": "DOANH_THU_DL"},
                   "operator": "<=", "right": ["-", ["*", {"i": "KHACH_DL"}, "5"], ["-", "1.5"]],
                   "tolerance": "0.01", "blocks": false})
        );
        assert_eq!(c.beside.keys().collect::<Vec<_>>(), ["KHACH_DL"]);
        let none = checks(&[r], &["GTSX".into()], &stored);
        assert!(none.rules.is_empty() && none.beside.is_empty());
    }
}
