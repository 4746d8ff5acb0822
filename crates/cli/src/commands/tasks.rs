//! `solieu tasks`: the tasks meetings' conclusions assigned, as they stand on a date, overdue
//! ones by agency; `solieu tasks done ID` records completion, `solieu tasks history ID` shows
//! every state a task has had.

use crate::say::Say;
use crate::table::aligned;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use solieu_analytics::programs::task_summary;
use solieu_core::programs::tasks::{Standing, TaskStatus};
use solieu_store::{Location, Store};
use std::process::ExitCode;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct TasksArgs {
    #[command(subcommand)]
    pub action: Option<TaskAction>,
    /// The day to look at (default: today).
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// Only the tasks one document assigned (its number: 650-KL/HU).
    #[arg(long)]
    pub document: Option<String>,
    /// text (default) or json.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

#[derive(clap::Subcommand)]
pub enum TaskAction {
    /// Record that a task is done (kept in its history with who and when).
    Done {
        /// The task's code.
        id: String,
        /// What was done, or the report that says so.
        #[arg(long, default_value = "")]
        note: String,
        /// The day it was done (default: today).
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Every state the task has had, with who recorded it, when and from where.
    History {
        /// The task's code.
        id: String,
    },
    /// The documents register: number and symbol, date, issuer, summary, tasks assigned.
    Documents,
}

pub async fn tasks(
    location: &Location,
    args: TasksArgs,
    user: &str,
    say: &Say,
) -> Result<ExitCode> {
    let store = Store::open(location).await?;
    let today = chrono::Local::now().date_naive();
    match args.action {
        Some(TaskAction::Done { id, note, date }) => {
            let date = date.unwrap_or(today);
            match store
                .set_task_status(
                    &id,
                    TaskStatus::Done,
                    date,
                    &note,
                    user,
                    "solieu tasks done",
                )
                .await
            {
                Ok(()) => {}
                Err(solieu_store::StoreError::Conflict(text)) => {
                    store.close().await;
                    bail!("{}", text.get(say.lang));
                }
                Err(e) => return Err(e.into()),
            }
            store.close().await;
            println!(
                "{} {id} {} {}",
                solieu_i18n::tr(say.lang, "cli-recorded-task"),
                solieu_i18n::tr(say.lang, "cli-done"),
                date.format("%d/%m/%Y")
            );
            return Ok(ExitCode::SUCCESS);
        }
        Some(TaskAction::History { id }) => {
            let programs = store.programs().await?;
            store.close().await;
            let Some(task) = programs.tasks.iter().find(|t| t.code == id) else {
                bail!("{} {id}", solieu_i18n::tr(say.lang, "cli-there-no-task"));
            };
            println!(
                "{} {} — {} ({})",
                task.code, task.title, task.agency, task.document
            );
            let mut rows = vec![vec![
                solieu_i18n::tr(say.lang, "cli-status-2").to_string(),
                solieu_i18n::tr(say.lang, "cli-day").to_string(),
                solieu_i18n::tr(say.lang, "cli-note").to_string(),
                solieu_i18n::tr(say.lang, "cli-by-3").to_string(),
                solieu_i18n::tr(say.lang, "cli-at-2").to_string(),
                solieu_i18n::tr(say.lang, "cli-source-2").to_string(),
            ]];
            for e in programs.task_history.iter().filter(|e| e.task == id) {
                rows.push(vec![
                    e.status.name().get(say.lang).to_string(),
                    e.date
                        .map(|d| d.format("%d/%m/%Y").to_string())
                        .unwrap_or_default(),
                    e.note.clone(),
                    e.by.clone(),
                    e.at.clone(),
                    e.source.clone(),
                ]);
            }
            for line in aligned(&rows) {
                println!("  {line}");
            }
            return Ok(ExitCode::SUCCESS);
        }
        Some(TaskAction::Documents) => {
            let programs = store.programs().await?;
            store.close().await;
            let mut rows = vec![vec![
                solieu_i18n::tr(say.lang, "cli-number").to_string(),
                solieu_i18n::tr(say.lang, "cli-date").to_string(),
                solieu_i18n::tr(say.lang, "cli-issuer").to_string(),
                solieu_i18n::tr(say.lang, "cli-summary").to_string(),
                solieu_i18n::tr(say.lang, "cli-tasks-assigned").to_string(),
            ]];
            for d in &programs.documents {
                let assigned = programs
                    .tasks
                    .iter()
                    .filter(|t| t.document == d.number)
                    .count();
                rows.push(vec![
                    d.number.clone(),
                    d.date.format("%d/%m/%Y").to_string(),
                    d.issuer.clone(),
                    format!("{}: {}", d.citation_vi(), d.summary),
                    assigned.to_string(),
                ]);
            }
            for line in aligned(&rows) {
                println!("  {line}");
            }
            return Ok(ExitCode::SUCCESS);
        }
        None => {}
    }
    let programs = store.programs().await?;
    store.close().await;
    let date = args.date.unwrap_or(today);
    if let Some(d) = &args.document
        && !programs.documents.iter().any(|x| &x.number == d)
    {
        bail!("{} {d}", solieu_i18n::tr(say.lang, "cli-there-no-document"));
    }
    let s = task_summary(&programs, args.document.as_deref(), date);
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} {}",
        solieu_i18n::tr(say.lang, "cli-assigned-tasks"),
        date.format("%d/%m/%Y")
    );
    println!("{}", s.phrase_vi());
    let mut rows = vec![vec![
        solieu_i18n::tr(say.lang, "cli-code").to_string(),
        solieu_i18n::tr(say.lang, "cli-agency").to_string(),
        solieu_i18n::tr(say.lang, "cli-task").to_string(),
        solieu_i18n::tr(say.lang, "cli-deadline").to_string(),
        solieu_i18n::tr(say.lang, "cli-standing").to_string(),
    ]];
    for l in &s.lines {
        let standing = match say.lang {
            solieu_core::problem::Lang::Vi => l.standing_vi.clone(),
            solieu_core::problem::Lang::En => match l.standing {
                Standing::InProgress => "in progress",
                Standing::Overdue => "overdue",
                Standing::DoneOnTime => "done on time",
                Standing::DoneLate => "done late",
                Standing::Cancelled => "cancelled",
            }
            .to_string(),
        };
        let late = l
            .days_late
            .map(|d| format!(" ({d} {})", solieu_i18n::tr(say.lang, "cli-days")))
            .unwrap_or_default();
        rows.push(vec![
            l.code.clone(),
            l.agency.clone(),
            l.title.clone(),
            l.deadline
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            format!("{standing}{late}"),
        ]);
    }
    for line in aligned(&rows) {
        println!("  {line}");
    }
    let overdue: Vec<_> = s
        .by_agency
        .iter()
        .filter(|a| !a.overdue.is_empty())
        .collect();
    if !overdue.is_empty() {
        println!("{}:", solieu_i18n::tr(say.lang, "cli-overdue-agency"));
        for a in overdue {
            let codes: Vec<&str> = a.overdue.iter().map(|t| t.code.as_str()).collect();
            println!("  {}: {} ({})", a.agency, a.overdue.len(), codes.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
