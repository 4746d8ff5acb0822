//! `solieu values`: stored values, and on request every earlier version of each.

use crate::say::Say;
use anyhow::{Context, Result, anyhow};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::json;
use solieu_core::format::number_vi;
use solieu_core::indicator::Indicator;
use solieu_core::number::canonical;
use solieu_core::period::Period;
use solieu_core::problem::Lang;
use solieu_core::unit::UnitVersion;
use solieu_core::value::{Revision, Series, Source};
use solieu_store::{Location, Store, StoredValue, ValueFilter};
use std::collections::HashMap;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ValuesQuery {
    /// Only this indicator (code).
    #[arg(long)]
    pub indicator: Option<String>,
    /// Only this unit (GSO code).
    #[arg(long)]
    pub unit: Option<String>,
    /// Only values whose period lies within this one (2020, 2020S1, 202006, 2020-01-01/P9M).
    #[arg(long)]
    pub period: Option<String>,
    /// Only this series: actual, plan, plan:hdnd-huyen …
    #[arg(long)]
    pub series: Option<String>,
    /// Show each value's history: every revision with who, when and from where.
    #[arg(long)]
    pub history: bool,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = ["table", "csv", "json"])]
    pub format: String,
}

fn revision_json(r: &Revision) -> serde_json::Value {
    json!({
        "revision": r.number,
        "value": canonical(r.figure.value),
        "status": r.figure.status.code(),
        "note": r.figure.note,
        "changed_by": r.changed_by,
        "changed_at": r.changed_at.to_rfc3339(),
        "source": r.source.to_string(),
    })
}

pub async fn values(location: &Location, q: ValuesQuery, say: &Say) -> Result<ExitCode> {
    let within = q.period.as_deref().map(|p| say.period(p)).transpose()?;
    let series = q
        .series
        .as_deref()
        .map(str::parse::<Series>)
        .transpose()
        .map_err(|e| {
            anyhow!(solieu_i18n::tr!(
                say.lang,
                "cli-not-a-series",
                given = q.series.as_deref().unwrap_or_default(),
                reason = e
            ))
        })?;
    let store = Store::open(location).await?;
    let filter = ValueFilter {
        indicator: q.indicator,
        unit: q.unit,
        within,
        series,
    };
    let values = store.values(&filter).await?;
    let stored = store.stored().await?;
    let units = stored.units;
    let indicators: HashMap<String, Indicator> = stored
        .indicators
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    let mut histories = Vec::new();
    if q.history {
        for v in &values {
            histories.push(
                store
                    .history(v.id)
                    .await
                    .with_context(|| format!("history of value {}", v.id))?,
            );
        }
    }
    store.close().await;
    match q.format.as_str() {
        "json" => {
            let list: Vec<serde_json::Value> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let mut item = json!({
                        "indicator": v.record.key.indicator,
                        "unit": v.record.key.unit,
                        "period": v.record.key.period.code(),
                        "period_name": v.record.key.period.name_vi(),
                        "series": v.record.key.series.code(),
                        "value": canonical(v.record.figure.value),
                        "status": v.record.figure.status.code(),
                        "note": v.record.figure.note,
                        "revision": v.revision,
                        "updated_by": v.updated_by,
                        "updated_at": v.updated_at.to_rfc3339(),
                        "source": v.source.to_string(),
                    });
                    if let Some(h) = histories.get(i) {
                        item["history"] = h.iter().map(revision_json).collect();
                    }
                    item
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        }
        "csv" => print!(
            "{}",
            solieu_io::write_values(values.iter().map(|v| &v.record))
        ),
        _ => print_table(&values, &histories, &Names { indicators, units }, say),
    }
    Ok(ExitCode::SUCCESS)
}

/// A stored value as `query` writes it in Vietnamese (17,5 ha; 39,89%), every stored decimal
/// kept; in English the value as stored.
fn value_text(value: Decimal, indicator: Option<&Indicator>, say: &Say) -> String {
    if say.lang == Lang::En {
        return canonical(value);
    }
    let Some(indicator) = indicator else {
        return number_vi(value, value.normalize().scale());
    };
    let decimals = u32::from(indicator.decimals).max(value.normalize().scale());
    if indicator.unit.is_percent() {
        format!("{}%", number_vi(value, decimals))
    } else {
        format!("{} {}", number_vi(value, decimals), indicator.unit.symbol())
    }
}

/// Where a value came from, in the run's language.
fn source_text(source: &Source, say: &Say) -> String {
    if say.lang == Lang::En {
        return source.to_string();
    }
    match source {
        Source::File { path, line } => {
            solieu_i18n::tr!(say.lang, "cli-source-file", path = path, line = line)
        }
        Source::Form { form } => solieu_i18n::tr!(say.lang, "cli-source-form", form = form),
        Source::Api { client } => solieu_i18n::tr!(say.lang, "cli-source-api", client = client),
        Source::Cli => solieu_i18n::tr(say.lang, "cli-source-cli"),
    }
}

/// When a revision was made: Vietnam's time (UTC+7 all year) for a Vietnamese run, as the
/// office's clocks read.
fn time_text(at: &DateTime<Utc>, say: &Say) -> String {
    match say.lang {
        Lang::Vi => solieu_i18n::tr!(
            say.lang,
            "cli-vietnam-time",
            time = solieu_core::format::date_time_vi(*at)
        ),
        Lang::En => at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    }
}

/// What the Vietnamese table names instead of codes.
struct Names {
    indicators: HashMap<String, Indicator>,
    units: Vec<UnitVersion>,
}

impl Names {
    /// "Huyện Bình Liêu (198)": the unit's name as of the period's end, with its code, since a
    /// code is reused after a reform.
    fn unit(&self, code: &str, period: &Period) -> String {
        let end = period.end_date();
        let versions = || self.units.iter().filter(|u| u.code == code);
        let current = versions()
            .find(|u| u.valid_from.is_none_or(|d| d <= end) && u.valid_to.is_none_or(|d| d >= end))
            .or_else(|| versions().next_back());
        match current {
            Some(u) => format!("{} ({code})", u.name),
            None => code.to_string(),
        }
    }
}

fn print_table(values: &[StoredValue], histories: &[Vec<Revision>], names: &Names, say: &Say) {
    let indicators = &names.indicators;
    if values.is_empty() {
        println!("{}", solieu_i18n::tr(say.lang, "cli-no-values-match"));
        return;
    }
    let header = [
        solieu_i18n::tr(say.lang, "cli-indicator"),
        solieu_i18n::tr(say.lang, "cli-unit"),
        solieu_i18n::tr(say.lang, "cli-period"),
        solieu_i18n::tr(say.lang, "cli-series"),
        solieu_i18n::tr(say.lang, "cli-value"),
        solieu_i18n::tr(say.lang, "cli-status"),
        solieu_i18n::tr(say.lang, "cli-rev"),
        solieu_i18n::tr(say.lang, "cli-updated"),
        solieu_i18n::tr(say.lang, "cli-source"),
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    rows.extend(values.iter().map(|v| {
        let k = &v.record.key;
        let status = match say.lang {
            Lang::Vi => v.record.figure.status.name_vi().to_string(),
            Lang::En => v.record.figure.status.code().to_string(),
        };
        let series = match say.lang {
            Lang::Vi => k.series.name_vi(),
            Lang::En => k.series.code(),
        };
        let (unit, period) = match say.lang {
            Lang::Vi => (names.unit(&k.unit, &k.period), k.period.name_vi()),
            Lang::En => (k.unit.clone(), k.period.code()),
        };
        vec![
            k.indicator.clone(),
            unit,
            period,
            series,
            value_text(v.record.figure.value, indicators.get(&k.indicator), say),
            status,
            v.revision.to_string(),
            v.updated_by.clone(),
            source_text(&v.source, say),
        ]
    }));
    let lines = crate::table::aligned(&rows);
    println!("{}", lines[0]);
    for (i, line) in lines[1..].iter().enumerate() {
        println!("{line}");
        if let Some(history) = histories.get(i) {
            let indicator = indicators.get(&values[i].record.key.indicator);
            for r in history.iter().rev() {
                let status = match say.lang {
                    Lang::Vi => r.figure.status.name_vi().to_string(),
                    Lang::En => r.figure.status.code().to_string(),
                };
                println!(
                    "    #{} {} ({}) — {} {} {} {} {}{}",
                    r.number,
                    value_text(r.figure.value, indicator, say),
                    status,
                    solieu_i18n::tr(say.lang, "cli-by"),
                    r.changed_by,
                    solieu_i18n::tr(say.lang, "cli-at"),
                    time_text(&r.changed_at, say),
                    source_text(&r.source, say),
                    if r.figure.note.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", r.figure.note)
                    },
                );
            }
        }
    }
    println!(
        "({} {})",
        values.len(),
        solieu_i18n::tr(say.lang, "cli-values")
    );
}
