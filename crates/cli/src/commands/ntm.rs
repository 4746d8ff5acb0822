//! `solieu ntm`: where a unit's communes stand on the New Rural Development criteria sets on a
//! date, district averages, and what each commune still lacks.

use crate::say::Say;
use crate::table::aligned;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use solieu_analytics::programs::{NtmSummary, ntm_summary};
use solieu_core::format::number_vi;
use solieu_store::Location;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct NtmArgs {
    /// The unit: a district (its communes) or one commune (GSO code).
    #[arg(long)]
    pub unit: String,
    /// The day to look at (default: today).
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// One criteria set (its code); default: every set the unit's communes are assessed on.
    #[arg(long)]
    pub set: Option<String>,
    /// List, for each commune, the criteria and indicators it does not meet yet.
    #[arg(long)]
    pub lacking: bool,
    /// The threshold of "xã dưới N tiêu chí".
    #[arg(long, default_value_t = 15)]
    pub below: usize,
    /// text (default) or json (the summaries as the report and the web use them).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

pub async fn ntm(location: &Location, args: NtmArgs, say: &Say) -> Result<ExitCode> {
    let (programs, registry) = super::programs_of(location, &args.unit, say).await?;
    let date = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let sets: Vec<&str> = match &args.set {
        Some(s) => {
            if !programs.sets.iter().any(|x| &x.code == s) {
                let known: Vec<&str> = programs.sets.iter().map(|x| x.code.as_str()).collect();
                bail!(
                    "{} {s} ({}: {})",
                    solieu_i18n::tr(say.lang, "cli-there-no-criteria-set"),
                    solieu_i18n::tr(say.lang, "cli-known"),
                    known.join(", ")
                );
            }
            vec![s.as_str()]
        }
        None => programs.sets.iter().map(|s| s.code.as_str()).collect(),
    };
    let summaries: Vec<NtmSummary> = sets
        .into_iter()
        .filter_map(|s| ntm_summary(&programs, &registry, s, &args.unit, date, args.below))
        .filter(|s| s.communes > 0 || args.set.is_some())
        .collect();
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&summaries)?);
        return Ok(ExitCode::SUCCESS);
    }
    if summaries.is_empty() {
        println!(
            "{}",
            solieu_i18n::tr(say.lang, "cli-no-commune-this-unit-assessed")
        );
        return Ok(ExitCode::SUCCESS);
    }
    for s in &summaries {
        print(s, args.lacking, say);
        println!();
    }
    Ok(ExitCode::SUCCESS)
}

fn print(s: &NtmSummary, lacking: bool, say: &Say) {
    println!(
        "{} ({}) — {}, {}",
        s.set_name,
        s.set,
        s.unit_name,
        s.date.format("%d/%m/%Y")
    );
    println!("{}", s.phrase_vi());
    if s.communes > 1 {
        println!("{}", s.distribution_vi());
    }
    let mut rows = vec![vec![
        solieu_i18n::tr(say.lang, "cli-code").to_string(),
        solieu_i18n::tr(say.lang, "cli-commune-2").to_string(),
        solieu_i18n::tr(say.lang, "cli-criteria").to_string(),
        solieu_i18n::tr(say.lang, "cli-indicators").to_string(),
        solieu_i18n::tr(say.lang, "cli-meets").to_string(),
        solieu_i18n::tr(say.lang, "cli-target").to_string(),
        solieu_i18n::tr(say.lang, "cli-criteria-not-met").to_string(),
    ]];
    for c in &s.per_commune {
        let st = &c.status;
        rows.push(vec![
            st.commune.clone(),
            c.name.clone(),
            format!("{}/{}", st.criteria_met, st.criteria_total),
            format!("{}/{}", st.indicators_met, st.indicators_total),
            if st.meets_set {
                solieu_i18n::tr(say.lang, "cli-yes")
            } else {
                String::new()
            },
            st.target_year.map(|y| y.to_string()).unwrap_or_default(),
            st.missing
                .iter()
                .map(|m| m.code.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ]);
    }
    for line in aligned(&rows) {
        println!("  {line}");
    }
    if let Some(start) = &s.year_start {
        println!(
            "  {} {}: {} {}, {} {}",
            solieu_i18n::tr(say.lang, "cli-start-year"),
            start.date.format("%d/%m/%Y"),
            number_vi(start.average_criteria, 2),
            solieu_i18n::tr(say.lang, "cli-criteria-2"),
            number_vi(start.average_indicators, 2),
            solieu_i18n::tr(say.lang, "cli-indicators-average"),
        );
    }
    for y in &s.roadmap {
        println!(
            "  {} {}: {} {} ({} {})",
            solieu_i18n::tr(say.lang, "cli-roadmap"),
            y.year,
            y.communes.len(),
            solieu_i18n::tr(say.lang, "cli-communes"),
            y.met,
            solieu_i18n::tr(say.lang, "cli-meet-it-now")
        );
    }
    if lacking {
        for c in s
            .per_commune
            .iter()
            .filter(|c| !c.status.missing.is_empty())
        {
            println!();
            println!(
                "  {} ({}) {}:",
                c.name,
                c.status.commune,
                solieu_i18n::tr(say.lang, "cli-lacks")
            );
            for m in &c.status.missing {
                println!("    {} {}", m.code, m.name);
                for i in &m.indicators {
                    let value = match i.value {
                        None => solieu_i18n::tr(say.lang, "cli-not-assessed").to_string(),
                        Some(_) if i.yes_no => solieu_i18n::tr(say.lang, "cli-not-met").to_string(),
                        Some(v) => number_vi(v, 6),
                    };
                    println!(
                        "      {} {} — {} {value}, {} {}",
                        i.code,
                        i.name,
                        solieu_i18n::tr(say.lang, "cli-now"),
                        solieu_i18n::tr(say.lang, "cli-required"),
                        i.required
                    );
                }
            }
        }
    }
}
