//! Open data: the published statistics as data sets that a national portal harvests without
//! custom work. A DCAT-AP catalogue in JSON-LD (`/catalog.jsonld`) and the part of CKAN's
//! action API that harvesters call (`package_list`, `package_show`, `package_search`,
//! `organization_list`, under `/api/3/action/` and `/api/action/`, by GET or POST as CKAN
//! takes them), answered in CKAN's envelope (`help`, `success`, `result` or `error`).
//!
//! One data set per portal and public period ("binh-lieu-2020s1"); its distributions are the
//! statistics page's files (CSV, XLSX, JSON) at stable addresses. Only what
//! `figures::Approvals::public` admits is listed: the catalogue cannot name a figure the
//! pages do not show.

use super::figures::Approvals;
use super::statistics::rows;
use super::{base_path, public::origin};
use crate::{App, Shared, WebError};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use solieu_core::period::Period;
use solieu_core::text::fold;
use solieu_store::Portal;
use std::collections::{BTreeSet, HashMap};

const LICENSE_ID: &str = "CC-BY-4.0";
const LICENSE_TITLE: &str = "Creative Commons Attribution 4.0";
const LICENSE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";
/// The most data sets one `package_search` or `package_list` answers, as CKAN's own limit.
const MOST_ROWS: u64 = 1000;

/// The files each data set is offered as: (format, media type, `tep=` value).
const FILES: [(&str, &str, &str); 3] = [
    ("CSV", "text/csv", "csv"),
    (
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    ("JSON", "application/json", "json"),
];

/// One published data set: a portal's statistics for one period.
struct DataSet {
    name: String,
    portal: Portal,
    unit_name: String,
    period: Period,
    /// The day its figures last changed, ISO.
    modified: String,
    groups: BTreeSet<String>,
    indicators: Vec<String>,
}

impl DataSet {
    fn title(&self) -> String {
        solieu_i18n::tr_args(
            solieu_i18n::Lang::Vi,
            "portal-open-data-title",
            &[
                ("unit", self.unit_name.clone()),
                ("period", self.period.name_vi()),
            ],
        )
    }

    fn description(&self) -> String {
        solieu_i18n::tr_args(
            solieu_i18n::Lang::Vi,
            "portal-open-data-description",
            &[
                ("unit", self.unit_name.clone()),
                ("period", self.period.name_vi()),
                ("indicators", self.indicators.join(", ")),
            ],
        )
    }

    fn page(&self, origin: &str) -> String {
        format!(
            "{origin}{}/so-lieu?ky={}",
            base_path(&self.portal),
            self.period.code()
        )
    }

    fn file(&self, origin: &str, tep: &str) -> String {
        format!("{}&tep={tep}", self.page(origin))
    }

    /// The period's first and last day, ISO.
    fn temporal(&self) -> (String, String) {
        (
            self.period.start_date().to_string(),
            self.period.end_date().to_string(),
        )
    }

    /// How often such a data set is published: by the period's length, in the EU's
    /// frequency vocabulary's terms (CKAN's and DCAT-AP's).
    fn frequency(&self) -> &'static str {
        match self.period.months() {
            1 => "MONTHLY",
            3 => "QUARTERLY",
            6 => "ANNUAL_2",
            _ => "ANNUAL",
        }
    }
}

/// The published data sets of `portals`, portal by portal, newest period first; only the
/// one named `only` when given (its figures are the only ones read).
async fn data_sets(
    app: &App,
    portals: &[Portal],
    only: Option<&str>,
) -> Result<Vec<DataSet>, WebError> {
    let mut out = Vec::new();
    for portal in portals {
        let approvals = Approvals::load(app, &portal.unit_code).await?;
        let public = approvals.public(&app.engine(), &portal.unit_code);
        for (period, codes) in public.into_iter().rev() {
            let name = format!("{}-{}", portal.code, period.code().to_lowercase());
            if only.is_some_and(|o| o != name) {
                continue;
            }
            let figures = rows(app, &portal.unit_code, &period, &codes).await?;
            let Some(first) = figures.first() else {
                continue;
            };
            out.push(DataSet {
                name,
                unit_name: first.unit_name.clone(),
                modified: figures
                    .iter()
                    .map(|r| r.revised_date.clone())
                    .max()
                    .unwrap_or_default(),
                groups: figures
                    .iter()
                    .map(|r| r.group.clone())
                    .filter(|g| !g.is_empty())
                    .collect(),
                indicators: figures.iter().map(|r| r.name.clone()).collect(),
                portal: portal.clone(),
                period,
            });
        }
    }
    Ok(out)
}

/// The DCAT-AP catalogue of every published data set, in JSON-LD.
pub async fn catalog(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, WebError> {
    let origin = origin(&app, &headers);
    let portals = app.store.portals().await?;
    let sets = data_sets(&app, &portals, None).await?;
    let main = portals.iter().find(|p| p.is_main).or(portals.first());
    let publisher = |name: &str| json!({"@type": "foaf:Organization", "foaf:name": name});
    let date = |d: &str| json!({"@value": d, "@type": "xsd:date"});
    let datasets: Vec<Value> = sets
        .iter()
        .map(|s| {
            let (start, end) = s.temporal();
            json!({
                "@id": s.page(&origin),
                "@type": "dcat:Dataset",
                "dct:identifier": s.name,
                "dct:title": {"@value": s.title(), "@language": "vi"},
                "dct:description": {"@value": s.description(), "@language": "vi"},
                "dct:publisher": publisher(&s.portal.name),
                "dcat:keyword": s.groups.iter().collect::<Vec<_>>(),
                "dct:temporal": {"@type": "dct:PeriodOfTime", "dcat:startDate": date(&start), "dcat:endDate": date(&end)},
                "dct:spatial": {"@type": "dct:Location", "skos:prefLabel": {"@value": s.unit_name, "@language": "vi"}},
                "dct:accrualPeriodicity": {"@id": format!("http://publications.europa.eu/resource/authority/frequency/{}", s.frequency())},
                "dct:modified": date(&s.modified),
                "dct:license": {"@id": LICENSE_URL},
                "dcat:landingPage": {"@id": s.page(&origin)},
                "dcat:distribution": FILES.iter().map(|(format, media, tep)| json!({
                    "@id": s.file(&origin, tep),
                    "@type": "dcat:Distribution",
                    "dct:title": format!("{} ({format})", s.title()),
                    "dcat:accessURL": {"@id": s.file(&origin, tep)},
                    "dcat:downloadURL": {"@id": s.file(&origin, tep)},
                    "dcat:mediaType": {"@id": format!("https://www.iana.org/assignments/media-types/{media}")},
                    "dct:format": {"@id": format!("http://publications.europa.eu/resource/authority/file-type/{format}")},
                    "dct:modified": date(&s.modified),
                    "dct:license": {"@id": LICENSE_URL},
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let body = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": format!("{origin}/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": {"@value": main.map(|p| p.name.clone()).unwrap_or_default(), "@language": "vi"},
        "dct:description": {"@value": solieu_i18n::tr(solieu_i18n::Lang::Vi, "portal-open-data-catalog"), "@language": "vi"},
        "dct:publisher": publisher(&main.map(|p| p.name.clone()).unwrap_or_default()),
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/VIE"},
        "dct:license": {"@id": LICENSE_URL},
        "foaf:homepage": {"@id": format!("{origin}/")},
        "dcat:dataset": datasets,
    });
    Ok((
        [(header::CONTENT_TYPE, "application/ld+json")],
        body.to_string(),
    )
        .into_response())
}

/// A data set as CKAN's `package_show` gives it.
fn package(s: &DataSet, origin: &str) -> Value {
    let (start, end) = s.temporal();
    let resources: Vec<Value> = FILES
        .iter()
        .enumerate()
        .map(|(position, (format, media, tep))| {
            json!({
                "id": format!("{}-{tep}", s.name),
                "package_id": s.name,
                "name": format!("{} ({format})", s.title()),
                "description": s.description(),
                "format": format,
                "mimetype": media,
                "url": s.file(origin, tep),
                "position": position,
                "state": "active",
                "last_modified": s.modified,
            })
        })
        .collect();
    json!({
        "id": s.name,
        "name": s.name,
        "title": s.title(),
        "notes": s.description(),
        "type": "dataset",
        "state": "active",
        "private": false,
        "url": s.page(origin),
        "license_id": LICENSE_ID,
        "license_title": LICENSE_TITLE,
        "license_url": LICENSE_URL,
        "metadata_modified": s.modified,
        "owner_org": s.portal.code,
        "organization": organization(&s.portal),
        "tags": s.groups.iter().map(|g| json!({"name": g, "display_name": g})).collect::<Vec<_>>(),
        "num_tags": s.groups.len(),
        "extras": [
            {"key": "temporal_start", "value": start},
            {"key": "temporal_end", "value": end},
            {"key": "frequency", "value": s.frequency()},
            {"key": "spatial_text", "value": s.unit_name},
            {"key": "spatial_code", "value": s.portal.unit_code},
        ],
        "resources": resources,
        "num_resources": FILES.len(),
    })
}

fn organization(p: &Portal) -> Value {
    json!({
        "id": p.code,
        "name": p.code,
        "title": p.name,
        "type": "organization",
        "is_organization": true,
        "state": "active",
        "description": p.address,
    })
}

/// CKAN's answer to an action.
fn answer(origin: &str, action: &str, result: Result<Value, CkanError>) -> Response {
    let help = format!("{origin}/api/3/action/help_show?name={action}");
    match result {
        Ok(result) => {
            axum::Json(json!({"help": help, "success": true, "result": result})).into_response()
        }
        Err(e) => {
            let (status, kind, message) = match e {
                CkanError::NotFound(m) => (StatusCode::NOT_FOUND, "Not Found Error", m),
                CkanError::Invalid(m) => (StatusCode::CONFLICT, "Validation Error", m),
                CkanError::NoSuchAction(m) => (StatusCode::BAD_REQUEST, "Bad request", m),
            };
            (
                status,
                axum::Json(json!({
                    "help": help,
                    "success": false,
                    "error": {"__type": kind, "message": format!("{kind}: {message}")},
                })),
            )
                .into_response()
        }
    }
}

enum CkanError {
    NotFound(String),
    Invalid(String),
    NoSuchAction(String),
}

/// An action's parameters: the query string (GET) or a JSON object (POST), as CKAN takes them.
fn parameters(
    method: &Method,
    query: HashMap<String, String>,
    body: &Bytes,
) -> Result<Map<String, Value>, CkanError> {
    let mut map: Map<String, Value> = query
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    if method == Method::POST && !body.iter().all(u8::is_ascii_whitespace) {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(given)) => map.extend(given),
            _ => {
                return Err(CkanError::Invalid(solieu_i18n::tr(
                    solieu_i18n::Lang::Vi,
                    "portal-open-data-body",
                )));
            }
        }
    }
    Ok(map)
}

/// A whole number parameter within bounds, or its default.
fn count(params: &Map<String, Value>, key: &str, default: u64) -> Result<u64, CkanError> {
    let Some(given) = params.get(key).filter(|v| !v.is_null()) else {
        return Ok(default);
    };
    let n = match given {
        Value::Number(n) => n.as_u64(),
        Value::String(s) if s.trim().is_empty() => Some(default),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    n.ok_or_else(|| {
        CkanError::Invalid(solieu_i18n::tr_args(
            solieu_i18n::Lang::Vi,
            "portal-open-data-count",
            &[("key", key.to_string()), ("value", given.to_string())],
        ))
    })
}

fn text(params: &Map<String, Value>, key: &str) -> String {
    match params.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// `/api/3/action/{action}` and `/api/action/{action}`.
pub async fn action(
    State(app): State<Shared>,
    method: Method,
    headers: HeaderMap,
    Path(action): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Result<Response, WebError> {
    let origin = origin(&app, &headers);
    let params = match parameters(&method, query, &body) {
        Ok(p) => p,
        Err(e) => return Ok(answer(&origin, &action, Err(e))),
    };
    let result = run(&app, &origin, &action, &params).await?;
    Ok(answer(&origin, &action, result))
}

async fn run(
    app: &App,
    origin: &str,
    action: &str,
    params: &Map<String, Value>,
) -> Result<Result<Value, CkanError>, WebError> {
    Ok(match action {
        "package_list" => {
            let sets = data_sets(app, &app.store.portals().await?, None).await?;
            let (limit, offset) = match (
                count(params, "limit", MOST_ROWS),
                count(params, "offset", 0),
            ) {
                (Ok(l), Ok(o)) => (l, o),
                (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
            };
            Ok(json!(
                sets.iter()
                    .skip(offset as usize)
                    .take(limit.min(MOST_ROWS) as usize)
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
            ))
        }
        "package_show" => {
            let id = text(params, "id");
            let sets = data_sets(app, &app.store.portals().await?, Some(&id)).await?;
            match sets.first() {
                Some(s) => Ok(package(s, origin)),
                None => Err(CkanError::NotFound(solieu_i18n::tr_args(
                    solieu_i18n::Lang::Vi,
                    "portal-open-data-no-package",
                    &[("id", id)],
                ))),
            }
        }
        "package_search" => search(app, origin, params).await?,
        "organization_list" => {
            let portals = app.store.portals().await?;
            let all = matches!(text(params, "all_fields").as_str(), "true" | "True" | "1");
            Ok(json!(
                portals
                    .iter()
                    .map(|p| if all { organization(p) } else { json!(p.code) })
                    .collect::<Vec<_>>()
            ))
        }
        other => Err(CkanError::NoSuchAction(solieu_i18n::tr_args(
            solieu_i18n::Lang::Vi,
            "portal-open-data-no-action",
            &[("action", other.to_string())],
        ))),
    })
}

/// `package_search`: every word of `q` (diacritics or not) in the title, description or
/// keywords; `fq` narrowed to `organization:<portal>`; `rows` and `start` for paging.
async fn search(
    app: &App,
    origin: &str,
    params: &Map<String, Value>,
) -> Result<Result<Value, CkanError>, WebError> {
    let (rows, start) = match (count(params, "rows", 10), count(params, "start", 0)) {
        (Ok(r), Ok(s)) => (r.min(MOST_ROWS), s),
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    let words: Vec<String> = fold(&text(params, "q"))
        .split_whitespace()
        .filter(|w| *w != "*:*")
        .map(str::to_string)
        .collect();
    let organization = text(params, "fq").split_whitespace().find_map(|f| {
        f.strip_prefix("organization:")
            .map(|o| o.trim_matches('"').to_string())
    });
    let sets = data_sets(app, &app.store.portals().await?, None).await?;
    let found: Vec<&DataSet> = sets
        .iter()
        .filter(|s| organization.as_deref().is_none_or(|o| s.portal.code == o))
        .filter(|s| {
            let haystack = fold(&format!(
                "{} {} {}",
                s.title(),
                s.description(),
                s.groups.iter().cloned().collect::<Vec<_>>().join(" ")
            ));
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .collect();
    Ok(Ok(json!({
        "count": found.len(),
        "sort": "metadata_modified desc",
        "facets": {},
        "search_facets": {},
        "results": found
            .iter()
            .skip(start as usize)
            .take(rows as usize)
            .map(|s| package(s, origin))
            .collect::<Vec<_>>(),
    })))
}
