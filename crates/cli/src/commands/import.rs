//! `solieu import`: read every file, plan the change, apply it whole or not at all.

use crate::say::Say;
use anyhow::Result;
use solieu_core::changes::{self, Incoming};
use solieu_core::number::DecimalConvention;
use solieu_core::problem::{Location as ProblemLocation, Problem, Text};
use solieu_io::{ReadOptions, read_csv};
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
    dry_run: bool,
    decimal: Option<DecimalConvention>,
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
    let code = import_inputs(&store, inputs, problems, dry_run, decimal, user, say).await?;
    store.close().await;
    Ok(code)
}

/// Reads, plans and applies `inputs`; prints every problem or what changed.
pub async fn import_inputs(
    store: &Store,
    inputs: Vec<Input>,
    mut problems: Vec<Problem>,
    dry_run: bool,
    decimal: Option<DecimalConvention>,
    user: &str,
    say: &Say,
) -> Result<ExitCode> {
    let options = ReadOptions { decimal };
    let mut incoming = Incoming::default();
    let mut rows = 0;
    for input in &inputs {
        let read = read_csv(&input.name, &input.bytes, &options);
        rows += read.rows;
        problems.extend(read.problems);
        incoming.units.extend(read.incoming.units);
        incoming.events.extend(read.incoming.events);
        incoming.indicators.extend(read.incoming.indicators);
        incoming.values.extend(read.incoming.values);
    }
    let stored = store.stored().await?;
    let planned = changes::plan(&stored, incoming);
    let changes = match planned {
        Ok(changes) if problems.is_empty() => changes,
        Ok(_) => return Ok(refuse(problems, say)),
        Err(more) => {
            problems.extend(more);
            return Ok(refuse(problems, say));
        }
    };
    let report = match store.apply(&changes, user, dry_run).await {
        Ok(report) => report,
        Err(solieu_store::StoreError::Conflict(text)) => {
            let problem = Problem::error(ProblemLocation::file("(import)"), text);
            return Ok(refuse(vec![problem], say));
        }
        Err(e) => return Err(e.into()),
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
            report.values_unchanged + changes.unchanged_records,
        ),
    ];
    for (label, n) in lines {
        if n > 0 {
            println!("  {label}: {n}");
        }
    }
    Ok(ExitCode::SUCCESS)
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
