//! `solieu projects`: a year's production-support projects of a unit's communes, by fund:
//! steps reached, support against the fund's plan, projects per commune.

use crate::say::Say;
use crate::table::aligned;
use anyhow::Result;
use solieu_analytics::programs::project_summary;
use solieu_core::format::{number_vi, percent_vi};
use solieu_store::Location;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ProjectsArgs {
    /// The unit: a district (its communes) or one commune (GSO code).
    #[arg(long)]
    pub unit: String,
    /// The program year.
    #[arg(long)]
    pub year: i32,
    /// text (default) or json.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

pub async fn projects(location: &Location, args: ProjectsArgs, say: &Say) -> Result<ExitCode> {
    let (programs, registry) = super::programs_of(location, &args.unit, say).await?;
    let s = project_summary(&programs, &registry, &args.unit, args.year);
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} {} — {}",
        solieu_i18n::tr(say.lang, "cli-production-support-projects"),
        s.year,
        s.unit_name
    );
    if s.funds.is_empty() {
        println!("  {}", solieu_i18n::tr(say.lang, "cli-no-projects"));
    }
    for f in &s.funds {
        println!();
        println!("{} ({})", f.name, f.fund);
        println!("  {}", f.phrase_vi());
        let steps: Vec<String> = f
            .steps
            .iter()
            .map(|st| format!("{} {}", st.label, st.reached))
            .collect();
        println!(
            "  {}: {}",
            solieu_i18n::tr(say.lang, "cli-projects-that-reached-each-step"),
            steps.join(", ")
        );
        println!(
            "  {}: {} {}{}; {}: {} {}",
            solieu_i18n::tr(say.lang, "cli-support"),
            number_vi(f.support, 2),
            solieu_i18n::tr(say.lang, "cli-million-ong"),
            match (f.plan, f.percent_of_plan) {
                (Some(plan), Some(p)) => format!(
                    " / {} {} ({})",
                    solieu_i18n::tr(say.lang, "cli-plan"),
                    number_vi(plan, 2),
                    percent_vi(p, 1)
                ),
                _ => String::new(),
            },
            solieu_i18n::tr(say.lang, "cli-disbursed"),
            number_vi(f.disbursed, 2),
            solieu_i18n::tr(say.lang, "cli-million-ong"),
        );
        let mut rows = vec![vec![
            solieu_i18n::tr(say.lang, "cli-commune-2").to_string(),
            solieu_i18n::tr(say.lang, "cli-projects").to_string(),
            solieu_i18n::tr(say.lang, "cli-carried-over").to_string(),
        ]];
        for c in &f.by_commune {
            rows.push(vec![
                c.name.clone(),
                c.projects.to_string(),
                c.carried_over.to_string(),
            ]);
        }
        for line in aligned(&rows) {
            println!("  {line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
