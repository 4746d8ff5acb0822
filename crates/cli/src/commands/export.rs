//! `solieu export`: the stored record back out as the documented CSVs.

use crate::say::Access::Write;
use crate::say::Say;
use anyhow::Result;
use solieu_io::{dhis2, write_indicators, write_lineage, write_rules, write_units, write_values};
use solieu_store::{Location, Store, ValueFilter};
use std::path::PathBuf;
use std::process::ExitCode;

pub async fn export(
    location: &Location,
    out: Option<PathBuf>,
    only: Option<String>,
    format: &str,
    mapping: &dhis2::Mapping,
    say: &Say,
) -> Result<ExitCode> {
    if let Some(format) = dhis2::Format::parse(format) {
        let store = Store::open(location).await?;
        let values = store.values(&ValueFilter::default()).await?;
        // What a metadata import linked, behind the hand-made mapping.
        let mapping = mapping
            .clone()
            .with_links(&solieu_web::dhis2::links(&store).await?);
        store.close().await;
        let text = dhis2::write(
            format,
            &dhis2::from_records(values.iter().map(|v| &v.record), &mapping),
        );
        match out {
            Some(file) => {
                std::fs::write(&file, text)
                    .map_err(|e| anyhow::anyhow!(say.io_error(&e, &file, Write)))?;
                println!(
                    "{} {}",
                    solieu_i18n::tr(say.lang, "cli-wrote"),
                    file.display()
                );
            }
            None => print!("{text}"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(location).await?;
    let stored = store.stored().await?;
    let values = store.values(&ValueFilter::default()).await?;
    store.close().await;
    let files = [
        ("units", write_units(&stored.units)),
        ("lineage", write_lineage(&stored.events)),
        ("indicators", write_indicators(&stored.indicators)),
        ("rules", write_rules(&stored.rules)),
        ("values", write_values(values.iter().map(|v| &v.record))),
    ];
    match (out, only) {
        (None, None) => anyhow::bail!(
            "{}",
            solieu_i18n::tr(say.lang, "cli-give-out-folder-or-only")
        ),
        (None, Some(kind)) => {
            let (_, text) = files
                .iter()
                .find(|(k, _)| *k == kind)
                .expect("clap checks the kind");
            print!("{text}");
        }
        (Some(dir), only) => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| anyhow::anyhow!(say.io_error(&e, &dir, Write)))?;
            for (kind, text) in files
                .iter()
                .filter(|(k, _)| only.as_deref().is_none_or(|o| o == *k))
            {
                let path = dir.join(format!("{kind}.csv"));
                std::fs::write(&path, text)
                    .map_err(|e| anyhow::anyhow!(say.io_error(&e, &path, Write)))?;
                println!(
                    "{} {}",
                    solieu_i18n::tr(say.lang, "cli-wrote"),
                    path.display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `solieu export --programs --out DIR`: the program registers as the CSVs `import` reads.
pub async fn export_programs(
    location: &Location,
    dir: &std::path::Path,
    say: &Say,
) -> Result<ExitCode> {
    let store = Store::open(location).await?;
    let programs = store.programs().await?;
    store.close().await;
    std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!(say.io_error(&e, dir, Write)))?;
    for (name, text) in solieu_io::programs::write_programs(&programs) {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| anyhow::anyhow!(say.io_error(&e, &path, Write)))?;
        println!(
            "{} {}",
            solieu_i18n::tr(say.lang, "cli-wrote"),
            path.display()
        );
    }
    // The same registers as one workbook, for people rather than for import.
    let path = dir.join("programs.xlsx");
    let workbook = solieu_io::programs::write_programs_xlsx(&programs)
        .map_err(|e| anyhow::anyhow!("programs.xlsx: {e}"))?;
    std::fs::write(&path, workbook).map_err(|e| anyhow::anyhow!(say.io_error(&e, &path, Write)))?;
    println!(
        "{} {}",
        solieu_i18n::tr(say.lang, "cli-wrote"),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}
