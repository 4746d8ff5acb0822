//! `solieu backup` and `solieu restore`: the whole record, history included, as one SQLite file.

use crate::say::Say;
use anyhow::{Result, bail};
use solieu_store::{CopyReport, Location, Store};
use std::path::Path;
use std::process::ExitCode;

fn print_report(report: &CopyReport, say: &Say) {
    for (table, rows) in report {
        println!(
            "  {table}: {rows} {}",
            solieu_i18n::tr(say.lang, "cli-rows")
        );
    }
}

pub async fn backup(location: &Location, file: &Path, say: &Say) -> Result<ExitCode> {
    if file.exists() {
        bail!(
            "{} {}",
            file.display(),
            solieu_i18n::tr(say.lang, "cli-already-exists-choose-another-file")
        );
    }
    let source = Store::open(location).await?;
    let target_location = Location::parse(&file.display().to_string());
    let target = Store::create(&target_location).await?;
    let copied = source.copy_into(&target).await;
    target.close().await;
    source.close().await;
    let report = match copied {
        Ok(report) => report,
        Err(e) => {
            // A half-written backup must not be mistaken for a good one.
            std::fs::remove_file(file).ok();
            return Err(e.into());
        }
    };
    println!(
        "{} {}",
        solieu_i18n::tr(say.lang, "cli-backed-up"),
        file.display()
    );
    print_report(&report, say);
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(location: &Location, file: &Path, say: &Say) -> Result<ExitCode> {
    if !file.exists() {
        bail!(
            "{} {}",
            solieu_i18n::tr(say.lang, "cli-no-backup-file"),
            file.display()
        );
    }
    // Opening brings a backup's schema up to date; do that to a copy, never to the backup.
    let work = tempfile::tempdir()?;
    let copy = work.path().join("backup.db");
    std::fs::copy(file, &copy)
        .map_err(|e| anyhow::anyhow!(say.io_error(&e, file, crate::say::Access::Read)))?;
    let backup = Store::open(&Location::parse(&copy.display().to_string())).await?;
    let target = Store::create(location).await?;
    let report = backup.copy_into(&target).await?;
    backup.close().await;
    target.close().await;
    println!(
        "{} {} → {}",
        solieu_i18n::tr(say.lang, "cli-restored"),
        file.display(),
        location.given
    );
    print_report(&report, say);
    Ok(ExitCode::SUCCESS)
}
