//! Reading the CSV formats. Each file is recognised by its header.

use crate::csv_cell::restore;
use crate::limits::{Limit, Limits};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use solieu_core::changes::{Incoming, IncomingValue, Located};
use solieu_core::formula::Formula;
use solieu_core::indicator::{self, Aggregate, Indicator, MAX_DECIMALS, TimeAggregate};
use solieu_core::lineage::{EventKind, LineageEvent};
use solieu_core::measure::MeasureUnit;
use solieu_core::number::{DecimalConvention, NumberError, readings};
use solieu_core::period::{ACCEPTED_FORMS, Period};
use solieu_core::problem::{Location, Problem, Text};
use solieu_core::text::{clean, fold};
use solieu_core::unit::{self, UnitKind, UnitVersion};
use solieu_core::value::{Figure, Series, Status, ValueKey, ValueRecord};
use std::collections::HashMap;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Units,
    Lineage,
    Indicators,
    Values,
    Rules,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Units => "units",
            FileKind::Lineage => "lineage",
            FileKind::Indicators => "indicators",
            FileKind::Values => "values",
            FileKind::Rules => "rules",
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// The decimal convention of numbers; inferred from the file when not given.
    pub decimal: Option<DecimalConvention>,
    /// How much a file may hold; `solieu import`'s defaults unless given.
    pub limits: Limits,
}

#[derive(Debug, Default)]
pub struct ReadResult {
    pub kind: Option<FileKind>,
    pub incoming: Incoming,
    pub problems: Vec<Problem>,
    /// Data rows read (empty rows not counted).
    pub rows: usize,
    /// Problems found but not kept (past [`Limits::problems`]): counted, so the user is told
    /// how many more there are.
    pub omitted: usize,
    /// How many of the omitted problems were errors.
    pub omitted_errors: usize,
}

impl ReadResult {
    /// Errors found, kept or not.
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count() + self.omitted_errors
    }
}

pub(crate) struct Field {
    pub(crate) name: &'static str,
    aliases: &'static [&'static str],
    required: bool,
}

pub(crate) const fn f(
    name: &'static str,
    aliases: &'static [&'static str],
    required: bool,
) -> Field {
    Field {
        name,
        aliases,
        required,
    }
}

const UNITS: &[Field] = &[
    f("code", &["ma", "ma don vi"], true),
    f("name", &["ten", "ten don vi"], true),
    f("kind", &["loai", "loai don vi", "cap"], true),
    f(
        "parent",
        &["cap tren", "don vi cap tren", "ma cap tren"],
        false,
    ),
    f("valid_from", &["hieu luc tu", "tu ngay"], false),
    f("valid_to", &["hieu luc den", "den ngay"], false),
];
const LINEAGE: &[Field] = &[
    f("date", &["ngay"], true),
    f("event", &["su kien"], true),
    f("from", &["tu", "tu don vi"], true),
    f("to", &["den", "den don vi"], true),
    f("share", &["ty le"], false),
];
const INDICATORS: &[Field] = &[
    f("code", &["ma", "ma chi tieu"], true),
    f("name", &["ten", "ten chi tieu"], true),
    f("unit", &["don vi tinh", "dvt"], true),
    f("group", &["nhom", "linh vuc"], false),
    f("aggregate", &["tong hop theo don vi"], false),
    f("time_aggregate", &["tong hop theo thoi gian"], false),
    f("decimals", &["so chu so thap phan"], false),
    f("formula", &["cong thuc"], false),
    f("name_en", &["ten tieng anh"], false),
    f("price_basis", &["gia"], false),
];
const RULES: &[Field] = &[
    f("code", &["ma", "ma quy tac"], true),
    f("name", &["ten", "ten quy tac"], true),
    f("left", &["ve trai"], true),
    f("operator", &["phep so sanh", "toan tu"], true),
    f("right", &["ve phai"], true),
    f("importance", &["muc do"], false),
    f("tolerance", &["sai so"], false),
    f("message", &["thong bao", "loi nhan"], false),
];
const VALUES: &[Field] = &[
    f("indicator", &["ma chi tieu", "chi tieu"], true),
    f("unit", &["don vi", "ma don vi"], true),
    f("period", &["ky", "ky bao cao"], true),
    f("series", &["loai", "loai so lieu"], false),
    f("value", &["gia tri", "so lieu"], true),
    f("status", &["trang thai"], false),
    f("note", &["ghi chu"], false),
];

fn normalise_header(h: &str) -> String {
    fold(h).replace(['_', '-'], " ").trim().to_string()
}

/// Maps each header cell to a field of `fields`; `None` when a required field is missing.
pub(crate) fn match_header(
    header: &[String],
    fields: &[Field],
) -> Option<(HashMap<&'static str, usize>, Vec<usize>)> {
    let mut map = HashMap::new();
    let mut unknown = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let h = normalise_header(h);
        match fields
            .iter()
            .find(|f| normalise_header(f.name) == h || f.aliases.contains(&h.as_str()))
        {
            Some(field) if !map.contains_key(field.name) => {
                map.insert(field.name, i);
            }
            _ => unknown.push(i),
        }
    }
    fields
        .iter()
        .all(|f| !f.required || map.contains_key(f.name))
        .then_some((map, unknown))
}

/// One table of cells read from a CSV file or a workbook's sheet, before its kind is known.
pub(crate) struct Table {
    pub file: String,
    pub sheet: Option<String>,
    pub header_line: u64,
    pub header: Vec<String>,
    /// How messages name each column: the header, or in a workbook "E (value)".
    pub labels: Vec<String>,
    pub records: Vec<Record>,
    /// Rows refused before their cells were read (a CSV line of the wrong width).
    pub refused: usize,
}

/// A data row: its text cells, and for cells a spreadsheet stored as numbers, their exact value
/// (which needs no decimal convention).
pub(crate) struct Record {
    pub line: u64,
    pub cells: Vec<String>,
    pub numbers: Vec<Option<Decimal>>,
}

impl Table {
    pub(crate) fn location(&self, line: u64) -> Location {
        Location {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            line: Some(line),
            column: None,
        }
    }
}

pub(crate) struct Row<'a> {
    pub(crate) table: &'a Table,
    pub(crate) record: &'a Record,
    pub(crate) columns: &'a HashMap<&'static str, usize>,
}

impl Row<'_> {
    pub(crate) fn get(&self, field: &str) -> &str {
        self.columns
            .get(field)
            .and_then(|&i| self.record.cells.get(i))
            .map(|c| c.trim())
            .unwrap_or("")
    }

    /// The exact value of a cell the spreadsheet stored as a number.
    pub(crate) fn number(&self, field: &str) -> Option<Decimal> {
        self.columns
            .get(field)
            .and_then(|&i| self.record.numbers.get(i).copied().flatten())
    }

    pub(crate) fn location(&self, field: &str) -> Location {
        let column = self
            .columns
            .get(field)
            .map(|&i| self.table.labels[i].trim().to_string())
            .unwrap_or_else(|| field.to_string());
        self.table.location(self.record.line).with_column(column)
    }

    pub(crate) fn problem(&self, field: &str, message: Text) -> Problem {
        Problem::error(self.location(field), message).with_value(self.get(field))
    }

    pub(crate) fn required(&self, field: &str, problems: &mut Vec<Problem>) -> Option<String> {
        let v = self.get(field);
        if v.is_empty() {
            problems.push(self.problem(field, solieu_i18n::text!("io-this-cell-must-not-be")));
            None
        } else {
            Some(clean(v))
        }
    }

    pub(crate) fn parsed<T: FromStr<Err = String>>(
        &self,
        field: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        let v = self.get(field);
        match v.parse::<T>() {
            Ok(x) => Some(x),
            Err(expected) => {
                let message = if v.is_empty() {
                    solieu_i18n::text!("io-this-cell-must-not-be-2", expected = expected)
                } else {
                    solieu_i18n::text!("io-invalid-value", expected = expected)
                };
                problems.push(self.problem(field, message));
                None
            }
        }
    }

    pub(crate) fn optional<T: FromStr<Err = String>>(
        &self,
        field: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<Option<T>> {
        if self.get(field).is_empty() {
            Some(None)
        } else {
            self.parsed(field, problems).map(Some)
        }
    }

    pub(crate) fn date(
        &self,
        field: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<Option<NaiveDate>> {
        let v = self.get(field);
        if v.is_empty() {
            return Some(None);
        }
        match NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(v, "%d/%m/%Y"))
        {
            Ok(d) => Some(Some(d)),
            Err(_) => {
                problems.push(
                    self.problem(field, solieu_i18n::text!("io-not-valid-date"))
                        .with_hint(solieu_i18n::text!("io-write-dates-2025-07-01")),
                );
                None
            }
        }
    }
}

/// A number cell waiting for the file's decimal convention to be settled.
pub(crate) struct PendingNumber {
    pub line: u64,
    pub location: Location,
    pub text: String,
    /// Stored as a number by a spreadsheet: taken as it is.
    pub exact: Option<Decimal>,
}

/// Reads number cells of one file under one convention: the declared one, or the one the
/// file's unambiguous values prove. Returns the values in order (`None` where refused).
pub(crate) fn resolve_numbers(
    pending: &[PendingNumber],
    declared: Option<DecimalConvention>,
    problems: &mut Vec<Problem>,
) -> Vec<Option<Decimal>> {
    // Figures a spreadsheet stored as numbers need no reading, and prove no convention.
    let read: Vec<Option<Result<solieu_core::number::Readings, NumberError>>> = pending
        .iter()
        .map(|p| p.exact.is_none().then(|| readings(&p.text)))
        .collect();
    let mut proofs: HashMap<bool, (usize, u64, &str)> = HashMap::new();
    for (p, r) in pending.iter().zip(&read) {
        if let Some(Ok(Some(c))) = r.as_ref().map(|r| r.as_ref().map(|r| r.proves())) {
            let e = proofs
                .entry(c == DecimalConvention::Comma)
                .or_insert((0, p.line, &p.text));
            e.0 += 1;
        }
    }
    let (commas, points) = (
        proofs.get(&true).map_or(0, |e| e.0),
        proofs.get(&false).map_or(0, |e| e.0),
    );
    let convention = declared.or(match (commas, points) {
        (0, 0) => None,
        (c, p) if c > p => Some(DecimalConvention::Comma),
        (c, p) if p > c => Some(DecimalConvention::Point),
        _ => None,
    });
    let established_by = convention.and_then(|c| proofs.get(&(c == DecimalConvention::Comma)));
    let name = |c: DecimalConvention| match c {
        DecimalConvention::Comma => solieu_i18n::text!("io-decimal-comma-643-41"),
        DecimalConvention::Point => solieu_i18n::text!("io-decimal-point-643-41"),
    };
    pending
        .iter()
        .zip(read)
        .map(|(p, r)| {
            let Some(r) = r else {
                return p.exact;
            };
            let fail = |message: Text, hint: Option<Text>| {
                Problem::error(p.location.clone(), message)
                    .with_value(&p.text)
                    .with_hint_opt(hint)
            };
            let r = match r {
                Ok(r) => r,
                Err(NumberError::Empty) => {
                    problems.push(fail(solieu_i18n::text!("io-value-must-not-be-empty"), None));
                    return None;
                }
                Err(NumberError::TooLarge) => {
                    problems.push(fail(
                        solieu_i18n::text!("io-number-too-large-most-28"),
                        None,
                    ));
                    return None;
                }
                Err(NumberError::NotANumber) => {
                    let hint = p
                        .text
                        .chars()
                        .any(char::is_alphabetic)
                        .then(|| solieu_i18n::text!("io-write-number-only-indicator-s"));
                    problems.push(fail(
                        solieu_i18n::text!("web-not-number"),
                        hint.or(Some(solieu_i18n::text!("io-example-643-41-or-1"))),
                    ));
                    return None;
                }
            };
            match convention {
                Some(c) => match r.under(c) {
                    Some(v) => Some(v),
                    None => {
                        let why = match (declared, established_by) {
                            (Some(_), _) => solieu_i18n::text!("io-declared"),
                            (None, Some((n, line, text))) => solieu_i18n::text!(
                                "io-other-values-file-do-e",
                                n = n,
                                text = text,
                                line = line
                            ),
                            (None, None) => Text::verbatim(""),
                        };
                        problems.push(fail(
                            solieu_i18n::text!(
                                "io-contradicts-file-s-number-convention",
                                convention = name(c),
                                why = why
                            ),
                            Some(solieu_i18n::text!("io-write-every-number-file-one")),
                        ));
                        None
                    }
                },
                None => match r.agreed() {
                    Some(v) => Some(v),
                    None if commas > 0 && commas == points => {
                        problems.push(fail(
                            solieu_i18n::text!("io-file-mixes-both-number-conventions"),
                            Some(solieu_i18n::text!("io-declare-decimal-comma-or-decimal")),
                        ));
                        None
                    }
                    None => {
                        let (c, pnt) = (r.comma.unwrap_or_default(), r.point.unwrap_or_default());
                        problems.push(fail(
                            solieu_i18n::text!(
                                "io-ambiguous-it-reads-or-nothing",
                                normalize = c.normalize(),
                                normalize2 = pnt.normalize()
                            ),
                            Some(solieu_i18n::text!("io-declare-decimal-comma-1-234")),
                        ));
                        None
                    }
                },
            }
        })
        .collect()
}

/// Reads one CSV file named `file` (for messages) from `bytes`.
pub fn read_csv(file: &str, bytes: &[u8], options: &ReadOptions) -> ReadResult {
    let mut result = ReadResult::default();
    if let Some(table) = csv_table(file, bytes, &options.limits, &mut result.problems) {
        result.rows += table.refused;
        read_table(&table, options, &mut result);
    }
    result
}

/// A CSV file as a table of text cells: decoded (old encodings converted), its separator taken
/// from the header line, empty lines skipped, lines of the wrong width refused. A file over a
/// limit, or whose last quoted field never closes (a truncated file), is refused whole.
pub(crate) fn csv_table(
    file: &str,
    bytes: &[u8],
    limits: &Limits,
    problems: &mut Vec<Problem>,
) -> Option<Table> {
    let text = match decode(file, bytes) {
        Ok((text, note)) => {
            problems.extend(note);
            text
        }
        Err(p) => {
            problems.push(*p);
            return None;
        }
    };
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    if let Some(p) = unclosed_quote(file, &text, delimiter) {
        problems.push(p);
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut cells = 0u64;
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => {
            if let Err(p) = within_limits(file, 1, &h, &[], limits, &mut cells) {
                problems.push(*p);
                return None;
            }
            h.iter().map(|c| c.trim().to_string()).collect()
        }
        Some(Err(e)) => {
            problems.push(csv_problem(file, &e));
            return None;
        }
        None => {
            problems.push(Problem::error(
                Location::file(file),
                solieu_i18n::text!("io-file-empty-there-no-header"),
            ));
            return None;
        }
    };
    let mut table = Table {
        file: file.to_string(),
        sheet: None,
        header_line: 1,
        labels: header.clone(),
        header,
        records: Vec::new(),
        refused: 0,
    };
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_problem(file, &e));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if let Err(p) = within_limits(file, line, &record, &table.header, limits, &mut cells) {
            problems.push(*p);
            return None;
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != table.header.len() {
            table.refused += 1;
            problems.push(
                Problem::error(
                    Location::line(file, line),
                    solieu_i18n::text!(
                        "io-line-has-cells-but-header",
                        record_count = record.len(),
                        header_count = table.header.len()
                    ),
                )
                .with_hint(solieu_i18n::text!("io-cell-containing-separator-must-be")),
            );
            continue;
        }
        table.records.push(Record {
            line,
            cells: record.iter().map(|c| restore(c).to_string()).collect(),
            numbers: vec![None; record.len()],
        });
    }
    Some(table)
}

/// Checks one CSV record against the limits: its line, its width, each field's length and the
/// fields read so far (`cells`).
fn within_limits(
    file: &str,
    line: u64,
    record: &csv::StringRecord,
    header: &[String],
    limits: &Limits,
    cells: &mut u64,
) -> Result<(), Box<Problem>> {
    let at = Location::line(file, line);
    limits.check(Limit::Rows, line, &at)?;
    limits.check(Limit::Columns, record.len() as u64, &at)?;
    *cells += record.len() as u64;
    limits.check(Limit::Cells, *cells, &at)?;
    for (i, field) in record.iter().enumerate() {
        if field.len() as u64 > limits.cell_chars {
            let at = at.clone().with_column(
                header
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| (i + 1).to_string()),
            );
            limits
                .check(Limit::CellChars, field.chars().count() as u64, &at)
                .map_err(|p| Box::new((*p).with_value(field)))?;
        }
    }
    Ok(())
}

/// Where a quoted field that never closes begins: a file cut short inside a quote would
/// otherwise end in a field that swallowed the rest of the file, silently. Follows the CSV
/// rules the reader uses: a quote opens a field only at its start; `""` inside is a quote.
fn unclosed_quote(file: &str, text: &str, delimiter: u8) -> Option<Problem> {
    let mut line = 1u64;
    let mut field = 1usize;
    let mut at_start = true;
    let mut open: Option<(u64, usize)> = None;
    let mut bytes = text.bytes().peekable();
    while let Some(b) = bytes.next() {
        if open.is_some() {
            match b {
                b'"' if bytes.peek() == Some(&b'"') => {
                    bytes.next();
                }
                b'"' => open = None,
                b'\n' => line += 1,
                _ => (),
            }
            continue;
        }
        match b {
            b'"' if at_start => open = Some((line, field)),
            b'\n' => {
                line += 1;
                field = 1;
                at_start = true;
                continue;
            }
            b if b == delimiter => {
                field += 1;
                at_start = true;
                continue;
            }
            b'\r' => continue,
            _ => (),
        }
        at_start = false;
    }
    let (line, field) = open?;
    let header_name = text
        .lines()
        .next()
        .and_then(|h| h.split(delimiter as char).nth(field - 1))
        .map(|h| h.trim().trim_matches('"').to_string())
        .filter(|h| !h.is_empty() && line > 1)
        .unwrap_or_else(|| format!("{field}"));
    Some(
        Problem::error(
            Location::line(file, line).with_column(header_name),
            solieu_i18n::text!("io-quote-opened-this-field-never"),
        )
        .with_hint(solieu_i18n::text!("io-check-that-file-complete-its")),
    )
}

/// The header names each format's columns by; `None` for a header none of them has.
pub(crate) fn recognise(header: &[String]) -> Option<FileKind> {
    KINDS
        .iter()
        .find(|(_, fields)| match_header(header, fields).is_some())
        .map(|(k, _)| *k)
}

const KINDS: [(FileKind, &[Field]); 5] = [
    (FileKind::Values, VALUES),
    (FileKind::Lineage, LINEAGE),
    (FileKind::Rules, RULES),
    (FileKind::Units, UNITS),
    (FileKind::Indicators, INDICATORS),
];

/// Keeps the problems a reader holds bounded: past a few times what is shown, only the first
/// are kept and the rest counted in `omitted`.
pub(crate) fn keep_first_problems(result: &mut ReadResult, shown: usize) {
    if result.problems.len() > 4 * shown.max(1) {
        let errors = result.errors();
        let (kept, rest) =
            solieu_core::problem::first(std::mem::take(&mut result.problems), shown.max(1));
        result.problems = kept;
        result.omitted += rest;
        result.omitted_errors = errors - result.problems.iter().filter(|p| p.is_error()).count();
    }
}

/// Reads the records of one table (a CSV file or a long-layout sheet) into `result`.
pub(crate) fn read_table(table: &Table, options: &ReadOptions, result: &mut ReadResult) {
    let header = &table.header;
    let Some((kind, fields, (columns, unknown))) = KINDS
        .iter()
        .find_map(|(k, fields)| match_header(header, fields).map(|m| (*k, *fields, m)))
    else {
        result.problems.push(
            Problem::error(
                table.location(table.header_line),
                solieu_i18n::text!("io-cannot-tell-which-kind-file"),
            )
            .with_value(header.join(","))
            .with_hint(solieu_i18n::text!("io-header-must-be-one-units")),
        );
        return;
    };
    result.kind = Some(kind);
    for i in unknown {
        let expected: Vec<&str> = fields.iter().map(|f| f.name).collect();
        result.problems.push(
            Problem::error(
                table
                    .location(table.header_line)
                    .with_column(table.labels[i].clone()),
                solieu_i18n::text!("io-column-format-does-not-have", kind_name = kind.name()),
            )
            .with_value(header[i].clone())
            .with_hint(solieu_i18n::text!(
                "io-columns-are",
                value = expected.join(", ")
            )),
        );
    }

    let mut pending_numbers: Vec<PendingNumber> = Vec::new();
    // Records waiting for their numbers, by index into pending_numbers.
    let mut values_waiting: Vec<(usize, Location, ValueKeyParts)> = Vec::new();
    let mut events_waiting: Vec<(Option<usize>, Location, LineageEvent)> = Vec::new();
    for record in &table.records {
        result.rows += 1;
        let line = record.line;
        let row = Row {
            table,
            record,
            columns: &columns,
        };
        let problems = &mut result.problems;
        let location = table.location(line);
        match kind {
            FileKind::Units => {
                if let Some(u) = read_unit(&row, problems) {
                    result.incoming.units.push(Located { item: u, location });
                }
            }
            FileKind::Rules => {
                if let Some(r) = read_rule(&row, problems) {
                    result.incoming.rules.push(Located { item: r, location });
                }
            }
            FileKind::Indicators => {
                if let Some(i) = read_indicator(&row, problems) {
                    result
                        .incoming
                        .indicators
                        .push(Located { item: i, location });
                }
            }
            FileKind::Lineage => {
                let share = (!row.get("share").is_empty()).then(|| {
                    pending_numbers.push(PendingNumber {
                        line,
                        location: row.location("share"),
                        text: row.get("share").to_string(),
                        exact: row.number("share"),
                    });
                    pending_numbers.len() - 1
                });
                if let Some(e) = read_event(&row, problems) {
                    events_waiting.push((share, location, e));
                }
            }
            FileKind::Values => {
                let (number, measure) = split_measure(row.get("value"));
                pending_numbers.push(PendingNumber {
                    line,
                    location: row.location("value"),
                    text: number.to_string(),
                    exact: row.number("value"),
                });
                let note = row.get("note");
                let long_note =
                    crate::limits::long_note(row.location("note"), note, &options.limits);
                let note_ok = long_note.is_none();
                problems.extend(long_note);
                if let Some(mut parts) = read_value_parts(&row, problems)
                    && note_ok
                {
                    parts.measure = measure.map(str::to_string);
                    values_waiting.push((pending_numbers.len() - 1, location, parts));
                }
            }
        }
        keep_first_problems(result, options.limits.problems);
    }
    let numbers = resolve_numbers(&pending_numbers, options.decimal, &mut result.problems);
    keep_first_problems(result, options.limits.problems);
    for (index, location, parts) in values_waiting {
        if let Some(value) = numbers[index] {
            result.incoming.values.push(Located {
                item: IncomingValue {
                    record: ValueRecord {
                        key: parts.key,
                        figure: Figure {
                            value,
                            status: parts.status,
                            note: parts.note,
                        },
                    },
                    measure: parts.measure,
                },
                location,
            });
        }
    }
    for (share, location, mut event) in events_waiting {
        match share.map(|i| numbers[i]) {
            Some(None) => continue,
            Some(Some(s)) => event.share = Some(s),
            None => {}
        }
        result.incoming.events.push(Located {
            item: event,
            location,
        });
    }
}

/// The text of a file: UTF-8 (with or without byte order mark) or UTF-16 with one; text in
/// the old TCVN3 (ABC) or VNI encodings, from old Excel files, is recognised and converted to
/// Unicode, with a note saying so. What cannot be told apart is refused.
pub(crate) fn decode(file: &str, bytes: &[u8]) -> Result<(String, Option<Problem>), Box<Problem>> {
    use solieu_core::legacy_text::{Encoding, decode_bytes};
    if bytes.is_ascii() {
        // Nothing to detect or normalise: the common case of codes and figures, at memory speed.
        return Ok((String::from_utf8_lossy(bytes).into_owned(), None));
    }
    match decode_bytes(bytes) {
        Ok((text, Encoding::Unicode | Encoding::Windows1252)) => Ok((text, None)),
        Ok((text, encoding)) => {
            let note = Problem::warning(
                Location::file(file),
                solieu_i18n::text!(
                    "io-file-old-encoding-it-was",
                    encoding_name = encoding.name()
                ),
            )
            .with_hint(solieu_i18n::text!("io-check-unit-indicator-names-after"));
            Ok((text, Some(note)))
        }
        Err(e) => Err(Box::new(
            Problem::error(Location::file(file), e.message()).with_hint(e.hint()),
        )),
    }
}

pub(crate) fn csv_problem(file: &str, e: &csv::Error) -> Problem {
    let line = e.position().map_or(0, |p| p.line());
    Problem::error(Location::line(file, line), crate::why::csv_line(e))
}

fn read_unit(row: &Row, problems: &mut Vec<Problem>) -> Option<UnitVersion> {
    let before = problems.len();
    let code = row.required("code", problems);
    if let Some(Err(e)) = code.as_deref().map(unit::check_code) {
        problems.push(row.problem(
            "code",
            solieu_i18n::text!("io-invalid-unit-code", reason = e),
        ));
    }
    let name = row.required("name", problems);
    let kind = row.parsed::<UnitKind>("kind", problems);
    let parent = Some(row.get("parent"))
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    let valid_from = row.date("valid_from", problems);
    let valid_to = row.date("valid_to", problems);
    (problems.len() == before).then(|| UnitVersion {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        kind: kind.unwrap_or(UnitKind::Xa),
        parent,
        valid_from: valid_from.flatten(),
        valid_to: valid_to.flatten(),
    })
}

fn read_rule(row: &Row, problems: &mut Vec<Problem>) -> Option<solieu_core::validation::Rule> {
    let before = problems.len();
    let code = row.required("code", problems);
    let name = row.required("name", problems);
    let side = |field: &str, problems: &mut Vec<Problem>| match Formula::parse(row.get(field)) {
        Ok(f) => Some(f),
        Err(e) => {
            problems.push(row.problem(
                field,
                solieu_i18n::text!(
                    "io-expression-error-character",
                    position = e.position,
                    reason = e.fault.text()
                ),
            ));
            None
        }
    };
    let left = side("left", problems);
    let right = side("right", problems);
    let operator = row.parsed::<solieu_core::validation::Operator>("operator", problems);
    let importance = row.parsed::<solieu_core::validation::Importance>("importance", problems);
    let tolerance = match row.get("tolerance") {
        "" => Some(Decimal::ZERO),
        t => match t.replace(',', ".").parse::<Decimal>() {
            Ok(d) if d >= Decimal::ZERO => Some(d),
            _ => {
                problems.push(row.problem(
                    "tolerance",
                    solieu_i18n::text!("io-tolerance-must-be-number-least"),
                ));
                None
            }
        },
    };
    let message = rule_message(row, problems);
    (problems.len() == before).then(|| solieu_core::validation::Rule {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        message: message.unwrap_or_default(),
        left: left.expect("checked"),
        operator: operator.expect("checked"),
        right: right.expect("checked"),
        importance: importance.expect("checked"),
        tolerance: tolerance.expect("checked"),
    })
}

/// The rule's message for people (optional; empty when absent), refused past
/// [`MESSAGE_MAX_CHARS`](solieu_core::validation::MESSAGE_MAX_CHARS).
fn rule_message(row: &Row, problems: &mut Vec<Problem>) -> Option<String> {
    let message = clean(row.get("message"));
    let chars = message.chars().count();
    let max = solieu_core::validation::MESSAGE_MAX_CHARS;
    if chars <= max {
        return Some(message);
    }
    problems.push(
        row.problem(
            "message",
            solieu_i18n::text!("io-rule-message-too-long", chars = chars, max = max),
        )
        .with_hint(solieu_i18n::text!("io-rule-message-say-what-to-fix")),
    );
    None
}

fn read_event(row: &Row, problems: &mut Vec<Problem>) -> Option<LineageEvent> {
    let before = problems.len();
    let date = row.date("date", problems).flatten();
    if date.is_none() && row.get("date").is_empty() {
        problems.push(row.problem("date", solieu_i18n::text!("io-this-cell-must-not-be")));
    }
    let kind = row.parsed::<EventKind>("event", problems);
    let from = row.required("from", problems);
    let to = row.required("to", problems);
    (problems.len() == before).then(|| LineageEvent {
        date: date.expect("checked"),
        kind: kind.expect("checked"),
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
        share: None,
    })
}

fn read_indicator(row: &Row, problems: &mut Vec<Problem>) -> Option<Indicator> {
    let before = problems.len();
    let code = row.required("code", problems);
    if let Some(Err(e)) = code.as_deref().map(indicator::check_code) {
        problems.push(row.problem(
            "code",
            solieu_i18n::text!("io-invalid-indicator-code", reason = e),
        ));
    }
    let name = row.required("name", problems);
    let unit = row.required("unit", problems);
    let aggregate = row
        .optional::<Aggregate>("aggregate", problems)
        .map(|a| a.unwrap_or(Aggregate::Sum));
    let time_aggregate = row
        .optional::<TimeAggregate>("time_aggregate", problems)
        .map(|a| a.unwrap_or(TimeAggregate::Sum));
    let decimals = match row.get("decimals") {
        "" => Some(2),
        d => match d.parse::<u8>() {
            Ok(n) if n <= MAX_DECIMALS => Some(n),
            _ => {
                problems.push(row.problem(
                    "decimals",
                    solieu_i18n::text!("io-decimals-must-be-whole-number", value = MAX_DECIMALS),
                ));
                None
            }
        },
    };
    let formula = match row.get("formula") {
        "" => None,
        text => match Formula::parse(text) {
            Ok(f) => Some(f),
            Err(e) => {
                problems.push(row.problem(
                    "formula",
                    solieu_i18n::text!(
                        "io-formula-error-character",
                        position = e.position,
                        reason = e.fault.text()
                    ),
                ));
                None
            }
        },
    };
    let price_basis = row.optional("price_basis", problems);
    let name_en = Some(row.get("name_en"))
        .filter(|n| !n.is_empty())
        .map(clean);
    (problems.len() == before).then(|| Indicator {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        name_en,
        unit: MeasureUnit::parse(&unit.unwrap_or_default()),
        group: Indicator::parse_group(row.get("group")),
        aggregate: aggregate.expect("checked"),
        time_aggregate: time_aggregate.expect("checked"),
        decimals: decimals.expect("checked"),
        price_basis: price_basis.flatten(),
        formula,
    })
}

struct ValueKeyParts {
    key: ValueKey,
    status: Status,
    note: String,
    /// A unit of measure written after the number.
    measure: Option<String>,
}

/// "2.200 triệu đồng" → ("2.200", Some("triệu đồng")); a bare number has no unit.
pub(crate) fn split_measure(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    // A unit stands apart from the number ("2.200 triệu đồng") or is a percent sign ("98,4%");
    // "12x0" is a mistyped number, not 12 of the unit "x0".
    let Some(at) = text.find(|c: char| c.is_alphabetic() || c == '%') else {
        return (text, None);
    };
    let (number, unit) = (&text[..at], &text[at..]);
    let apart = number.ends_with(char::is_whitespace) || unit.starts_with('%');
    if at > 0 && apart && number.trim_end().ends_with(|c: char| c.is_ascii_digit()) {
        (number.trim_end(), Some(unit.trim()))
    } else {
        (text, None)
    }
}

fn read_value_parts(row: &Row, problems: &mut Vec<Problem>) -> Option<ValueKeyParts> {
    let before = problems.len();
    let indicator = row.required("indicator", problems);
    let unit = row.required("unit", problems);
    let period = match row.get("period") {
        "" => {
            problems.push(row.problem("period", solieu_i18n::text!("io-this-cell-must-not-be")));
            None
        }
        p => match p.parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(
                    row.problem(
                        "period",
                        solieu_i18n::text!(
                            "io-invalid-cell",
                            what = solieu_i18n::text!("io-not-valid-period"),
                            reason = e.reason
                        ),
                    )
                    .with_hint(solieu_i18n::text!(
                        "io-accepted-forms",
                        value = ACCEPTED_FORMS
                    )),
                );
                None
            }
        },
    };
    let series = match row.get("series") {
        "" => Some(Series::Actual),
        _ => row.parsed::<Series>("series", problems),
    };
    let status = match (row.get("status"), &series) {
        ("", Some(Series::Plan(_))) => Some(Status::Official),
        ("", Some(Series::Actual)) => {
            problems.push(
                row.problem("status", solieu_i18n::text!("io-actual-value-needs-status"))
                    .with_hint(solieu_i18n::text!(
                        "io-write-estimate-preliminary-or-official"
                    )),
            );
            None
        }
        _ => row.parsed::<Status>("status", problems),
    };
    (problems.len() == before).then(|| ValueKeyParts {
        key: ValueKey {
            indicator: indicator.unwrap_or_default(),
            unit: unit.unwrap_or_default(),
            period: period.expect("checked"),
            series: series.expect("checked"),
        },
        status: status.expect("checked"),
        note: clean(row.get("note")),
        measure: None,
    })
}
