//! DHIS2's answers: every refusal as a WebMessage (`httpStatus`, `httpStatusCode`, `status`,
//! `message`), our own fields kept beside DHIS2's, and an import's summary (`ImportSummary`:
//! counts and conflicts) in the WebMessage's `response`, as DHIS2 2.38 and later answer.

use crate::WebError;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use solieu_core::problem::{Lang, Text};
use std::collections::BTreeMap;

/// Marks a response that is already a WebMessage.
#[derive(Clone, Copy)]
struct Answered;

/// The language of DHIS2's `message`: English when the client asks for it (`Accept-Language`
/// or our language cookie), else Vietnamese; both are always there too.
pub fn lang(headers: &HeaderMap) -> Lang {
    let asks_english = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("en"));
    let cookie = crate::auth::cookie(headers, crate::auth::LANG_COOKIE);
    if asks_english || cookie == Some("en") {
        Lang::En
    } else {
        Lang::Vi
    }
}

/// A WebMessage with `fields` of ours beside DHIS2's.
fn web_message(status: StatusCode, message: &Text, lang: Lang, fields: Value) -> Response {
    let mut body = json!({
        "httpStatus": status.canonical_reason().unwrap_or(""),
        "httpStatusCode": status.as_u16(),
        "status": if status.is_success() { "OK" } else { "ERROR" },
        "message": message.get(lang),
    });
    if let (Some(body), Value::Object(fields)) = (body.as_object_mut(), fields) {
        for (k, v) in fields {
            body.entry(k).or_insert(v);
        }
    }
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response();
    response.extensions_mut().insert(Answered);
    response
}

/// Turns every refusal of the DHIS2 routes, ours or the framework's, into a WebMessage.
pub async fn web_messages(request: Request, next: Next) -> Response {
    let lang = lang(request.headers());
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    let failed = status.is_client_error() || status.is_server_error();
    if !failed || response.extensions().get::<Answered>().is_some() {
        return response;
    }
    let ours = response.headers().contains_key("x-solieu-error");
    let retry = response.headers().get(header::RETRY_AFTER).cloned();
    let (_, body) = response.into_parts();
    let mut bytes = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    if !ours {
        // The framework's refusal (a bad query, a body too large): said as our API says it.
        let detail = String::from_utf8_lossy(&bytes).trim().to_string();
        let text = crate::api::rejection_text(status, &method, &detail);
        let ours = WebError::Rejected(status, text).into_response();
        bytes = axum::body::to_bytes(ours.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
    }
    let fields: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let message = Text::new(
        fields["message_vi"].as_str().unwrap_or(""),
        fields["message_en"].as_str().unwrap_or(""),
    );
    let mut out = web_message(status, &message, lang, fields);
    if let Some(retry) = retry {
        out.headers_mut().insert(header::RETRY_AFTER, retry);
    }
    out
}

/// A refusal of one data value, in DHIS2's words where DHIS2 has them.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// The identifier at fault.
    pub object: String,
    pub objects: BTreeMap<&'static str, String>,
    /// DHIS2's message (English, as DHIS2 writes it).
    pub value: String,
    /// The same in Vietnamese.
    pub value_vi: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    pub property: &'static str,
    /// The value's place in the set, from 0.
    pub indexes: Vec<usize>,
}

impl Conflict {
    pub fn new(
        index: usize,
        property: &'static str,
        object: &str,
        code: Option<&'static str>,
        text: Text,
    ) -> Conflict {
        Conflict {
            object: object.to_string(),
            objects: BTreeMap::from([(property, object.to_string())]),
            value: text.en,
            value_vi: text.vi,
            error_code: code,
            property,
            indexes: vec![index],
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ImportCount {
    pub imported: usize,
    pub updated: usize,
    pub ignored: usize,
    pub deleted: usize,
}

/// What an import did: DHIS2's `ImportSummary`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub response_type: &'static str,
    /// SUCCESS, WARNING (some values refused, the others written) or ERROR (nothing written).
    pub status: &'static str,
    pub import_options: Value,
    pub description: String,
    pub import_count: ImportCount,
    pub conflicts: Vec<Conflict>,
    pub rejected_indexes: Vec<usize>,
    pub data_set_complete: &'static str,
}

impl Summary {
    pub fn new(options: Value, count: ImportCount, conflicts: Vec<Conflict>, wrote: bool) -> Self {
        let status = match (conflicts.is_empty(), wrote) {
            (true, _) => "SUCCESS",
            (false, true) => "WARNING",
            (false, false) => "ERROR",
        };
        let mut rejected: Vec<usize> = conflicts.iter().flat_map(|c| c.indexes.clone()).collect();
        rejected.sort_unstable();
        rejected.dedup();
        Summary {
            response_type: "ImportSummary",
            status,
            import_options: options,
            description: String::new(),
            import_count: count,
            conflicts,
            rejected_indexes: rejected,
            data_set_complete: "false",
        }
    }

    /// The summary in its WebMessage: 200 when something could be written, 409 when nothing
    /// was, as DHIS2 answers.
    pub fn answer(mut self, lang: Lang) -> Response {
        let (status, message) = match self.status {
            "SUCCESS" => (StatusCode::OK, solieu_i18n::text!("dhis2-import-ok")),
            "WARNING" => (StatusCode::OK, solieu_i18n::text!("dhis2-import-warning")),
            _ => (
                StatusCode::CONFLICT,
                solieu_i18n::text!("dhis2-import-error"),
            ),
        };
        self.description = message.en.clone();
        let response = serde_json::to_value(&self).unwrap_or(Value::Null);
        web_message(status, &message, lang, json!({"response": response}))
    }
}
