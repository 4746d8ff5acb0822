//! `solieu validate`: the validation rules applied to stored figures of a unit and period.

use super::query::load_engine;
use crate::say::Say;
use anyhow::{Result, anyhow};
use solieu_core::period::Period;
use solieu_core::validation::{Importance, Outcome};
use solieu_core::value::Series;
use solieu_store::{Location, Store};
use std::process::ExitCode;

/// Exit code when a rule of high importance is broken, for scripts.
const BROKEN: u8 = 3;

pub async fn validate(
    location: &Location,
    unit: &str,
    period: &str,
    children: bool,
    say: &Say,
) -> Result<ExitCode> {
    let period: Period = say.period(period)?;
    let store = Store::open(location).await?;
    let rules = store.stored().await?.rules;
    let engine = load_engine(&store).await?;
    store.close().await;
    if rules.is_empty() {
        println!(
            "{}",
            solieu_i18n::tr(say.lang, "cli-no-validation-rules-yet-import")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let registry = engine.registry();
    let top = registry
        .unit_for_period(unit, &period)
        .map_err(|e| anyhow!("{}", e.message.get(say.lang)))?;
    let mut units = vec![top];
    if children {
        units.extend(registry.children(&registry.version(top).code, period.end_date()));
    }
    let mut high_broken = false;
    let (mut holds, mut broken, mut skipped) = (0, 0, 0);
    for &u in &units {
        let name = registry.version(u).label();
        for rule in &rules {
            let lookup = |code: &str| {
                let id = engine.indicator_id(code)?;
                engine
                    .value(id, u, &period, &Series::Actual)
                    .map(|c| c.value)
            };
            match rule.apply(&lookup) {
                Outcome::Holds => holds += 1,
                Outcome::NotApplied(_) => skipped += 1,
                Outcome::Broken { left, right } => {
                    broken += 1;
                    high_broken |= rule.importance == Importance::High;
                    println!(
                        "{} [{}] {name}: {} ({}) — {} {} {}",
                        solieu_i18n::tr(say.lang, "cli-broken"),
                        rule.importance.code(),
                        rule.code,
                        rule.name,
                        rule.text(),
                        solieu_i18n::tr(say.lang, "cli-left"),
                        format_args!("{} / {}", left.normalize(), right.normalize())
                    );
                    // The rule's words for people, under the office's code and formula.
                    if let Some(message) = rule.message() {
                        println!("    {message}");
                    }
                }
            }
        }
    }
    println!(
        "{} — {}: {holds} {}, {broken} {}, {skipped} {}",
        period.name_vi(),
        registry.version(top).label(),
        solieu_i18n::tr(say.lang, "cli-hold"),
        solieu_i18n::tr(say.lang, "cli-broken-2"),
        solieu_i18n::tr(say.lang, "cli-not-applied-values-missing")
    );
    Ok(if high_broken {
        ExitCode::from(BROKEN)
    } else {
        ExitCode::SUCCESS
    })
}
