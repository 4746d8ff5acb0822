//! `solieu query`: figures with their plans and the same period last year, computed on demand.

use crate::say::Say;
use anyhow::{Result, anyhow, bail};
use solieu_analytics::{Engine, Entry, FigureView, plans_reached};
use solieu_core::lineage::Registry;
use solieu_core::period::Period;
use solieu_store::{Location, Store};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct QueryArgs {
    /// Indicator codes, comma separated; without it, every indicator with a figure.
    #[arg(long, value_delimiter = ',')]
    pub indicator: Vec<String>,
    /// Units (GSO codes, comma separated), each as of the period's end.
    #[arg(long, value_delimiter = ',', required = true)]
    pub unit: Vec<String>,
    /// Also every unit directly below the (first) unit: the communes of a district.
    #[arg(long)]
    pub children: bool,
    /// Periods, comma separated: 2020S1, 2020, 202006, 2020-01-01/P9M …
    #[arg(long, value_delimiter = ',', required = true)]
    pub period: Vec<String>,
    /// A table of values instead of a list of figures: what goes down the rows.
    #[arg(long, value_parser = ["indicator", "unit", "period"], requires = "columns")]
    pub rows: Option<String>,
    /// … and what goes across the columns (the third of indicator, unit, period has one value).
    #[arg(long, value_parser = ["indicator", "unit", "period"], requires = "rows")]
    pub columns: Option<String>,
    /// Output format.
    #[arg(long, default_value = "table", value_parser = ["table", "csv", "json"])]
    pub format: String,
}

/// Loads every stored value into a fresh engine.
pub async fn load_engine(store: &Store) -> Result<Engine> {
    let stored = store.stored().await?;
    let mut engine = Engine::new(
        Registry::new(stored.units, stored.events),
        stored.indicators,
    );
    let mut loader = engine.loader();
    store
        .for_each_value(|v| {
            loader.push(&Entry {
                value_id: v.id,
                record: v.record,
                entered_by: v.updated_by,
            })
        })
        .await?;
    if let Some((id, e)) = loader.finish().into_iter().next() {
        bail!("stored value {id} cannot be placed: {e}");
    }
    Ok(engine)
}

pub async fn query(location: &Location, args: QueryArgs, say: &Say) -> Result<ExitCode> {
    let periods: Vec<Period> = args
        .period
        .iter()
        .map(|p| say.period(p))
        .collect::<Result<_>>()?;
    let store = Store::open(location).await?;
    let engine = load_engine(&store).await?;
    store.close().await;
    let mut views: Vec<FigureView> = Vec::new();
    let mut comparisons = Vec::new();
    for period in &periods {
        let mut units = Vec::new();
        for code in &args.unit {
            let unit = engine
                .registry()
                .unit_for_period(code.trim(), period)
                .map_err(|e| anyhow!("{}", e.message.get(say.lang)))?;
            units.push(unit);
        }
        if args.children {
            let below = engine
                .registry()
                .children(&engine.registry().version(units[0]).code, period.end_date());
            units.extend(below);
        }
        for &unit in &units {
            let indicators: Vec<u32> = if args.indicator.is_empty() {
                engine.indicators_with_figures(unit, period)
            } else {
                args.indicator
                    .iter()
                    .map(|code| {
                        engine.indicator_id(code.trim()).ok_or_else(|| {
                            anyhow!("{} {code}", solieu_i18n::tr(say.lang, "cli-no-indicator"))
                        })
                    })
                    .collect::<Result<_>>()?
            };
            for &i in &indicators {
                let comparison = engine.compare(i, unit, period);
                views.push(engine.view(&comparison));
                comparisons.push(comparison);
            }
        }
    }
    if let (Some(rows), Some(columns)) = (&args.rows, &args.columns) {
        let pivot = pivot(&views, rows, columns, say)?;
        match args.format.as_str() {
            "json" => println!("{}", serde_json::to_string_pretty(&pivot)?),
            "csv" => print!("{}", pivot.to_csv()),
            _ => pivot.print(),
        }
        return Ok(ExitCode::SUCCESS);
    }
    match args.format.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&views)?),
        "csv" => print!("{}", to_csv(&views)),
        _ => print_table(&views, plans_reached(&comparisons, None), say),
    }
    Ok(ExitCode::SUCCESS)
}

/// Figures laid out as a table: one dimension down, one across, values in the cells.
#[derive(serde::Serialize)]
struct Pivot {
    rows: Vec<String>,
    columns: Vec<String>,
    /// `cells[row][column]`: the value as a number, if there is one.
    #[serde(serialize_with = "cells_as_numbers")]
    cells: Vec<Vec<Option<rust_decimal::Decimal>>>,
    /// The same cells written the Vietnamese way, with their unit of measure.
    cells_vi: Vec<Vec<String>>,
    corner: String,
}

fn cells_as_numbers<S: serde::Serializer>(
    cells: &[Vec<Option<rust_decimal::Decimal>>],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(cells.len()))?;
    for row in cells {
        let numbers: Vec<Option<serde_json::Value>> = row
            .iter()
            .map(|c| {
                c.map(|d| {
                    serde_json::Value::Number(
                        d.normalize()
                            .to_string()
                            .parse()
                            .expect("a decimal is a JSON number"),
                    )
                })
            })
            .collect();
        seq.serialize_element(&numbers)?;
    }
    seq.end()
}

fn dimension(view: &FigureView, name: &str) -> String {
    match name {
        "indicator" => format!("{} ({})", view.indicator_name, view.indicator),
        "unit" => view.unit_name.clone(),
        _ => view.period_name.clone(),
    }
}

fn pivot(views: &[FigureView], rows: &str, columns: &str, say: &Say) -> Result<Pivot> {
    if rows == columns {
        bail!(
            "{}",
            solieu_i18n::tr(say.lang, "cli-rows-columns-must-differ")
        );
    }
    let third = ["indicator", "unit", "period"]
        .into_iter()
        .find(|d| *d != rows && *d != columns)
        .expect("three dimensions");
    let distinct = |name: &str| {
        let mut seen: Vec<String> = Vec::new();
        for v in views {
            let key = dimension(v, name);
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        seen
    };
    let (row_keys, column_keys, thirds) = (distinct(rows), distinct(columns), distinct(third));
    if thirds.len() > 1 {
        bail!(
            "{} {third}: {}",
            solieu_i18n::tr(say.lang, "cli-table-has-two-dimensions-give"),
            thirds.join(", ")
        );
    }
    let mut cells = vec![vec![None; column_keys.len()]; row_keys.len()];
    let mut cells_vi = vec![vec![String::new(); column_keys.len()]; row_keys.len()];
    for v in views {
        let r = row_keys
            .iter()
            .position(|k| *k == dimension(v, rows))
            .expect("a row key");
        let c = column_keys
            .iter()
            .position(|k| *k == dimension(v, columns))
            .expect("a column key");
        cells[r][c] = v.value;
        cells_vi[r][c] = v.value_vi.clone().unwrap_or_else(|| "—".into());
    }
    Ok(Pivot {
        rows: row_keys,
        columns: column_keys,
        cells,
        cells_vi,
        corner: thirds.into_iter().next().unwrap_or_default(),
    })
}

impl Pivot {
    fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec![self.corner.clone()];
        header.extend(self.columns.iter().cloned());
        w.write_record(safe(&header)).expect("writing to memory");
        for (r, row) in self.rows.iter().enumerate() {
            let mut record = vec![row.clone()];
            record.extend(
                self.cells[r]
                    .iter()
                    .map(|c| c.map(|d| d.normalize().to_string()).unwrap_or_default()),
            );
            w.write_record(safe(&record)).expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8")
    }

    fn print(&self) {
        let mut table: Vec<Vec<String>> = vec![
            std::iter::once(self.corner.clone())
                .chain(self.columns.iter().cloned())
                .collect(),
        ];
        for (r, row) in self.rows.iter().enumerate() {
            table.push(
                std::iter::once(row.clone())
                    .chain(self.cells_vi[r].iter().cloned())
                    .collect(),
            );
        }
        for line in crate::table::aligned(&table) {
            println!("{line}");
        }
    }
}

/// "39,89% kế hoạch HĐND huyện giao" (the source's code in English).
fn plans_text(v: &FigureView, say: &Say) -> String {
    v.plans
        .iter()
        .filter_map(|p| {
            Some(format!(
                "{} {}",
                p.percent_vi.as_ref()?,
                if say.lang == solieu_core::problem::Lang::Vi {
                    &p.source_name
                } else {
                    &p.source
                }
            ))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Cells a spreadsheet shows as text, never runs as a formula (labels come from imported names).
fn safe(cells: &[String]) -> impl Iterator<Item = String> + '_ {
    cells
        .iter()
        .map(|c| solieu_io::csv_cell::neutralise(c).into_owned())
}

fn to_csv(views: &[FigureView]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "indicator",
        "unit",
        "period",
        "value",
        "status",
        "plans",
        "previous_period",
        "previous_value",
        "change_percent",
        "ratio_percent",
        "approximate",
        "text_vi",
    ];
    w.write_record(header).expect("writing to memory");
    for v in views {
        let prev = v.previous.as_ref();
        let opt = |d: Option<rust_decimal::Decimal>| {
            d.map(|d| d.round_dp(4).normalize().to_string())
                .unwrap_or_default()
        };
        let record = [
            v.indicator.clone(),
            v.unit.clone(),
            v.period.clone(),
            opt(v.value),
            v.status.unwrap_or("").to_string(),
            v.plans
                .iter()
                .map(|p| format!("{}={}", p.source, opt(p.percent)))
                .collect::<Vec<_>>()
                .join(";"),
            prev.map(|p| p.period.clone()).unwrap_or_default(),
            opt(prev.map(|p| p.value)),
            opt(prev.and_then(|p| p.change_percent)),
            opt(prev.and_then(|p| p.ratio_percent)),
            v.approximate.to_string(),
            v.text_vi.clone(),
        ];
        w.write_record(safe(&record)).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8")
}

fn print_table(views: &[FigureView], (reached, with_plan): (usize, usize), say: &Say) {
    if views.is_empty() {
        println!(
            "{}",
            solieu_i18n::tr(say.lang, "cli-no-figures-this-unit-period")
        );
        return;
    }
    let first = &views[0];
    println!("{} — {}", first.unit_name, first.period_name);
    let header = [
        solieu_i18n::tr(say.lang, "cli-indicator"),
        solieu_i18n::tr(say.lang, "cli-value"),
        solieu_i18n::tr(say.lang, "cli-plan-2"),
        solieu_i18n::tr(say.lang, "cli-same-period"),
        solieu_i18n::tr(say.lang, "cli-change"),
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    rows.extend(views.iter().map(|v| {
        let prev = v.previous.as_ref();
        let mark = if v.approximate { " ≈" } else { "" };
        vec![
            format!("{} ({})", v.indicator_name, v.indicator),
            v.value_vi.clone().unwrap_or_else(|| "—".into()),
            plans_text(v, say),
            prev.map(|p| p.value_vi.clone()).unwrap_or_default(),
            prev.and_then(|p| p.change_vi.clone())
                .map(|c| format!("{c}{mark}"))
                .unwrap_or_default(),
        ]
    }));
    for line in crate::table::aligned(&rows) {
        println!("{line}");
    }
    // "5/25 chỉ tiêu đạt và vượt kế hoạch": against the first plan each indicator has.
    if with_plan > 0 {
        println!(
            "{reached}/{with_plan} {}",
            solieu_i18n::tr(say.lang, "cli-indicators-or-above-plan")
        );
    }
    if views.iter().any(|v| v.approximate) {
        println!(
            "≈ {}",
            solieu_i18n::tr(say.lang, "cli-estimated-recorded-split-share")
        );
    }
}
