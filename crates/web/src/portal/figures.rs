//! The headline figures of a portal's home page: the indicators its editors chose, for the
//! latest period whose figures of the portal's unit are approved at the last level, phrased
//! as the report phrases them ("ước đạt …, bằng …% kế hoạch, tăng …% so với cùng kỳ").
//!
//! A commune's figure is public once its own form is approved; a district's (added up by the
//! engine) once every commune below it that reports the data set is approved for the period.
//! Nothing else reaches the public here.

use crate::{App, WebError};
use serde_json::{Value, json};
use solieu_analytics::Engine;
use solieu_core::period::Period;
use solieu_store::Portal;
use std::collections::{BTreeMap, BTreeSet};

/// The headline block of a portal's home, or nothing when it has no headline indicators or
/// none of them is approved for any period.
pub async fn headline(app: &App, portal: &Portal) -> Result<Option<Value>, WebError> {
    let chosen = &portal.headline;
    if chosen.is_empty() {
        return Ok(None);
    }
    let Some((period, public)) = latest_public(app, portal, chosen).await? else {
        return Ok(None);
    };
    // The statistics page's figures, exact as approved, in the order the editors chose.
    let rows = super::statistics::rows(app, &portal.unit_code, &period, &public).await?;
    let figures: Vec<Value> = chosen
        .iter()
        .filter_map(|code| rows.iter().find(|r| &r.indicator == code))
        .map(|r| json!({"name": r.name, "value": r.with_measure(), "text": r.text}))
        .collect();
    if figures.is_empty() {
        return Ok(None);
    }
    Ok(Some(json!({
        "period_name": period.name_vi(),
        "period": period.code(),
        "figures": figures,
    })))
}

/// The latest period for which some of the `chosen` indicators of the portal's unit are
/// public, and those indicators.
async fn latest_public(
    app: &App,
    portal: &Portal,
    chosen: &[String],
) -> Result<Option<(Period, BTreeSet<String>)>, WebError> {
    let approvals = Approvals::load(app, &portal.unit_code).await?;
    let public = approvals.public(&app.engine(), &portal.unit_code);
    Ok(public.into_iter().rev().find_map(|(period, codes)| {
        let shown: BTreeSet<String> = chosen
            .iter()
            .filter(|c| codes.contains(*c))
            .cloned()
            .collect();
        (!shown.is_empty()).then_some((period, shown))
    }))
}

/// The approvals of a unit and of every unit ever below it: what decides which of their
/// figures the public may read.
pub struct Approvals {
    sets: Vec<solieu_store::DataSetRow>,
    /// (data set, period) → the units approved for it.
    approved: BTreeMap<(String, String), BTreeSet<String>>,
}

impl Approvals {
    pub async fn load(app: &App, unit: &str) -> Result<Approvals, WebError> {
        let sets = app.store.data_sets().await?;
        let units = reporting_units_ever(&app.engine(), unit);
        let mut approved: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        for (set, unit, period) in app.store.approved_of(&units).await? {
            approved.entry((set, period)).or_default().insert(unit);
        }
        Ok(Approvals { sets, approved })
    }

    /// For each period, oldest first, the indicators whose figures of `unit` (the unit
    /// loaded or one below it) are public: those of a data set approved for it, and the
    /// derived indicators computed only from public ones (GTSX from its three sectors).
    pub fn public(&self, engine: &Engine, unit: &str) -> Vec<(Period, BTreeSet<String>)> {
        let mut by_period: BTreeMap<String, (Period, BTreeSet<String>)> = BTreeMap::new();
        for ((set_code, period), units) in &self.approved {
            let (Some(set), Ok(period)) = (
                self.sets.iter().find(|s| &s.code == set_code),
                period.parse::<Period>(),
            ) else {
                continue;
            };
            if !covered(engine, unit, &period, units) {
                continue;
            }
            let codes = &mut by_period
                .entry(period.code())
                .or_insert_with(|| (period, BTreeSet::new()))
                .1;
            codes.extend(
                set.indicators
                    .iter()
                    .filter(|c| engine.indicator_id(c).is_some())
                    .cloned(),
            );
        }
        let mut public: Vec<(Period, BTreeSet<String>)> = by_period.into_values().collect();
        for (_, codes) in &mut public {
            add_derived(engine, codes);
        }
        public.sort_by_key(|(p, _)| (p.end_date(), p.months()));
        public
    }
}

/// Adds the derived indicators whose every input is in `codes`, and those built on them.
fn add_derived(engine: &Engine, codes: &mut BTreeSet<String>) {
    loop {
        let more: Vec<String> = engine
            .indicators()
            .iter()
            .filter(|i| !codes.contains(&i.code))
            .filter(|i| {
                i.formula
                    .as_ref()
                    .is_some_and(|f| f.references().iter().all(|r| codes.contains(*r)))
            })
            .map(|i| i.code.clone())
            .collect();
        if more.is_empty() {
            return;
        }
        codes.extend(more);
    }
}

/// The unit and every unit that was ever below it (its reporting units in any year).
fn reporting_units_ever(engine: &Engine, unit: &str) -> Vec<String> {
    let registry = engine.registry();
    let mut codes: BTreeSet<String> = BTreeSet::from([unit.to_string()]);
    let dates: BTreeSet<chrono::NaiveDate> = registry
        .versions()
        .iter()
        .filter_map(|v| v.valid_from)
        .chain(std::iter::once(chrono::NaiveDate::MIN))
        .collect();
    for date in dates {
        for id in registry.descendants(unit, date) {
            codes.insert(registry.version(id).code.clone());
        }
    }
    codes.into_iter().collect()
}

/// Whether the unit's figures for `period` are approved: its own form (a district's own
/// report), or, for a unit with units below, every unit below that has none below it.
fn covered(engine: &Engine, unit: &str, period: &Period, approved: &BTreeSet<String>) -> bool {
    if approved.contains(unit) {
        return true;
    }
    let registry = engine.registry();
    let date = period.end_date();
    let leaves: Vec<&str> = registry
        .descendants(unit, date)
        .into_iter()
        .map(|id| registry.version(id).code.as_str())
        .filter(|code| registry.children(code, date).is_empty())
        .collect();
    !leaves.is_empty() && leaves.iter().all(|code| approved.contains(*code))
}
