//! The workbook round trip as an office does it: `solieu import --template`, the clerk types
//! figures (and mistakes) into the sheet, LibreOffice saves it, `solieu import` reads it back.

mod common;

use calamine::{Data, Reader, open_workbook_auto};
use common::*;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const SHEET: &str = "Biểu nhập liệu";

/// Where the template put things: each indicator's row and each column's letter by header.
struct Layout {
    rows: HashMap<String, u32>,
    columns: Vec<(String, String)>,
}

impl Layout {
    fn read(path: &Path) -> Layout {
        let mut book = open_workbook_auto(path).unwrap();
        let range = book.worksheet_range(SHEET).unwrap();
        let mut rows = HashMap::new();
        let mut columns = Vec::new();
        for (r, row) in range.rows().enumerate() {
            if let Some(Data::String(code)) = row.get(2) {
                rows.insert(code.clone(), r as u32 + 1);
            }
            // The template's header row: the sixth.
            if r == 5 {
                for (c, cell) in row.iter().enumerate().skip(4) {
                    if let Data::String(h) = cell {
                        columns.push((h.clone(), letter(c)));
                    }
                }
            }
        }
        Layout { rows, columns }
    }

    fn cell(&self, code: &str, header_starts: &str) -> String {
        let column = &self
            .columns
            .iter()
            .find(|(h, _)| h.starts_with(header_starts))
            .unwrap_or_else(|| panic!("no column {header_starts} in {:?}", self.columns))
            .1;
        format!("{column}{}", self.rows[code])
    }

    fn header(&self, header_starts: &str) -> String {
        let column = &self
            .columns
            .iter()
            .find(|(h, _)| h.starts_with(header_starts))
            .unwrap()
            .1;
        format!("{column}6")
    }
}

fn letter(c: usize) -> String {
    ((b'A' + c as u8) as char).to_string()
}

enum Typed<'a> {
    Number(&'a str),
    Text(&'a str),
}

/// Types into cells of the fill sheet by rewriting the sheet's XML, as a spreadsheet stores
/// what a clerk types: a number, or a text where a text was typed.
fn fill(src: &Path, dst: &Path, cells: &[(String, Typed)]) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let mut xml = String::from_utf8(content).unwrap();
            for (at, typed) in cells {
                xml = set_cell(&xml, at, typed);
            }
            content = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap();
}

fn set_cell(xml: &str, at: &str, typed: &Typed) -> String {
    let open = format!("<c r=\"{at}\"");
    let start = xml.find(&open).unwrap_or_else(|| panic!("no cell {at}"));
    let tag_end = start + xml[start..].find('>').unwrap();
    let end = if xml[..tag_end].ends_with('/') {
        tag_end + 1
    } else {
        tag_end + xml[tag_end..].find("</c>").unwrap() + 4
    };
    let style = xml[start..tag_end]
        .split_whitespace()
        .find(|a| a.starts_with("s=\""))
        .map(|s| format!(" {}", s.trim_end_matches('/')))
        .unwrap_or_default();
    let cell = match typed {
        Typed::Number(n) => format!("<c r=\"{at}\"{style}><v>{n}</v></c>"),
        Typed::Text(t) => {
            format!("<c r=\"{at}\"{style} t=\"inlineStr\"><is><t>{t}</t></is></c>")
        }
    };
    format!("{}{cell}{}", &xml[..start], &xml[end..])
}

/// The file as LibreOffice saves it, recalculating every formula; the file itself where
/// LibreOffice is not installed (CI installs it).
fn through_libreoffice(file: &Path, dir: &Path) -> PathBuf {
    libreoffice_as(file, "xlsx:Calc MS Excel 2007 XML", dir).unwrap_or_else(|| {
        eprintln!("LibreOffice is not installed: the workbook is imported as written");
        file.to_path_buf()
    })
}

/// `file` saved by LibreOffice in `format` ("ods", "xls:MS Excel 97"); `None` without it.
fn libreoffice_as(file: &Path, format: &str, dir: &Path) -> Option<PathBuf> {
    let soffice = which("soffice").ok()?;
    let extension = format.split(':').next().unwrap();
    let out = dir.join(format!("saved-by-libreoffice-{extension}"));
    std::fs::create_dir_all(&out).unwrap();
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--calc", "--convert-to", format])
        .arg("--outdir")
        .arg(&out)
        .arg(file)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    Some(
        out.join(file.file_name().unwrap())
            .with_extension(extension),
    )
}

fn which(program: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(program))
                .find(|p| p.is_file())
        })
        .ok_or(())
}

fn template(db: &str, dir: &Path, extra: &[&str]) -> (PathBuf, Layout) {
    let path = dir.join("bieu.xlsx");
    let mut args = vec![
        "import",
        "--template",
        path.to_str().unwrap(),
        "--unit",
        "198",
        "--period",
        "2020S1",
    ];
    args.extend(extra);
    let out = ok(db, &args);
    assert!(out.contains("Template written to"), "{out}");
    let layout = Layout::read(&path);
    (path, layout)
}

const COMMUNES: [&str; 7] = [
    "Thị trấn Bình Liêu",
    "Xã Hoành Mô",
    "Xã Đồng Tâm",
    "Xã Đồng Văn",
    "Xã Vô Ngại",
    "Xã Lục Hồn",
    "Xã Húc Động",
];

on_both_backends!(
    a_template_filled_and_saved_by_libreoffice_imports,
    |db, dir| {
        ok(db, &["demo", "--no-serve"]);
        // The demo approves the communes' half-year; the office returns it to be corrected.
        for code in [
            "06838", "06841", "06844", "06847", "06853", "06856", "06859",
        ] {
            ok(
                db,
                &[
                    "--user",
                    "vanphong",
                    "workflow",
                    "return",
                    "BC_XA_6T",
                    code,
                    "2020S1",
                    "--reason",
                    "Sửa theo biểu mẫu",
                ],
            );
        }
        let (path, layout) = template(db, dir, &[]);
        // One column per commune of 30/06/2020 (Tình Húc had merged), then the district's total.
        let headers: Vec<&str> = layout.columns.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(headers.len(), 8, "{headers:?}");
        assert!(headers[7].starts_with("Tổng cộng"));
        for (header, commune) in headers.iter().zip(COMMUNES) {
            assert!(header.starts_with(commune), "{headers:?}");
        }
        let typed: Vec<(String, Typed)> = COMMUNES
            .iter()
            .zip(["8001", "8002", "8003", "8004", "8005", "8006", "8007"])
            .map(|(c, v)| (layout.cell("KHAM_BENH_XA", c), Typed::Number(v)))
            .chain([(
                layout.cell("KHAM_BENH_XA", "Xã Vô Ngại"),
                // A figure in a cell formatted as text: imported, though the sheet's SUM skips it.
                Typed::Text("8005"),
            )])
            .collect();
        let filled = dir.join("filled.xlsx");
        fill(&path, &filled, &typed);
        let saved = through_libreoffice(&filled, dir);
        if saved != filled {
            // LibreOffice computed the total column's formula while saving (its SUM leaves out
            // the figure typed as text; the import counts it).
            let mut book = open_workbook_auto(&saved).unwrap();
            let range = book.worksheet_range(SHEET).unwrap();
            let total = layout.cell("KHAM_BENH_XA", "Tổng cộng");
            let (col, row) = total.split_at(1);
            let at = (
                row.parse::<u32>().unwrap() - 1,
                (col.as_bytes()[0] - b'A') as u32,
            );
            assert_eq!(range.get_value(at), Some(&Data::Float(48023.0)));
        }
        let out = ok(db, &["import", saved.to_str().unwrap()]);
        assert!(
            out.contains("values changed (old values kept in history): 7"),
            "{out}"
        );
        // The same workbook saved as OpenDocument reads the same. (Excel 97 files are read too,
        // but their shared formulas cannot always be told from typed figures.)
        for format in ["ods"] {
            let Some(other) = libreoffice_as(&saved, format, dir) else {
                break;
            };
            let out = ok(db, &["import", "--dry-run", other.to_str().unwrap()]);
            assert!(out.contains("values unchanged: 7"), "{format}: {out}");
        }
        let history = ok(
            db,
            &[
                "values",
                "--unit",
                "06841",
                "--period",
                "2020S1",
                "--indicator",
                "KHAM_BENH_XA",
                "--history",
            ],
        );
        assert!(history.contains("8002"), "{history}");
        assert!(
            history.contains("9215"),
            "the old figure stays in the history: {history}"
        );
        assert!(
            history.contains(&format!("#{SHEET}:{}", layout.rows["KHAM_BENH_XA"])),
            "the source names the sheet and row: {history}"
        );
        let total = ok(
            db,
            &[
                "query",
                "--unit",
                "198",
                "--period",
                "2020S1",
                "--indicator",
                "KHAM_BENH_XA",
                "--format",
                "json",
            ],
        );
        assert!(total.contains("56028"), "{total}");
    }
);

#[test]
fn a_filled_template_with_faults_is_refused_with_each_fault_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["demo", "--no-serve"]);
    let (path, layout) = template(&db, dir.path(), &[]);
    let mut typed: Vec<(String, Typed)> = vec![
        // A remark typed where a figure belongs.
        (
            layout.cell("KHAM_BENH_XA", "Xã Hoành Mô"),
            Typed::Text("khoảng 50"),
        ),
        // A commune that is not one.
        (layout.header("Xã Đồng Tâm"), Typed::Text("Xã Đồng Tầm Tây")),
        // The unit of measure changed on the row where the figures are in tỷ đồng.
        (layout.cell("GTSX_DV", "Thị trấn"), Typed::Number("2200")),
    ];
    let dvt = format!("D{}", layout.rows["GTSX_DV"]);
    typed.push((dvt, Typed::Text("triệu đồng")));
    // Every commune's figure, and a total typed over the formula that does not add up.
    for (c, v) in COMMUNES
        .iter()
        .zip(["10", "20", "30", "40", "50", "60", "70"])
    {
        typed.push((layout.cell("DIEU_TRI_NOI_TRU", c), Typed::Number(v)));
    }
    typed.push((
        layout.cell("DIEU_TRI_NOI_TRU", "Tổng cộng"),
        Typed::Number("290"),
    ));
    let filled = dir.path().join("faulty.xlsx");
    fill(&path, &filled, &typed);
    let saved = through_libreoffice(&filled, dir.path());
    let before = ok(&db, &["values", "--format", "csv"]);

    let out = solieu(&db, &["import", saved.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let has = |needles: &[&str]| err.lines().any(|l| needles.iter().all(|n| l.contains(n)));
    let at = |code: &str| format!("line {}", layout.rows[code]);
    assert!(
        has(&[
            SHEET,
            &at("KHAM_BENH_XA"),
            "Xã Hoành Mô",
            "“khoảng 50”",
            "not a number"
        ]),
        "{err}"
    );
    assert!(
        has(&[
            "line 6",
            "“Xã Đồng Tầm Tây”",
            "did you mean",
            "Xã Đồng Tâm (06844)"
        ]),
        "{err}"
    );
    assert!(
        has(&[
            &at("GTSX_DV"),
            "“triệu đồng”",
            "differs from indicator GTSX_DV's (tỷ đồng)"
        ]),
        "{err}"
    );
    assert!(
        has(&[
            &at("DIEU_TRI_NOI_TRU"),
            "Tổng cộng",
            "does not add up",
            "is 280 but the cell says 290"
        ]),
        "{err}"
    );
    assert!(err.contains("Nothing imported"), "{err}");
    assert_eq!(
        ok(&db, &["values", "--format", "csv"]),
        before,
        "nothing was written"
    );
}

#[test]
fn a_plan_and_same_period_template_for_one_unit_imports_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["demo", "--no-serve"]);
    reopen_district_half_year(&db);
    let (path, layout) = template(
        &db,
        dir.path(),
        &["--layout", "series", "--group", "kinh te > dich vu"],
    );
    let headers: Vec<&str> = layout.columns.iter().map(|(h, _)| h.as_str()).collect();
    assert!(
        headers
            .iter()
            .any(|h| h.starts_with("Kế hoạch HĐND huyện giao năm 2020")),
        "{headers:?}"
    );
    assert!(
        headers.iter().any(|h| h.starts_with("Thực hiện cùng kỳ")),
        "{headers:?}"
    );
    // Only the services group.
    assert!(layout.rows.contains_key("KHACH_DL") && !layout.rows.contains_key("GTSX_NLTS"));
    let typed = vec![
        (
            layout.cell("KHACH_DL", "Kế hoạch HĐND"),
            Typed::Number("90000"),
        ),
        (
            layout.cell("KHACH_DL", "Ước thực hiện"),
            Typed::Number("7001"),
        ),
    ];
    let filled = dir.path().join("filled.xlsx");
    fill(&path, &filled, &typed);
    let out = ok(
        &db,
        &[
            "import",
            through_libreoffice(&filled, dir.path()).to_str().unwrap(),
        ],
    );
    assert!(
        out.contains("values changed (old values kept in history): 2"),
        "{out}"
    );
    let plan = ok(
        &db,
        &[
            "values",
            "--unit",
            "198",
            "--indicator",
            "KHACH_DL",
            "--series",
            "plan:hdnd-huyen",
            "--period",
            "2020",
        ],
    );
    assert!(plan.contains("90000"), "{plan}");
}
