//! `solieu query`: figures with their plans and the same period last year, computed on demand.

use crate::say::Say;
use anyhow::{Result, anyhow, bail};
use solieu_analytics::{Engine, Entry, FigureView};
use solieu_core::lineage::Registry;
use solieu_core::period::Period;
use solieu_store::{Location, Store};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct QueryArgs {
    /// Indicator codes, comma separated; without it, every indicator with a figure.
    #[arg(long, value_delimiter = ',')]
    pub indicator: Vec<String>,
    /// The unit (GSO code), as of the period's end.
    #[arg(long)]
    pub unit: String,
    /// The period: 2020S1, 2020, 202006, 2020-01-01/P9M …
    #[arg(long)]
    pub period: String,
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
    let period: Period = args.period.parse().map_err(|e| anyhow!("{e}"))?;
    let store = Store::open(location).await?;
    let engine = load_engine(&store).await?;
    store.close().await;
    let unit = engine
        .registry()
        .unit_for_period(&args.unit, &period)
        .map_err(|e| anyhow!("{}", e.message.get(say.lang)))?;
    let indicators: Vec<u32> = if args.indicator.is_empty() {
        engine.indicators_with_figures(unit, &period)
    } else {
        args.indicator
            .iter()
            .map(|code| {
                engine
                    .indicator_id(code.trim())
                    .ok_or_else(|| anyhow!("{} {code}", say.t("không có chỉ tiêu", "no indicator")))
            })
            .collect::<Result<_>>()?
    };
    let views: Vec<FigureView> = indicators
        .iter()
        .map(|&i| engine.view(&engine.compare(i, unit, &period)))
        .collect();
    match args.format.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&views)?),
        "csv" => print!("{}", to_csv(&views)),
        _ => print_table(&views, say),
    }
    Ok(ExitCode::SUCCESS)
}

fn plans_text(v: &FigureView) -> String {
    v.plans
        .iter()
        .filter_map(|p| Some(format!("{} {}", p.percent_vi.as_ref()?, p.source)))
        .collect::<Vec<_>>()
        .join("; ")
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
        w.write_record([
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
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8")
}

fn print_table(views: &[FigureView], say: &Say) {
    if views.is_empty() {
        println!(
            "{}",
            say.t(
                "Không có số liệu cho đơn vị và kỳ này.",
                "No figures for this unit and period."
            )
        );
        return;
    }
    let first = &views[0];
    println!("{} — {}", first.unit_name, first.period_name);
    let header = [
        say.t("chỉ tiêu", "indicator"),
        say.t("giá trị", "value"),
        say.t("% kế hoạch", "% of plan"),
        say.t("cùng kỳ", "same period"),
        say.t("so cùng kỳ", "change"),
    ];
    let rows: Vec<[String; 5]> = views
        .iter()
        .map(|v| {
            let prev = v.previous.as_ref();
            let mark = if v.approximate { " ≈" } else { "" };
            [
                format!("{} ({})", v.indicator_name, v.indicator),
                v.value_vi.clone().unwrap_or_else(|| "—".into()),
                plans_text(v),
                prev.map(|p| p.value_vi.clone()).unwrap_or_default(),
                prev.and_then(|p| p.change_vi.clone())
                    .map(|c| format!("{c}{mark}"))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    println!("{}", line(header.iter().map(|h| h.to_string()).collect()));
    for row in rows {
        println!("{}", line(row.to_vec()));
    }
    if views.iter().any(|v| v.approximate) {
        println!(
            "≈ {}",
            say.t(
                "ước tính theo tỷ lệ phân chia đơn vị đã ghi nhận",
                "estimated with a recorded split share"
            )
        );
    }
}
