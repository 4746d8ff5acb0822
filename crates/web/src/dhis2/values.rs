//! Figures through DHIS2's API: a data value set written (`POST /api/dataValueSets`) and read
//! (`GET`), and one value (`/api/dataValues`).
//!
//! A written set goes through what a form's save goes through (`ops::write_figures`: the
//! plan, the validation rules, one transaction, the history with who and from where), after
//! each value has been checked as DHIS2 checks it, each refusal a conflict in DHIS2's words
//! with its code: an unknown data element (E7610), period (E7611) or organisation unit
//! (E7612), a unit outside the account's (E7617), a value that is not a number (E7619), a
//! combination not of the element's (E7634), figures approved (E7642) or awaiting approval
//! (E7643). With `atomicMode=ALL` (the default) one conflict writes nothing; with `NONE` the
//! others are written. A broken validation rule refuses the whole set, as a form's save is.

use super::ids::{Ids, Scheme};
use super::message::{self, Conflict, ImportCount, Summary};
use super::metadata::DEFAULT_COMBO;
use super::{Caller, Query, csrf};
use crate::ops;
use crate::policy::{Action, Principal};
use crate::{App, Shared, WebError, datasets, workflow};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use solieu_core::changes::{Incoming, IncomingValue, Located};
use solieu_core::period::Period;
use solieu_core::problem::{Location, Problem};
use solieu_core::value::Source;
use solieu_io::dhis2::{self, DataValue, Format};
use solieu_store::{DataSetRow, StoredValue};
use std::collections::{HashMap, HashSet};

/// What the query string asks of an import.
#[derive(Debug, Clone, Copy)]
struct Options {
    dry_run: bool,
    /// `CREATE`: only values not yet there; `UPDATE`: only those there; else both.
    create: bool,
    update: bool,
    atomic: bool,
    elements: Scheme,
}

impl Options {
    fn read(query: &Query) -> Result<Options, WebError> {
        let strategy = query
            .get("importStrategy")
            .or_else(|| query.get("strategy"))
            .unwrap_or("CREATE_AND_UPDATE")
            .to_ascii_uppercase();
        let (create, update) = match strategy.as_str() {
            "CREATE_AND_UPDATE" | "NEW_AND_UPDATES" => (true, true),
            "CREATE" | "NEW" => (true, false),
            "UPDATE" | "UPDATES" => (false, true),
            "DELETE" | "DELETES" => {
                return Err(WebError::Unprocessable(solieu_i18n::text!(
                    "dhis2-delete-not-kept"
                )));
            }
            _ => {
                return Err(WebError::BadRequest(solieu_i18n::text!(
                    "dhis2-unknown-strategy"
                )));
            }
        };
        let atomic = match query
            .get("atomicMode")
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            None | Some("ALL") => true,
            Some("NONE") => false,
            Some(_) => {
                return Err(WebError::BadRequest(solieu_i18n::text!(
                    "dhis2-unknown-atomic"
                )));
            }
        };
        Ok(Options {
            dry_run: query.flag("dryRun")?,
            create,
            update,
            atomic,
            elements: query.scheme("dataElementIdScheme")?,
        })
    }

    fn json(&self) -> Value {
        let strategy = match (self.create, self.update) {
            (true, true) => "CREATE_AND_UPDATE",
            (true, false) => "CREATE",
            _ => "UPDATE",
        };
        json!({
            "dryRun": self.dry_run,
            "importStrategy": strategy,
            "atomicMode": if self.atomic { "ALL" } else { "NONE" },
        })
    }
}

/// The format of a posted set: what its bytes are (ADX by its content type too, since an ADX
/// message may open like DHIS2's XML). A JSON body that is not a data value set is read as
/// JSON, so that what is missing is said; any other unrecognised body is refused.
fn format_of(headers: &HeaderMap, body: &[u8]) -> Option<Format> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    match dhis2::detect(body) {
        Some(Format::Xml) if kind.contains("adx") => Some(Format::Adx),
        Some(format) => Some(format),
        None if kind.contains("json") => Some(Format::Json),
        None => None,
    }
}

/// What became of one value.
enum Checked {
    Take(Located<IncomingValue>),
    /// Left alone by the import strategy.
    Skip,
    Refuse(Conflict),
}

/// One import: the names, the data sets and what it learnt of the store on the way.
struct Import<'a> {
    app: &'a App,
    who: &'a Principal,
    options: Options,
    ids: Ids,
    sets: Vec<DataSetRow>,
    states: HashMap<(String, String, String), solieu_core::workflow::State>,
    stored: HashMap<(String, Period), HashSet<String>>,
}

impl<'a> Import<'a> {
    async fn new(
        app: &'a App,
        who: &'a Principal,
        options: Options,
    ) -> Result<Import<'a>, WebError> {
        Ok(Import {
            app,
            who,
            options,
            ids: Ids::load(app).await?,
            sets: app.store.data_sets().await?,
            states: HashMap::new(),
            stored: HashMap::new(),
        })
    }

    async fn run(
        mut self,
        values: Vec<Located<DataValue>>,
        unread: Vec<Problem>,
    ) -> Result<Summary, WebError> {
        let total = values.len() + unread.len();
        let mut conflicts: Vec<Conflict> = unread
            .iter()
            .map(|p| {
                let index = index_of(&p.location, 0);
                Conflict::new(index, "dataValue", "", None, p.message.clone())
            })
            .collect();
        let mut taken = Vec::new();
        let mut skipped = 0;
        for (position, value) in values.into_iter().enumerate() {
            let index = index_of(&value.location, position);
            match self.check(index, value).await? {
                Checked::Take(v) => taken.push(v),
                Checked::Skip => skipped += 1,
                Checked::Refuse(c) => conflicts.push(c),
            }
        }
        let options = self.options.json();
        let nothing = ImportCount {
            ignored: total,
            ..ImportCount::default()
        };
        if (self.options.atomic && !conflicts.is_empty()) || taken.is_empty() {
            let wrote = conflicts.is_empty();
            return Ok(Summary::new(options, nothing, conflicts, wrote));
        }
        let incoming = Incoming {
            values: taken,
            ..Incoming::default()
        };
        let client = format!("dhis2 {}", self.who.token.as_deref().unwrap_or("session"));
        let written = ops::write_figures(
            self.app,
            self.who,
            incoming,
            Source::Api { client },
            self.options.dry_run,
            "dataValueSet",
        )
        .await;
        match written {
            Ok(saved) => {
                let count = ImportCount {
                    imported: saved.values_added,
                    updated: saved.values_changed,
                    ignored: skipped + saved.values_unchanged + conflicts.len(),
                    deleted: 0,
                };
                Ok(Summary::new(options, count, conflicts, true))
            }
            Err(WebError::Invalid(problems)) => {
                conflicts.extend(problems.iter().map(|p| {
                    let text = solieu_i18n::Text::new(
                        solieu_i18n::tr_args(
                            solieu_i18n::Lang::Vi,
                            "dhis2-rule",
                            &[("message", p.message.vi.clone())],
                        ),
                        solieu_i18n::tr_args(
                            solieu_i18n::Lang::En,
                            "dhis2-rule",
                            &[("message", p.message.en.clone())],
                        ),
                    );
                    Conflict::new(
                        index_of(&p.location, 0),
                        "validationRule",
                        p.location.column.as_deref().unwrap_or(""),
                        None,
                        text,
                    )
                }));
                Ok(Summary::new(options, nothing, conflicts, false))
            }
            Err(e) => Err(e),
        }
    }

    /// One value checked as DHIS2 checks it, in DHIS2's order.
    async fn check(
        &mut self,
        index: usize,
        located: Located<DataValue>,
    ) -> Result<Checked, WebError> {
        let mut dv = located.item.clone();
        if self.options.elements == Scheme::Code {
            dv.data_element = self.ids.element_uid(&dv.data_element);
        }
        let refuse = |property, object: &str, code, text| {
            Ok(Checked::Refuse(Conflict::new(
                index,
                property,
                object,
                Some(code),
                text,
            )))
        };
        if dv.period.parse::<Period>().is_err() {
            return refuse(
                "period",
                &dv.period,
                "E7611",
                solieu_i18n::text!("dhis2-e7611", id = dv.period.clone()),
            );
        }
        let mut problems = Vec::new();
        let record = dhis2::to_records(
            vec![Located {
                item: dv.clone(),
                location: located.location.clone(),
            }],
            &self.ids.mapping,
            &mut problems,
        )
        .pop();
        let Some(record) = record else {
            let column = problems
                .first()
                .and_then(|p| p.location.column.clone())
                .unwrap_or_default();
            return if column.ends_with("categoryOptionCombo") {
                let coc = dv.category_option_combo.clone().unwrap_or_default();
                refuse(
                    "categoryOptionCombo",
                    &coc,
                    "E7634",
                    solieu_i18n::text!(
                        "dhis2-e7634",
                        coc = coc.clone(),
                        id = dv.data_element.clone()
                    ),
                )
            } else {
                refuse(
                    "value",
                    &dv.value,
                    "E7619",
                    solieu_i18n::text!("dhis2-e7619", id = dv.data_element.clone()),
                )
            };
        };
        let key = record.item.record.key.clone();
        {
            let engine = self.app.engine();
            match engine
                .indicator_id(&key.indicator)
                .map(|i| engine.indicator(i))
            {
                None => {
                    return refuse(
                        "dataElement",
                        &dv.data_element,
                        "E7610",
                        solieu_i18n::text!("dhis2-e7610", id = dv.data_element.clone()),
                    );
                }
                Some(i) if i.formula.is_some() => {
                    return refuse(
                        "dataElement",
                        &dv.data_element,
                        "E7610",
                        solieu_i18n::text!("dhis2-derived", id = dv.data_element.clone()),
                    );
                }
                // Its data element's value type is INTEGER (metadata.rs): DHIS2's own code.
                Some(i)
                    if i.unit.counts_whole()
                        && !record.item.record.figure.value.fract().is_zero() =>
                {
                    return refuse(
                        "value",
                        &dv.value,
                        "E7619",
                        solieu_i18n::text!("dhis2-e7619-integer", id = dv.data_element.clone()),
                    );
                }
                Some(_) => {}
            }
            if engine
                .registry()
                .unit_for_period(&key.unit, &key.period)
                .is_err()
            {
                return refuse(
                    "orgUnit",
                    &dv.org_unit,
                    "E7612",
                    solieu_i18n::text!("dhis2-e7612", id = dv.org_unit.clone()),
                );
            }
            let date = key.period.end_date();
            let codes = [key.indicator.clone()];
            if ops::authorize(&engine, self.who, Action::Write, &key.unit, &codes, date).is_err() {
                return refuse(
                    "orgUnit",
                    &dv.org_unit,
                    "E7617",
                    solieu_i18n::text!(
                        "dhis2-e7617",
                        id = dv.org_unit.clone(),
                        user = self.who.username.clone()
                    ),
                );
            }
        }
        if let Some(conflict) = self
            .lock(index, &dv, &key.indicator, &key.unit, &key.period)
            .await?
        {
            return Ok(Checked::Refuse(conflict));
        }
        let there = self
            .stored_of(&key.unit, &key.period)
            .await?
            .contains(&key.indicator);
        if (there && !self.options.update) || (!there && !self.options.create) {
            return Ok(Checked::Skip);
        }
        Ok(Checked::Take(record))
    }

    /// The conflict of a value whose form is approved or awaiting approval.
    async fn lock(
        &mut self,
        index: usize,
        dv: &DataValue,
        indicator: &str,
        unit: &str,
        period: &Period,
    ) -> Result<Option<Conflict>, WebError> {
        let sets: Vec<String> = self
            .sets
            .iter()
            .filter(|s| s.indicators.iter().any(|i| i == indicator))
            .filter(|s| datasets::period_fits(&s.period_type, period))
            .map(|s| s.code.clone())
            .collect();
        for set in sets {
            let key = (set.clone(), unit.to_string(), period.code());
            let state = match self.states.get(&key) {
                Some(s) => *s,
                None => {
                    let held = self
                        .app
                        .store
                        .submission(&set, unit, &period.code())
                        .await?;
                    let state = workflow::state_of(held.as_ref());
                    self.states.insert(key, state);
                    state
                }
            };
            let set_id = self.ids.data_set_id(&set);
            let (code, text) = match state {
                solieu_core::workflow::State::Approved => (
                    "E7642",
                    solieu_i18n::text!(
                        "dhis2-e7642",
                        set = set_id,
                        period = dv.period.clone(),
                        id = dv.org_unit.clone()
                    ),
                ),
                s if !s.editable() => (
                    "E7643",
                    solieu_i18n::text!("dhis2-e7643", set = set_id, period = dv.period.clone()),
                ),
                _ => continue,
            };
            return Ok(Some(Conflict::new(
                index,
                "period",
                &dv.period,
                Some(code),
                text,
            )));
        }
        Ok(None)
    }

    /// The indicators a unit has actual figures of for `period`.
    async fn stored_of(
        &mut self,
        unit: &str,
        period: &Period,
    ) -> Result<&HashSet<String>, WebError> {
        let key = (unit.to_string(), *period);
        if !self.stored.contains_key(&key) {
            let held = ops::stored_actuals(self.app, unit, period)
                .await?
                .into_iter()
                .map(|v| v.record.key.indicator)
                .collect();
            self.stored.insert(key.clone(), held);
        }
        Ok(&self.stored[&key])
    }
}

/// A value's place in the set: `$.dataValues[3]` is 3; otherwise its place in what was read.
fn index_of(location: &Location, position: usize) -> usize {
    location
        .column
        .as_deref()
        .and_then(|c| c.strip_prefix("$.dataValues["))
        .and_then(|c| c.split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(position)
}

pub async fn import_set(
    State(app): State<Shared>,
    Caller(who): Caller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, WebError> {
    csrf(&who, &headers)?;
    let query = Query::parse(raw.as_deref());
    let options = Options::read(&query)?;
    let format = format_of(&headers, &body)
        .ok_or_else(|| WebError::BadRequest(solieu_i18n::text!("dhis2-unreadable-body")))?;
    let (values, unread) = dhis2::read(format, "dataValueSet", &body);
    if values.is_empty() && !unread.is_empty() {
        return Err(WebError::Invalid(unread));
    }
    let _writing = app.writes.lock().await;
    let summary = Import::new(&app, &who, options)
        .await?
        .run(values, unread)
        .await?;
    Ok(summary.answer(message::lang(&headers)))
}

/// One value as `POST /api/dataValues` takes it: a JSON body or the query's `de`, `pe`, `ou`,
/// `co`, `value`, `comment`.
fn one_value(query: &Query, body: &[u8]) -> Result<DataValue, WebError> {
    let json: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(body).map_err(|e| {
            WebError::BadRequest(solieu_i18n::text!(
                "web-request-cannot-be-read",
                detail = format!(": {e}")
            ))
        })?
    };
    let field = |long: &str, short: &str| -> Option<String> {
        match &json[long] {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => query
                .get(short)
                .or_else(|| query.get(long))
                .map(str::to_string),
        }
    };
    let (Some(de), Some(pe), Some(ou), Some(value)) = (
        field("dataElement", "de"),
        field("period", "pe"),
        field("orgUnit", "ou"),
        field("value", "value"),
    ) else {
        return Err(WebError::BadRequest(solieu_i18n::text!(
            "dhis2-value-missing"
        )));
    };
    Ok(DataValue {
        data_element: de,
        period: pe,
        org_unit: ou,
        category_option_combo: field("categoryOptionCombo", "co"),
        attribute_option_combo: field("attributeOptionCombo", "ao"),
        categories: Vec::new(),
        value,
        comment: field("comment", "comment"),
    })
}

pub async fn set_one(
    State(app): State<Shared>,
    Caller(who): Caller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, WebError> {
    csrf(&who, &headers)?;
    let query = Query::parse(raw.as_deref());
    let options = Options::read(&query)?;
    let value = one_value(&query, &body)?;
    let located = Located {
        item: value,
        location: Location::file("dataValue"),
    };
    let _writing = app.writes.lock().await;
    let summary = Import::new(&app, &who, options)
        .await?
        .run(vec![located], Vec::new())
        .await?;
    if summary.status == "SUCCESS" {
        return Ok(StatusCode::CREATED.into_response());
    }
    Ok(summary.answer(message::lang(&headers)))
}

/// The stored figure a DHIS2 key names, if the caller may read it.
pub async fn one(
    State(app): State<Shared>,
    Caller(who): Caller,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let query = Query::parse(raw.as_deref());
    let field = |short: &str, long: &str| {
        query
            .get(short)
            .or_else(|| query.get(long))
            .map(str::to_string)
    };
    let (Some(de), Some(pe), Some(ou)) = (
        field("de", "dataElement"),
        field("pe", "period"),
        field("ou", "orgUnit"),
    ) else {
        return Err(WebError::BadRequest(solieu_i18n::text!(
            "dhis2-value-missing"
        )));
    };
    // A read has no value: a number stands in for it to find the figure's key.
    let probe = DataValue {
        data_element: de,
        period: pe,
        org_unit: ou,
        category_option_combo: field("co", "categoryOptionCombo"),
        attribute_option_combo: field("ao", "attributeOptionCombo"),
        value: "0".into(),
        ..DataValue::default()
    };
    let ids = Ids::load(&app).await?;
    let mut problems = Vec::new();
    let key = dhis2::to_records(
        vec![Located {
            item: probe,
            location: Location::file("dataValue"),
        }],
        &ids.mapping,
        &mut problems,
    )
    .pop()
    .map(|r| r.item.record.key)
    .ok_or_else(|| WebError::NotFound(solieu_i18n::text!("dhis2-no-value")))?;
    ops::authorize(
        &app.engine(),
        &who,
        Action::Read,
        &key.unit,
        std::slice::from_ref(&key.indicator),
        key.period.end_date(),
    )?;
    let found: Option<StoredValue> = ops::stored_actuals(&app, &key.unit, &key.period)
        .await?
        .into_iter()
        .find(|v| v.record.key.indicator == key.indicator);
    match found {
        Some(v) => Ok(axum::Json(json!([solieu_core::number::canonical(
            v.record.figure.value
        )]))
        .into_response()),
        None => Err(WebError::NotFound(solieu_i18n::text!("dhis2-no-value"))),
    }
}

/// What `GET /api/dataValueSets` asks for.
struct Asked {
    sets: Vec<DataSetRow>,
    units: Vec<String>,
    periods: Vec<Period>,
    span: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    since: Option<chrono::NaiveDate>,
    elements: Scheme,
    units_scheme: Scheme,
}

fn date_of(query: &Query, name: &str) -> Result<Option<chrono::NaiveDate>, WebError> {
    query
        .get(name)
        .map(|t| {
            chrono::NaiveDate::parse_from_str(t.get(..10).unwrap_or(t), "%Y-%m-%d").map_err(|_| {
                WebError::BadRequest(solieu_i18n::text!(
                    "dhis2-bad-date",
                    name = name.to_string()
                ))
            })
        })
        .transpose()
}

async fn asked(app: &App, who: &Principal, query: &Query, ids: &Ids) -> Result<Asked, WebError> {
    let set_ids = query.all("dataSet");
    let unit_ids = query.all("orgUnit");
    let (start, end) = (date_of(query, "startDate")?, date_of(query, "endDate")?);
    let span = start.zip(end);
    let period_texts = query.all("period");
    if set_ids.is_empty() || unit_ids.is_empty() || (period_texts.is_empty() && span.is_none()) {
        return Err(WebError::BadRequest(solieu_i18n::text!(
            "dhis2-value-sets-need"
        )));
    }
    let all_sets = app.store.data_sets().await?;
    let mut sets = Vec::new();
    for id in &set_ids {
        let ours = ids.data_set(id);
        let set = all_sets
            .iter()
            .find(|s| s.code == ours)
            .cloned()
            .ok_or_else(|| {
                WebError::NotFound(solieu_i18n::text!(
                    "dhis2-unknown-data-set",
                    id = id.clone()
                ))
            })?;
        sets.push(set);
    }
    let periods = period_texts
        .iter()
        .map(|p| {
            p.parse::<Period>().map_err(|_| {
                WebError::BadRequest(solieu_i18n::text!("dhis2-e7611", id = p.clone()))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let children = query.flag("children")?;
    let today = chrono::Utc::now()
        .with_timezone(&solieu_core::format::vietnam())
        .date_naive();
    let mut units = Vec::new();
    {
        let engine = app.engine();
        let registry = engine.registry();
        for id in &unit_ids {
            let ours = ids.unit(id);
            if registry.versions_of(&ours).is_empty() {
                return Err(WebError::NotFound(solieu_i18n::text!(
                    "dhis2-e7612",
                    id = id.clone()
                )));
            }
            ops::authorize(&engine, who, Action::Read, &ours, &[], today)?;
            let mut stack = vec![ours];
            while let Some(code) = stack.pop() {
                if units.contains(&code) {
                    continue;
                }
                if children {
                    let during = registry.children_during(
                        &code,
                        chrono::NaiveDate::MIN,
                        chrono::NaiveDate::MAX,
                    );
                    stack.extend(during.into_iter().map(|v| registry.version(v).code.clone()));
                }
                units.push(code);
            }
        }
    }
    Ok(Asked {
        sets,
        units,
        periods,
        span,
        since: date_of(query, "lastUpdated")?,
        elements: query.scheme("dataElementIdScheme")?,
        units_scheme: query.scheme("orgUnitIdScheme")?,
    })
}

impl Asked {
    fn wants(&self, v: &StoredValue) -> bool {
        let key = &v.record.key;
        let in_set = self.sets.iter().any(|s| {
            s.indicators.contains(&key.indicator)
                && datasets::period_fits(&s.period_type, &key.period)
        });
        let in_time = self.periods.contains(&key.period)
            || self.span.is_some_and(|(from, to)| {
                from <= key.period.start_date() && key.period.end_date() <= to
            });
        let recent = self.since.is_none_or(|d| {
            v.updated_at
                .with_timezone(&solieu_core::format::vietnam())
                .date_naive()
                >= d
        });
        in_set && in_time && recent
    }
}

pub async fn export_set(
    State(app): State<Shared>,
    Caller(who): Caller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let query = Query::parse(raw.as_deref());
    let ids = Ids::load(&app).await?;
    let asked = asked(&app, &who, &query, &ids).await?;
    let mut found: Vec<StoredValue> = Vec::new();
    for unit in &asked.units {
        let values = app
            .store
            .values(&solieu_store::ValueFilter {
                unit: Some(unit.clone()),
                series: Some(solieu_core::value::Series::Actual),
                ..Default::default()
            })
            .await?;
        let engine = app.engine();
        found.extend(values.into_iter().filter(|v| asked.wants(v)).filter(|v| {
            let codes = [v.record.key.indicator.clone()];
            ops::authorize(
                &engine,
                &who,
                Action::Read,
                unit,
                &codes,
                v.record.key.period.end_date(),
            )
            .is_ok()
        }));
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let format = if accept.contains("adx") {
        Some(Format::Adx)
    } else if accept.contains("csv") {
        Some(Format::Csv)
    } else if accept.contains("xml") {
        Some(Format::Xml)
    } else {
        None
    };
    let values = dhis2_values(&found, &ids, &asked);
    if let Some(format) = format {
        let kind = match format {
            Format::Csv => "application/csv; charset=utf-8",
            Format::Adx => "application/adx+xml; charset=utf-8",
            _ => "application/xml; charset=utf-8",
        };
        let text = dhis2::write(
            format,
            &values.iter().map(|(dv, _)| dv.clone()).collect::<Vec<_>>(),
        );
        return Ok(([(header::CONTENT_TYPE, kind)], text).into_response());
    }
    let list: Vec<Value> = values
        .iter()
        .map(|(dv, v)| {
            json!({
                "dataElement": dv.data_element,
                "period": dv.period,
                "orgUnit": dv.org_unit,
                "categoryOptionCombo": dv.category_option_combo,
                "attributeOptionCombo": dv.attribute_option_combo,
                "value": dv.value,
                "storedBy": v.updated_by,
                "lastUpdated": v.updated_at.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
                "comment": dv.comment,
                "followup": false,
            })
        })
        .collect();
    let mut body = json!({"dataValues": list});
    if let [set] = asked.sets.as_slice() {
        body["dataSet"] = json!(ids.data_set_id(&set.code));
    }
    Ok(axum::Json(body).into_response())
}

/// Stored figures as DHIS2 values, named in the schemes asked for, the default combinations
/// written out as DHIS2 writes them.
fn dhis2_values<'v>(
    found: &'v [StoredValue],
    ids: &Ids,
    asked: &Asked,
) -> Vec<(DataValue, &'v StoredValue)> {
    found
        .iter()
        .filter_map(|v| {
            let mut dv = dhis2::from_records([&v.record], &ids.mapping).pop()?;
            if asked.elements == Scheme::Code {
                let ours = ids.element(&dv.data_element);
                dv.data_element = ids.element_id(&ours, Scheme::Code);
            }
            let unit = ids.unit(&dv.org_unit);
            dv.org_unit = ids.unit_id(&unit, asked.units_scheme);
            dv.category_option_combo
                .get_or_insert_with(|| DEFAULT_COMBO.to_string());
            dv.attribute_option_combo
                .get_or_insert_with(|| DEFAULT_COMBO.to_string());
            Some((dv, v))
        })
        .collect()
}
