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
            say.t("không có báo cáo số", "there is no report number")
        )
    })
}

pub async fn reports(location: &Location, action: ReportsAction, say: &Say) -> Result<ExitCode> {
    let store = Store::open(location).await?;
    let code = match action {
        ReportsAction::List { unit } => {
            let all = store.reports(unit.as_deref()).await?;
            if all.is_empty() {
                println!("{}", say.t("Chưa có báo cáo nào.", "No reports yet."));
            }
            let mut rows = vec![
                [
                    say.t("số", "no."),
                    say.t("đơn vị", "unit"),
                    say.t("kỳ", "period"),
                    say.t("mẫu", "template"),
                    say.t("người lập", "by"),
                    say.t("lúc", "at"),
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
                None => bail!(
                    "{} {format}",
                    say.t("cần --out cho định dạng", "--out is needed for")
                ),
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
                            say.t(
                                "không còn tính được (chỉ tiêu hoặc đơn vị đã thay đổi)",
                                "can no longer be computed (indicator or unit changed)"
                            )
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
                    say.t("giá trị", "value").into(),
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
                            say.t("kế hoạch", "plan"),
                            source.as_str().unwrap_or("")
                        ),
                        &plan["value"],
                        &current,
                    );
                }
                compare(
                    say.t("cùng kỳ", "same period").into(),
                    &then["previous"]["value"],
                    &now["previous"]["value"],
                );
                if then["status"] != now["status"] {
                    changes.push(format!(
                        "{label}  {}: {} → {}",
                        say.t("trạng thái", "status"),
                        then["status"].as_str().unwrap_or("—"),
                        now["status"].as_str().unwrap_or("—")
                    ));
                }
            }
            println!(
                "{} {id} ({} {}, {}; {} {} {})",
                say.t("Báo cáo số", "Report"),
                stored.report.unit,
                stored.report.period,
                stored.report.template,
                say.t("lập lúc", "made at"),
                stored.created_at,
                stored.created_by
            );
            if changes.is_empty() {
                println!(
                    "{}",
                    say.t(
                        "Không có số liệu nào thay đổi kể từ khi lập báo cáo.",
                        "No figure has changed since the report was made."
                    )
                );
            } else {
                println!(
                    "{} {}:",
                    changes.len(),
                    say.t(
                        "thay đổi kể từ khi lập báo cáo",
                        "changes since the report was made"
                    )
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
