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
        say.t(
            "Dự án hỗ trợ phát triển sản xuất năm",
            "Production-support projects of"
        ),
        s.year,
        s.unit_name
    );
    if s.funds.is_empty() {
        println!("  {}", say.t("(không có dự án)", "(no projects)"));
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
            say.t(
                "Số dự án đã qua từng bước",
                "Projects that reached each step"
            ),
            steps.join(", ")
        );
        println!(
            "  {}: {} {}{}; {}: {} {}",
            say.t("Kinh phí hỗ trợ", "Support"),
            number_vi(f.support, 2),
            say.t("triệu đồng", "million đồng"),
            match (f.plan, f.percent_of_plan) {
                (Some(plan), Some(p)) => format!(
                    " / {} {} ({})",
                    say.t("kế hoạch", "plan"),
                    number_vi(plan, 2),
                    percent_vi(p, 1)
                ),
                _ => String::new(),
            },
            say.t("đã giải ngân", "disbursed"),
            number_vi(f.disbursed, 2),
            say.t("triệu đồng", "million đồng"),
        );
        let mut rows = vec![vec![
            say.t("Xã", "Commune").to_string(),
            say.t("Dự án", "Projects").to_string(),
            say.t("Chuyển tiếp", "Carried over").to_string(),
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
