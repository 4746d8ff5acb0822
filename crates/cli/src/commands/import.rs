//! `solieu import`: read every file, plan the change, apply it whole or not at all.

use crate::progress::Progress;
use crate::say::Say;
use anyhow::Result;
use solieu_core::changes::{self, Incoming};
use solieu_core::number::DecimalConvention;
use solieu_core::problem::{Location as ProblemLocation, Problem};
use solieu_core::validation;
use solieu_io::{Limits, ReadOptions, dhis2, dhis2_metadata, excel, gso, read_csv};
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
        match read_input(path, &name) {
            Ok(Ok(bytes)) => inputs.push(Input { name, bytes }),
            Ok(Err(refused)) => problems.push(refused),
            Err(e) => problems.push(Problem::error(
                ProblemLocation::file(&name),
                Say::io_text(&e, path),
            )),
        }
    }
    let code = import_inputs(&store, inputs, problems, options, user, say).await?;
    store.close().await;
    Ok(code)
}

/// A file's bytes, or why it is refused before it is read: a boundary file (GeoJSON) over its
/// limit is known by its first kilobytes and its size, and never held in memory.
fn read_input(path: &std::path::Path, name: &str) -> std::io::Result<Result<Vec<u8>, Problem>> {
    use std::io::Read;
    let size = std::fs::metadata(path)?.len();
    if size > solieu_io::geojson::MAX_BYTES as u64 {
        let mut head = vec![0; 4096];
        let n = std::fs::File::open(path)?.read(&mut head)?;
        if solieu_io::geojson::detect(&head[..n]) {
            return Ok(Err(solieu_io::geojson::too_large(name, size)));
        }
    }
    std::fs::read(path).map(Ok)
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
    /// What each column of a wide workbook holds, for workbooks without their own mapping.
    pub mapping: Option<excel::Mapping>,
    /// How much the files may hold (docs/limits.md).
    pub limits: Limits,
    /// The day whose units a boundary file (GeoJSON) names; today when not given.
    pub as_of: Option<chrono::NaiveDate>,
}

pub async fn import_inputs(
    store: &Store,
    inputs: Vec<Input>,
    mut problems: Vec<Problem>,
    options: ImportOptions,
    user: &str,
    say: &Say,
) -> Result<ExitCode> {
    if super::boundaries::holds_boundaries(&inputs) {
        return super::boundaries::import(store, inputs, problems, &options, user, say).await;
    }
    let dry_run = options.dry_run;
    let shown = options.limits.problems;
    let progress = Progress::for_input(inputs.iter().map(|i| i.bytes.len() as u64).sum());
    progress.step(solieu_i18n::tr(say.lang, "cli-reading-database"));
    let stored = store.stored().await?;
    let mut gathered = Gathered::default();
    // DHIS2 metadata first: the data value sets of this import are read through its links.
    let mut metadata = read_metadata(store, &inputs, &mut problems, &mut gathered.rows).await?;
    let dhis2_mapping = options
        .dhis2_mapping
        .clone()
        .with_links(&metadata.stored_links)
        .with_links(&metadata.read.links);
    gathered
        .incoming
        .extend(std::mem::take(&mut metadata.read.incoming));
    gathered.problems = problems;
    let reforms = gathered.read(&inputs, &stored, &dhis2_mapping, &options, &progress, say);
    gathered.apply_reforms(reforms, &stored, options.effective);
    let Gathered {
        incoming,
        program_incoming,
        rows,
        mut omitted,
        problems,
        data_set_files,
    } = gathered;
    progress.step(solieu_i18n::tr(say.lang, "cli-checking"));
    let (warnings, errors): (Vec<Problem>, Vec<Problem>) =
        problems.into_iter().partition(|p| !p.is_error());
    let mut problems = errors;
    let program_changes =
        plan_programs(store, &stored, &incoming, program_incoming, &mut problems).await?;
    // Planning finds a problem per refused value: only the first few are kept.
    let planned = changes::plan_keeping(&stored, incoming, 4 * shown);
    if let Err(found) = &planned {
        omitted += found.more_errors;
    }
    let refuse = |problems: Vec<Problem>| {
        progress.finish();
        refuse(problems, omitted, shown, rows, say)
    };
    let mut changes = match planned {
        Ok(changes) if problems.is_empty() && omitted == 0 => changes,
        Ok(_) => return Ok(refuse(problems)),
        Err(found) => {
            problems.extend(found.kept);
            return Ok(refuse(problems));
        }
    };
    // Data sets name indicators stored or brought by this import.
    let mut data_sets = metadata.data_set_rows();
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
        return Ok(refuse(problems));
    }
    // Validation rules over what this import writes, with what is stored beside it.
    let (rule_problems, findings) = check_rules(store, &stored.rules, &changes).await?;
    let (rule_warnings, rule_errors): (Vec<Problem>, Vec<Problem>) =
        rule_problems.into_iter().partition(|p| !p.is_error());
    if !rule_errors.is_empty() {
        return Ok(refuse(rule_errors));
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
    progress.counted(
        solieu_i18n::tr(say.lang, "cli-writing-values"),
        changes.values.len() as u64,
    );
    let source: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let source = format!("import: {}", source.join(", "));
    let links = metadata.new_links();
    let write = solieu_store::ImportWrite {
        changes: &changes,
        programs: &program_changes,
        data_sets: &data_sets,
        dhis2_ids: &links,
    };
    let written = store
        .apply_import(write, user, &source, dry_run, &|n| progress.at(n as u64))
        .await;
    progress.finish();
    let warning_count = print_notes(warnings, shown, say);
    let written = match written {
        Ok(written) => written,
        Err(solieu_store::StoreError::Conflict(text)) => {
            let problem = Problem::error(ProblemLocation::file("(import)"), text);
            return Ok(refuse(vec![problem]));
        }
        Err(e) => return Err(e.into()),
    };
    let read = (inputs.len(), rows, warning_count);
    print_written(
        read,
        &written,
        &changes,
        &program_changes,
        &metadata,
        dry_run,
        say,
    );
    Ok(ExitCode::SUCCESS)
}

/// What the readers made of an import's files, before it is planned.
#[derive(Default)]
struct Gathered<'a> {
    incoming: Incoming,
    program_incoming: solieu_core::programs::Incoming,
    rows: usize,
    /// Errors the readers counted but did not keep.
    omitted: usize,
    problems: Vec<Problem>,
    /// Data set files: read once the indicators they name are known.
    data_set_files: Vec<&'a Input>,
}

impl<'a> Gathered<'a> {
    /// Reads each input by what it is; returns the reform mappings, which are read last.
    fn read(
        &mut self,
        inputs: &'a [Input],
        stored: &changes::Stored,
        dhis2_mapping: &dhis2::Mapping,
        options: &ImportOptions,
        progress: &Progress,
        say: &Say,
    ) -> Vec<&'a Input> {
        let csv_options = ReadOptions {
            decimal: options.decimal,
            limits: options.limits,
        };
        // Built only when a workbook needs to find communes named in its headers.
        let mut registry: Option<solieu_core::lineage::Registry> = None;
        let mut mappings = Vec::new();
        for input in inputs {
            progress.step(format!(
                "{} {}…",
                solieu_i18n::tr(say.lang, "cli-reading"),
                input.name
            ));
            if dhis2_metadata::detect(&input.bytes) {
                continue;
            }
            if solieu_web::datasets::detect(&input.bytes) {
                self.data_set_files.push(input);
                continue;
            }
            if solieu_io::programs::detect(&input.bytes).is_some() {
                let read = solieu_io::programs::read_program_csv(
                    &input.name,
                    &input.bytes,
                    options.decimal,
                );
                self.rows += read.rows;
                self.problems.extend(read.problems);
                self.program_incoming.extend(read.incoming);
                continue;
            }
            if excel::is_workbook(&input.bytes) {
                let registry = registry.get_or_insert_with(|| {
                    solieu_core::lineage::Registry::new(stored.units.clone(), stored.events.clone())
                });
                let indicators: Vec<_> = stored
                    .indicators
                    .iter()
                    .cloned()
                    .chain(self.incoming.indicators.iter().map(|i| i.item.clone()))
                    .collect();
                let catalog = excel::Catalog {
                    indicators: &indicators,
                    registry,
                };
                let read = excel::read_workbook(
                    &input.name,
                    &input.bytes,
                    options.mapping.as_ref(),
                    &catalog,
                    &csv_options,
                );
                self.rows += read.rows;
                self.omitted += read.omitted_errors;
                self.problems.extend(read.problems);
                self.incoming.extend(read.incoming);
                continue;
            }
            if let Some(format) = dhis2::detect(&input.bytes) {
                let (values, found) = dhis2::read(format, &input.name, &input.bytes);
                self.rows += values.len();
                self.problems.extend(found);
                let records = dhis2::to_records(values, dhis2_mapping, &mut self.problems);
                // A DHIS2 comment becomes the value's note: held to the same length.
                self.problems.extend(records.iter().filter_map(|r| {
                    let note = &r.item.record.figure.note;
                    solieu_io::limits::long_note(r.location.clone(), note, &options.limits)
                }));
                self.incoming.values.extend(records);
                continue;
            }
            match gso::detect_json(&input.bytes) {
                Some(gso::JsonKind::UnitList) => {
                    let (units, found) = gso::read_unit_list(&input.name, &input.bytes);
                    self.rows += units.len();
                    self.problems.extend(found);
                    self.incoming.units.extend(units);
                }
                // A reform is read last: it ends every unit known before it, from any file.
                Some(gso::JsonKind::ReformMapping) => mappings.push(input),
                None => {
                    let read = read_csv(&input.name, &input.bytes, &csv_options);
                    self.rows += read.rows;
                    self.omitted += read.omitted_errors;
                    self.problems.extend(read.problems);
                    self.incoming.extend(read.incoming);
                }
            }
        }
        mappings
    }

    /// Reads the reform mappings against every unit known, stored or read: a closure replaces
    /// the same version read from a list in this import.
    fn apply_reforms(
        &mut self,
        mappings: Vec<&Input>,
        stored: &changes::Stored,
        effective: chrono::NaiveDate,
    ) {
        for input in mappings {
            let known: Vec<_> = stored
                .units
                .iter()
                .cloned()
                .chain(self.incoming.units.iter().map(|u| u.item.clone()))
                .collect();
            let (reform, found) = gso::read_reform(&input.name, &input.bytes, effective, &known);
            self.rows += reform.units.len() + reform.events.len();
            self.problems.extend(found);
            let units = &mut self.incoming.units;
            let mut at: std::collections::HashMap<(String, Option<chrono::NaiveDate>), usize> =
                units
                    .iter()
                    .enumerate()
                    .map(|(i, u)| ((u.item.code.clone(), u.item.valid_from), i))
                    .collect();
            for unit in reform.units {
                let key = (unit.item.code.clone(), unit.item.valid_from);
                match at.get(&key) {
                    Some(&i) => units[i].item.valid_to = unit.item.valid_to,
                    None => {
                        at.insert(key, units.len());
                        units.push(unit);
                    }
                }
            }
            self.incoming.events.extend(reform.events);
        }
    }
}

/// The program registers' changes, planned against the communes stored or brought by this
/// import; their problems join `problems`.
async fn plan_programs(
    store: &Store,
    stored: &changes::Stored,
    incoming: &Incoming,
    program_incoming: solieu_core::programs::Incoming,
    problems: &mut Vec<Problem>,
) -> Result<solieu_core::programs::ProgramChanges> {
    if program_incoming.is_empty() {
        return Ok(Default::default());
    }
    let known_units: Vec<solieu_core::unit::UnitVersion> = stored
        .units
        .iter()
        .cloned()
        .chain(incoming.units.iter().map(|u| u.item.clone()))
        .collect();
    let registers = store.programs().await?;
    Ok(
        match solieu_core::programs::plan(&registers, &known_units, program_incoming) {
            Ok(c) => c,
            Err(more) => {
                problems.extend(more);
                Default::default()
            }
        },
    )
}

/// Prints the first `shown` notes (warnings) and how many more; returns how many there were.
fn print_notes(warnings: Vec<Problem>, shown: usize, say: &Say) -> usize {
    let count = warnings.len();
    let (warnings, more) = solieu_core::problem::first(warnings, shown);
    for w in &warnings {
        eprintln!(
            "{}: {}",
            solieu_i18n::tr(say.lang, "cli-note-2"),
            w.render(say.lang)
        );
    }
    if more > 0 {
        eprintln!("{}", notes_more(more, say));
    }
    count
}

/// What an import read (files, rows, notes printed) and wrote, a line per kind of record
/// that changed.
fn print_written(
    (files, rows, notes): (usize, usize, usize),
    written: &solieu_store::ImportReport,
    changes: &changes::ChangeSet,
    program_changes: &solieu_core::programs::ProgramChanges,
    metadata: &MetadataRead,
    dry_run: bool,
    say: &Say,
) {
    let heading = if dry_run {
        solieu_i18n::tr(say.lang, "cli-dry-run-nothing-written")
    } else {
        solieu_i18n::tr(say.lang, "cli-imported")
    };
    println!(
        "{heading} {files} {} {rows} {}{}",
        solieu_i18n::tr(say.lang, "cli-files"),
        solieu_i18n::tr(say.lang, "cli-rows"),
        match notes {
            0 => String::new(),
            n => format!(", {n} {}", solieu_i18n::tr(say.lang, "cli-notes-above")),
        }
    );
    let (report, p) = (&written.figures, &written.programs);
    let lines = [
        (
            solieu_i18n::tr(say.lang, "cli-units-added"),
            report.units_added,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-units-closed"),
            report.units_closed,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-lineage-events-added"),
            report.events_added,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-indicators-added"),
            report.indicators_added,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-indicators-changed"),
            report.indicators_changed,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-values-added"),
            report.values_added,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-values-changed-old-values-kept"),
            report.values_changed,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-values-unchanged"),
            report.values_unchanged,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-validation-rules-written"),
            report.rules_written,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-validation-warnings-kept"),
            report.findings_kept,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-data-sets-written"),
            written.data_sets_written,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-dhis2-identifiers-linked"),
            written.dhis2_ids_written,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-units-events-indicators-unchanged"),
            changes.unchanged_records,
        ),
    ];
    for (label, n) in lines {
        if n > 0 {
            println!("  {label}: {n}");
        }
    }
    for n in &metadata.read.not_imported {
        println!(
            "  {}: {} {} ({})",
            solieu_i18n::tr(say.lang, "cli-not-imported-solieu-has-no"),
            n.count,
            n.kind,
            n.why.get(say.lang)
        );
    }
    let program_lines = [
        (
            solieu_i18n::tr(say.lang, "cli-ntm-criteria-sets-added"),
            p.sets_added,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-communes-enrolled-set"),
            p.enrolments_written,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-ntm-indicator-assessments"),
            p.assessments_added,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-ocop-products-2"),
            p.products_written,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-ocop-evaluations"),
            p.evaluations_written,
        ),
        (solieu_i18n::tr(say.lang, "cli-fund-plans"), p.funds_written),
        (
            solieu_i18n::tr(say.lang, "cli-support-projects"),
            p.projects_written,
        ),
        (
            solieu_i18n::tr(say.lang, "cli-documents"),
            p.documents_written,
        ),
        (solieu_i18n::tr(say.lang, "cli-tasks"), p.tasks_written),
        (
            solieu_i18n::tr(say.lang, "cli-program-records-unchanged"),
            program_changes.unchanged,
        ),
    ];
    for (label, n) in program_lines {
        if n > 0 {
            println!("  {label}: {n}");
        }
    }
}

/// The DHIS2 metadata files of an import, read as one export, with the links stored before.
struct MetadataRead {
    stored_links: Vec<dhis2_metadata::Link>,
    read: dhis2_metadata::Metadata,
}

impl MetadataRead {
    fn data_set_rows(&self) -> Vec<solieu_store::DataSetRow> {
        self.read
            .data_sets
            .iter()
            .map(|d| solieu_store::DataSetRow {
                code: d.item.code.clone(),
                name: d.item.name.clone(),
                name_en: d.item.name.clone(),
                period_type: d.item.period_type.clone(),
                deadline_days: d.item.deadline_days,
                indicators: d.item.indicators.clone(),
                // DHIS2's approval workflows are not imported: one level, as with no levels given.
                levels: Vec::new(),
            })
            .collect()
    }

    fn new_links(&self) -> Vec<solieu_store::Dhis2Id> {
        self.read
            .links
            .iter()
            .map(|l| solieu_store::Dhis2Id {
                kind: l.kind.clone(),
                dhis2: l.dhis2.clone(),
                code: l.code.clone(),
                ours: l.ours.clone(),
            })
            .collect()
    }
}

async fn read_metadata(
    store: &Store,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
    rows: &mut usize,
) -> Result<MetadataRead> {
    let stored_links = solieu_web::dhis2::links(store).await?;
    let files: Vec<(&str, &[u8])> = inputs
        .iter()
        .filter(|i| dhis2_metadata::detect(&i.bytes))
        .map(|i| (i.name.as_str(), i.bytes.as_slice()))
        .collect();
    if files.is_empty() {
        return Ok(MetadataRead {
            stored_links,
            read: Default::default(),
        });
    }
    let (read, found) = dhis2_metadata::read(&files, &stored_links);
    problems.extend(found);
    let i = &read.incoming;
    *rows += i.units.len() + i.indicators.len() + i.rules.len() + read.data_sets.len();
    Ok(MetadataRead { stored_links, read })
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

fn notes_more(more: usize, say: &Say) -> String {
    solieu_i18n::tr!(
        say.lang,
        "cli-more-notes",
        count = solieu_core::problem::count(more as u64).get(say.lang)
    )
}

/// Prints the first `shown` problems and how many more there are (`omitted` of them never
/// kept by the readers), then what was refused.
pub(super) fn refuse(
    mut problems: Vec<Problem>,
    omitted: usize,
    shown: usize,
    rows: usize,
    say: &Say,
) -> ExitCode {
    problems.sort_by(|a, b| {
        (
            &a.location.file,
            &a.location.sheet,
            a.location.line.unwrap_or(0),
        )
            .cmp(&(
                &b.location.file,
                &b.location.sheet,
                b.location.line.unwrap_or(0),
            ))
    });
    problems.dedup();
    let errors = problems.iter().filter(|p| p.is_error()).count() + omitted;
    // Rows named by a problem; problems about a whole file or the database name no row.
    let mut refused: Vec<(&str, Option<&str>, u64)> = problems
        .iter()
        .filter(|p| p.is_error())
        .filter_map(|p| {
            let l = &p.location;
            l.line
                .map(|line| (l.file.as_str(), l.sheet.as_deref(), line))
        })
        .collect();
    refused.sort();
    refused.dedup();
    let summary = if refused.is_empty() {
        // A file that could not be opened, a database refusal: nothing was read row by row,
        // so a count of rows would only confuse.
        solieu_i18n::tr!(say.lang, "cli-nothing-imported", errors = errors)
    } else {
        // Problems the readers only counted name rows not counted here: "at least".
        let id = if omitted > 0 {
            "cli-nothing-imported-rows-at-least"
        } else {
            "cli-nothing-imported-rows"
        };
        let args = [
            ("errors", errors.to_string()),
            ("refused", refused.len().to_string()),
            ("rows", rows.to_string()),
        ];
        solieu_i18n::tr_args(say.lang, id, &args)
    };
    let (problems, rest) = solieu_core::problem::first(problems, shown);
    for p in &problems {
        eprintln!("{}", p.render(say.lang));
    }
    if rest + omitted > 0 {
        eprintln!(
            "{}",
            solieu_core::problem::more(rest + omitted).get(say.lang)
        );
    }
    eprintln!("{summary}");
    ExitCode::from(2)
}
