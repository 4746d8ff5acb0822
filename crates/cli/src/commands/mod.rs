//! One module per subcommand.

mod backup;
mod demo;
mod export;
mod import;
mod query;
mod units;
mod validate;
mod values;
mod web;

pub use backup::{backup, restore};
pub use demo::demo;
pub use export::export;
pub use import::{ImportOptions, import};
pub use query::{QueryArgs, query};
pub use units::units;
pub use validate::validate;
pub use values::{ValuesQuery, values};
pub use web::{DEMO_USERS, UserCommand, serve, user};

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
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    solieu_io::dhis2::Mapping::read(&name, &bytes).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| p.render(say.lang)).collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })
}

pub async fn init(location: &Location, say: &Say) -> Result<ExitCode> {
    let existed = location.sqlite_path().is_some_and(|p| p.exists());
    let store = Store::create(location).await?;
    let counts = store.counts().await?;
    if existed {
        println!(
            "{} {} ({} {}, {} {})",
            say.t(
                "Cơ sở dữ liệu đã có, lược đồ đã được cập nhật:",
                "The database already exists; its schema is up to date:"
            ),
            location.given,
            counts.units,
            say.t("đơn vị", "units"),
            counts.values,
            say.t("số liệu", "values"),
        );
    } else {
        println!(
            "{} {}",
            say.t("Đã tạo cơ sở dữ liệu", "Created the database"),
            location.given
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
