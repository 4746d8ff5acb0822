//! The program registers' CSV formats (docs/formats.md, "Programs"): NTM criteria sets, the
//! communes assessed on them, assessments; OCOP products; funds and projects; documents and
//! tasks. Each file is recognised by its header, like the other CSVs.

use crate::read::{Field, PendingNumber, Row, csv_table, decode, f, match_header, resolve_numbers};
use crate::write::{date, to_csv};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use solieu_core::changes::Located;
use solieu_core::number::DecimalConvention;
use solieu_core::number::canonical;
use solieu_core::problem::{Location, Problem, Text};
use solieu_core::programs::ntm::{self, CriteriaSet, Criterion, SetIndicator, Threshold};
use solieu_core::programs::{Incoming, Programs, ocop, projects, tasks};
use solieu_core::text::{clean, fold};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramFile {
    NtmCriteria,
    NtmCommunes,
    NtmAssessments,
    OcopProducts,
    Funds,
    Projects,
    Documents,
    Tasks,
}

impl ProgramFile {
    pub fn name(self) -> &'static str {
        match self {
            ProgramFile::NtmCriteria => "ntm-criteria",
            ProgramFile::NtmCommunes => "ntm-communes",
            ProgramFile::NtmAssessments => "ntm-assessments",
            ProgramFile::OcopProducts => "ocop-products",
            ProgramFile::Funds => "funds",
            ProgramFile::Projects => "projects",
            ProgramFile::Documents => "documents",
            ProgramFile::Tasks => "tasks",
        }
    }

    fn fields(self) -> &'static [Field] {
        match self {
            ProgramFile::NtmCriteria => CRITERIA,
            ProgramFile::NtmCommunes => COMMUNES,
            ProgramFile::NtmAssessments => ASSESSMENTS,
            ProgramFile::OcopProducts => OCOP,
            ProgramFile::Funds => FUNDS,
            ProgramFile::Projects => PROJECTS,
            ProgramFile::Documents => DOCUMENTS,
            ProgramFile::Tasks => TASKS,
        }
    }

    /// Number columns, read under the file's decimal convention.
    fn numbers(self) -> &'static [&'static str] {
        match self {
            ProgramFile::NtmCriteria => &["threshold"],
            ProgramFile::NtmAssessments => &["value"],
            ProgramFile::OcopProducts => &["score"],
            ProgramFile::Funds => &["plan"],
            ProgramFile::Projects => &["support", "disbursed"],
            _ => &[],
        }
    }
}

const ALL: [ProgramFile; 8] = [
    ProgramFile::NtmCriteria,
    ProgramFile::NtmCommunes,
    ProgramFile::NtmAssessments,
    ProgramFile::OcopProducts,
    ProgramFile::Funds,
    ProgramFile::Projects,
    ProgramFile::Documents,
    ProgramFile::Tasks,
];

const CRITERIA: &[Field] = &[
    f("set", &["bo tieu chi", "ma bo tieu chi"], true),
    f("set_name", &["ten bo tieu chi"], true),
    f("level", &["muc", "cap do"], true),
    f("group", &["nhom"], false),
    f("criterion", &["tieu chi", "ma tieu chi"], true),
    f("criterion_name", &["ten tieu chi"], true),
    f("indicator", &["chi tieu", "ma chi tieu"], true),
    f("indicator_name", &["ten chi tieu"], true),
    f("region", &["vung"], false),
    f("operator", &["phep so sanh"], true),
    f("threshold", &["nguong", "yeu cau"], false),
];
const COMMUNES: &[Field] = &[
    f("set", &["bo tieu chi", "ma bo tieu chi"], true),
    f("commune", &["xa", "ma xa"], true),
    f("region", &["vung"], false),
    f("target_year", &["nam dat chuan", "lo trinh"], false),
];
const ASSESSMENTS: &[Field] = &[
    f("set", &["bo tieu chi", "ma bo tieu chi"], true),
    f("commune", &["xa", "ma xa"], true),
    f("date", &["ngay", "ngay danh gia"], true),
    f("indicator", &["chi tieu", "ma chi tieu"], true),
    f("value", &["gia tri", "ket qua"], true),
    f("evidence", &["minh chung", "can cu"], false),
    f("assessed_by", &["nguoi danh gia", "don vi danh gia"], false),
];
const OCOP: &[Field] = &[
    f("product", &["ma san pham"], true),
    f("name", &["ten san pham"], true),
    f("producer", &["chu the"], true),
    f("producer_type", &["loai chu the"], true),
    f("commune", &["xa", "ma xa"], true),
    f("group", &["nhom san pham", "bo san pham"], true),
    f("year", &["nam danh gia"], true),
    f("score", &["diem"], true),
    f("stars", &["sao", "hang sao"], false),
    f("certified_on", &["ngay cong nhan"], false),
    f("certificate", &["so quyet dinh", "giay chung nhan"], false),
];
const FUNDS: &[Field] = &[
    f("fund", &["nguon von"], true),
    f("year", &["nam"], true),
    f("name", &["ten nguon von"], false),
    f("plan", &["ke hoach"], true),
];
const PROJECTS: &[Field] = &[
    f("project", &["ma du an"], true),
    f("name", &["ten du an"], true),
    f("commune", &["xa", "ma xa"], true),
    f("fund", &["nguon von"], true),
    f("year", &["nam"], true),
    f("carried_over", &["chuyen tiep"], false),
    f("step", &["buoc", "trang thai"], true),
    f("step_date", &["ngay"], false),
    f("support", &["kinh phi ho tro", "von ho tro"], true),
    f("disbursed", &["da giai ngan", "giai ngan"], false),
];
const DOCUMENTS: &[Field] = &[
    f("number", &["so ky hieu", "so"], true),
    f("date", &["ngay", "ngay ban hanh"], true),
    f("issuer", &["co quan ban hanh"], true),
    f("kind", &["loai van ban"], false),
    f("summary", &["trich yeu"], true),
    f("signer", &["nguoi ky"], false),
    f("effective", &["ngay hieu luc", "hieu luc"], false),
    f("field", &["linh vuc"], false),
    f("file", &["tep", "tep dinh kem", "file"], false),
];
const TASKS: &[Field] = &[
    f("task", &["ma nhiem vu"], true),
    f("document", &["van ban giao", "ket luan"], true),
    f("agency", &["co quan", "don vi thuc hien"], true),
    f("title", &["noi dung", "nhiem vu"], true),
    f("deadline", &["thoi han", "han"], false),
    f("cites", &["van ban lien quan", "can cu"], false),
    f("status", &["trang thai"], false),
    f("status_date", &["ngay cap nhat", "ngay hoan thanh"], false),
];

/// The program file `bytes` holds, by its header; `None` if it is none of them.
pub fn detect(bytes: &[u8]) -> Option<ProgramFile> {
    let (text, _) = decode("", bytes).ok()?;
    let header = header_cells(text.lines().next()?);
    best_match(&header).map(|(k, _)| k)
}

/// The kind whose required columns the header has, with the fewest columns left over (the
/// communes list's columns are a subset of the assessments').
#[allow(clippy::type_complexity)]
fn best_match(
    header: &[String],
) -> Option<(ProgramFile, (HashMap<&'static str, usize>, Vec<usize>))> {
    ALL.into_iter()
        .filter_map(|k| match_header(header, k.fields()).map(|m| (k, m)))
        .min_by_key(|(_, (_, unknown))| unknown.len())
}

fn delimiter(first_line: &str) -> u8 {
    if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    }
}

fn header_cells(first_line: &str) -> Vec<String> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter(first_line))
        .has_headers(false)
        .from_reader(first_line.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|c| c.trim().to_string()).collect())
        .unwrap_or_default()
}

/// What reading a program file gives.
#[derive(Debug, Default)]
pub struct ProgramRead {
    pub kind: Option<ProgramFile>,
    pub incoming: Incoming,
    pub problems: Vec<Problem>,
    pub rows: usize,
}

/// Reads one program CSV. Every problem of every row is reported; nothing is guessed.
pub fn read_program_csv(
    file: &str,
    bytes: &[u8],
    decimal: Option<DecimalConvention>,
) -> ProgramRead {
    let mut out = ProgramRead::default();
    let Some(table) = csv_table(file, bytes, &crate::Limits::default(), &mut out.problems) else {
        return out;
    };
    out.rows += table.refused;
    let Some((kind, columns)) = program_kind(file, &table.header, &mut out.problems) else {
        return out;
    };
    out.kind = Some(kind);
    let mut pending = Vec::new();
    // For each row, the index in `pending` of each number cell.
    let mut number_at: Vec<HashMap<&'static str, usize>> = Vec::new();
    for record in &table.records {
        out.rows += 1;
        let row = Row {
            table: &table,
            record,
            columns: &columns,
        };
        let mut at = HashMap::new();
        for &field in kind.numbers() {
            let text = row.get(field);
            if text.is_empty() || (field == "value" && yes_no(text).is_some()) {
                continue;
            }
            pending.push(PendingNumber {
                line: record.line,
                location: row.location(field),
                text: text.to_string(),
                exact: None,
            });
            at.insert(field, pending.len() - 1);
        }
        number_at.push(at);
    }
    let numbers = resolve_numbers(&pending, decimal, &mut out.problems);
    let mut sets: Vec<Located<CriteriaSet>> = Vec::new();
    for (record, at) in table.records.iter().zip(&number_at) {
        let line = &record.line;
        let row = Row {
            table: &table,
            record,
            columns: &columns,
        };
        // `Some(None)`: an empty cell; `None`: a number that could not be read (reported).
        let number = |field: &str| -> Option<Option<Decimal>> {
            match at.get(field) {
                Some(&i) => numbers[i].map(Some),
                None => Some(None),
            }
        };
        // A number that could not be read is reported already; its row gives no record.
        let bad_number = at.values().any(|&i| numbers[i].is_none());
        let location = Location::line(file, *line);
        let problems = &mut out.problems;
        let incoming = &mut out.incoming;
        match kind {
            ProgramFile::NtmCriteria if bad_number => {}
            ProgramFile::NtmCriteria => {
                read_criterion_row(&row, number("threshold"), &mut sets, problems)
            }
            ProgramFile::NtmCommunes => {
                let item = enrolment_row(&row, problems);
                keep_row(&mut incoming.enrolments, item, bad_number, location);
            }
            ProgramFile::NtmAssessments => {
                let item = assessment_row(&row, &number, problems);
                keep_row(&mut incoming.assessments, item, bad_number, location);
            }
            ProgramFile::OcopProducts if bad_number => {}
            ProgramFile::OcopProducts => read_ocop_row(&row, number("score"), incoming, problems),
            ProgramFile::Funds => {
                let item = fund_plan_row(&row, &number, problems);
                keep_row(&mut incoming.fund_plans, item, bad_number, location);
            }
            ProgramFile::Projects => {
                let item = project_row(&row, &number, problems);
                keep_row(&mut incoming.projects, item, bad_number, location);
            }
            ProgramFile::Documents => {
                let item = document_row(&row, problems);
                keep_row(&mut incoming.documents, item, bad_number, location);
            }
            ProgramFile::Tasks => {
                let item = task_row(&row, problems);
                keep_row(&mut incoming.tasks, item, bad_number, location);
            }
        }
    }
    out.incoming.sets = sets;
    out
}

/// Which program file a header is, its known columns, and a problem for each column the
/// file's kind does not have; nothing if the header is of no kind.
fn program_kind(
    file: &str,
    header: &[String],
    problems: &mut Vec<Problem>,
) -> Option<(ProgramFile, HashMap<&'static str, usize>)> {
    let Some((kind, (columns, unknown))) = best_match(header) else {
        problems.push(
            Problem::error(
                Location::line(file, 1),
                solieu_i18n::text!("io-cannot-tell-which-program-file"),
            )
            .with_value(header.join(",")),
        );
        return None;
    };
    let expected: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
    for i in unknown {
        problems.push(
            Problem::error(
                Location::line(file, 1).with_column(header[i].clone()),
                solieu_i18n::text!("io-column-format-does-not-have", kind_name = kind.name()),
            )
            .with_value(header[i].clone())
            .with_hint(solieu_i18n::text!(
                "io-columns-are",
                value = expected.join(", ")
            )),
        );
    }
    Some((kind, columns))
}

/// A row's cells that hold numbers, read: `Some(None)` for an empty cell, `None` for a
/// number that could not be read (reported already).
type Numbers<'a> = dyn Fn(&str) -> Option<Option<Decimal>> + 'a;

/// Keeps a row's record: only one read without a problem, from a row whose numbers all read.
fn keep_row<T>(list: &mut Vec<Located<T>>, item: Option<T>, bad_number: bool, location: Location) {
    if let Some(item) = item.filter(|_| !bad_number) {
        list.push(Located { item, location });
    }
}

/// The record a row gives if reading it found no problem.
fn if_clean<T>(problems: &[Problem], before: usize, item: impl FnOnce() -> T) -> Option<T> {
    (problems.len() == before).then(item)
}

fn enrolment_row(row: &Row, problems: &mut Vec<Problem>) -> Option<ntm::Enrolment> {
    let before = problems.len();
    let set = row.required("set", problems);
    let commune = row.required("commune", problems);
    let target_year = row.optional::<Year>("target_year", problems);
    if_clean(problems, before, || ntm::Enrolment {
        set: set.unwrap_or_default(),
        commune: commune.unwrap_or_default(),
        region: optional_text(row.get("region")),
        target_year: target_year.flatten().map(|y| y.0),
    })
}

fn assessment_row(
    row: &Row,
    number: &Numbers,
    problems: &mut Vec<Problem>,
) -> Option<ntm::Assessment> {
    let before = problems.len();
    let set = row.required("set", problems);
    let commune = row.required("commune", problems);
    let date = required_date(row, "date", problems);
    let indicator = row.required("indicator", problems);
    let value = match yes_no(row.get("value")) {
        Some(v) => Some(v),
        None => required_number(row, "value", number("value"), problems),
    };
    if_clean(problems, before, || ntm::Assessment {
        set: set.unwrap_or_default(),
        commune: commune.unwrap_or_default(),
        indicator: indicator.unwrap_or_default(),
        date: date.unwrap_or_default(),
        value: value.unwrap_or_default(),
        evidence: clean(row.get("evidence")),
        assessed_by: clean(row.get("assessed_by")),
    })
}

fn fund_plan_row(
    row: &Row,
    number: &Numbers,
    problems: &mut Vec<Problem>,
) -> Option<projects::FundPlan> {
    let before = problems.len();
    let fund = row.required("fund", problems);
    let year = row.parsed::<Year>("year", problems);
    let plan = required_number(row, "plan", number("plan"), problems);
    if_clean(problems, before, || projects::FundPlan {
        fund: fund.unwrap_or_default(),
        year: year.map_or(0, |y| y.0),
        name: clean(row.get("name")),
        plan: plan.unwrap_or_default(),
    })
}

fn project_row(
    row: &Row,
    number: &Numbers,
    problems: &mut Vec<Problem>,
) -> Option<projects::Project> {
    let before = problems.len();
    let code = row.required("project", problems);
    let name = row.required("name", problems);
    let commune = row.required("commune", problems);
    let fund = row.required("fund", problems);
    let year = row.parsed::<Year>("year", problems);
    let carried = row.optional::<YesNo>("carried_over", problems);
    let step = row.parsed::<projects::Step>("step", problems);
    let step_date = row.date("step_date", problems);
    let support = required_number(row, "support", number("support"), problems);
    let disbursed = number("disbursed");
    if_clean(problems, before, || projects::Project {
        code: code.unwrap_or_default(),
        name: name.unwrap_or_default(),
        commune: commune.unwrap_or_default(),
        fund: fund.unwrap_or_default(),
        year: year.map_or(0, |y| y.0),
        carried_over: carried.flatten().is_some_and(|c| c.0),
        step: step.unwrap_or(projects::Step::Received),
        step_date: step_date.flatten(),
        support: support.unwrap_or_default(),
        disbursed: disbursed.flatten().unwrap_or_default(),
    })
}

fn document_row(row: &Row, problems: &mut Vec<Problem>) -> Option<tasks::Document> {
    let before = problems.len();
    let number = row.required("number", problems);
    let date = required_date(row, "date", problems);
    let issuer = row.required("issuer", problems);
    let summary = row.required("summary", problems);
    let effective = row.date("effective", problems);
    let file = document_file(row, problems);
    let kind = match optional_text(row.get("kind")) {
        Some(k) => Some(k),
        None => number
            .as_deref()
            .map(|n| tasks::kind_from_number(n).unwrap_or("CV").to_string()),
    };
    if_clean(problems, before, || tasks::Document {
        number: number.unwrap_or_default(),
        date: date.unwrap_or_default(),
        issuer: issuer.unwrap_or_default(),
        kind: kind.unwrap_or_default(),
        summary: summary.unwrap_or_default(),
        signer: optional_text(row.get("signer")).unwrap_or_default(),
        effective: effective.flatten(),
        field: optional_text(row.get("field")).unwrap_or_default(),
        file,
    })
}

fn task_row(row: &Row, problems: &mut Vec<Problem>) -> Option<tasks::Task> {
    let before = problems.len();
    let code = row.required("task", problems);
    let document = row.required("document", problems);
    let agency = row.required("agency", problems);
    let title = row.required("title", problems);
    let deadline = row.date("deadline", problems);
    let status = row.parsed::<tasks::TaskStatus>("status", problems);
    let status_date = row.date("status_date", problems);
    if status == Some(tasks::TaskStatus::Done) && matches!(status_date, Some(None)) {
        problems.push(
            row.problem(
                "status_date",
                solieu_i18n::text!("io-done-task-needs-day-it"),
            )
            .with_hint(solieu_i18n::text!("io-write-date-2020-06-30")),
        );
    }
    let cites = row
        .get("cites")
        .split(';')
        .map(clean)
        .filter(|c| !c.is_empty())
        .collect();
    if_clean(problems, before, || tasks::Task {
        code: code.unwrap_or_default(),
        document: document.unwrap_or_default(),
        agency: agency.unwrap_or_default(),
        title: title.unwrap_or_default(),
        deadline: deadline.flatten(),
        cites,
        status: status.unwrap_or(tasks::TaskStatus::Open),
        status_date: status_date.flatten(),
    })
}

/// A document's file: empty, a PDF of a portal's library or a web address.
fn document_file(row: &Row, problems: &mut Vec<Problem>) -> String {
    let file = optional_text(row.get("file")).unwrap_or_default();
    if file.is_empty() || tasks::is_file_address(&file) {
        return file;
    }
    problems.push(
        row.problem(
            "file",
            solieu_i18n::text!("io-document-file-not-an-address"),
        )
        .with_hint(solieu_i18n::text!("io-document-file-hint")),
    );
    String::new()
}

fn optional_text(s: &str) -> Option<String> {
    let s = clean(s);
    (!s.is_empty()).then_some(s)
}

/// "đạt" → 1, "không đạt" → 0.
fn yes_no(s: &str) -> Option<Decimal> {
    match fold(s).trim() {
        "dat" | "co" | "x" => Some(Decimal::ONE),
        "khong dat" | "chua dat" | "khong" => Some(Decimal::ZERO),
        _ => None,
    }
}

struct Year(i32);

impl std::str::FromStr for Year {
    type Err = String;

    fn from_str(s: &str) -> Result<Year, String> {
        match s.trim().parse::<i32>() {
            Ok(y) if (1945..=2100).contains(&y) => Ok(Year(y)),
            _ => Err("a year such as 2020".into()),
        }
    }
}

struct YesNo(bool);

impl std::str::FromStr for YesNo {
    type Err = String;

    fn from_str(s: &str) -> Result<YesNo, String> {
        match fold(s).trim() {
            "co" | "x" | "yes" | "1" | "true" => Ok(YesNo(true)),
            "khong" | "no" | "0" | "false" => Ok(YesNo(false)),
            _ => Err("có or không (yes or no)".into()),
        }
    }
}

fn required_date(row: &Row, field: &str, problems: &mut Vec<Problem>) -> Option<NaiveDate> {
    match row.date(field, problems) {
        Some(Some(d)) => Some(d),
        Some(None) => {
            problems.push(row.problem(field, solieu_i18n::text!("io-this-cell-must-not-be")));
            None
        }
        None => None,
    }
}

fn required_number(
    row: &Row,
    field: &str,
    number: Option<Option<Decimal>>,
    problems: &mut Vec<Problem>,
) -> Option<Decimal> {
    match number {
        Some(Some(n)) => Some(n),
        Some(None) => {
            problems.push(row.problem(field, solieu_i18n::text!("io-this-cell-must-not-be")));
            None
        }
        None => None,
    }
}

fn read_criterion_row(
    row: &Row,
    threshold: Option<Option<Decimal>>,
    sets: &mut Vec<Located<CriteriaSet>>,
    problems: &mut Vec<Problem>,
) {
    let before = problems.len();
    let set_code = row.required("set", problems);
    let set_name = row.required("set_name", problems);
    let level = row.parsed::<ntm::Level>("level", problems);
    let criterion = row.required("criterion", problems);
    let criterion_name = row.required("criterion_name", problems);
    let indicator = row.required("indicator", problems);
    let indicator_name = row.required("indicator_name", problems);
    let operator = row.parsed::<ntm::Operator>("operator", problems);
    let value = match (operator, threshold) {
        (Some(ntm::Operator::Yes), Some(v)) => Some(v.unwrap_or(Decimal::ONE)),
        (Some(_), t) => required_number(row, "threshold", t, problems),
        (None, _) => None,
    };
    if problems.len() > before {
        return;
    }
    let (set_code, criterion, indicator) = (
        set_code.unwrap_or_default(),
        criterion.unwrap_or_default(),
        indicator.unwrap_or_default(),
    );
    let location = row.table.location(row.record.line);
    let at = match sets.iter().position(|s| s.item.code == set_code) {
        Some(i) => i,
        None => {
            sets.push(Located {
                item: CriteriaSet {
                    code: set_code.clone(),
                    name: set_name.clone().unwrap_or_default(),
                    level: level.unwrap_or(ntm::Level::Standard),
                    criteria: Vec::new(),
                    indicators: Vec::new(),
                },
                location: location.clone(),
            });
            sets.len() - 1
        }
    };
    let set = &mut sets[at].item;
    let disagree = |field: &str, what: Text| {
        row.problem(
            field,
            solieu_i18n::text!("io-differs-from-earlier-line-same", what = what),
        )
        .with_hint(solieu_i18n::text!("io-lines-one-set-criterion-or"))
    };
    if Some(&set.name) != set_name.as_ref() || Some(set.level) != level {
        problems.push(disagree("set_name", solieu_i18n::text!("io-set")));
        return;
    }
    let group = clean(row.get("group"));
    match set.criteria.iter().find(|c| c.code == criterion) {
        Some(c) if Some(&c.name) != criterion_name.as_ref() || c.group != group => {
            problems.push(disagree(
                "criterion_name",
                solieu_i18n::text!("io-criterion"),
            ));
            return;
        }
        Some(_) => {}
        None => set.criteria.push(Criterion {
            code: criterion.clone(),
            name: criterion_name.unwrap_or_default(),
            group,
        }),
    }
    let t = Threshold {
        region: optional_text(row.get("region")),
        operator: operator.unwrap_or(ntm::Operator::Yes),
        value: value.unwrap_or(Decimal::ONE),
    };
    match set.indicators.iter_mut().find(|i| i.code == indicator) {
        Some(i) if i.criterion != criterion || Some(&i.name) != indicator_name.as_ref() => {
            problems.push(disagree(
                "indicator_name",
                solieu_i18n::text!("cli-indicator"),
            ));
        }
        Some(i) if i.thresholds.iter().any(|o| o.region == t.region) => {
            problems.push(row.problem(
                "region",
                solieu_i18n::text!("io-indicator-already-has-threshold-this"),
            ));
        }
        Some(i) => i.thresholds.push(t),
        None => set.indicators.push(SetIndicator {
            code: indicator,
            name: indicator_name.unwrap_or_default(),
            criterion,
            thresholds: vec![t],
        }),
    }
}

fn read_ocop_row(
    row: &Row,
    score: Option<Option<Decimal>>,
    incoming: &mut Incoming,
    problems: &mut Vec<Problem>,
) {
    let before = problems.len();
    let code = row.required("product", problems);
    let name = row.required("name", problems);
    let producer = row.required("producer", problems);
    let producer_type = row.parsed::<ocop::ProducerType>("producer_type", problems);
    let commune = row.required("commune", problems);
    let group = row.parsed::<ocop::ProductGroup>("group", problems);
    let year = row.parsed::<Year>("year", problems).map(|y| y.0);
    let score = required_number(row, "score", score, problems);
    let given = row
        .optional::<Stars>("stars", problems)
        .map(|s| s.map(|s| s.0));
    let certified_on = row.date("certified_on", problems);
    if let (Some(year), Some(score), Some(given)) = (year, score, given) {
        if score < Decimal::ZERO || score > Decimal::ONE_HUNDRED {
            problems.push(row.problem("score", solieu_i18n::text!("io-score-must-be-0-100")));
        } else {
            match ocop::Rules::for_year(year) {
                Some(rules) => {
                    let derived = rules.stars(score);
                    if given.is_some() && given != derived {
                        let says = match derived {
                            Some(stars) => solieu_i18n::text!("io-ocop-stars", stars = stars),
                            None => solieu_i18n::text!("io-ocop-no-rating"),
                        };
                        problems.push(
                            row.problem(
                                "stars",
                                solieu_i18n::text!(
                                    "io-ocop-score-gives",
                                    rules = rules.name_vi(),
                                    score = score.normalize(),
                                    says = says
                                ),
                            )
                            .with_hint(solieu_i18n::text!("io-leave-stars-empty-they-are")),
                        );
                    }
                }
                None if given.is_none() => problems.push(
                    row.problem(
                        "stars",
                        solieu_i18n::text!("io-no-national-rating-rules-this"),
                    )
                    .with_hint(solieu_i18n::text!("io-decision-1048-q-ttg-applies")),
                ),
                None => {}
            }
        }
    }
    if problems.len() > before {
        return;
    }
    let (year, score) = (year.unwrap_or_default(), score.unwrap_or_default());
    let stars = ocop::Rules::for_year(year).map_or(given.flatten(), |r| r.stars(score));
    let code = code.unwrap_or_default();
    let location = row.table.location(row.record.line);
    incoming.products.push(Located {
        item: ocop::Product {
            code: code.clone(),
            name: name.unwrap_or_default(),
            producer: producer.unwrap_or_default(),
            producer_type: producer_type.unwrap_or(ocop::ProducerType::Household),
            commune: commune.unwrap_or_default(),
            group: group.unwrap_or(ocop::ProductGroup::Food),
        },
        location: location.clone(),
    });
    incoming.evaluations.push(Located {
        item: ocop::Evaluation {
            product: code,
            year,
            score,
            stars,
            certified_on: certified_on.flatten(),
            certificate: clean(row.get("certificate")),
        },
        location,
    });
}

struct Stars(u8);

impl std::str::FromStr for Stars {
    type Err = String;

    fn from_str(s: &str) -> Result<Stars, String> {
        match s.trim().parse::<u8>() {
            Ok(n @ 1..=5) => Ok(Stars(n)),
            _ => Err("1 to 5 stars".into()),
        }
    }
}

/// One register's file: its name, whether it is empty, and how it is written.
type Register = (&'static str, bool, fn(&Programs) -> String);

/// The registers as the CSVs this module reads, in canonical form (English headers, ISO dates,
/// decimal point): `(file name, text)`, empty registers left out. Assessments are written as
/// they stand (the latest record of each commune, indicator and day); their history stays in the
/// database and its backups.
pub fn write_programs(p: &Programs) -> Vec<(&'static str, String)> {
    let registers: [Register; 8] = [
        ("ntm-criteria.csv", p.sets.is_empty(), sets_csv),
        ("ntm-communes.csv", p.enrolments.is_empty(), enrolments_csv),
        (
            "ntm-assessments.csv",
            p.assessments.is_empty(),
            assessments_csv,
        ),
        (
            "ocop-products.csv",
            p.evaluations.is_empty(),
            evaluations_csv,
        ),
        ("funds.csv", p.fund_plans.is_empty(), fund_plans_csv),
        ("projects.csv", p.projects.is_empty(), projects_csv),
        ("documents.csv", p.documents.is_empty(), documents_csv),
        ("tasks.csv", p.tasks.is_empty(), tasks_csv),
    ];
    registers
        .into_iter()
        .filter(|(_, empty, _)| !empty)
        .map(|(name, _, csv)| (name, csv(p)))
        .collect()
}

fn sets_csv(p: &Programs) -> String {
    let rows = p.sets.iter().flat_map(|s| {
        s.indicators.iter().flat_map(move |i| {
            let c = s.criteria.iter().find(|c| c.code == i.criterion);
            i.thresholds.iter().map(move |t| {
                [
                    s.code.clone(),
                    s.name.clone(),
                    s.level.code().to_string(),
                    c.map(|c| c.group.clone()).unwrap_or_default(),
                    i.criterion.clone(),
                    c.map(|c| c.name.clone()).unwrap_or_default(),
                    i.code.clone(),
                    i.name.clone(),
                    t.region.clone().unwrap_or_default(),
                    t.operator.symbol().to_string(),
                    if t.operator == ntm::Operator::Yes {
                        String::new()
                    } else {
                        canonical(t.value)
                    },
                ]
            })
        })
    });
    to_csv(
        [
            "set",
            "set_name",
            "level",
            "group",
            "criterion",
            "criterion_name",
            "indicator",
            "indicator_name",
            "region",
            "operator",
            "threshold",
        ],
        rows,
    )
}

fn enrolments_csv(p: &Programs) -> String {
    to_csv(
        ["set", "commune", "region", "target_year"],
        p.enrolments.iter().map(|e| {
            [
                e.set.clone(),
                e.commune.clone(),
                e.region.clone().unwrap_or_default(),
                e.target_year.map(|y| y.to_string()).unwrap_or_default(),
            ]
        }),
    )
}

fn assessments_csv(p: &Programs) -> String {
    let mut latest: Vec<&ntm::Assessment> = Vec::new();
    let mut at: HashMap<(&str, &str, &str, NaiveDate), usize> = HashMap::new();
    for a in &p.assessments {
        let key = (
            a.set.as_str(),
            a.commune.as_str(),
            a.indicator.as_str(),
            a.date,
        );
        match at.get(&key) {
            Some(&i) => latest[i] = a,
            None => {
                at.insert(key, latest.len());
                latest.push(a);
            }
        }
    }
    let yes_no = |a: &ntm::Assessment| {
        p.sets
            .iter()
            .find(|s| s.code == a.set)
            .and_then(|s| s.indicator(&a.indicator))
            .is_some_and(|i| {
                i.thresholds
                    .iter()
                    .all(|t| t.operator == ntm::Operator::Yes)
            })
    };
    to_csv(
        [
            "set",
            "commune",
            "date",
            "indicator",
            "value",
            "evidence",
            "assessed_by",
        ],
        latest.into_iter().map(|a| {
            let value = match (yes_no(a), a.value == Decimal::ONE) {
                (true, true) => "đạt".to_string(),
                (true, false) => "không đạt".to_string(),
                (false, _) => canonical(a.value),
            };
            [
                a.set.clone(),
                a.commune.clone(),
                a.date.to_string(),
                a.indicator.clone(),
                value,
                a.evidence.clone(),
                a.assessed_by.clone(),
            ]
        }),
    )
}

fn evaluations_csv(p: &Programs) -> String {
    let rows = p.evaluations.iter().filter_map(|e| {
        let pr = p.products.iter().find(|x| x.code == e.product)?;
        let stars = if ocop::Rules::for_year(e.year).is_some() {
            String::new()
        } else {
            e.stars.map(|s| s.to_string()).unwrap_or_default()
        };
        Some([
            pr.code.clone(),
            pr.name.clone(),
            pr.producer.clone(),
            pr.producer_type.code().to_string(),
            pr.commune.clone(),
            pr.group.code().to_string(),
            e.year.to_string(),
            canonical(e.score),
            stars,
            date(e.certified_on),
            e.certificate.clone(),
        ])
    });
    to_csv(
        [
            "product",
            "name",
            "producer",
            "producer_type",
            "commune",
            "group",
            "year",
            "score",
            "stars",
            "certified_on",
            "certificate",
        ],
        rows,
    )
}

fn fund_plans_csv(p: &Programs) -> String {
    to_csv(
        ["fund", "year", "name", "plan"],
        p.fund_plans.iter().map(|f| {
            [
                f.fund.clone(),
                f.year.to_string(),
                f.name.clone(),
                canonical(f.plan),
            ]
        }),
    )
}

fn projects_csv(p: &Programs) -> String {
    to_csv(
        [
            "project",
            "name",
            "commune",
            "fund",
            "year",
            "carried_over",
            "step",
            "step_date",
            "support",
            "disbursed",
        ],
        p.projects.iter().map(|x| {
            [
                x.code.clone(),
                x.name.clone(),
                x.commune.clone(),
                x.fund.clone(),
                x.year.to_string(),
                if x.carried_over { "có" } else { "không" }.to_string(),
                x.step.code().to_string(),
                date(x.step_date),
                canonical(x.support),
                canonical(x.disbursed),
            ]
        }),
    )
}

fn documents_csv(p: &Programs) -> String {
    to_csv(
        [
            "number",
            "date",
            "issuer",
            "kind",
            "summary",
            "signer",
            "effective",
            "field",
            "file",
        ],
        p.documents.iter().map(|d| {
            [
                d.number.clone(),
                d.date.to_string(),
                d.issuer.clone(),
                d.kind.clone(),
                d.summary.clone(),
                d.signer.clone(),
                d.effective.map(|e| e.to_string()).unwrap_or_default(),
                d.field.clone(),
                d.file.clone(),
            ]
        }),
    )
}

fn tasks_csv(p: &Programs) -> String {
    to_csv(
        [
            "task",
            "document",
            "agency",
            "title",
            "deadline",
            "cites",
            "status",
            "status_date",
        ],
        p.tasks.iter().map(|t| {
            [
                t.code.clone(),
                t.document.clone(),
                t.agency.clone(),
                t.title.clone(),
                date(t.deadline),
                t.cites.join(";"),
                t.status.code().to_string(),
                date(t.status_date),
            ]
        }),
    )
}

/// Columns written as numbers and as dates in the workbook; everything else is text.
const XLSX_NUMBERS: &[&str] = &[
    "threshold",
    "target_year",
    "value",
    "year",
    "score",
    "stars",
    "plan",
    "support",
    "disbursed",
];
const XLSX_DATES: &[&str] = &[
    "date",
    "certified_on",
    "step_date",
    "deadline",
    "status_date",
];

/// The registers as one workbook, a sheet per register with the columns of its CSV: numbers as
/// numbers, dates as dates (dd/mm/yyyy), so a clerk can sort, filter and sum them. The workbook
/// is for reading: its numbers are spreadsheet floats; the CSVs and the database keep the exact
/// decimals.
pub fn write_programs_xlsx(
    p: &solieu_core::programs::Programs,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let sheet_name = |file: &str| match file {
        "ntm-criteria.csv" => "Bộ tiêu chí NTM",
        "ntm-communes.csv" => "Xã đánh giá NTM",
        "ntm-assessments.csv" => "Đánh giá NTM",
        "ocop-products.csv" => "Sản phẩm OCOP",
        "funds.csv" => "Nguồn vốn",
        "projects.csv" => "Dự án",
        "documents.csv" => "Văn bản",
        "tasks.csv" => "Nhiệm vụ",
        _ => "Sheet",
    };
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let mut workbook = Workbook::new();
    for (file, text) in write_programs(p) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(file))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut header: Vec<String> = Vec::new();
        for (r, record) in reader.records().enumerate() {
            let Ok(record) = record else { continue };
            let row = u32::try_from(r).unwrap_or(u32::MAX);
            // The workbook holds the text itself: its cells are never run as formulas.
            for (c, cell) in record.iter().map(crate::csv_cell::restore).enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                if r == 0 {
                    header.push(cell.to_string());
                    sheet.write_with_format(row, col, cell, &bold)?;
                    continue;
                }
                let column = header.get(c).map(String::as_str).unwrap_or("");
                let number = XLSX_NUMBERS
                    .contains(&column)
                    .then(|| cell.parse::<f64>().ok())
                    .flatten();
                let date = XLSX_DATES
                    .contains(&column)
                    .then(|| cell.parse::<NaiveDate>().ok())
                    .flatten();
                match (number, date) {
                    (Some(n), _) => {
                        sheet.write(row, col, n)?;
                    }
                    (_, Some(d)) => {
                        use chrono::Datelike;
                        let d = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        sheet.write_with_format(row, col, &d, &date_format)?;
                    }
                    _ if cell.is_empty() => {}
                    _ => {
                        sheet.write(row, col, cell)?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
    }
    workbook.save_to_buffer()
}
