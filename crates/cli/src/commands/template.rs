//! `solieu import --template FILE.xlsx`: the empty, labelled workbook a unit fills in.

use crate::say::Say;
use anyhow::{Context, Result, bail};
use solieu_core::lineage::{NameMatch, Registry};
use solieu_core::period::Period;
use solieu_core::text::fold;
use solieu_core::value::{Series, Status};
use solieu_io::excel::Role;
use solieu_io::template::{RatioColumn, Template, TemplateColumn, write_template};
use solieu_store::{Location, Store, ValueFilter};
use std::path::Path;
use std::process::ExitCode;

/// What the template covers; used with `solieu import --template`.
#[derive(clap::Args, Debug, Clone)]
pub struct TemplateArgs {
    /// For --template: the unit that reports (GSO code or name).
    #[arg(long, requires = "template")]
    pub unit: Option<String>,
    /// For --template: the period to report: 2020S1, 2020, 202006 …
    #[arg(long, requires = "template")]
    pub period: Option<String>,
    /// For --template: columns per commune below the unit (`communes`) or plan, same period
    /// last year and this period (`series`). Default: communes when the unit has any.
    #[arg(long, value_parser = ["communes", "series"], requires = "template")]
    pub layout: Option<String>,
    /// For --template: only these indicators (codes separated by commas).
    #[arg(long, value_delimiter = ',', requires = "template")]
    pub indicators: Vec<String>,
    /// For --template: only indicators of this group ("Kinh tế > Dịch vụ", diacritics optional).
    #[arg(long, requires = "template")]
    pub group: Option<String>,
    /// For --template: the status of the figures to be entered.
    #[arg(long, default_value = "estimate", requires = "template")]
    pub status: Status,
}

pub async fn template(
    location: &Location,
    out: &Path,
    args: &TemplateArgs,
    say: &Say,
) -> Result<ExitCode> {
    let (Some(unit), Some(period)) = (&args.unit, &args.period) else {
        bail!(
            "{}",
            solieu_i18n::tr(say.lang, "cli-template-needs-unit-period-e")
        );
    };
    let period: Period = say.period(period)?;
    let store = Store::open(location).await?;
    let stored = store.stored().await?;
    let registry = Registry::new(stored.units.clone(), stored.events.clone());
    let end = period.end_date();
    let id = match registry.find(unit, end) {
        NameMatch::One(id) => id,
        NameMatch::Ambiguous(ids) | NameMatch::Unknown(ids) => {
            let names: Vec<String> = ids
                .iter()
                .map(|&i| {
                    let v = registry.version(i);
                    format!("{} ({})", v.name, v.code)
                })
                .collect();
            bail!(
                "{} “{unit}” {} {}{}",
                solieu_i18n::tr(say.lang, "cli-cannot-tell-which-unit"),
                solieu_i18n::tr(say.lang, "cli-meant"),
                end.format("%d/%m/%Y"),
                if names.is_empty() {
                    String::new()
                } else {
                    format!(": {}", names.join("; "))
                }
            );
        }
    };
    let reporting = registry.version(id).clone();

    let mut indicators: Vec<_> = if !args.indicators.is_empty() {
        let mut chosen = Vec::new();
        for code in &args.indicators {
            match stored.indicators.iter().find(|i| i.code == code.trim()) {
                Some(i) => chosen.push(i.clone()),
                None => bail!(
                    "{} {code}",
                    solieu_i18n::tr(say.lang, "cli-there-no-indicator-code")
                ),
            }
        }
        chosen
    } else {
        let group = args.group.as_deref().map(fold);
        stored
            .indicators
            .iter()
            .filter(|i| {
                group
                    .as_ref()
                    .is_none_or(|g| fold(&i.group_path()).starts_with(g.as_str()))
            })
            .cloned()
            .collect()
    };
    if indicators.is_empty() {
        bail!(
            "{}",
            solieu_i18n::tr(say.lang, "cli-no-indicator-put-workbook")
        );
    }
    if args.indicators.is_empty() {
        indicators.sort_by(|a, b| (a.group_path(), &a.code).cmp(&(b.group_path(), &b.code)));
    }

    let children = registry.children(&reporting.code, end);
    let layout = args.layout.clone().unwrap_or_else(|| {
        if children.is_empty() {
            "series".into()
        } else {
            "communes".into()
        }
    });
    let doing = match args.status {
        Status::Estimate => "Ước thực hiện",
        _ => "Thực hiện",
    };
    let (columns, ratios, group_header) = if layout == "communes" {
        if children.is_empty() {
            bail!(
                "{} {} {}",
                reporting.name,
                solieu_i18n::tr(say.lang, "cli-has-no-units-below-it"),
                ""
            );
        }
        let mut columns: Vec<TemplateColumn> = children
            .iter()
            .map(|&c| {
                let v = registry.version(c);
                TemplateColumn {
                    header: format!("{} ({})", v.name, v.code),
                    role: Role::Value,
                    unit: None,
                    period,
                    series: Series::Actual,
                    status: Some(args.status),
                }
            })
            .collect();
        columns.push(TemplateColumn {
            header: format!("Tổng cộng {}", reporting.name),
            role: Role::Total,
            unit: Some(reporting.code.clone()),
            period,
            series: Series::Actual,
            status: None,
        });
        (
            columns,
            Vec::new(),
            Some(format!("{doing} {}", period.name_vi())),
        )
    } else {
        let year = Period::year(period.start_year()).map_err(anyhow::Error::msg)?;
        let filter = ValueFilter {
            unit: Some(reporting.code.clone()),
            within: Some(year),
            ..Default::default()
        };
        let mut plans: Vec<Series> = store
            .values(&filter)
            .await?
            .into_iter()
            .map(|v| v.record.key.series)
            .filter(Series::is_plan)
            .collect();
        plans.sort();
        plans.dedup();
        if plans.is_empty() {
            plans.push(Series::Plan(String::new()));
        }
        let last_year = period
            .same_period_last_year()
            .context("the period has no same period last year")?;
        let mut columns: Vec<TemplateColumn> = plans
            .iter()
            .map(|p| TemplateColumn {
                header: format!("{} năm {}", capitalise(&p.name_vi()), period.start_year()),
                role: Role::Value,
                unit: Some(reporting.code.clone()),
                period: year,
                series: p.clone(),
                status: None,
            })
            .collect();
        let last = columns.len();
        columns.push(TemplateColumn {
            header: format!("Thực hiện cùng kỳ ({})", last_year.name_vi()),
            role: Role::Value,
            unit: Some(reporting.code.clone()),
            period: last_year,
            series: Series::Actual,
            status: Some(Status::Official),
        });
        let this = columns.len();
        columns.push(TemplateColumn {
            header: format!("{doing} {}", period.name_vi()),
            role: Role::Value,
            unit: Some(reporting.code.clone()),
            period,
            series: Series::Actual,
            status: Some(args.status),
        });
        let mut ratios: Vec<RatioColumn> = plans
            .iter()
            .enumerate()
            .map(|(i, p)| RatioColumn {
                header: format!("% so với {}", p.name_vi()),
                numerator: this,
                denominator: i,
                change: false,
            })
            .collect();
        ratios.push(RatioColumn {
            header: "% tăng (+), giảm (−) so với cùng kỳ".into(),
            numerator: this,
            denominator: last,
            change: true,
        });
        (columns, ratios, None)
    };
    let mut template = Template::for_unit(
        format!(
            "BIỂU SỐ LIỆU KINH TẾ - XÃ HỘI {}",
            period.name_vi().to_uppercase()
        ),
        &reporting.name,
        &reporting.code,
        &period,
    );
    template.group_header = group_header;
    template.indicators = indicators;
    template.columns = columns;
    template.ratios = ratios;
    let bytes = write_template(&template)?;
    std::fs::write(out, bytes)
        .map_err(|e| anyhow::anyhow!(say.io_error(&e, out, crate::say::Access::Write)))?;
    store.close().await;
    println!(
        "{} {}: {} {} × {} {}",
        solieu_i18n::tr(say.lang, "cli-template-written"),
        out.display(),
        template.indicators.len(),
        solieu_i18n::tr(say.lang, "cli-indicators-2"),
        template.columns.len(),
        solieu_i18n::tr(say.lang, "cli-figure-columns"),
    );
    println!(
        "{} solieu import {}",
        solieu_i18n::tr(say.lang, "cli-fill-yellow-cells-excel-or"),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
