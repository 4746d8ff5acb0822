//! `solieu import ranh-gioi.geojson`: unit boundaries (or centres) for the portal's map, each
//! feature matched to the unit its code named on one day, all written or none.

use super::import::{ImportOptions, Input, refuse};
use crate::say::Say;
use anyhow::Result;
use chrono::NaiveDate;
use solieu_core::problem::{Location, Problem};
use solieu_core::unit::UnitVersion;
use solieu_io::geojson;
use solieu_store::{Store, UnitShape};
use std::collections::HashMap;
use std::process::ExitCode;

/// Whether an import holds boundaries: then it holds nothing else.
pub fn holds_boundaries(inputs: &[Input]) -> bool {
    inputs.iter().any(|i| geojson::detect(&i.bytes))
}

pub async fn import(
    store: &Store,
    inputs: Vec<Input>,
    mut problems: Vec<Problem>,
    options: &ImportOptions,
    user: &str,
    say: &Say,
) -> Result<ExitCode> {
    let day = options.as_of.unwrap_or_else(solieu_core::format::today_vi);
    let units = store.stored().await?.units;
    let mut shapes = Vec::new();
    let mut rows = 0;
    // Where each unit version was first given a shape in this import.
    let mut seen: HashMap<(String, Option<NaiveDate>), Location> = HashMap::new();
    for input in &inputs {
        if !geojson::detect(&input.bytes) {
            problems.push(Problem::error(
                Location::file(&input.name),
                solieu_i18n::text!("cli-boundaries-alone"),
            ));
            continue;
        }
        let (read, found) = geojson::read(&input.name, &input.bytes);
        rows += read.len();
        problems.extend(found);
        for boundary in read {
            let Some(unit) = units
                .iter()
                .find(|u| u.code == boundary.code && u.is_valid_on(day))
            else {
                problems.push(unknown_unit(&boundary, day, &units));
                continue;
            };
            let key = (unit.code.clone(), unit.valid_from);
            if let Some(first) = seen.get(&key) {
                problems.push(
                    Problem::error(
                        boundary.location.clone(),
                        solieu_i18n::text!("cli-boundary-twice", first = first.source_path()),
                    )
                    .with_value(&boundary.code),
                );
                continue;
            }
            seen.insert(key, boundary.location.clone());
            shapes.push(UnitShape {
                code: unit.code.clone(),
                valid_from: unit.valid_from,
                geometry: geojson::to_geometry(&boundary.shape),
            });
        }
    }
    if problems.iter().any(Problem::is_error) {
        return Ok(refuse(problems, 0, options.limits.problems, rows, say));
    }
    let written = store.write_shapes(&shapes, user, options.dry_run).await?;
    let heading = if options.dry_run {
        solieu_i18n::tr(say.lang, "cli-dry-run-nothing-written")
    } else {
        solieu_i18n::tr(say.lang, "cli-imported")
    };
    println!(
        "{heading} {} {} {}",
        inputs.len(),
        solieu_i18n::tr(say.lang, "cli-files"),
        solieu_i18n::tr!(
            say.lang,
            "cli-boundaries-as-of",
            day = solieu_core::format::date_vi(day)
        )
    );
    let lines = [
        ("cli-boundaries-added", written.added),
        ("cli-boundaries-replaced", written.replaced),
        ("cli-boundaries-unchanged", written.unchanged),
    ];
    for (id, n) in lines {
        if n > 0 {
            println!("  {}: {n}", solieu_i18n::tr(say.lang, id));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A feature whose code names no unit on `day`; the hint says when the code did name one.
fn unknown_unit(boundary: &geojson::Boundary, day: NaiveDate, units: &[UnitVersion]) -> Problem {
    let problem = Problem::error(
        boundary.location.clone(),
        solieu_i18n::text!(
            "cli-boundary-unknown-unit",
            day = solieu_core::format::date_vi(day)
        ),
    )
    .with_value(&boundary.code);
    let other = units.iter().find(|u| u.code == boundary.code);
    match other {
        Some(unit) => {
            let end =
                |d: Option<NaiveDate>| d.map_or("…".to_string(), solieu_core::format::date_vi);
            problem.with_hint(solieu_i18n::text!(
                "cli-boundary-other-day",
                name = unit.name.clone(),
                span = format!("{} – {}", end(unit.valid_from), end(unit.valid_to))
            ))
        }
        None => problem.with_hint(solieu_i18n::text!("cli-boundary-unknown-hint")),
    }
}
