//! The approval of a data set's figures level by level, as the pages, the API and the
//! `solieu` commands take it: the rule is `solieu_core::workflow::step`; here is who acts at
//! which level (the data set names a role per level, and the unit must be within the
//! person's reach), and an approval of a parent unit covering the units below it.

use crate::ops::{self, authorize};
use crate::policy::{Action, Principal, Role};
use crate::{App, WebError};
use solieu_analytics::Engine;
use solieu_core::problem::Text;
use solieu_core::workflow::{self, Actor, Refusal, State, Step};
use solieu_store::{DataSetRow, Submission, SubmissionStep};

/// How many approval levels a data set has (one when it names none).
pub fn levels(set: &DataSetRow) -> usize {
    set.levels.len().max(1)
}

/// Whether `who` acts at approval `level` (1-based) of `set` for `unit` as of `date`: the
/// level's role (or, for a data set that names none, the office or a leader) and the unit
/// within reach. An administrator acts at every level.
pub fn acts_at(
    engine: &Engine,
    who: &Principal,
    set: &DataSetRow,
    unit: &str,
    date: chrono::NaiveDate,
    level: usize,
) -> bool {
    let role_fits = match set.levels.get(level.wrapping_sub(1)) {
        None => matches!(who.role, Role::Admin | Role::Office | Role::Leader),
        Some(role) => who.role == Role::Admin || who.role.code() == role,
    };
    role_fits && authorize(engine, who, Action::Approve, unit, &set.indicators, date).is_ok()
}

/// The state a stored submission is in (none: a draft). A state this version does not know
/// reads as submitted, which locks rather than opens.
pub fn state_of(submission: Option<&Submission>) -> State {
    submission.map_or(State::Draft, |s| {
        State::from_stored(&s.state, usize::try_from(s.level).unwrap_or(0))
            .unwrap_or(State::Submitted { accepted: 0 })
    })
}

/// The name of an approval level for people ("cấp 2: lãnh đạo").
pub fn level_name(set: &DataSetRow, level: usize) -> Text {
    let role = match set.levels.get(level.wrapping_sub(1)).map(String::as_str) {
        Some("office") => solieu_i18n::text!("web-planning-office-2"),
        Some("department") => solieu_i18n::text!("web-department-2"),
        Some("leader") => solieu_i18n::text!("web-role-leader"),
        _ => solieu_i18n::text!("web-approver"),
    };
    solieu_i18n::text!("web-level-2", level = level, role = role)
}

fn parse_step(action: &str) -> Option<Step> {
    match action {
        "submit" => Some(Step::Submit),
        "approve" => Some(Step::Approve),
        // "reopen" is the earlier name of a return, kept for the API's clients.
        "return" | "reopen" => Some(Step::Return),
        _ => None,
    }
}

/// What a step did: the state it left the unit in, and for an approval of a parent unit,
/// the units below it accepted with it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stepped {
    pub state: String,
    pub level: usize,
    pub covered: Vec<String>,
}

/// A workflow step: `submit`, `approve`, `return` (or `reopen`, with a reason). Approving a
/// unit that has units below it accepts, at the same level, every unit below awaiting it.
pub async fn step(
    app: &App,
    who: &Principal,
    set: &str,
    unit: &str,
    period: &str,
    action: &str,
    reason: &str,
) -> Result<Stepped, WebError> {
    let scope = ops::scope(app, set, unit, period).await?;
    let date = scope.period.end_date();
    authorize(&app.engine(), who, Action::Read, unit, &[], date)?;
    let Some(wanted) = parse_step(action) else {
        return Err(WebError::NotFound(solieu_i18n::text!(
            "web-no-such-action-2",
            action = action
        )));
    };
    if wanted == Step::Submit {
        authorize(
            &app.engine(),
            who,
            Action::Submit,
            unit,
            &scope.set.indicators,
            date,
        )?;
    } else if !(1..=levels(&scope.set))
        .any(|l| acts_at(&app.engine(), who, &scope.set, unit, date, l))
    {
        // Someone who approves at no level of this data set (a commune officer, a department
        // the data set does not name) is refused outright, whatever the state.
        return Err(WebError::Forbidden);
    }
    let period_code = scope.period.code();
    let _writing = app.writes.lock().await;
    let units = if wanted == Step::Approve {
        with_units_below(app, &scope.set, unit, &period_code, date).await?
    } else {
        vec![(
            unit.to_string(),
            app.store.submission(set, unit, &period_code).await?,
        )]
    };
    let covering = units.len() > 1;
    let mut planned = Vec::new();
    let mut refusal = None;
    for (code, submission) in &units {
        match plan_one(
            app,
            who,
            &scope.set,
            code,
            date,
            submission.as_ref(),
            wanted,
            reason,
        ) {
            Ok(p) => planned.push((code.clone(), submission.as_ref().map(|s| s.level), p)),
            Err(r) => refusal = refusal.or(Some((code.clone(), r))),
        }
    }
    let own = planned.iter().find(|(c, ..)| c == unit).map(|(.., p)| *p);
    if planned.is_empty() || (!covering && own.is_none()) {
        let (code, r) = refusal.unwrap_or((unit.to_string(), Refusal::State));
        return Err(refused(wanted, r, &code, unit));
    }
    let from_states: Vec<Vec<Option<&str>>> = planned
        .iter()
        .map(|(code, ..)| {
            let s = units
                .iter()
                .find(|(c, _)| c == code)
                .and_then(|(_, s)| s.as_ref());
            match s {
                None => vec![None, Some("draft")],
                Some(s) => vec![Some(s.state.as_str())],
            }
        })
        .collect();
    let steps: Vec<SubmissionStep> = planned
        .iter()
        .zip(&from_states)
        .map(|((code, from_level, taken), from)| SubmissionStep {
            data_set: set,
            unit: code,
            period: &period_code,
            from,
            from_level: *from_level,
            to: taken.to.code(),
            to_level: i64::try_from(taken.to.accepted(levels(&scope.set))).unwrap_or(0),
            action,
            level: i64::try_from(taken.level).unwrap_or(0),
            reason: reason.trim(),
        })
        .collect();
    app.store
        .step_submissions(&steps, &who.username)
        .await
        .map_err(|e| match e {
            solieu_store::StoreError::Conflict(_) => {
                WebError::Conflict(Refusal::State.text(wanted))
            }
            e => e.into(),
        })?;
    let shown = own.or(planned.first().map(|(.., p)| *p));
    let mut covered: Vec<String> = planned
        .into_iter()
        .map(|(c, ..)| c)
        .filter(|c| c != unit)
        .collect();
    covered.sort();
    Ok(Stepped {
        state: shown.map_or("draft", |t| t.to.code()).to_string(),
        level: shown.map_or(0, |t| t.level),
        covered,
    })
}

/// The unit itself and every unit below it on `date`, each with its submission.
async fn with_units_below(
    app: &App,
    set: &DataSetRow,
    unit: &str,
    period: &str,
    date: chrono::NaiveDate,
) -> Result<Vec<(String, Option<Submission>)>, WebError> {
    let below: Vec<String> = {
        let engine = app.engine();
        let registry = engine.registry();
        registry
            .descendants(unit, date)
            .into_iter()
            .map(|id| registry.version(id).code.clone())
            .collect()
    };
    let submissions = app.store.submissions(&set.code, period).await?;
    let mut out = vec![(
        unit.to_string(),
        submissions.iter().find(|s| s.unit_code == unit).cloned(),
    )];
    for code in below {
        // Only units that have sent their figures are covered; the others wait.
        if let Some(s) = submissions.iter().find(|s| s.unit_code == code) {
            out.push((code, Some(s.clone())));
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn plan_one(
    app: &App,
    who: &Principal,
    set: &DataSetRow,
    unit: &str,
    date: chrono::NaiveDate,
    submission: Option<&Submission>,
    wanted: Step,
    reason: &str,
) -> Result<workflow::Taken, Refusal> {
    let engine = app.engine();
    let acts_at = |level: usize| acts_at(&engine, who, set, unit, date, level);
    let actor = Actor {
        acts_at: &acts_at,
        submitted_them: submission
            .and_then(|s| s.submitted_by.as_deref())
            .is_some_and(|by| by == who.username),
    };
    workflow::step(levels(set), state_of(submission), wanted, &actor, reason)
}

fn refused(wanted: Step, why: Refusal, code: &str, asked: &str) -> WebError {
    let text = why.text(wanted);
    let text = if code == asked {
        text
    } else {
        solieu_i18n::text!("web-text", vi = text.vi, code = code, en = text.en)
    };
    match why {
        Refusal::NoReason => WebError::Unprocessable(text),
        _ => WebError::Conflict(text),
    }
}
