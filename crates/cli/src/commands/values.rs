//! `solieu values`: stored values, and on request every earlier version of each.

use crate::say::Say;
use anyhow::{Context, Result, anyhow};
use serde_json::json;
use solieu_core::number::canonical;
use solieu_core::period::Period;
use solieu_core::value::{Revision, Series};
use solieu_store::{Location, Store, StoredValue, ValueFilter};
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
    let within = q
        .period
        .as_deref()
        .map(str::parse::<Period>)
        .transpose()
        .map_err(|e| anyhow!(e))?;
    let series = q
        .series
        .as_deref()
        .map(str::parse::<Series>)
        .transpose()
        .map_err(|e| anyhow!("--series: {e}"))?;
    let store = Store::open(location).await?;
    let filter = ValueFilter {
        indicator: q.indicator,
        unit: q.unit,
        within,
        series,
    };
    let values = store.values(&filter).await?;
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
        _ => print_table(&values, &histories, say),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(values: &[StoredValue], histories: &[Vec<Revision>], say: &Say) {
    if values.is_empty() {
        println!(
            "{}",
            say.t("Không có số liệu nào khớp.", "No values match.")
        );
        return;
    }
    let header = [
        say.t("chỉ tiêu", "indicator"),
        say.t("đơn vị", "unit"),
        say.t("kỳ", "period"),
        say.t("loại", "series"),
        say.t("giá trị", "value"),
        say.t("trạng thái", "status"),
        say.t("lần sửa", "rev"),
        say.t("người cập nhật", "updated by"),
        say.t("nguồn", "source"),
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    rows.extend(values.iter().map(|v| {
        let k = &v.record.key;
        let status = match say.lang {
            solieu_core::problem::Lang::Vi => v.record.figure.status.name_vi().to_string(),
            solieu_core::problem::Lang::En => v.record.figure.status.code().to_string(),
        };
        vec![
            k.indicator.clone(),
            k.unit.clone(),
            k.period.code(),
            k.series.code(),
            canonical(v.record.figure.value),
            status,
            v.revision.to_string(),
            v.updated_by.clone(),
            v.source.to_string(),
        ]
    }));
    let lines = crate::table::aligned(&rows);
    println!("{}", lines[0]);
    for (i, line) in lines[1..].iter().enumerate() {
        println!("{line}");
        if let Some(history) = histories.get(i) {
            for r in history.iter().rev() {
                println!(
                    "    #{} {} ({}) — {} {} {} {} {}{}",
                    r.number,
                    canonical(r.figure.value),
                    r.figure.status.code(),
                    say.t("bởi", "by"),
                    r.changed_by,
                    say.t("lúc", "at"),
                    r.changed_at.format("%Y-%m-%d %H:%M:%S UTC"),
                    r.source,
                    if r.figure.note.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", r.figure.note)
                    },
                );
            }
        }
    }
    println!("({} {})", values.len(), say.t("số liệu", "values"));
}
