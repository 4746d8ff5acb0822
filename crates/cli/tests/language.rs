//! One language per run: a Vietnamese run (the default) says everything in Vietnamese — clap's
//! help and refusals, the value parsers, the system's file errors — and an English run in
//! English. The binary is run as a user runs it, without `--lang`.

mod common;

use common::*;
use std::fs;
use std::process::{Command, Output};

/// `solieu --db DB ARGS…` with the default language (Vietnamese).
fn solieu_vi(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_solieu"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("SOLIEU_USER", "test-officer")
        .env_remove("SOLIEU_DB")
        .env_remove("SOLIEU_LANG")
        .output()
        .expect("the solieu binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// English words no Vietnamese output should hold, as clap and the system write them.
const ENGLISH: &[&str] = &[
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "Print",
    "help",
    "default",
    "possible",
    "env",
    "the",
    "and",
    "of",
    "for",
    "with",
    "only",
    "Only",
    "file",
    "files",
    "this",
    "or",
    "to",
    "from",
    "database",
    "subcommand",
    "value",
    "values",
    "error",
    "required",
    "invalid",
    "unexpected",
    "argument",
    "found",
    "tip",
    "not",
    "is",
    "such",
    "directory",
    "denied",
    "os",
    "period",
    "expected",
    "OPTIONS",
    "COMMAND",
    "UNIT",
    "PERIOD",
    "FILE",
    "FORMAT",
    "Add",
    "Set",
];

/// The English words of `output`: flags, file names, `code` and values a user types are not
/// words of the language and are skipped.
fn english_words(output: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, segment) in output.split('`').enumerate() {
        if i % 2 == 1 {
            continue;
        }
        for token in without_literals(segment).split_whitespace() {
            let token = token.trim_matches(|c: char| "([“”\",;:.)]".contains(c));
            if token.starts_with('-')
                || token.contains(".csv")
                || token.contains('/')
                || token.contains('=')
            {
                continue;
            }
            for word in token.split(|c: char| !c.is_alphanumeric() && c != '_') {
                if ENGLISH.contains(&word) && !found.contains(&word.to_string()) {
                    found.push(word.to_string());
                }
            }
        }
    }
    found
}

/// `segment` without what a user types as it is: the values listed in "[giá trị: …]" and the
/// names of commands in listings and usage lines.
fn without_literals(segment: &str) -> String {
    // Help wraps "[giá trị: …]" across lines: read it as one line.
    let mut text = segment.split_whitespace().collect::<Vec<_>>().join(" ");
    while let Some(start) = text.find("[giá trị:") {
        let end = text[start..]
            .find(']')
            .map_or(text.len(), |e| start + e + 1);
        text.replace_range(start..end, "");
    }
    text.split_whitespace()
        .filter(|w| *w != "help" && !COMMANDS.iter().any(|c| c.last() == Some(w)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_vietnamese(what: &str, output: &str) {
    let words = english_words(output);
    assert!(words.is_empty(), "{what}: English {words:?} in:\n{output}");
}

/// Every command, as its path of names.
const COMMANDS: &[&[&str]] = &[
    &[],
    &["init"],
    &["import"],
    &["export"],
    &["values"],
    &["query"],
    &["report"],
    &["reports"],
    &["reports", "list"],
    &["reports", "show"],
    &["reports", "diff"],
    &["validate"],
    &["units"],
    &["backup"],
    &["restore"],
    &["ntm"],
    &["ocop"],
    &["projects"],
    &["tasks"],
    &["tasks", "done"],
    &["tasks", "history"],
    &["tasks", "documents"],
    &["demo"],
    &["serve"],
    &["user"],
    &["user", "add"],
    &["user", "passwd"],
    &["user", "disable"],
    &["workflow"],
];

#[test]
fn the_vietnamese_help_of_every_command_is_vietnamese() {
    for path in COMMANDS {
        for flag in ["--help", "-h"] {
            let mut args = path.to_vec();
            args.push(flag);
            let out = solieu_vi("unused.db", &args);
            let help = text(&out);
            assert!(out.status.success(), "{args:?}: {help}");
            assert!(help.contains("Cách dùng: solieu"), "{args:?}: {help}");
            assert!(help.contains("Tùy chọn:"), "{args:?}: {help}");
            assert!(help.contains("In trợ giúp"), "{args:?}: {help}");
            assert_vietnamese(&format!("{args:?}"), &help);
        }
    }
    // `solieu help import` shows the same help, and `solieu` alone lists the commands.
    let help = text(&solieu_vi("unused.db", &["help", "import"]));
    assert!(help.contains("Nạp đơn vị hành chính"), "{help}");
    assert_vietnamese("help import", &help);
    // `solieu` alone asks for a command, in Vietnamese.
    let bare = text(&solieu_vi("unused.db", &[]));
    assert!(bare.starts_with("lỗi: cần chọn một lệnh"), "{bare}");
    assert_vietnamese("solieu", &bare);
}

#[test]
fn the_english_help_stays_english() {
    let out = solieu_vi("unused.db", &["--lang", "en", "values", "--help"]);
    let help = text(&out);
    assert!(help.contains("Usage: solieu values [OPTIONS]"), "{help}");
    assert!(help.contains("Only this indicator (code)"), "{help}");
    let env = Command::new(env!("CARGO_BIN_EXE_solieu"))
        .args(["import", "--help"])
        .env("SOLIEU_LANG", "en")
        .output()
        .unwrap();
    assert!(text(&env).contains("Options:"), "{}", text(&env));
}

#[test]
fn clap_refusals_are_in_vietnamese() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["values", "--frobnicate"],
            "không có tùy chọn “--frobnicate”",
        ),
        (&["frobnicate"], "không có lệnh “frobnicate”"),
        (
            &["values", "--format", "xml"],
            "“xml” không phải giá trị hợp lệ của --format <ĐỊNH_DẠNG>; các giá trị hợp lệ: table, csv, json",
        ),
        (&["values", "--unit"], "cần một giá trị"),
        (
            &["validate", "--unit", "198"],
            "thiếu --period <KỲ>\n\nCách dùng: solieu validate --unit <ĐƠN_VỊ> --period <KỲ>",
        ),
        (
            &["units", "--date", "2020-13-01"],
            "“2020-13-01” không phải giá trị hợp lệ của --date <NGÀY>: cần một ngày dạng",
        ),
        (
            &["import", "--decimal", "semicolon", "x.csv"],
            "dùng comma (dấu phẩy thập phân) hoặc point",
        ),
        (
            &["--lang", "fr", "init"],
            "“fr” không phải giá trị hợp lệ của --lang",
        ),
    ];
    for (args, expected) in cases {
        let out = solieu_vi("unused.db", args);
        let err = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("lỗi: "), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert_vietnamese(&format!("{args:?}"), &err);
    }
}

#[test]
fn a_period_refused_in_vietnamese_names_the_forms_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["init"]);
    for args in [
        &["values", "--period", "2020X1"][..],
        &["query", "--unit", "198", "--period", "2020X1"],
        &["validate", "--unit", "198", "--period", "2020X1"],
        &["report", "--unit", "198", "--period", "2020X1"],
    ] {
        let err = text(&solieu_vi(&db, args));
        assert!(
            err.contains(
                "lỗi: “2020X1” không phải một kỳ báo cáo; các dạng được chấp nhận: 202006 (tháng)"
            ),
            "{args:?}: {err}"
        );
        assert_vietnamese(&format!("{args:?}"), &err);
    }
    let none = dir.path().join("khong-co.db").display().to_string();
    let err = text(&solieu_vi(&none, &["values"]));
    assert!(
        err.contains(&format!(
            "lỗi: chưa có cơ sở dữ liệu tại {none}: tạo bằng lệnh `solieu init`"
        )),
        "{err}"
    );
    let err = text(&solieu(&db, &["values", "--period", "2020X1"]));
    assert!(err.contains("is not a period"), "{err}");
}

#[test]
fn a_missing_file_says_it_does_not_exist_in_our_words() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["init"]);
    let missing = dir.path().join("thieu.csv").display().to_string();
    let out = solieu_vi(&db, &["import", &missing]);
    let err = text(&out);
    assert!(!out.status.success());
    assert!(
        err.contains(&format!("tệp {missing} không tồn tại")),
        "{err}"
    );
    assert!(
        err.contains("Không nhập gì: có 1 lỗi (xem ở trên); cơ sở dữ liệu không thay đổi."),
        "{err}"
    );
    assert!(!err.contains("0 dòng"), "{err}");
    assert_vietnamese("import missing", &err.replace(&missing, "TỆP"));
    // A folder given as a file.
    let folder = dir.path().display().to_string();
    let err = text(&solieu_vi(&db, &["import", &folder]));
    assert!(
        err.contains(&format!("{folder} là một thư mục, không phải một tệp")),
        "{err}"
    );
    // Writing into a folder whose parent is a file.
    fs::write(dir.path().join("tep"), "").unwrap();
    let nowhere = dir.path().join("tep/ra").display().to_string();
    let err = text(&solieu_vi(&db, &["export", "--out", &nowhere]));
    assert!(
        err.contains("một phần của đường dẫn không phải thư mục"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
    // English keeps the system's words.
    let err = text(&solieu(&db, &["import", &missing]));
    assert!(err.contains("No such file or directory"), "{err}");
}

#[test]
fn values_are_written_as_query_writes_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["demo", "--no-serve"]);
    let out = solieu_vi(
        &db,
        &[
            "values",
            "--indicator",
            "DT_NTTS",
            "--unit",
            "198",
            "--period",
            "2020S1",
        ],
    );
    let listing = text(&out);
    assert!(listing.contains("17,5 ha"), "{listing}");
    assert!(listing.contains("Huyện Bình Liêu (198)"), "{listing}");
    assert!(listing.contains("6 tháng đầu năm 2020"), "{listing}");
    assert!(!listing.contains("2020S1"), "{listing}");
    assert!(
        listing.contains("tệp demo/values-2018-2020.csv, dòng"),
        "{listing}"
    );
    assert!(listing.contains("thực hiện"), "{listing}");
    assert!(!listing.contains("17.5"), "{listing}");
    let plans = text(&solieu_vi(
        &db,
        &[
            "values",
            "--indicator",
            "GTSX_NLTS",
            "--period",
            "2020",
            "--series",
            "plan:hdnd-huyen",
        ],
    ));
    assert!(plans.contains("389,9 tỷ đồng"), "{plans}");
    assert!(plans.contains("kế hoạch HĐND huyện giao"), "{plans}");
    assert!(!plans.contains("plan:hdnd-huyen"), "{plans}");
    let history = text(&solieu_vi(
        &db,
        &[
            "values",
            "--indicator",
            "DT_NTTS",
            "--unit",
            "198",
            "--history",
        ],
    ));
    assert!(history.contains("(giờ Việt Nam)"), "{history}");
    assert!(!history.contains("UTC"), "{history}");
    let query = text(&solieu_vi(
        &db,
        &[
            "query",
            "--indicator",
            "DT_NTTS",
            "--unit",
            "198",
            "--period",
            "2020S1",
        ],
    ));
    assert!(query.contains("17,5 ha"), "{query}");
}

#[test]
fn a_column_is_named_in_vietnamese_beside_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["demo", "--no-serve"]);
    let file = dir.path().join("mixed.csv");
    fs::write(
        &file,
        "indicator,unit,period,series,value,status,note\n\
         GTSX_NLTS,198,2017S1,actual,\"120,5\",official,\n\
         GTSX_DV,198,2017S1,actual,290.75,official,\n",
    )
    .unwrap();
    let err = text(&solieu_vi(&db, &["import", &file.display().to_string()]));
    assert!(
        err.contains("dòng 3, cột giá trị (“value”): “290.75”"),
        "{err}"
    );
    assert!(!err.contains("cột value"), "{err}");
}

/// English words a command's own output (not its help) must not hold in a Vietnamese run: the
/// workflow's and the figures' vocabulary as the catalogues had it in English.
const ENGLISH_OUTPUT: &[&str] = &[
    "actual",
    "plan",
    "estimate",
    "preliminary",
    "official",
    "submitted",
    "approved",
    "reopened",
    "office",
    "commune",
    "leader",
    "stored",
    "sum",
    "over",
    "after",
    "reform",
    "unknown",
    "indicator",
    "unit",
    "period",
    "series",
    "status",
    "source",
    "line",
    "sheet",
    "column",
    "rows",
    "problems",
    "imported",
    "unchanged",
    "changed",
    "new",
    "open",
    "done",
    "overdue",
    "merge",
    "split",
    "rename",
    "stars",
    "score",
    "Saved",
    "None",
];

/// Each command that reads the demo's figures, run in Vietnamese: its output is Vietnamese
/// (codes in backquotes and file names aside) and names units and periods, not only codes.
#[test]
fn the_demos_figures_are_told_in_vietnamese_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["demo", "--no-serve"]);
    let runs: &[&[&str]] = &[
        &["query", "--unit", "198", "--period", "2020S1"],
        &["values", "--unit", "198", "--period", "2020S1", "--history"],
        &["units", "06838"],
        &["ntm", "--unit", "198", "--date", "2020-06-15", "--lacking"],
        &["ocop", "--unit", "198", "--date", "2020-06-15"],
        &["projects", "--unit", "198", "--year", "2020"],
        &[
            "validate",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--children",
        ],
        &["reports", "list"],
    ];
    for args in runs {
        let out = solieu_vi(&db, args);
        let shown = text(&out);
        assert!(out.status.success(), "solieu {args:?} failed:\n{shown}");
        let words: Vec<String> = english_words_of(&shown, ENGLISH_OUTPUT);
        assert!(
            words.is_empty(),
            "solieu {args:?}: English {words:?} in:\n{shown}"
        );
    }
    let query = text(&solieu_vi(&db, runs[0]));
    assert!(query.contains("Bình Liêu"), "the unit is named:\n{query}");
    assert!(query.contains("6 tháng"), "the period is named:\n{query}");
}

/// The words of `list` found in `output` as whole words, outside backquotes, flags and paths.
fn english_words_of(output: &str, list: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (i, segment) in output.split('`').enumerate() {
        if i % 2 == 1 {
            continue;
        }
        for token in segment.split_whitespace() {
            if token.starts_with('-')
                || token.contains('/')
                || token.contains('.') && token.len() > 4
            {
                continue;
            }
            for word in token.split(|c: char| !c.is_alphanumeric()) {
                if list.contains(&word) && !found.contains(&word.to_string()) {
                    found.push(word.to_string());
                }
            }
        }
    }
    found
}
