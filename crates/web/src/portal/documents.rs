//! The documents register on the portal (văn bản, Decree 42/2022 Art. 4): the register the
//! tasks already cite (256/KH-UBND …), one register, shown with the seed portal's filters: words
//! with or without diacritics, type, issuing body, year.

use super::public::{frame, merged, not_found};
use crate::auth::{ClientAddr, MaybeViewer};
use crate::pages::{PageLang, render};
use crate::{Shared, WebError};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::Deserialize;
use serde_json::{Value, json};
use solieu_core::programs::tasks::{Document, kind_name_vi};
use solieu_core::text::fold;
use std::collections::{BTreeSet, HashMap};

#[derive(Deserialize, Default)]
pub struct DocumentQuery {
    pub q: Option<String>,
    pub loai: Option<String>,
    #[serde(rename = "co-quan")]
    pub issuer: Option<String>,
    pub nam: Option<String>,
    #[serde(rename = "linh-vuc")]
    pub field: Option<String>,
}

/// A filter's chosen value; an empty choice is no filter.
fn chosen(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.trim().is_empty())
}

/// Whether a document matches every word of `words` (folded) and the chosen type, body, year.
fn matches(d: &Document, words: &[String], q: &DocumentQuery) -> bool {
    let text = fold(&format!(
        "{} {} {} {} {}",
        d.number, d.summary, d.issuer, d.signer, d.field
    ));
    words.iter().all(|w| text.contains(w.as_str()))
        && chosen(&q.loai).is_none_or(|k| fold(k) == fold(&d.kind))
        && chosen(&q.issuer).is_none_or(|i| i == d.issuer)
        && chosen(&q.nam).is_none_or(|y| y.trim() == d.date.year().to_string())
        && chosen(&q.field).is_none_or(|f| f == d.field)
}

pub async fn page(
    State(app): State<Shared>,
    PageLang(lang): PageLang,
    MaybeViewer(who): MaybeViewer,
    params: Option<Path<HashMap<String, String>>>,
    headers: HeaderMap,
    client: ClientAddr,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, WebError> {
    let params = params.map(|p| p.0).unwrap_or_default();
    let Some(frame) = frame(&app, &params, who.as_ref(), &headers, Some(&client)).await? else {
        return Ok(not_found(&app, lang, who.as_ref(), None));
    };
    let mut documents = app.store.programs().await?.documents;
    documents.sort_by(|a, b| b.date.cmp(&a.date).then(a.number.cmp(&b.number)));
    let words: Vec<String> =
        q.q.as_deref()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>()
            .split_whitespace()
            .map(fold)
            .collect();
    let kinds: BTreeSet<&str> = documents.iter().map(|d| d.kind.as_str()).collect();
    let issuers: BTreeSet<&str> = documents.iter().map(|d| d.issuer.as_str()).collect();
    let years: BTreeSet<i32> = documents.iter().map(|d| d.date.year()).collect();
    let fields: BTreeSet<&str> = documents
        .iter()
        .map(|d| d.field.as_str())
        .filter(|f| !f.is_empty())
        .collect();
    let rows: Vec<Value> = documents
        .iter()
        .filter(|d| matches(d, &words, &q))
        .map(|d| {
            json!({
                "number": d.number,
                "date": solieu_core::format::date_vi(d.date),
                "issuer": d.issuer,
                "kind": kind_name_vi(&d.kind),
                "summary": d.summary,
                "signer": d.signer,
                "effective": d.effective.map(solieu_core::format::date_vi),
                "field": d.field,
                "file": d.file,
                "pdf": d.file.to_ascii_lowercase().ends_with(".pdf"),
            })
        })
        .collect();
    let option = |value: String, name: String, chosen: &Option<String>| json!({"value": value, "name": name, "selected": chosen.as_deref() == Some(value.as_str())});
    let context = merged(
        frame.context,
        json!({
            "documents": rows,
            "words": q.q.clone().unwrap_or_default(),
            "kinds": kinds.iter().map(|k| option(k.to_string(), kind_name_vi(k).to_string(), &q.loai)).collect::<Vec<_>>(),
            "issuers": issuers.iter().map(|i| option(i.to_string(), i.to_string(), &q.issuer)).collect::<Vec<_>>(),
            "years": years.iter().rev().map(|y| option(y.to_string(), y.to_string(), &q.nam)).collect::<Vec<_>>(),
            "fields": fields.iter().map(|f| option(f.to_string(), f.to_string(), &q.field)).collect::<Vec<_>>(),
        }),
    );
    Ok(render(&app, lang, who.as_ref(), "portal/documents.html", context)?.into_response())
}
