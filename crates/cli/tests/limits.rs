//! `solieu import` on hostile files: each is refused with the limit it passes, the database
//! unchanged, in bounded memory. The child's peak resident memory is read from the kernel
//! (`wait4`'s rusage) and held to the budget docs/limits.md states.

mod common;
#[path = "../../io/tests/hostile/mod.rs"]
mod hostile;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};

/// The most a refused import may take, in MiB (docs/limits.md). The largest case, the 40 MiB
/// cell, needs the text itself a few times over while it is parsed.
const PEAK_BUDGET_MIB: u64 = 256;

struct Run {
    code: i32,
    stderr: String,
    peak_mib: u64,
}

/// `solieu --db DB import ARGS…`, waited for with `wait4` so its own peak memory is known.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also reports its peak memory"
)]
fn import(db: &str, dir: &Path, args: &[&str]) -> Run {
    let err_path = dir.join("stderr.txt");
    let child = Command::new(env!("CARGO_BIN_EXE_solieu"))
        .args(["--db", db, "--lang", "en", "import"])
        .args(args)
        .env("SOLIEU_USER", "test-officer")
        .env_remove("SOLIEU_DB")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("the solieu binary runs");
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child just started.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4");
    Run {
        code: libc::WEXITSTATUS(status),
        stderr: std::fs::read_to_string(&err_path).unwrap(),
        // Linux reports kibibytes.
        peak_mib: usage.ru_maxrss as u64 / 1024,
    }
}

/// Writes a crafted file into `dir`, and into `SOLIEU_HOSTILE_DIR` too when it is set, to be
/// imported by hand (BENCHMARKS.md).
fn refused(db: &str, dir: &Path, name: &str, bytes: &[u8], expected: &str) -> Run {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    if let Some(keep) = std::env::var_os("SOLIEU_HOSTILE_DIR") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(Path::new(&keep).join(name), bytes).unwrap();
    }
    let run = import(db, dir, &[path.to_str().unwrap()]);
    println!(
        "{name}: {} bytes, peak {} MiB, exit {}",
        bytes.len(),
        run.peak_mib,
        run.code
    );
    assert_eq!(run.code, 2, "{name} refused:\n{}", run.stderr);
    assert!(run.stderr.contains(expected), "{name}:\n{}", run.stderr);
    assert!(
        run.stderr.contains("the database is unchanged"),
        "{}",
        run.stderr
    );
    assert!(
        run.peak_mib <= PEAK_BUDGET_MIB,
        "{name}: peak {} MiB over the budget of {PEAK_BUDGET_MIB} MiB",
        run.peak_mib
    );
    assert!(run.stderr.len() < 64 * 1024, "{name}: {}", run.stderr.len());
    run
}

#[test]
fn hostile_files_are_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("test.db").display().to_string();
    ok(&db, &["init"]);
    let d = dir.path();
    refused(&db, d, "far.xlsx", &hostile::far_cell(), "(area)");
    refused(&db, d, "huge.xlsx", &hostile::huge_cell(40), "(cell-chars)");
    refused(
        &db,
        d,
        "rows.xlsx",
        &hostile::many_rows(1_100_000),
        "(rows): at most 1,048,576",
    );
    refused(
        &db,
        d,
        "spaces.xlsx",
        &hostile::whitespace(11_000, 1_000),
        "(cells)",
    );
    refused(&db, d, "bomb.xlsx", &hostile::zip_bomb(600), "(part-bytes)");
    refused(&db, d, "far.xls", &hostile::far_cell_xls(100), "(area)");
    refused(&db, d, "repeated.ods", &hostile::ods_repeated(), "(cells)");
    refused(
        &db,
        d,
        "cut.csv",
        &hostile::unterminated_csv(),
        "is never closed",
    );
    let run = refused(
        &db,
        d,
        "faults.csv",
        &hostile::many_problems(10_000),
        "… and 9,900 more problems",
    );
    assert!(
        run.stderr.contains("Nothing imported: 10000 problems"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.lines().count() < 110,
        "{}",
        run.stderr.lines().count()
    );
}

#[test]
fn a_limit_is_raised_or_lowered_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("test.db").display().to_string();
    ok(&db, &["init"]);
    let path = dir.path().join("rows.xlsx");
    std::fs::write(&path, hostile::many_rows(2_000)).unwrap();
    let file = path.to_str().unwrap();
    let run = import(&db, dir.path(), &["--limit", "rows=1000", file]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("(rows): at most 1,000, the file has 1,001"),
        "{}",
        run.stderr
    );
    // Raised, the same file is read to its end (and refused for what its rows lack).
    let run = import(&db, dir.path(), &["--limit", "rows=1_000_000", file]);
    assert!(!run.stderr.contains("over the limit"), "{}", run.stderr);
    let run = import(&db, dir.path(), &["--limit", "rowz=1", file]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("cell-chars"), "{}", run.stderr);
    let help = ok(&db, &["import", "--help"]);
    assert!(help.contains("--limit <NAME=N>"), "{help}");
    assert!(help.contains("docs/limits.md"), "{help}");
}

#[test]
fn a_dhis2_comment_is_held_to_the_note_limit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("test.db").display().to_string();
    ok(&db, &["init"]);
    let path = dir.path().join("values.json");
    let comment = "đ".repeat(2_001);
    std::fs::write(
        &path,
        format!(
            r#"{{"dataValues":[{{"dataElement":"DT_LUA","period":"202001","orgUnit":"06841","value":"1","comment":"{comment}"}}]}}"#
        ),
    )
    .unwrap();
    let run = import(&db, dir.path(), &[path.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("(note-chars): at most 2,000, the file has 2,001"),
        "{}",
        run.stderr
    );
}
