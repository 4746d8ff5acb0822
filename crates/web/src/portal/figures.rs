//! The headline figures of a portal's home page: the indicators its editors chose, for the
//! latest period whose figures of the portal's unit are approved at the last level, phrased
//! as the report phrases them ("ước đạt …, bằng …% kế hoạch, tăng …% so với cùng kỳ").
//!
//! A commune's figure is public once its own form is approved; a district's (added up by the
//! engine) once every commune below it that reports the data set is approved for the period.
//! Nothing else reaches the public here.

use crate::ops::unit_version;
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
    let engine = app.engine();
    let Ok(unit) = unit_version(&engine, &portal.unit_code, &period) else {
        return Ok(None);
    };
    let figures: Vec<Value> = chosen
        .iter()
        .filter(|c| public.contains(c.as_str()))
        .filter_map(|code| engine.indicator_id(code))
        .map(|id| engine.view(&engine.compare(id, unit, &period)))
        .filter(|view| view.value.is_some())
        .map(|view| {
            // The heading names the period; each figure's phrase need not repeat it.
            let prefix = format!("{}, ", view.period_name);
            let text = view.text_vi.strip_prefix(&prefix).unwrap_or(&view.text_vi);
            json!({"name": view.indicator_name, "value": view.value_vi, "text": text})
        })
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
    let sets = app.store.data_sets().await?;
    let units = reporting_units_ever(&app.engine(), &portal.unit_code);
    // (data set, period) → the units approved for it.
    let mut approved: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (set, unit, period) in app.store.approved_of(&units).await? {
        approved.entry((set, period)).or_default().insert(unit);
    }
    let engine = app.engine();
    let mut latest: Option<(Period, BTreeSet<String>)> = None;
    for ((set_code, period), units) in &approved {
        let (Some(set), Ok(period)) = (
            sets.iter().find(|s| &s.code == set_code),
            period.parse::<Period>(),
        ) else {
            continue;
        };
        let shown: BTreeSet<String> = chosen
            .iter()
            .filter(|c| set.indicators.contains(c))
            .cloned()
            .collect();
        if shown.is_empty() || !covered(&engine, &portal.unit_code, &period, units) {
            continue;
        }
        match &mut latest {
            Some((p, codes)) if *p == period => codes.extend(shown),
            Some((p, _)) if !newer(&period, p) => {}
            _ => latest = Some((period, shown)),
        }
    }
    Ok(latest)
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

/// Whether the unit's figures for `period` are approved: its own form, or, for a unit with
/// units below, every unit below that has none below it.
fn covered(engine: &Engine, unit: &str, period: &Period, approved: &BTreeSet<String>) -> bool {
    let registry = engine.registry();
    let date = period.end_date();
    let leaves: Vec<&str> = registry
        .descendants(unit, date)
        .into_iter()
        .map(|id| registry.version(id).code.as_str())
        .filter(|code| registry.children(code, date).is_empty())
        .collect();
    if leaves.is_empty() {
        approved.contains(unit)
    } else {
        leaves.iter().all(|code| approved.contains(*code))
    }
}

/// Whether `a` is later than `b`: it ends later, or ends together and covers more months
/// (the half-year rather than its last month).
fn newer(a: &Period, b: &Period) -> bool {
    (a.end_date(), a.months()) > (b.end_date(), b.months())
}
