//! `solieu import`: read every file, plan the change, apply it whole or not at all.

use crate::say::Say;
use anyhow::Result;
use solieu_core::changes::{self, Incoming};
use solieu_core::number::DecimalConvention;
use solieu_core::problem::{Location as ProblemLocation, Problem, Text};
use solieu_core::validation;
use solieu_io::{ReadOptions, dhis2, gso, read_csv};
use solieu_store::{Location, Store};
use std::path::PathBuf;
use std::process::ExitCode;

/// A file to import: the name used in messages and its bytes.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub async fn import(
    location: &Location,
    files: &[PathBuf],
    options: ImportOptions,
    user: &str,
    say: &Say,
) -> Result<ExitCode> {
    let store = Store::open(location).await?;
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => inputs.push(Input { name, bytes }),
            Err(e) => problems.push(Problem::error(
                ProblemLocation::file(&name),
                Text::new(
                    format!("không đọc được tệp: {e}"),
                    format!("cannot read the file: {e}"),
                ),
            )),
        }
    }
    let code = import_inputs(&store, inputs, problems, options, user, say).await?;
    store.close().await;
    Ok(code)
}

/// Reads, plans and applies `inputs`; prints every problem or what changed.
/// How files are to be read: the decimal convention of CSVs, the date a reform mapping takes
/// effect.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub decimal: Option<DecimalConvention>,
    pub effective: chrono::NaiveDate,
    /// How DHIS2 identifiers map to ours; codes as they are without it.
    pub dhis2_mapping: dhis2::Mapping,
}

pub async fn import_inputs(
    store: &Store,
    inputs: Vec<Input>,
    mut problems: Vec<Problem>,
    options: ImportOptions,
    user: &str,
    say: &Say,
) -> Result<ExitCode> {
    let dry_run = options.dry_run;
    let csv_options = ReadOptions {
        decimal: options.decimal,
    };
    let mut incoming = Incoming::default();
    let mut rows = 0;
    let mut mappings = Vec::new();
    let mut data_set_files = Vec::new();
    for input in &inputs {
        if solieu_web::datasets::detect(&input.bytes) {
            data_set_files.push(input);
            continue;
        }
        if let Some(format) = dhis2::detect(&input.bytes) {
            let (values, found) = dhis2::read(format, &input.name, &input.bytes);
            rows += values.len();
            problems.extend(found);
            let records = dhis2::to_records(values, &options.dhis2_mapping, &mut problems);
            incoming.values.extend(records);
            continue;
        }
        match gso::detect_json(&input.bytes) {
            Some(gso::JsonKind::UnitList) => {
                let (units, found) = gso::read_unit_list(&input.name, &input.bytes);
                rows += units.len();
                problems.extend(found);
                incoming.units.extend(units);
            }
            // A reform is read last: it ends every unit known before it, from any file.
            Some(gso::JsonKind::ReformMapping) => mappings.push(input),
            None => {
                let read = read_csv(&input.name, &input.bytes, &csv_options);
                rows += read.rows;
                problems.extend(read.problems);
                incoming.units.extend(read.incoming.units);
                incoming.events.extend(read.incoming.events);
                incoming.indicators.extend(read.incoming.indicators);
                incoming.values.extend(read.incoming.values);
                incoming.rules.extend(read.incoming.rules);
            }
        }
    }
    let stored = store.stored().await?;
    for input in mappings {
        let known: Vec<_> = stored
            .units
            .iter()
            .cloned()
            .chain(incoming.units.iter().map(|u| u.item.clone()))
            .collect();
        let (reform, found) =
            gso::read_reform(&input.name, &input.bytes, options.effective, &known);
        rows += reform.units.len() + reform.events.len();
        problems.extend(found);
        // A closure replaces the same version read from a list in this import.
        let mut at: std::collections::HashMap<(String, Option<chrono::NaiveDate>), usize> =
            incoming
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| ((u.item.code.clone(), u.item.valid_from), i))
                .collect();
        for unit in reform.units {
            let key = (unit.item.code.clone(), unit.item.valid_from);
            match at.get(&key) {
                Some(&i) => incoming.units[i].item.valid_to = unit.item.valid_to,
                None => {
                    at.insert(key, incoming.units.len());
                    incoming.units.push(unit);
                }
            }
        }
        incoming.events.extend(reform.events);
    }
    let (warnings, errors): (Vec<Problem>, Vec<Problem>) =
        problems.into_iter().partition(|p| !p.is_error());
    let mut problems = errors;
    let planned = changes::plan(&stored, incoming);
    let mut changes = match planned {
        Ok(changes) if problems.is_empty() => changes,
        Ok(_) => return Ok(refuse(problems, say)),
        Err(more) => {
            problems.extend(more);
            return Ok(refuse(problems, say));
        }
    };
    // Data sets name indicators stored or brought by this import.
    let mut data_sets = Vec::new();
    let known: Vec<_> = stored
        .indicators
        .iter()
        .chain(changes.new_indicators.iter())
        .cloned()
        .collect();
    for input in data_set_files {
        match solieu_web::datasets::read(&input.name, &input.bytes, &known) {
            Ok(sets) => data_sets.extend(sets),
            Err(found) => problems.extend(found),
        }
    }
    if !problems.is_empty() {
        return Ok(refuse(problems, say));
    }
    // Validation rules over what this import writes, with what is stored beside it.
    let (rule_problems, findings) = check_rules(store, &stored.rules, &changes).await?;
    let (rule_warnings, rule_errors): (Vec<Problem>, Vec<Problem>) =
        rule_problems.into_iter().partition(|p| !p.is_error());
    if !rule_errors.is_empty() {
        return Ok(refuse(rule_errors, say));
    }
    changes.findings = findings
        .into_iter()
        .filter(|f| f.importance != validation::Importance::High)
        .collect();
    let (outlier_warnings, outlier_findings) = check_outliers(store, &changes).await?;
    changes.findings.extend(outlier_findings);
    let warnings: Vec<Problem> = warnings
        .into_iter()
        .chain(rule_warnings)
        .chain(outlier_warnings)
        .collect();
    for w in &warnings {
        eprintln!("{}: {}", say.t("lưu ý", "note"), w.render(say.lang));
    }
    let report = match store.apply(&changes, user, dry_run).await {
        Ok(report) => report,
        Err(solieu_store::StoreError::Conflict(text)) => {
            let problem = Problem::error(ProblemLocation::file("(import)"), text);
            return Ok(refuse(vec![problem], say));
        }
        Err(e) => return Err(e.into()),
    };
    let data_sets_written = if dry_run || data_sets.is_empty() {
        data_sets.len()
    } else {
        store.put_data_sets(&data_sets, user).await?
    };
    let heading = if dry_run {
        say.t("Chạy thử (không ghi gì):", "Dry run (nothing written):")
    } else {
        say.t("Đã nhập:", "Imported:")
    };
    println!(
        "{heading} {} {} {rows} {}",
        inputs.len(),
        say.t("tệp,", "files,"),
        say.t("dòng", "rows")
    );
    let lines = [
        (
            say.t("đơn vị hành chính thêm mới", "units added"),
            report.units_added,
        ),
        (
            say.t("đơn vị hành chính kết thúc hiệu lực", "units closed"),
            report.units_closed,
        ),
        (
            say.t("sự kiện sắp xếp đơn vị", "lineage events added"),
            report.events_added,
        ),
        (
            say.t("chỉ tiêu thêm mới", "indicators added"),
            report.indicators_added,
        ),
        (
            say.t("chỉ tiêu sửa đổi", "indicators changed"),
            report.indicators_changed,
        ),
        (
            say.t("số liệu thêm mới", "values added"),
            report.values_added,
        ),
        (
            say.t(
                "số liệu thay đổi (giá trị cũ lưu trong lịch sử)",
                "values changed (old values kept in history)",
            ),
            report.values_changed,
        ),
        (
            say.t("số liệu không đổi", "values unchanged"),
            report.values_unchanged,
        ),
        (
            say.t("quy tắc kiểm tra ghi mới", "validation rules written"),
            report.rules_written,
        ),
        (
            say.t("cảnh báo kiểm tra được lưu lại", "validation warnings kept"),
            report.findings_kept,
        ),
        (
            say.t("bộ số liệu ghi mới", "data sets written"),
            data_sets_written,
        ),
        (
            say.t(
                "đơn vị, sự kiện, chỉ tiêu không đổi",
                "units, events and indicators unchanged",
            ),
            changes.unchanged_records,
        ),
    ];
    for (label, n) in lines {
        if n > 0 {
            println!("  {label}: {n}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Applies the stored rules, replaced by any this import brings, to the values it writes.
async fn check_rules(
    store: &Store,
    stored_rules: &[validation::Rule],
    changes: &changes::ChangeSet,
) -> Result<(Vec<Problem>, Vec<validation::Finding>)> {
    let mut rules: Vec<validation::Rule> = stored_rules
        .iter()
        .filter(|r| !changes.rules.iter().any(|n| n.code == r.code))
        .cloned()
        .collect();
    rules.extend(changes.rules.iter().cloned());
    if rules.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut pairs: Vec<(String, solieu_core::period::Period)> = changes
        .values
        .iter()
        .filter(|v| v.record.key.series == solieu_core::value::Series::Actual)
        .map(|v| (v.record.key.unit.clone(), v.record.key.period))
        .collect();
    pairs.sort();
    pairs.dedup();
    let mut stored = std::collections::HashMap::new();
    for (unit, period) in pairs {
        let filter = solieu_store::ValueFilter {
            unit: Some(unit.clone()),
            within: Some(period),
            series: Some(solieu_core::value::Series::Actual),
            ..Default::default()
        };
        for v in store.values(&filter).await? {
            if v.record.key.period == period {
                stored.insert(
                    (v.record.key.indicator, unit.clone(), period),
                    v.record.figure.value,
                );
            }
        }
    }
    Ok(validation::check_planned(&changes.values, &rules, &stored))
}

/// Compares each value this import writes with its unit's own earlier figures.
async fn check_outliers(
    store: &Store,
    changes: &changes::ChangeSet,
) -> Result<(Vec<Problem>, Vec<validation::Finding>)> {
    let mut units: Vec<&str> = changes
        .values
        .iter()
        .filter(|v| v.record.key.series == solieu_core::value::Series::Actual)
        .map(|v| v.record.key.unit.as_str())
        .collect();
    units.sort();
    units.dedup();
    let mut history: std::collections::HashMap<
        (String, String),
        Vec<(solieu_core::period::Period, rust_decimal::Decimal)>,
    > = std::collections::HashMap::new();
    for unit in units {
        let filter = solieu_store::ValueFilter {
            unit: Some(unit.to_string()),
            series: Some(solieu_core::value::Series::Actual),
            ..Default::default()
        };
        for v in store.values(&filter).await? {
            history
                .entry((v.record.key.indicator, unit.to_string()))
                .or_default()
                .push((v.record.key.period, v.record.figure.value));
        }
    }
    Ok(validation::outliers(&changes.values, &history))
}

fn refuse(mut problems: Vec<Problem>, say: &Say) -> ExitCode {
    problems.sort_by(|a, b| {
        (&a.location.file, a.location.line.unwrap_or(0))
            .cmp(&(&b.location.file, b.location.line.unwrap_or(0)))
    });
    problems.dedup();
    for p in &problems {
        eprintln!("{}", p.render(say.lang));
    }
    let errors = problems.iter().filter(|p| p.is_error()).count();
    match say.lang {
        solieu_core::problem::Lang::Vi => {
            eprintln!("Không nhập gì: có {errors} lỗi; cơ sở dữ liệu không thay đổi.")
        }
        solieu_core::problem::Lang::En => {
            eprintln!("Nothing imported: {errors} problems; the database is unchanged.")
        }
    }
    ExitCode::from(2)
}
