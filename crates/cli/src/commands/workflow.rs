//! `solieu workflow`: the approval steps of a data set's figures, taken as a named account
//! (`--user`) under the same rules as the web application and its API
//! (`solieu_web::workflow`): the account's role and unit decide at which level it acts.

use crate::say::Say;
use anyhow::{Result, anyhow};
use solieu_store::{Location, Store};
use solieu_web::App;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct WorkflowArgs {
    /// show (the state and every step), submit, approve, return or reopen.
    #[arg(value_parser = ["show", "submit", "approve", "return", "reopen"])]
    pub action: String,
    /// The data set's code (see docs/formats.md, datasets).
    pub data_set: String,
    /// The unit's code; approving a unit with units below accepts theirs too.
    pub unit: String,
    /// The period, as 2026S1, 2026Q2, 202606 or 2026.
    pub period: String,
    /// Why the figures are returned or reopened (required for those).
    #[arg(long, default_value = "")]
    pub reason: String,
}

pub async fn workflow(
    location: &Location,
    args: WorkflowArgs,
    user: &str,
    say: &Say,
) -> Result<ExitCode> {
    let store = Store::open(location).await?;
    let account = store.user_by_name(user).await?.filter(|u| !u.disabled);
    let who = account
        .and_then(|u| solieu_web::auth::principal(u, None, None))
        .ok_or_else(|| {
            anyhow!(
                "{} “{user}” {}",
                solieu_i18n::tr(say.lang, "cli-there-no-account"),
                solieu_i18n::tr(say.lang, "cli-use-user-must-be-web")
            )
        })?;
    let app = App::new(store, false)
        .await
        .map_err(|e| anyhow!("{}", super::web::operator_message(&e, say)))?;
    let refused = |e: solieu_web::WebError| anyhow!("{}", super::web::operator_message(&e, say));
    if args.action != "show" {
        let stepped = solieu_web::workflow::step(
            &app,
            &who,
            &args.data_set,
            &args.unit,
            &args.period,
            &args.action,
            &args.reason,
        )
        .await
        .map_err(refused)?;
        if !stepped.covered.is_empty() {
            println!(
                "{}: {}",
                solieu_i18n::tr(say.lang, "cli-units-below"),
                stepped.covered.join(", ")
            );
        }
    }
    let form = solieu_web::ops::form(&app, &who, &args.data_set, &args.unit, &args.period)
        .await
        .map_err(refused)?;
    println!(
        "{} {} {}: {}",
        form.data_set,
        form.unit,
        form.period,
        state_text(&form.state, say)
    );
    for e in &form.events {
        println!(
            "  {} · {} · {}{}{}",
            e.at,
            e.by,
            e.action,
            if e.level > 0 {
                format!(" ({} {})", solieu_i18n::tr(say.lang, "web-level"), e.level)
            } else {
                String::new()
            },
            if e.reason.is_empty() {
                String::new()
            } else {
                format!(": {}", e.reason)
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn state_text(state: &str, say: &Say) -> String {
    match state {
        "submitted" => solieu_i18n::tr(say.lang, "web-state-submitted"),
        "returned" => solieu_i18n::tr(say.lang, "cli-returned-correction"),
        "approved" => solieu_i18n::tr(say.lang, "web-state-approved"),
        _ => solieu_i18n::tr(say.lang, "web-state-draft"),
    }
}
