//! Workbooks (XLSX; XLS and ODS through the same reader) in the two layouts offices use.
//!
//! - The **long layout**: a sheet whose first row is the header of one of the documented CSV
//!   formats; read exactly as that CSV would be.
//! - The **wide layout** ("biểu mẫu"): indicators down (by code or by name), communes, periods
//!   or series across, with title rows, merged header cells, a unit-of-measure column and totals
//!   that are checked, not imported. A [`Mapping`] says what each column is: a CSV given with
//!   `--mapping`, or the hidden sheet [`MAPPING_SHEET`] that [`write_template`] puts into the
//!   workbooks it writes, so the round trip is template → fill in Excel or LibreOffice → import.
//!
//! Cells a spreadsheet stored as numbers are taken exactly as stored and need no decimal
//! convention; numbers typed as text go through the same convention rules as a CSV.

use crate::bounded;
use crate::limits::Limits;
use crate::read::{
    Field, PendingNumber, ReadOptions, ReadResult, Record, Table, f, keep_first_problems,
    match_header, read_table, recognise, resolve_numbers, split_measure,
};
use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use solieu_core::changes::{IncomingValue, Located};
use solieu_core::indicator::{Aggregate, Indicator};
use solieu_core::lineage::{NameMatch, Registry};
use solieu_core::measure::MeasureUnit;
use solieu_core::period::Period;
use solieu_core::problem::{Location, Problem, Text};
use solieu_core::text::{clean, closest, fold};
use solieu_core::value::{Figure, Series, Status, ValueKey, ValueRecord};
use std::collections::HashMap;
use std::io::Cursor;
use std::str::FromStr;

/// The sheet in which a template carries its own mapping.
pub const MAPPING_SHEET: &str = "solieu";

/// Whether `bytes` look like a workbook: a ZIP container (XLSX, ODS) or an OLE one (XLS).
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// "A", "B", … "Z", "AA" for a 0-based column.
pub fn column_letter(column: u32) -> String {
    let mut n = column as u64 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push((b'A' + rem) as char);
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The 0-based column of "E" or "AB"; `None` for anything else.
pub fn parse_column(letters: &str) -> Option<u32> {
    let letters = letters.trim();
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let n = letters.chars().fold(0u32, |n, c| {
        n * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    });
    Some(n - 1)
}

/// What a column of a wide sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Indicator codes or names: which indicator each row is.
    Indicator,
    /// The unit of measure written for each row (ĐVT), checked against the indicator's.
    Measure,
    /// Figures to import.
    Value,
    /// A total of the value columns of the same period and series: checked, never imported.
    Total,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Indicator => "indicator",
            Role::Measure => "measure",
            Role::Value => "value",
            Role::Total => "total",
        }
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        match fold(s).as_str() {
            "indicator" | "chi tieu" => Ok(Role::Indicator),
            "measure" | "dvt" | "don vi tinh" => Ok(Role::Measure),
            "value" | "so lieu" | "gia tri" => Ok(Role::Value),
            "total" | "tong" | "tong cong" => Ok(Role::Total),
            _ => Err("expected indicator, measure, value or total".into()),
        }
    }
}

/// One column of a wide sheet, as the mapping describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The sheet; the workbook's first sheet when not given.
    pub sheet: Option<String>,
    /// 0-based.
    pub column: u32,
    pub role: Role,
    /// The unit (code or name) of every figure in the column; when not given, the column's
    /// header cell names it ("Xã Hoành Mô", "06841").
    pub unit: Option<String>,
    pub period: Option<Period>,
    pub series: Option<Series>,
    pub status: Option<Status>,
    /// Where the mapping said so, for messages.
    pub location: Location,
}

/// What each column of a wide sheet is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    pub columns: Vec<ColumnSpec>,
}

const MAPPING_FIELDS: &[Field] = &[
    f("sheet", &["trang tinh"], false),
    f("column", &["cot"], true),
    f("role", &["vai tro"], true),
    f("unit", &["don vi"], false),
    f("period", &["ky", "ky bao cao"], false),
    f("series", &["loai so lieu"], false),
    f("status", &["trang thai"], false),
];

/// The mapping's header, as written in files and in the template's mapping sheet.
pub const MAPPING_HEADER: [&str; 7] = [
    "sheet", "column", "role", "unit", "period", "series", "status",
];

impl Mapping {
    /// Reads a mapping from rows of text (a CSV file or a mapping sheet): the header first.
    pub fn from_rows(
        base: &Location,
        header: &[String],
        rows: &[(u64, Vec<String>)],
    ) -> (Mapping, Vec<Problem>) {
        let mut problems = Vec::new();
        let at = |line: u64| Location {
            line: Some(line),
            ..base.clone()
        };
        let Some((columns, unknown)) = match_header(header, MAPPING_FIELDS) else {
            problems.push(
                Problem::error(
                    at(base.line.unwrap_or(1)),
                    solieu_i18n::text!("io-not-column-mapping-column-or"),
                )
                .with_value(header.join(","))
                .with_hint(solieu_i18n::text!(
                    "io-header",
                    value = MAPPING_HEADER.join(",")
                )),
            );
            return (Mapping::default(), problems);
        };
        for i in unknown {
            problems.push(
                Problem::error(
                    at(base.line.unwrap_or(1)).with_column(header[i].clone()),
                    solieu_i18n::text!("io-column-mapping-does-not-have"),
                )
                .with_value(header[i].clone())
                .with_hint(solieu_i18n::text!(
                    "io-columns-are",
                    value = MAPPING_HEADER.join(", ")
                )),
            );
        }
        let mut mapping = Mapping::default();
        for (line, cells) in rows {
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let get = |field: &str| {
                columns
                    .get(field)
                    .and_then(|&i| cells.get(i))
                    .map(|c| c.trim())
                    .unwrap_or("")
            };
            let here = |field: &str| at(*line).with_column(field.to_string());
            let before = problems.len();
            let column = parse_column(get("column"));
            if column.is_none() {
                problems.push(
                    Problem::error(here("column"), solieu_i18n::text!("io-not-column-letter"))
                        .with_value(get("column"))
                        .with_hint(solieu_i18n::text!("io-example-e-or-ab")),
                );
            }
            let role = get("role").parse::<Role>().map_err(|e| {
                problems.push(
                    Problem::error(
                        here("role"),
                        solieu_i18n::text!("io-invalid-role", reason = e),
                    )
                    .with_value(get("role"))
                    .with_hint(solieu_i18n::text!("io-indicator-measure-value-or-total")),
                )
            });
            let period = parse_optional(
                get("period"),
                here("period"),
                solieu_i18n::text!("io-not-valid-period"),
                |p| p.parse::<Period>().map_err(|e| e.reason),
                &mut problems,
            );
            let series = parse_optional(
                get("series"),
                here("series"),
                solieu_i18n::text!("io-not-valid-series"),
                str::parse::<Series>,
                &mut problems,
            );
            let status = parse_optional(
                get("status"),
                here("status"),
                solieu_i18n::text!("io-not-valid-status"),
                str::parse::<Status>,
                &mut problems,
            );
            let Ok(role) = role else { continue };
            if matches!(role, Role::Value | Role::Total) {
                if period.is_none() && get("period").is_empty() {
                    problems.push(Problem::error(
                        here("period"),
                        solieu_i18n::text!("io-value-or-total-column-needs"),
                    ));
                }
                if series.is_none() && get("series").is_empty() {
                    problems.push(
                        Problem::error(
                            here("series"),
                            solieu_i18n::text!("io-value-or-total-column-needs-2"),
                        )
                        .with_hint(solieu_i18n::text!("io-actual-or-plan-hdnd-huyen")),
                    );
                }
                if role == Role::Value && series == Some(Series::Actual) && status.is_none() {
                    problems.push(
                        Problem::error(
                            here("status"),
                            solieu_i18n::text!("io-column-actual-values-needs-status"),
                        )
                        .with_hint(solieu_i18n::text!("io-estimate-preliminary-or-official")),
                    );
                }
            }
            if problems.len() > before {
                continue;
            }
            let sheet = Some(get("sheet"))
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            mapping.columns.push(ColumnSpec {
                sheet,
                column: column.expect("checked"),
                role,
                unit: Some(get("unit"))
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
                period,
                series,
                status,
                location: at(*line),
            });
        }
        // One indicator column per sheet: without it the rows mean nothing.
        let mut sheets: Vec<Option<&String>> =
            mapping.columns.iter().map(|c| c.sheet.as_ref()).collect();
        sheets.sort();
        sheets.dedup();
        for sheet in sheets {
            let of_sheet = || {
                mapping
                    .columns
                    .iter()
                    .filter(move |c| c.sheet.as_ref() == sheet)
            };
            let indicators = of_sheet().filter(|c| c.role == Role::Indicator).count();
            if indicators != 1 {
                problems.push(Problem::error(
                    base.clone(),
                    solieu_i18n::text!(
                        "io-sheet-needs-one-indicator-column",
                        sheet = sheet.map_or_else(
                            || solieu_i18n::text!("io-first-sheet"),
                            |s| Text::verbatim(s.as_str())
                        ),
                        indicators = indicators
                    ),
                ));
            }
        }
        (mapping, problems)
    }

    /// Reads a mapping given as a CSV file.
    pub fn from_csv(file: &str, bytes: &[u8]) -> (Mapping, Vec<Problem>) {
        let text = match crate::read::decode(file, bytes) {
            Ok((text, _)) => text,
            Err(p) => return (Mapping::default(), vec![*p]),
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => rows.push((
                    r.position().map_or(0, |p| p.line()),
                    r.iter().map(str::to_string).collect::<Vec<_>>(),
                )),
                Err(e) => problems.push(Problem::error(
                    Location::file(file),
                    crate::why::csv_line(&e),
                )),
            }
        }
        if rows.is_empty() {
            problems.push(Problem::error(
                Location::file(file),
                solieu_i18n::text!("io-mapping-file-empty"),
            ));
            return (Mapping::default(), problems);
        }
        let (_, header) = rows.remove(0);
        let (mapping, found) = Mapping::from_rows(&Location::line(file, 1), &header, &rows);
        problems.extend(found);
        (mapping, problems)
    }
}

/// A cell that may be empty; when not, it must read as a `T`.
fn parse_optional<T>(
    text: &str,
    location: Location,
    what: Text,
    parse: impl Fn(&str) -> Result<T, String>,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    if text.is_empty() {
        return None;
    }
    parse(text)
        .map_err(|reason| {
            let message = solieu_i18n::text!("io-invalid-cell", what = what, reason = reason);
            problems.push(Problem::error(location, message).with_value(text));
        })
        .ok()
}

/// What the wide layout needs to know of the stored catalog: indicators by code and name, and
/// the unit register to find communes named in headers.
pub struct Catalog<'a> {
    pub indicators: &'a [Indicator],
    pub registry: &'a Registry,
}

/// Reads a workbook. Sheets in the long layout are read as their CSV would be; a workbook with
/// a mapping (its own [`MAPPING_SHEET`], else `mapping`) is read in the wide layout.
pub fn read_workbook(
    file: &str,
    bytes: &[u8],
    mapping: Option<&Mapping>,
    catalog: &Catalog,
    options: &ReadOptions,
) -> ReadResult {
    let mut result = ReadResult::default();
    let (mut book, mut sheets) = match open_bounded(file, bytes, &options.limits) {
        Ok(opened) => opened,
        Err(problem) => {
            result.problems.push(*problem);
            return result;
        }
    };
    convert_legacy_text(file, &mut sheets, &mut result.problems);
    let own_mapping = sheets
        .iter()
        .find(|(name, _)| name == MAPPING_SHEET)
        .map(|(name, range)| {
            let mut rows = text_rows(range);
            let (line, header) = if rows.is_empty() {
                (1, Vec::new())
            } else {
                rows.remove(0)
            };
            Mapping::from_rows(&Location::cell(file, name, line), &header, &rows)
        });
    let mapping = match (mapping, own_mapping) {
        (Some(given), _) => Some(given.clone()),
        (None, Some((own, problems))) => {
            result.problems.extend(problems);
            Some(own)
        }
        (None, None) => None,
    };
    let data_sheets: Vec<&(String, Range<Data>)> = sheets
        .iter()
        .filter(|(name, _)| name != MAPPING_SHEET)
        .collect();
    match mapping {
        Some(mapping) => {
            let first = data_sheets.first().map(|(n, _)| n.clone());
            let mut by_sheet: Vec<(String, Vec<&ColumnSpec>)> = Vec::new();
            for spec in &mapping.columns {
                let Some(name) = spec.sheet.clone().or_else(|| first.clone()) else {
                    continue;
                };
                match by_sheet.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, specs)) => specs.push(spec),
                    None => by_sheet.push((name, vec![spec])),
                }
            }
            for (name, specs) in by_sheet {
                let Some((_, range)) = data_sheets.iter().find(|(n, _)| *n == name) else {
                    result.problems.push(
                        Problem::error(
                            specs[0].location.clone(),
                            solieu_i18n::text!("io-workbook-has-no-sheet", name = name),
                        )
                        .with_hint(solieu_i18n::text!(
                            "io-its-sheets-are",
                            value = data_sheets
                                .iter()
                                .map(|(n, _)| n.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                    continue;
                };
                let formulas = book.worksheet_formula(&name).ok();
                let sheet = WideSheet {
                    file,
                    name: &name,
                    range,
                    formulas: formulas.as_ref(),
                };
                sheet.read(&specs, catalog, options, &mut result);
            }
        }
        None => {
            let mut any = false;
            for (name, range) in &data_sheets {
                let Some(table) = long_table(file, name, range) else {
                    continue;
                };
                if recognise(&table.header).is_none() {
                    result.problems.push(
                        Problem::warning(
                            Location::cell(file, name.as_str(), table.header_line),
                            solieu_i18n::text!("io-sheet-not-read-its-first"),
                        )
                        .with_value(table.header.join(",")),
                    );
                    continue;
                }
                any = true;
                let mut read = ReadResult::default();
                read_table(&table, options, &mut read);
                result.kind = result.kind.or(read.kind);
                result.rows += read.rows;
                result.problems.extend(read.problems);
                result.omitted += read.omitted;
                result.omitted_errors += read.omitted_errors;
                result.incoming.extend(read.incoming);
            }
            if !any {
                result.problems.push(
                    Problem::error(
                        Location::file(file),
                        solieu_i18n::text!("io-cannot-tell-workbook-s-layout"),
                    )
                    .with_hint(solieu_i18n::text!("io-use-workbook-made-solieu-import")),
                );
            }
        }
    }
    result
}

type Book<'b> = calamine::Sheets<Cursor<&'b [u8]>>;
/// Each sheet's name and cells, in the workbook's order.
type SheetsRead = Vec<(String, Range<Data>)>;

/// Opens a workbook and reads its sheets within `limits` (see [`crate::bounded`]); refused
/// whole at the first limit passed, so nothing is imported from a workbook read in part.
fn open_bounded<'b>(
    file: &str,
    bytes: &'b [u8],
    limits: &Limits,
) -> Result<(Book<'b>, SheetsRead), Box<Problem>> {
    if bytes.starts_with(b"PK\x03\x04") {
        bounded::check_zip(file, bytes, limits)?;
        bounded::check_ods(file, bytes, limits)?;
    } else {
        bounded::check_xls(file, bytes, limits)?;
    }
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Box::new(
            Problem::error(
                Location::file(file),
                solieu_i18n::text!("io-cannot-open-workbook", e = e),
            )
            .with_hint(solieu_i18n::text!("io-open-it-excel-or-libreoffice")),
        )
    })?;
    let mut budget = bounded::Budget::default();
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = match &mut book {
            calamine::Sheets::Xlsx(xlsx) => {
                bounded::xlsx_sheet(xlsx, file, &name, limits, &mut budget)?
            }
            other => {
                let range = other
                    .worksheet_range(&name)
                    .map_err(|e| bounded::unreadable_sheet(file, &name, &e))?;
                bounded::check_range(file, &name, &range, limits, &mut budget)?;
                range
            }
        };
        sheets.push((name, range));
    }
    Ok((book, sheets))
}

/// A cell as text: numbers in plain decimal form, dates as ISO dates.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(x) => exact_number(*x).map_or_else(|| x.to_string(), |d| d.to_string()),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match cell_date(cell) {
            Some(d) => d.format("%Y-%m-%d").to_string(),
            None => dt.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn cell_date(cell: &Data) -> Option<NaiveDate> {
    match cell {
        Data::DateTime(dt) => dt.as_datetime().map(|d| d.date()),
        Data::DateTimeIso(s) => s.get(..10).and_then(|d| d.parse().ok()),
        _ => None,
    }
}

/// The decimal a spreadsheet meant by a stored float: the shortest text that reads back as
/// the same float is what was typed (643.41, not 643.40999…).
fn exact_number(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    Decimal::from_str(&x.to_string())
        .ok()
        .map(|d| d.normalize())
}

fn cell_number(cell: &Data) -> Option<Decimal> {
    match cell {
        Data::Int(i) => Some(Decimal::from(*i)),
        Data::Float(x) => exact_number(*x),
        _ => None,
    }
}

/// Every non-empty row of a sheet as text, with its spreadsheet row number.
fn text_rows(range: &Range<Data>) -> Vec<(u64, Vec<String>)> {
    let Some((top, _)) = range.start() else {
        return Vec::new();
    };
    range
        .rows()
        .enumerate()
        .filter(|(_, row)| row.iter().any(|c| !cell_text(c).trim().is_empty()))
        .map(|(i, row)| {
            (
                top as u64 + i as u64 + 1,
                row.iter().map(cell_text).collect(),
            )
        })
        .collect()
}

/// A long-layout sheet as a table: its first non-empty row is the header.
fn long_table(file: &str, sheet: &str, range: &Range<Data>) -> Option<Table> {
    let (top, left) = range.start()?;
    let mut rows = range.rows().enumerate().filter(|(_, row)| {
        row.iter()
            .any(|c| !matches!(c, Data::Empty) && !cell_text(c).trim().is_empty())
    });
    let (header_index, header_row) = rows.next()?;
    let header: Vec<String> = header_row
        .iter()
        .map(|c| cell_text(c).trim().to_string())
        .collect();
    let labels = header
        .iter()
        .enumerate()
        .map(|(i, h)| format!("{} ({h})", column_letter(left + i as u32)))
        .collect();
    let records = rows
        .map(|(i, row)| Record {
            line: top as u64 + i as u64 + 1,
            cells: row.iter().map(cell_text).collect(),
            numbers: row.iter().map(cell_number).collect(),
        })
        .collect();
    Some(Table {
        file: file.to_string(),
        sheet: Some(sheet.to_string()),
        header_line: top as u64 + header_index as u64 + 1,
        header,
        labels,
        records,
        refused: 0,
    })
}

/// A wide sheet being read.
struct WideSheet<'a> {
    file: &'a str,
    name: &'a str,
    range: &'a Range<Data>,
    formulas: Option<&'a Range<String>>,
}

/// A value column and the unit it turned out to be for; `None` when that could not be told
/// (its cells are still read, so every fault is found in one pass, but never imported).
struct ValueColumn<'a> {
    spec: &'a ColumnSpec,
    unit: Option<String>,
    label: String,
}

/// Rounding of each part and of the total lets a correct total differ from the sum of its
/// printed parts by half a unit of the last decimal for each of them.
fn tolerance(decimals: u8, terms: usize) -> Decimal {
    Decimal::new(1, decimals as u32) * Decimal::from(terms + 1) / Decimal::from(2)
}

impl WideSheet<'_> {
    fn cell(&self, row: u32, column: u32) -> &Data {
        self.range.get_value((row, column)).unwrap_or(&Data::Empty)
    }

    fn is_formula(&self, row: u32, column: u32) -> bool {
        self.formulas
            .and_then(|f| f.get_value((row, column)))
            .is_some_and(|f| !f.trim().is_empty())
    }

    fn at(&self, row: u32, column: u32, label: &str) -> Location {
        Location::cell(self.file, self.name, row as u64 + 1)
            .with_column(format!("{} ({label})", column_letter(column)))
    }

    /// The header cell of a column: the nearest non-empty text above the first data row.
    fn header_above(&self, column: u32, first_data_row: u32) -> Option<(u32, String)> {
        let top = self.range.start().map_or(0, |(r, _)| r);
        (top..first_data_row)
            .rev()
            .map(|r| (r, cell_text(self.cell(r, column)).trim().to_string()))
            .find(|(_, t)| !t.is_empty())
    }

    fn read(
        &self,
        specs: &[&ColumnSpec],
        catalog: &Catalog,
        options: &ReadOptions,
        result: &mut ReadResult,
    ) {
        let errors_before = result.errors();
        let Some(indicator_column) = specs.iter().find(|s| s.role == Role::Indicator) else {
            return;
        };
        let measure_column = specs.iter().find(|s| s.role == Role::Measure);
        let numeric: Vec<&&ColumnSpec> = specs
            .iter()
            .filter(|s| matches!(s.role, Role::Value | Role::Total))
            .collect();
        let by_code: HashMap<String, &Indicator> = catalog
            .indicators
            .iter()
            .map(|i| (i.code.to_uppercase(), i))
            .collect();
        let by_name: HashMap<String, &Indicator> = catalog
            .indicators
            .iter()
            .map(|i| (fold(&i.name), i))
            .collect();
        let Some(((top, _), (bottom, _))) = self.range.start().zip(self.range.end()) else {
            return;
        };
        // Which indicator each row is; rows naming none are titles, headings or notes unless
        // they carry figures.
        let mut rows: Vec<(u32, &Indicator)> = Vec::new();
        for r in top..=bottom {
            let written = clean(&cell_text(self.cell(r, indicator_column.column)));
            if written.is_empty() {
                continue;
            }
            let found = by_code
                .get(&written.to_uppercase())
                .or_else(|| by_name.get(&fold(&written)));
            match found {
                Some(indicator) => rows.push((r, indicator)),
                None => {
                    let figures = numeric.iter().any(|s| {
                        let c = self.cell(r, s.column);
                        cell_number(c).is_some()
                            || solieu_core::number::readings(split_measure(&cell_text(c)).0).is_ok()
                    });
                    if figures {
                        let names: Vec<&str> =
                            catalog.indicators.iter().map(|i| i.name.as_str()).collect();
                        let near = closest(&written, names.iter().copied());
                        result.problems.push(
                            Problem::error(
                                self.at(r, indicator_column.column, "chỉ tiêu"),
                                solieu_i18n::text!("io-no-indicator-catalogue-has-this"),
                            )
                            .with_value(written)
                            .with_hint_opt((!near.is_empty()).then(|| {
                                solieu_i18n::text!("io-did-you-mean", value = near.join("; "))
                            })),
                        );
                    }
                }
            }
        }
        let Some(first_data_row) = rows.first().map(|(r, _)| *r) else {
            result.problems.push(
                Problem::error(
                    Location::cell(self.file, self.name, top as u64 + 1),
                    solieu_i18n::text!(
                        "io-no-row-column-holds-code",
                        value = column_letter(indicator_column.column)
                    ),
                )
                .with_hint(solieu_i18n::text!(
                    "io-check-indicator-column-mapping-import"
                )),
            );
            return;
        };
        // Each numeric column's unit: from the mapping, or from its header cell.
        let mut columns: Vec<ValueColumn> = Vec::new();
        for spec in &numeric {
            let (Some(period), Some(_)) = (spec.period, spec.series.as_ref()) else {
                continue;
            };
            let date = period.end_date();
            if spec.role == Role::Total {
                // A total is only checked: whose total it is does not matter.
                let label = self
                    .header_above(spec.column, first_data_row)
                    .map_or_else(|| "Tổng".to_string(), |(_, t)| t);
                columns.push(ValueColumn {
                    spec,
                    unit: spec.unit.clone(),
                    label,
                });
                continue;
            }
            let (written, location, label) = match &spec.unit {
                Some(u) => (
                    u.clone(),
                    spec.location.clone().with_column("unit"),
                    u.clone(),
                ),
                None => match self.header_above(spec.column, first_data_row) {
                    Some((r, text)) => (text.clone(), self.at(r, spec.column, &text), text),
                    None => {
                        result.problems.push(Problem::error(
                            self.at(first_data_row, spec.column, "?"),
                            solieu_i18n::text!("io-column-has-no-header-naming"),
                        ));
                        continue;
                    }
                },
            };
            match find_unit(catalog.registry, &written, date) {
                Ok(code) => columns.push(ValueColumn {
                    spec,
                    unit: Some(code),
                    label,
                }),
                Err(why) => {
                    columns.push(ValueColumn {
                        spec,
                        unit: None,
                        label: label.clone(),
                    });
                    result.problems.push(
                        Problem::error(
                            location,
                            solieu_i18n::text!(
                                "io-no-single-unit-on",
                                date = solieu_core::format::date_vi(date),
                                why = why
                            ),
                        )
                        .with_value(written),
                    )
                }
            }
        }

        let mut pending: Vec<PendingNumber> = Vec::new();
        // (row, column index, indicator, pending index, measure written in the cell)
        let mut cells: Vec<(u32, usize, &Indicator, usize, Option<String>)> = Vec::new();
        for &(r, indicator) in &rows {
            result.rows += 1;
            keep_first_problems(result, options.limits.problems);
            if let Some(m) = measure_column {
                let written = clean(&cell_text(self.cell(r, m.column)));
                let same = written.is_empty()
                    || MeasureUnit::parse(&written).factor_to(&indicator.unit)
                        == Some(Decimal::ONE);
                if !same {
                    let factor = MeasureUnit::parse(&written).factor_to(&indicator.unit);
                    result.problems.push(
                        Problem::error(
                            self.at(r, m.column, "ĐVT"),
                            solieu_i18n::text!(
                                "io-unit-measure-differs-from-indicator",
                                indicator_code = indicator.code,
                                symbol = indicator.unit.symbol()
                            ),
                        )
                        .with_value(written.clone())
                        .with_hint(match factor {
                            Some(k) => solieu_i18n::text!(
                                "io-write-figures-in-unit",
                                unit = indicator.unit.symbol(),
                                written = written,
                                factor = k.normalize()
                            ),
                            None => solieu_i18n::text!(
                                "io-indicator-measured-in",
                                unit = indicator.unit.symbol()
                            ),
                        }),
                    );
                }
            }
            for (ci, column) in columns.iter().enumerate() {
                let c = column.spec.column;
                let cell = self.cell(r, c);
                let location = self.at(r, c, &column.label);
                let refuse = |message: Text, hint: Text| {
                    Problem::error(location.clone(), message)
                        .with_value(cell_text(cell))
                        .with_hint(hint)
                };
                let (text, exact, measure) = match cell {
                    Data::Empty => continue,
                    Data::Int(_) | Data::Float(_) => (cell_text(cell), cell_number(cell), None),
                    Data::String(s) => {
                        if s.trim().is_empty() {
                            continue;
                        }
                        let (number, measure) = split_measure(s);
                        (number.to_string(), None, measure.map(str::to_string))
                    }
                    Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
                        result.problems.push(refuse(
                            solieu_i18n::text!("io-cell-holds-date-not-number"),
                            solieu_i18n::text!("io-format-cell-number-type-figure"),
                        ));
                        continue;
                    }
                    Data::Bool(_) | Data::Error(_) => {
                        result.problems.push(refuse(
                            solieu_i18n::text!("io-cell-holds-no-number-formula"),
                            solieu_i18n::text!("io-fix-formula-or-type-figure"),
                        ));
                        continue;
                    }
                };
                pending.push(PendingNumber {
                    line: r as u64 + 1,
                    location,
                    text,
                    exact,
                });
                cells.push((r, ci, indicator, pending.len() - 1, measure));
            }
        }
        let numbers = resolve_numbers(&pending, options.decimal, &mut result.problems);
        keep_first_problems(result, options.limits.problems);
        // The figure in each (row, column), for the checks.
        let figure: HashMap<(u32, usize), Decimal> = cells
            .iter()
            .filter_map(|(r, ci, _, p, _)| numbers[*p].map(|v| ((*r, *ci), v)))
            .collect();
        let unreadable: std::collections::HashSet<(u32, usize)> = cells
            .iter()
            .filter(|(_, _, _, p, _)| numbers[*p].is_none())
            .map(|(r, ci, _, _, _)| (*r, *ci))
            .collect();
        let row_of: HashMap<&str, u32> = rows.iter().map(|(r, i)| (i.code.as_str(), *r)).collect();
        let mut incoming = Vec::new();
        for (r, ci, indicator, p, measure) in &cells {
            let Some(value) = numbers[*p] else { continue };
            let column = &columns[*ci];
            let spec = column.spec;
            let series = spec.series.clone().expect("checked");
            let computed_here = indicator.is_derived() && series == Series::Actual;
            let Some(unit) = &column.unit else { continue };
            if spec.role == Role::Total || computed_here {
                // Checked below, never imported: solieu computes totals itself.
                continue;
            }
            incoming.push(Located {
                item: IncomingValue {
                    record: ValueRecord {
                        key: ValueKey {
                            indicator: indicator.code.clone(),
                            unit: unit.clone(),
                            period: spec.period.expect("checked"),
                            series,
                        },
                        figure: Figure {
                            value,
                            status: spec.status.unwrap_or(Status::Official),
                            note: String::new(),
                        },
                    },
                    measure: measure.clone(),
                },
                location: Location::cell(self.file, self.name, *r as u64 + 1).with_column(format!(
                    "{} ({})",
                    column_letter(spec.column),
                    column.label
                )),
            });
        }
        for (r, ci, indicator, p, _) in &cells {
            let Some(written) = numbers[*p] else { continue };
            let column = &columns[*ci];
            let spec = column.spec;
            if self.is_formula(*r, spec.column) {
                // The spreadsheet computed it from the cells beside it.
                continue;
            }
            let location = self.at(*r, spec.column, &column.label);
            if spec.role == Role::Total {
                if indicator.is_derived() || indicator.aggregate != Aggregate::Sum {
                    continue;
                }
                let parts: Vec<(usize, &ValueColumn)> = columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| {
                        c.spec.role == Role::Value
                            && c.spec.period == spec.period
                            && c.spec.series == spec.series
                    })
                    .collect();
                if parts.iter().any(|(i, _)| unreadable.contains(&(*r, *i))) {
                    // That cell's own fault is reported; a sum without it means nothing.
                    continue;
                }
                let empty: Vec<&str> = parts
                    .iter()
                    .filter(|(i, _)| !figure.contains_key(&(*r, *i)))
                    .map(|(_, c)| c.label.as_str())
                    .collect();
                if empty.len() == parts.len() && written.is_zero() {
                    // A formula's 0 over empty cells, where the spreadsheet format does not
                    // say it is a formula (XLS shared formulas): nothing is lost.
                    continue;
                }
                if !empty.is_empty() {
                    result.problems.push(
                        Problem::error(
                            location,
                            solieu_i18n::text!(
                                "io-total-written-but-these-are",
                                value = empty.join(", ")
                            ),
                        )
                        .with_value(written.normalize().to_string())
                        .with_hint(solieu_i18n::text!("io-fill-each-unit-s-figure")),
                    );
                    continue;
                }
                let sum: Decimal = parts.iter().map(|(i, _)| figure[&(*r, *i)]).sum();
                if (sum - written).abs() > tolerance(indicator.decimals, parts.len()) {
                    result.problems.push(total_mismatch(
                        location,
                        written,
                        sum,
                        &solieu_i18n::text!("io-sum-of-columns", columns = column_range(&parts)),
                    ));
                }
            } else if indicator.is_derived() && spec.series == Some(Series::Actual) {
                let formula = indicator.formula.as_ref().expect("derived");
                let lookup = |code: &str| {
                    row_of
                        .get(code)
                        .and_then(|row| figure.get(&(*row, *ci)).copied())
                };
                let Ok(expected) = formula.eval(&lookup) else {
                    continue;
                };
                let terms = formula.references().len();
                if (expected - written).abs() > tolerance(indicator.decimals, terms) {
                    result.problems.push(total_mismatch(
                        location,
                        written,
                        expected,
                        &Text::verbatim(format!("{} = {}", indicator.code, formula.text())),
                    ));
                }
            }
        }
        if result.errors() == errors_before {
            result.incoming.values.extend(incoming);
        }
        result.kind = result.kind.or(Some(crate::FileKind::Values));
    }
}

fn column_range(parts: &[(usize, &ValueColumn)]) -> String {
    match (parts.first(), parts.last()) {
        (Some((_, a)), Some((_, b))) if parts.len() > 1 => format!(
            "{}–{}",
            column_letter(a.spec.column),
            column_letter(b.spec.column)
        ),
        (Some((_, a)), _) => column_letter(a.spec.column),
        _ => String::new(),
    }
}

fn total_mismatch(location: Location, written: Decimal, expected: Decimal, what: &Text) -> Problem {
    let vn = |d: Decimal| solieu_core::format::number_vi(d, d.scale().min(6));
    Problem::error(
        location,
        solieu_i18n::text!(
            "io-total-does-not-add-up",
            what = what,
            expected = Text::new(vn(expected.normalize()), expected.normalize().to_string()),
            written = Text::new(vn(written.normalize()), written.normalize().to_string()),
            off = Text::new(
                vn((written - expected).normalize()),
                (written - expected).normalize().to_string()
            )
        ),
    )
    .with_value(written.normalize().to_string())
    .with_hint(solieu_i18n::text!("io-correct-parts-or-total-totals"))
}

/// The unit a header or mapping names: a code in parentheses ("Xã Hoành Mô (06841)") first,
/// then the whole text as a clerk writes it.
fn find_unit(registry: &Registry, written: &str, date: NaiveDate) -> Result<String, Text> {
    let code_in_parens = written
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map(str::trim)
        .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()));
    if let Some(code) = code_in_parens
        && let NameMatch::One(id) = registry.find(code, date)
    {
        let version = registry.version(id);
        let name = written.rsplit_once('(').map_or("", |(name, _)| name.trim());
        let agrees = match registry.find(name, date) {
            _ if name.is_empty() => true,
            NameMatch::One(other) => other == id,
            NameMatch::Ambiguous(ids) => ids.contains(&id),
            NameMatch::Unknown(_) => false,
        };
        return if agrees {
            Ok(version.code.clone())
        } else {
            Err(solieu_i18n::text!(
                "io-name-code-disagree",
                version_code = version.code,
                version_name = version.name
            ))
        };
    }
    let describe = |ids: &[usize]| {
        ids.iter()
            .map(|&id| {
                let v = registry.version(id);
                format!("{} ({})", v.name, v.code)
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    match registry.find(written, date) {
        NameMatch::One(id) => Ok(registry.version(id).code.clone()),
        NameMatch::Ambiguous(ids) => Err(solieu_i18n::text!(
            "io-several-units-have-this-name",
            value = describe(&ids)
        )),
        NameMatch::Unknown(ids) if ids.is_empty() => {
            Err(solieu_i18n::text!("io-no-unit-has-this-name"))
        }
        NameMatch::Unknown(ids) => Err(solieu_i18n::text!(
            "io-no-unit-has-this-name-2",
            value = describe(&ids)
        )),
    }
}

/// Old workbooks typed with TCVN3 (ABC) or VNI fonts hold their Vietnamese as look-alike Latin-1
/// letters ("Hoµnh M«"). The whole workbook's text is weighed at once, since one short cell can
/// read several ways, and converted when the encoding is clear; refused when it is not.
fn convert_legacy_text(
    file: &str,
    sheets: &mut [(String, Range<Data>)],
    problems: &mut Vec<Problem>,
) {
    use solieu_core::legacy_text::{Detected, detect_all, to_unicode};
    let detected = detect_all(sheets.iter().flat_map(|(_, range)| {
        range.used_cells().filter_map(|(_, _, c)| match c {
            Data::String(s) => Some(s.as_str()),
            _ => None,
        })
    }));
    let encoding = match detected {
        Detected::Unicode => return,
        Detected::Ambiguous => {
            problems.push(
                Problem::error(
                    Location::file(file),
                    solieu_i18n::text!("io-cannot-tell-encoding-workbook-s"),
                )
                .with_hint(solieu_i18n::text!("io-convert-text-unicode-e-g")),
            );
            return;
        }
        Detected::Tcvn3 | Detected::Vni => detected.encoding().expect("legacy"),
    };
    for (_, range) in sheets.iter_mut() {
        let Some((top, left)) = range.start() else {
            continue;
        };
        let converted: Vec<((u32, u32), String)> = range
            .used_cells()
            .filter_map(|(r, c, cell)| match cell {
                Data::String(s) => {
                    Some(((top + r as u32, left + c as u32), to_unicode(s, encoding)))
                }
                _ => None,
            })
            .collect();
        for (at, text) in converted {
            range.set_value(at, Data::String(text));
        }
    }
    problems.push(Problem::warning(
        Location::file(file),
        solieu_i18n::text!(
            "io-workbook-s-text-old-encoding",
            encoding_name = encoding.name()
        ),
    ));
}
