//! `solieu reports`: recorded reports, shown again as they were printed or compared with the
//! figures as they stand now.

use crate::commands::query::load_engine;
use crate::commands::report::{FORMATS, with_extension, write_document};
use crate::say::Say;
use anyhow::{Context, Result, anyhow, bail};
use rust_decimal::Decimal;
use serde_json::Value;
use solieu_core::format::number_vi;
use solieu_core::period::Period;
use solieu_report::model::Document;
use solieu_store::{Location, Store, StoredReport};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum ReportsAction {
    /// Every recorded report (for one unit with --unit).
    List {
        #[arg(long)]
        unit: Option<String>,
    },
    /// A recorded report exactly as it was generated, whatever was revised since.
    Show {
        id: i64,
        /// docx, xlsx, html, pdf, md, json (default: from --out's extension, else md).
        #[arg(long, value_parser = FORMATS)]
        format: Option<String>,
        /// The file to write; without it, Markdown on standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// What changed in the figures a recorded report printed, computed again from today's
    /// values.
    Diff { id: i64 },
}

async fn fetch(store: &Store, id: i64, say: &Say) -> Result<StoredReport> {
    store.report(id).await?.ok_or_else(|| {
        anyhow!(
            "{} {id}",
            solieu_i18n::tr(say.lang, "cli-there-no-report-number")
        )
    })
}

pub async fn reports(location: &Location, action: ReportsAction, say: &Say) -> Result<ExitCode> {
    let store = Store::open(location).await?;
    let code = match action {
        ReportsAction::List { unit } => {
            let all = store.reports(unit.as_deref()).await?;
            if all.is_empty() {
                println!("{}", solieu_i18n::tr(say.lang, "cli-no-reports-yet"));
            }
            let mut rows = vec![
                [
                    solieu_i18n::tr(say.lang, "cli-no"),
                    solieu_i18n::tr(say.lang, "cli-unit"),
                    solieu_i18n::tr(say.lang, "cli-period"),
                    solieu_i18n::tr(say.lang, "cli-template"),
                    solieu_i18n::tr(say.lang, "cli-by-2"),
                    solieu_i18n::tr(say.lang, "cli-at"),
                ]
                .map(String::from)
                .to_vec(),
            ];
            for r in &all {
                rows.push(vec![
                    r.id.to_string(),
                    r.report.unit.clone(),
                    r.report.period.clone(),
                    r.report.template.clone(),
                    r.created_by.clone(),
                    r.created_at.clone(),
                ]);
            }
            if !all.is_empty() {
                for line in crate::table::aligned(&rows) {
                    println!("{line}");
                }
            }
            ExitCode::SUCCESS
        }
        ReportsAction::Show { id, format, out } => {
            let stored = fetch(&store, id, say).await?;
            let document: Document = serde_json::from_str(&stored.report.document)
                .with_context(|| format!("report {id}"))?;
            let format = format
                .or_else(|| {
                    out.as_ref()
                        .and_then(|p| p.extension())
                        .and_then(|e| e.to_str())
                        .map(str::to_lowercase)
                })
                .unwrap_or_else(|| "md".into());
            let json = || {
                let figures: Value = serde_json::from_str(&stored.report.figures)?;
                let document: Value = serde_json::from_str(&stored.report.document)?;
                Ok(serde_json::to_string_pretty(&serde_json::json!({
                    "id": stored.id,
                    "unit": stored.report.unit,
                    "period": stored.report.period,
                    "template": stored.report.template,
                    "created_by": stored.created_by,
                    "created_at": stored.created_at,
                    "document": document,
                    "figures": figures,
                }))?)
            };
            match out {
                Some(path) => {
                    let path = if format == "pdf" {
                        with_extension(&path, "pdf")
                    } else {
                        path
                    };
                    write_document(&document, json, &format, &path)?;
                    println!("{}", path.display());
                }
                None if format == "md" => {
                    print!("{}", solieu_report::text::markdown(&document))
                }
                None if format == "json" || format == "html" => {
                    let dir = tempfile::tempdir()?;
                    let path = dir.path().join("out");
                    write_document(&document, json, &format, &path)?;
                    print!("{}", std::fs::read_to_string(&path)?);
                }
                None => bail!("{} {format}", solieu_i18n::tr(say.lang, "cli-out-needed")),
            }
            ExitCode::SUCCESS
        }
        ReportsAction::Diff { id } => {
            let stored = fetch(&store, id, say).await?;
            let engine = load_engine(&store).await?;
            let figures: Vec<Value> = serde_json::from_str(&stored.report.figures)
                .with_context(|| format!("report {id}"))?;
            let mut changes = Vec::new();
            for printed in &figures {
                let then = &printed["figure"];
                let (Some(code), Some(unit), Some(period)) = (
                    then["indicator"].as_str(),
                    then["unit"].as_str(),
                    then["period"].as_str(),
                ) else {
                    continue;
                };
                let label = format!("{code} {unit} {period}");
                let now = match (
                    engine.indicator_id(code),
                    period.parse::<Period>().ok().and_then(|p| {
                        engine
                            .registry()
                            .unit_for_period(unit, &p)
                            .ok()
                            .map(|u| (u, p))
                    }),
                ) {
                    (Some(i), Some((u, p))) => {
                        serde_json::to_value(engine.view(&engine.compare(i, u, &p)))?
                    }
                    _ => {
                        changes.push(format!(
                            "{label}: {}",
                            solieu_i18n::tr(say.lang, "cli-can-no-longer-be-computed")
                        ));
                        continue;
                    }
                };
                let measure = then["measure"].as_str().unwrap_or("");
                let mut compare = |what: String, a: &Value, b: &Value| {
                    if number(a) != number(b) {
                        changes.push(format!(
                            "{label}  {what}: {} → {} {measure}",
                            shown(a),
                            shown(b)
                        ));
                    }
                };
                compare(
                    solieu_i18n::tr(say.lang, "cli-value"),
                    &then["value"],
                    &now["value"],
                );
                for plan in then["plans"].as_array().into_iter().flatten() {
                    let source = &plan["source"];
                    let current = now["plans"]
                        .as_array()
                        .and_then(|ps| ps.iter().find(|p| p["source"] == *source))
                        .map_or(Value::Null, |p| p["value"].clone());
                    compare(
                        format!(
                            "{} {}",
                            solieu_i18n::tr(say.lang, "cli-plan"),
                            source.as_str().unwrap_or("")
                        ),
                        &plan["value"],
                        &current,
                    );
                }
                compare(
                    solieu_i18n::tr(say.lang, "cli-same-period"),
                    &then["previous"]["value"],
                    &now["previous"]["value"],
                );
                if then["status"] != now["status"] {
                    changes.push(format!(
                        "{label}  {}: {} → {}",
                        solieu_i18n::tr(say.lang, "cli-status"),
                        then["status"].as_str().unwrap_or("—"),
                        now["status"].as_str().unwrap_or("—")
                    ));
                }
            }
            println!(
                "{} {id} ({} {}, {}; {} {} {})",
                solieu_i18n::tr(say.lang, "cli-report"),
                stored.report.unit,
                stored.report.period,
                stored.report.template,
                solieu_i18n::tr(say.lang, "cli-made"),
                stored.created_at,
                stored.created_by
            );
            if changes.is_empty() {
                println!(
                    "{}",
                    solieu_i18n::tr(say.lang, "cli-no-figure-has-changed-since")
                );
            } else {
                println!(
                    "{} {}:",
                    changes.len(),
                    solieu_i18n::tr(say.lang, "cli-changes-since-report-was-made")
                );
                for c in &changes {
                    println!("  {c}");
                }
            }
            ExitCode::SUCCESS
        }
    };
    store.close().await;
    Ok(code)
}

fn number(v: &Value) -> Option<Decimal> {
    if v.is_null() {
        return None;
    }
    v.to_string().parse::<Decimal>().ok().map(|d| d.normalize())
}

fn shown(v: &Value) -> String {
    number(v).map_or_else(|| "—".into(), |d| number_vi(d, 6))
}
