//! The CLI as a user meets it: import, export, refusal of bad files, history. On both backends.

mod common;

use common::*;
use std::fs;

/// `solieu import FILE…`, which must succeed; returns what it printed.
fn import(db: &str, files: &[std::path::PathBuf]) -> String {
    let mut args = vec!["import".to_string()];
    args.extend(paths(files));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(db, &args)
}

/// A SQLite database with the demo's files imported, in its own temporary folder.
fn demo_db() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    import_demo(&db);
    (dir, db)
}

/// How many values the demo's value files hold (their lines, headers aside).
fn demo_values() -> usize {
    fs::read_dir(repo().join("demo"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("values-") && n.ends_with(".csv"))
        })
        .map(|p| {
            fs::read_to_string(p)
                .unwrap()
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .count()
        })
        .sum()
}

/// The demo database as `solieu demo` builds it, on the backend `db` names.
fn import_demo(db: &str) {
    ok(db, &["demo", "--no-serve"]);
}

/// The files `solieu export --out dir` writes.
const EXPORTED: [&str; 5] = ["units", "lineage", "indicators", "rules", "values"];

fn exported_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    EXPORTED
        .iter()
        .map(|k| dir.join(format!("{k}.csv")))
        .collect()
}

fn export_all(db: &str, dir: &std::path::Path) -> Vec<(String, String)> {
    ok(db, &["export", "--out", &dir.display().to_string()]);
    EXPORTED
        .iter()
        .map(|k| {
            (
                k.to_string(),
                fs::read_to_string(dir.join(format!("{k}.csv"))).unwrap(),
            )
        })
        .collect()
}

on_both_backends!(import_then_export_gives_back_the_same_rows, |db, dir| {
    import_demo(db);
    let first = export_all(db, &dir.join("first"));
    // Every demo rule, with its message for people.
    let rules = &first[3].1;
    assert_eq!(rules.lines().count(), 6, "{rules}");
    assert!(
        rules.contains("KHACH_KHONG_AM,Khách du lịch không âm,KHACH_DL,>=,0,high,0,Số khách du lịch không được âm"),
        "{rules}"
    );
    // Every demo value is in the export, in canonical form.
    let values = &first[4].1;
    assert_eq!(values.lines().count() - 1, demo_values());
    assert!(values.contains("GTSX_NLTS,198,2020S1,actual,146.53,estimate,"));
    assert!(values.contains("KHACH_DL,198,2020,plan:hdnd-huyen,85500,official,"));
    assert!(values.contains("XNK,198,2020S1,actual,37.129,estimate,tính đến ngày 15/6/2020"));
    assert!(values.contains("KHACH_DL,06838,2025S2,actual,12820,official,July to December 2025"));
    // A second database loaded from the export exports the same bytes.
    if !db.starts_with("postgres") {
        let second = dir.join("second.db").display().to_string();
        ok(&second, &["init"]);
        import(&second, &exported_files(&dir.join("first")));
        assert_eq!(export_all(&second, &dir.join("second")), first);
    }
    // Importing the export into the same database changes nothing.
    let out = import(db, &exported_files(&dir.join("first")));
    assert!(
        !out.contains("values added")
            && !out.contains("values changed")
            && !out.contains("rules written"),
        "{out}"
    );
    assert_eq!(export_all(db, &dir.join("third")), first);
});

on_both_backends!(
    an_exported_formula_opens_as_text_and_imports_unchanged,
    |db, dir| {
        import_demo(db);
        let link = r#"=HYPERLINK("http://x","y")"#;
        let csv = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
        let neutralised = csv(&format!("'{link}"));
        let indicators = dir.join("indicators.csv");
        fs::write(
            &indicators,
            format!(
                "code,name,unit,group,aggregate,time_aggregate,decimals\n\
                 LINK,{},người,Kinh tế,sum,sum,0\n",
                csv(link)
            ),
        )
        .unwrap();
        let values = dir.join("values.csv");
        fs::write(
            &values,
            format!(
                "indicator,unit,period,series,value,status,note\n\
                 LINK,198,2020,actual,-50,official,{}\n",
                csv(link)
            ),
        )
        .unwrap();
        import(db, &[indicators, values]);
        let first = export_all(db, &dir.join("first"));
        // In a spreadsheet the cells are text, not a live link; the figure is still a number.
        assert!(
            first[2].1.contains(&format!("LINK,{neutralised},")),
            "{}",
            first[2].1
        );
        assert!(
            first[4]
                .1
                .contains(&format!("LINK,198,2020,actual,-50,official,{neutralised}")),
            "{}",
            first[4].1
        );
        // A query's CSV names the indicator the same safe way.
        let table = ok(
            db,
            &[
                "query",
                "--indicator",
                "LINK",
                "--unit",
                "198",
                "--period",
                "2020",
                "--rows",
                "indicator",
                "--columns",
                "period",
                "--format",
                "csv",
            ],
        );
        assert!(table.contains("\n\"'=HYPERLINK("), "{table}");
        assert!(table.contains(",-50\n"), "{table}");
        // Imported again, the name and the note are what was first imported: nothing changes.
        let out = import(db, &exported_files(&dir.join("first")));
        assert!(
            !out.contains("values changed") && !out.contains("indicators changed"),
            "{out}"
        );
        assert_eq!(export_all(db, &dir.join("second")), first);
    }
);

on_both_backends!(
    a_bad_file_is_refused_whole_with_every_problem_located,
    |db, dir| {
        import_demo(db);
        let before = export_all(db, &dir.join("before"));
        let good = dir.join("good.csv");
        fs::write(&good, "indicator,unit,period,series,value,status,note\nKHACH_DL,198,2019,actual,90000,official,\n").unwrap();
        let bad = dir.join("bad.csv");
        fs::write(
            &bad,
            "indicator,unit,period,series,value,status,note\n\
         GTSX_NLTS,99999,2020S1,actual,146.53,estimate,unknown unit\n\
         NO_SUCH,198,2020S1,actual,1.5,estimate,unknown indicator\n\
         KHAM_BENH_XA,06850,2020S1,actual,120,estimate,merged commune\n\
         KHAM_BENH_XA,06838,2020S1,actual,12x0,estimate,unreadable\n\
         GTSX_DV,198,2017S1,actual,300.5,official,first\n\
         GTSX_DV,198,2017S1,actual,301.5,official,a different value for the same figure\n",
        )
        .unwrap();
        let (good, bad) = (good.display().to_string(), bad.display().to_string());
        let out = solieu(db, &["import", &good, &bad]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        let expect = [
            format!(
                "{bad}, line 2, column unit: “99999”: there is no administrative unit with code 99999"
            ),
            format!("{bad}, line 3, column indicator: “NO_SUCH”: unknown indicator"),
            format!(
                "{bad}, line 4, column unit: “06850”: Xã Tình Húc (06850) no longer existed at the end of H1 2020"
            ),
            format!("{bad}, line 5, column value: “12x0”: not a number"),
            format!(
                "{bad}, line 7, column value: “301.5”: the same indicator, unit, period and series already has the value 300.5 at {bad}:6"
            ),
        ];
        for line in &expect {
            assert!(err.contains(line.as_str()), "missing {line:?} in:\n{err}");
        }
        assert!(
            err.contains("became part of Thị trấn Bình Liêu (06838)"),
            "{err}"
        );
        // The summary counts problems and the rows they are on among all rows read.
        assert!(
            err.contains("Nothing imported: 5 problems on 5 of the ")
                && err.contains(" rows read; the database is unchanged."),
            "{err}"
        );
        // Neither file's rows were loaded: the database is as it was.
        assert_eq!(export_all(db, &dir.join("after")), before);
    }
);

on_both_backends!(
    updating_a_value_keeps_the_old_one_in_its_history,
    |db, dir| {
        import_demo(db);
        reopen_district_half_year(db);
        let revision = dir.join("official.csv");
        fs::write(&revision, "indicator,unit,period,series,value,status,note\nGTSX_NLTS,198,2020S1,actual,147.02,official,số liệu chính thức\n").unwrap();
        let out = ok(db, &["import", &revision.display().to_string()]);
        assert!(
            out.contains("values changed (old values kept in history): 1"),
            "{out}"
        );
        let listing = ok(
            db,
            &[
                "values",
                "--indicator",
                "GTSX_NLTS",
                "--period",
                "2020S1",
                "--history",
            ],
        );
        assert!(listing.contains("#2 147.02 (official)"), "{listing}");
        assert!(listing.contains("#1 146.53 (estimate)"), "{listing}");
        assert!(listing.contains("by test-officer"), "{listing}");
        assert!(
            listing.contains(&format!("file {}:2", revision.display())),
            "{listing}"
        );
        let json: serde_json::Value = serde_json::from_str(&ok(
            db,
            &[
                "values",
                "--indicator",
                "GTSX_NLTS",
                "--period",
                "2020S1",
                "--history",
                "--format",
                "json",
            ],
        ))
        .unwrap();
        assert_eq!(json[0]["value"], "147.02");
        assert_eq!(json[0]["history"][0]["value"], "146.53");
        assert_eq!(json[0]["history"].as_array().unwrap().len(), 2);
    }
);

#[test]
fn an_ambiguous_number_is_refused_unless_the_convention_is_declared() {
    let (dir, db) = demo_db();
    let file = dir.path().join("visits.csv");
    fs::write(&file, "indicator;unit;period;series;value;status;note\nKHACH_DL;198;2018S1;actual;1.234;official;\n").unwrap();
    let file = file.display().to_string();
    let out = solieu(&db, &["import", &file]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("ambiguous: it reads as 1234 or as 1.234"),
        "{err}"
    );
    assert!(err.contains("--decimal comma"), "{err}");
    // A dry run with the convention declared would load it, and writes nothing.
    let dry = ok(&db, &["import", "--dry-run", "--decimal", "comma", &file]);
    assert!(
        dry.contains("Dry run") && dry.contains("values added: 1"),
        "{dry}"
    );
    assert!(
        !ok(
            &db,
            &["values", "--indicator", "KHACH_DL", "--period", "2018"]
        )
        .contains("1234")
    );
    ok(&db, &["import", "--decimal", "comma", &file]);
    let csv = ok(
        &db,
        &[
            "values",
            "--indicator",
            "KHACH_DL",
            "--period",
            "2018",
            "--format",
            "csv",
        ],
    );
    assert!(
        csv.contains("KHACH_DL,198,2018S1,actual,1234,official,"),
        "{csv}"
    );
}

#[test]
fn a_file_contradicting_its_own_convention_names_the_line_that_set_it() {
    let (dir, db) = demo_db();
    let file = dir.path().join("mixed.csv");
    fs::write(
        &file,
        "indicator,unit,period,series,value,status,note\n\
         GTSX_NLTS,198,2017S1,actual,\"120,5\",official,\n\
         GTSX_CNXD,198,2017S1,actual,\"80,25\",official,\n\
         GTSX_DV,198,2017S1,actual,290.75,official,\n",
    )
    .unwrap();
    let out = solieu(&db, &["import", &file.display().to_string()]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 4, column value: “290.75”: contradicts the file's number convention"),
        "{err}"
    );
    assert!(err.contains("“120,5” on line 2"), "{err}");
    assert!(err.contains("use the other decimal separator"), "{err}");
}

#[test]
fn the_demo_rebuilds_itself_but_never_overwrites_other_data() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.db").display().to_string();
    ok(&demo, &["demo", "--no-serve"]);
    let again = ok(&demo, &["demo", "--no-serve"]);
    assert!(again.contains("Rebuilding the demo database"), "{again}");
    let real = dir.path().join("real.db").display().to_string();
    ok(&real, &["init"]);
    let out = solieu(&real, &["demo", "--no-serve"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a demo database"));
}

#[test]
fn commands_on_a_missing_database_say_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db").display().to_string();
    let out = solieu(&db, &["values"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("solieu init"));
    assert!(!dir.path().join("none.db").exists());
}

#[test]
fn units_shows_a_code_reused_after_the_reform_and_its_lineage() {
    let (_dir, db) = demo_db();
    let out = ok(&db, &["units", "06838"]);
    assert!(
        out.contains("Thị trấn Bình Liêu (06838) — thị trấn [… – 30/06/2025]"),
        "{out}"
    );
    assert!(
        out.contains("01/01/2020 ← sáp nhập Xã Tình Húc (06850)"),
        "{out}"
    );
    assert!(
        out.contains("Xã Bình Liêu (06838) — xã [01/07/2025 – …]"),
        "{out}"
    );
    assert!(
        out.contains("01/07/2025 ← chia tách Xã Vô Ngại (06853) (85%)"),
        "{out}"
    );
    let tree = ok(&db, &["units", "--date", "2020-06-15"]);
    assert_eq!(
        tree.matches("    Xã ").count() + tree.matches("    Thị trấn").count(),
        7,
        "{tree}"
    );
}

on_both_backends!(a_backup_restores_every_value_with_its_history, |db, dir| {
    import_demo(db);
    reopen_district_half_year(db);
    let revision = dir.join("official.csv");
    fs::write(
        &revision,
        "indicator,unit,period,series,value,status,note\nXNK,198,2020S1,actual,37.2,official,\n",
    )
    .unwrap();
    ok(db, &["import", &revision.display().to_string()]);
    let backup = dir.join("backup.db").display().to_string();
    let out = ok(db, &["backup", &backup]);
    // Each demo value's first revision, and the one revised just now.
    let revisions = format!("value_revisions: {} rows", demo_values() + 1);
    assert!(out.contains(&revisions), "{out}");
    assert!(
        !solieu(db, &["backup", &backup]).status.success(),
        "a backup never overwrites a file"
    );
    let restored = dir.join("restored.db").display().to_string();
    ok(&restored, &["restore", &backup]);
    let history = |d: &str| ok(d, &["values", "--history", "--format", "json"]);
    assert_eq!(history(&restored), history(db));
    assert!(history(&restored).contains("\"value\": \"37.129\""));
    // Restoring over data is refused and leaves it alone.
    let out = solieu(&restored, &["restore", &backup]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty database"));
});

#[test]
fn query_compares_a_merged_commune_with_its_predecessors_and_pivots() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["demo", "--no-serve"]);
    let json: serde_json::Value = serde_json::from_str(&ok(
        &db,
        &[
            "query",
            "--unit",
            "06838,06841",
            "--period",
            "2026S1",
            "--indicator",
            "KHAM_BENH_XA",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    let binh_lieu = &json[0];
    assert_eq!(binh_lieu["unit_name"], "Xã Bình Liêu");
    assert_eq!(binh_lieu["previous"]["value"].to_string(), "27786.5");
    assert_eq!(binh_lieu["approximate"], true);
    assert!(
        binh_lieu["text_vi"]
            .as_str()
            .unwrap()
            .contains("ước tính theo tỷ lệ sắp xếp đơn vị")
    );
    let vo_ngai = binh_lieu["previous"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unit"] == "06853")
        .unwrap();
    assert_eq!(vo_ngai["weight"].to_string(), "0.85");
    let hoanh_mo = &json[1];
    assert_eq!(hoanh_mo["previous"]["value"].to_string(), "18117");
    assert_eq!(hoanh_mo["approximate"], false);

    let table = ok(
        &db,
        &[
            "query",
            "--unit",
            "198",
            "--children",
            "--period",
            "2020S1",
            "--indicator",
            "KHAM_BENH_XA",
            "--rows",
            "unit",
            "--columns",
            "period",
            "--format",
            "csv",
        ],
    );
    assert!(
        table.starts_with("Lượt khám bệnh tại tuyến xã (KHAM_BENH_XA),6 tháng đầu năm 2020\n"),
        "{table}"
    );
    assert!(
        table.contains("Huyện Bình Liêu,59099\n") && table.contains("Xã Húc Động,5462\n"),
        "{table}"
    );
    assert_eq!(table.lines().count(), 9);
    let out = solieu(
        &db,
        &[
            "query",
            "--unit",
            "198",
            "--period",
            "2019S1,2020S1",
            "--rows",
            "unit",
            "--columns",
            "indicator",
        ],
    );
    assert!(
        !out.status.success(),
        "two periods do not fit a unit × indicator table"
    );
}

on_both_backends!(
    the_2020_list_then_the_2025_mapping_give_the_2025_map,
    |db, _dir| {
        let shared = repo().join("../shared/data/admin-units");
        ok(db, &["init"]);
        let list = ok(
            db,
            &[
                "import",
                &shared
                    .join("dvhcvn_sorted_20200601.json")
                    .display()
                    .to_string(),
            ],
        );
        assert!(list.contains("units added: 11413"), "{list}");
        let out = solieu(
            db,
            &[
                "import",
                &shared
                    .join("dvhcvn2025_mapping_merges_new_to_old.json")
                    .display()
                    .to_string(),
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("lineage events added: 10667"), "{stdout}");
        // 18 predecessors created after 2020 are added, and said so; 614 communes end without one.
        let notes = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            notes.matches("is not in the register").count(),
            18,
            "{notes}"
        );
        assert!(notes.contains("614 commune-level units"), "{notes}");
        // The map of 01/07/2025: 34 provinces, 3,321 communes.
        let map = ok(db, &["units", "--date", "2025-07-01"]);
        assert_eq!(
            map.lines().filter(|l| !l.starts_with(' ')).count(),
            1 + 34,
            "{map}"
        );
        assert_eq!(
            map.lines()
                .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
                .count(),
            3321
        );
        // The day before, the old map: 63 provinces.
        let old = ok(db, &["units", "--date", "2025-06-30"]);
        assert_eq!(
            old.lines().filter(|l| !l.starts_with(' ')).count(),
            1 + 63 + 18,
            "the added predecessors have no parent"
        );
        // Xã Bình Liêu: the town, Húc Động and part of Vô Ngại.
        let binh_lieu = ok(db, &["units", "06838"]);
        for line in [
            "Thị trấn Bình Liêu (06838) — thị trấn [… – 30/06/2025], parent 198",
            "Xã Bình Liêu (06838) — xã [01/07/2025 – …], parent 22",
            "01/07/2025 ← sáp nhập Thị trấn Bình Liêu (06838)",
            "01/07/2025 ← sáp nhập Xã Húc Động (06859)",
            "01/07/2025 ← chia tách Xã Vô Ngại (06853) (in part, share not recorded)",
        ] {
            assert!(binh_lieu.contains(line), "missing {line:?} in\n{binh_lieu}");
        }
        // Importing the mapping again changes nothing.
        let again = ok(
            db,
            &[
                "import",
                &shared
                    .join("dvhcvn2025_mapping_merges_new_to_old.json")
                    .display()
                    .to_string(),
            ],
        );
        assert!(
            !again.contains("added") && !again.contains("closed"),
            "{again}"
        );
        // 3,355 new units and 10,667 events, all already stored.
        assert!(
            again.contains("units, events and indicators unchanged: 14022"),
            "{again}"
        );
    }
);

/// Units and indicators for the codes a DHIS2 sample uses, so its values have somewhere to go.
fn dhis2_catalogue(
    dir: &std::path::Path,
    units: &[&str],
    indicators: &[String],
) -> Vec<std::path::PathBuf> {
    let u = dir.join("dhis2-units.csv");
    let i = dir.join("dhis2-indicators.csv");
    let mut text = String::from("code,name,kind\n");
    for code in units {
        text.push_str(&format!("{code},Xã {code},xa\n"));
    }
    fs::write(&u, text).unwrap();
    let mut text = String::from("code,name,unit\n");
    for code in indicators {
        text.push_str(&format!("{code},Chỉ tiêu {code},lượt\n"));
    }
    fs::write(&i, text).unwrap();
    vec![u, i]
}

/// The DHIS2 samples: the setup and aggregate metadata exports, and their data.
fn dhis2_sample(name: &str) -> std::path::PathBuf {
    repo().join("../shared/data/dhis2").join(name)
}

fn dhis2_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dhis2_sample(name)).unwrap()).unwrap()
}

/// What the data file says each summed data element totals in a period, by its DHIS2 code:
/// every disaggregation and org unit added, yes/no answers as 1 and 0.
fn dhis2_totals(period: &str) -> std::collections::BTreeMap<String, rust_decimal::Decimal> {
    let metadata = dhis2_json("aggregate_metadata.json");
    let summed: std::collections::HashMap<&str, &str> = metadata["dataElements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["aggregationType"] == "SUM")
        .map(|d| (d["id"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    let mut totals = std::collections::BTreeMap::new();
    for v in dhis2_json("dataValues_bulk.json")["dataValues"]
        .as_array()
        .unwrap()
    {
        let Some(code) = summed.get(v["dataElement"].as_str().unwrap()) else {
            continue;
        };
        if v["period"] != period {
            continue;
        }
        let value = match v["value"].as_str().unwrap() {
            "true" => rust_decimal::Decimal::ONE,
            "false" => rust_decimal::Decimal::ZERO,
            n => n.parse().unwrap(),
        };
        *totals.entry(code.to_string()).or_default() += value;
    }
    totals
}

on_both_backends!(
    dhis2_metadata_then_data_import_with_no_other_file_and_total_over_the_tree,
    |db, dir| {
        ok(db, &["init"]);
        let files = [
            dhis2_sample("setup_metadata.json"),
            dhis2_sample("aggregate_metadata.json"),
            dhis2_sample("dataValues_bulk.json"),
        ];
        let out = import(db, &files);
        assert!(out.contains("values added: 231"), "{out}");
        assert!(out.contains("units added: 5"), "{out}");
        assert!(out.contains("data sets written: 2"), "{out}");
        // What the model has no place for is said, kind by kind.
        assert!(
            out.contains("not imported (solieu has no place for it): 1 organisationUnitGroups"),
            "{out}"
        );
        assert!(out.contains("1 dataElements (TRACKER)"), "{out}");
        // Sierra Leone (OU_525) holds no value of its own: every figure is Bo's, summed up the
        // tree, and a disaggregated element is the sum of its combinations.
        let totals = dhis2_totals("201912");
        assert!(totals.len() > 40, "{totals:?}");
        let codes: Vec<&str> = totals.keys().map(String::as_str).collect();
        let json: serde_json::Value = serde_json::from_str(&ok(
            db,
            &[
                "query",
                "--unit",
                "OU_525",
                "--period",
                "201912",
                "--indicator",
                &codes.join(","),
                "--format",
                "json",
            ],
        ))
        .unwrap();
        for figure in json.as_array().unwrap() {
            let code = figure["indicator"].as_str().unwrap();
            assert_eq!(
                figure["value"]
                    .to_string()
                    .parse::<rust_decimal::Decimal>()
                    .ok(),
                Some(totals[code]),
                "{code}: {figure}"
            );
        }
        assert_eq!(json.as_array().unwrap().len(), totals.len());

        // Back out with DHIS2's identifiers, and in again unchanged, in every format.
        for format in ["dhis2-json", "dhis2-csv", "dhis2-xml", "adx"] {
            let file = dir.join(format!("out.{format}"));
            let file_arg = file.display().to_string();
            ok(db, &["export", "--format", format, "--out", &file_arg]);
            let text = fs::read_to_string(&file).unwrap();
            assert!(
                text.contains("O6uvpzGd5pu") && !text.contains("OU_264"),
                "{text}"
            );
            let again = import(db, std::slice::from_ref(&file));
            assert!(
                again.contains("values unchanged: 231") && !again.contains("values added"),
                "{format}: {again}"
            );
        }
        // DHIS2 writes the disaggregation apart from the element.
        let json = fs::read_to_string(dir.join("out.dhis2-json")).unwrap();
        assert!(
            json.contains(r#""categoryOptionCombo": "hF0pQZIn6Ch""#),
            "{json}"
        );
    }
);

#[test]
fn dhis2_metadata_again_changes_nothing_and_a_later_data_set_needs_no_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["init"]);
    let metadata = [
        dhis2_sample("setup_metadata.json"),
        dhis2_sample("aggregate_metadata.json"),
    ];
    let out = import(&db, &metadata);
    assert!(out.contains("DHIS2 identifiers linked"), "{out}");
    let again = import(&db, &metadata);
    assert!(
        !again.contains("added") && !again.contains("DHIS2 identifiers linked"),
        "{again}"
    );
    // The data alone, in a later import: the stored links say where each value goes.
    let out = import(&db, &[dhis2_sample("dataValues_bulk.json")]);
    assert!(out.contains("values added: 231"), "{out}");
    let values = ok(&db, &["values", "--format", "csv"]);
    assert!(
        values.contains("TA_GEN_EXT_FUND,OU_264,2018,actual,500000,official,"),
        "{values}"
    );
}

#[test]
fn dhis2_data_outside_the_metadata_is_refused_with_dhis2s_reason_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["init"]);
    import(
        &db,
        &[
            dhis2_sample("setup_metadata.json"),
            dhis2_sample("aggregate_metadata.json"),
        ],
    );
    let file = dir.path().join("bad.json");
    fs::write(
        &file,
        r#"{"dataValues": [
  {"dataElement": "tpz77FcntKx", "period": "2019", "orgUnit": "O6uvpzGd5pu", "value": "7"},
  {"dataElement": "dFaBg0HpoIL", "period": "2019", "orgUnit": "O6uvpzGd5pu", "categoryOptionCombo": "t5FrQ0GTvGf", "value": "3"},
  {"dataElement": "tpz77FcntKx", "period": "2019", "orgUnit": "Xyz00000000", "value": "2"}
]}"#,
    )
    .unwrap();
    let out = solieu(&db, &["import", &file.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // t5FrQ0GTvGf is an age-and-sex combination; dFaBg0HpoIL is disaggregated by age only.
    assert!(
        err.contains("$.dataValues[1].categoryOptionCombo")
            && err.contains("must be part of category combo of data element dFaBg0HpoIL"),
        "{err}"
    );
    assert!(err.contains("Xyz00000000"), "{err}");
    assert!(!ok(&db, &["values", "--format", "csv"]).contains("2019"));
}

#[test]
fn dhis2_metadata_with_a_unit_whose_parent_is_nowhere_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["init"]);
    // The setup's facilities without their chiefdom have nowhere to go.
    let mut setup = dhis2_json("setup_metadata.json");
    let units = setup["organisationUnits"].as_array_mut().unwrap();
    units.retain(|u| u["id"] != "YuQRtpLP10I");
    let file = dir.path().join("setup.json");
    fs::write(&file, setup.to_string()).unwrap();
    let out = solieu(&db, &["import", &file.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".parent")
            && err.contains("YuQRtpLP10I")
            && err.contains("database is unchanged"),
        "{err}"
    );
    assert!(!ok(&db, &["units"]).contains("OU_264"));
}

#[test]
fn an_adx_message_imports_through_a_mapping_and_exports_back() {
    let shared = repo().join("../shared/data/dhis2");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db").display().to_string();
    ok(&db, &["init"]);
    let mapping = dir.path().join("mapping.csv");
    let keys = [
        (
            "Malaria numeric|Age_category=under555555|Sex_category=FFFFFFFFFFF",
            "SR_NU_DUOI5",
        ),
        (
            "Malaria numeric|Age_category=under555555|Sex_category=MMMMMMMMMMM",
            "SR_NAM_DUOI5",
        ),
        ("Malaria numeric|FOver555555", "SR_NU_TREN5"),
        ("Malaria numeric|MOver555555", "SR_NAM_TREN5"),
        ("Malaria text", "SR_GHI_CHU"),
        (
            "Malaria numeric|Age_category=under555555|Mechanism_category=PEPFARRRRRR|Sex_category=FFFFFFFFFFF",
            "SR_NU_DUOI5_PEPFAR",
        ),
        (
            "Malaria numeric|Age_category=over5555555|Mechanism_category=McDonaldsss|Sex_category=FFFFFFFFFFF",
            "SR_NU_TREN5_MCD",
        ),
        (
            "Malaria numeric|Age_category=under555555|Sex_category=MMMMMMMMMMM|attributeOptionCombo=cocMcDonald",
            "SR_NAM_DUOI5_MCD",
        ),
    ];
    let mut text = String::from("kind,dhis2,solieu\norgUnit,123,06841\norgUnit,456,06856\n");
    for (dhis2, ours) in keys {
        text.push_str(&format!("dataElement,\"{dhis2}\",{ours}\n"));
    }
    fs::write(&mapping, text).unwrap();
    let codes: Vec<String> = keys.iter().map(|(_, c)| c.to_string()).collect();
    import(
        &db,
        &dhis2_catalogue(dir.path(), &["06841", "06856"], &codes),
    );
    let mapping_arg = mapping.display().to_string();
    let adx = shared.join("importA.adx.xml").display().to_string();
    let out = ok(&db, &["import", "--dhis2-mapping", &mapping_arg, &adx]);
    assert!(out.contains("values added: 9"), "{out}");
    let csv = ok(&db, &["values", "--format", "csv"]);
    assert!(
        csv.contains("SR_GHI_CHU,06841,202001,actual,0,official,Text data value"),
        "{csv}"
    );
    assert!(
        csv.contains("SR_NU_DUOI5_PEPFAR,06856,2021Q1,actual,10,official,"),
        "{csv}"
    );
    // Back to ADX with the same mapping: DHIS2's identifiers and a re-import that changes nothing.
    let back = dir.path().join("back.adx.xml");
    ok(
        &db,
        &[
            "export",
            "--format",
            "adx",
            "--dhis2-mapping",
            &mapping_arg,
            "--out",
            &back.display().to_string(),
        ],
    );
    let text = fs::read_to_string(&back).unwrap();
    assert!(
        text.contains(r#"orgUnit="123""#) && text.contains(r#"Mechanism_category="PEPFARRRRRR""#),
        "{text}"
    );
    assert!(
        text.contains("<annotation>Text data value</annotation>"),
        "{text}"
    );
    let again = ok(
        &db,
        &[
            "import",
            "--dhis2-mapping",
            &mapping_arg,
            &back.display().to_string(),
        ],
    );
    assert!(again.contains("values unchanged: 9"), "{again}");
    // Without the mapping, the message's names are no indicators of ours: refused, not guessed.
    let out = solieu(&db, &["import", &adx]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown indicator"));
}

#[test]
fn a_unit_written_in_the_cell_is_converted_or_refused() {
    let (dir, db) = demo_db();
    let file = dir.path().join("units.csv");
    fs::write(
        &file,
        "mã chỉ tiêu;đơn vị;kỳ;loại;giá trị;trạng thái\n\
         GTSX_NLTS;198;2017S1;thực hiện;2.200 triệu đồng;chính thức\n\
         GTSX_CNXD;198;2017S1;thực hiện;80,5;chính thức\n\
         KHACH_DL;198;2017S1;thực hiện;5 tấn;chính thức\n",
    )
    .unwrap();
    let file = file.display().to_string();
    let out = solieu(&db, &["import", &file]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 4, column value: “5 tấn”: the value is written in “tấn” but KHACH_DL is measured in “lượt”; they do not convert"),
        "{err}"
    );
    assert!(!err.contains("line 2"), "tỷ and triệu đồng convert: {err}");
    // Without the faulty line, 2.200 triệu đồng is stored as 2,2 tỷ đồng.
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.lines().take(3).collect::<Vec<_>>().join("\n")).unwrap();
    ok(&db, &["import", &file]);
    let csv = ok(
        &db,
        &[
            "values",
            "--indicator",
            "GTSX_NLTS",
            "--period",
            "2017",
            "--format",
            "csv",
        ],
    );
    assert!(
        csv.contains("GTSX_NLTS,198,2017S1,actual,2.2,official,"),
        "{csv}"
    );
}

#[test]
fn validation_rules_stop_what_is_impossible_and_keep_what_is_doubtful() {
    let (dir, db) = demo_db();
    let out = ok(
        &db,
        &[
            "validate",
            "--unit",
            "198",
            "--period",
            "2020S1",
            "--children",
        ],
    );
    assert!(out.contains("0 broken"), "{out}");
    // A rate above 100% breaks a rule of high importance: nothing is imported.
    let bad = dir.path().join("bad.csv");
    fs::write(
        &bad,
        "indicator,unit,period,series,value,status\nHS_TRO_LAI_TRUONG,198,2019S1,actual,120,official\nKHACH_DL,198,2018S1,actual,100,official\n",
    )
    .unwrap();
    let out = solieu(&db, &["import", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}, line 2: rule HS_TY_LE_TOI_DA (Tỷ lệ học sinh trở lại trường không quá 100%) is broken for 198, H1 2019: HS_TRO_LAI_TRUONG <= 100 (left 120, right 100)", bad.display())),
        "{err}"
    );
    assert!(
        !ok(
            &db,
            &[
                "values",
                "--indicator",
                "KHACH_DL",
                "--period",
                "2018",
                "--format",
                "csv"
            ]
        )
        .contains("2018S1")
    );
    // More inpatients than examinations is doubtful, not impossible: imported, reported and kept.
    let doubtful = dir.path().join("doubtful.csv");
    fs::write(
        &doubtful,
        "indicator,unit,period,series,value,status\nDIEU_TRI_NOI_TRU,198,2019S1,actual,2500,official\nKHAM_BENH_HUYEN,198,2019S1,actual,2000,official\n",
    )
    .unwrap();
    let out = solieu(&db, &["import", &doubtful.display().to_string()]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("rule NOI_TRU_IT_HON_KHAM"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("validation warnings kept: 1"));
    let out = ok(&db, &["validate", "--unit", "198", "--period", "2019S1"]);
    assert!(
        out.contains("BROKEN [medium] Huyện Bình Liêu (198): NOI_TRU_IT_HON_KHAM"),
        "{out}"
    );
    // … with the rule's own message for people under its code and formula.
    assert!(
        out.contains("\n    Số lượt điều trị nội trú không được nhiều hơn số lượt khám bệnh"),
        "{out}"
    );
    // A rule naming an indicator that does not exist is refused.
    let rules = dir.path().join("rules.csv");
    fs::write(
        &rules,
        "code,name,left,operator,right\nX,Thử,KHONG_CO,<=,1\n",
    )
    .unwrap();
    let out = solieu(&db, &["import", &rules.display().to_string()]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("the rule uses undefined indicators: KHONG_CO")
    );
}

#[test]
fn a_figure_far_from_its_units_history_is_imported_with_a_warning() {
    let (dir, db) = demo_db();
    let history = dir.path().join("history.csv");
    let mut text = String::from("indicator,unit,period,series,value,status\n");
    for (year, visits) in [
        (2014, 41000),
        (2015, 43500),
        (2016, 39800),
        (2017, 44100),
        (2018, 42600),
    ] {
        text.push_str(&format!("KHACH_DL,198,{year}S1,actual,{visits},official\n"));
    }
    fs::write(&history, text).unwrap();
    ok(&db, &["import", &history.display().to_string()]);
    // 46.800.000 visitors where 46.800 were meant.
    let typo = dir.path().join("typo.csv");
    fs::write(
        &typo,
        "indicator,unit,period,series,value,status\nKHACH_DL,198,2013S1,actual,46800000,official\n",
    )
    .unwrap();
    let out = solieu(&db, &["import", &typo.display().to_string()]);
    assert!(out.status.success());
    let notes = String::from_utf8_lossy(&out.stderr);
    assert!(
        notes.contains("line 2, column value: “46800000”: unusual for unit 198"),
        "{notes}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("validation warnings kept: 1"));
}

#[test]
fn the_demo_holds_every_file_of_the_demo_folder() {
    let (_dir, db) = demo_db();
    let out = ok(&db, &["validate", "--unit", "198", "--period", "2020S1"]);
    assert!(out.contains("hold"), "the demo's rules are loaded: {out}");
    // The demo folder and its programs folder.
    let files: usize = ["demo", "demo/programs"]
        .iter()
        .map(|d| {
            fs::read_dir(repo().join(d))
                .unwrap()
                .filter(|f| {
                    f.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|e| e == "csv")
                })
                .count()
        })
        .sum();
    let again = ok(&db, &["demo", "--no-serve"]);
    assert!(
        again.contains(&format!("Imported: {files} files")),
        "{again}"
    );
}

/// Runs a store call from a test's synchronous body (the test runs on a multi-threaded runtime).
fn on_store<T>(db: &str, f: impl AsyncFnOnce(&solieu_store::Store) -> T) -> T {
    tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(async {
            let store = solieu_store::Store::open(&solieu_store::Location::parse(db))
                .await
                .unwrap();
            let out = f(&store).await;
            store.close().await;
            out
        })
    })
}

on_both_backends!(
    an_approved_period_is_locked_against_imports_too,
    |db, dir| {
        import_demo(db);
        let step = |from: Option<&'static str>, to: &'static str, action: &'static str| {
            on_store(db, async move |store| {
                store
                    .step_submission(
                        "BC_XA_6T",
                        "06841",
                        "2026S1",
                        &[from],
                        to,
                        action,
                        "lý do",
                        "office",
                    )
                    .await
                    .unwrap()
            })
        };
        step(None, "submitted", "submit");
        step(Some("submitted"), "approved", "approve");
        let file = dir.join("late.csv");
        let write = |value: &str, status: &str| {
            fs::write(
            &file,
            format!(
                "indicator,unit,period,series,value,status\nKHAM_BENH_XA,06841,2026S1,actual,{value},{status}\n"
            ),
        )
        .unwrap();
        };
        // A changed figure of the approved data set is refused, naming the approval; so is a
        // changed status.
        write("19300", "estimate");
        let before = export_all(db, &dir.join("before"));
        let out = solieu(db, &["import", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(
                "KHAM_BENH_XA of unit 06841 for 2026S1 is approved and locked (data set BC_XA_6T"
            ),
            "{err}"
        );
        assert_eq!(export_all(db, &dir.join("after")), before);
        write("19240", "official");
        assert_eq!(
            solieu(db, &["import", file.to_str().unwrap()])
                .status
                .code(),
            Some(2)
        );
        // The same figure again changes nothing, so it passes.
        write("19240", "estimate");
        let out = import(db, std::slice::from_ref(&file));
        assert!(out.contains("values unchanged: 1"), "{out}");
        // Reopened with a reason, the period takes the new figure.
        step(Some("approved"), "draft", "reopen");
        write("19300", "estimate");
        let out = import(db, std::slice::from_ref(&file));
        assert!(
            out.contains("values changed (old values kept in history): 1"),
            "{out}"
        );
    }
);

#[test]
fn a_report_made_without_an_account_name_is_kept_with_the_machines() {
    let (dir, db) = demo_db();
    let out = dir.path().join("bao-cao.docx");
    let made = std::process::Command::new(env!("CARGO_BIN_EXE_solieu"))
        .args([
            "--db", &db, "--lang", "vi", "report", "--unit", "198", "--period", "2020S1",
        ])
        .arg("--out")
        .arg(&out)
        .env_remove("SOLIEU_USER")
        .env_remove("USER")
        .env_remove("USERNAME")
        .env_remove("LOGNAME")
        .env("HOSTNAME", "may-van-phong")
        .env_remove("SOLIEU_DB")
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let listed = ok(&db, &["reports", "list"]);
    assert!(listed.contains("cli@may-van-phong"), "{listed}");
    assert!(!listed.contains("unknown"), "{listed}");
}

/// A GeoJSON FeatureCollection of `features`.
fn feature_collection(features: &[String]) -> String {
    format!(
        r#"{{"type": "FeatureCollection", "features": [{}]}}"#,
        features.join(",\n")
    )
}

/// A square commune of 0.04 degrees whose south-west corner is `corner` (longitude, latitude).
fn square_feature(code: &str, corner: (f64, f64)) -> String {
    let (x, y) = corner;
    let (x1, y1) = (x + 0.04, y + 0.04);
    format!(
        r#"{{"type": "Feature", "properties": {{"ma": "{code}"}}, "geometry": {{"type": "Polygon", "coordinates": [[[{x}, {y}], [{x1}, {y}], [{x1}, {y1}], [{x}, {y1}], [{x}, {y}]]]}}}}"#
    )
}

on_both_backends!(
    boundaries_import_whole_or_not_at_all_matched_to_the_units_of_their_day,
    |db, dir| {
        import_demo(db);
        // The 2020 communes as generated squares side by side.
        let communes = [
            "06838", "06841", "06844", "06847", "06853", "06856", "06859",
        ];
        let squares: Vec<String> = communes
            .iter()
            .enumerate()
            .map(|(i, code)| square_feature(code, (107.3 + 0.05 * i as f64, 21.5)))
            .collect();
        let good = dir.join("ranh-gioi-2020.geojson");
        fs::write(&good, feature_collection(&squares)).unwrap();
        let good = good.display().to_string();
        let out = ok(db, &["import", "--as-of", "2020-06-30", &good]);
        // The demo placed them as points: each replaced, the points kept in the history.
        assert!(
            out.contains("Unit shapes replaced (the old shape kept in the history): 7"),
            "{out}"
        );
        assert!(out.contains("units as of 30/06/2020"), "{out}");

        // One file with good features and bad ones is refused whole, each bad one named.
        let mut mixed = squares[..2].to_vec();
        mixed[0] = square_feature("06838", (108.0, 22.0));
        mixed.push(square_feature("99999", (107.0, 21.0)));
        mixed.push(r#"{"type": "Feature", "properties": {"ma": "06844"}, "geometry": {"type": "Polygon", "coordinates": [[[107.4, 21.5], [107.5, 21.6], [107.5, 21.5], [107.4, 21.6], [107.4, 21.5]]]}}"#.to_string());
        mixed.push(r#"{"type": "Feature", "properties": {"ma": "06847"}, "geometry": {"type": "Point", "coordinates": [21.6, 107.5]}}"#.to_string());
        // Tình Húc was merged into the town on 1 January 2020.
        mixed.push(square_feature("06850", (107.2, 21.5)));
        let bad = dir.join("sai.geojson");
        fs::write(&bad, feature_collection(&mixed)).unwrap();
        let out = solieu(
            db,
            &[
                "import",
                "--as-of",
                "2020-06-30",
                &bad.display().to_string(),
            ],
        );
        assert_eq!(out.status.code(), Some(2));
        let said = String::from_utf8_lossy(&out.stderr);
        for expected in [
            "features[2] 99999",
            "no unit has this code on 30/06/2020",
            "features[3] 06844",
            "a ring crosses itself",
            "features[4] 06847",
            "“[21.6, 107.5]”",
            "latitude first",
            "features[5] 06850",
            "Xã Tình Húc's over … – 31/12/2019",
            "--as-of",
        ] {
            assert!(said.contains(expected), "{expected} missing: {said}");
        }
        // Nothing of it was written: the good file changes nothing.
        let out = ok(db, &["import", "--as-of", "2020-06-30", &good]);
        assert!(out.contains("Unit shapes unchanged: 7"), "{out}");

        // The same code names another unit in 2026: its shape is another one, both kept.
        let town_2026 = dir.join("2026.geojson");
        fs::write(
            &town_2026,
            feature_collection(&[square_feature("06838", (107.3, 21.4))]),
        )
        .unwrap();
        let out = ok(
            db,
            &[
                "import",
                "--as-of",
                "2026-06-30",
                &town_2026.display().to_string(),
            ],
        );
        assert!(
            out.contains("Unit shapes replaced (the old shape kept in the history): 1"),
            "{out}"
        );
        let out = ok(db, &["import", "--as-of", "2020-06-30", &good]);
        assert!(out.contains("Unit shapes unchanged: 7"), "{out}");

        // An enormous boundary file is refused from its size, not read into memory.
        let huge = dir.join("ca-nuoc.geojson");
        let file = fs::File::create(&huge).unwrap();
        use std::io::Write;
        (&file)
            .write_all(br#"{"type": "FeatureCollection", "features": ["#)
            .unwrap();
        file.set_len(65 * 1024 * 1024).unwrap();
        let out = solieu(db, &["import", &huge.display().to_string()]);
        assert_eq!(out.status.code(), Some(2));
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("weighs 65,0 MB, over the limit of 64,0 MB") && said.contains("Simplify"),
            "{said}"
        );

        // Boundaries with other files: refused, nothing read.
        let out = solieu(
            db,
            &[
                "import",
                &good,
                &repo().join("demo/units.csv").display().to_string(),
            ],
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("imported on their own"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
);
