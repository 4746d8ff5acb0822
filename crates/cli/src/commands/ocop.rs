//! `solieu ocop`: the OCOP registry of a unit's communes on a date, counts by stars, commune
//! and year, and certificates that end soon or have ended.

use crate::say::Say;
use crate::table::aligned;
use anyhow::Result;
use chrono::NaiveDate;
use solieu_analytics::programs::{Count, ProductLine, ocop_summary};
use solieu_core::format::number_vi;
use solieu_store::Location;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct OcopArgs {
    /// The unit: a district (its communes) or one commune (GSO code).
    #[arg(long)]
    pub unit: String,
    /// The day to look at (default: today).
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// Warn about certificates ending within this many days.
    #[arg(long, default_value_t = 90)]
    pub warn_days: i64,
    /// text (default) or json.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

pub async fn ocop(location: &Location, args: OcopArgs, say: &Say) -> Result<ExitCode> {
    let (programs, registry) = super::programs_of(location, &args.unit, say).await?;
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let s = ocop_summary(&programs, &registry, &args.unit, date, args.warn_days);
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} — {}, {}",
        solieu_i18n::tr(say.lang, "cli-ocop-products"),
        s.unit_name,
        date.format("%d/%m/%Y")
    );
    println!("{}", s.phrase_vi());
    let counts = |label: &str, list: &[Count]| {
        let parts: Vec<String> = list
            .iter()
            .map(|c| format!("{} {}", c.label, c.count))
            .collect();
        println!("  {label}: {}", parts.join(", "));
    };
    counts(&solieu_i18n::tr(say.lang, "cli-stars"), &s.by_stars);
    counts(&solieu_i18n::tr(say.lang, "cli-commune"), &s.by_commune);
    counts(&solieu_i18n::tr(say.lang, "cli-year-joined"), &s.by_year);
    let mut rows = vec![vec![
        solieu_i18n::tr(say.lang, "cli-code").to_string(),
        solieu_i18n::tr(say.lang, "cli-product").to_string(),
        solieu_i18n::tr(say.lang, "cli-producer").to_string(),
        solieu_i18n::tr(say.lang, "cli-commune-2").to_string(),
        solieu_i18n::tr(say.lang, "cli-year").to_string(),
        solieu_i18n::tr(say.lang, "cli-score").to_string(),
        solieu_i18n::tr(say.lang, "cli-stars-2").to_string(),
        solieu_i18n::tr(say.lang, "cli-valid-until").to_string(),
    ]];
    for l in &s.registry {
        rows.push(vec![
            l.code.clone(),
            l.name.clone(),
            l.producer.clone(),
            l.commune_name.clone(),
            l.year.to_string(),
            number_vi(l.score, 2),
            l.stars.map(|n| n.to_string()).unwrap_or_default(),
            l.valid_until
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
        ]);
    }
    for line in aligned(&rows) {
        println!("  {line}");
    }
    let warn = |label: &str, list: &[ProductLine]| {
        if list.is_empty() {
            return;
        }
        println!("{label}:");
        for l in list {
            println!(
                "  {} {} ({}) — {}",
                l.code,
                l.name,
                l.producer,
                l.valid_until
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default()
            );
        }
    };
    warn(
        &format!(
            "{} {} {}",
            solieu_i18n::tr(say.lang, "cli-certificates-ending-within"),
            args.warn_days,
            solieu_i18n::tr(say.lang, "cli-days")
        ),
        &s.expiring,
    );
    warn(
        &solieu_i18n::tr(say.lang, "cli-certificates-ended"),
        &s.expired,
    );
    Ok(ExitCode::SUCCESS)
}
