//! What the pages and the API do, written once: each operation takes the [`Principal`],
//! checks it with [`policy::allowed`] and returns plain data that a page renders or the API
//! returns as JSON.

use crate::policy::{self, Action, Principal, Role};
use crate::{App, WebError, datasets, workflow};
use rust_decimal::Decimal;
use serde::Serialize;
use solieu_analytics::{Engine, Entry};
use solieu_core::changes::{self, Incoming, IncomingValue, Located};
use solieu_core::format::{
    change_percent, date_time_text_vi, date_time_vi, date_vi, figure_vi, number_vi, percent_vi,
    period_short_vi, vietnam,
};
use solieu_core::lineage::VersionId;
use solieu_core::number::{DecimalConvention, parse};
use solieu_core::period::Period;
use solieu_core::problem::{Location, Problem, Text};
use solieu_core::validation;
use solieu_core::value::{Figure, Series, Source, Status, ValueKey, ValueRecord};
use solieu_store::{DataSetRow, ValueFilter};
use std::collections::HashMap;

fn not_found(kind: Text, what: &str) -> WebError {
    WebError::NotFound(solieu_i18n::text!(
        "web-not-found-what",
        kind = kind,
        what = what
    ))
}

pub fn parse_period(text: &str) -> Result<Period, WebError> {
    text.trim().parse::<Period>().map_err(|e| {
        WebError::BadRequest(solieu_i18n::text!(
            "web-invalid-period",
            text = text,
            reason = e
        ))
    })
}

/// The unit version carrying `unit`'s figures for `period`, or 404.
pub fn unit_version(engine: &Engine, unit: &str, period: &Period) -> Result<VersionId, WebError> {
    engine
        .registry()
        .unit_for_period(unit, period)
        .map_err(|e| WebError::NotFound(e.message))
}

/// The single gate: refuses unless the principal may do `action` to `unit`'s figures of
/// `indicators` (codes) as of `date`.
pub fn authorize(
    engine: &Engine,
    who: &Principal,
    action: Action,
    unit: &str,
    indicators: &[String],
    date: chrono::NaiveDate,
) -> Result<(), WebError> {
    let groups: Vec<String> = indicators
        .iter()
        .map(|code| {
            engine
                .indicator_id(code)
                .map(|i| engine.indicator(i).group_path())
                .unwrap_or_default()
        })
        .collect();
    let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
    if policy::allowed(who, action, unit, &groups, date, engine.registry()) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

pub async fn data_set(app: &App, code: &str) -> Result<DataSetRow, WebError> {
    app.store
        .data_sets()
        .await?
        .into_iter()
        .find(|d| d.code == code)
        .ok_or_else(|| not_found(solieu_i18n::text!("web-no-data-set"), code))
}

/// A data set, unit and period checked against each other.
pub struct Scope {
    pub set: DataSetRow,
    pub unit: String,
    pub period: Period,
}

pub async fn scope(app: &App, set: &str, unit: &str, period: &str) -> Result<Scope, WebError> {
    let set = data_set(app, set).await?;
    let period = parse_period(period)?;
    // A well-formed address of a form that does not exist (a quarter of a half-yearly set).
    if !datasets::period_fits(&set.period_type, &period) {
        return Err(WebError::NotFound(solieu_i18n::text!(
            "web-no-form-data-set-entered",
            period_code = period.code(),
            set_code = set.code,
            period_type = set.period_type
        )));
    }
    unit_version(&app.engine(), unit, &period)?;
    Ok(Scope {
        set,
        unit: unit.to_string(),
        period,
    })
}

fn deadline(set: &DataSetRow, period: &Period) -> chrono::NaiveDate {
    period.end_date() + chrono::Duration::days(set.deadline_days)
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub indicator: String,
    pub name: String,
    pub measure: String,
    /// As a clerk writes it: 1.234,5.
    pub value: Option<String>,
    pub value_id: Option<i64>,
    pub status: Option<&'static str>,
    pub note: String,
    pub entered_by: Option<String>,
    pub plan: Option<String>,
    pub plan_name: Option<String>,
    pub last_year: Option<String>,
    pub previous: Option<String>,
    pub writable: bool,
    /// The stored figure's revision (0: none stored): what a save of this form is entered
    /// against, so a figure changed meanwhile is not overwritten unseen.
    pub revision: i64,
    /// Counted one by one (người, lượt …): only a whole number is taken.
    pub whole: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub action: String,
    /// The approval level it was taken at (0: the unit's own steps).
    pub level: i64,
    pub reason: String,
    pub by: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    pub data_set: String,
    pub data_set_name: String,
    pub data_set_name_en: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub period_name: String,
    pub last_year_name: Option<String>,
    pub previous_name: String,
    /// draft, submitted, returned or approved; only draft and returned figures change.
    pub state: String,
    pub locked: bool,
    /// The data set's approval levels, as the role of each, and how many have accepted.
    pub levels: Vec<String>,
    pub accepted: usize,
    /// The level awaited, named for people ("cấp 2: lãnh đạo"), while submitted.
    pub awaiting: Option<String>,
    pub deadline: String,
    pub fields: Vec<FieldView>,
    pub events: Vec<EventView>,
    pub can_write: bool,
    pub can_submit: bool,
    pub can_approve: bool,
    pub can_return: bool,
    /// The rules the device checks figures by when there is no network.
    pub checks: crate::offline::FormChecks,
}

fn vi(value: Decimal, decimals: u8) -> String {
    number_vi(value, u32::from(decimals))
}

pub async fn form(
    app: &App,
    who: &Principal,
    set: &str,
    unit: &str,
    period: &str,
) -> Result<FormView, WebError> {
    let scope = scope(app, set, unit, period).await?;
    let date = scope.period.end_date();
    authorize(&app.engine(), who, Action::Read, unit, &[], date)?;
    let stored = app
        .store
        .values(&ValueFilter {
            unit: Some(unit.to_string()),
            within: Some(scope.period),
            series: Some(Series::Actual),
            ..Default::default()
        })
        .await?;
    let submission = app
        .store
        .submission(set, unit, &scope.period.code())
        .await?;
    let events = app
        .store
        .submission_events(set, unit, &scope.period.code())
        .await?;
    let rules = app.store.rules().await?;
    let state = workflow::state_of(submission.as_ref());
    let submitted_by = submission.and_then(|s| s.submitted_by);
    let engine = app.engine();
    let version = unit_version(&engine, unit, &scope.period)?;
    let months = scope.period.months();
    let previous_period = Period::from_index(scope.period.index() - i64::from(months), months).ok();
    let fields: Vec<FieldView> = scope
        .set
        .indicators
        .iter()
        .filter_map(|code| {
            let at = FieldAt {
                engine: &engine,
                who,
                unit,
                period: &scope.period,
                version,
                previous_period,
            };
            field_view(&at, &stored, code)
        })
        .collect();
    let beside: std::collections::BTreeMap<String, String> = stored
        .iter()
        .filter(|v| v.record.key.period == scope.period)
        .map(|v| {
            let value = solieu_core::number::canonical(v.record.figure.value);
            (v.record.key.indicator.clone(), value)
        })
        .collect();
    let checks = crate::offline::checks(&rules, &scope.set.indicators, &beside);
    let locked = !state.editable();
    let can_write = !locked && fields.iter().any(|f| f.writable);
    let levels = workflow::levels(&scope.set);
    let accepted = state.accepted(levels);
    let (can_submit, can_approve, can_return) =
        steps_open(&engine, who, &scope, unit, state, submitted_by.as_deref());
    Ok(FormView {
        data_set: scope.set.code.clone(),
        data_set_name: scope.set.name.clone(),
        data_set_name_en: scope.set.name_en.clone(),
        unit: unit.to_string(),
        unit_name: engine.registry().version(version).name.clone(),
        period: scope.period.code(),
        period_name: scope.period.name_vi(),
        last_year_name: scope.period.same_period_last_year().map(|p| p.name_vi()),
        previous_name: previous_period.map(|p| p.name_vi()).unwrap_or_default(),
        state: state.code().to_string(),
        locked,
        levels: scope.set.levels.clone(),
        accepted,
        awaiting: matches!(state, solieu_core::workflow::State::Submitted { .. })
            .then(|| workflow::level_name(&scope.set, accepted + 1).vi),
        deadline: date_vi(deadline(&scope.set, &scope.period)),
        fields,
        events: events
            .into_iter()
            .map(|e| EventView {
                action: e.action,
                level: e.level,
                reason: e.reason,
                by: e.done_by,
                at: date_time_vi(e.done_at),
            })
            .collect(),
        can_write,
        can_submit,
        can_approve,
        can_return,
        checks,
    })
}

/// Where a form's fields are read: the person, the unit and its version, the period and the
/// one before it.
struct FieldAt<'a> {
    engine: &'a Engine,
    who: &'a Principal,
    unit: &'a str,
    period: &'a Period,
    version: VersionId,
    previous_period: Option<Period>,
}

/// One field of a form: the stored figure with its revision, the plan, the same period last
/// year and the previous period beside it, and whether the person may write it.
fn field_view(
    at: &FieldAt,
    stored: &[solieu_store::StoredValue],
    code: &String,
) -> Option<FieldView> {
    let engine = at.engine;
    let i = engine.indicator_id(code)?;
    let ind = engine.indicator(i);
    let own = stored
        .iter()
        .find(|v| &v.record.key.indicator == code && v.record.key.period == *at.period);
    let comparison = engine.compare(i, at.version, at.period);
    let plan = comparison.plans.first();
    let previous = at
        .previous_period
        .and_then(|p| {
            let v = unit_version(engine, at.unit, &p).ok()?;
            engine.value(i, v, &p, &Series::Actual)
        })
        .map(|c| vi(c.value, ind.decimals));
    let writable = authorize(
        engine,
        at.who,
        Action::Write,
        at.unit,
        std::slice::from_ref(code),
        at.period.end_date(),
    )
    .is_ok();
    Some(FieldView {
        indicator: code.clone(),
        name: ind.name.clone(),
        measure: ind.unit.symbol().to_string(),
        value: own.map(|v| figure_vi(v.record.figure.value, ind.decimals)),
        value_id: own.map(|v| v.id),
        status: own.map(|v| v.record.figure.status.code()),
        note: own
            .map(|v| v.record.figure.note.clone())
            .unwrap_or_default(),
        entered_by: own.map(|v| v.updated_by.clone()),
        plan: plan.map(|p| vi(p.plan.value, ind.decimals)),
        plan_name: plan.map(|p| p.series.name_vi()),
        last_year: comparison
            .previous
            .as_ref()
            .map(|p| vi(p.value.value, ind.decimals)),
        previous,
        writable,
        revision: own.map_or(0, |v| v.revision),
        whole: ind.unit.counts_whole(),
    })
}

/// Which workflow steps the person may take on the form as it stands: (submit, approve,
/// return). Whoever submitted does not approve.
fn steps_open(
    engine: &Engine,
    who: &Principal,
    scope: &Scope,
    unit: &str,
    state: solieu_core::workflow::State,
    submitted_by: Option<&str>,
) -> (bool, bool, bool) {
    use solieu_core::workflow::{Actor, Step, step};
    let date = scope.period.end_date();
    let levels = workflow::levels(&scope.set);
    let acts_at = |l: usize| workflow::acts_at(engine, who, &scope.set, unit, date, l);
    let actor = Actor {
        acts_at: &acts_at,
        submitted_them: submitted_by == Some(who.username.as_str()),
    };
    let may = |s| step(levels, state, s, &actor, "-").is_ok();
    let can_submit = state.editable()
        && authorize(
            engine,
            who,
            Action::Submit,
            unit,
            &scope.set.indicators,
            date,
        )
        .is_ok();
    (can_submit, may(Step::Approve), may(Step::Return))
}

/// One figure as typed into a form or sent to the API.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
pub struct Entered {
    pub indicator: String,
    /// Written the Vietnamese way (1.234,5) or as a plain number (1234.5).
    pub value: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// A unit of measure written with the figure ("2.200 triệu đồng" in a workbook cell),
    /// converted to the indicator's by the import's planning, or refused there.
    #[serde(skip)]
    pub measure: Option<String>,
    /// The revision of the stored figure this one was entered against (0: none was stored),
    /// as the form or the device showed it. Given, a figure someone else changed since is
    /// not overwritten: the save is refused with both figures ([`Changed`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<i64>,
}

/// A figure changed by someone else after the clerk's was entered against it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Changed {
    pub indicator: String,
    pub name: String,
    /// The clerk's figure, as typed.
    pub yours: String,
    pub your_status: Option<String>,
    pub your_note: Option<String>,
    /// The stored figure, written the Vietnamese way.
    pub theirs: String,
    pub their_status: &'static str,
    pub their_note: String,
    /// The stored figure's revision: sent back as the base, the clerk's figure replaces it.
    pub revision: i64,
    pub by: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub values_added: usize,
    pub values_changed: usize,
    pub values_unchanged: usize,
    pub warnings: Vec<String>,
}

/// A figure as written under `convention`: a form is written the Vietnamese way ("1.234,5"),
/// with a point taken as the decimal mark only where nothing else fits ("1234.5", as the
/// browser reads it too); the API the way programs write ("1234.5"). "15.321" is fifteen
/// thousand on a form and fifteen in the API.
fn read_number(text: &str, convention: DecimalConvention) -> Option<Decimal> {
    match convention {
        DecimalConvention::Comma => solieu_core::number::read_typed(text),
        DecimalConvention::Point => parse(text.trim(), convention),
    }
    .ok()
}

/// Saves figures for one data set, unit and period through the store's one write path, with
/// the same planning and validation rules as an import, then shows them to the engine. With
/// `dry_run` the same transaction is rolled back: the form's check as the clerk types.
#[allow(clippy::too_many_arguments)]
pub async fn save(
    app: &App,
    who: &Principal,
    set: &str,
    unit: &str,
    period: &str,
    entered: Vec<Entered>,
    source: Source,
    convention: DecimalConvention,
    dry_run: bool,
) -> Result<Saved, WebError> {
    let scope = scope(app, set, unit, period).await?;
    let date = scope.period.end_date();
    let entered: Vec<Entered> = entered
        .into_iter()
        .filter(|e| !e.value.trim().is_empty())
        .collect();
    let codes: Vec<String> = entered.iter().map(|e| e.indicator.clone()).collect();
    // A read check first: nobody learns from a 422 about a unit they cannot see.
    authorize(&app.engine(), who, Action::Read, unit, &[], date)?;
    authorize(&app.engine(), who, Action::Write, unit, &codes, date)?;
    let _writing = app.writes.lock().await;
    // Also refused in the store's write; here first, to say it in the form's words.
    match workflow::state_of(
        app.store
            .submission(set, unit, &scope.period.code())
            .await?
            .as_ref(),
    ) {
        solieu_core::workflow::State::Approved => return Err(WebError::Locked),
        state if !state.editable() => {
            return Err(WebError::Conflict(solieu_i18n::text!(
                "web-figures-are-submitted-approval-they"
            )));
        }
        _ => {}
    }
    let changed = changed_meanwhile(app, &scope, unit, &entered, convention).await?;
    if !changed.is_empty() {
        return Err(WebError::Changed(changed));
    }
    let form_name = format!("{set}/{unit}/{}", scope.period.code());
    let mut problems = Vec::new();
    let mut incoming = Incoming::default();
    for e in &entered {
        let at = Location::file(format!("form {form_name}")).with_column(&e.indicator);
        if !scope.set.indicators.contains(&e.indicator) {
            problems.push(
                Problem::error(at, solieu_i18n::text!("web-indicator-not-this-data-set"))
                    .with_value(&e.indicator),
            );
            continue;
        }
        if let Some(p) = solieu_io::limits::long_note(
            at.clone(),
            e.note.as_deref().unwrap_or("").trim(),
            &solieu_io::Limits::upload(),
        ) {
            problems.push(p);
            continue;
        }
        let Some(value) = read_number(&e.value, convention) else {
            problems.push(
                Problem::error(at, solieu_i18n::text!("web-not-number"))
                    .with_value(&e.value)
                    .with_hint(match convention {
                        DecimalConvention::Comma => {
                            solieu_i18n::text!("web-write-it-vietnamese-way-1")
                        }
                        DecimalConvention::Point => {
                            solieu_i18n::text!("web-through-api-write-numbers-1234")
                        }
                    }),
            );
            continue;
        };
        let status = match e.status.as_deref().filter(|s| !s.is_empty()) {
            None => Status::Estimate,
            Some(s) => match s.parse::<Status>() {
                Ok(s) => s,
                Err(msg) => {
                    problems.push(
                        Problem::error(at, solieu_i18n::text!("web-invalid-status", reason = msg))
                            .with_value(s),
                    );
                    continue;
                }
            },
        };
        incoming.values.push(Located {
            item: IncomingValue {
                record: ValueRecord {
                    key: ValueKey {
                        indicator: e.indicator.clone(),
                        unit: unit.to_string(),
                        period: scope.period,
                        series: Series::Actual,
                    },
                    figure: Figure {
                        value,
                        status,
                        note: e.note.clone().unwrap_or_default().trim().to_string(),
                    },
                },
                measure: e.measure.clone(),
            },
            location: at,
        });
    }
    if !problems.is_empty() {
        return Err(WebError::Invalid(problems));
    }
    write_figures(app, who, incoming, source, dry_run, &form_name).await
}

impl Changed {
    /// As a problem beside its field on the form.
    pub fn problem(&self) -> Problem {
        Problem::error(
            Location::file("form").with_column(&self.indicator),
            solieu_i18n::text!(
                "web-changed-figure",
                theirs = self.theirs,
                by = self.by,
                at = self.at,
                yours = self.yours
            ),
        )
        .with_value(&self.yours)
        .with_hint(solieu_i18n::text!("web-changed-figure-hint"))
    }
}

/// The entered figures whose stored figure is no longer the revision they were entered
/// against and differs from them. One the same as what is stored is no conflict: a batch
/// sent twice, or two clerks typing the same figure, changes nothing.
async fn changed_meanwhile(
    app: &App,
    scope: &Scope,
    unit: &str,
    entered: &[Entered],
    convention: DecimalConvention,
) -> Result<Vec<Changed>, WebError> {
    if entered.iter().all(|e| e.base.is_none()) {
        return Ok(Vec::new());
    }
    let stored = stored_actuals(app, unit, &scope.period).await?;
    let engine = app.engine();
    let mut changed = Vec::new();
    for e in entered {
        let Some(base) = e.base else { continue };
        let now = stored
            .iter()
            .find(|v| v.record.key.indicator == e.indicator);
        if now.map_or(0, |v| v.revision) == base {
            continue;
        }
        let Some(now) = now else { continue };
        let figure = &now.record.figure;
        let status = e
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map_or(Ok(Status::Estimate), str::parse::<Status>);
        let same = read_number(&e.value, convention) == Some(figure.value)
            && status.as_ref() == Ok(&figure.status)
            && e.note.as_deref().unwrap_or("").trim() == figure.note;
        if same {
            continue;
        }
        let indicator = engine
            .indicator_id(&e.indicator)
            .map(|i| engine.indicator(i));
        let decimals = indicator.map_or(0, |i| i.decimals);
        changed.push(Changed {
            indicator: e.indicator.clone(),
            name: indicator.map_or_else(|| e.indicator.clone(), |i| i.name.clone()),
            yours: e.value.trim().to_string(),
            your_status: e.status.clone(),
            your_note: e.note.clone(),
            theirs: figure_vi(figure.value, decimals),
            their_status: figure.status.code(),
            their_note: figure.note.clone(),
            revision: now.revision,
            by: now.updated_by.clone(),
            at: date_time_vi(now.updated_at),
        });
    }
    Ok(changed)
}

/// Figures planned against what is stored, checked against the validation rules with the
/// stored figures of their unit and period beside them, written in one transaction (or only
/// tried, `dry_run`), and loaded into the engine before the answer goes out: what a form's
/// save and a DHIS2 data value set share. `from` names where they came from in a problem.
pub async fn write_figures(
    app: &App,
    who: &Principal,
    incoming: Incoming,
    source: Source,
    dry_run: bool,
    from: &str,
) -> Result<Saved, WebError> {
    let codes: Vec<String> = incoming
        .values
        .iter()
        .map(|v| v.item.record.key.indicator.clone())
        .collect();
    let places: Vec<(String, Period)> = {
        let mut places: Vec<(String, Period)> = incoming
            .values
            .iter()
            .map(|v| (v.item.record.key.unit.clone(), v.item.record.key.period))
            .collect();
        places.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.code().cmp(&b.1.code())));
        places.dedup();
        places
    };
    let stored = app.store.stored().await?;
    let mut planned =
        changes::plan_keeping(&stored, incoming, 4 * crate::SHOWN_PROBLEMS).map_err(|found| {
            let mut kept = found.kept;
            if found.more > 0 {
                kept.push(Problem::error(
                    Location::file(from.to_string()),
                    solieu_core::problem::more(found.more),
                ));
            }
            WebError::Invalid(kept)
        })?;
    for v in &mut planned.values {
        v.source = source.clone();
    }
    let mut beside = HashMap::new();
    for (unit, period) in &places {
        for v in stored_actuals(app, unit, period).await? {
            beside.insert(
                (v.record.key.indicator, unit.clone(), *period),
                v.record.figure.value,
            );
        }
    }
    let (rule_problems, findings) =
        validation::check_planned(&planned.values, &stored.rules, &beside);
    let rule_problems = rules_for_people(who, &stored.rules, rule_problems, &findings, &codes);
    let (warnings, errors): (Vec<Problem>, Vec<Problem>) =
        rule_problems.into_iter().partition(|p| !p.is_error());
    if !errors.is_empty() {
        return Err(WebError::Invalid(errors));
    }
    planned.findings = findings
        .into_iter()
        .filter(|f| f.importance != validation::Importance::High)
        .collect();
    let report = app.store.apply(&planned, &who.username, dry_run).await?;
    if !dry_run {
        // The engine sees the written values before the response goes out.
        for (unit, period) in &places {
            let written = stored_actuals(app, unit, period).await?;
            let mut engine = app.engine.write().unwrap_or_else(|e| e.into_inner());
            for v in written {
                if codes.contains(&v.record.key.indicator) {
                    engine
                        .upsert(&Entry {
                            value_id: v.id,
                            record: v.record,
                            entered_by: v.updated_by,
                        })
                        .map_err(|e| WebError::Internal(e.to_string()))?;
                }
            }
        }
    }
    Ok(Saved {
        values_added: report.values_added,
        values_changed: report.values_changed,
        values_unchanged: report.values_unchanged,
        warnings: warnings.iter().map(|w| w.message.vi.clone()).collect(),
    })
}

/// A unit's stored actual figures of exactly `period`.
pub(crate) async fn stored_actuals(
    app: &App,
    unit: &str,
    period: &Period,
) -> Result<Vec<solieu_store::StoredValue>, WebError> {
    let mut values = app
        .store
        .values(&ValueFilter {
            unit: Some(unit.to_string()),
            within: Some(*period),
            series: Some(Series::Actual),
            ..Default::default()
        })
        .await?;
    values.retain(|v| v.record.key.period == *period);
    Ok(values)
}

/// Broken rules as the form shows them: beside the first field the rule reads that was typed,
/// and, except to the office (who writes the rules), in the rule's own words rather than its
/// code and formula: its message for people, else "Chưa đạt yêu cầu: " and its name.
fn rules_for_people(
    who: &Principal,
    rules: &[validation::Rule],
    problems: Vec<Problem>,
    findings: &[validation::Finding],
    typed: &[String],
) -> Vec<Problem> {
    let office = matches!(who.role, Role::Office | Role::Admin);
    problems
        .into_iter()
        .zip(findings)
        .map(|(mut p, f)| {
            let Some(rule) = rules.iter().find(|r| r.code == f.rule) else {
                return p;
            };
            if let Some(field) = rule
                .references()
                .into_iter()
                .find(|r| typed.iter().any(|t| t == r))
            {
                p.location.column = Some(field.to_string());
            }
            if !office {
                p.message = match rule.message() {
                    Some(message) => solieu_i18n::Text::verbatim(message),
                    None => {
                        solieu_i18n::text!("web-does-not-meet-requirement", rule_name = rule.name)
                    }
                };
                p.hint = None;
            }
            p
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct CompletenessRow {
    pub unit: String,
    pub unit_name: String,
    pub state: String,
    pub submitted_at: Option<String>,
    /// on-time, late, missing (past the deadline), open (not due yet).
    pub timeliness: &'static str,
    /// Days past the deadline of a form not yet sent (0 otherwise).
    pub days_late: i64,
    pub filled: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Completeness {
    pub data_set: String,
    pub data_set_name: String,
    pub period: String,
    pub period_name: String,
    pub deadline: String,
    pub submitted: usize,
    pub rows: Vec<CompletenessRow>,
}

/// Whether a form in `state` has been sent and not sent back: a returned form is the
/// commune's to send again.
fn is_sent(state: &str) -> bool {
    !matches!(state, "draft" | "returned")
}

/// Which reporting units (those with no unit below) the viewer may see have submitted.
pub async fn completeness(
    app: &App,
    who: &Principal,
    set: &str,
    period: &str,
    today: chrono::NaiveDate,
) -> Result<Completeness, WebError> {
    let set = data_set(app, set).await?;
    let period = parse_period(period)?;
    let date = period.end_date();
    let due = deadline(&set, &period);
    let submissions = app.store.submissions(&set.code, &period.code()).await?;
    let values = app
        .store
        .values(&ValueFilter {
            within: Some(period),
            series: Some(Series::Actual),
            ..Default::default()
        })
        .await?;
    // Which units have which figures of exactly this period: read once, not per unit.
    let held: std::collections::HashSet<(&str, &str)> = values
        .iter()
        .filter(|x| x.record.key.period == period)
        .map(|x| (x.record.key.unit.as_str(), x.record.key.indicator.as_str()))
        .collect();
    let engine = app.engine();
    let registry = engine.registry();
    let mut rows = Vec::new();
    for id in registry.valid_on(date) {
        let v = registry.version(id);
        if !registry.children(&v.code, date).is_empty()
            || authorize(&engine, who, Action::Read, &v.code, &[], date).is_err()
        {
            continue;
        }
        let s = submissions.iter().find(|s| s.unit_code == v.code);
        let submitted_at = s.and_then(|s| s.submitted_at);
        let state = s.map_or("draft", |s| s.state.as_str()).to_string();
        let sent = is_sent(&state);
        let timeliness = match submitted_at {
            Some(at) if sent && at.with_timezone(&vietnam()).date_naive() <= due => "on-time",
            Some(_) if sent => "late",
            _ if today > due => "missing",
            _ => "open",
        };
        let filled = set
            .indicators
            .iter()
            .filter(|c| held.contains(&(v.code.as_str(), c.as_str())))
            .count();
        let days_late = if timeliness == "missing" {
            (today - due).num_days()
        } else {
            0
        };
        rows.push(CompletenessRow {
            unit: v.code.clone(),
            unit_name: v.name.clone(),
            state,
            submitted_at: submitted_at.map(date_time_vi),
            timeliness,
            days_late,
            filled,
            total: set.indicators.len(),
        });
    }
    rows.sort_by(|a, b| a.unit.cmp(&b.unit));
    Ok(Completeness {
        submitted: rows.iter().filter(|r| is_sent(&r.state)).count(),
        data_set: set.code.clone(),
        data_set_name: set.name.clone(),
        period: period.code(),
        period_name: period.name_vi(),
        deadline: date_vi(due),
        rows,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    pub indicator: String,
    pub name: String,
    pub measure: String,
    pub value: String,
    pub plan: String,
    pub plan_name: String,
    pub percent: String,
    pub expected: String,
    /// Percentage points short of (negative) or ahead of the time elapsed.
    pub gap: String,
    pub behind: bool,
    pub value_id: Option<i64>,
    pub status: &'static str,
    pub entered_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub indicator: String,
    pub name: String,
    pub measure: String,
    pub value: String,
    pub previous: String,
    pub previous_name: String,
    pub change: String,
    pub up: bool,
    pub value_id: Option<i64>,
    pub status: &'static str,
    pub entered_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitRow {
    pub unit: String,
    pub unit_name: String,
    pub value: String,
    #[serde(skip)]
    pub number: Decimal,
    pub value_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub period_name: String,
    pub indicator: Option<String>,
    pub indicator_name: Option<String>,
    pub units: Vec<(String, String)>,
    pub indicators: Vec<(String, String)>,
    pub behind: Vec<PlanRow>,
    pub plans: Vec<PlanRow>,
    pub changes: Vec<ChangeRow>,
    pub communes: Vec<UnitRow>,
    pub communes_svg: Option<String>,
    pub trend_svg: Option<String>,
    /// The trend's figures by period (short name, value), for the table beside the chart.
    pub trend: Vec<(String, Option<String>)>,
    pub reached: (usize, usize),
    /// The share of the year the period covers ("50%"): where a plan should be by now.
    pub elapsed: String,
    /// A department's indicator groups, the only ones its dashboard shows; empty for others.
    pub groups: Vec<String>,
    /// The periods to choose from (code, Vietnamese name), newest first.
    pub periods: Vec<(String, String)>,
}

/// The unit a viewer starts from: its own, else the first top-level unit of the day.
pub fn home_unit(engine: &Engine, who: &Principal, date: chrono::NaiveDate) -> Option<String> {
    if let Some(u) = &who.unit
        && engine.registry().resolve(u, date).is_some()
    {
        return Some(u.clone());
    }
    let registry = engine.registry();
    registry
        .valid_on(date)
        .map(|id| registry.version(id))
        .find(|v| v.parent.is_none())
        .map(|v| v.code.clone())
}

pub fn dashboard(
    app: &App,
    who: &Principal,
    unit: Option<&str>,
    period: &Period,
    indicator: Option<&str>,
) -> Result<Dashboard, WebError> {
    let engine = app.engine();
    let date = period.end_date();
    let unit = match unit.filter(|u| !u.is_empty()) {
        Some(u) => u.to_string(),
        None => home_unit(&engine, who, date)
            .ok_or_else(|| not_found(solieu_i18n::text!("web-no-unit"), &period.code()))?,
    };
    let version = unit_version(&engine, &unit, period)?;
    authorize(&engine, who, Action::Read, &unit, &[], date)?;
    let registry = engine.registry();
    let units: Vec<(String, String)> = registry
        .valid_on(date)
        .map(|id| registry.version(id))
        .filter(|v| authorize(&engine, who, Action::Read, &v.code, &[], date).is_ok())
        .map(|v| (v.code.clone(), v.name.clone()))
        .collect();
    // The share of the year the period covers: half a year should bring half the annual plan.
    let elapsed = Decimal::from(period.months().min(12)) * Decimal::from(100) / Decimal::from(12);
    let mut figures = dashboard_figures(&engine, who, version, period, elapsed);
    figures.plans.sort_by(|a, b| {
        a.behind
            .cmp(&b.behind)
            .reverse()
            .then(a.indicator.cmp(&b.indicator))
    });
    let behind: Vec<PlanRow> = figures.plans.iter().filter(|p| p.behind).cloned().collect();
    let chosen = indicator
        .and_then(|code| engine.indicator_id(code))
        .or_else(|| {
            figures
                .with_figures
                .first()
                .and_then(|(c, _)| engine.indicator_id(c))
        });
    let (mut communes, mut communes_svg, mut trend_svg, mut trend) =
        (Vec::new(), None, None, Vec::new());
    if let Some(i) = chosen {
        let decimals = engine.indicator(i).decimals;
        communes = units_below(&engine, who, &unit, i, period);
        if !communes.is_empty() {
            communes_svg = Some(crate::svg::bars(
                &communes
                    .iter()
                    .map(|r| (r.unit_name.clone(), r.number, r.value.clone()))
                    .collect::<Vec<_>>(),
                "communes-title",
            ));
        }
        let points = trend_points(&engine, &unit, i, period);
        if points.iter().any(|(_, v)| v.is_some()) {
            trend_svg = Some(crate::svg::line(&points, decimals, "trend-title"));
            // The same figures as a table beside the chart, from the first period with one.
            let first = points.iter().position(|(_, v)| v.is_some()).unwrap_or(0);
            trend = points[first..]
                .iter()
                .map(|(p, v)| (p.clone(), v.map(|v| vi(v, decimals))))
                .collect();
        }
    }
    let periods = periods_to_choose(&engine, who, &unit, period);
    Ok(Dashboard {
        periods,
        unit_name: registry.version(version).name.clone(),
        unit,
        period: period.code(),
        period_name: period.name_vi(),
        indicator: chosen.map(|i| engine.indicator(i).code.clone()),
        indicator_name: chosen.map(|i| engine.indicator(i).name.clone()),
        units,
        indicators: figures.with_figures,
        behind,
        plans: figures.plans,
        changes: figures.changes,
        communes,
        communes_svg,
        trend_svg,
        trend,
        reached: solieu_analytics::plans_reached(&figures.comparisons, None),
        elapsed: percent_vi(elapsed, 0),
        groups: department_groups(who),
    })
}

/// The dashboard's figures of one unit and period, indicator by indicator of the person's
/// own: against the plan, against the same period, and every comparison for the count of
/// plans reached.
struct DashboardFigures {
    plans: Vec<PlanRow>,
    changes: Vec<ChangeRow>,
    comparisons: Vec<solieu_analytics::Comparison>,
    /// (code, name) of the indicators with a figure, to choose one from.
    with_figures: Vec<(String, String)>,
}

fn dashboard_figures(
    engine: &Engine,
    who: &Principal,
    version: VersionId,
    period: &Period,
    elapsed: Decimal,
) -> DashboardFigures {
    let mut out = DashboardFigures {
        plans: Vec::new(),
        changes: Vec::new(),
        comparisons: Vec::new(),
        with_figures: Vec::new(),
    };
    for i in 0..engine.indicators().len() as u32 {
        if !own_indicator(who, engine.indicator(i)) {
            continue;
        }
        let c = engine.compare(i, version, period);
        let Some(actual) = &c.actual else {
            if !c.plans.is_empty() {
                out.comparisons.push(c);
            }
            continue;
        };
        let ind = engine.indicator(i);
        out.with_figures.push((ind.code.clone(), ind.name.clone()));
        let first_part = actual.parts.first().map(|p| engine.fact(p.fact));
        let value_id = first_part
            .as_ref()
            .filter(|_| actual.parts.len() == 1)
            .map(|f| f.value_id);
        let entered_by = first_part.map(|f| f.entered_by);
        if let Some(p) = c.plans.first()
            && let Some(percent) = p.percent
        {
            let gap = percent - elapsed;
            out.plans.push(PlanRow {
                indicator: ind.code.clone(),
                name: ind.name.clone(),
                measure: ind.unit.symbol().to_string(),
                value: vi(actual.value, ind.decimals),
                plan: vi(p.plan.value, ind.decimals),
                plan_name: plan_name(&p.series, &p.plan.method),
                percent: percent_vi(percent, 2),
                expected: percent_vi(elapsed, 0),
                gap: number_vi(gap, 1),
                behind: gap < Decimal::ZERO,
                value_id,
                status: actual.status.code(),
                entered_by: entered_by.clone(),
            });
        }
        if let Some(prev) = &c.previous
            && let Some(change) = change_percent(actual.value, prev.value.value)
        {
            out.changes.push(ChangeRow {
                indicator: ind.code.clone(),
                name: ind.name.clone(),
                measure: ind.unit.symbol().to_string(),
                value: vi(actual.value, ind.decimals),
                previous: vi(prev.value.value, ind.decimals),
                previous_name: prev.period.name_vi(),
                change: format!(
                    "{}{}%",
                    if change > Decimal::ZERO { "+" } else { "" },
                    number_vi(change, 1)
                ),
                up: change >= Decimal::ZERO,
                value_id,
                status: actual.status.code(),
                entered_by,
            });
        }
        out.comparisons.push(c);
    }
    out
}

/// The units directly below `unit` the person may read, with their figure of indicator `i`,
/// largest first.
fn units_below(
    engine: &Engine,
    who: &Principal,
    unit: &str,
    i: u32,
    period: &Period,
) -> Vec<UnitRow> {
    let registry = engine.registry();
    let date = period.end_date();
    let decimals = engine.indicator(i).decimals;
    let below = registry.children(unit, date);
    let values = engine.values_for(i, &below, period, &Series::Actual);
    let mut rows: Vec<UnitRow> = below
        .iter()
        .zip(values)
        .filter_map(|(&id, value)| {
            let v = registry.version(id);
            let value = value?;
            authorize(engine, who, Action::Read, &v.code, &[], date).ok()?;
            let value_id = (value.parts.len() == 1)
                .then(|| value.parts.first().map(|p| engine.fact(p.fact).value_id))
                .flatten();
            Some(UnitRow {
                unit: v.code.clone(),
                unit_name: v.name.clone(),
                value: vi(value.value, decimals),
                number: value.value,
                value_id,
            })
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.number));
    rows
}

/// Indicator `i` of `unit` over the same kind of period going back: eight points.
fn trend_points(
    engine: &Engine,
    unit: &str,
    i: u32,
    period: &Period,
) -> Vec<(String, Option<Decimal>)> {
    let months = period.months();
    (0..8)
        .rev()
        .filter_map(|back| {
            Period::from_index(period.index() - i64::from(months) * back, months).ok()
        })
        .map(|p| {
            let value = unit_version(engine, unit, &p)
                .ok()
                .and_then(|v| engine.value(i, v, &p, &Series::Actual));
            (period_short_vi(&p), value.map(|c| c.value))
        })
        .collect()
}

/// Whether the dashboard shows `indicator` to `who`: a department sees its own groups only.
fn own_indicator(who: &Principal, indicator: &solieu_core::indicator::Indicator) -> bool {
    who.role != policy::Role::Department || policy::in_groups(&who.groups, &indicator.group_path())
}

/// A department's groups by their last name ("Y tế" for "Văn hóa - xã hội > Y tế").
fn department_groups(who: &Principal) -> Vec<String> {
    if who.role != policy::Role::Department {
        return Vec::new();
    }
    who.groups
        .iter()
        .map(|g| g.rsplit('>').next().unwrap_or(g).trim().to_string())
        .collect()
}

/// Who assigned a plan, as the unit's own level sees it: a plan stored for the unit is named
/// by its source; one added up from the units below says so ("tổng kế hoạch HĐND xã giao của
/// 4 đơn vị cấp dưới"), since no one assigned it at this level.
pub fn plan_name(series: &Series, method: &solieu_analytics::Method) -> String {
    use solieu_analytics::Method;
    let name = series.name_vi();
    let below = |reported: usize, units: usize| {
        if reported == units {
            format!("{units}")
        } else {
            format!("{reported}/{units}")
        }
    };
    let lang = solieu_core::problem::Lang::Vi;
    match method {
        Method::UnitSum { reported, units } => solieu_i18n::tr!(
            lang,
            "web-plan-sum-of-units-below",
            plan = name,
            units = below(*reported, *units)
        ),
        Method::UnitAverage { reported, units } => solieu_i18n::tr!(
            lang,
            "web-plan-average-of-units-below",
            plan = name,
            units = below(*reported, *units)
        ),
        _ => name,
    }
}

/// The periods a viewer chooses from on the dashboard: those with figures stored for the unit
/// or any unit that was ever below it, which the viewer may read, and the one shown; newest
/// first.
fn periods_to_choose(
    engine: &Engine,
    who: &Principal,
    unit: &str,
    shown: &Period,
) -> Vec<(String, String)> {
    let registry = engine.registry();
    let units: Vec<VersionId> = (0..registry.versions().len())
        .filter(|&id| {
            let v = registry.version(id);
            let day = v.valid_to.or(v.valid_from).unwrap_or(shown.end_date());
            policy::within(registry, &v.code, unit, day)
                && authorize(engine, who, Action::Read, &v.code, &[], day).is_ok()
        })
        .collect();
    named_periods(engine.periods_of(&units), shown)
}

/// The periods of a data set to choose from: the last twelve of its kind up to the latest
/// ended one, the one shown, and any other its data set's figures are stored for.
pub fn data_set_periods(
    app: &App,
    period_type: &str,
    shown: &Period,
    today: chrono::NaiveDate,
) -> Vec<(String, String)> {
    let mut periods = stored_periods(app, |p| datasets::period_fits(period_type, p));
    if let Some(latest) = datasets::latest_period(period_type, today) {
        let months = latest.months();
        periods.extend((0..12).filter_map(|back| {
            Period::from_index(latest.index() - i64::from(months) * back, months).ok()
        }));
    }
    periods.sort();
    periods.dedup();
    named_periods(periods, shown)
}

/// The published page's periods: those with figures stored that some data set collects.
pub async fn public_periods(app: &App, shown: &Period) -> Result<Vec<(String, String)>, WebError> {
    let types: Vec<String> = app
        .store
        .data_sets()
        .await?
        .into_iter()
        .map(|s| s.period_type)
        .collect();
    let periods = stored_periods(app, |p| types.iter().any(|t| datasets::period_fits(t, p)));
    Ok(named_periods(periods, shown))
}

fn stored_periods(app: &App, keep: impl Fn(&Period) -> bool) -> Vec<Period> {
    let engine = app.engine();
    let units: Vec<VersionId> = (0..engine.registry().versions().len()).collect();
    engine.periods_of(&units).into_iter().filter(keep).collect()
}

/// Periods as (code, Vietnamese name), newest first, `shown` among them.
pub fn named_periods(mut periods: Vec<Period>, shown: &Period) -> Vec<(String, String)> {
    if !periods.contains(shown) {
        periods.push(*shown);
    }
    periods.sort_by(|a, b| {
        b.end_date()
            .cmp(&a.end_date())
            .then(b.months().cmp(&a.months()))
    });
    periods.dedup();
    periods.iter().map(|p| (p.code(), p.name_vi())).collect()
}

/// A computed figure with the stored values behind it.
pub fn provenance(
    app: &App,
    who: &Principal,
    indicator: &str,
    unit: &str,
    period: &str,
) -> Result<solieu_analytics::FigureView, WebError> {
    let period = parse_period(period)?;
    let engine = app.engine();
    let version = unit_version(&engine, unit, &period)?;
    authorize(&engine, who, Action::Read, unit, &[], period.end_date())?;
    let i = engine
        .indicator_id(indicator)
        .ok_or_else(|| not_found(solieu_i18n::text!("cli-no-indicator"), indicator))?;
    Ok(engine.view(&engine.compare(i, version, &period)))
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    pub revision: i64,
    pub value: String,
    pub status: &'static str,
    pub note: String,
    pub changed_by: String,
    pub changed_at: String,
    pub source: String,
    /// Where the figure came from, in Vietnamese, without the form's codes.
    pub source_vi: String,
}

fn source_vi(source: &Source, unit_name: &str, period_name: &str) -> String {
    match source {
        Source::File { path, line: 0 } => format!("tệp {path}"),
        Source::File { path, line } => format!("tệp {path}, dòng {line}"),
        Source::Form { .. } => format!("biểu mẫu trên web, {unit_name}, {period_name}"),
        Source::Api { client } => format!("qua API ({client})"),
        Source::Cli => "dòng lệnh".into(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ValueHistory {
    pub value_id: i64,
    pub indicator: String,
    pub indicator_name: String,
    pub unit: String,
    pub period: String,
    pub series: String,
    /// The codes above as a page names them: "xã Bình Liêu", "tháng 10/2026", "thực hiện".
    pub unit_name: String,
    pub period_name: String,
    pub series_name: String,
    pub revisions: Vec<RevisionView>,
}

/// Every state a stored value has had, if the viewer may read its unit.
pub async fn history(app: &App, who: &Principal, value_id: i64) -> Result<ValueHistory, WebError> {
    let missing = || not_found(solieu_i18n::text!("web-no-value"), &value_id.to_string());
    let (indicator, unit, period, series) =
        app.store.value_about(value_id).await?.ok_or_else(missing)?;
    let p = parse_period(&period)?;
    let (indicator_name, unit_name) = {
        let engine = app.engine();
        // Same answer for a value that exists elsewhere and one that does not.
        authorize(&engine, who, Action::Read, &unit, &[], p.end_date()).map_err(|_| missing())?;
        (
            engine
                .indicator_id(&indicator)
                .map(|i| engine.indicator(i).name.clone())
                .unwrap_or_default(),
            unit_version(&engine, &unit, &p)
                .map(|v| engine.registry().version(v).name.clone())
                .unwrap_or_else(|_| unit.clone()),
        )
    };
    let period_name = p.name_vi();
    let series_name = series
        .parse::<Series>()
        .map(|s| s.name_vi())
        .unwrap_or_else(|_| series.clone());
    let revisions = app.store.history(value_id).await?;
    Ok(ValueHistory {
        value_id,
        indicator,
        indicator_name,
        unit,
        period,
        series,
        revisions: revisions
            .into_iter()
            .map(|r| RevisionView {
                source_vi: source_vi(&r.source, &unit_name, &period_name),
                revision: r.number,
                value: number_vi(r.figure.value, r.figure.value.scale()),
                status: r.figure.status.code(),
                note: r.figure.note,
                changed_by: r.changed_by,
                changed_at: date_time_vi(r.changed_at),
                source: r.source.to_string(),
            })
            .collect(),
        unit_name,
        period_name,
        series_name,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Assignment {
    pub data_set: String,
    pub data_set_name: String,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub period_name: String,
    pub deadline: String,
    pub state: String,
    /// Where the form stands against its deadline ([`Due`]).
    pub due: Due,
    /// Days past the deadline (overdue) or left before it (due soon).
    pub days: i64,
    /// The account enters this form's figures (not only approves them): kept on its device
    /// for use without the network.
    pub writes: bool,
}

/// Where a form stands against its deadline, for the officer's list and the office's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Due {
    /// Still to be sent (or sent back) and its deadline is past.
    Overdue,
    /// Returned with a reason: the officer's turn again.
    Returned,
    /// Still to be sent, the deadline within [`DUE_SOON_DAYS`].
    DueSoon,
    Open,
    /// Sent, waiting for an approval level.
    Waiting,
    Approved,
}

/// How near a deadline is "soon" on the officer's list.
pub const DUE_SOON_DAYS: i64 = 3;

impl Due {
    /// A form in `state` with its deadline `due`, seen on `today`; with the days late or left.
    pub fn of(state: &str, due: chrono::NaiveDate, today: chrono::NaiveDate) -> (Due, i64) {
        let late = (today - due).num_days();
        match state {
            "approved" => (Due::Approved, 0),
            "submitted" => (Due::Waiting, 0),
            _ if late > 0 => (Due::Overdue, late),
            "returned" => (Due::Returned, 0),
            _ if -late <= DUE_SOON_DAYS => (Due::DueSoon, -late),
            _ => (Due::Open, -late),
        }
    }
}

/// The forms a viewer can open: each data set's latest two periods, for every reporting unit
/// the viewer may write to (or read, for approvers).
pub async fn assignments(
    app: &App,
    who: &Principal,
    today: chrono::NaiveDate,
) -> Result<Vec<Assignment>, WebError> {
    let sets = app.store.data_sets().await?;
    let mut out = Vec::new();
    for set in sets {
        let Some(latest) = datasets::latest_period(&set.period_type, today) else {
            continue;
        };
        let months = latest.months();
        let periods: Vec<Period> = [
            Period::from_index(latest.index() + i64::from(months), months).ok(),
            Some(latest),
        ]
        .into_iter()
        .flatten()
        .collect();
        for period in periods {
            let submissions = app.store.submissions(&set.code, &period.code()).await?;
            let engine = app.engine();
            let registry = engine.registry();
            let date = period.end_date();
            for id in registry.valid_on(date) {
                let v = registry.version(id);
                if !registry.children(&v.code, date).is_empty() {
                    continue;
                }
                let writes =
                    authorize(&engine, who, Action::Write, &v.code, &set.indicators, date).is_ok();
                let may = writes
                    || (1..=workflow::levels(&set))
                        .any(|l| workflow::acts_at(&engine, who, &set, &v.code, date, l));
                if !may {
                    continue;
                }
                let state = submissions
                    .iter()
                    .find(|s| s.unit_code == v.code)
                    .map_or_else(|| "draft".to_string(), |s| s.state.clone());
                let (due, days) = Due::of(&state, deadline(&set, &period), today);
                out.push(Assignment {
                    data_set: set.code.clone(),
                    data_set_name: set.name.clone(),
                    unit: v.code.clone(),
                    unit_name: v.name.clone(),
                    period: period.code(),
                    period_name: period.name_vi(),
                    deadline: date_vi(deadline(&set, &period)),
                    state,
                    due,
                    days,
                    writes,
                });
            }
        }
    }
    // What needs the officer first: overdue, returned, due soon; the rest as listed.
    out.sort_by_key(|a| a.due);
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicFigure {
    pub data_set_name: String,
    pub unit_name: String,
    pub period_name: String,
    pub indicator_name: String,
    pub measure: String,
    pub value: String,
    pub status: &'static str,
}

/// What the public sees: figures of data sets approved for their unit and period, nothing
/// else.
pub async fn published(app: &App, period: &Period) -> Result<Vec<PublicFigure>, WebError> {
    let mut out = Vec::new();
    for set in app.store.data_sets().await? {
        if !datasets::period_fits(&set.period_type, period) {
            continue;
        }
        for s in app.store.submissions(&set.code, &period.code()).await? {
            if s.state != "approved" {
                continue;
            }
            let values = app
                .store
                .values(&ValueFilter {
                    unit: Some(s.unit_code.clone()),
                    within: Some(*period),
                    series: Some(Series::Actual),
                    ..Default::default()
                })
                .await?;
            let engine = app.engine();
            let Ok(version) = unit_version(&engine, &s.unit_code, period) else {
                continue;
            };
            for code in &set.indicators {
                let Some(i) = engine.indicator_id(code) else {
                    continue;
                };
                let ind = engine.indicator(i);
                if let Some(v) = values
                    .iter()
                    .find(|v| &v.record.key.indicator == code && v.record.key.period == *period)
                {
                    out.push(PublicFigure {
                        data_set_name: set.name.clone(),
                        unit_name: engine.registry().version(version).name.clone(),
                        period_name: period.name_vi(),
                        indicator_name: ind.name.clone(),
                        measure: ind.unit.symbol().to_string(),
                        // As approved (1.240,75 stays 1.240,75).
                        value: figure_vi(v.record.figure.value, ind.decimals),
                        status: v.record.figure.status.code(),
                    });
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::read_number;
    use rust_decimal::Decimal;
    use solieu_core::number::DecimalConvention;

    #[test]
    fn figures_are_read_under_the_convention_of_where_they_come_from() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let form = DecimalConvention::Comma;
        let api = DecimalConvention::Point;
        assert_eq!(read_number("1.234,5", form), Some(d("1234.5")));
        assert_eq!(read_number("15.321", form), Some(d("15321")));
        assert_eq!(read_number("15.321", api), Some(d("15.321")));
        assert_eq!(read_number("643,41", form), Some(d("643.41")));
        assert_eq!(read_number("1234.5", api), Some(d("1234.5")));
        // What a phone's keyboard may type, and the browser accepts, the form accepts too.
        assert_eq!(read_number("1234.5", form), Some(d("1234.5")));
        assert_eq!(read_number("15,3,21", form), None);
        assert_eq!(read_number("mười", api), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_a_number_or_refused_without_a_panic(text in "\\PC{0,40}") {
            let _ = read_number(&text, DecimalConvention::Comma);
            let _ = read_number(&text, DecimalConvention::Point);
        }
    }
}

/// A generated report the viewer may read, for the dashboard's list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportLine {
    pub id: i64,
    pub unit: String,
    pub unit_name: String,
    pub period: String,
    pub period_name: String,
    pub created_by: String,
    pub created_at: String,
}

/// The latest generated reports (`solieu report` records each), newest first, of units the
/// viewer may read.
pub async fn latest_reports(
    app: &App,
    who: &Principal,
    limit: usize,
) -> Result<Vec<ReportLine>, WebError> {
    let stored = app.store.reports(None).await?;
    // The account by the name an official knows it by ("Văn phòng UBND tỉnh"), not its login.
    let names: HashMap<String, String> = app
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| (u.username, u.display_name))
        .collect();
    let engine = app.engine();
    let mut lines = Vec::new();
    for r in stored.iter().rev() {
        let Ok(period) = r.report.period.parse::<Period>() else {
            continue;
        };
        if authorize(
            &engine,
            who,
            Action::Read,
            &r.report.unit,
            &[],
            period.end_date(),
        )
        .is_err()
        {
            continue;
        }
        let unit_name = engine
            .registry()
            .resolve(&r.report.unit, period.end_date())
            .map(|id| engine.registry().version(id).name.clone())
            .unwrap_or_else(|| r.report.unit.clone());
        lines.push(ReportLine {
            id: r.id,
            unit: r.report.unit.clone(),
            unit_name,
            period: r.report.period.clone(),
            period_name: period.name_vi(),
            created_by: names
                .get(&r.created_by)
                .cloned()
                .unwrap_or_else(|| r.created_by.clone()),
            created_at: date_time_text_vi(&r.created_at),
        });
        if lines.len() == limit {
            break;
        }
    }
    Ok(lines)
}

/// A recorded report as it was printed, when the viewer may read its unit.
pub async fn stored_report(
    app: &App,
    who: &Principal,
    id: i64,
) -> Result<solieu_report::model::Document, WebError> {
    report_document(&readable_report(app, who, id).await?)
}

/// The document a recorded report printed.
pub fn report_document(
    stored: &solieu_store::StoredReport,
) -> Result<solieu_report::model::Document, WebError> {
    serde_json::from_str(&stored.report.document)
        .map_err(|e| WebError::Internal(format!("report {}: {e}", stored.id)))
}

/// A recorded report as stored, when the viewer may read its unit; the same answer for a
/// report of another unit as for none, so its existence is not told.
pub async fn readable_report(
    app: &App,
    who: &Principal,
    id: i64,
) -> Result<solieu_store::StoredReport, WebError> {
    let missing = || WebError::NotFound(solieu_i18n::text!("web-there-no-report", id = id));
    let stored = app.store.report(id).await?.ok_or_else(missing)?;
    let period = stored
        .report
        .period
        .parse::<Period>()
        .map_err(|_| missing())?;
    authorize(
        &app.engine(),
        who,
        Action::Read,
        &stored.report.unit,
        &[],
        period.end_date(),
    )
    .map_err(|_| missing())?;
    Ok(stored)
}

/// A recorded report as the Decree 30 document (DOCX, charts drawn), when the viewer may read
/// its unit.
pub async fn report_docx(app: &App, who: &Principal, id: i64) -> Result<Vec<u8>, WebError> {
    let document = stored_report(app, who, id).await?;
    // Drawing the charts loads fonts and rasterises: off the request threads.
    tokio::task::spawn_blocking(move || solieu_report::docx::docx_with_charts(&document))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The data set's workbook for one unit and period: its indicators down, the unit's figures of
/// the period across, with the mapping that lets the filled workbook come back through
/// [`workbook_entries`] (or `solieu import`).
pub async fn workbook_template(
    app: &App,
    who: &Principal,
    set: &str,
    unit: &str,
    period: &str,
) -> Result<Vec<u8>, WebError> {
    let scope = scope(app, set, unit, period).await?;
    let date = scope.period.end_date();
    authorize(&app.engine(), who, Action::Read, unit, &[], date)?;
    let engine = app.engine();
    let version = unit_version(&engine, unit, &scope.period)?;
    let unit_name = engine.registry().version(version).name.clone();
    let indicators: Vec<_> = scope
        .set
        .indicators
        .iter()
        .filter_map(|code| {
            engine
                .indicator_id(code)
                .map(|i| engine.indicator(i).clone())
        })
        .collect();
    let mut template = solieu_io::template::Template::for_unit(
        scope.set.name.to_uppercase(),
        &unit_name,
        unit,
        &scope.period,
    );
    template.indicators = indicators;
    template.columns = vec![solieu_io::template::TemplateColumn {
        header: format!("{unit_name} ({unit})"),
        role: solieu_io::excel::Role::Value,
        unit: None,
        period: scope.period,
        series: Series::Actual,
        status: Some(Status::Estimate),
    }];
    solieu_io::template::write_template(&template).map_err(|e| WebError::Internal(e.to_string()))
}

/// The figures of an uploaded workbook (the data set's template filled in, or any workbook
/// `solieu import` reads) as form entries, refused with every problem where it is when the
/// workbook cannot be read or holds figures of another unit, period or data set.
pub async fn workbook_entries(
    app: &App,
    who: &Principal,
    set: &str,
    unit: &str,
    period: &str,
    file: &str,
    bytes: &[u8],
) -> Result<Vec<Entered>, WebError> {
    let scope = scope(app, set, unit, period).await?;
    // Nothing of the file is looked at for a unit the viewer cannot write.
    authorize(
        &app.engine(),
        who,
        Action::Read,
        unit,
        &[],
        scope.period.end_date(),
    )?;
    authorize(
        &app.engine(),
        who,
        Action::Write,
        unit,
        &scope.set.indicators,
        scope.period.end_date(),
    )?;
    let read = {
        let engine = app.engine();
        let catalog = solieu_io::excel::Catalog {
            indicators: engine.indicators(),
            registry: engine.registry(),
        };
        if !solieu_io::excel::is_workbook(bytes) {
            return Err(WebError::Invalid(vec![Problem::error(
                Location::file(file),
                solieu_i18n::text!("web-uploaded-file-not-workbook-xlsx"),
            )]));
        }
        // One request's budget (docs/limits.md), not the command line's.
        let options = solieu_io::ReadOptions {
            limits: solieu_io::Limits::upload(),
            ..Default::default()
        };
        solieu_io::excel::read_workbook(file, bytes, None, &catalog, &options)
    };
    let mut problems: Vec<Problem> = read.problems.into_iter().filter(|p| p.is_error()).collect();
    if read.omitted_errors > 0 {
        problems.push(Problem::error(
            Location::file(file),
            solieu_core::problem::more(read.omitted_errors),
        ));
    }
    let mut entered = Vec::new();
    for v in read.incoming.values {
        let k = &v.item.record.key;
        let ours = k.unit == scope.unit
            && k.period == scope.period
            && k.series == Series::Actual
            && scope.set.indicators.contains(&k.indicator);
        if !ours {
            problems.push(
                Problem::error(
                    v.location.clone(),
                    solieu_i18n::text!(
                        "web-figure-outside-this-form-form",
                        indicator = k.indicator,
                        unit = k.unit,
                        period_code = k.period.code(),
                        set_code = scope.set.code,
                        unit2 = scope.unit,
                        period_code2 = scope.period.code()
                    ),
                )
                .with_hint(solieu_i18n::text!("web-download-workbook-this-unit-period")),
            );
            continue;
        }
        entered.push(Entered {
            indicator: k.indicator.clone(),
            // Exact, in the plain form the upload is read back under.
            value: v.item.record.figure.value.normalize().to_string(),
            status: Some(v.item.record.figure.status.code().to_string()),
            note: Some(v.item.record.figure.note.clone()).filter(|n| !n.is_empty()),
            measure: v.item.measure.clone(),
            base: None,
        });
    }
    if !problems.is_empty() {
        return Err(WebError::Invalid(problems));
    }
    if entered.is_empty() {
        return Err(WebError::Invalid(vec![Problem::error(
            Location::file(file),
            solieu_i18n::text!("web-workbook-holds-no-filled-figure"),
        )]));
    }
    Ok(entered)
}
