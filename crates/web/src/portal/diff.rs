//! What changed between two revisions of an article: each field that differs, and the body
//! line by line, as an editor reads a change before approving it.

use serde_json::{Value, json};
use similar::{ChangeTag, TextDiff};
use solieu_core::problem::Lang;
use solieu_store::ArticleRevision;

/// The changes from `a` to `b`: `fields` (name, before, after) and `body` (lines marked
/// `same`, `added` or `removed`).
pub fn between(
    lang: Lang,
    a: &ArticleRevision,
    b: &ArticleRevision,
    category_name: impl Fn(Option<i64>) -> String,
) -> Value {
    let yes_no = |v: bool| {
        solieu_i18n::tr(
            lang,
            if v {
                "portal-featured-yes"
            } else {
                "portal-featured-no"
            },
        )
    };
    let state = |code: &str| super::editor::state_name(lang, code);
    let pairs = [
        ("portal-title", a.text.title.clone(), b.text.title.clone()),
        ("portal-sapo", a.text.sapo.clone(), b.text.sapo.clone()),
        (
            "portal-byline",
            a.text.byline.clone(),
            b.text.byline.clone(),
        ),
        (
            "portal-source",
            a.text.source.clone(),
            b.text.source.clone(),
        ),
        ("portal-address", a.slug.clone(), b.slug.clone()),
        (
            "portal-featured",
            yes_no(a.text.featured),
            yes_no(b.text.featured),
        ),
        ("portal-state", state(&a.state), state(&b.state)),
        (
            "portal-category",
            category_name(a.text.category),
            category_name(b.text.category),
        ),
    ];
    let fields: Vec<Value> = pairs
        .into_iter()
        .filter(|(_, before, after)| before != after)
        .map(|(id, before, after)| {
            json!({"name": solieu_i18n::tr(lang, id), "before": before, "after": after})
        })
        .collect();
    let diff = TextDiff::from_lines(&a.text.body, &b.text.body);
    let body: Vec<Value> = diff
        .iter_all_changes()
        .map(|change| {
            let kind = match change.tag() {
                ChangeTag::Equal => "same",
                ChangeTag::Insert => "added",
                ChangeTag::Delete => "removed",
            };
            json!({"kind": kind, "line": change.value().trim_end_matches('\n')})
        })
        .collect();
    let body_changed = body.iter().any(|l| l["kind"] != "same");
    json!({
        "body": if body_changed { body } else { Vec::new() },
        "same": fields.is_empty() && !body_changed,
        "fields": fields,
    })
}
