//! One module per subcommand.

mod backup;
mod boundaries;
mod demo;
mod export;
mod import;
mod ntm;
mod ocop;
mod projects;
mod query;
mod report;
mod reports;
mod tasks;
mod template;
mod units;
mod validate;
mod values;
mod web;
mod workflow;

pub use backup::{backup, restore};
pub use demo::demo;
pub use export::{export, export_programs};
pub use import::{ImportOptions, import};
pub use ntm::{NtmArgs, ntm};
pub use ocop::{OcopArgs, ocop};
pub use projects::{ProjectsArgs, projects};
pub use query::{QueryArgs, query};
pub use report::{ReportArgs, report};
pub use reports::{ReportsAction, reports};
pub use tasks::{TasksArgs, tasks};
pub use template::{TemplateArgs, template};
pub use units::units;
pub use validate::validate;
pub use values::{ValuesQuery, values};
pub use web::{DEMO_USERS, LogFormat, UserCommand, poll_interval, serve, user};
pub use workflow::{WorkflowArgs, workflow};

use crate::say::Access::Read;
use crate::say::Say;
use anyhow::Result;
use solieu_store::{Location, Store};
use std::process::ExitCode;

/// Reads a DHIS2 mapping file, or gives the identity mapping without one.
pub fn read_dhis2_mapping(
    path: Option<&std::path::Path>,
    say: &Say,
) -> Result<solieu_io::dhis2::Mapping> {
    let Some(path) = path else {
        return Ok(solieu_io::dhis2::Mapping::default());
    };
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!(say.io_error(&e, path, Read)))?;
    solieu_io::dhis2::Mapping::read(&name, &bytes).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| p.render(say.lang)).collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })
}

/// The DHIS2 identifiers earlier metadata imports linked to our codes.
pub async fn init(location: &Location, say: &Say) -> Result<ExitCode> {
    let existed = location.sqlite_path().is_some_and(|p| p.exists());
    let store = Store::create(location).await?;
    let counts = store.counts().await?;
    if existed {
        println!(
            "{} {} ({} {}, {} {})",
            solieu_i18n::tr(say.lang, "cli-database-already-exists-its-schema"),
            location.given,
            counts.units,
            solieu_i18n::tr(say.lang, "cli-units"),
            counts.values,
            solieu_i18n::tr(say.lang, "cli-values"),
        );
    } else {
        println!(
            "{} {}",
            solieu_i18n::tr(say.lang, "cli-created-database"),
            location.given
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Reads the column mapping of a wide workbook (`--mapping`), if one is given.
pub fn read_column_mapping(
    path: Option<&std::path::Path>,
    say: &Say,
) -> Result<Option<solieu_io::excel::Mapping>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!(say.io_error(&e, path, Read)))?;
    let (mapping, problems) = solieu_io::excel::Mapping::from_csv(&name, &bytes);
    if problems.iter().any(|p| p.is_error()) {
        let lines: Vec<String> = problems.iter().map(|p| p.render(say.lang)).collect();
        anyhow::bail!("{}", lines.join("\n"));
    }
    Ok(Some(mapping))
}

/// The program registers and the unit register, for a command about `unit`'s programs;
/// refused when no unit has that code.
pub async fn programs_of(
    location: &Location,
    unit: &str,
    say: &Say,
) -> Result<(
    solieu_core::programs::Programs,
    solieu_core::lineage::Registry,
)> {
    let store = Store::open(location).await?;
    let stored = store.stored().await?;
    let programs = store.programs().await?;
    store.close().await;
    let registry = solieu_core::lineage::Registry::new(stored.units, stored.events);
    if registry.versions_of(unit).is_empty() {
        anyhow::bail!(
            "{} {unit}",
            solieu_i18n::tr(say.lang, "cli-there-no-unit-code")
        );
    }
    Ok((programs, registry))
}
